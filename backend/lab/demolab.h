/* svff — the embedded demo lab (svff --demo): a simulated QDMA host in a
 * private temporary folder, and the two things libvirt's test driver
 * lacks: hostdev attach/detach bookkeeping and a QEMU that answers QMP with
 * VFIO pause support.  Used only by the demo; everything else in a demo run
 * is the real path. */
#ifndef SVFF_DEMOLAB_H
#define SVFF_DEMOLAB_H

#include "svff/error.h"
#include "svff/virt.h"

struct svff_demolab;

/* Builds the lab in a new folder under $TMPDIR (else /tmp): sys/ (two QDMA
 * FPGAs and an SR-IOV NIC), lab.xml (six VMs for libvirt's test driver)
 * and svff.conf (allow-list, PF layouts, one assignment). */
int svff_demolab_new(struct svff_demolab **out, struct svff_err *err);
/* Removes the folder and everything in it. */
void svff_demolab_free(struct svff_demolab *lab);

const char *svff_demolab_dir(const struct svff_demolab *lab);
const char *svff_demolab_sysfs(const struct svff_demolab *lab);
const char *svff_demolab_uri(const struct svff_demolab *lab);
const char *svff_demolab_config(const struct svff_demolab *lab);

/* Hand to svff_virt_set_vmm(virt, svff_demolab_vmm(), lab). */
const struct svff_vmm_ops *svff_demolab_vmm(void);

#endif
