/* svff — the list widget every pane is drawn with: rows of text, a
 * selection, scrolling and a filter. */
#ifndef SVFF_UI_LIST_H
#define SVFF_UI_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include "svff/theme.h"

struct ui_row {
	char key[64];			/* what the row stands for: a BDF, a VM name */
	char text[256];
	enum svff_theme_element el;
	bool mark;			/* highlighted (a VM's VFs) */
};

struct ui_list {
	struct ui_row *rows;		/* all rows */
	size_t n, cap;
	size_t *shown;			/* indices of the rows that pass the filter */
	size_t n_shown;
	size_t sel, top;		/* in shown */
	char filter[64];
};

void ui_list_clear(struct ui_list *l);
struct ui_row *ui_list_add(struct ui_list *l);
/* Re-applies the filter and keeps the selection on the row with key. */
void ui_list_finish(struct ui_list *l, const char *keep_key);
const struct ui_row *ui_list_selected(const struct ui_list *l);
void ui_list_move(struct ui_list *l, long delta, size_t page);
void ui_list_free(struct ui_list *l);

#endif
