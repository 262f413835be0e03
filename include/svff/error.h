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

struct svff_err {
	int code;			/* positive errno, 0 when unset */
	char msg[SVFF_ERR_MSG_MAX];
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

/* A growable list of owned strings: warnings collected while scanning. */
struct svff_strlist {
	char **items;
	size_t len, cap;
};

int svff_strlist_add(struct svff_strlist *list, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void svff_strlist_clear(struct svff_strlist *list);

#endif
