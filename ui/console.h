/* svff — the ncurses console: panes for cards, PFs, VFs, VMs, details and
 * log, a status bar and an htop-style function bar.  It reads the model
 * (svff/host.h, svff/virt.h) and asks for changes through ui_ops; it never
 * touches sysfs or libvirt itself. */
#ifndef SVFF_UI_CONSOLE_H
#define SVFF_UI_CONSOLE_H

#include <stdbool.h>

#include "actions.h"
#include "svff/error.h"
#include "svff/host.h"
#include "svff/ops.h"
#include "svff/theme.h"
#include "svff/virt.h"

/* An operation that runs as a plan, as the console asks for it: by its
 * action, never by a name to be matched again on the other side. */
struct ui_plan_request {
	enum ui_action action;		/* UI_ACTION_INIT, _RECONF, _PAUSE or _UNPAUSE */
	const char *target;		/* the PF (init, reconf) or the VF (pause, unpause) */
	long numvfs;			/* reconf: the VF count wanted */
};

/* What the console asks of the rest of svff (src/console_mode.c provides it). */
struct ui_ops {
	int (*attach)(void *ctx, const char *vf, const char *vm, bool dry_run,
		      struct svff_strlist *notes, struct svff_err *err);
	int (*detach)(void *ctx, const char *vf, struct svff_err *err);
	int (*vm_suspend)(void *ctx, const char *vm, struct svff_err *err);
	int (*vm_resume)(void *ctx, const char *vm, struct svff_err *err);
	/* The plan for rq in words (svff_plan_describe; the caller clears
	 * text); returns how many steps it has, 0: nothing to do. */
	int (*plan)(void *ctx, const struct ui_plan_request *rq, struct svff_plan_text *text,
		    struct svff_err *err);
	/* Runs it; report gets a line per VM: its VF's path and downtime. */
	int (*run)(void *ctx, const struct ui_plan_request *rq, struct svff_strlist *report, struct svff_err *err);
	/* The QDMA driver's queue list for a function. */
	int (*queues)(void *ctx, const char *fn, char *text, size_t len, struct svff_err *err);
};

struct ui_settings {
	bool read_only;
	bool demo;
	bool colour;			/* false: attributes only */
	const char *host_label;		/* "fixture /tmp/x" or the hostname */
	struct svff_theme theme;
};

enum ui_level { UI_INFO, UI_WARNING, UI_ERROR };

/* Key handlers say what must happen; only the loop draws. */
enum ui_result { UI_HANDLED = 1, UI_REDRAW = 2, UI_QUIT = 4 };

struct ui_console;

struct ui_console *ui_console_new(const struct ui_settings *set, const struct ui_ops *ops, void *ctx);
void ui_console_free(struct ui_console *c);	/* restores the terminal */

void ui_console_set_model(struct ui_console *c, const struct svff_host *host,
			  const struct svff_virt *virt);
/* libvirt is being asked at uri (the VM pane says so) until a model with
 * VMs is set; NULL: no longer (it failed). */
void ui_console_set_connecting(struct ui_console *c, const char *uri);
/* The model changed: rebuild rows on the next draw. */
void ui_console_model_changed(struct ui_console *c);
void ui_console_log(struct ui_console *c, enum ui_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Binds an action (its name in ui/actions.h) to a key ("A", "^X", "F5",
 * "Tab", ...); msg says why not. */
int ui_console_bind(struct ui_console *c, const char *action, const char *key, char *msg, size_t len);
/* Key names as ui.keys and the demo's --script write them; -1: no key. */
int ui_key_parse(const char *name);
void ui_key_label(int key, char *buf, size_t len);
/* Handles key as if it had been typed (the demo's scripted tour). */
int ui_console_feed_key(struct ui_console *c, int key);
/* Reads every pending key; returns ui_result bits. */
int ui_console_input(struct ui_console *c);
void ui_console_resize(struct ui_console *c);
/* Draws when something changed since the last draw; true when it did. */
bool ui_console_draw(struct ui_console *c);

#endif
