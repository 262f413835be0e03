/* svff — a pane: one list widget plus the ops that fill it from the model
 * and describe its selection.  One ui/<thing>_pane.c per pane. */
#ifndef SVFF_UI_PANE_H
#define SVFF_UI_PANE_H

#include "list.h"
#include "svff/host.h"
#include "svff/virt.h"

struct ui_console;
struct ui_pane;

struct ui_pane_ops {
	const char *title;
	const char *header;		/* column titles, aligned with the rows */
	/* Refills the pane's rows from the model (what the other panes'
	 * selections filter). */
	void (*build)(struct ui_console *c, struct ui_pane *p);
	/* Lines for the details pane about row. */
	void (*details)(struct ui_console *c, const struct ui_row *row, struct ui_list *out);
};

struct ui_pane {
	const struct ui_pane_ops *ops;
	struct ui_list list;
	int y, x, h, w;
};

/* What panes may ask the console. */
const struct svff_host *ui_console_host(const struct ui_console *c);
const struct svff_virt *ui_console_virt(const struct ui_console *c);
const char *ui_console_selected(const struct ui_console *c, const struct ui_pane_ops *pane);

/* Adds a line to a details list. */
void ui_detail(struct ui_list *out, enum svff_theme_element el, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The VF's state as the console shows it: free, vfio, attached, config. */
const char *ui_vf_state(const struct ui_console *c, const struct svff_function *fn,
			enum svff_theme_element *el);

extern const struct ui_pane_ops ui_card_pane, ui_pf_pane, ui_vf_pane, ui_vm_pane, ui_log_pane;

#endif
