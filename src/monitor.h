/* svff — `svff monitor`: every change of the model as it happens, device
 * events and libvirt's VM events alike, like `udevadm monitor` at the
 * level of PFs, VFs and VMs. */
#ifndef SVFF_MONITOR_H
#define SVFF_MONITOR_H

#include <stdbool.h>

#include "context.h"

/* Watches until SIGINT or SIGTERM; returns an exit code (report.h). */
int monitor_run(struct context *ctx, bool json);

#endif
