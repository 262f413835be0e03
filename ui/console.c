#include "config.h"

#include <ctype.h>
#include <strings.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actions.h"
#include "console.h"
#include "curses.h"
#include "pane.h"

enum { P_CARDS, P_PFS, P_VFS, P_VMS, P_DETAILS, P_LOG, P_COUNT };
enum mode { M_NORMAL, M_FILTER, M_HELP, M_PICK, M_CONFIRM, M_PROMPT, M_MESSAGE };

#define LOG_MAX 500

struct action_info {
	const char *name;
	int key, alt, fkey;
	const char *label;
	bool mutates;
	const char *help;
};

static const struct action_info actions[] = {
#define UI_ACTION_INFO(id, name, key, alt, fkey, label, mut, help) { name, key, alt, fkey, label, mut, help },
	UI_ACTIONS(UI_ACTION_INFO)
#undef UI_ACTION_INFO
};

struct ui_console {
	struct ui_settings set;
	int key[UI_ACTION_COUNT];	/* the action's main key: actions[].key or ui.keys */
	const struct ui_ops *ops;
	void *ctx;
	const struct svff_host *host;
	const struct svff_virt *virt;
	char connecting[256];		/* the URI libvirt is being asked at, until it answers */
	struct ui_pane panes[P_COUNT];
	int focus;
	enum mode mode;
	bool dirty, rebuild;
	char status[256];		/* one-line message at the bottom */
	enum ui_level status_level;
	struct ui_list picker;		/* VMs to attach to */
	char pending_vf[SVFF_BDF_LEN];
	char confirm_text[4096];
	enum ui_action confirm_action;
	char confirm_arg[SVFF_NAME_LEN];
	int help_top;
	char prompt_pf[SVFF_BDF_LEN];	/* reconf: the PF and the typed count */
	char prompt_buf[8];
	long confirm_num;
	char message[4096];		/* a text popup (queues) */
	char message_title[96];
};

/* An error in the console's words: the backend's sentence, and what to
 * press where the command line would name a command. */
static const char *err_text(const struct ui_console *c, const struct svff_err *e, char *buf, size_t len)
{
	char key[16];

	switch (e->hint) {
	case SVFF_HINT_DETACH:
		ui_key_label(c->key[UI_ACTION_DETACH], key, sizeof(key));
		snprintf(buf, len, "%s (press %s on %s to detach it)", e->msg, key, e->subject);
		break;
	case SVFF_HINT_UNPAUSE:
		ui_key_label(c->key[UI_ACTION_UNPAUSE], key, sizeof(key));
		snprintf(buf, len, "%s (press %s on %s to unpause it)", e->msg, key, e->subject);
		break;
	default:
		/* the panes list the functions and VMs; the console asks before
		 * it disturbs a guest and changes running VMs only */
		snprintf(buf, len, "%s", e->msg);
		break;
	}
	return buf;
}

/* ---- helpers panes use ------------------------------------------------------ */

const struct svff_host *ui_console_host(const struct ui_console *c)
{
	return c->host;
}

const struct svff_virt *ui_console_virt(const struct ui_console *c)
{
	return c->virt;
}

const char *ui_console_selected(const struct ui_console *c, const struct ui_pane_ops *pane)
{
	for (int i = 0; i < P_COUNT; i++) {
		if (c->panes[i].ops == pane) {
			const struct ui_row *r = ui_list_selected(&c->panes[i].list);

			return r ? r->key : NULL;
		}
	}
	return NULL;
}

void ui_detail(struct ui_list *out, enum svff_theme_element el, const char *fmt, ...)
{
	struct ui_row *r = ui_list_add(out);
	va_list ap;

	if (!r)
		return;
	va_start(ap, fmt);
	vsnprintf(r->text, sizeof(r->text), fmt, ap);
	va_end(ap);
	r->el = el;
}

const char *ui_vf_state(const struct ui_console *c, const struct svff_function *fn,
			enum svff_theme_element *el)
{
	const struct svff_hostdev *hd = NULL;
	const struct svff_vm *vm = c->virt ? svff_virt_vm_of(c->virt, fn->name, &hd) : NULL;

