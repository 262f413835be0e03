/* svff — libpci: config space, capabilities and names (pci.h), with
 * libpci's exit-on-error kept from killing svff. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libudev.h>
#include <pci/pci.h>

#include "pci.h"
#include "testhooks.h"

/* SR-IOV extended capability registers (PCIe base spec 9.3.3). */
#define SRIOV_CTRL		0x08
#define SRIOV_INITIAL_VF	0x0c
#define SRIOV_TOTAL_VF		0x0e
#define SRIOV_NUM_VF		0x10
#define SRIOV_VF_OFFSET		0x14
#define SRIOV_VF_STRIDE		0x16
#define SRIOV_VF_DID		0x1a
#define SRIOV_CTRL_VFE		0x0001

struct svff_pci {
	struct pci_access *acc;
	/* Names come from udev's hardware database, as lspci's do: a
	 * memory-mapped index, where pci.ids is parsed whole (20 ms, 2 MB).
	 * Without it, pci.ids loads in a thread while the host is scanned, on
	 * an access of its own so the scan's goes on. */
	struct udev *udev;
	struct udev_hwdb *hwdb;
	int hwdb_state;			/* 0 not tried, 1 open, -1 none */
	struct pci_access *names;
	pthread_t loader;
	bool loading;
	char sysfs_path[4096];
	bool no_names;
	/* the last names looked up: a card's functions share their IDs, and
	 * libpci walks a hash chain per lookup */
	struct svff_function last;
};

void svff_pci_set_names(struct svff_pci *pci, bool names)
{
	pci->no_names = !names;
}

/* libpci's error callback must not return (it is declared noreturn and its
 * callers go on as if it had exited).  The default exit(1) would let one
 * broken device kill svff, so the callback jumps back to the guarded call. */
static __thread jmp_buf *guard;
static __thread char guard_msg[256];

static __attribute__((noreturn)) void pci_error(char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	vsnprintf(guard_msg, sizeof(guard_msg), msg, ap);
	va_end(ap);
	if (guard)
		longjmp(*guard, 1);
	abort();	/* an unguarded libpci call is a bug in svff */
}

static void pci_quiet(char *msg, ...)
{
	(void)msg;
}

/* libpci warns (and goes on) when a config read fails: keep the first
 * warning of a call so the caller can report the unreadable device. */
static __thread char warn_msg[256];

static void pci_warning(char *msg, ...)
{
	va_list ap;

	if (warn_msg[0])
		return;
	va_start(ap, msg);
	vsnprintf(warn_msg, sizeof(warn_msg), msg, ap);
	va_end(ap);
}

/* An access on the sysfs root, as svff wants it; NULL with guard_msg set
 * when libpci gives up. */
static struct pci_access *access_new(const char *sysfs_path)
{
	struct pci_access *volatile acc = pci_alloc();
	jmp_buf jb;

	if (!acc) {
		snprintf(guard_msg, sizeof(guard_msg), "out of memory");
		return NULL;
	}
	acc->error = pci_error;
	acc->warning = pci_warning;
	acc->debug = pci_quiet;
	acc->method = PCI_ACCESS_SYS_BUS_PCI;
	guard = &jb;
	if (setjmp(jb)) {
		guard = NULL;
		/* pci_cleanup could hit the same error again: leak instead. */
		return NULL;
	}
	pci_set_param(acc, "sysfs.path", (char *)sysfs_path);
	/* Names from pci.ids only: libpci 3.9's udev hwdb lookup creates a
	 * udev context per lookup and never frees it (a leak per device). */
	pci_set_param(acc, "hwdb.disable", "1");
	pci_init(acc);
	guard = NULL;
	return acc;
}

int svff_pci_new(const char *sysfs_root, struct svff_pci **out, struct svff_err *err)
{
	struct svff_pci *pci = calloc(1, sizeof(*pci));

	*out = NULL;
	if (!pci)
		return svff_err_set(err, ENOMEM, "out of memory");
	snprintf(pci->sysfs_path, sizeof(pci->sysfs_path), "%s/bus/pci",
		 strcmp(sysfs_root, "/") ? sysfs_root : "");
	pci->acc = access_new(pci->sysfs_path);
	if (!pci->acc) {
		free(pci);
		return svff_err_set(err, EIO, "libpci: %s", guard_msg);
	}
	*out = pci;
	return 0;
}

static void names_wait(struct svff_pci *pci)
{
	if (pci->loading)
		pthread_join(pci->loader, NULL);
	pci->loading = false;
}

void svff_pci_free(struct svff_pci *pci)
{
	if (!pci)
		return;
	names_wait(pci);
	if (pci->names)
		pci_cleanup(pci->names);
	udev_hwdb_unref(pci->hwdb);
	udev_unref(pci->udev);
	pci_cleanup(pci->acc);
	free(pci);
}

