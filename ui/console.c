/* svff — the ncurses console (console.h): its setup and teardown, the key
 * bindings from ui.keys, and the input loop that hands each key to the
 * mode it is in (panes, filter, picker, prompt, confirmation). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console_int.h"
#include "curses.h"

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
		c->key[i] = ui_action_info[i].key;
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
	ui_draw_colours(c);
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

int ui_console_bind(struct ui_console *c, const char *action, const char *key, char *msg, size_t len)
{
	int k = ui_key_parse(key), a;

	for (a = 0; a < UI_ACTION_COUNT; a++)
		if (!strcmp(ui_action_info[a].name, action))
			break;
	if (a == UI_ACTION_COUNT) {
		size_t off = (size_t)snprintf(msg, len, "no action '%s' (actions:", action);

		for (int i = 0; i < UI_ACTION_COUNT && off < len; i++)
			off += (size_t)snprintf(msg + off, len - off, " %s", ui_action_info[i].name);
		if (off < len)
			snprintf(msg + off, len - off, ")");
		return -1;
	}
	if (k < 0) {
		snprintf(msg, len, "'%s' is not a key (a character, ^X, F1-F12, or one of Tab Enter Esc Space "
			 "Up Down Left Right PgUp PgDn Home End Backspace Delete Insert)", key);
		return -1;
	}
	if (ui_key_is_navigation(k)) {
		snprintf(msg, len, "'%s' moves around the panes and cannot be bound", key);
		return -1;
	}
	for (int i = 0; i < UI_ACTION_COUNT; i++) {
		if (i != a && (c->key[i] == k || ui_action_info[i].alt == k || (ui_action_info[i].fkey && KEY_F(ui_action_info[i].fkey) == k))) {
			snprintf(msg, len, "'%s' is already the key of %s", key, ui_action_info[i].name);
			return -1;
		}
	}
	c->key[a] = k;
	c->dirty = true;
	return 0;
}

/* ---- keys --------------------------------------------------------------------------- */

static enum ui_action action_for_key(const struct ui_console *c, int ch)
{
	for (int i = 0; i < UI_ACTION_COUNT; i++)
		if (ch == c->key[i] || (ui_action_info[i].alt && ch == ui_action_info[i].alt) ||
		    (ui_action_info[i].fkey && ch == KEY_F(ui_action_info[i].fkey)))
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
		return ui_action_do(c, UI_ACTION_NEXT_PANE);
	case 'l':
		return ui_action_do(c, UI_ACTION_NEXT_PANE);
	case 27:
		c->status[0] = '\0';
		break;
	case KEY_RESIZE:
		ui_console_resize(c);
		break;
	default: {
		enum ui_action a = action_for_key(c, ch);

		if (a == UI_ACTION_NONE) {
			ui_state_status(c, UI_INFO, "key not bound: press ? for help");
			return UI_REDRAW;
		}
		return ui_action_do(c, a);
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
		ui_dialog_close(c);
		ui_state_status(c, UI_INFO, "attach cancelled");
		break;
	case '\r': case '\n': case KEY_ENTER:
		r = ui_list_selected(&c->picker);
		if (r) {
			char vm[64];

			snprintf(vm, sizeof(vm), "%s", r->key);
			ui_action_attach_to(c, vm);
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
		ui_dialog_close(c);
		ui_state_status(c, UI_INFO, "reconf cancelled");
	} else if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
		char *end;
		long v = strtol(c->prompt_buf, &end, 10);

		ui_dialog_close(c);
		if (!n || *end || v < 0)
			ui_state_status(c, UI_WARNING, "reconf: a VF count is a number, 0 or more");
		else
			ui_action_plan(c, UI_ACTION_RECONF, c->prompt_pf, v);
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
			ui_dialog_close(c);
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
				ui_action_run_confirmed(c);
			else if (ch == 'n' || ch == 'N' || ch == 27 || ch == 'q') {
				ui_dialog_close(c);
				ui_state_status(c, UI_INFO, "cancelled");
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
