/* svff lab — the kernel model: Linux's and the QDMA driver's answers to
 * svff's writes on a fixture tree (kmodel.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fakehost.h"
#include "fifo_source.h"
#include "kmodel.h"
#include "svff/host.h"
#include "sysfs.h"
#include "testhooks.h"

struct svff_kmodel {
	struct svff_sysfs *sys;
	struct svff_fakehost *fh;
	int pipe_w;
	int mirror_fd;
	int fail_in;
};

static void emit(struct svff_kmodel *km, const char *action, const char *bdf)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "%s %s\n", action, bdf);

	if (write(km->pipe_w, line, (size_t)n) < 0) {
		/* a full pipe drops the event, as a full netlink buffer does */
	}
	if (km->mirror_fd >= 0 && write(km->mirror_fd, line, (size_t)n) < 0) {
		/* nobody reads the mirror: fine */
	}
}

static int read_num(struct svff_kmodel *km, const char *bdf, const char *attr, long *v)
{
	char rel[PATH_MAX];

	snprintf(rel, sizeof(rel), "bus/pci/devices/%s/%s", bdf, attr);
	return svff_sysfs_read_long(km->sys, rel, v, NULL);
}

static void driver_of(struct svff_kmodel *km, const char *bdf, char *buf, size_t len)
{
	char rel[PATH_MAX];

	snprintf(rel, sizeof(rel), "bus/pci/devices/%s/driver", bdf);
	if (svff_sysfs_link_name(km->sys, rel, buf, len, NULL) < 0)
		buf[0] = '\0';
}

/* The static ID tables of the drivers the fixtures use; vfio-pci and
 * pci-stub have none and bind only through driver_override or new_id. */
static bool driver_matches(const char *driver, long vendor, long device)
{
	unsigned t = (unsigned)(device >> 12);

	if (!strcmp(driver, "qdma-pf"))
		return vendor == 0x10ee && (t == 0x9 || t == 0xb);
	if (!strcmp(driver, "qdma-vf"))
		return vendor == 0x10ee && (t == 0xa || t == 0xc);
	if (!strcmp(driver, "i40e"))
		return vendor == 0x8086 && device == 0x1572;
	if (!strcmp(driver, "iavf"))
		return vendor == 0x8086 && device == 0x154c;
	return false;
}

static bool driver_loaded(struct svff_kmodel *km, const char *driver)
{
	char rel[PATH_MAX];

	snprintf(rel, sizeof(rel), "bus/pci/drivers/%s", driver);
	return svff_sysfs_exists(km->sys, rel);
}

/* drivers/base/dd.c + pci_bus_match: driver_override, when set, is the
 * only driver that matches; otherwise the ID tables of loaded drivers. */
static int probe(struct svff_kmodel *km, const char *bdf, const char *only, struct svff_err *err)
{
	static const char *const candidates[] = { "qdma-pf", "qdma-vf", "i40e", "iavf" };
	char rel[PATH_MAX], override[64] = "", cur[64];
	long vendor = -1, device = -1;

	driver_of(km, bdf, cur, sizeof(cur));
	if (cur[0])
		return only ? -EBUSY : 0;	/* already bound */
	snprintf(rel, sizeof(rel), "bus/pci/devices/%s/driver_override", bdf);
	if (svff_sysfs_read(km->sys, rel, override, sizeof(override), NULL) < 0 || !strcmp(override, "(null)"))
		override[0] = '\0';
	read_num(km, bdf, "vendor", &vendor);
	read_num(km, bdf, "device", &device);
	if (override[0]) {
		if ((only && strcmp(only, override)) || !driver_loaded(km, override))
			return -ENODEV;
		only = override;
	} else if (only) {
		if (!driver_matches(only, vendor, device))
			return -ENODEV;
	} else {
		for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
			if (driver_loaded(km, candidates[i]) && driver_matches(candidates[i], vendor, device))
				only = candidates[i];
		if (!only)
			return 0;	/* no driver wants it: stays unbound */
	}
	if (svff_fakehost_bind(km->fh, bdf, only, err) < 0)
		return -EIO;
	emit(km, "bind", bdf);
	return 0;
}

