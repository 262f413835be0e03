/* svff — every console action, once: its name (also its name in the
 * config's ui.keys), its keys, whether it changes the host, and its
 * help line.  The help screen, the function bar and the key dispatch are
 * generated from this list. */
#ifndef SVFF_UI_ACTIONS_H
#define SVFF_UI_ACTIONS_H

/* X(ID, name, key, alt key, function key, F-bar label, mutates, help) */
#define UI_ACTIONS(X) \
	X(HELP,      "help",       '?', 'h',  1, "Help",    0, "show every key") \
	X(ATTACH,    "attach",     'a', 0,    2, "Attach",  1, "attach the selected VF to a VM (asks which)") \
	X(DETACH,    "detach",     'd', 0,    3, "Detach",  1, "detach the selected VF from its VM (asks first)") \
	X(FILTER,    "filter",     '/', 0,    4, "Filter",  0, "filter the focused pane (Esc clears)") \
	X(INIT,      "init",       'i', 0,    5, "Init",    1, "set up the selected PF as configured") \
	X(RECONF,    "reconf",     'r', 0,    6, "Reconf",  1, "change the selected PF's VF count or queues") \
	X(PAUSE,     "pause",      'p', 0,    7, "Pause",   1, "pause the selected VF (SVFF device_pause)") \
	X(UNPAUSE,   "unpause",    'u', 0,    8, "Unpause", 1, "unpause the selected VF") \
	X(QUEUES,    "queues",     'Q', 0,    9, "Queues",  1, "QDMA queues of the selected function") \
	X(SUSPEND,   "vm-suspend", 's', 0,    0, NULL,      1, "suspend the selected VM (or the VF's VM)") \
	X(RESUME,    "vm-resume",  'S', 0,    0, NULL,      1, "resume the selected VM (or the VF's VM)") \
	X(NEXT_PANE, "next-pane",  '\t', 0,   0, NULL,      0, "focus the next pane (Shift-Tab: previous)") \
	X(QUIT,      "quit",       'q', 0,   10, "Quit",    0, "quit")

#include <stdbool.h>

enum ui_action {
	UI_ACTION_NONE = -1,
#define UI_ACTION_ENUM(id, ...) UI_ACTION_##id,
	UI_ACTIONS(UI_ACTION_ENUM)
#undef UI_ACTION_ENUM
	UI_ACTION_COUNT
};

struct ui_action_info {
	const char *name;
	int key, alt, fkey;
	const char *label;
	bool mutates;
	const char *help;
};

/* The list above as a table, by enum ui_action; each file that includes
 * this has its copy (a dozen rows), so that no part of the console
 * depends on another for it. */
static const struct ui_action_info ui_action_info[] = {
#define UI_ACTION_INFO(id, name, key, alt, fkey, label, mut, help) { name, key, alt, fkey, label, mut, help },
	UI_ACTIONS(UI_ACTION_INFO)
#undef UI_ACTION_INFO
};

#endif
