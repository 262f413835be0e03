/* svff — the commands.  One table (cli.c) holds every command with its
 * arguments and options, after virsh's command definitions; from it come
 * the dispatch, each command's usage and --help, usage errors ("did you
 * mean status?"), the read-only gate, svff --help's command list, the man
 * page's synopsis (svff __synopsis; tests/test-cli compares the two) and
 * shell completion (svff __complete, svff __table). */
#ifndef SVFF_CLI_H
#define SVFF_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "console_mode.h"
#include "context.h"
#include "report.h"

struct cli_opts {
	struct context_opts ctx;		/* the global options */
	struct console_mode_opts console;	/* --theme, --script, --bench-first-frame */
	int argc;				/* the command and its arguments */
	char **argv;
};

int cli_run(const struct cli_opts *opts);

/* svff --help's list of commands, from the table. */
void cli_print_commands(FILE *out);

/* The name in names[0..n) closest to word (a typo, a transposition, a
 * prefix), or NULL when none is close: "did you mean ...?". */
const char *cli_suggest(const char *word, const char *const *names, size_t n);

#endif