/* The BDFs of a PF's VFs, from its virtfnN links. */
static int vfs_of(struct svff_kmodel *km, const char *pf, char vfs[][SVFF_BDF_LEN], int max)
{
	int n = 0;

	for (int i = 0; i < max; i++) {
		char rel[PATH_MAX];

		snprintf(rel, sizeof(rel), "bus/pci/devices/%s/virtfn%d", pf, i);
		if (svff_sysfs_link_name(km->sys, rel, vfs[n], SVFF_BDF_LEN, NULL) < 0)
			break;
		n++;
	}
	return n;
}

/* drivers/pci/iov.c sriov_numvfs_store. */
static int write_numvfs(struct svff_kmodel *km, const char *pf, const char *value, struct svff_err *err)
{
	static char vfs[4096][SVFF_BDF_LEN];
	char *end, drv[64];
	long total = 0, cur = 0, n;
	int k;

	errno = 0;
	n = strtol(value, &end, 0);
	while (*end == '\n' || *end == ' ')
		end++;
	if (errno || *end || end == value || n < 0 || n > 65535)
		return svff_err_set(err, EINVAL, "%s/sriov_numvfs: Invalid argument", pf);
	read_num(km, pf, "sriov_totalvfs", &total);
	read_num(km, pf, "sriov_numvfs", &cur);
	if (n > total)
		return svff_err_set(err, ERANGE, "%s/sriov_numvfs: Numerical result out of range", pf);
	if (n == cur)
		return 0;	/* the same value again changes nothing */
	driver_of(km, pf, drv, sizeof(drv));
	if (!drv[0])
		return svff_err_set(err, ENOENT, "%s/sriov_numvfs: No such file or directory "
				    "(no PF driver bound)", pf);
	if (n && cur)
		return svff_err_set(err, EBUSY, "%s/sriov_numvfs: Device or resource busy", pf);
	if (n == 0) {
		/* removal: unbind and remove each VF, then the PF changes */
		k = vfs_of(km, pf, vfs, 4096);
		for (int i = 0; i < k; i++) {
			driver_of(km, vfs[i], drv, sizeof(drv));
			if (drv[0])
				emit(km, "unbind", vfs[i]);
		}
		if (svff_fakehost_disable_vfs(km->fh, pf, err) < 0)
			return -err->code;
		for (int i = 0; i < k; i++)
			emit(km, "remove", vfs[i]);
		emit(km, "change", pf);
		return 0;
	}
	if (svff_fakehost_enable_vfs(km->fh, pf, (int)n, NULL, err) < 0)
		return -err->code;
	k = vfs_of(km, pf, vfs, 4096);
	for (int i = 0; i < k; i++) {
		long autoprobe = 1;

		emit(km, "add", vfs[i]);
		/* sriov_drivers_autoprobe decides whether new VFs are probed */
		read_num(km, pf, "sriov_drivers_autoprobe", &autoprobe);
		if (autoprobe)
			probe(km, vfs[i], NULL, NULL);
	}
	emit(km, "change", pf);
	return 0;
}

static int store(struct svff_kmodel *km, const char *rel, const char *value, struct svff_err *err);

/* The card a function belongs to: its PF's (or its own) domain:bus:slot. */
static void card_of(struct svff_kmodel *km, const char *bdf, char *card)
{
	char rel[PATH_MAX], pf[SVFF_BDF_LEN];

	snprintf(rel, sizeof(rel), "bus/pci/devices/%s/physfn", bdf);
	if (svff_sysfs_link_name(km->sys, rel, pf, sizeof(pf), NULL) < 0)
		snprintf(pf, sizeof(pf), "%s", bdf);
	snprintf(card, SVFF_BDF_LEN, "%.10s", pf);
}

