/* svff — the list widget every pane draws with (list.h). */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "list.h"

void ui_list_clear(struct ui_list *l)
{
	l->n = 0;
}

struct ui_row *ui_list_add(struct ui_list *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct ui_row *rows = realloc(l->rows, cap * sizeof(*rows));

		if (!rows)
			return NULL;
		l->rows = rows;
		l->cap = cap;
	}
	memset(&l->rows[l->n], 0, sizeof(l->rows[0]));
	return &l->rows[l->n++];
}

void ui_list_finish(struct ui_list *l, const char *keep_key)
{
	size_t *shown = realloc(l->shown, (l->n + 1) * sizeof(*shown));

	if (!shown)
		return;
	l->shown = shown;
	l->n_shown = 0;
	for (size_t i = 0; i < l->n; i++)
		if (!l->filter[0] || strcasestr(l->rows[i].text, l->filter) || strcasestr(l->rows[i].key, l->filter))
			l->shown[l->n_shown++] = i;
	if (keep_key && keep_key[0]) {
		for (size_t i = 0; i < l->n_shown; i++) {
			if (!strcmp(l->rows[l->shown[i]].key, keep_key)) {
				l->sel = i;
				return;
			}
		}
	}
	if (l->sel >= l->n_shown)
		l->sel = l->n_shown ? l->n_shown - 1 : 0;
}

const struct ui_row *ui_list_selected(const struct ui_list *l)
{
	return l->n_shown ? &l->rows[l->shown[l->sel]] : NULL;
}

void ui_list_move(struct ui_list *l, long delta, size_t page)
{
	long s = (long)l->sel + delta;

	(void)page;
	if (!l->n_shown)
		return;
	if (s < 0)
		s = 0;
	if (s >= (long)l->n_shown)
		s = (long)l->n_shown - 1;
	l->sel = (size_t)s;
}

void ui_list_free(struct ui_list *l)
{
	free(l->rows);
	free(l->shown);
	memset(l, 0, sizeof(*l));
}
