/* Unit tests: the run context (src/context.c): the real /sys however it
 * is spelt gets the host's files and the host's events, a fixture tree
 * keeps its files beside itself whatever it is called by, and every change
 * reaches --log. */
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

#include "context.h"
#include "testutil.h"

static struct context *open_context(const char *root, const char *log)
{
	const struct context_opts opts = { .sysfs_root = root, .config = "/dev/null", .log = log };
	struct svff_err err = { 0 };
	struct context *ctx = NULL;

	assert_int_equal(context_new(&opts, &ctx, &err), 0);
	return ctx;
}

static void expect_files(const struct context *ctx, const char *lock, const char *paused, const char *journal)
{
	char buf[4096];

	context_file(ctx, CONTEXT_FILE_LOCK, buf, sizeof(buf));
	assert_string_equal(buf, lock);
	context_file(ctx, CONTEXT_FILE_PAUSED, buf, sizeof(buf));
	assert_string_equal(buf, paused);
	context_file(ctx, CONTEXT_FILE_JOURNAL, buf, sizeof(buf));
	assert_string_equal(buf, journal);
}

/* //sys, /sys/. and a link to /sys are the host: its lock and state in
 * /run, udev's (or the kernel's) events, and no kernel model. */
static void test_real_sys_spellings(void **state)
{
	char dir[64] = "/tmp/svff-ctx-XXXXXX", link[96], roots[3][96];
	struct svff_err err = { 0 };

	(void)state;
	if (access("/sys/bus/pci/devices", F_OK) != 0) {
		skip();	/* no PCI sysfs on this machine */
		return;
	}
	assert_non_null(mkdtemp(dir));
	snprintf(link, sizeof(link), "%s/sys", dir);
	assert_int_equal(symlink("/sys", link), 0);
	snprintf(roots[0], sizeof(roots[0]), "//sys");
	snprintf(roots[1], sizeof(roots[1]), "/sys/.");
	snprintf(roots[2], sizeof(roots[2]), "%s", link);
	for (int i = 0; i < 3; i++) {
		struct context *ctx = open_context(roots[i], NULL);

		assert_true(context_is_system(ctx));
		expect_files(ctx, "/run/svff.lock", "/run/svff/paused", "/run/svff/journal");
		assert_int_equal(context_open_host(ctx, CONTEXT_ANSWER, &err), 0);
		assert_non_null(context_events_name(ctx));
		assert_string_not_equal(context_events_name(ctx), "the kernel model");
		context_free(ctx);
	}
	unlink(link);
	rmdir(dir);
}

/* A tree's files stand beside it, named the same however the tree is
 * reached, and the kernel model answers its writes. */
static void test_tree_files(void **state)
{
	char *root = testutil_host_new("qdma-host"), parent[4096], lock[4200], paused[4200], journal[4200];
	char dir[64] = "/tmp/svff-ctx-XXXXXX", link[96], real[4096];
	struct svff_err err = { 0 };
	struct context *ctx;

	(void)state;
	assert_non_null(realpath(root, real));
	snprintf(parent, sizeof(parent), "%s", real);
	*strrchr(parent, '/') = '\0';
	snprintf(lock, sizeof(lock), "%s/svff.lock", parent);
	snprintf(paused, sizeof(paused), "%s/svff-paused", parent);
	snprintf(journal, sizeof(journal), "%s/svff-journal", parent);
	assert_non_null(mkdtemp(dir));
	snprintf(link, sizeof(link), "%s/elsewhere", dir);
	assert_int_equal(symlink(root, link), 0);

	ctx = open_context(link, NULL);
	assert_false(context_is_system(ctx));
	expect_files(ctx, lock, paused, journal);
	context_free(ctx);
	ctx = open_context(root, NULL);
	expect_files(ctx, lock, paused, journal);
	assert_int_equal(context_open_host(ctx, CONTEXT_ANSWER, &err), 0);
	assert_string_equal(context_events_name(ctx), "the kernel model");
	context_free(ctx);
	unlink(link);
	rmdir(dir);
	testutil_rmtree(root);
}

struct seen {
	int lines, warnings;
	enum svff_journal_kind last;
};

static void on_journal(void *data, enum svff_journal_kind kind, const char *line)
{
	struct seen *s = data;

	(void)line;
	s->lines++;
	s->last = kind;
}

static void on_warn(void *data, const char *msg)
{
	struct seen *s = data;

	(void)msg;
	s->warnings++;
}

/* Changes go to --log with a time stamp; a plan's journal reaches the
 * face line by line; a --log that cannot be opened is one warning. */
static void test_audit_and_journal(void **state)
{
	char *root = testutil_host_new("qdma-host"), log[4200], text[4096] = "", conf[64] = "/tmp/svff-ctx-XXXXXX";
	struct seen seen = { 0 };
	const struct context_face face = { .journal = on_journal, .warn = on_warn, .data = &seen };
	struct context_opts opts = { .sysfs_root = root, .log = log };
	struct svff_err err = { 0 };
	struct svff_plan plan;
	struct svff_ops_ctx ops;
	struct context *ctx;
	char *pfs[] = { "0000:01:00.2" };
	FILE *f;
	size_t n;

	(void)state;
	snprintf(log, sizeof(log), "%s.log", root);
	testutil_tmpfile(conf, "allow = ( \"0000:01:00.2\" );\n"
		       "pfs = ( { pf = \"0000:01:00.2\"; num_vfs = 2; } );\n");
	opts.config = conf;
	assert_int_equal(context_new(&opts, &ctx, &err), 0);
	context_set_face(ctx, &face);
	context_audit(ctx, "attached %s to VM %s", "0000:01:00.4", "vm-x");
	assert_int_equal(context_open_host(ctx, CONTEXT_ANSWER, &err), 0);
	context_ops(ctx, &ops, 500);
	assert_int_equal(svff_plan_init(&ops, pfs, 1, &plan, &err), 0);
	assert_true(plan.n > 0);
	assert_int_equal(context_run_plan(ctx, &plan, 500, &err), 0);
	assert_true(seen.lines > (int)plan.n);
	assert_int_equal(seen.last, SVFF_JOURNAL_DONE);
	assert_int_equal(seen.warnings, 0);
	svff_plan_free(&plan);
	context_free(ctx);
	f = fopen(log, "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	assert_non_null(strstr(text, "]: attached 0000:01:00.4 to VM vm-x\n"));
	assert_non_null(strstr(text, "write 2 to bus/pci/devices/0000:01:00.2/sriov_numvfs"));
	assert_non_null(strstr(text, "init: done"));
	unlink(log);

	/* a --log that cannot be written: said once, the change still made */
	opts.log = "/nonexistent/dir/svff.log";
	assert_int_equal(context_new(&opts, &ctx, &err), 0);
	context_set_face(ctx, &face);
	context_audit(ctx, "one");
	context_audit(ctx, "two");
	assert_int_equal(seen.warnings, 1);
	context_free(ctx);
	unlink(conf);
	testutil_rmtree(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_sys_spellings),
		cmocka_unit_test(test_tree_files),
		cmocka_unit_test(test_audit_and_journal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
