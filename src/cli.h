/* svff — the subcommands. */
#ifndef SVFF_CLI_H
#define SVFF_CLI_H

#include <stdbool.h>
#include <stddef.h>

/* Exit codes, documented in svff(1) and the README. */
enum {
	SVFF_EXIT_OK = 0,
	SVFF_EXIT_FAIL = 1,	/* the operation failed; nothing was changed */
	SVFF_EXIT_USAGE = 2,	/* bad command line */
	SVFF_EXIT_ENV = 3,	/* the host cannot be read (sysfs root, libpci, udev) */
};

struct svff_demolab;

struct cli_opts {
	const char *sysfs_root;
	const char *uri;	/* --connect, NULL: the config's, then qemu:///system */
	const char *config;	/* --config, NULL: /etc/svff/svff.conf if it exists */
	bool read_only;
	const char *theme;	/* --theme, NULL: the config's, then "default" */
	const char *event_fifo;	/* --event-fifo: device events for fixture trees */
	const char *log;	/* --log FILE: the journal of every change */
	struct svff_demolab *demo;	/* --demo: the embedded demo lab, else NULL */
	const char *script;	/* --script FILE: the demo's scripted tour */
	bool bench_first_frame;	/* --bench-first-frame: time the first frame, then quit */
	double t0_ms;		/* CLOCK_MONOTONIC at main(), for the above */
	int argc;		/* the subcommand and its arguments */
	char **argv;
};

int cli_run(const struct cli_opts *opts);
/* Where svff keeps state that must outlive it (the paused VFs): /run/svff
 * on a real host, beside a --sysfs-root tree otherwise. */
void cli_state_path(const struct cli_opts *opts, const char *file, char *buf, size_t len);

#endif
