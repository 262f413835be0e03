/* svff — standard error in one voice (report.h). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "report.h"

static const char *hint_text(const struct svff_err *e, char *buf, size_t len)
{
	switch (e->hint) {
	case SVFF_HINT_LIST_FUNCTIONS:
		return " (svff status lists them)";
	case SVFF_HINT_LIST_VMS:
		return " (svff status lists the VMs)";
	case SVFF_HINT_DETACH:
		snprintf(buf, len, " (svff detach %s)", e->subject);
		return buf;
	case SVFF_HINT_UNPAUSE:
		snprintf(buf, len, " (svff unpause %s)", e->subject);
		return buf;
	case SVFF_HINT_CONFIRM:
		return "; run again with --yes to go ahead";
	case SVFF_HINT_DEFINITION:
		return " (--config changes the definition alone)";
	case SVFF_HINT_LIVE:
		return " (--live changes the running VM alone)";
	case SVFF_HINT_SYSFS_ROOT:
		return " (give --sysfs-root the folder that holds bus/ and devices/, such as /sys)";
	case SVFF_HINT_CONFIG_FILE:
		return " or give --config FILE";
	case SVFF_HINT_NONE:
		break;
	}
	return "";
}

const char *report_err_text(const struct svff_err *e, char *buf, size_t len)
{
	char hint[128];

	snprintf(buf, len, "%s%s", e->msg, hint_text(e, hint, sizeof(hint)));
	return buf;
}

void report_error(const struct svff_err *e)
{
	char buf[SVFF_ERR_MSG_MAX + 160];

	fprintf(stderr, "svff: %s\n", report_err_text(e, buf, sizeof(buf)));
}

void report_error_in(const char *what, const struct svff_err *e)
{
	char buf[SVFF_ERR_MSG_MAX + 160];

	fprintf(stderr, "svff: %s: %s\n", what, report_err_text(e, buf, sizeof(buf)));
}

static void say(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "svff: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void report_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("", fmt, ap);
	va_end(ap);
}

void report_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("warning: ", fmt, ap);
	va_end(ap);
}

void report_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("note: ", fmt, ap);
	va_end(ap);
}
