/* svff — the console's colour themes, read from libconfig files
 * (svff/theme.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libconfig.h>

#include "svff/theme.h"

static const char *const element_names[] = {
#define SVFF_THEME_NAME(id, name) name,
	SVFF_THEME_ELEMENTS(SVFF_THEME_NAME)
#undef SVFF_THEME_NAME
};

static const char *const colour_names[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

static const char *const attr_names[] = { "bold", "dim", "underline", "reverse" };

const char *svff_theme_element_name(enum svff_theme_element el)
{
	return (unsigned)el < SVFF_EL_COUNT ? element_names[el] : "?";
}

static int colour(const char *s)
{
	if (!strcmp(s, "default"))
		return SVFF_COLOUR_DEFAULT;
	for (int i = 0; i < 8; i++)
		if (!strcmp(s, colour_names[i]))
			return i;
	return -2;
}

void svff_theme_builtin(struct svff_theme *t)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "builtin");
	for (int i = 0; i < SVFF_EL_COUNT; i++)
		t->el[i] = (struct svff_theme_style){ SVFF_COLOUR_DEFAULT, SVFF_COLOUR_DEFAULT, 0 };
	/* monochrome-safe: attributes carry the meaning */
	t->el[SVFF_EL_PANE_TITLE].attrs = SVFF_ATTR_REVERSE;
	t->el[SVFF_EL_PANE_TITLE_FOCUS].attrs = SVFF_ATTR_REVERSE | SVFF_ATTR_BOLD;
	t->el[SVFF_EL_SELECTION].attrs = SVFF_ATTR_REVERSE | SVFF_ATTR_BOLD;
	t->el[SVFF_EL_SELECTION_UNFOCUSED].attrs = SVFF_ATTR_UNDERLINE;
	t->el[SVFF_EL_STATUS_BAR].attrs = SVFF_ATTR_REVERSE;
	t->el[SVFF_EL_FUNCTION_LABEL].attrs = SVFF_ATTR_REVERSE;
	t->el[SVFF_EL_BADGE].attrs = SVFF_ATTR_REVERSE | SVFF_ATTR_BOLD;
	t->el[SVFF_EL_DIALOG].attrs = SVFF_ATTR_REVERSE;
	t->el[SVFF_EL_DIALOG_BUTTON].attrs = SVFF_ATTR_BOLD;
	t->el[SVFF_EL_ERROR].attrs = SVFF_ATTR_BOLD;
	t->el[SVFF_EL_WARNING].attrs = SVFF_ATTR_BOLD;
}

int svff_theme_load(const char *dir, const char *name, struct svff_theme *out, struct svff_err *err)
{
	char path[4096];
	config_setting_t *colors;
	const char *s;
	config_t c;
	int rc = 0;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "%s/%s.theme", dir, name);
	config_init(&c);
	if (!config_read_file(&c, path)) {
		if (config_error_type(&c) == CONFIG_ERR_FILE_IO)
			rc = svff_err_set(err, ENOENT, "theme %s: cannot read %s", name, path);
		else
			rc = svff_err_set(err, EINVAL, "%s:%d: %s", path, config_error_line(&c),
					  config_error_text(&c));
		config_destroy(&c);
		return rc;
	}
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", config_lookup_string(&c, "name", &s) ? s : name);
	colors = config_lookup(&c, "colors");
	if (!colors || !config_setting_is_group(colors)) {
		rc = svff_err_set(err, EINVAL, "%s: expected a group colors = { ... }", path);
		goto cleanup;
	}
	for (int i = 0; i < SVFF_EL_COUNT && rc == 0; i++) {
		config_setting_t *e = config_setting_get_member(colors, element_names[i]), *a;
		const char *fg, *bg;

		if (!e) {
			rc = svff_err_set(err, EINVAL, "%s:%d: colors.%s is missing (every element must be set)",
					  path, config_setting_source_line(colors), element_names[i]);
			break;
		}
		if (!config_setting_lookup_string(e, "fg", &fg) || !config_setting_lookup_string(e, "bg", &bg) ||
		    colour(fg) < -1 || colour(bg) < -1) {
			rc = svff_err_set(err, EINVAL, "%s:%d: colors.%s: expected fg and bg, each one of default, "
					  "black, red, green, yellow, blue, magenta, cyan, white", path,
					  config_setting_source_line(e), element_names[i]);
			break;
		}
		out->el[i].fg = colour(fg);
		out->el[i].bg = colour(bg);
		a = config_setting_get_member(e, "attrs");
		for (int k = 0; a && k < config_setting_length(a); k++) {
			const char *an = config_setting_get_string_elem(a, (unsigned)k);
			int j;

			for (j = 0; j < 4; j++)
				if (an && !strcmp(an, attr_names[j]))
					break;
			if (j == 4) {
				rc = svff_err_set(err, EINVAL, "%s:%d: colors.%s.attrs: expected bold, dim, "
						  "underline or reverse", path, config_setting_source_line(e),
						  element_names[i]);
				break;
			}
			out->el[i].attrs |= 1u << j;
		}
	}
cleanup:
	config_destroy(&c);
	return rc;
}
