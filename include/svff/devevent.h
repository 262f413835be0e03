/* svff — device events: what feeds the live model.
 *
 * The real source is a libudev monitor; the demo's kernel model and the
 * tests feed the same interface.  An event names one PCI function and what
 * happened to it, as udev's ACTION does.
 */
#ifndef SVFF_DEVEVENT_H
#define SVFF_DEVEVENT_H

#include "svff/error.h"
#include "svff/host.h"

struct svff_devevent {
	char action[16];			/* add, remove, change, bind, unbind, move */
	char bdf[SVFF_BDF_LEN];
	unsigned long long seqnum;		/* 0 when the source has none */
};

struct svff_evsrc;

struct svff_evsrc_ops {
	const char *name;			/* for the log: "udev", "kernel", ... */
	int (*fd)(struct svff_evsrc *src);	/* readable when events wait */
	/* 1 with *ev filled, 0 when drained, <0 on error. */
	int (*next)(struct svff_evsrc *src, struct svff_devevent *ev, struct svff_err *err);
	void (*free)(struct svff_evsrc *src);
};

struct svff_evsrc {
	const struct svff_evsrc_ops *ops;
};

static inline void svff_evsrc_free(struct svff_evsrc *src)
{
	if (src)
		src->ops->free(src);
}

#endif
