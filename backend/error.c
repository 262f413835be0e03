/* svff — the errors, hints and string lists the backend hands back
 * (svff/error.h). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svff/error.h"

int svff_err_set(struct svff_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (code <= 0)
		code = EIO;
	if (err) {
		err->code = code;
		err->hint = SVFF_HINT_NONE;
		err->subject[0] = '\0';
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -code;
}

int svff_err_prefix(struct svff_err *err, const char *fmt, ...)
{
	char prefix[SVFF_ERR_MSG_MAX], old[SVFF_ERR_MSG_MAX];
	va_list ap;

	if (!err)
		return -EIO;
	if (err->code <= 0)
		err->code = EIO;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s%s", prefix, old);
	return -err->code;
}

void svff_err_clear(struct svff_err *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
		err->hint = SVFF_HINT_NONE;
		err->subject[0] = '\0';
	}
}

int svff_err_hint(struct svff_err *err, enum svff_hint hint, const char *subject)
{
	if (!err)
		return -EIO;
	if (err->code <= 0)
		err->code = EIO;
	err->hint = hint;
	snprintf(err->subject, sizeof(err->subject), "%s", subject ? subject : "");
	return -err->code;
}

int svff_strlist_add(struct svff_strlist *list, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	/* callers that do not want the notes pass no list */
	if (!list)
		return 0;
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	if (list->len == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 8;
		char **items = realloc(list->items, cap * sizeof(*items));

		if (!items) {
			free(s);
			return -ENOMEM;
		}
		list->items = items;
		list->cap = cap;
	}
	list->items[list->len++] = s;
	return 0;
}

void svff_strlist_clear(struct svff_strlist *list)
{
	for (size_t i = 0; i < list->len; i++)
		free(list->items[i]);
	free(list->items);
	list->items = NULL;
	list->len = list->cap = 0;
}
