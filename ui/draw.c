/* svff — the console's screen: the panes in their layout, the header and
 * the function bar, the details of the selection, and the dialog boxes,
 * drawn from the state; only ui_console_draw puts them on the terminal. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "console_int.h"
#include "curses.h"

/* Splits text into lines of at most width, at spaces where possible. */
static int wrap(const char *text, int width, void (*emit)(void *, const char *, int), void *data)
{
	const char *p = text;
	int lines = 0;

	while (*p) {
		int n = (int)strcspn(p, "\n");

		while (n > width) {
			int cut = width;

			while (cut > width / 2 && p[cut] != ' ')
				cut--;
			if (p[cut] != ' ')
				cut = width;
			emit(data, p, cut);
			lines++;
			p += cut + (p[cut] == ' ');
			n = (int)strcspn(p, "\n");
		}
		emit(data, p, n);
		lines++;
		p += n + (p[n] == '\n');
	}
	return lines;
}

static int colour_of(int c)
{
	static const short map[] = { COLOR_BLACK, COLOR_RED, COLOR_GREEN, COLOR_YELLOW, COLOR_BLUE,
				     COLOR_MAGENTA, COLOR_CYAN, COLOR_WHITE };

	return c < 0 || c > 7 ? -1 : map[c];
}

static attr_t style(const struct ui_console *c, enum svff_theme_element el)
{
	const struct svff_theme_style *s = &c->set.theme.el[el];
	attr_t a = 0;

	if (s->attrs & SVFF_ATTR_BOLD)
		a |= A_BOLD;
	if (s->attrs & SVFF_ATTR_DIM)
		a |= A_DIM;
	if (s->attrs & SVFF_ATTR_UNDERLINE)
		a |= A_UNDERLINE;
	if (s->attrs & SVFF_ATTR_REVERSE)
		a |= A_REVERSE;
	if (c->set.colour)
		a |= COLOR_PAIR(el + 1);
	return a;
}

static void layout(struct ui_console *c)
{
	int rows = LINES - 2, left = COLS * 58 / 100, right = COLS - left;
	int h_cards = rows * 22 / 100, h_pfs = rows * 28 / 100;
	int h_vms = rows * 34 / 100, h_det = rows * 30 / 100;

	if (h_cards < 4)
		h_cards = 4;
	if (h_pfs < 5)
		h_pfs = 5;
	if (h_vms < 5)
		h_vms = 5;
	if (h_det < 5)
		h_det = 5;
	c->panes[P_CARDS] = (struct ui_pane){ c->panes[P_CARDS].ops, c->panes[P_CARDS].list, 1, 0, h_cards, left };
	c->panes[P_PFS] = (struct ui_pane){ c->panes[P_PFS].ops, c->panes[P_PFS].list, 1 + h_cards, 0, h_pfs, left };
	c->panes[P_VFS] = (struct ui_pane){ c->panes[P_VFS].ops, c->panes[P_VFS].list, 1 + h_cards + h_pfs, 0,
					    rows - h_cards - h_pfs, left };
	c->panes[P_VMS] = (struct ui_pane){ c->panes[P_VMS].ops, c->panes[P_VMS].list, 1, left, h_vms, right };
	c->panes[P_DETAILS] = (struct ui_pane){ NULL, c->panes[P_DETAILS].list, 1 + h_vms, left, h_det, right };
	c->panes[P_LOG] = (struct ui_pane){ c->panes[P_LOG].ops, c->panes[P_LOG].list, 1 + h_vms + h_det, left,
					    rows - h_vms - h_det, right };
}

static void put(int y, int x, int w, attr_t a, const char *s)
{
	if (w <= 0)
		return;
	attrset(a);
	mvaddnstr(y, x, s, w);
	attrset(A_NORMAL);
}

static void fill(int y, int x, int w, attr_t a)
{
	attrset(a);
	mvhline(y, x, ' ', w);
	attrset(A_NORMAL);
}

