/* svff — what the backend's operations need of the host model. */
#ifndef SVFF_HOST_INTERNAL_H
#define SVFF_HOST_INTERNAL_H

#include "svff/host.h"
#include "sysfs.h"

struct svff_sysfs *svff_host_sysfs(struct svff_host *host);

#endif
