/* svff — a kernel model for fixture trees.
 *
 * A --sysfs-root tree has no kernel behind it.  The kernel model takes
 * svff's sysfs writes there and does what Linux (drivers/pci/iov.c,
 * drivers/pci/pci-driver.c, drivers/base/bus.c) and the QDMA driver would
 * do: it creates and removes VFs, moves driver links, keeps the queue pool,
 * refuses what they refuse with their error codes, and emits the uevents
 * they emit.  It is the one place where kernel behaviour is imitated; each
 * rule names the behaviour it copies.
 */
#ifndef SVFF_KMODEL_H
#define SVFF_KMODEL_H

#include "svff/devevent.h"
#include "svff/error.h"

struct svff_sysfs;
struct svff_kmodel;

/* Takes over the writes of sys (a fixture root; the real /sys, however
 * it is spelt, is refused with EPERM).  *events yields the
 * uevents the model emits ("add", "bind", "change", ...), like the udev
 * monitor on a real host.  mirror_fifo (may be NULL) receives a copy of
 * every event, so a console watching the same tree sees them too. */
int svff_kmodel_new(struct svff_sysfs *sys, const char *mirror_fifo, struct svff_kmodel **out,
		    struct svff_evsrc **events, struct svff_err *err);
void svff_kmodel_free(struct svff_kmodel *km);

/* Cards' queue pool (the QDMA default, 2048). */
#define SVFF_QDMA_POOL 2048

#endif