static void draw_pane(struct ui_console *c, int idx, const char *title)
{
	struct ui_pane *p = &c->panes[idx];
	struct ui_list *l = &p->list;
	bool focused = idx == c->focus;
	int inner = p->h - 2 - (p->ops && p->ops->header ? 1 : 0), y0 = p->y + 1;
	char t[160];

	if (p->h < 3 || p->w < 4)
		return;
	attrset(focused ? style(c, SVFF_EL_PANE_TITLE_FOCUS) : style(c, SVFF_EL_DEFAULT));
	mvhline(p->y, p->x + 1, ACS_HLINE, p->w - 2);
	mvhline(p->y + p->h - 1, p->x + 1, ACS_HLINE, p->w - 2);
	mvvline(p->y + 1, p->x, ACS_VLINE, p->h - 2);
	mvvline(p->y + 1, p->x + p->w - 1, ACS_VLINE, p->h - 2);
	mvaddch(p->y, p->x, ACS_ULCORNER);
	mvaddch(p->y, p->x + p->w - 1, ACS_URCORNER);
	mvaddch(p->y + p->h - 1, p->x, ACS_LLCORNER);
	mvaddch(p->y + p->h - 1, p->x + p->w - 1, ACS_LRCORNER);
	attrset(A_NORMAL);
	if (l->filter[0])
		snprintf(t, sizeof(t), " %s [/%s] %zu/%zu ", title, l->filter, l->n_shown, l->n);
	else if (idx != P_DETAILS)
		snprintf(t, sizeof(t), " %s (%zu) ", title, l->n_shown);
	else
		snprintf(t, sizeof(t), " %s ", title);
	put(p->y, p->x + 2, p->w - 4, style(c, focused ? SVFF_EL_PANE_TITLE_FOCUS : SVFF_EL_PANE_TITLE), t);
	if (p->ops && p->ops->header) {
		put(y0, p->x + 1, p->w - 2, style(c, SVFF_EL_HEADER), p->ops->header);
		y0++;
	}
	if (inner <= 0)
		return;
	/* keep the selection visible */
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + (size_t)inner)
		l->top = l->sel - (size_t)inner + 1;
	if (l->top > l->n_shown)
		l->top = 0;
	for (int i = 0; i < inner; i++) {
		size_t k = l->top + (size_t)i;
		const struct ui_row *r;
		attr_t a;
		char line[300];

		if (k >= l->n_shown)
			break;
		r = &l->rows[l->shown[k]];
		a = style(c, r->el);
		if (r->mark)
			a |= A_BOLD | A_UNDERLINE;
		if (idx == P_LOG)
			snprintf(line, sizeof(line), "%s %s", r->key, r->text);
		else
			snprintf(line, sizeof(line), "%s", r->text);
		if (k == l->sel && idx != P_DETAILS && (focused || idx != P_LOG)) {
			a = style(c, focused ? SVFF_EL_SELECTION : SVFF_EL_SELECTION_UNFOCUSED);
			fill(y0 + i, p->x + 1, p->w - 2, a);
		}
		put(y0 + i, p->x + 1, p->w - 2, a, line);
	}
	if (!l->n_shown && idx != P_LOG && idx != P_DETAILS)
		put(y0, p->x + 2, p->w - 4, style(c, SVFF_EL_VM_OFF),
		    idx == P_VMS && !c->virt && c->connecting[0] ? "(connecting to libvirt...)" :
		    idx == P_VMS && !c->virt ? "(no libvirt connection)" :
		    l->filter[0] ? "(nothing matches the filter)" :
		    idx == P_PFS ? "(select a card)" : idx == P_VFS ? "(no VFs: select a PF with VFs)" : "(none)");
}

struct emit_list {
	struct ui_list *l;
	enum svff_theme_element el;
};

static void emit_list(void *data, const char *s, int n)
{
	struct emit_list *e = data;

	ui_detail(e->l, e->el, "%.*s", n, s);
}

