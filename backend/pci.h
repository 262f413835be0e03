/* svff — config space and names through libpci, on the same sysfs root. */
#ifndef SVFF_PCI_H
#define SVFF_PCI_H

#include "svff/error.h"
#include "svff/host.h"

struct svff_pci;

int svff_pci_new(const char *sysfs_root, struct svff_pci **out, struct svff_err *err);
void svff_pci_free(struct svff_pci *pci);

/* Fills fn->sriov (when the capability is present), fn->link_* and the
 * vendor/device/class names from fn's IDs.  A device libpci cannot read
 * gives an error, never an exit. */
int svff_pci_read(struct svff_pci *pci, struct svff_function *fn, struct svff_err *err);

#endif
