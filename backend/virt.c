/* svff — libvirt (svff/virt.h): the VM inventory, its events and the
 * reconnection.  One unit with vfpause.c and hostdev.c behind svff/virt.h. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>


#include "domxml.h"
#include "svff/evloop.h"
#include "testhooks.h"
#include "virt_internal.h"
#include "virtlib.h"

#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 30000

struct removed {
	char vm[SVFF_NAME_LEN];
	char alias[64];
	unsigned count;
};

struct svff_virt {
	char *uri;
	bool read_only;
	virConnectPtr conn;
	int callbacks[5];
	int n_callbacks;
	struct svff_vm *vms;
	size_t n_vms;
	svff_virt_listener listener;
	void *listener_data;
	int reconnect_timer;
	int backoff_ms;
	struct removed *removed;
	size_t n_removed;
	const struct svff_vmm_ops *vmm;
	void *vmm_data;
	struct svff_vfpause *pause;
	/* Connected in a thread (svff_virt_start), the VMs are the thread's
	 * until svff_virt_finish hands them over; an event the main loop
	 * dispatches before that is noted, and the VMs re-read at the
	 * handover. */
	bool handed;
	bool missed, missed_close;
};

static bool early(struct svff_virt *virt)
{
	if (!virt->handed)
		virt->missed = true;
	return !virt->handed;
}

/* libvirt prints errors to stderr unless told otherwise; that would tear
 * the console.  Errors are fetched with virGetLastErrorMessage instead. */
static void quiet_errors(void *data, virErrorPtr e)
{
	(void)data;
	(void)e;
}

