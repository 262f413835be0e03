/* svff — the subcommands. */
#ifndef SVFF_CLI_H
#define SVFF_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "svff/error.h"

#include "report.h"

struct svff_demolab;
struct svff_err;
struct svff_virt;
struct svff_virt_pending;
struct script;

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
	const struct script *tour;	/* and that tour, read (main.c owns it) */
	bool bench_first_frame;	/* --bench-first-frame: time the first frame, then quit */
	double t0_ms;		/* CLOCK_MONOTONIC at main(), for the above */
	int argc;		/* the subcommand and its arguments */
	char **argv;
};

int cli_run(const struct cli_opts *opts);

#define SVFF_LOCK_FILE "/run/svff.lock"		/* one svff changes the host at a time */
#define SVFF_PAUSE_FILE "/run/svff/paused"	/* the VFs svff paused */

/* Where svff keeps a file of its own: system_path on the real /sys, name
 * beside a --sysfs-root tree (its parent folder) otherwise. */
void cli_host_file(const struct cli_opts *opts, const char *system_path, const char *name, char *buf,
		   size_t len);

/* Connecting to libvirt in two halves, so that the connection overlaps
 * the host scan (svff_virt_start/finish).  end sets the demo lab's
 * provider and reads the paused VFs; a problem with the pause file is a
 * warning in warn.  begin gives NULL when the event loop fails (err says
 * why), which end reports. */
struct svff_virt_pending *cli_virt_begin(const struct cli_opts *opts, const char *uri, struct svff_err *err);
void cli_virt_end(const struct cli_opts *opts, struct svff_virt_pending *p, struct svff_virt **virt,
		  struct svff_err *err, struct svff_err *warn);

#endif
