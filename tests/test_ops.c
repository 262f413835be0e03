/* Unit tests: the kernel model's rules, and the operations as plans:
 * init from scratch, init twice, dry runs, a failure injected at every
 * write leaving the tree exactly as it was, the lock, bind/unbind. */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "host_internal.h"
#include "lab/kmodel.h"
#include "svff/config.h"
#include "svff/ops.h"
#include "testutil.h"
#include "testhooks.h"

struct fx {
	char *root;
	struct svff_host *host;
	struct svff_kmodel *km;
	struct svff_config *cfg;
	struct svff_ops_ctx ctx;
	char conf[64];
};

static const char *layout =
	"allow = ( \"0000:01:00.0\", \"0000:01:00.2\" );\n"
	"pfs = (\n"
	"  { pf = \"0000:01:00.2\"; num_vfs = 3; qmax = 64; vf_driver = \"vfio-pci\"; },\n"
	"  { pf = \"0000:01:00.0\"; num_vfs = 2; vf_qmax = 16; vf_driver = \"qdma-vf\"; }\n"
	");\n";

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct svff_err err = { 0 };

	fx->root = testutil_host_new("qdma-host");
	assert_int_equal(svff_host_new(fx->root, &fx->host, &err), 0);
	assert_int_equal(svff_host_scan(fx->host, &err), 0);
	assert_int_equal(svff_kmodel_new(svff_host_sysfs(fx->host), NULL, &fx->km, &fx->ctx.events, &err), 0);
	snprintf(fx->conf, sizeof(fx->conf), "/tmp/svff-ops-XXXXXX");
	testutil_tmpfile(fx->conf, layout);
	assert_int_equal(svff_config_load(fx->conf, true, &fx->cfg, &err), 0);
	fx->ctx.host = fx->host;
	fx->ctx.cfg = fx->cfg;
	fx->ctx.timeout_ms = 500;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	svff_kmodel_free(fx->km);
	svff_evsrc_free(fx->ctx.events);
	svff_host_free(fx->host);
	svff_config_free(fx->cfg);
	unlink(fx->conf);
	testutil_rmtree(fx->root);
	free(fx);
	return 0;
}

static int wr(struct fx *fx, const char *rel, const char *value, struct svff_err *err)
{
	int rc = svff_sysfs_write(svff_host_sysfs(fx->host), rel, value, err);

	svff_ops_sync(&fx->ctx);
	return rc;
}

static const struct svff_function *fn(struct fx *fx, const char *bdf)
{
	return svff_host_find(fx->host, bdf);
}

/* ---- the kernel model ------------------------------------------------------ */

static void test_kmodel_numvfs_rules(void **state)
{
	struct fx *fx = *state;
	struct svff_err err = { 0 };

	/* iov.c: > sriov_totalvfs is ERANGE, garbage EINVAL, the same value a
	 * no-op, non-zero while non-zero EBUSY, no PF driver ENOENT */
	assert_int_equal(wr(fx, "bus/pci/devices/0000:01:00.2/sriov_numvfs", "64", &err), -ERANGE);
	assert_int_equal(wr(fx, "bus/pci/devices/0000:01:00.2/sriov_numvfs", "two", &err), -EINVAL);
	assert_int_equal(wr(fx, "bus/pci/devices/0000:01:00.0/sriov_numvfs", "4", &err), 0);
	assert_int_equal(wr(fx, "bus/pci/devices/0000:01:00.0/sriov_numvfs", "3", &err), -EBUSY);
	assert_int_equal(wr(fx, "bus/pci/devices/0000:01:00.3/sriov_numvfs", "1", &err), -ENOENT);
	/* creation: VFs appear, autoprobe binds the QDMA VF driver */
	assert_int_equal(wr(fx, "bus/pci/devices/0000:01:00.2/sriov_numvfs", "2", &err), 0);
	assert_int_equal(fn(fx, "0000:01:00.2")->sriov.num_vfs, 2);
	assert_non_null(fn(fx, "0000:01:10.3"));
	assert_string_equal(fn(fx, "0000:01:10.3")->driver, "qdma-vf");
	/* removal */
	assert_int_equal(wr(fx, "bus/pci/devices/0000:01:00.2/sriov_numvfs", "0", &err), 0);
	assert_null(fn(fx, "0000:01:10.3"));
	assert_int_equal(fn(fx, "0000:01:00.2")->n_vfs, 0);
}