static void quiet_xml(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

const char *svff_virt_last_error(void)
{
	const char *m = virGetLastErrorMessage();

	return m && *m ? m : "unknown libvirt error";
}

virConnectPtr svff_virt_conn(struct svff_virt *virt)
{
	return virt->conn;
}

const char *svff_virt_uri(const struct svff_virt *virt)
{
	return virt->uri;
}

bool svff_virt_connected(const struct svff_virt *virt)
{
	return virt->conn != NULL;
}

void svff_virt_set_listener(struct svff_virt *virt, svff_virt_listener fn, void *data)
{
	virt->listener = fn;
	virt->listener_data = data;
}

static void notify(struct svff_virt *virt, enum svff_vm_change what, const char *vm,
		   const char *detail)
{
	if (virt->listener)
		virt->listener(virt, what, vm, detail, virt->listener_data);
}

const char *svff_vm_state_name(enum svff_vm_state state)
{
	static const char *const names[] = {
		"no state", "running", "blocked", "paused", "shutting down", "shut off",
		"crashed", "pm-suspended",
	};

	return (unsigned)state < sizeof(names) / sizeof(names[0]) ? names[state] : "unknown";
}

static void vm_clear(struct svff_vm *vm)
{
	free(vm->hostdevs);
	memset(vm, 0, sizeof(*vm));
}

static struct svff_vm *vm_by_uuid(struct svff_virt *virt, const char *uuid, size_t *pos)
{
	for (size_t i = 0; i < virt->n_vms; i++) {
		if (!strcmp(virt->vms[i].uuid, uuid)) {
			if (pos)
				*pos = i;
			return &virt->vms[i];
		}
	}
	return NULL;
}

static void vm_remove_at(struct svff_virt *virt, size_t i)
{
	vm_clear(&virt->vms[i]);
	memmove(virt->vms + i, virt->vms + i + 1, (virt->n_vms - i - 1) * sizeof(*virt->vms));
	virt->n_vms--;
}

/* Reads one domain into *vm (cleared first). */
static int read_domain(virDomainPtr dom, struct svff_vm *vm, struct svff_err *err)
{
	virDomainInfo info;
	int state = 0, reason = 0, active, rc = 0;
	char *xml;

	memset(vm, 0, sizeof(*vm));
	snprintf(vm->name, sizeof(vm->name), "%s", virDomainGetName(dom));
	if (virDomainGetUUIDString(dom, vm->uuid) < 0 || virDomainGetState(dom, &state, &reason, 0) < 0 ||
	    virDomainGetInfo(dom, &info) < 0)
		return svff_err_set(err, ENOENT, "VM %s: %s", vm->name, svff_virt_last_error());
	vm->id = (int)virDomainGetID(dom);
	vm->state = (enum svff_vm_state)state;
	vm->reason = reason;
	vm->vcpus = info.nrVirtCpu;
	vm->memory_kib = info.maxMem;
	vm->persistent = virDomainIsPersistent(dom) == 1;
	active = virDomainIsActive(dom) == 1;
	if (!active)
		vm->id = -1;
	xml = virDomainGetXMLDesc(dom, 0);
	if (xml) {
		rc = svff_domxml_read(xml, active, vm, err);
		free(xml);
	}
	if (rc == 0 && active && vm->persistent) {
		xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
		if (xml) {
			rc = svff_domxml_read(xml, false, vm, err);
			free(xml);
		}
	}
	if (rc < 0)
		vm_clear(vm);
	return rc;
}

static int read_vm(struct svff_virt *virt, virDomainPtr dom, struct svff_vm *vm, struct svff_err *err)
{
	int rc = read_domain(dom, vm, err);

	if (rc == 0 && virt->vmm && virt->vmm->hostdevs)
		virt->vmm->hostdevs(virt->vmm_data, vm);
	return rc;
}

static int vm_cmp(const void *a, const void *b)
{
	return strcmp(((const struct svff_vm *)a)->name, ((const struct svff_vm *)b)->name);
}

/* Re-reads dom; adds, updates or (when it is gone) removes it. */
static void refresh_dom(struct svff_virt *virt, virDomainPtr dom, const char *detail)
{
	struct svff_vm vm, *old;
	char uuid[VIR_UUID_STRING_BUFLEN] = "";
	struct svff_err err = { 0 };
	size_t pos;

	virDomainGetUUIDString(dom, uuid);
	old = vm_by_uuid(virt, uuid, &pos);
	if (read_vm(virt, dom, &vm, &err) < 0) {
		if (old) {
			char name[SVFF_NAME_LEN];

			snprintf(name, sizeof(name), "%s", old->name);
			vm_remove_at(virt, pos);
			notify(virt, SVFF_VM_REMOVED, name, detail);
		}
		return;
	}
	if (old) {
		vm_clear(old);
		*old = vm;
		notify(virt, SVFF_VM_CHANGED, vm.name, detail);
		return;
	}
	old = realloc(virt->vms, (virt->n_vms + 1) * sizeof(*old));
	if (!old) {
		vm_clear(&vm);
		return;
	}
	virt->vms = old;
	virt->vms[virt->n_vms++] = vm;
	qsort(virt->vms, virt->n_vms, sizeof(*virt->vms), vm_cmp);
	notify(virt, SVFF_VM_ADDED, vm.name, detail);
}

int svff_virt_refresh_vm(struct svff_virt *virt, const char *name)
{
	virDomainPtr dom;

	if (!virt->conn)
		return -ENOTCONN;
	dom = virDomainLookupByName(virt->conn, name);
	if (!dom)
		return -ENOENT;
	refresh_dom(virt, dom, NULL);
	virDomainFree(dom);
	return 0;
}

static int read_all(struct svff_virt *virt, struct svff_err *err)
{
	virDomainPtr *doms = NULL;
	int n = virConnectListAllDomains(virt->conn, &doms, 0);

	if (n < 0)
		return svff_err_set(err, EIO, "libvirt %s: cannot list VMs: %s", virt->uri,
				    svff_virt_last_error());
	for (size_t i = 0; i < virt->n_vms; i++)
		vm_clear(&virt->vms[i]);
	free(virt->vms);
	virt->vms = NULL;
	virt->n_vms = 0;
	virt->vms = calloc((size_t)n + 1, sizeof(*virt->vms));
	for (int i = 0; i < n; i++) {
		struct svff_err e = { 0 };

		if (virt->vms && read_vm(virt, doms[i], &virt->vms[virt->n_vms], &e) == 0)
			virt->n_vms++;
		virDomainFree(doms[i]);
	}
	free(doms);
	if (!virt->vms)
		return svff_err_set(err, ENOMEM, "out of memory");
	qsort(virt->vms, virt->n_vms, sizeof(*virt->vms), vm_cmp);
	return 0;
}

/* ---- events ------------------------------------------------------------------- */

static const char *lifecycle_name(int event)
{
	static const char *const names[] = {
		"defined", "undefined", "started", "suspended", "resumed", "stopped",
		"shutdown", "pmsuspended", "crashed",
	};

	return event >= 0 && (size_t)event < sizeof(names) / sizeof(names[0]) ? names[event] : "changed";
}

static int on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
	(void)conn;
	(void)detail;
	if (!early(opaque))
		refresh_dom(opaque, dom, lifecycle_name(event));
	return 0;
}