	if (vm && hd->live && svff_virt_vf_paused(c->virt, fn->name, NULL)) {
		*el = SVFF_EL_VF_PAUSED;
		return "paused";
	}
	if (vm && hd->live) {
		*el = SVFF_EL_VF_ATTACHED;
		return "attached";
	}
	if (vm) {
		*el = SVFF_EL_VF_VFIO;
		return "assigned";	/* in the VM's definition only */
	}
	if (!strcmp(fn->driver, "vfio-pci")) {
		*el = SVFF_EL_VF_VFIO;
		return "vfio";
	}
	*el = SVFF_EL_VF_FREE;
	return fn->driver[0] ? "host" : "free";
}

/* ---- setup ------------------------------------------------------------------ */

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

struct ui_console *ui_console_new(const struct ui_settings *set, const struct ui_ops *ops, void *ctx)
{
	static const struct ui_pane_ops *const ops_of[P_COUNT] = {
		&ui_card_pane, &ui_pf_pane, &ui_vf_pane, &ui_vm_pane, NULL, &ui_log_pane,
	};
	struct ui_console *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->set = *set;
	for (int i = 0; i < UI_ACTION_COUNT; i++)
		c->key[i] = actions[i].key;
	c->ops = ops;
	c->ctx = ctx;
	for (int i = 0; i < P_COUNT; i++)
		c->panes[i].ops = ops_of[i];
	c->focus = P_VFS;
	c->rebuild = c->dirty = true;
	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	if (c->set.colour && has_colors()) {
		start_color();
		use_default_colors();
		for (int i = 0; i < SVFF_EL_COUNT; i++)
			init_pair((short)(i + 1), (short)colour_of(c->set.theme.el[i].fg),
				  (short)colour_of(c->set.theme.el[i].bg));
	} else {
		c->set.colour = false;
	}
	return c;
}

void ui_console_free(struct ui_console *c)
{
	if (!c)
		return;
	endwin();
	for (int i = 0; i < P_COUNT; i++)
		ui_list_free(&c->panes[i].list);
	ui_list_free(&c->picker);
	free(c);
}

void ui_console_set_model(struct ui_console *c, const struct svff_host *host,
			  const struct svff_virt *virt)
{
	c->host = host;
	c->virt = virt;
	if (virt)
		c->connecting[0] = '\0';
	ui_console_model_changed(c);
}

void ui_console_set_connecting(struct ui_console *c, const char *uri)
{
	snprintf(c->connecting, sizeof(c->connecting), "%s", uri ? uri : "");
	c->dirty = true;
}

void ui_console_model_changed(struct ui_console *c)
{
	c->rebuild = c->dirty = true;
}

static void set_status(struct ui_console *c, enum ui_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_status(struct ui_console *c, enum ui_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->status, sizeof(c->status), fmt, ap);
	va_end(ap);
	c->status_level = level;
	c->dirty = true;
}

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
		set_status(c, level, "%s", r->text);
	c->dirty = true;
}

/* ---- model -> rows -------------------------------------------------------------- */

static void rebuild(struct ui_console *c)
{
	/* in dependency order: cards, then the PFs of the selected card, ... */
	static const int order[] = { P_CARDS, P_VMS, P_PFS, P_VFS };

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		struct ui_pane *p = &c->panes[order[i]];
		const struct ui_row *sel = ui_list_selected(&p->list);
		char keep[64] = "";

		if (sel)
			snprintf(keep, sizeof(keep), "%s", sel->key);
		ui_list_clear(&p->list);
		if (c->host)
			p->ops->build(c, p);
		ui_list_finish(&p->list, keep);
	}
	c->rebuild = false;
}

static int wrap(const char *text, int width, void (*emit)(void *, const char *, int), void *data);

