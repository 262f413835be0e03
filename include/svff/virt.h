/* svff — virtual machines through libvirt: the VM inventory, live events,
 * VF attach/detach as managed PCI hostdevs, VM suspend/resume. */
#ifndef SVFF_VIRT_H
#define SVFF_VIRT_H

#include <stdbool.h>
#include <stddef.h>

#include "svff/config.h"
#include "svff/error.h"
#include "svff/host.h"

/* A PCI hostdev in a VM's definition. */
struct svff_hostdev {
	char bdf[SVFF_BDF_LEN];
	char alias[64];		/* libvirt's alias (QEMU's device id): "hostdev0"; "" if none */
	bool managed;
	bool live;		/* in the running VM */
	bool config;		/* in the persistent definition */
};

enum svff_vm_state {
	SVFF_VM_NOSTATE, SVFF_VM_RUNNING, SVFF_VM_BLOCKED, SVFF_VM_PAUSED, SVFF_VM_SHUTDOWN,
	SVFF_VM_SHUTOFF, SVFF_VM_CRASHED, SVFF_VM_PMSUSPENDED,
};

struct svff_vm {
	char name[SVFF_NAME_LEN];
	char uuid[40];
	int id;				/* -1 when not running */
	enum svff_vm_state state;
	int reason;			/* libvirt's state reason */
	unsigned vcpus;
	unsigned long long memory_kib;
	bool persistent;
	bool stale;			/* connection lost: last known state */
	char numa_nodeset[64];		/* <numatune><memory nodeset>, "" if none */
	struct svff_hostdev *hostdevs;
	size_t n_hostdevs;
};

enum svff_vm_change {
	SVFF_VM_ADDED, SVFF_VM_REMOVED, SVFF_VM_CHANGED,
	SVFF_VM_DEVICE_ADDED, SVFF_VM_DEVICE_REMOVED, SVFF_VM_DEVICE_REMOVAL_FAILED,
	SVFF_VM_CONNECTION_LOST, SVFF_VM_RECONNECTED,
};

struct svff_virt;

typedef void (*svff_virt_listener)(struct svff_virt *virt, enum svff_vm_change what,
				   const char *vm, const char *detail, void *data);

/* Connects to uri (NULL: qemu:///system), runs libvirt's callbacks in
 * svff's event loop (svff_loop_init must have run), reads every domain and
 * subscribes to lifecycle, device and define/undefine events.  When the
 * connection drops, VMs are marked stale and svff reconnects with backoff. */
int svff_virt_new(const char *uri, bool read_only, struct svff_virt **out, struct svff_err *err);
void svff_virt_free(struct svff_virt *virt);

/* The same in two halves, so that libvirt's connection (loading libvirt,
 * its driver's start-up, reading the VMs: tens of milliseconds, or as long
 * as a hung libvirtd makes it) overlaps the host scan and the console:
 * start connects, subscribes and reads the VMs in a thread; finish waits
 * for it.  finish always consumes p. */
struct svff_virt_pending;
struct svff_virt_pending *svff_virt_start(const char *uri, bool read_only);
/* Becomes readable when the thread is done (poll it, then finish without
 * waiting); -1 when there is no thread (finish connects there and then). */
int svff_virt_pending_fd(const struct svff_virt_pending *p);
/* The URI being connected to (the default filled in). */
const char *svff_virt_pending_uri(const struct svff_virt_pending *p);
int svff_virt_finish(struct svff_virt_pending *p, struct svff_virt **out, struct svff_err *err);
/* Drops the connection (error paths, quitting).  A thread still inside
 * libvirt is left to the process's exit, with what it holds: quitting does
 * not wait for a libvirtd that does not answer. */
void svff_virt_cancel(struct svff_virt_pending *p);

const char *svff_virt_uri(const struct svff_virt *virt);
bool svff_virt_connected(const struct svff_virt *virt);
void svff_virt_set_listener(struct svff_virt *virt, svff_virt_listener fn, void *data);

size_t svff_virt_n_vms(const struct svff_virt *virt);
const struct svff_vm *svff_virt_vm(const struct svff_virt *virt, size_t i);
const struct svff_vm *svff_virt_find_vm(const struct svff_virt *virt, const char *name);
/* The VM holding the function bdf (live or persistent), or NULL. */
const struct svff_vm *svff_virt_vm_of(const struct svff_virt *virt, const char *bdf,
				      const struct svff_hostdev **hd);

const char *svff_vm_state_name(enum svff_vm_state state);

struct svff_sysfs;

