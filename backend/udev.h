/* svff — libudev: PCI enumeration and the device-event monitor. */
#ifndef SVFF_UDEV_H
#define SVFF_UDEV_H

#include "svff/devevent.h"
#include "svff/error.h"

/* Starts a monitor for subsystem pci.  Listens to udevd's events where udevd
 * runs (/run/udev/control exists) and to the kernel's uevents otherwise:
 * without udevd the "udev" source receives nothing.  Start it before the
 * first scan so that nothing appearing during the scan is missed. */
int svff_udev_monitor_new(struct svff_evsrc **out, struct svff_err *err);

/* Calls fn with the BDF of every PCI function libudev knows. */
int svff_udev_enumerate_pci(int (*fn)(const char *bdf, void *data), void *data,
			    struct svff_err *err);

#endif