static void on_device(struct svff_virt *virt, virDomainPtr dom, const char *alias,
		      enum svff_vm_change what)
{
	const char *name = virDomainGetName(dom);

	if (early(virt))
		return;
	if (what == SVFF_VM_DEVICE_REMOVED) {
		size_t i;

		for (i = 0; i < virt->n_removed; i++)
			if (!strcmp(virt->removed[i].vm, name) && !strcmp(virt->removed[i].alias, alias))
				break;
		if (i == virt->n_removed) {
			struct removed *r = realloc(virt->removed, (i + 1) * sizeof(*r));

			if (r) {
				virt->removed = r;
				memset(&r[i], 0, sizeof(r[i]));
				snprintf(r[i].vm, sizeof(r[i].vm), "%s", name);
				snprintf(r[i].alias, sizeof(r[i].alias), "%s", alias);
				virt->n_removed++;
			}
		}
		if (i < virt->n_removed)
			virt->removed[i].count++;
	}
	refresh_dom(virt, dom, NULL);
	notify(virt, what, name, alias);
}

static void on_device_added(virConnectPtr conn, virDomainPtr dom, const char *alias, void *opaque)
{
	(void)conn;
	on_device(opaque, dom, alias, SVFF_VM_DEVICE_ADDED);
}

static void on_device_removed(virConnectPtr conn, virDomainPtr dom, const char *alias, void *opaque)
{
	(void)conn;
	on_device(opaque, dom, alias, SVFF_VM_DEVICE_REMOVED);
}

static void on_device_removal_failed(virConnectPtr conn, virDomainPtr dom, const char *alias,
				     void *opaque)
{
	(void)conn;
	on_device(opaque, dom, alias, SVFF_VM_DEVICE_REMOVAL_FAILED);
}

unsigned svff_virt_removed_count(struct svff_virt *virt, const char *vm, const char *alias)
{
	for (size_t i = 0; i < virt->n_removed; i++)
		if (!strcmp(virt->removed[i].vm, vm) && !strcmp(virt->removed[i].alias, alias))
			return virt->removed[i].count;
	return 0;
}

static void schedule_reconnect(struct svff_virt *virt);

static void on_close(virConnectPtr conn, int reason, void *opaque)
{
	struct svff_virt *virt = opaque;

	(void)conn;
	(void)reason;
	if (!virt->handed) {
		virt->missed_close = true;
		return;
	}
	/* Keep the last known VMs, marked stale, until the resync. */
	for (size_t i = 0; i < virt->n_vms; i++)
		virt->vms[i].stale = true;
	notify(virt, SVFF_VM_CONNECTION_LOST, NULL, "connection to libvirt lost; reconnecting");
	schedule_reconnect(virt);
}