static void draw_details(struct ui_console *c)
{
	struct ui_list *d = &c->panes[P_DETAILS].list;
	struct ui_pane *src = &c->panes[c->focus == P_DETAILS ? P_VFS : c->focus];
	const struct ui_row *r = ui_list_selected(&src->list);

	ui_list_clear(d);
	if (r && c->focus == P_LOG) {
		/* the whole log line, wrapped: the log pane is narrow */
		struct emit_list e = { d, r->el };

		ui_detail(d, SVFF_EL_LOG_TIME, "%s", r->key);
		wrap(r->text, c->panes[P_DETAILS].w - 2, emit_list, &e);
	} else if (r && src->ops && src->ops->details) {
		src->ops->details(c, r, d);
	}
	ui_list_finish(d, NULL);
	d->sel = 0;
	draw_pane(c, P_DETAILS, "Details");
}

static void draw_header(struct ui_console *c)
{
	char line[512];
	const char *uri = c->virt ? svff_virt_uri(c->virt) : c->connecting[0] ? c->connecting : "none";
	bool up = c->virt && svff_virt_connected(c->virt);
	int x;

	fill(0, 0, COLS, style(c, SVFF_EL_STATUS_BAR));
	snprintf(line, sizeof(line), " svff %s | libvirt %s: %s | host: %s", PACKAGE_VERSION,
		 c->connecting[0] ? "connecting" : !c->virt ? "not connected" : up ? "connected" : "reconnecting",
		 uri, c->set.host_label);
	put(0, 0, COLS, style(c, SVFF_EL_STATUS_BAR), line);
	x = COLS;
	if (c->set.demo) {
		x -= 6;
		put(0, x, 6, style(c, SVFF_EL_BADGE), " DEMO ");
	}
	if (c->set.read_only) {
		x -= 12;
		put(0, x, 11, style(c, SVFF_EL_BADGE), " READ-ONLY ");
	}
}

static void draw_fbar(struct ui_console *c)
{
	int x = 0, y = LINES - 1;

	fill(y, 0, COLS, style(c, SVFF_EL_FUNCTION_LABEL));
	if (c->mode == M_FILTER) {
		char line[128];

		snprintf(line, sizeof(line), "Filter: %s_   (Enter keeps, Esc clears)",
			 c->panes[c->focus].list.filter);
		put(y, 0, COLS, style(c, SVFF_EL_FUNCTION_LABEL), line);
		return;
	}
	if (c->mode == M_PROMPT) {
		char line[160];
		const struct svff_function *pf = svff_host_find(c->host, c->prompt_pf);

		snprintf(line, sizeof(line), "Reconf %s: VF count (now %ld, at most %ld): %s_   (Enter: plan, Esc: cancel)",
			 c->prompt_pf, pf ? pf->sriov.num_vfs : -1, pf ? pf->sriov.total_vfs : -1, c->prompt_buf);
		put(y, 0, COLS, style(c, SVFF_EL_FUNCTION_LABEL), line);
		return;
	}
	if (c->status[0]) {
		put(y, 0, COLS, style(c, c->status_level == UI_ERROR ? SVFF_EL_ERROR :
				      c->status_level == UI_WARNING ? SVFF_EL_WARNING : SVFF_EL_FUNCTION_LABEL),
		    c->status);
		return;
	}
	{
		int total = 0, n = 0, gap;

		for (int i = 0; i < UI_ACTION_COUNT; i++) {
			if (!ui_action_info[i].fkey)
				continue;
			total += (ui_action_info[i].fkey >= 10 ? 3 : 2) + (int)strlen(ui_action_info[i].label);
			n++;
		}
		/* as much space between entries as the width allows */
		gap = n > 1 && COLS > total ? (COLS - total) / n : 0;
		if (gap > 2)
			gap = 2;
		for (int i = 0; i < UI_ACTION_COUNT && x < COLS; i++) {
			char k[8];

			if (!ui_action_info[i].fkey)
				continue;
			snprintf(k, sizeof(k), "F%d", ui_action_info[i].fkey);
			put(y, x, COLS - x, style(c, SVFF_EL_FUNCTION_KEY), k);
			x += (int)strlen(k);
			put(y, x, COLS - x, style(c, SVFF_EL_FUNCTION_LABEL), ui_action_info[i].label);
			x += (int)strlen(ui_action_info[i].label) + gap;
		}
	}
}

