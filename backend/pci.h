/* svff — config space and names through libpci, on the same sysfs root. */
#ifndef SVFF_PCI_H
#define SVFF_PCI_H

#include <stdbool.h>

#include "svff/error.h"
#include "svff/host.h"

struct svff_pci;

int svff_pci_new(const char *sysfs_root, struct svff_pci **out, struct svff_err *err);
void svff_pci_free(struct svff_pci *pci);
/* names false: no vendor/device/class names (pci.ids takes milliseconds to
 * load, and commands that print no names do not need them). */
void svff_pci_set_names(struct svff_pci *pci, bool names);

/* Fills fn->sriov (when the capability is present), fn->link_* and the
 * vendor/device/class names from fn's IDs; caps false: the names only (a
 * VF: no SR-IOV of its own, and its link is its PF's).  A device libpci cannot read
 * gives an error, never an exit. */
int svff_pci_read(struct svff_pci *pci, struct svff_function *fn, bool caps, struct svff_err *err);

#endif
