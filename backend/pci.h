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

/* Fills fn->sriov (when the capability is present) and fn->link_* from
 * config space.  A device libpci cannot read gives an error, never an
 * exit. */
int svff_pci_read(struct svff_pci *pci, struct svff_function *fn, struct svff_err *err);

/* Starts loading pci.ids in a thread, for svff_pci_name later. */
void svff_pci_prefetch_names(struct svff_pci *pci);
/* The vendor/device/class names of fn's IDs (none when names are off):
 * udev's hardware database, pci.ids where it is missing or silent. */
void svff_pci_name(struct svff_pci *pci, struct svff_function *fn);

#endif
