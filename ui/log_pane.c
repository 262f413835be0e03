/* svff — the log pane: every result and error, newest last, kept to the
 * last LOG_MAX lines; warnings and errors also reach the status line. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "console_int.h"

#define LOG_MAX 500

void ui_console_log(struct ui_console *c, enum ui_level level, const char *fmt, ...)
{
	struct ui_list *log = &c->panes[P_LOG].list;
	struct ui_row *r;
	char stamp[16];
	time_t now = time(NULL);
	va_list ap;

	if (log->n >= LOG_MAX) {
		memmove(log->rows, log->rows + 1, (log->n - 1) * sizeof(*log->rows));
		log->n--;
	}
	r = ui_list_add(log);
	if (!r)
		return;
	strftime(stamp, sizeof(stamp), "%H:%M:%S", localtime(&now));
	snprintf(r->key, sizeof(r->key), "%s", stamp);
	va_start(ap, fmt);
	vsnprintf(r->text, sizeof(r->text), fmt, ap);
	va_end(ap);
	r->el = level == UI_ERROR ? SVFF_EL_ERROR : level == UI_WARNING ? SVFF_EL_WARNING : SVFF_EL_LOG_INFO;
	/* the log follows its newest line unless someone scrolled up */
	ui_list_finish(log, NULL);
	if (c->focus != P_LOG || log->sel + 2 >= log->n_shown)
		log->sel = log->n_shown ? log->n_shown - 1 : 0;
	if (level != UI_INFO)
		ui_state_status(c, level, "%s", r->text);
	c->dirty = true;
}

const struct ui_pane_ops ui_log_pane = {
	.title = "Log",
	.header = NULL,
	.build = NULL,
	.details = NULL,
};