/* ---- drawing ---------------------------------------------------------------------- */

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
			if (!actions[i].fkey)
				continue;
			total += (actions[i].fkey >= 10 ? 3 : 2) + (int)strlen(actions[i].label);
			n++;
		}
		/* as much space between entries as the width allows */
		gap = n > 1 && COLS > total ? (COLS - total) / n : 0;
		if (gap > 2)
			gap = 2;
		for (int i = 0; i < UI_ACTION_COUNT && x < COLS; i++) {
			char k[8];

			if (!actions[i].fkey)
				continue;
			snprintf(k, sizeof(k), "F%d", actions[i].fkey);
			put(y, x, COLS - x, style(c, SVFF_EL_FUNCTION_KEY), k);
			x += (int)strlen(k);
			put(y, x, COLS - x, style(c, SVFF_EL_FUNCTION_LABEL), actions[i].label);
			x += (int)strlen(actions[i].label) + gap;
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
		if (actions[i].alt)
			n += snprintf(keys + n, sizeof(keys) - (size_t)n, ", %c", actions[i].alt);
		if (actions[i].fkey)
			snprintf(keys + n, sizeof(keys) - (size_t)n, ", F%d", actions[i].fkey);
		snprintf(buf, sizeof(buf), "%-16s %s%s", keys, actions[i].help,
			 actions[i].mutates && c->set.read_only ? "  [read-only: off]" : "");
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
		rebuild(c);
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

/* ---- actions ------------------------------------------------------------------------ */

static const char *selected_vf(struct ui_console *c)
{
	return c->focus == P_VFS ? ui_console_selected(c, &ui_vf_pane) : NULL;
}

/* The VM an action on VMs means: the selected VM, or the selected VF's. */
static const char *selected_vm(struct ui_console *c)
{
	const char *vf;
	const struct svff_vm *vm;

	if (c->focus == P_VMS)
		return ui_console_selected(c, &ui_vm_pane);
	vf = ui_console_selected(c, &ui_vf_pane);
	vm = vf && c->virt ? svff_virt_vm_of(c->virt, vf, NULL) : NULL;
	return vm ? vm->name : NULL;
}

static void confirm(struct ui_console *c, enum ui_action a, const char *arg, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The PF an action on PFs means: the selected PF, or the selected VF's. */
static const char *selected_pf(struct ui_console *c)
{
	const char *vf;
	const struct svff_function *fn;

	if (c->focus == P_PFS)
		return ui_console_selected(c, &ui_pf_pane);
	if (c->focus == P_VFS && (vf = ui_console_selected(c, &ui_vf_pane)) &&
	    (fn = svff_host_find(c->host, vf)) && fn->physfn[0])
		return fn->physfn;
	return NULL;
}

static void start_plan(struct ui_console *c, enum ui_action a, const char *target, long numvfs)
{
	const struct ui_plan_request rq = { .action = a, .target = target, .numvfs = numvfs };
	struct svff_plan_text text;
	struct svff_err err = { 0 };
	char msg[SVFF_ERR_MSG_MAX + 96];
	size_t off;
	int n = c->ops->plan(c->ctx, &rq, &text, &err);

	if (n < 0) {
		ui_console_log(c, UI_ERROR, "%s %s: %s", actions[a].name, target, err_text(c, &err, msg, sizeof(msg)));
		svff_plan_text_clear(&text);
		return;
	}
	if (n == 0) {
		set_status(c, UI_INFO, "%s %s: nothing to do, the host already matches", actions[a].name, target);
		svff_plan_text_clear(&text);
		return;
	}
	snprintf(c->pending_vf, sizeof(c->pending_vf), "%s", target);
	c->confirm_num = numvfs;
	/* the warnings first: a long plan is cut at the bottom, they are not */
	off = (size_t)snprintf(c->confirm_text, sizeof(c->confirm_text), "%s %s: %d step(s)", actions[a].label,
			       target, n);
	for (size_t i = 0; i < text.warnings.len && off < sizeof(c->confirm_text); i++)
		off += (size_t)snprintf(c->confirm_text + off, sizeof(c->confirm_text) - off, "\n! %s",
					text.warnings.items[i]);
	for (size_t i = 0; i < text.steps.len && off < sizeof(c->confirm_text); i++)
		off += (size_t)snprintf(c->confirm_text + off, sizeof(c->confirm_text) - off, "\n%s",
					text.steps.items[i]);
	svff_plan_text_clear(&text);
	c->confirm_action = a;
	snprintf(c->confirm_arg, sizeof(c->confirm_arg), "%s", target);
	c->mode = M_CONFIRM;
	c->dirty = true;
}

static void start_attach(struct ui_console *c)
{
	const char *vf = selected_vf(c);

	if (!vf) {
		set_status(c, UI_WARNING, "attach: select a VF first (Tab to the VF pane)");
		return;
	}
	if (!c->virt || !svff_virt_connected(c->virt)) {
		set_status(c, UI_ERROR, "attach: not connected to libvirt");
		return;
	}
	snprintf(c->pending_vf, sizeof(c->pending_vf), "%s", vf);
	ui_list_clear(&c->picker);
	for (size_t i = 0; i < svff_virt_n_vms(c->virt); i++) {
		const struct svff_vm *vm = svff_virt_vm(c->virt, i);
		struct ui_row *r = ui_list_add(&c->picker);

		if (!r)
			break;
		snprintf(r->key, sizeof(r->key), "%s", vm->name);
		snprintf(r->text, sizeof(r->text), "%-20.20s %-9s %zu VF(s)", vm->name,
			 svff_vm_state_name(vm->state), vm->n_hostdevs);
	}
	ui_list_finish(&c->picker, NULL);
	c->picker.sel = 0;
	c->mode = M_PICK;
	c->dirty = true;
}

static void finish_attach(struct ui_console *c, const char *vm)
{
	struct svff_strlist notes = { 0 };
	struct svff_err err = { 0 };
	char msg[SVFF_ERR_MSG_MAX + 96];
	int n = 0;

	/* dry run first: the plan and the warnings go in the confirmation */
	if (c->ops->attach(c->ctx, c->pending_vf, vm, true, &notes, &err) < 0) {
		ui_console_log(c, UI_ERROR, "attach %s to %s: %s", c->pending_vf, vm, err_text(c, &err, msg, sizeof(msg)));
		c->mode = M_NORMAL;
		svff_strlist_clear(&notes);
		return;
	}
	n = snprintf(c->confirm_text, sizeof(c->confirm_text), "Attach VF %s to VM %s\n(managed PCI hostdev)",
		     c->pending_vf, vm);
	for (size_t i = 0; i < notes.len && n < (int)sizeof(c->confirm_text); i++)
		n += snprintf(c->confirm_text + n, sizeof(c->confirm_text) - (size_t)n, "\n! %s", notes.items[i]);
	svff_strlist_clear(&notes);
	c->confirm_action = UI_ACTION_ATTACH;
	snprintf(c->confirm_arg, sizeof(c->confirm_arg), "%s", vm);
	c->mode = M_CONFIRM;
	c->dirty = true;
}

static void run_confirmed(struct ui_console *c)
{
	struct svff_strlist notes = { 0 };
	struct svff_err err = { 0 };
	char msg[SVFF_ERR_MSG_MAX + 96];
	int rc = 0;

	c->mode = M_NORMAL;
	c->dirty = true;
	switch (c->confirm_action) {
	case UI_ACTION_ATTACH:
		ui_console_log(c, UI_INFO, "attaching %s to %s ...", c->pending_vf, c->confirm_arg);
		ui_console_draw(c);
		rc = c->ops->attach(c->ctx, c->pending_vf, c->confirm_arg, false, &notes, &err);
		if (rc == 0)
			ui_console_log(c, UI_INFO, "attached %s to VM %s", c->pending_vf, c->confirm_arg);
		break;
	case UI_ACTION_DETACH:
		ui_console_log(c, UI_INFO, "detaching %s from %s (waiting for the guest) ...", c->pending_vf,
			       c->confirm_arg);
		ui_console_draw(c);
		rc = c->ops->detach(c->ctx, c->pending_vf, &err);
		if (rc == 0)
			ui_console_log(c, UI_INFO, "detached %s from VM %s", c->pending_vf, c->confirm_arg);
		break;
	case UI_ACTION_SUSPEND:
		rc = c->ops->vm_suspend(c->ctx, c->confirm_arg, &err);
		if (rc == 0)
			ui_console_log(c, UI_INFO, "suspended VM %s", c->confirm_arg);
		break;
	case UI_ACTION_INIT:
	case UI_ACTION_RECONF:
	case UI_ACTION_PAUSE:
	case UI_ACTION_UNPAUSE: {
		const struct ui_plan_request rq = {
			.action = c->confirm_action, .target = c->confirm_arg, .numvfs = c->confirm_num,
		};
		const char *what = actions[c->confirm_action].name;
		struct svff_strlist report = { 0 };

		ui_console_log(c, UI_INFO, "%s %s ...", what, c->confirm_arg);
		ui_console_draw(c);
		rc = c->ops->run(c->ctx, &rq, &report, &err);
		if (rc == 0) {
			ui_console_log(c, UI_INFO, "%s %s: done", what, c->confirm_arg);
			/* one log line per VM: which path its VF took, how long it was away */
			for (size_t i = 0; i < report.len; i++)
				ui_console_log(c, UI_INFO, "  %s", report.items[i]);
		}
		svff_strlist_clear(&report);
		break;
	}
	default:
		break;
	}
	if (rc < 0)
		ui_console_log(c, UI_ERROR, "%s", err_text(c, &err, msg, sizeof(msg)));
	svff_strlist_clear(&notes);
	ui_console_model_changed(c);
}

static void confirm(struct ui_console *c, enum ui_action a, const char *arg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->confirm_text, sizeof(c->confirm_text), fmt, ap);
	va_end(ap);
	c->confirm_action = a;
	snprintf(c->confirm_arg, sizeof(c->confirm_arg), "%s", arg);
	c->mode = M_CONFIRM;
	c->dirty = true;
}

static int do_action(struct ui_console *c, enum ui_action a)
{
	struct svff_err err = { 0 };
	char msg[SVFF_ERR_MSG_MAX + 96];
	const char *vf, *vm;

	c->status[0] = '\0';
	if (a != UI_ACTION_NONE && actions[a].mutates && c->set.read_only) {
		set_status(c, UI_WARNING, "%s is disabled: svff runs with --read-only", actions[a].name);
		return UI_REDRAW;
	}
	switch (a) {
	case UI_ACTION_HELP:
		c->mode = M_HELP;
		break;
	case UI_ACTION_QUIT:
		return UI_QUIT;
	case UI_ACTION_NEXT_PANE:
		c->focus = c->focus == P_VMS ? P_LOG : c->focus == P_LOG ? P_CARDS : c->focus + 1;
		break;
	case UI_ACTION_FILTER:
		if (c->focus == P_LOG || c->focus == P_DETAILS)
			c->focus = P_VFS;
		c->mode = M_FILTER;
		break;
	case UI_ACTION_ATTACH:
		start_attach(c);
		break;
	case UI_ACTION_DETACH:
		vf = selected_vf(c);
		vm = selected_vm(c);
		if (!vf || !vm) {
			set_status(c, UI_WARNING, "detach: select a VF that is in a VM");
			break;
		}
		snprintf(c->pending_vf, sizeof(c->pending_vf), "%s", vf);
		confirm(c, UI_ACTION_DETACH, vm, "Detach VF %s from VM %s?\nThe guest sees a PCI hot-unplug and "
			"must release the device;\nsvff waits for it.", vf, vm);
		break;
	case UI_ACTION_SUSPEND:
		vm = selected_vm(c);
		if (!vm) {
			set_status(c, UI_WARNING, "suspend: select a VM (or a VF that is in one)");
			break;
		}
		confirm(c, UI_ACTION_SUSPEND, vm, "Suspend VM %s?\nIts vCPUs stop until it is resumed (S).", vm);
		break;
	case UI_ACTION_RESUME:
		vm = selected_vm(c);
		if (!vm) {
			set_status(c, UI_WARNING, "resume: select a VM (or a VF that is in one)");
			break;
		}
		if (c->ops->vm_resume(c->ctx, vm, &err) < 0)
			ui_console_log(c, UI_ERROR, "%s", err_text(c, &err, msg, sizeof(msg)));
		else
			ui_console_log(c, UI_INFO, "resumed VM %s", vm);
		ui_console_model_changed(c);
		break;
	case UI_ACTION_INIT:
		if (!(vf = selected_pf(c))) {
			set_status(c, UI_WARNING, "init: select a PF (or one of its VFs)");
			break;
		}
		start_plan(c, a, vf, -1);
		break;
	case UI_ACTION_RECONF: {
		const struct svff_function *pf;

		if (!(vf = selected_pf(c)) || !(pf = svff_host_find(c->host, vf))) {
			set_status(c, UI_WARNING, "reconf: select a PF (or one of its VFs)");
			break;
		}
		snprintf(c->prompt_pf, sizeof(c->prompt_pf), "%s", pf->name);
		snprintf(c->prompt_buf, sizeof(c->prompt_buf), "%ld", pf->sriov.num_vfs);
		c->mode = M_PROMPT;
		break;
	}
	case UI_ACTION_QUEUES: {
		const char *fnb = c->focus == P_PFS ? ui_console_selected(c, &ui_pf_pane) :
				  c->focus == P_VFS ? ui_console_selected(c, &ui_vf_pane) : NULL;

		if (!fnb) {
			set_status(c, UI_WARNING, "queues: select a PF or a VF");
			break;
		}
		if (c->ops->queues(c->ctx, fnb, c->message, sizeof(c->message), &err) < 0) {
			ui_console_log(c, UI_ERROR, "queues %s: %s", fnb, err_text(c, &err, msg, sizeof(msg)));
			break;
		}
		snprintf(c->message_title, sizeof(c->message_title), " QDMA queues of %s (any key closes) ", fnb);
		c->mode = M_MESSAGE;
		break;
	}
	case UI_ACTION_PAUSE:
	case UI_ACTION_UNPAUSE:
		if (!(vf = selected_vf(c))) {
			set_status(c, UI_WARNING, "%s: select a VF that a running VM holds (Tab to the VF pane)",
				   actions[a].name);
			break;
		}
		start_plan(c, a, vf, -1);
		break;
	default:
		break;
	}
	c->dirty = true;
	return UI_HANDLED | UI_REDRAW;
}

/* ---- keys ---------------------------------------------------------------------------- */

static enum ui_action action_for_key(const struct ui_console *c, int ch)
{
	for (int i = 0; i < UI_ACTION_COUNT; i++)
		if (ch == c->key[i] || (actions[i].alt && ch == actions[i].alt) ||
		    (actions[i].fkey && ch == KEY_F(actions[i].fkey)))
			return (enum ui_action)i;
	return UI_ACTION_NONE;
}

static int key_normal(struct ui_console *c, int ch)
{
	struct ui_pane *p = &c->panes[c->focus];
	size_t page = p->h > 4 ? (size_t)p->h - 4 : 1;

	switch (ch) {
	case KEY_UP: case 'k':
		ui_list_move(&p->list, -1, page);
		break;
	case KEY_DOWN: case 'j':
		ui_list_move(&p->list, 1, page);
		break;
	case KEY_PPAGE:
		ui_list_move(&p->list, -(long)page, page);
		break;
	case KEY_NPAGE:
		ui_list_move(&p->list, (long)page, page);
		break;
	case KEY_HOME: case 'g':
		ui_list_move(&p->list, -(long)p->list.n_shown, page);
		break;
	case KEY_END: case 'G':
		ui_list_move(&p->list, (long)p->list.n_shown, page);
		break;
	case KEY_BTAB: case KEY_LEFT:
		c->focus = c->focus == P_CARDS ? P_LOG : c->focus == P_LOG ? P_VMS : c->focus - 1;
		break;
	case KEY_RIGHT: case '\r': case '\n': case KEY_ENTER:
		return do_action(c, UI_ACTION_NEXT_PANE);
	case 'l':
		return do_action(c, UI_ACTION_NEXT_PANE);
	case 27:
		c->status[0] = '\0';
		break;
	case KEY_RESIZE:
		ui_console_resize(c);
		break;
	default: {
		enum ui_action a = action_for_key(c, ch);

		if (a == UI_ACTION_NONE) {
			set_status(c, UI_INFO, "key not bound: press ? for help");
			return UI_REDRAW;
		}
		return do_action(c, a);
	}
	}
	/* a new selection changes what the panes below it show */
	ui_console_model_changed(c);
	return UI_HANDLED | UI_REDRAW;
}

static int key_filter(struct ui_console *c, int ch)
{
	struct ui_list *l = &c->panes[c->focus].list;
	size_t n = strlen(l->filter);

	if (ch == 27) {
		l->filter[0] = '\0';
		c->mode = M_NORMAL;
	} else if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
		c->mode = M_NORMAL;
	} else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		if (n)
			l->filter[n - 1] = '\0';
	} else if (isprint(ch) && n + 1 < sizeof(l->filter)) {
		l->filter[n] = (char)ch;
		l->filter[n + 1] = '\0';
	}
	ui_console_model_changed(c);
	return UI_HANDLED | UI_REDRAW;
}

