/* svff — what svff reads from libvirt's domain XML (libxml2, no regex). */
#ifndef SVFF_DOMXML_H
#define SVFF_DOMXML_H

#include "svff/error.h"
#include "svff/virt.h"

/* Adds the PCI hostdevs of xml to vm->hostdevs, marking them live or
 * config; fills numa_nodeset when present. */
int svff_domxml_read(const char *xml, bool live, struct svff_vm *vm, struct svff_err *err);

#endif
