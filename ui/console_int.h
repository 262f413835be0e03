/* svff — what the console's files share, and nothing outside ui/ sees:
 * the console's state and the functions of its parts.  The parts stand
 * in layers, each using only those below it:
 *   console.c   setup, key bindings, input: each key to its handler
 *   actions.c   what an action does (checks, dialogs, the ui_ops calls)
 *   dialogs.c   the picker, the confirmation, the prompt, the message
 *   draw.c      the screen: panes, header, function bar, dialog boxes
 *   log_pane.c, card_pane.c, pf_pane.c, vf_pane.c, vm_pane.c  the panes
 *   state.c     the model, the selection, the status line, the rows
 *   keys.c      key names */
#ifndef SVFF_UI_CONSOLE_INT_H
#define SVFF_UI_CONSOLE_INT_H

#include <stdbool.h>

#include "actions.h"
#include "console.h"
#include "pane.h"

enum { P_CARDS, P_PFS, P_VFS, P_VMS, P_DETAILS, P_LOG, P_COUNT };
enum ui_mode { M_NORMAL, M_FILTER, M_HELP, M_PICK, M_CONFIRM, M_PROMPT, M_MESSAGE };

struct ui_console {
	struct ui_settings set;
	int key[UI_ACTION_COUNT];	/* the action's main key: its default or ui.keys */
	const struct ui_ops *ops;
	void *ctx;
	const struct svff_host *host;
	const struct svff_virt *virt;
	char connecting[256];		/* the URI libvirt is being asked at, until it answers */
	struct ui_pane panes[P_COUNT];
	int focus;
	enum ui_mode mode;
	bool dirty, rebuild;
	char status[256];		/* one-line message at the bottom */
	enum ui_level status_level;
	struct ui_list picker;		/* VMs to attach to */
	char pending_vf[SVFF_BDF_LEN];	/* the VF a dialog is about, or a plan's target */
	char confirm_text[4096];
	enum ui_action confirm_action;
	char confirm_arg[SVFF_NAME_LEN];
	long confirm_num;
	char prompt_pf[SVFF_BDF_LEN];	/* reconf: the PF and the typed count */
	char prompt_buf[8];
	char message[4096];		/* a text popup (queues) */
	char message_title[96];
};

/* state.c */
void ui_state_status(struct ui_console *c, enum ui_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Refills the panes' rows from the model, keeping each selection. */
void ui_state_rebuild(struct ui_console *c);

/* keys.c: keys the panes use for moving around, which no action may take */
bool ui_key_is_navigation(int key);

/* draw.c: the colour pairs of the theme (after initscr) */
void ui_draw_colours(struct ui_console *c);

/* dialogs.c */
void ui_dialog_confirm(struct ui_console *c, enum ui_action a, const char *arg, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* which VM to attach vf to */
void ui_dialog_picker(struct ui_console *c, const char *vf);
/* reconf: the VF count for pf, starting from now */
void ui_dialog_prompt(struct ui_console *c, const char *pf, long now);
/* c->message, under a title */
void ui_dialog_message(struct ui_console *c, const char *title);
void ui_dialog_help(struct ui_console *c);
void ui_dialog_close(struct ui_console *c);

/* actions.c: returns ui_result bits */
int ui_action_do(struct ui_console *c, enum ui_action a);
/* asks the backend for the plan of action a on target and asks to confirm it */
void ui_action_plan(struct ui_console *c, enum ui_action a, const char *target, long numvfs);
/* the picker chose vm: the attach's checks, then the confirmation */
void ui_action_attach_to(struct ui_console *c, const char *vm);
/* y in the confirmation */
void ui_action_run_confirmed(struct ui_console *c);

#endif
