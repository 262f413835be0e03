/* svff — QDMA queue management over the driver's generic netlink
 * families (svff/qdma.h), as the driver's dma-ctl does. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "svff/qdma.h"

uint32_t svff_qdma_dev_idx(const struct svff_bdf *bdf)
{
	return ((uint32_t)bdf->bus << 12) | ((uint32_t)bdf->slot << 4) | bdf->func;
}

long svff_qdma_build(void *buf, size_t len, uint16_t family, uint32_t seq,
		     const struct svff_qdma_req *req, struct svff_err *err)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	if (len < 256)
		return svff_err_set(err, ENOSPC, "netlink buffer too small");
	memset(buf, 0, len);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = (uint8_t)req->cmd;
	genl->version = SVFF_XNL_VERSION;
	/* every command names its function */
	mnl_attr_put_u32(nlh, SVFF_XNL_ATTR_DEV_IDX, req->dev_idx);
	switch (req->cmd) {
	case SVFF_XNL_CMD_Q_ADD:
		mnl_attr_put_u32(nlh, SVFF_XNL_ATTR_QIDX, req->qidx);
		mnl_attr_put_u32(nlh, SVFF_XNL_ATTR_NUM_Q, req->num_q ? req->num_q : 1);
		mnl_attr_put_u32(nlh, SVFF_XNL_ATTR_QFLAG, req->flags);
		break;
	case SVFF_XNL_CMD_Q_START:
	case SVFF_XNL_CMD_Q_STOP:
	case SVFF_XNL_CMD_Q_DEL:
		mnl_attr_put_u32(nlh, SVFF_XNL_ATTR_QIDX, req->qidx);
		mnl_attr_put_u32(nlh, SVFF_XNL_ATTR_NUM_Q, req->num_q ? req->num_q : 1);
		mnl_attr_put_u32(nlh, SVFF_XNL_ATTR_QFLAG, req->flags);
		break;
	case SVFF_XNL_CMD_Q_LIST:
	case SVFF_XNL_CMD_Q_DUMP:
		if (req->range) {
			mnl_attr_put_u32(nlh, SVFF_XNL_ATTR_RANGE_START, req->range_start);
			mnl_attr_put_u32(nlh, SVFF_XNL_ATTR_RANGE_END, req->range_end);
		}
		if (req->cmd == SVFF_XNL_CMD_Q_DUMP)
			mnl_attr_put_u32(nlh, SVFF_XNL_ATTR_QFLAG, req->flags);
		mnl_attr_put_u32(nlh, SVFF_XNL_ATTR_RSP_BUF_LEN, SVFF_XNL_RSP_BUFLEN);
		break;
	default:
		mnl_attr_put_u32(nlh, SVFF_XNL_ATTR_RSP_BUF_LEN, SVFF_XNL_RSP_BUFLEN);
		break;
	}
	return (long)nlh->nlmsg_len;
}

struct parse_ctx {
	struct svff_qdma_reply *out;
	bool bad;
};

static int attr_cb(const struct nlattr *a, void *data)
{
	struct parse_ctx *pc = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type >= SVFF_XNL_ATTR_MAX)
		return MNL_CB_OK;	/* newer attributes: ignored */
	if (type == SVFF_XNL_ATTR_GENMSG) {
		size_t n = mnl_attr_get_payload_len(a);

		if (n > SVFF_XNL_RSP_BUFLEN)
			n = SVFF_XNL_RSP_BUFLEN;
		memcpy(pc->out->msg, mnl_attr_get_payload(a), n);
		pc->out->msg[n] = '\0';
		return MNL_CB_OK;
	}
	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0) {
		/* a u32 attribute that is not 4 bytes: the numbering differs
		 * (a driver built with ERR_DEBUG) */
		pc->bad = true;
		return MNL_CB_OK;
	}
	pc->out->has_u32[type] = true;
	pc->out->u32[type] = mnl_attr_get_u32(a);
	if (type == SVFF_XNL_ATTR_ERROR)
		pc->out->error = (int)mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

int svff_qdma_parse(const void *buf, size_t len, struct svff_qdma_reply *out, struct svff_err *err)
{
	const struct nlmsghdr *nlh = buf;
	struct parse_ctx pc = { .out = out };

	memset(out, 0, sizeof(*out));
	if (!mnl_nlmsg_ok(nlh, (int)len))
		return svff_err_set(err, EPROTO, "QDMA driver: truncated netlink reply");
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

		if (e->error)
			return svff_err_set(err, -e->error, "QDMA driver: %s", strerror(-e->error));
		return 0;
	}
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), attr_cb, &pc) < 0)
		return svff_err_set(err, EPROTO, "QDMA driver: malformed attributes in the reply");
	if (pc.bad)
		return svff_err_set(err, EPROTO, "QDMA driver: the reply does not follow qdma_nl.h as svff knows "
				    "it (a driver built with ERR_DEBUG numbers its attributes differently)");
	return 0;
}

