/* svff — the console mode: wires the ncurses console (ui/) to the run
 * context and the backend, and runs the event loop that feeds it. */
#ifndef SVFF_CONSOLE_MODE_H
#define SVFF_CONSOLE_MODE_H

#include <stdbool.h>

#include "context.h"

struct script;

struct console_mode_opts {
	const char *theme;		/* --theme; NULL: the config's, then "default" */
	const char *script;		/* --script FILE, for the log */
	const struct script *tour;	/* that tour, read (main.c owns it) */
	bool bench_first_frame;		/* --bench-first-frame: time the first frame, then quit */
	double t0_ms;			/* CLOCK_MONOTONIC at main(), for the above */
};

/* Runs the console until q, a signal or the end of the terminal; returns
 * an exit code (report.h). */
int console_mode_run(struct context *ctx, const struct console_mode_opts *opts);

#endif