static void unsubscribe(struct svff_virt *virt)
{
	if (!virt->conn)
		return;
	for (int i = 0; i < virt->n_callbacks; i++)
		virConnectDomainEventDeregisterAny(virt->conn, virt->callbacks[i]);
	virt->n_callbacks = 0;
	virConnectUnregisterCloseCallback(virt->conn, on_close);
}

static int subscribe(struct svff_virt *virt, struct svff_err *err)
{
	static const struct { int id; virConnectDomainEventGenericCallback cb; } events[] = {
		{ VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle) },
		{ VIR_DOMAIN_EVENT_ID_DEVICE_ADDED, VIR_DOMAIN_EVENT_CALLBACK(on_device_added) },
		{ VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, VIR_DOMAIN_EVENT_CALLBACK(on_device_removed) },
		{ VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED,
		  VIR_DOMAIN_EVENT_CALLBACK(on_device_removal_failed) },
	};

	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		int id = virConnectDomainEventRegisterAny(virt->conn, NULL, events[i].id, events[i].cb,
							  virt, NULL);

		/* Drivers without device events (the test driver) still give
		 * lifecycle ones; only that one is required. */
		if (id < 0 && events[i].id == VIR_DOMAIN_EVENT_ID_LIFECYCLE) {
			unsubscribe(virt);
			return svff_err_set(err, EIO, "libvirt %s: cannot subscribe to VM events: %s",
					    virt->uri, svff_virt_last_error());
		}
		if (id >= 0)
			virt->callbacks[virt->n_callbacks++] = id;
	}
	virConnectRegisterCloseCallback(virt->conn, on_close, virt, NULL);
	/* Keep-alive finds a dead libvirtd; local drivers do not need it and
	 * answer that they do not support it, which is fine. */
	if (virConnectSetKeepAlive(virt->conn, 5, 3) < 0)
		virResetLastError();
	return 0;
}

/* Subscribes and reads every VM over virt->conn. */
static int connect_with(struct svff_virt *virt, struct svff_err *err)
{
	if (subscribe(virt, err) < 0 || read_all(virt, err) < 0) {
		unsubscribe(virt);
		virConnectClose(virt->conn);
		virt->conn = NULL;
		return -err->code;
	}
	return 0;
}

static int connect_now(struct svff_virt *virt, struct svff_err *err)
{
	if (svff_virtlib_load(err) < 0)
		return svff_err_prefix(err, "libvirt: cannot connect to %s: ", virt->uri);
	svff_loop_attach_libvirt();
	virSetErrorFunc(NULL, quiet_errors);
	/* libvirt parses XML with libxml2, which prints its own warnings (its
	 * handler is per thread: this one, and the main one in finish) */
	xmlSetGenericErrorFunc(NULL, quiet_xml);
	virt->conn = virt->read_only ? virConnectOpenReadOnly(virt->uri) : virConnectOpen(virt->uri);
	if (!virt->conn)
		return svff_err_set(err, ECONNREFUSED, "libvirt: cannot connect to %s: %s", virt->uri,
				    svff_virt_last_error());
	return connect_with(virt, err);
}

static void reconnect_cb(int timer, void *opaque)
{
	struct svff_virt *virt = opaque;
	struct svff_err err = { 0 };

	(void)timer;
	svff_loop_update_timer(virt->reconnect_timer, -1);
	if (virt->conn) {
		unsubscribe(virt);
		virConnectClose(virt->conn);
		virt->conn = NULL;
	}
	if (connect_now(virt, &err) == 0) {
		virt->backoff_ms = BACKOFF_MIN_MS;
		notify(virt, SVFF_VM_RECONNECTED, NULL, "reconnected to libvirt; VMs resynchronised");
		return;
	}
	virt->backoff_ms = virt->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : virt->backoff_ms * 2;
	svff_loop_update_timer(virt->reconnect_timer, virt->backoff_ms);
}

