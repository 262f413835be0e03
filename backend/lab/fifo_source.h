/* svff — device events from a FIFO, one "ACTION BDF" line each: the event
 * source for fixture trees (tests, demos), which have no kernel behind
 * them.  Feeds the model exactly as the udev monitor does. */
#ifndef SVFF_FIFO_SOURCE_H
#define SVFF_FIFO_SOURCE_H

#include "svff/devevent.h"

/* A source over a file descriptor already open (a pipe); takes it. */
int svff_fifo_source_from_fd(int fd, struct svff_evsrc **out, struct svff_err *err);

/* Creates the FIFO when it does not exist. */
int svff_fifo_source_new(const char *path, struct svff_evsrc **out, struct svff_err *err);

#endif