static void *names_load(void *data)
{
	struct pci_access *names = data;
	jmp_buf jb;

	guard = &jb;
	if (setjmp(jb) == 0)
		pci_load_name_list(names);
	/* a list that failed to load is looked up as empty: no names */
	guard = NULL;
	return NULL;
}

static bool use_hwdb = true;

void svff_pci_use_hwdb(bool use)
{
	use_hwdb = use;
}

static bool hwdb_open(struct svff_pci *pci)
{
	if (pci->hwdb_state == 0 && !use_hwdb)
		pci->hwdb_state = -1;
	if (pci->hwdb_state == 0) {
		pci->udev = udev_new();
		pci->hwdb = pci->udev ? udev_hwdb_new(pci->udev) : NULL;
		pci->hwdb_state = pci->hwdb ? 1 : -1;
	}
	return pci->hwdb_state > 0;
}

/* The database's answer for key at modalias, into buf ("" when none). */
static void hwdb_get(struct svff_pci *pci, const char *modalias, const char *key, char *buf, size_t len)
{
	struct udev_list_entry *e;

	buf[0] = '\0';
	udev_list_entry_foreach(e, udev_hwdb_get_properties_list_entry(pci->hwdb, modalias, 0))
		if (!strcmp(udev_list_entry_get_name(e), key))
			snprintf(buf, len, "%s", udev_list_entry_get_value(e));
}

/* As libpci's lookups: the device's own name (not its subsystem's), the
 * subclass's name or else the class's.  False when the database does not
 * know the vendor: pci.ids may. */
static bool hwdb_names(struct svff_pci *pci, struct svff_function *fn)
{
	char m[96];

	snprintf(m, sizeof(m), "pci:v%08lXd%08lX", fn->vendor, fn->device);
	hwdb_get(pci, m, "ID_VENDOR_FROM_DATABASE", fn->vendor_name, sizeof(fn->vendor_name));
	if (!fn->vendor_name[0])
		return false;
	hwdb_get(pci, m, "ID_MODEL_FROM_DATABASE", fn->device_name, sizeof(fn->device_name));
	if (fn->class_code >= 0) {
		snprintf(m, sizeof(m), "pci:v00000000d00000000sv00000000sd00000000bc%02lXsc%02lXi%02lX",
			 (fn->class_code >> 16) & 0xff, (fn->class_code >> 8) & 0xff, fn->class_code & 0xff);
		hwdb_get(pci, m, "ID_PCI_SUBCLASS_FROM_DATABASE", fn->class_name, sizeof(fn->class_name));
		if (!fn->class_name[0])
			hwdb_get(pci, m, "ID_PCI_CLASS_FROM_DATABASE", fn->class_name, sizeof(fn->class_name));
	}
	return true;
}

void svff_pci_prefetch_names(struct svff_pci *pci)
{
	if (pci->no_names || pci->names || hwdb_open(pci))
		return;
	pci->names = access_new(pci->sysfs_path);
	if (pci->names && pthread_create(&pci->loader, NULL, names_load, pci->names) == 0)
		pci->loading = true;
}

static const char *speed_name(unsigned code)
{
	static const char *const names[] = {
		[1] = "2.5 GT/s", [2] = "5.0 GT/s", [3] = "8.0 GT/s",
		[4] = "16.0 GT/s", [5] = "32.0 GT/s", [6] = "64.0 GT/s",
	};

	return code < sizeof(names) / sizeof(names[0]) && names[code] ? names[code] : NULL;
}

static void read_sriov(struct pci_dev *d, struct svff_function *fn)
{
	struct pci_cap *cap = pci_find_cap(d, PCI_EXT_CAP_ID_SRIOV, PCI_CAP_EXTENDED);
	struct svff_sriov *s = &fn->sriov;

	if (!cap)
		return;
	s->present = true;
	s->from_config = true;
	s->initial_vfs = pci_read_word(d, cap->addr + SRIOV_INITIAL_VF);
	s->total_vfs = pci_read_word(d, cap->addr + SRIOV_TOTAL_VF);
	/* NumVFs is meaningful only while VF Enable is set. */
	s->num_vfs = (pci_read_word(d, cap->addr + SRIOV_CTRL) & SRIOV_CTRL_VFE) ?
		     pci_read_word(d, cap->addr + SRIOV_NUM_VF) : 0;
	s->vf_offset = pci_read_word(d, cap->addr + SRIOV_VF_OFFSET);
	s->vf_stride = pci_read_word(d, cap->addr + SRIOV_VF_STRIDE);
	s->vf_device = pci_read_word(d, cap->addr + SRIOV_VF_DID);
}