static void draw_box(struct ui_console *c, int h, int w, int *y, int *x, const char *title)
{
	attr_t a = style(c, SVFF_EL_DIALOG);

	if (w > COLS - 2)
		w = COLS - 2;
	if (h > LINES - 2)
		h = LINES - 2;
	*y = (LINES - h) / 2;
	*x = (COLS - w) / 2;
	for (int i = 0; i < h; i++)
		fill(*y + i, *x, w, a);
	attrset(a);
	mvhline(*y, *x, ACS_HLINE, w);
	mvhline(*y + h - 1, *x, ACS_HLINE, w);
	attrset(A_NORMAL);
	put(*y, *x + 2, w - 4, a | A_BOLD, title);
}

static void draw_help(struct ui_console *c)
{
	int h = LINES - 2, w = COLS > 78 ? 76 : COLS - 2, y, x, line = 0;
	char buf[160];

	draw_box(c, h, w, &y, &x, " svff keys  (any key closes) ");
	{
		static const char *const nav[] = {
			"Up/Down, j/k     move in the focused pane",
			"PgUp/PgDn, Home/End  page, first, last",
			"Tab, Shift-Tab, Left/Right  focus another pane",
		};

		for (size_t i = 0; i < 3 && line < h - 2; i++)
			put(y + 1 + line++, x + 2, w - 4, style(c, SVFF_EL_DIALOG), nav[i]);
	}
	for (int i = 0; i < UI_ACTION_COUNT && line < h - 3; i++) {
		char keys[24] = "";
		int n = 0;

		ui_key_label(c->key[i], keys, sizeof(keys));
		n = (int)strlen(keys);
		if (ui_action_info[i].alt)
			n += snprintf(keys + n, sizeof(keys) - (size_t)n, ", %c", ui_action_info[i].alt);
		if (ui_action_info[i].fkey)
			snprintf(keys + n, sizeof(keys) - (size_t)n, ", F%d", ui_action_info[i].fkey);
		snprintf(buf, sizeof(buf), "%-16s %s%s", keys, ui_action_info[i].help,
			 ui_action_info[i].mutates && c->set.read_only ? "  [read-only: off]" : "");
		put(y + 1 + line++, x + 2, w - 4, style(c, SVFF_EL_DIALOG), buf);
	}
	snprintf(buf, sizeof(buf), "States: free/host (host driver), vfio (ready for a VM), attached, paused, assigned (config)");
	put(y + h - 2, x + 2, w - 4, style(c, SVFF_EL_DIALOG), buf);
}

static void draw_picker(struct ui_console *c)
{
	int h = (int)c->picker.n_shown + 4, w = 50, y, x;
	char title[96];

	if (h < 6)
		h = 6;
	snprintf(title, sizeof(title), " Attach %s to which VM? ", c->pending_vf);
	draw_box(c, h, w, &y, &x, title);
	for (size_t i = 0; i < c->picker.n_shown && (int)i < h - 3; i++) {
		const struct ui_row *r = &c->picker.rows[c->picker.shown[i]];
		attr_t a = i == c->picker.sel ? style(c, SVFF_EL_DIALOG_BUTTON) : style(c, SVFF_EL_DIALOG);

		fill(y + 1 + (int)i, x + 1, w - 2, a);
		put(y + 1 + (int)i, x + 2, w - 4, a, r->text);
	}
	put(y + h - 2, x + 2, w - 4, style(c, SVFF_EL_DIALOG), "Enter: choose   Esc: cancel");
}

