/* svff — the console mode: the event loop that feeds the ncurses console. */
#ifndef SVFF_CONSOLE_H
#define SVFF_CONSOLE_H

#include "cli.h"
#include "svff/config.h"

int console_run(const struct cli_opts *opts, const struct svff_config *cfg, const char *uri);

#endif