static void test_kmodel_driver_rules(void **state)
{
	struct fx *fx = *state;
	struct svff_err err = { 0 };

	/* vfio-pci has no ID table: a plain bind does not match */
	assert_int_equal(wr(fx, "bus/pci/drivers/qdma-vf/unbind", "0000:01:00.6", &err), 0);
	assert_string_equal(fn(fx, "0000:01:00.6")->driver, "");
	assert_int_equal(wr(fx, "bus/pci/drivers/vfio-pci/bind", "0000:01:00.6", &err), -ENODEV);
	/* unbind from a driver the device is not on */
	assert_int_equal(wr(fx, "bus/pci/drivers/qdma-vf/unbind", "0000:01:00.4", &err), -ENODEV);
	/* driver_override + drivers_probe */
	assert_int_equal(wr(fx, "bus/pci/devices/0000:01:00.6/driver_override", "vfio-pci", &err), 0);
	assert_int_equal(wr(fx, "bus/pci/drivers_probe", "0000:01:00.6", &err), 0);
	assert_string_equal(fn(fx, "0000:01:00.6")->driver, "vfio-pci");
	assert_string_equal(fn(fx, "0000:01:00.6")->driver_override, "vfio-pci");
	/* binding a bound device is busy */
	assert_int_equal(wr(fx, "bus/pci/drivers/qdma-vf/bind", "0000:01:00.6", &err), -EBUSY);
	/* clearing the override */
	assert_int_equal(wr(fx, "bus/pci/devices/0000:01:00.6/driver_override", "\n", &err), 0);
	/* the kernel sends no uevent for driver_override: re-read */
	svff_host_apply_event(fx->host, "change", "0000:01:00.6", &err);
	assert_string_equal(fn(fx, "0000:01:00.6")->driver_override, "");
}

static void test_kmodel_queue_pool(void **state)
{
	struct fx *fx = *state;
	struct svff_err err = { 0 };

	/* the card has 2048 queues; 512 + 256 + 8 + 8 are taken */
	assert_int_equal(wr(fx, "bus/pci/devices/0000:01:00.2/qdma/qmax", "1264", &err), 0);
	assert_int_equal(wr(fx, "bus/pci/devices/0000:01:00.2/qdma/qmax", "1265", &err), -ENOSPC);
	assert_non_null(strstr(err.msg, "1264 of the card's 2048 free"));
	assert_int_equal(wr(fx, "bus/pci/devices/0000:01:00.2/qdma/qmax", "-1", &err), -EINVAL);
	/* another card has its own pool */
	assert_int_equal(wr(fx, "bus/pci/devices/0000:02:00.0/qdma/qmax", "1920", &err), 0);
}

/* ---- plans ------------------------------------------------------------------- */


static const char *slurp(struct fx *fx, const char *rel)
{
	static char buf[SVFF_ERR_MSG_MAX];
	static struct svff_err err;

	if (svff_sysfs_read(svff_host_sysfs(fx->host), rel, buf, sizeof(buf), &err) < 0)
		return err.msg;
	return buf;
}

/* The kernel's sriov_drivers_autoprobe (seen in the real-kernel lab: nvme
 * took a new VF and held it past the bind's timeout): with it off, new VFs
 * come up without a driver. */
static void test_kmodel_autoprobe(void **state)
{
	struct fx *fx = *state;
	struct svff_err err = { 0 };

	assert_int_equal(wr(fx, "bus/pci/devices/0000:01:00.2/sriov_drivers_autoprobe", "0", &err), 0);
	assert_int_equal(wr(fx, "bus/pci/devices/0000:01:00.2/sriov_numvfs", "2", &err), 0);
	assert_string_equal(fn(fx, "0000:01:10.2")->driver, "");
	assert_int_equal(wr(fx, "bus/pci/devices/0000:01:00.2/sriov_numvfs", "0", &err), 0);
	assert_int_equal(wr(fx, "bus/pci/devices/0000:01:00.2/sriov_drivers_autoprobe", "1", &err), 0);
	assert_int_equal(wr(fx, "bus/pci/devices/0000:01:00.2/sriov_numvfs", "2", &err), 0);
	assert_string_equal(fn(fx, "0000:01:10.2")->driver, "qdma-vf");
}

