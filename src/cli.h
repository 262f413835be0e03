/* svff — the subcommands. */
#ifndef SVFF_CLI_H
#define SVFF_CLI_H

#include <stdbool.h>

/* Exit codes, documented in svff(1) and the README. */
enum {
	SVFF_EXIT_OK = 0,
	SVFF_EXIT_FAIL = 1,	/* the operation failed; nothing was changed */
	SVFF_EXIT_USAGE = 2,	/* bad command line */
	SVFF_EXIT_ENV = 3,	/* the host cannot be read (sysfs root, libpci, udev) */
};

struct cli_opts {
	const char *sysfs_root;
	const char *uri;	/* --connect, NULL: the config's, then qemu:///system */
	const char *config;	/* --config, NULL: /etc/svff/svff.conf if it exists */
	bool read_only;
	const char *theme;	/* --theme, NULL: the config's, then "default" */
	const char *event_fifo;	/* --event-fifo: device events for fixture trees */
	const char *log;	/* --log FILE: the journal of every change */
	int argc;		/* the subcommand and its arguments */
	char **argv;
};

int cli_run(const struct cli_opts *opts);

#endif