static int key_pick(struct ui_console *c, int ch)
{
	const struct ui_row *r;

	switch (ch) {
	case KEY_UP: case 'k':
		ui_list_move(&c->picker, -1, 1);
		break;
	case KEY_DOWN: case 'j':
		ui_list_move(&c->picker, 1, 1);
		break;
	case 27: case 'q':
		c->mode = M_NORMAL;
		set_status(c, UI_INFO, "attach cancelled");
		break;
	case '\r': case '\n': case KEY_ENTER:
		r = ui_list_selected(&c->picker);
		if (r) {
			char vm[64];

			snprintf(vm, sizeof(vm), "%s", r->key);
			finish_attach(c, vm);
		}
		break;
	default:
		break;
	}
	c->dirty = true;
	return UI_HANDLED | UI_REDRAW;
}

static int key_prompt(struct ui_console *c, int ch)
{
	size_t n = strlen(c->prompt_buf);

	if (ch == 27) {
		c->mode = M_NORMAL;
		set_status(c, UI_INFO, "reconf cancelled");
	} else if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
		char *end;
		long v = strtol(c->prompt_buf, &end, 10);

		c->mode = M_NORMAL;
		if (!n || *end || v < 0)
			set_status(c, UI_WARNING, "reconf: a VF count is a number, 0 or more");
		else
			start_plan(c, UI_ACTION_RECONF, c->prompt_pf, v);
	} else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		if (n)
			c->prompt_buf[n - 1] = '\0';
	} else if (isdigit(ch) && n + 1 < sizeof(c->prompt_buf)) {
		c->prompt_buf[n] = (char)ch;
		c->prompt_buf[n + 1] = '\0';
	}
	c->dirty = true;
	return UI_HANDLED | UI_REDRAW;
}

