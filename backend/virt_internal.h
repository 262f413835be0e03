/* svff — what virt.c shares with hostdev.c. */
#ifndef SVFF_VIRT_INTERNAL_H
#define SVFF_VIRT_INTERNAL_H

#include <libvirt/libvirt.h>

#include "svff/virt.h"

virConnectPtr svff_virt_conn(struct svff_virt *virt);
/* libvirt's last error as a sentence, for messages. */
const char *svff_virt_last_error(void);
/* Re-reads one VM (after an operation, before its event arrives). */
int svff_virt_refresh_vm(struct svff_virt *virt, const char *name);
/* Counts DEVICE_REMOVED events seen for (vm, alias) so far. */
unsigned svff_virt_removed_count(struct svff_virt *virt, const char *vm, const char *alias);

#endif