static void read_link(struct pci_dev *d, struct svff_function *fn)
{
	struct pci_cap *cap = pci_find_cap(d, PCI_CAP_ID_EXP, PCI_CAP_NORMAL);
	unsigned sta;
	const char *speed;

	if (!cap)
		return;
	sta = pci_read_word(d, cap->addr + PCI_EXP_LNKSTA);
	if (sta == 0xffff)
		return;
	speed = speed_name(sta & PCI_EXP_LNKSTA_SPEED);
	if (speed)
		snprintf(fn->link_speed, sizeof(fn->link_speed), "%s", speed);
	if ((sta & PCI_EXP_LNKSTA_WIDTH) >> 4)
		fn->link_width = (sta & PCI_EXP_LNKSTA_WIDTH) >> 4;
}

static void lookup(struct pci_access *acc, char *buf, size_t len, int flags, ...)
{
	char tmp[SVFF_NAME_LEN];
	const char *name;
	va_list ap;

	int a, b, c, e;

	/* Argument evaluation order is unspecified: take them one by one. */
	va_start(ap, flags);
	a = va_arg(ap, int);
	b = va_arg(ap, int);
	c = va_arg(ap, int);
	e = va_arg(ap, int);
	va_end(ap);
	name = pci_lookup_name(acc, tmp, sizeof(tmp), flags | PCI_LOOKUP_NO_NUMBERS, a, b, c, e);
	snprintf(buf, len, "%s", name ? name : "");
}

void svff_pci_name(struct svff_pci *pci, struct svff_function *fn)
{
	struct pci_access *acc;
	jmp_buf jb;

	if (pci->no_names)
		return;
	if (pci->last.vendor == fn->vendor && pci->last.device == fn->device &&
	    pci->last.class_code == fn->class_code && pci->last.vendor_name[0]) {
		memcpy(fn->vendor_name, pci->last.vendor_name, sizeof(fn->vendor_name));
		memcpy(fn->device_name, pci->last.device_name, sizeof(fn->device_name));
		memcpy(fn->class_name, pci->last.class_name, sizeof(fn->class_name));
		return;
	}
	if (fn->vendor >= 0 && fn->device >= 0 && hwdb_open(pci) && hwdb_names(pci, fn))
		goto remember;
	names_wait(pci);
	acc = pci->names ? pci->names : pci->acc;
	guard = &jb;
	if (setjmp(jb)) {
		/* names are decoration: none rather than a failed device */
		guard = NULL;
		return;
	}
	if (fn->vendor >= 0 && fn->device >= 0) {
		lookup(acc, fn->vendor_name, sizeof(fn->vendor_name), PCI_LOOKUP_VENDOR, (int)fn->vendor, 0, 0, 0);
		lookup(acc, fn->device_name, sizeof(fn->device_name), PCI_LOOKUP_DEVICE, (int)fn->vendor,
		       (int)fn->device, 0, 0);
	}
	if (fn->class_code >= 0)
		lookup(acc, fn->class_name, sizeof(fn->class_name), PCI_LOOKUP_CLASS,
		       (int)(fn->class_code >> 8), 0, 0, 0);
	guard = NULL;
remember:
	pci->last.vendor = fn->vendor;
	pci->last.device = fn->device;
	pci->last.class_code = fn->class_code;
	memcpy(pci->last.vendor_name, fn->vendor_name, sizeof(fn->vendor_name));
	memcpy(pci->last.device_name, fn->device_name, sizeof(fn->device_name));
	memcpy(pci->last.class_name, fn->class_name, sizeof(fn->class_name));
}

int svff_pci_read(struct svff_pci *pci, struct svff_function *fn, struct svff_err *err)
{
	struct pci_dev *volatile d = NULL;
	jmp_buf jb;

	guard = &jb;
	if (setjmp(jb)) {
		guard = NULL;
		/* d may be half-filled; freeing it could re-enter the error. */
		return svff_err_set(err, EIO, "%s: libpci: %s", fn->name, guard_msg);
	}
	d = pci_get_dev(pci->acc, fn->bdf.domain, fn->bdf.bus, fn->bdf.slot, fn->bdf.func);
	if (!d) {
		guard = NULL;
		return svff_err_set(err, ENOMEM, "libpci: out of memory");
	}
	warn_msg[0] = '\0';
	pci_fill_info(d, PCI_FILL_CAPS | PCI_FILL_EXT_CAPS);
	read_sriov(d, fn);
	read_link(d, fn);
	pci_free_dev(d);
	guard = NULL;
	if (warn_msg[0])
		return svff_err_set(err, EIO, "%s/devices/%s/config: cannot read config space (libpci: %s)",
				    pci->sysfs_path, fn->name, warn_msg);
	return 0;
}