/* ---- key names: ui.keys in the config and the demo's --script ---------------- */

static const struct { const char *name; int code; } key_names[] = {
	{ "Tab", '\t' }, { "BTab", KEY_BTAB }, { "Enter", '\n' }, { "Esc", 27 }, { "Space", ' ' },
	{ "Up", KEY_UP }, { "Down", KEY_DOWN }, { "Left", KEY_LEFT }, { "Right", KEY_RIGHT },
	{ "PgUp", KEY_PPAGE }, { "PgDn", KEY_NPAGE }, { "Home", KEY_HOME }, { "End", KEY_END },
	{ "Backspace", KEY_BACKSPACE }, { "Delete", KEY_DC }, { "Insert", KEY_IC },
};

int ui_key_parse(const char *name)
{
	int n;

	if (strlen(name) == 1 && isprint((unsigned char)name[0]))
		return (unsigned char)name[0];
	if (name[0] == '^' && strlen(name) == 2 && isalpha((unsigned char)name[1]))
		return toupper((unsigned char)name[1]) - '@';
	if ((name[0] == 'F' || name[0] == 'f') && sscanf(name + 1, "%d", &n) == 1 && n >= 1 && n <= 12 &&
	    strlen(name) <= 3)
		return KEY_F(n);
	for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++)
		if (!strcasecmp(name, key_names[i].name))
			return key_names[i].code;
	return -1;
}

