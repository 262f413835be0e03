/* Unit tests: the theme loader, on every bundled theme and on broken
 * files. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "svff/theme.h"

static char dir[4096];

static void load_ok(const char *name)
{
	struct svff_theme t;
	struct svff_err err = { 0 };

	if (svff_theme_load(dir, name, &t, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(t.name, name);
}

static void test_bundled(void **state)
{
	struct svff_theme t;
	struct svff_err err = { 0 };

	(void)state;
	load_ok("default");
	load_ok("light");
	load_ok("high-contrast");
	load_ok("monochrome");
	assert_int_equal(svff_theme_load(dir, "monochrome", &t, &err), 0);
	for (int i = 0; i < SVFF_EL_COUNT; i++) {
		assert_int_equal(t.el[i].fg, SVFF_COLOUR_DEFAULT);	/* no colour at all */
		assert_int_equal(t.el[i].bg, SVFF_COLOUR_DEFAULT);
	}
	assert_true(t.el[SVFF_EL_SELECTION].attrs & SVFF_ATTR_REVERSE);
	assert_int_equal(svff_theme_load(dir, "default", &t, &err), 0);
	assert_int_equal(t.el[SVFF_EL_ERROR].fg, SVFF_COLOUR_RED);
	assert_true(t.el[SVFF_EL_ERROR].attrs & SVFF_ATTR_BOLD);
}

static void expect_broken(const char *text, const char *needle)
{
	char path[] = "/tmp/svff-theme-XXXXXX";
	struct svff_theme t;
	struct svff_err err = { 0 };
	FILE *f;
	int fd = mkstemp(path);

	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	assert_int_equal(svff_theme_load(dir, path, &t, &err), -EINVAL);
	if (!strstr(err.msg, path) || !strstr(err.msg, needle))
		fail_msg("'%s' lacks '%s'", err.msg, needle);
	unlink(path);
}

static void test_broken(void **state)
{
	struct svff_theme t;
	struct svff_err err = { 0 };

	(void)state;
	expect_broken("name = \"x\";\ncolors = { default = { fg = \"white\"; bg = \"black\"; }; };\n",
		      "colors.pane_title is missing");
	expect_broken("colors = { default = { fg = \"purple\"; bg = \"black\"; }; };\n",
		      ":1: colors.default: expected fg and bg");
	expect_broken("colors = (1);\n", "expected a group colors");
	expect_broken("colors = { default = { fg = \"white\" bg };\n", ":1: syntax error");
	assert_int_equal(svff_theme_load(dir, "no-such-theme", &t, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "no-such-theme.theme"));
}

static void test_element_names(void **state)
{
	(void)state;
	assert_string_equal(svff_theme_element_name(SVFF_EL_DEFAULT), "default");
	assert_string_equal(svff_theme_element_name(SVFF_EL_DIALOG_BUTTON), "dialog_button");
	assert_int_equal(SVFF_EL_COUNT, 25);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bundled),
		cmocka_unit_test(test_broken),
		cmocka_unit_test(test_element_names),
	};

	snprintf(dir, sizeof(dir), "%s/themes", getenv("top_srcdir") ? getenv("top_srcdir") : ".");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
