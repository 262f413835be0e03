/* svff — colour themes (themes/NAME.theme, libconfig): the elements of the
 * console and, for each, foreground, background and attributes.  Parsing
 * lives in the backend; the console maps these to curses colours. */
#ifndef SVFF_THEME_H
#define SVFF_THEME_H

#include "svff/error.h"

/* Every element a theme must set; the X-macro yields the enum and names. */
#define SVFF_THEME_ELEMENTS(X) \
	X(DEFAULT, "default") X(PANE_TITLE, "pane_title") X(PANE_TITLE_FOCUS, "pane_title_focus") \
	X(HEADER, "header") X(SELECTION, "selection") X(SELECTION_UNFOCUSED, "selection_unfocused") \
	X(STATUS_BAR, "status_bar") X(BADGE, "badge") X(FUNCTION_KEY, "function_key") \
	X(FUNCTION_LABEL, "function_label") X(FPGA, "fpga") X(PF, "pf") X(VF_FREE, "vf_free") \
	X(VF_VFIO, "vf_vfio") X(VF_ATTACHED, "vf_attached") X(VF_PAUSED, "vf_paused") \
	X(VM_RUNNING, "vm_running") X(VM_PAUSED, "vm_paused") X(VM_OFF, "vm_off") \
	X(LOG_TIME, "log_time") X(LOG_INFO, "log_info") X(WARNING, "warning") X(ERROR, "error") \
	X(DIALOG, "dialog") X(DIALOG_BUTTON, "dialog_button")

enum svff_theme_element {
#define SVFF_THEME_ENUM(id, name) SVFF_EL_##id,
	SVFF_THEME_ELEMENTS(SVFF_THEME_ENUM)
#undef SVFF_THEME_ENUM
	SVFF_EL_COUNT
};

enum svff_colour {
	SVFF_COLOUR_DEFAULT = -1, SVFF_COLOUR_BLACK, SVFF_COLOUR_RED, SVFF_COLOUR_GREEN,
	SVFF_COLOUR_YELLOW, SVFF_COLOUR_BLUE, SVFF_COLOUR_MAGENTA, SVFF_COLOUR_CYAN, SVFF_COLOUR_WHITE,
};

enum {
	SVFF_ATTR_BOLD = 1, SVFF_ATTR_DIM = 2, SVFF_ATTR_UNDERLINE = 4, SVFF_ATTR_REVERSE = 8,
};

struct svff_theme_style {
	int fg, bg;		/* enum svff_colour */
	unsigned attrs;		/* SVFF_ATTR_* */
};

struct svff_theme {
	char name[64];
	struct svff_theme_style el[SVFF_EL_COUNT];
};

const char *svff_theme_element_name(enum svff_theme_element el);

/* Loads NAME from dir (NAME.theme), or a path when name contains '/'.
 * Every element must be set; errors are "file:line: what was expected". */
int svff_theme_load(const char *dir, const char *name, struct svff_theme *out, struct svff_err *err);
/* The built-in default, for when no theme file can be read. */
void svff_theme_builtin(struct svff_theme *out);

#endif