struct emit_box {
	struct ui_console *c;
	int y, x, w, line, max;
};

static void emit_box(void *data, const char *s, int n)
{
	struct emit_box *b = data;

	if (b->line >= b->max)
		return;
	attrset(style(b->c, SVFF_EL_DIALOG));
	mvaddnstr(b->y + 1 + b->line++, b->x + 2, s, n);
	attrset(A_NORMAL);
}

static void count_emit(void *data, const char *s, int n)
{
	(void)s;
	(void)n;
	++*(int *)data;
}

static void draw_confirm(struct ui_console *c)
{
	int w = COLS > 82 ? 80 : COLS - 2, lines = 0, h, y, x;
	struct emit_box b;

	wrap(c->confirm_text, w - 4, count_emit, &lines);
	h = lines + 4;
	if (h > LINES - 2)
		h = LINES - 2;
	draw_box(c, h, w, &y, &x, " Confirm ");
	b = (struct emit_box){ c, y, x, w, 0, h - 3 };
	/* a plan taller than the screen says so on its last line rather
	 * than ending mid-way without a word */
	if (lines > h - 4)
		b.max = h - 4;
	wrap(c->confirm_text, w - 4, emit_box, &b);
	if (lines > h - 4) {
		char more[96];

		snprintf(more, sizeof(more), "... %d more line(s): a taller terminal shows them; the log lists "
			 "every step as it runs", lines - (h - 4));
		put(y + h - 3, x + 2, w - 4, style(c, SVFF_EL_DIALOG), more);
	}
	put(y + h - 2, x + 2, w - 4, style(c, SVFF_EL_DIALOG_BUTTON), "y: go ahead    n/Esc: cancel");
}

static void draw_message(struct ui_console *c)
{
	int w = COLS > 82 ? 80 : COLS - 2, lines = 0, h, y, x;
	struct emit_box b;

	wrap(c->message, w - 4, count_emit, &lines);
	h = lines + 3;
	draw_box(c, h, w, &y, &x, c->message_title);
	b = (struct emit_box){ c, y, x, w, 0, h - 2 };
	wrap(c->message, w - 4, emit_box, &b);
}

bool ui_console_draw(struct ui_console *c)
{
	static const char *const titles[P_COUNT] = {
		"Cards", "Physical functions", "Virtual functions", "VMs", "Details", "Log",
	};

	if (!c->dirty)
		return false;
	if (c->rebuild)
		ui_state_rebuild(c);
	erase();
	if (LINES < 12 || COLS < 60) {
		put(0, 0, COLS, A_BOLD, "svff needs at least 60x12; enlarge the terminal (q quits)");
		refresh();
		c->dirty = false;
		return true;
	}
	layout(c);
	draw_header(c);
	for (int i = 0; i < P_COUNT; i++)
		if (i != P_DETAILS)
			draw_pane(c, i, titles[i]);
	draw_details(c);
	draw_fbar(c);
	if (c->mode == M_HELP)
		draw_help(c);
	else if (c->mode == M_PICK)
		draw_picker(c);
	else if (c->mode == M_CONFIRM)
		draw_confirm(c);
	else if (c->mode == M_MESSAGE)
		draw_message(c);
	refresh();
	c->dirty = false;
	return true;
}

void ui_console_resize(struct ui_console *c)
{
	endwin();
	refresh();
	c->dirty = true;
}

void ui_draw_colours(struct ui_console *c)
{
	if (c->set.colour && has_colors()) {
		start_color();
		use_default_colors();
		for (int i = 0; i < SVFF_EL_COUNT; i++)
			init_pair((short)(i + 1), (short)colour_of(c->set.theme.el[i].fg),
				  (short)colour_of(c->set.theme.el[i].bg));
	} else {
		c->set.colour = false;
	}
}