static void schedule_reconnect(struct svff_virt *virt)
{
	if (virt->reconnect_timer <= 0)
		virt->reconnect_timer = svff_loop_add_timer(-1, reconnect_cb, virt, NULL);
	svff_loop_update_timer(virt->reconnect_timer, virt->backoff_ms);
}

static struct svff_virt *virt_alloc(const char *uri, bool read_only)
{
	struct svff_virt *virt = calloc(1, sizeof(*virt));

	if (!virt)
		return NULL;
	virt->uri = strdup(uri ? uri : "qemu:///system");
	virt->read_only = read_only;
	virt->backoff_ms = BACKOFF_MIN_MS;
	if (!virt->uri) {
		free(virt);
		return NULL;
	}
	return virt;
}

int svff_virt_new(const char *uri, bool read_only, struct svff_virt **out, struct svff_err *err)
{
	struct svff_virt *virt = virt_alloc(uri, read_only);
	int rc;

	*out = NULL;
	if (!virt)
		return svff_err_set(err, ENOMEM, "out of memory");
	rc = connect_now(virt, err);
	if (rc < 0) {
		svff_virt_free(virt);
		return rc;
	}
	virt->handed = true;
	*out = virt;
	return 0;
}

/* ---- connecting while the host is scanned -------------------------------------- */

struct svff_virt_pending {
	pthread_t thread;
	bool started;
	atomic_bool done;
	int done_fd;			/* eventfd, written when the thread ends */
	struct svff_virt *virt;
	int rc;
	struct svff_err err;		/* libvirt's error is per thread: taken here */
};

/* The whole connection, VMs read and events subscribed: the events are
 * dispatched by the main loop, whose callbacks for them run only once
 * svff_virt_finish has handed the connection over (its listener is set
 * after that). */
static void *open_thread(void *data)
{
	struct svff_virt_pending *p = data;
	uint64_t one = 1;

	p->rc = connect_now(p->virt, &p->err);
	atomic_store(&p->done, true);
	if (write(p->done_fd, &one, sizeof(one)) < 0) {
		/* an eventfd write fails only on overflow: cannot happen once */
	}
	return NULL;
}

int svff_virt_pending_fd(const struct svff_virt_pending *p)
{
	return p && p->started ? p->done_fd : -1;
}

const char *svff_virt_pending_uri(const struct svff_virt_pending *p)
{
	return p->virt->uri;
}

struct svff_virt_pending *svff_virt_start(const char *uri, bool read_only)
{
	struct svff_virt_pending *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->virt = virt_alloc(uri, read_only);
	if (!p->virt) {
		free(p);
		return NULL;
	}
	/* without a thread, svff_virt_finish connects itself */
	p->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	p->started = p->done_fd >= 0 && pthread_create(&p->thread, NULL, open_thread, p) == 0;
	return p;
}

int svff_virt_finish(struct svff_virt_pending *p, struct svff_virt **out, struct svff_err *err)
{
	struct svff_virt *virt;
	int rc;

	*out = NULL;
	if (!p)
		return svff_err_set(err, ENOMEM, "out of memory");
	virt = p->virt;
	if (!p->started) {
		rc = connect_now(virt, err);
	} else {
		pthread_join(p->thread, NULL);
		rc = p->rc;
		if (rc == 0)
			xmlSetGenericErrorFunc(NULL, quiet_xml);
		if (rc < 0 && err)
			*err = p->err;
	}
	if (p->done_fd >= 0)
		close(p->done_fd);
	free(p);
	if (rc < 0) {
		svff_virt_free(virt);
		return rc;
	}
	virt->handed = true;
	if (virt->missed_close) {
		for (size_t i = 0; i < virt->n_vms; i++)
			virt->vms[i].stale = true;
		schedule_reconnect(virt);
	} else if (virt->missed) {
		struct svff_err e = { 0 };

		read_all(virt, &e);	/* a failure here shows as the next event's */
	}
	*out = virt;
	return 0;
}

