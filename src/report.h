/* svff — what svff says on standard error, in one voice: the "svff: "
 * prefix, warnings and notes, an error's hint in the command line's words
 * ("svff detach VF", "--yes"), and the exit codes. */
#ifndef SVFF_REPORT_H
#define SVFF_REPORT_H

#include <stddef.h>

#include "svff/error.h"

/* Exit codes, documented in svff(1) and the README. */
enum {
	SVFF_EXIT_OK = 0,
	SVFF_EXIT_FAIL = 1,	/* the operation failed; nothing was changed */
	SVFF_EXIT_USAGE = 2,	/* bad command line */
	SVFF_EXIT_ENV = 3,	/* the host cannot be read (sysfs root, libpci, udev) */
};

/* The backend's sentence with the hint in the command line's words. */
const char *report_err_text(const struct svff_err *e, char *buf, size_t len);
/* "svff: <error>" */
void report_error(const struct svff_err *e);
/* "svff: <what>: <error>" */
void report_error_in(const char *what, const struct svff_err *e);
void report_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));	/* "svff: ..." */
void report_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));	/* "svff: warning: ..." */
void report_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));	/* "svff: note: ..." */

#endif
