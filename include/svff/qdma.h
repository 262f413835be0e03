/* svff — QDMA queue management over the driver's generic netlink families
 * "xnl_pf" / "xnl_vf", as the driver's dma-ctl does.  The protocol (command
 * and attribute numbers) follows the driver's qdma_nl.h; a driver built
 * with ERR_DEBUG numbers them differently, which svff detects and refuses.
 *
 * The driver checks no permissions on these commands: callers must allow
 * them to root only (the CLI does). */
#ifndef SVFF_QDMA_H
#define SVFF_QDMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svff/error.h"
#include "svff/host.h"

/* qdma_nl.h: enum xnl_op_t */
enum svff_xnl_cmd {
	SVFF_XNL_CMD_DEV_LIST = 0, SVFF_XNL_CMD_DEV_INFO = 1,
	SVFF_XNL_CMD_Q_LIST = 7, SVFF_XNL_CMD_Q_ADD = 8, SVFF_XNL_CMD_Q_START = 9,
	SVFF_XNL_CMD_Q_STOP = 10, SVFF_XNL_CMD_Q_DEL = 11, SVFF_XNL_CMD_Q_DUMP = 12,
	SVFF_XNL_CMD_DEV_CAP = 20,
};

/* qdma_nl.h: enum xnl_attr_t (the ones svff sends or reads) */
enum svff_xnl_attr {
	SVFF_XNL_ATTR_GENMSG = 0, SVFF_XNL_ATTR_DEV_IDX = 2, SVFF_XNL_ATTR_PCI_BUS = 3,
	SVFF_XNL_ATTR_PCI_DEV = 4, SVFF_XNL_ATTR_PCI_FUNC = 5, SVFF_XNL_ATTR_DEV_CFG_BAR = 14,
	SVFF_XNL_ATTR_DEV_USR_BAR = 15, SVFF_XNL_ATTR_DEV_QSET_MAX = 16, SVFF_XNL_ATTR_DEV_QSET_QBASE = 17,
	SVFF_XNL_ATTR_QIDX = 34, SVFF_XNL_ATTR_NUM_Q = 35, SVFF_XNL_ATTR_QFLAG = 36,
	SVFF_XNL_ATTR_RANGE_START = 46, SVFF_XNL_ATTR_RANGE_END = 47, SVFF_XNL_ATTR_RSP_BUF_LEN = 51,
	SVFF_XNL_ATTR_ERROR = 59, SVFF_XNL_ATTR_MAX = 68,
};

/* Queue flags (XNL_F_*) */
enum {
	SVFF_XNL_F_QMODE_ST = 0x1, SVFF_XNL_F_QMODE_MM = 0x2,
	SVFF_XNL_F_QDIR_H2C = 0x4, SVFF_XNL_F_QDIR_C2H = 0x8,
};

#define SVFF_XNL_VERSION 1
#define SVFF_XNL_QIDX_AUTO 0xffff
#define SVFF_XNL_RSP_BUFLEN (2048 * 10)

struct svff_qdma_req {
	enum svff_xnl_cmd cmd;
	uint32_t dev_idx;		/* (bus << 12) | (slot << 4) | func */
	uint32_t qidx;			/* SVFF_XNL_QIDX_AUTO: the driver picks */
	uint32_t num_q;
	uint32_t flags;			/* SVFF_XNL_F_* */
	bool range;			/* Q_LIST / Q_DUMP over [range_start, range_end] */
	uint32_t range_start, range_end;
};

struct svff_qdma_reply {
	char msg[SVFF_XNL_RSP_BUFLEN + 1];	/* XNL_ATTR_GENMSG */
	int error;				/* XNL_ATTR_ERROR: negative errno, 0 */
	bool has_u32[SVFF_XNL_ATTR_MAX];
	uint32_t u32[SVFF_XNL_ATTR_MAX];
};

uint32_t svff_qdma_dev_idx(const struct svff_bdf *bdf);

/* The request as bytes: nlmsghdr, genlmsghdr (cmd, version 1), u32
 * attributes.  Returns the length, or <0. */
long svff_qdma_build(void *buf, size_t len, uint16_t family, uint32_t seq,
		     const struct svff_qdma_req *req, struct svff_err *err);
/* Parses one reply message (as the kernel sent it). */
int svff_qdma_parse(const void *buf, size_t len, struct svff_qdma_reply *out, struct svff_err *err);

/* Sends req to the family of fn's driver (xnl_pf for qdma-pf, xnl_vf for
 * qdma-vf) and reads the reply. */
int svff_qdma_call(const struct svff_function *fn, const struct svff_qdma_req *req,
		   struct svff_qdma_reply *out, struct svff_err *err);

/* Parses "mm|st", "h2c|c2h|bi" into flags; 0 on success. */
int svff_qdma_flags(const char *mode, const char *dir, uint32_t *flags, struct svff_err *err);

#endif