void svff_virt_free(struct svff_virt *virt)
{
	if (!virt)
		return;
	if (virt->reconnect_timer > 0)
		svff_loop_remove_timer(virt->reconnect_timer);
	if (virt->conn) {
		unsubscribe(virt);
		virConnectClose(virt->conn);
	}
	for (size_t i = 0; i < virt->n_vms; i++)
		vm_clear(&virt->vms[i]);
	free(virt->vms);
	free(virt->removed);
	svff_vfpause_free(virt->pause);
	free(virt->uri);
	free(virt);
}

size_t svff_virt_n_vms(const struct svff_virt *virt)
{
	return virt->n_vms;
}

const struct svff_vm *svff_virt_vm(const struct svff_virt *virt, size_t i)
{
	return i < virt->n_vms ? &virt->vms[i] : NULL;
}

const struct svff_vm *svff_virt_find_vm(const struct svff_virt *virt, const char *name)
{
	for (size_t i = 0; i < virt->n_vms; i++)
		if (!strcmp(virt->vms[i].name, name))
			return &virt->vms[i];
	return NULL;
}

const struct svff_vm *svff_virt_vm_of(const struct svff_virt *virt, const char *bdf,
				      const struct svff_hostdev **hd)
{
	struct svff_bdf b;
	char name[SVFF_BDF_LEN];

	if (svff_bdf_parse(bdf, &b) < 0)
		return NULL;
	svff_bdf_format(&b, name, sizeof(name));
	for (size_t i = 0; i < virt->n_vms; i++) {
		for (size_t k = 0; k < virt->vms[i].n_hostdevs; k++) {
			if (!strcmp(virt->vms[i].hostdevs[k].bdf, name)) {
				if (hd)
					*hd = &virt->vms[i].hostdevs[k];
				return &virt->vms[i];
			}
		}
	}
	return NULL;
}

/* ---- VM suspend / resume ---------------------------------------------------- */

static int vm_op(struct svff_virt *virt, const char *name, bool suspend, struct svff_err *err)
{
	const struct svff_vm *vm = svff_virt_find_vm(virt, name);
	virDomainPtr dom;
	int rc;

	if (!virt->conn)
		return svff_err_set(err, ENOTCONN, "not connected to libvirt (%s); svff is reconnecting",
				    virt->uri);
	if (!vm) {
		svff_err_set(err, ENOENT, "no VM named '%s'", name);
		return svff_err_hint(err, SVFF_HINT_LIST_VMS, NULL);
	}
	if (suspend && vm->state == SVFF_VM_PAUSED)
		return svff_err_set(err, EALREADY, "VM %s is already paused", name);
	if (suspend && vm->state != SVFF_VM_RUNNING)
		return svff_err_set(err, EINVAL, "VM %s is %s: only a running VM can be suspended",
				    name, svff_vm_state_name(vm->state));
	if (!suspend && vm->state != SVFF_VM_PAUSED)
		return svff_err_set(err, EINVAL, "VM %s is %s, not paused: nothing to resume",
				    name, svff_vm_state_name(vm->state));
	dom = virDomainLookupByName(virt->conn, name);
	if (!dom)
		return svff_err_set(err, ENOENT, "VM %s: %s", name, svff_virt_last_error());
	rc = suspend ? virDomainSuspend(dom) : virDomainResume(dom);
	if (rc < 0)
		rc = svff_err_set(err, EIO, "VM %s: %s", name, svff_virt_last_error());
	else
		refresh_dom(virt, dom, NULL);	/* the event brings the detail */
	virDomainFree(dom);
	return rc;
}

int svff_virt_suspend(struct svff_virt *virt, const char *vm, struct svff_err *err)
{
	return vm_op(virt, vm, true, err);
}

