/* svff — the backend's test-only hooks, in one place.  Only the tests
 * include this header, and the backend files that define the hooks
 * (tests/check-layers checks it); nothing svff runs calls them. */
#ifndef SVFF_TESTHOOKS_H
#define SVFF_TESTHOOKS_H

#include <stdbool.h>

struct _virConnect;
struct svff_kmodel;
struct svff_virt;

/* sysfs.c: force the realpath check used where openat2 is missing (0),
 * or go back to probing (-1). */
void svff_sysfs_use_openat2(int mode);

/* pci.c: names from pci.ids only (false), for accesses made afterwards. */
void svff_pci_use_hwdb(bool use);

/* virt.c: the libvirt connection, for tests that define domains on it. */
struct _virConnect *svff_virt_conn(struct svff_virt *virt);

/* lab/kmodel.c: fail the nth write from now (1 = the next) with EIO, as a
 * device that stops answering would; 0 disables. */
void svff_kmodel_fail_write(struct svff_kmodel *km, int nth);

#endif