void ui_key_label(int key, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++) {
		if (key == key_names[i].code) {
			snprintf(buf, len, "%s", key_names[i].name);
			return;
		}
	}
	if (key >= KEY_F(1) && key <= KEY_F(12))
		snprintf(buf, len, "F%d", key - KEY_F(0));
	else if (key > 0 && key < 27)
		snprintf(buf, len, "^%c", key + '@');
	else
		snprintf(buf, len, "%c", key);
}

/* Keys the panes use for navigation, which no action may take. */
static bool navigation_key(int k)
{
	static const int nav[] = {
		KEY_UP, KEY_DOWN, KEY_LEFT, KEY_RIGHT, KEY_PPAGE, KEY_NPAGE, KEY_HOME, KEY_END, KEY_BTAB,
		'j', 'k', 'l', 'g', 'G', '\r', '\n', KEY_ENTER, 27,
	};

	for (size_t i = 0; i < sizeof(nav) / sizeof(nav[0]); i++)
		if (k == nav[i])
			return true;
	return false;
}

int ui_console_bind(struct ui_console *c, const char *action, const char *key, char *msg, size_t len)
{
	int k = ui_key_parse(key), a;

	for (a = 0; a < UI_ACTION_COUNT; a++)
		if (!strcmp(actions[a].name, action))
			break;
	if (a == UI_ACTION_COUNT) {
		size_t off = (size_t)snprintf(msg, len, "no action '%s' (actions:", action);

		for (int i = 0; i < UI_ACTION_COUNT && off < len; i++)
			off += (size_t)snprintf(msg + off, len - off, " %s", actions[i].name);
		if (off < len)
			snprintf(msg + off, len - off, ")");
		return -1;
	}
	if (k < 0) {
		snprintf(msg, len, "'%s' is not a key (a character, ^X, F1-F12, or one of Tab Enter Esc Space "
			 "Up Down Left Right PgUp PgDn Home End Backspace Delete Insert)", key);
		return -1;
	}
	if (navigation_key(k)) {
		snprintf(msg, len, "'%s' moves around the panes and cannot be bound", key);
		return -1;
	}
	for (int i = 0; i < UI_ACTION_COUNT; i++) {
		if (i != a && (c->key[i] == k || actions[i].alt == k || (actions[i].fkey && KEY_F(actions[i].fkey) == k))) {
			snprintf(msg, len, "'%s' is already the key of %s", key, actions[i].name);
			return -1;
		}
	}
	c->key[a] = k;
	c->dirty = true;
	return 0;
}