int svff_virt_resume(struct svff_virt *virt, const char *vm, struct svff_err *err)
{
	return vm_op(virt, vm, false, err);
}

/* ---- the device and monitor provider --------------------------------------- */

void svff_virt_set_vmm(struct svff_virt *virt, const struct svff_vmm_ops *ops, void *data)
{
	struct svff_err err = { 0 };

	virt->vmm = ops;
	virt->vmm_data = data;
	if (virt->conn)
		read_all(virt, &err);
}

const char *svff_virt_vmm_name(const struct svff_virt *virt)
{
	return virt->vmm ? virt->vmm->name : NULL;
}

struct svff_vfpause **svff_virt_pause_slot(struct svff_virt *virt)
{
	return &virt->pause;
}

int svff_virt_device(struct svff_virt *virt, struct svff_sysfs *sys, bool attach, const char *vm, const char *bdf,
		     const char *xml, unsigned flags, char *msg, size_t len)
{
	unsigned vflags = (flags & SVFF_ATTACH_LIVE ? VIR_DOMAIN_AFFECT_LIVE : 0) |
			  (flags & SVFF_ATTACH_CONFIG ? VIR_DOMAIN_AFFECT_CONFIG : 0);
	virDomainPtr dom;
	int rc;

	if (virt->vmm)
		return (attach ? virt->vmm->attach : virt->vmm->detach)(virt->vmm_data, sys, vm, bdf, xml, flags, msg,
									len);
	dom = virDomainLookupByName(virt->conn, vm);
	if (!dom) {
		snprintf(msg, len, "libvirt: %s", svff_virt_last_error());
		return -1;
	}
	rc = attach ? virDomainAttachDeviceFlags(dom, xml, vflags) : virDomainDetachDeviceFlags(dom, xml, vflags);
	/* read the error before virDomainFree resets it */
	if (rc < 0)
		snprintf(msg, len, "libvirt: %s", svff_virt_last_error());
	virDomainFree(dom);
	return rc < 0 ? -1 : 0;
}

int svff_virt_monitor(struct svff_virt *virt, const char *vm, const char *cmd, char **reply,
		      struct svff_err *err)
{
	char msg[SVFF_ERR_MSG_MAX];
	virDomainPtr dom;
	int rc;

	*reply = NULL;
	if (!virt->conn)
		return svff_err_set(err, ENOTCONN, "not connected to libvirt (%s)", virt->uri);
	if (virt->vmm) {
		if (!virt->vmm->monitor)
			return svff_err_set(err, ENOTSUP, "%s has no QEMU monitor", virt->vmm->name);
		if (virt->vmm->monitor(virt->vmm_data, vm, cmd, reply, msg, sizeof(msg)) < 0)
			return svff_err_set(err, EIO, "VM %s: %s", vm, msg);
		return 0;
	}
	dom = virDomainLookupByName(virt->conn, vm);
	if (!dom)
		return svff_err_set(err, ENOENT, "VM %s: %s", vm, svff_virt_last_error());
	rc = virDomainQemuMonitorCommand(dom, cmd, reply, VIR_DOMAIN_QEMU_MONITOR_COMMAND_DEFAULT);
	if (rc < 0) {
		virErrorPtr e = virGetLastError();

		rc = svff_err_set(err, e && e->code == VIR_ERR_NO_SUPPORT ? ENOTSUP : EIO,
				  "VM %s: cannot talk to its QEMU monitor: %s", vm, svff_virt_last_error());
	}
	virDomainFree(dom);
	return rc < 0 ? rc : 0;
}

void svff_virt_cancel(struct svff_virt_pending *p)
{
	if (!p)
		return;
	if (p->started && !atomic_load(&p->done)) {
		pthread_detach(p->thread);
		return;
	}
	if (p->started)
		pthread_join(p->thread, NULL);
	if (p->done_fd >= 0)
		close(p->done_fd);
	svff_virt_free(p->virt);
	free(p);
}