int svff_qdma_flags(const char *mode, const char *dir, uint32_t *flags, struct svff_err *err)
{
	*flags = 0;
	if (!mode || !strcmp(mode, "mm"))
		*flags |= SVFF_XNL_F_QMODE_MM;
	else if (!strcmp(mode, "st"))
		*flags |= SVFF_XNL_F_QMODE_ST;
	else
		return svff_err_set(err, EINVAL, "queue mode '%s': expected mm or st", mode);
	if (!dir || !strcmp(dir, "bi"))
		*flags |= SVFF_XNL_F_QDIR_H2C | SVFF_XNL_F_QDIR_C2H;
	else if (!strcmp(dir, "h2c"))
		*flags |= SVFF_XNL_F_QDIR_H2C;
	else if (!strcmp(dir, "c2h"))
		*flags |= SVFF_XNL_F_QDIR_C2H;
	else
		return svff_err_set(err, EINVAL, "queue direction '%s': expected h2c, c2h or bi", dir);
	return 0;
}

/* ---- talking to the kernel --------------------------------------------------- */

static int family_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID && mnl_attr_validate(a, MNL_TYPE_U16) == 0)
		*(uint16_t *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static int family_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_cb, data);
	return MNL_CB_OK;
}

static int resolve_family(struct mnl_socket *nl, const char *name, uint16_t *id, struct svff_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;
	uint32_t seq = (uint32_t)time(NULL), port = mnl_socket_get_portid(nl);
	ssize_t n;

	/* libmnl leaves attribute padding as it finds it: no stack bytes
	 * may leave the process */
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = CTRL_CMD_GETFAMILY;
	genl->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return svff_err_set(err, errno, "netlink: %s", strerror(errno));
	*id = 0;
	while ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		int rc = mnl_cb_run(buf, (size_t)n, seq, port, family_msg_cb, id);

		if (rc < 0) {
			if (errno == ENOENT)
				return svff_err_set(err, ENOENT, "QDMA driver not loaded: the generic netlink family "
						    "%s does not exist (modprobe %s)", name,
						    strcmp(name, "xnl_pf") ? "qdma-vf" : "qdma-pf");
			return svff_err_set(err, errno, "netlink: %s", strerror(errno));
		}
		if (rc == MNL_CB_STOP)
			break;
	}
	return *id ? 0 : svff_err_set(err, ENOENT, "QDMA driver not loaded (no family %s)", name);
}

int svff_qdma_call(const struct svff_function *fn, const struct svff_qdma_req *req,
		   struct svff_qdma_reply *out, struct svff_err *err)
{
	const char *family = !strcmp(fn->driver, "qdma-vf") ? "xnl_vf" : "xnl_pf";
	static char buf[SVFF_XNL_RSP_BUFLEN + 4096];
	struct mnl_socket *nl;
	uint16_t id;
	long len;
	ssize_t n;
	uint32_t seq = (uint32_t)time(NULL) + 1;
	int rc;

	if (strcmp(fn->driver, "qdma-pf") && strcmp(fn->driver, "qdma-vf"))
		return svff_err_set(err, ENODEV, "%s is bound to %s, not to qdma-pf or qdma-vf: queues are the QDMA "
				    "driver's", fn->name, fn->driver[0] ? fn->driver : "no driver");
	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = svff_err_set(err, errno, "netlink: %s", strerror(errno));
		if (nl)
			mnl_socket_close(nl);
		return rc;
	}
	if ((rc = resolve_family(nl, family, &id, err)) < 0)
		goto cleanup;
	len = svff_qdma_build(buf, sizeof(buf), id, seq, req, err);
	if (len < 0) {
		rc = (int)len;
		goto cleanup;
	}
	if (mnl_socket_sendto(nl, buf, (size_t)len) < 0) {
		rc = svff_err_set(err, errno, "netlink: %s", strerror(errno));
		goto cleanup;
	}
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0) {
		rc = svff_err_set(err, errno, "netlink: %s", strerror(errno));
		goto cleanup;
	}
	rc = svff_qdma_parse(buf, (size_t)n, out, err);
	if (rc == 0 && out->error)
		rc = svff_err_set(err, -out->error, "QDMA driver on %s: %s%s%s", fn->name, strerror(-out->error),
				  out->msg[0] ? ": " : "", out->msg);
cleanup:
	mnl_socket_close(nl);
	return rc;
}