static void test_init_and_again(void **state)
{
	struct fx *fx = *state;
	struct svff_plan plan;
	struct svff_err err = { 0 };

	assert_int_equal(svff_plan_init(&fx->ctx, NULL, 0, &plan, &err), 0);
	assert_int_equal(plan.n, 15);
	/* new VFs are made with driver autoprobe off, just before the
	 * sriov_numvfs write, and it comes back */
	assert_int_equal(plan.steps[1].kind, SVFF_STEP_AUTOPROBE);
	assert_int_equal(plan.steps[1].value, 0);
	assert_int_equal(plan.steps[2].kind, SVFF_STEP_NUMVFS);
	assert_int_equal(svff_plan_run(&fx->ctx, &plan, &err), 0);
	assert_int_equal(plan.steps[1].old_value, 1);
	svff_plan_free(&plan);
	assert_string_equal(slurp(fx, "bus/pci/devices/0000:01:00.2/sriov_drivers_autoprobe"), "1");
	assert_string_equal(slurp(fx, "bus/pci/devices/0000:01:00.0/sriov_drivers_autoprobe"), "1");
	assert_int_equal(fn(fx, "0000:01:00.2")->sriov.num_vfs, 3);
	assert_int_equal(fn(fx, "0000:01:00.2")->qdma.qmax, 64);
	assert_string_equal(fn(fx, "0000:01:10.4")->driver, "vfio-pci");
	assert_int_equal(fn(fx, "0000:01:00.0")->sriov.num_vfs, 2);
	assert_string_equal(fn(fx, "0000:01:00.5")->driver, "qdma-vf");
	assert_int_equal(fn(fx, "0000:01:00.5")->qdma.qmax, 16);
	assert_null(fn(fx, "0000:01:00.6"));
	/* idempotent: the second time there is nothing to do */
	assert_int_equal(svff_plan_init(&fx->ctx, NULL, 0, &plan, &err), 0);
	assert_int_equal(plan.n, 0);
	svff_plan_free(&plan);
}

