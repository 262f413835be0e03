/* svff — the demo's scripted tour (svff --demo --script FILE): keys typed
 * into the console at set times, and lines for the log, so that a demo can
 * run unattended. */
#ifndef SVFF_SCRIPT_H
#define SVFF_SCRIPT_H

#include <stddef.h>

#include "svff/error.h"

enum script_op { SCRIPT_KEY, SCRIPT_WAIT, SCRIPT_SAY };

struct script_step {
	enum script_op op;
	int key;		/* KEY */
	long ms;		/* WAIT */
	char text[200];		/* SAY */
	int line;
};

struct script {
	struct script_step *steps;
	size_t n;
};

/* Reads FILE: one command per line; lines that start with '#' are comments.
 *   key NAME...   type keys (a character, ^X, F1-F12, Tab, Enter, Esc, Up, ...)
 *   type TEXT     type the characters of TEXT
 *   wait MS       pause
 *   say TEXT      write TEXT to the log pane
 * Errors name the file and line. */
int script_load(const char *path, struct script **out, struct svff_err *err);
void script_free(struct script *s);

#endif
