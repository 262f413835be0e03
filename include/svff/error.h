/* svff — errors the backend hands back to its callers.
 *
 * The backend never prints and never exits: every fallible function returns
 * 0 or a negative errno and fills a caller-provided struct svff_err with a
 * sentence a person can act on (what was wrong, where, what to do).
 */
#ifndef SVFF_ERROR_H
#define SVFF_ERROR_H

#include <stddef.h>

#define SVFF_ERR_MSG_MAX 512

/* What the person could do next, for the face that shows the error to put
 * in its own words: the command line names a command or an option, the
 * console a key.  The backend's sentence itself names neither. */
enum svff_hint {
	SVFF_HINT_NONE,
	SVFF_HINT_LIST_FUNCTIONS,	/* no such PCI function: where they are listed */
	SVFF_HINT_LIST_VMS,		/* no such VM: where they are listed */
	SVFF_HINT_DETACH,		/* detach the VF (subject) first */
	SVFF_HINT_UNPAUSE,		/* unpause the VF (subject) first */
	SVFF_HINT_CONFIRM,		/* guests would be disturbed: go ahead only when told to */
	SVFF_HINT_DEFINITION,		/* the VM's definition alone can be changed */
	SVFF_HINT_LIVE,			/* the running VM alone can be changed */
	SVFF_HINT_SYSFS_ROOT,		/* the root is no sysfs tree: name one */
	SVFF_HINT_CONFIG_FILE,		/* no configuration file was read: name one */
};

struct svff_err {
	int code;			/* positive errno, 0 when unset */
	char msg[SVFF_ERR_MSG_MAX];
	enum svff_hint hint;		/* SVFF_HINT_NONE unless set */
	char subject[64];		/* what the hint is about (a VF's address) */
};

/* Fills *err (which may be NULL) and returns -code, so that a failing
 * function can end with `return svff_err_set(err, EINVAL, "...")`. */
int svff_err_set(struct svff_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefixes the message already in *err with more context ("PF 0000:01:00.0: ")
 * and returns -err->code. */
int svff_err_prefix(struct svff_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void svff_err_clear(struct svff_err *err);

/* Adds a hint (subject may be NULL) to the error already in *err and
 * returns -err->code. */
int svff_err_hint(struct svff_err *err, enum svff_hint hint, const char *subject);

/* A growable list of owned strings: warnings collected while scanning. */
struct svff_strlist {
	char **items;
	size_t len, cap;
};

int svff_strlist_add(struct svff_strlist *list, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void svff_strlist_clear(struct svff_strlist *list);

#endif