static void test_dry_run_changes_nothing(void **state)
{
	struct fx *fx = *state;
	struct svff_plan plan;
	struct svff_err err = { 0 };
	char *before = testutil_snapshot(fx->root), *after;

	assert_int_equal(svff_plan_init(&fx->ctx, NULL, 0, &plan, &err), 0);
	assert_true(plan.n > 0);
	svff_plan_free(&plan);
	after = testutil_snapshot(fx->root);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

/* A device that stops answering at write k, for every k: the plan fails
 * and the tree is byte for byte what it was. */
static void test_failure_at_every_write_rolls_back(void **state)
{
	struct fx *fx = *state;
	char *before = testutil_snapshot(fx->root);
	int k, failures = 0;

	for (k = 1; k < 60; k++) {
		struct svff_plan plan;
		struct svff_err err = { 0 };
		char *after;
		int rc;

		assert_int_equal(svff_plan_init(&fx->ctx, NULL, 0, &plan, &err), 0);
		svff_kmodel_fail_write(fx->km, k);
		rc = svff_plan_run(&fx->ctx, &plan, &err);
		svff_kmodel_fail_write(fx->km, 0);
		svff_plan_free(&plan);
		if (rc == 0) {
			fprintf(stderr, "# plan went through with a failure injected at write %d\n", k);
			break;	/* k is past the last write: the plan went through */
		}
		failures++;
		assert_non_null(strstr(err.msg, "the host is as it was"));
		svff_host_scan(fx->host, &err);
		after = testutil_snapshot(fx->root);
		if (strcmp(before, after))
			fail_msg("failure at write %d left the tree changed", k);
		free(after);
	}
	/* init writes 15 times here; a failure at each of them was tried */
	assert_int_equal(failures, k - 1);
	assert_true(failures >= 15);
	free(before);
}

static void test_plan_refusals(void **state)
{
	struct fx *fx = *state;
	struct svff_plan plan;
	struct svff_err err = { 0 };
	char *pfs[] = { "0000:01:00.1" };

	assert_int_equal(svff_plan_init(&fx->ctx, pfs, 1, &plan, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "PF 0000:01:00.1 has no layout"));
	assert_int_equal(svff_plan_driver(&fx->ctx, "0000:01:08.3", "qdma-vf", &plan, &err), -EPERM);
	assert_non_null(strstr(err.msg, "not allow-listed"));
	assert_int_equal(svff_plan_driver(&fx->ctx, "0000:01:00.5", "nvme", &plan, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "driver nvme is not loaded"));
	assert_int_equal(svff_plan_driver(&fx->ctx, "0000:01:00.0", "", &plan, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "PF with 4 VFs"));
}

static void test_bind_unbind(void **state)
{
	struct fx *fx = *state;
	struct svff_plan plan;
	struct svff_err err = { 0 };

	assert_int_equal(svff_plan_driver(&fx->ctx, "0000:01:00.5", "qdma-vf", &plan, &err), 0);
	assert_int_equal(plan.n, 1);
	assert_int_equal(svff_plan_run(&fx->ctx, &plan, &err), 0);
	svff_plan_free(&plan);
	assert_string_equal(fn(fx, "0000:01:00.5")->driver, "qdma-vf");
	assert_int_equal(svff_plan_driver(&fx->ctx, "0000:01:00.5", "", &plan, &err), 0);
	assert_int_equal(svff_plan_run(&fx->ctx, &plan, &err), 0);
	svff_plan_free(&plan);
	assert_string_equal(fn(fx, "0000:01:00.5")->driver, "");
	assert_int_equal(svff_plan_driver(&fx->ctx, "0000:01:00.5", "", &plan, &err), 0);
	assert_int_equal(plan.n, 0);	/* already unbound */
	svff_plan_free(&plan);
}

static void test_reconf(void **state)
{
	struct fx *fx = *state;
	struct svff_plan plan;
	struct svff_err err = { 0 };

	/* without libvirt, VFs on vfio-pci might be in VMs: ask first */
	assert_int_equal(svff_plan_reconf(&fx->ctx, "0000:01:00.0", 2, -1, -1, false, &plan, &err), -EAGAIN);
	assert_int_equal(err.hint, SVFF_HINT_CONFIRM);
	assert_int_equal(svff_plan_reconf(&fx->ctx, "0000:01:00.0", 2, -1, 4, true, &plan, &err), 0);
	assert_int_equal(svff_plan_run(&fx->ctx, &plan, &err), 0);
	svff_plan_free(&plan);
	/* the surviving indices keep their drivers */
	assert_int_equal(fn(fx, "0000:01:00.0")->sriov.num_vfs, 2);
	assert_string_equal(fn(fx, "0000:01:00.4")->driver, "vfio-pci");
	assert_string_equal(fn(fx, "0000:01:00.5")->driver, "vfio-pci");
	assert_null(fn(fx, "0000:01:00.6"));
	/* up again, with a queue budget */
	assert_int_equal(svff_plan_reconf(&fx->ctx, "0000:01:00.2", 2, 32, -1, false, &plan, &err), 0);
	assert_int_equal(svff_plan_run(&fx->ctx, &plan, &err), 0);
	svff_plan_free(&plan);
	assert_int_equal(fn(fx, "0000:01:00.2")->qdma.qmax, 32);
	assert_int_equal(fn(fx, "0000:01:00.2")->sriov.num_vfs, 2);
	assert_int_equal(svff_plan_reconf(&fx->ctx, "0000:01:00.2", 99, -1, -1, false, &plan, &err), -ERANGE);
	assert_int_equal(svff_plan_reconf(&fx->ctx, "0000:01:00.2", 2, 32, -1, false, &plan, &err), 0);
	assert_int_equal(plan.n, 0);	/* nothing to do */
	svff_plan_free(&plan);
}

static void test_reconf_failure_at_every_write(void **state)
{
	struct fx *fx = *state;
	char *before = testutil_snapshot(fx->root);
	int k;

	for (k = 1; k < 60; k++) {
		struct svff_plan plan;
		struct svff_err err = { 0 };
		char *after;
		int rc;

		assert_int_equal(svff_plan_reconf(&fx->ctx, "0000:01:00.0", 3, 600, 4, true, &plan, &err), 0);
		svff_kmodel_fail_write(fx->km, k);
		rc = svff_plan_run(&fx->ctx, &plan, &err);
		svff_kmodel_fail_write(fx->km, 0);
		svff_plan_free(&plan);
		if (rc == 0)
			break;
		svff_host_scan(fx->host, &err);
		after = testutil_snapshot(fx->root);
		if (strcmp(before, after))
			fail_msg("reconf: failure at write %d left the tree changed", k);
		free(after);
	}
	assert_true(k > 8);
	free(before);
}

/* The journal says what each line is; the plan's text is the plan. */
struct seen_line {
	enum svff_journal_kind kind;
	char line[512];
};

struct seen_journal {
	struct seen_line lines[256];
	size_t n;
};

static void keep_line(void *data, enum svff_journal_kind kind, const char *line)
{
	struct seen_journal *j = data;

	if (j->n < sizeof(j->lines) / sizeof(j->lines[0])) {
		j->lines[j->n].kind = kind;
		snprintf(j->lines[j->n].line, sizeof(j->lines[0].line), "%s", line);
		j->n++;
	}
}

static void test_journal_kinds_and_plan_text(void **state)
{
	struct fx *fx = *state;
	struct svff_plan plan;
	struct svff_plan_text text;
	struct svff_err err = { 0 };
	struct seen_journal *j = calloc(1, sizeof(*j));
	char *pfs[] = { "0000:01:00.2" };
	size_t steps = 0, writes = 0, done = 0;

	assert_int_equal(svff_plan_init(&fx->ctx, pfs, 1, &plan, &err), 0);
	svff_plan_describe(&plan, &text);
	assert_int_equal(text.steps.len, plan.n);
	for (size_t i = 0; i < plan.n; i++) {
		char want[300];

		snprintf(want, sizeof(want), "%zu. %s", i + 1, plan.steps[i].desc);
		assert_string_equal(text.steps.items[i], want);
	}
	assert_false(text.disturbs);
	assert_int_equal(text.warnings.len, plan.notes.len);
	svff_plan_text_clear(&text);

	fx->ctx.log = keep_line;
	fx->ctx.log_data = j;
	assert_int_equal(svff_plan_run(&fx->ctx, &plan, &err), 0);
	for (size_t i = 0; i < j->n; i++) {
		const struct seen_line *l = &j->lines[i];

		/* every sysfs write, and nothing else, is a WRITE */
		assert_int_equal(l->kind == SVFF_JOURNAL_WRITE, !strncmp(l->line, "write ", 6));
		steps += l->kind == SVFF_JOURNAL_STEP;
		writes += l->kind == SVFF_JOURNAL_WRITE;
		done += l->kind == SVFF_JOURNAL_DONE;
	}
	assert_int_equal(steps, plan.n);
	assert_true(writes >= plan.n);
	assert_int_equal(done, 1);
	assert_int_equal(j->lines[j->n - 1].kind, SVFF_JOURNAL_DONE);
	assert_string_equal(j->lines[j->n - 1].line, "init: done");
	assert_int_equal(j->lines[0].kind, SVFF_JOURNAL_NOTE);
	svff_plan_free(&plan);
	free(j);
}

static void test_lock(void **state)
{
	char path[] = "/tmp/svff-lock-XXXXXX";
	struct svff_err err = { 0 };
	int a, b;

	(void)state;
	close(mkstemp(path));
	assert_int_equal(svff_lock_acquire(path, &a, &err), 0);
	assert_int_equal(svff_lock_acquire(path, &b, &err), -EAGAIN);
	assert_non_null(strstr(err.msg, "another svff (pid"));
	assert_int_equal(b, -1);
	svff_lock_release(a);
	assert_int_equal(svff_lock_acquire(path, &b, &err), 0);
	svff_lock_release(b);
	unlink(path);
}

/* A VM's VF is away from the moment svff starts taking it (the real
 * QEMU driver's guest lets go during the detach, seconds before the
 * device-removed svff waits for) until it is back. */
static void test_downtime_spans(void **state)
{
	struct svff_step steps[3] = {
		{ .kind = SVFF_STEP_DETACH, .vf = 0, .vm = "vm-a", .done = true, .t_start = 1000, .t_done = 2500 },
		{ .kind = SVFF_STEP_NUMVFS, .vf = -1, .done = true, .t_start = 2500, .t_done = 3600 },
		{ .kind = SVFF_STEP_ATTACH, .vf = 0, .vm = "vm-a", .done = true, .t_start = 3600, .t_done = 6000 },
	};
	struct svff_plan plan = { .steps = steps, .n = 3, .cap = 3 };
	struct svff_strlist lines = { 0 };

	(void)state;
	assert_int_equal(svff_plan_downtime(&plan, &lines), 1);
	assert_non_null(strstr(lines.items[0], "VM vm-a: VF 0 away 5000 ms, detached and reattached"));
	svff_strlist_clear(&lines);
	/* an attach that did not happen: no figure */
	steps[2].done = false;
	assert_int_equal(svff_plan_downtime(&plan, &lines), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kmodel_numvfs_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kmodel_driver_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kmodel_queue_pool, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kmodel_autoprobe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_and_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dry_run_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_at_every_write_rolls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_unbind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconf_failure_at_every_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal_kinds_and_plan_text, setup, teardown),
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_downtime_spans),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
