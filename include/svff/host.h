/* svff — the host inventory: PCI functions grouped into cards, SR-IOV PFs
 * with their VFs, QDMA attributes; kept current from device events.
 *
 * This header is the model the CLI and the console read.  It depends on libc
 * only; how it is filled (libudev, libpci, sysfs) is the backend's business.
 */
#ifndef SVFF_HOST_H
#define SVFF_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svff/bdf.h"
#include "svff/error.h"
#include "svff/qdma_id.h"

#define SVFF_NAME_LEN 128

enum svff_role {
	SVFF_ROLE_FUNCTION,	/* no SR-IOV capability, not a VF */
	SVFF_ROLE_PF,
	SVFF_ROLE_VF,
};

struct svff_sriov {
	bool present;		/* the function has an SR-IOV capability */
	long total_vfs, num_vfs, initial_vfs;	/* -1 where unknown */
	long vf_offset, vf_stride, vf_device;	/* -1 where unknown */
	bool from_config;	/* read from config space (else from sysfs files) */
};

/* The qdma/ sysfs group of a function bound to qdma-pf / qdma-vf. */
struct svff_qdma_attrs {
	bool present;
	long qmax, intr_rngsz;	/* -1 where absent */
	long qmax_vfs;		/* old (2018.3) drivers only; -1 otherwise */
	/* Global CSR values, master PF only; kept as the driver prints them. */
	char buf_sz[SVFF_NAME_LEN], glbl_rng_sz[SVFF_NAME_LEN];
	char c2h_timer_cnt[SVFF_NAME_LEN], c2h_cnt_th[SVFF_NAME_LEN];
	char cmpl_status_acc[SVFF_NAME_LEN];
};

struct svff_function {
	struct svff_bdf bdf;
	char name[SVFF_BDF_LEN];		/* "0000:01:00.0" */
	enum svff_role role;
	long vendor, device, subsys_vendor, subsys_device;	/* -1 unknown */
	long class_code;			/* 24-bit, -1 unknown */
	char vendor_name[SVFF_NAME_LEN], device_name[SVFF_NAME_LEN];
	char class_name[SVFF_NAME_LEN];
	char driver[64];			/* "" when unbound */
	char driver_override[64];		/* "" when unset */
	long iommu_group;			/* -1 none */
	long numa_node;				/* -1 none */
	char link_speed[32];			/* "8.0 GT/s PCIe", "" unknown */
	long link_width;			/* lanes, -1 unknown */
	struct svff_qdma_id qdma_id;
	struct svff_sriov sriov;		/* PFs */
	struct svff_qdma_attrs qdma;
	/* VFs: their PF and index (virtfnN on the PF); PFs: their VFs. */
	char physfn[SVFF_BDF_LEN];
	long vf_index;				/* -1 unless a VF */
	char **vfs;				/* PF only: BDFs by index, NULL slots for dangling links */
	size_t n_vfs;
	size_t card;				/* index into svff_host cards */
};

enum svff_card_kind {
	SVFF_CARD_PLAIN,	/* no SR-IOV: shown, nothing to manage */
	SVFF_CARD_SRIOV,	/* a generic SR-IOV device (NIC, NVMe, ...) */
	SVFF_CARD_QDMA,		/* an FPGA with the QDMA IP */
};

/* A physical card: the functions (not VFs) that share domain, bus and slot. */
struct svff_card {
	char name[SVFF_BDF_LEN];		/* "0000:01:00" */
	enum svff_card_kind kind;
	size_t *fns;				/* indices into the host's functions */
	size_t n_fns;
};

enum svff_change {
	SVFF_CHANGE_ADDED,
	SVFF_CHANGE_REMOVED,
	SVFF_CHANGE_CHANGED,
};

struct svff_host;

typedef void (*svff_host_listener)(struct svff_host *host, enum svff_change what,
				   const char *bdf, void *data);

/* The host's sysfs root and its PCI access; "/sys" when root is NULL. */
int svff_host_new(const char *sysfs_root, struct svff_host **out, struct svff_err *err);
void svff_host_free(struct svff_host *host);

/* Reads every PCI function below the root.  Problems with single devices
 * become warnings (svff_host_warnings) and the scan goes on. */
int svff_host_scan(struct svff_host *host, struct svff_err *err);

/* Applies one device event (udev action for one PCI function): re-reads only
 * that function and its PF, removes it on "remove", and notifies. */
/* names false: functions read from now on get no vendor/device/class
 * names (loading pci.ids costs milliseconds a command may not need). */
void svff_host_set_names(struct svff_host *host, bool names);
/* Reads one function into the model without a scan (commands that need a
 * few functions of a host with a thousand); no listener is told. */
int svff_host_load(struct svff_host *host, const char *bdf, struct svff_err *err);
int svff_host_apply_event(struct svff_host *host, const char *action, const char *bdf,
			  struct svff_err *err);
/* Applies every event waiting in src (svff/devevent.h), until it has no
 * more: the one drain loop of the udev monitor, the FIFO and the kernel
 * model alike.  An event that cannot be applied goes to on_error (may be
 * NULL) and the rest still are.  Returns how many events there were. */
struct svff_evsrc;
size_t svff_host_apply_events(struct svff_host *host, struct svff_evsrc *src,
			      void (*on_error)(void *data, const struct svff_err *err), void *data);

void svff_host_set_listener(struct svff_host *host, svff_host_listener fn, void *data);

size_t svff_host_n_functions(const struct svff_host *host);
const struct svff_function *svff_host_function(const struct svff_host *host, size_t i);
const struct svff_function *svff_host_find(const struct svff_host *host, const char *bdf);
size_t svff_host_n_cards(const struct svff_host *host);
const struct svff_card *svff_host_card(const struct svff_host *host, size_t i);
const struct svff_strlist *svff_host_warnings(const struct svff_host *host);
const char *svff_host_sysfs_root(const struct svff_host *host);

/* Whether a PCI driver is registered (bus/pci/drivers/NAME exists). */
bool svff_host_driver_loaded(const struct svff_host *host, const char *driver);
/* Calls fn with each function in IOMMU group `group` (from sysfs). */
int svff_host_iommu_group(const struct svff_host *host, long group,
			  int (*fn)(const char *bdf, void *data), void *data, struct svff_err *err);

const char *svff_role_name(enum svff_role role);
const char *svff_card_kind_name(enum svff_card_kind kind);

#endif
