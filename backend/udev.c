/* svff — libudev: PCI enumeration and the device-event monitor (udev.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libudev.h>

#include "svff/bdf.h"
#include "udev.h"

struct udev_src {
	struct svff_evsrc base;
	struct udev *udev;
	struct udev_monitor *mon;
};

static int mon_fd(struct svff_evsrc *src)
{
	return udev_monitor_get_fd(((struct udev_src *)src)->mon);
}

static int mon_next(struct svff_evsrc *src, struct svff_devevent *ev, struct svff_err *err)
{
	struct udev_src *u = (struct udev_src *)src;
	struct udev_device *dev;
	const char *action, *name, *seq;

	(void)err;
	/* Drain until NULL, as udevadm monitor does; skip what is not a PCI
	 * function (the filter is advisory for the kernel source). */
	while ((dev = udev_monitor_receive_device(u->mon))) {
		action = udev_device_get_action(dev);
		name = udev_device_get_sysname(dev);
		if (action && name && strlen(name) < sizeof(ev->bdf) &&
		    strlen(action) < sizeof(ev->action)) {
			struct svff_bdf bdf;

			if (svff_bdf_parse(name, &bdf) == 0) {
				memset(ev, 0, sizeof(*ev));
				strcpy(ev->action, action);
				svff_bdf_format(&bdf, ev->bdf, sizeof(ev->bdf));
				seq = udev_device_get_property_value(dev, "SEQNUM");
				ev->seqnum = seq ? strtoull(seq, NULL, 10) : 0;
				udev_device_unref(dev);
				return 1;
			}
		}
		udev_device_unref(dev);
	}
	return 0;
}

static void mon_free(struct svff_evsrc *src)
{
	struct udev_src *u = (struct udev_src *)src;

	if (!u)
		return;
	udev_monitor_unref(u->mon);
	udev_unref(u->udev);
	free(u);
}

static const struct svff_evsrc_ops udev_ops = {
	.name = "udev", .fd = mon_fd, .next = mon_next, .free = mon_free,
};
static const struct svff_evsrc_ops kernel_ops = {
	.name = "kernel", .fd = mon_fd, .next = mon_next, .free = mon_free,
};

int svff_udev_monitor_new(struct svff_evsrc **out, struct svff_err *err)
{
	struct udev_src *u = calloc(1, sizeof(*u));
	bool have_udevd = access("/run/udev/control", F_OK) == 0;

	*out = NULL;
	if (!u)
		return svff_err_set(err, ENOMEM, "out of memory");
	u->base.ops = have_udevd ? &udev_ops : &kernel_ops;
	u->udev = udev_new();
	if (!u->udev) {
		free(u);
		return svff_err_set(err, errno ? errno : ENOMEM, "libudev: cannot create a context");
	}
	u->mon = udev_monitor_new_from_netlink(u->udev, have_udevd ? "udev" : "kernel");
	if (!u->mon) {
		int e = errno ? errno : EPERM;

		mon_free(&u->base);
		return svff_err_set(err, e, "libudev: cannot open the %s event monitor: %s",
				    have_udevd ? "udev" : "kernel", strerror(e));
	}
	udev_monitor_filter_add_match_subsystem_devtype(u->mon, "pci", NULL);
	if (udev_monitor_enable_receiving(u->mon) < 0) {
		int e = errno ? errno : EPERM;

		mon_free(&u->base);
		return svff_err_set(err, e, "libudev: cannot listen for device events: %s",
				    strerror(e));
	}
	*out = &u->base;
	return 0;
}

int svff_udev_enumerate_pci(int (*fn)(const char *bdf, void *data), void *data,
			    struct svff_err *err)
{
	struct udev *udev = udev_new();
	struct udev_enumerate *en;
	struct udev_list_entry *e;
	int rc = 0;

	if (!udev)
		return svff_err_set(err, ENOMEM, "libudev: cannot create a context");
	en = udev_enumerate_new(udev);
	if (!en || udev_enumerate_add_match_subsystem(en, "pci") < 0 ||
	    udev_enumerate_scan_devices(en) < 0) {
		udev_enumerate_unref(en);
		udev_unref(udev);
		return svff_err_set(err, EIO, "libudev: cannot enumerate PCI devices");
	}
	udev_list_entry_foreach(e, udev_enumerate_get_list_entry(en)) {
		const char *path = udev_list_entry_get_name(e);
		const char *base = strrchr(path, '/');

		rc = fn(base ? base + 1 : path, data);
		if (rc)
			break;
	}
	udev_enumerate_unref(en);
	udev_unref(udev);
	return rc;
}