int ui_console_feed_key(struct ui_console *c, int key)
{
	ungetch(key);
	return ui_console_input(c);
}

int ui_console_input(struct ui_console *c)
{
	int ch, res = 0;

	while ((ch = getch()) != ERR) {
		if (ch == KEY_RESIZE) {
			ui_console_resize(c);
			res |= UI_REDRAW;
			continue;
		}
		switch (c->mode) {
		case M_HELP:
		case M_MESSAGE:
			c->mode = M_NORMAL;
			c->dirty = true;
			res |= UI_REDRAW;
			break;
		case M_PROMPT:
			res |= key_prompt(c, ch);
			break;
		case M_FILTER:
			res |= key_filter(c, ch);
			break;
		case M_PICK:
			res |= key_pick(c, ch);
			break;
		case M_CONFIRM:
			if (ch == 'y' || ch == 'Y')
				run_confirmed(c);
			else if (ch == 'n' || ch == 'N' || ch == 27 || ch == 'q') {
				c->mode = M_NORMAL;
				set_status(c, UI_INFO, "cancelled");
			}
			c->dirty = true;
			res |= UI_REDRAW;
			break;
		default:
			res |= key_normal(c, ch);
			break;
		}
		if (res & UI_QUIT)
			break;
	}
	return res;
}
