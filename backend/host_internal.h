/* svff — what the backend's operations need of the host model. */
#ifndef SVFF_HOST_INTERNAL_H
#define SVFF_HOST_INTERNAL_H

#include "svff/host.h"
#include "sysfs.h"

/* The host's sysfs handle (a kernel model's writes go through it). */
struct svff_sysfs *svff_host_sysfs(const struct svff_host *host);

#endif
