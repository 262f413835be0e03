/* Unit tests: the configuration file, good and malformed, and the
 * allow-list. */
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

#include "svff/config.h"
#include "svff/host.h"
#include "testutil.h"

static char path[64];

static int write_conf(const char *text)
{

	snprintf(path, sizeof(path), "/tmp/svff-conf-XXXXXX");
	testutil_tmpfile(path, text);
	return 0;
}

/* text must fail to load with a message holding path:line and needle */
static void expect_error(const char *text, int line, const char *needle)
{
	struct svff_config *cfg = NULL;
	struct svff_err err = { 0 };
	char where[96];

	write_conf(text);
	assert_true(svff_config_load(path, true, &cfg, &err) < 0);
	assert_null(cfg);
	snprintf(where, sizeof(where), "%s:%d: ", path, line);
	if (!strstr(err.msg, where) || !strstr(err.msg, needle))
		fail_msg("'%s': expected '%s' and '%s'", err.msg, where, needle);
	unlink(path);
}

static void test_example_loads(void **state)
{
	struct svff_config *cfg = NULL;
	struct svff_err err = { 0 };
	char p[4096];

	(void)state;
	snprintf(p, sizeof(p), "%s/svff.conf.example", getenv("top_srcdir"));
	if (svff_config_load(p, true, &cfg, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(cfg->uri, "qemu:///system");
	assert_int_equal(cfg->n_allow, 3);
	assert_false(cfg->allow[0].by_id);
	assert_true(cfg->allow[2].by_id);
	assert_int_equal(cfg->allow[2].vendor, 0x10ee);
	assert_int_equal(cfg->allow[2].device, 0xa038);
	assert_int_equal(cfg->n_pfs, 2);
	assert_string_equal(cfg->pfs[0].pf, "0000:01:00.0");
	assert_int_equal(cfg->pfs[0].num_vfs, 4);
	assert_int_equal(cfg->pfs[0].qmax, 512);
	assert_int_equal(cfg->pfs[0].vf_qmax, 8);
	assert_int_equal(cfg->pfs[1].vf_qmax, -1);
	assert_string_equal(cfg->pfs[1].vf_driver, "vfio-pci");
	assert_int_equal(cfg->n_assign, 2);
	assert_string_equal(cfg->assign[1].vf, "0000:01:08.3");
	assert_string_equal(cfg->assign[1].vm, "vm-web");
	assert_string_equal(cfg->theme, "default");
	assert_int_equal(cfg->warnings.len, 0);
	svff_config_free(cfg);
}

static void test_missing_file(void **state)
{
	struct svff_config *cfg = NULL;
	struct svff_err err = { 0 };

	(void)state;
	assert_int_equal(svff_config_load("/nonexistent/svff.conf", false, &cfg, &err), 0);
	assert_non_null(cfg);
	assert_int_equal(cfg->n_allow, 0);
	assert_string_equal(cfg->path, "");
	svff_config_free(cfg);
	assert_int_equal(svff_config_load("/nonexistent/svff.conf", true, &cfg, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/svff.conf: No such file"));
}

static void test_malformed(void **state)
{
	(void)state;
	/* 1 syntax */
	expect_error("allow = ( \"0000:01:00.0\" );\nlibvirt = { uri = \"x\"; ;\n", 2, "syntax error");
	/* 2 allow is not a list */
	expect_error("\nallow = \"0000:01:00.0\";\n", 2, "allow: expected a list");
	/* 3 allow entry is a number */
	expect_error("allow = ( 5 );\n", 1, "allow.[0]: expected a string");
	/* 4 allow entry neither address nor ID */
	expect_error("allow = ( \"0000:01:00.0\",\n \"01-00\" );\n", 2, "expected a PCI address");
	/* 5 pfs entry without pf */
	expect_error("pfs = (\n { num_vfs = 4; } );\n", 2, "missing pf =");
	/* 6 num_vfs of the wrong type */
	expect_error("pfs = ( { pf = \"0000:01:00.0\";\n num_vfs = \"4\"; } );\n", 2,
		     "pfs.[0].num_vfs: expected a whole number from 0 to 4096");
	/* 7 num_vfs out of range */
	expect_error("pfs = ( { pf = \"0000:01:00.0\"; num_vfs = 5000; } );\n", 1, "5000 is out of range");
	/* 8 the same PF twice */
	expect_error("pfs = ( { pf = \"0000:01:00.0\"; },\n { pf = \"01:00.0\"; } );\n", 2, "already laid out");
	/* 9 a bad PF address */
	expect_error("pfs = ( { pf = \"0000:01:00.9\"; } );\n", 1, "expected a PCI address");
	/* 10 an assignment without a VM */
	expect_error("assign = ( { vf = \"0000:01:00.4\"; } );\n", 1, "needs both vf");
	/* 11 the same VF for two VMs */
	expect_error("assign = ( { vf = \"0000:01:00.4\"; vm = \"a\"; },\n{ vf = \"0000:01:00.4\"; vm = \"b\"; } );\n",
		     2, "already assigned");
	/* 12 libvirt is not a group */
	expect_error("libvirt = \"qemu:///system\";\n", 1, "libvirt: expected a group");
	/* 13 libvirt.uri is not a string */
	expect_error("libvirt = {\n uri = 3; };\n", 2, "libvirt.uri: expected a string");
	/* 14 qmax negative */
	expect_error("pfs = ( { pf = \"0000:01:00.0\"; qmax = -1; } );\n", 1, "-1 is out of range");
	/* 15 pfs is a group, not a list */
	expect_error("pfs = { pf = \"0000:01:00.0\"; };\n", 1, "pfs: expected a list");
	/* 16 ui.keys is not a group */
	expect_error("ui = {\n keys = \"A\"; };\n", 2, "ui.keys: expected a group of action = \"key\"");
	/* 17 a key that is not a string */
	expect_error("ui = { keys = {\n attach = 65; }; };\n", 2, "ui.keys.attach: expected a string");
}

static void test_key_bindings(void **state)
{
	struct svff_config *cfg = NULL;
	struct svff_err err = { 0 };

	(void)state;
	write_conf("ui = {\n  theme = \"light\";\n  keys = {\n    attach = \"A\";\n    pause = \"F11\";\n  };\n};\n");
	assert_int_equal(svff_config_load(path, true, &cfg, &err), 0);
	assert_int_equal(cfg->n_keys, 2);
	assert_string_equal(cfg->keys[0].action, "attach");
	assert_string_equal(cfg->keys[0].key, "A");
	assert_int_equal(cfg->keys[0].line, 4);
	assert_string_equal(cfg->keys[1].action, "pause");
	assert_string_equal(cfg->keys[1].key, "F11");
	assert_int_equal(cfg->warnings.len, 0);
	svff_config_free(cfg);
	unlink(path);
}

static void test_unknown_settings_reported(void **state)
{
	struct svff_config *cfg = NULL;
	struct svff_err err = { 0 };

	(void)state;
	write_conf("alow = ( \"0000:01:00.0\" );\npfs = ( { pf = \"0000:01:00.0\";\n numvfs = 4; } );\n"
		   "ui = { theme = \"light\"; colour = \"x\"; };\n");
	assert_int_equal(svff_config_load(path, true, &cfg, &err), 0);
	assert_int_equal(cfg->warnings.len, 3);
	assert_non_null(strstr(cfg->warnings.items[0], ":1: unknown setting 'alow'"));
	assert_non_null(strstr(cfg->warnings.items[1], ":3: unknown setting 'numvfs'"));
	assert_non_null(strstr(cfg->warnings.items[2], ":4: unknown setting 'colour'"));
	assert_int_equal(cfg->n_allow, 0);	/* the typo allows nothing */
	assert_string_equal(cfg->theme, "light");
	svff_config_free(cfg);
	unlink(path);
}

static void test_allows(void **state)
{
	char *root = testutil_host_new("qdma-host");
	struct svff_config *cfg = NULL;
	struct svff_host *host;
	struct svff_err err = { 0 };

	(void)state;
	assert_int_equal(svff_host_new(root, &host, &err), 0);
	assert_int_equal(svff_host_scan(host, &err), 0);
	write_conf("allow = ( \"0000:01:00.0\", \"8086:154c\", \"10ee:*\" );\n");
	assert_int_equal(svff_config_load(path, true, &cfg, &err), 0);
	assert_true(svff_config_allows(cfg, host, svff_host_find(host, "0000:01:00.5")));	/* via its PF */
	assert_true(svff_config_allows(cfg, host, svff_host_find(host, "0000:03:02.1")));	/* by ID */
	assert_true(svff_config_allows(cfg, host, svff_host_find(host, "0000:02:00.1")));	/* vendor:* */
	assert_false(svff_config_allows(cfg, host, svff_host_find(host, "0000:00:1f.2")));
	assert_false(svff_config_allows(cfg, host, svff_host_find(host, "0000:03:00.0")));	/* NIC PF: 1572 */
	assert_false(svff_config_allows(cfg, host, NULL));
	svff_config_free(cfg);
	unlink(path);
	cfg = svff_config_new_empty();
	assert_false(svff_config_allows(cfg, host, svff_host_find(host, "0000:01:00.5")));
	svff_config_free(cfg);
	svff_host_free(host);
	testutil_rmtree(root);
}

/* A number too large for libconfig (which wraps it) is named as the file
 * writes it; a folder named as the file is refused in svff's words. */
static void test_numbers_as_written(void **state)
{
	struct svff_config *cfg = NULL;
	struct svff_err err = { 0 };

	(void)state;
	expect_error("pfs = ( { pf = \"0000:01:00.0\";\n num_vfs = 99999999999999999999; } );\n", 2,
		     "pfs.[0].num_vfs: 99999999999999999999 is too large: expected 0 to 4096");
	expect_error("pfs = ( { pf = \"0000:01:00.0\"; num_vfs = 9999999999; } );\n", 1,
		     "9999999999 is too large");
	expect_error("pfs = ( { pf = \"0000:01:00.0\"; qmax = -99999999999999999999; } );\n", 1,
		     "-99999999999999999999 is too small");
	/* the same name twice on a line: each value is its own */
	expect_error("pfs = ( { pf = \"0000:01:00.0\"; qmax = 8; vf_qmax = 99999999999999999999; } );\n", 1,
		     "pfs.[0].vf_qmax: 99999999999999999999 is too large");
	expect_error("pfs = ( { pf = \"0000:01:00.0\"; vf_qmax = 8; qmax = 99999999999999999999; } );\n", 1,
		     "pfs.[0].qmax: 99999999999999999999 is too large");
	assert_int_equal(svff_config_load("/tmp", true, &cfg, &err), -EISDIR);
	assert_null(cfg);
	assert_string_equal(err.msg, "/tmp: Is a directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_loads),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_numbers_as_written),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_unknown_settings_reported),
		cmocka_unit_test(test_allows),
		cmocka_unit_test(test_key_bindings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