/* How devices reach a VM and how svff talks to its QEMU: libvirt's device
 * API and virDomainQemuMonitorCommand by default, or another provider set
 * here (the demo lab, the tests' recorded monitor).  A hook that fails
 * returns -1 and puts the reason into msg.  sys is the host's sysfs: a
 * provider that plays libvirt moves a managed hostdev between drivers
 * there, as libvirt does on a real host. */
struct svff_vmm_ops {
	const char *name;
	int (*attach)(void *data, struct svff_sysfs *sys, const char *vm, const char *bdf, const char *xml,
		      unsigned flags, char *msg, size_t len);
	int (*detach)(void *data, struct svff_sysfs *sys, const char *vm, const char *bdf, const char *xml,
		      unsigned flags, char *msg, size_t len);
	/* One QMP command (JSON); *reply receives QEMU's JSON answer (malloc'd). */
	int (*monitor)(void *data, const char *vm, const char *cmd, char **reply, char *msg, size_t len);
	/* Adjusts vm->hostdevs to what the provider holds beyond the domain XML. */
	void (*hostdevs)(void *data, struct svff_vm *vm);
};

/* ops NULL: back to libvirt.  Re-reads every VM. */
void svff_virt_set_vmm(struct svff_virt *virt, const struct svff_vmm_ops *ops, void *data);
/* The provider's name, NULL for libvirt itself. */
const char *svff_virt_vmm_name(const struct svff_virt *virt);
/* Sends one QMP command to vm's QEMU; *reply is malloc'd. */
int svff_virt_monitor(struct svff_virt *virt, const char *vm, const char *cmd, char **reply,
		      struct svff_err *err);
/* Appends a hostdev to vm (merging with one at the same address). */
int svff_vm_add_hostdev(struct svff_vm *vm, const char *bdf, const char *alias, bool managed, bool live);

/* ---- VF pause: the SVFF authors' QEMU extension (QMP device_pause) ---- */

/* Whether vm's QEMU knows device_pause; asked once per VM run
 * (query-commands).  *yes false with 0 returned: it does not; why says so. */
int svff_virt_pause_supported(struct svff_virt *virt, const char *vm, bool *yes, char *why, size_t len,
			      struct svff_err *err);
/* Whether vf can be paused (pause true) or unpaused now: held live by a
 * running VM under an alias, not yet (or indeed) paused, and a QEMU with
 * device_pause; says why not.  *vm and *hd (may be NULL) get its VM. */
int svff_virt_pause_check(struct svff_virt *virt, const char *vf, bool pause, const struct svff_vm **vm,
			  const struct svff_hostdev **hd, struct svff_err *err);
/* Sends device_pause (pause true) or its reverse for the hostdev that
 * holds vf in its running VM, and records the paused state.  Touches QEMU
 * only: releasing and rebinding the host VF is the caller's (ops.c). */
int svff_virt_device_pause(struct svff_virt *virt, const char *vf, bool pause, struct svff_err *err);
/* Whether vf is paused in its VM (NULL vm: don't care which). */
bool svff_virt_vf_paused(const struct svff_virt *virt, const char *vf, const char **vm);
/* Keeps the paused VFs in path (read now, rewritten on each change), so
 * that they survive an svff restart. */
int svff_virt_set_pause_file(struct svff_virt *virt, const char *path, struct svff_err *err);

int svff_virt_suspend(struct svff_virt *virt, const char *vm, struct svff_err *err);
int svff_virt_resume(struct svff_virt *virt, const char *vm, struct svff_err *err);

enum svff_attach_flags {
	SVFF_ATTACH_LIVE = 1,
	SVFF_ATTACH_CONFIG = 2,
};

/* The hostdev element svff attaches for a function. */
int svff_hostdev_xml(const char *bdf, char *buf, size_t len, struct svff_err *err);

/* Checks what libvirt would refuse late or cryptically, then attaches the
 * VF as a managed hostdev.  notes receives warnings the user must see
 * (NUMA mismatch, loss of live migration).  dry_run: check only.  cfg: the
 * allow-list to enforce (NULL: none, for callers that checked already). */
int svff_virt_attach(struct svff_virt *virt, const struct svff_host *host,
		     const struct svff_config *cfg, const char *vf, const char *vm, unsigned flags,
		     bool dry_run, struct svff_strlist *notes, struct svff_err *err);
/* Detaches the VF from vm (NULL: the VM that holds it); a live detach waits
 * up to timeout_ms for the guest to release the device. */
int svff_virt_detach(struct svff_virt *virt, const struct svff_host *host,
		     const struct svff_config *cfg, const char *vf, const char *vm, unsigned flags,
		     int timeout_ms, bool dry_run, struct svff_err *err);

#endif