struct pool_scan {
	struct svff_kmodel *km;
	const char *self;
	char card[SVFF_BDF_LEN];
	long used;
};

static int pool_entry(const char *name, void *data)
{
	struct pool_scan *ps = data;
	char card[SVFF_BDF_LEN];
	long v;

	if (!strcmp(name, ps->self) || read_num(ps->km, name, "qdma/qmax", &v) < 0)
		return 0;
	card_of(ps->km, name, card);
	if (!strcmp(card, ps->card))
		ps->used += v;
	return 0;
}

/* The QDMA driver's qmax: a contiguous block of the card's queue pool
 * (2048 queues); 0 frees it; more than is free is refused. */
static int write_qmax(struct svff_kmodel *km, const char *bdf, const char *rel, const char *value,
		      struct svff_err *err)
{
	struct pool_scan ps = { .km = km, .self = bdf };
	char *end;
	long q;

	errno = 0;
	q = strtol(value, &end, 0);
	while (*end == '\n' || *end == ' ')
		end++;
	if (errno || *end || end == value || q < 0 || q > SVFF_QDMA_POOL)
		return svff_err_set(err, EINVAL, "%s/qdma/qmax: Invalid argument (0 to %d)", bdf, SVFF_QDMA_POOL);
	card_of(km, bdf, ps.card);
	svff_sysfs_list(km->sys, "bus/pci/devices", pool_entry, &ps, NULL);
	if (ps.used + q > SVFF_QDMA_POOL)
		return svff_err_set(err, ENOSPC, "%s/qdma/qmax: %ld queues asked, %ld of the card's %d free",
				    bdf, q, SVFF_QDMA_POOL - ps.used, SVFF_QDMA_POOL);
	{
		char v[32];

		snprintf(v, sizeof(v), "%ld", q);
		return store(km, rel, v, err);
	}
}

/* Splits "bus/pci/devices/<bdf>/<attr>" or "bus/pci/drivers/<drv>/<file>". */
static bool split(const char *rel, const char *prefix, char *name, size_t nlen, const char **rest)
{
	size_t pl = strlen(prefix), n;

	if (strncmp(rel, prefix, pl))
		return false;
	n = strcspn(rel + pl, "/");
	if (!rel[pl + n] || n >= nlen)
		return false;
	snprintf(name, nlen, "%.*s", (int)n, rel + pl);
	*rest = rel + pl + n + 1;
	return true;
}

static void trim(const char *value, char *buf, size_t len)
{
	size_t n;

	snprintf(buf, len, "%s", value);
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
}

/* sysfs shows an attribute as its value and a newline. */
static int store(struct svff_kmodel *km, const char *rel, const char *value, struct svff_err *err)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s\n", value);
	return svff_sysfs_write_raw(km->sys, rel, buf, err);
}

