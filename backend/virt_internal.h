/* svff — what virt.c shares with hostdev.c. */
#ifndef SVFF_VIRT_INTERNAL_H
#define SVFF_VIRT_INTERNAL_H

#include <libvirt/libvirt.h>

#include "svff/virt.h"

/* libvirt's last error as a sentence, for messages. */
const char *svff_virt_last_error(void);
/* Re-reads one VM (after an operation, before its event arrives). */
int svff_virt_refresh_vm(struct svff_virt *virt, const char *name);
/* Counts DEVICE_REMOVED events seen for (vm, alias) so far. */
unsigned svff_virt_removed_count(struct svff_virt *virt, const char *vm, const char *alias);

/* Attaches or detaches a hostdev through the provider (libvirt or another
 * set with svff_virt_set_vmm); msg gets the reason on failure. */
int svff_virt_device(struct svff_virt *virt, struct svff_sysfs *sys, bool attach, const char *vm, const char *bdf,
		     const char *xml, unsigned flags, char *msg, size_t len);

/* Where vfpause.c keeps its state (detection cache, paused VFs). */
struct svff_vfpause;
struct svff_vfpause **svff_virt_pause_slot(struct svff_virt *virt);
void svff_vfpause_free(struct svff_vfpause *p);

#endif
