/* Unit tests: every bundled theme parses (libconfig) and sets every colour
 * element with known colour and attribute names. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libconfig.h>

/* The console's colour elements (ui/theme.h will own this list). */
static const char *const elements[] = {
	"default", "pane_title", "pane_title_focus", "header", "selection",
	"selection_unfocused", "status_bar", "badge", "function_key", "function_label",
	"fpga", "pf", "vf_free", "vf_vfio", "vf_attached", "vf_paused", "vm_running",
	"vm_paused", "vm_off", "log_time", "log_info", "warning", "error", "dialog",
	"dialog_button",
};

static bool known(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(s, *set))
			return true;
	return false;
}

static void check_theme(const char *name)
{
	static const char *const colours[] = { "default", "black", "red", "green", "yellow", "blue",
					       "magenta", "cyan", "white", NULL };
	static const char *const attrs[] = { "bold", "dim", "underline", "reverse", NULL };
	char path[4096];
	const char *s;
	config_t cfg;

	snprintf(path, sizeof(path), "%s/themes/%s.theme", getenv("top_srcdir") ? getenv("top_srcdir") : ".", name);
	config_init(&cfg);
	if (!config_read_file(&cfg, path))
		fail_msg("%s:%d: %s", path, config_error_line(&cfg), config_error_text(&cfg));
	assert_true(config_lookup_string(&cfg, "name", &s));
	assert_string_equal(s, name);
	for (size_t i = 0; i < sizeof(elements) / sizeof(elements[0]); i++) {
		char key[128];
		config_setting_t *a;

		snprintf(key, sizeof(key), "colors.%s.fg", elements[i]);
		if (!config_lookup_string(&cfg, key, &s) || !known(s, colours))
			fail_msg("%s: %s missing or unknown", name, key);
		snprintf(key, sizeof(key), "colors.%s.bg", elements[i]);
		if (!config_lookup_string(&cfg, key, &s) || !known(s, colours))
			fail_msg("%s: %s missing or unknown", name, key);
		snprintf(key, sizeof(key), "colors.%s.attrs", elements[i]);
		a = config_lookup(&cfg, key);
		if (!a || !config_setting_is_array(a))
			fail_msg("%s: %s missing", name, key);
		for (int k = 0; k < config_setting_length(a); k++)
			if (!known(config_setting_get_string_elem(a, k), attrs))
				fail_msg("%s: %s: unknown attribute", name, key);
	}
	assert_int_equal(config_setting_length(config_lookup(&cfg, "colors")),
			 sizeof(elements) / sizeof(elements[0]));
	config_destroy(&cfg);
}

static void test_default(void **state) { (void)state; check_theme("default"); }
static void test_light(void **state) { (void)state; check_theme("light"); }
static void test_high_contrast(void **state) { (void)state; check_theme("high-contrast"); }
static void test_monochrome(void **state) { (void)state; check_theme("monochrome"); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_light),
		cmocka_unit_test(test_high_contrast),
		cmocka_unit_test(test_monochrome),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