static int hook(void *data, const char *rel, const char *value, struct svff_err *err)
{
	struct svff_kmodel *km = data;
	char name[64], arg[64], cur[64];
	const char *rest;
	struct svff_bdf b;
	int rc;

	if (km->fail_in > 0 && --km->fail_in == 0)
		return svff_err_set(err, EIO, "%s/%s: Input/output error (injected)", svff_sysfs_root(km->sys), rel);
	trim(value, arg, sizeof(arg));
	if (split(rel, "bus/pci/devices/", name, sizeof(name), &rest)) {
		if (!strcmp(rest, "sriov_numvfs"))
			return write_numvfs(km, name, value, err);
		if (!strcmp(rest, "qdma/qmax"))
			return write_qmax(km, name, rel, value, err);
		if (!strcmp(rest, "driver_override"))
			/* an empty write clears it, and reads show "(null)" */
			return store(km, rel, arg[0] ? arg : "(null)", err);
		return store(km, rel, arg, err);
	}
	if (!strcmp(rel, "bus/pci/drivers_probe")) {
		/* drivers/base/bus.c drivers_probe_store: probe one device */
		snprintf(name, sizeof(name), "bus/pci/devices/%s", arg);
		if (svff_bdf_parse(arg, &b) < 0 || !svff_sysfs_exists(km->sys, name))
			return svff_err_set(err, ENODEV, "drivers_probe %s: No such device", arg);
		rc = probe(km, arg, NULL, err);
		return rc < 0 ? svff_err_set(err, -rc, "drivers_probe %s: %s", arg, strerror(-rc)) : 0;
	}
	if (split(rel, "bus/pci/drivers/", name, sizeof(name), &rest)) {
		char drv[64];

		snprintf(drv, sizeof(drv), "%s", name);
		if (svff_bdf_parse(arg, &b) < 0)
			return svff_err_set(err, ENODEV, "%s/%s: No such device", drv, rest);
		driver_of(km, arg, cur, sizeof(cur));
		if (!strcmp(rest, "unbind")) {
			/* unbind_store: only the device's own driver can let go */
			if (strcmp(cur, drv))
				return svff_err_set(err, ENODEV, "%s/unbind %s: No such device", drv, arg);
			if (svff_fakehost_bind(km->fh, arg, NULL, err) < 0)
				return -err->code;
			emit(km, "unbind", arg);
			return 0;
		}
		if (!strcmp(rest, "bind")) {
			/* bind_store: a bound device is busy; a driver that does
			 * not match (ID table or override) gives ENODEV */
			if (cur[0])
				return svff_err_set(err, EBUSY, "%s/bind %s: Device or resource busy", drv, arg);
			rc = probe(km, arg, drv, err);
			if (rc < 0)
				return svff_err_set(err, -rc, "%s/bind %s: %s", drv, arg, strerror(-rc));
			return 0;
		}
	}
	return store(km, rel, arg, err);
}

int svff_kmodel_new(struct svff_sysfs *sys, const char *mirror_fifo, struct svff_kmodel **out,
		    struct svff_evsrc **events, struct svff_err *err)
{
	struct svff_kmodel *km = calloc(1, sizeof(*km));
	int fds[2];

	*out = NULL;
	*events = NULL;
	/* The real kernel answers the real /sys: a model there would write
	 * its guesses into the host. */
	if (svff_sysfs_is_system(sys)) {
		free(km);
		return svff_err_set(err, EPERM, "the kernel model plays the kernel for fixture trees; %s is the "
				    "host's own sysfs, whose kernel answers for itself", svff_sysfs_root(sys));
	}
	if (!km)
		return svff_err_set(err, ENOMEM, "out of memory");
	km->sys = sys;
	km->mirror_fd = -1;
	if (svff_fakehost_new(svff_sysfs_root(sys), &km->fh, err) < 0) {
		free(km);
		return -err->code;
	}
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
		int e = errno;

		svff_fakehost_free(km->fh);
		free(km);
		return svff_err_set(err, e, "kernel model: pipe: %s", strerror(e));
	}
	km->pipe_w = fds[1];
	if (svff_fifo_source_from_fd(fds[0], events, err) < 0) {
		close(fds[0]);
		close(fds[1]);
		svff_fakehost_free(km->fh);
		free(km);
		return -err->code;
	}
	if (mirror_fifo)
		km->mirror_fd = open(mirror_fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	svff_sysfs_set_write_hook(sys, hook, km);
	*out = km;
	return 0;
}

void svff_kmodel_free(struct svff_kmodel *km)
{
	if (!km)
		return;
	svff_sysfs_set_write_hook(km->sys, NULL, NULL);
	close(km->pipe_w);
	if (km->mirror_fd >= 0)
		close(km->mirror_fd);
	svff_fakehost_free(km->fh);
	free(km);
}

void svff_kmodel_fail_write(struct svff_kmodel *km, int nth)
{
	km->fail_in = nth;
}
