/* Unit tests: VF pause at the monitor seam.  libvirt's test driver holds
 * the VMs; a recorded QEMU monitor answers QMP (or dies), so the commands
 * svff sends are checked byte for byte and every failure path is walked:
 * stock QEMU (no device_pause), error replies, a QEMU that dies mid-pause,
 * reconf with pause and a failure at every write of it. */
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

#include "svff/evloop.h"
#include "host_internal.h"
#include "lab/kmodel.h"
#include "svff/config.h"
#include "svff/ops.h"
#include "svff/virt.h"
#include "testutil.h"
#include "testhooks.h"

#define PAUSE_ON "{\"execute\":\"device_pause\",\"arguments\":{\"id\":\"ua-fpga0\",\"pause\":true}}"
#define PAUSE_OFF "{\"execute\":\"device_pause\",\"arguments\":{\"id\":\"ua-fpga0\",\"pause\":false}}"
#define QC "{\"execute\":\"query-commands\"}"
#define QC_PATCHED "{\"return\":[{\"name\":\"query-commands\"},{\"name\":\"device_del\"},{\"name\":\"device_pause\"}],\"id\":\"libvirt-9\"}"
#define QC_STOCK "{\"return\":[{\"name\":\"query-commands\"},{\"name\":\"device_del\"}],\"id\":\"libvirt-9\"}"
#define OK "{\"return\":{},\"id\":\"libvirt-10\"}"
#define DIES NULL

/* One exchange: what svff must send, what QEMU answers (DIES: the monitor
 * connection breaks, as when QEMU exits). */
struct exchange {
	const char *cmd;
	const char *reply;
};

struct fx {
	char *root;
	struct svff_host *host;
	struct svff_kmodel *km;
	struct svff_config *cfg;
	struct svff_virt *virt;
	struct svff_ops_ctx ctx;
	char conf[64], state[64];
	const struct exchange *script;	/* NULL: a patched QEMU that always agrees */
	size_t pos, n;
	size_t calls;
	bool paused;			/* the responder's own idea */
};

static int rec_monitor(void *data, const char *vm, const char *cmd, char **reply, char *msg, size_t len)
{
	struct fx *fx = data;

	(void)vm;
	fx->calls++;
	*reply = NULL;
	if (!fx->script) {
		if (!strcmp(cmd, QC))
			*reply = strdup(QC_PATCHED);
		else if (!strcmp(cmd, PAUSE_ON) || !strcmp(cmd, PAUSE_OFF))
			*reply = strdup(OK);
		else
			fail_msg("unexpected QMP command %s", cmd);
		return 0;
	}
	if (fx->pos >= fx->n)
		fail_msg("QMP command %s after the end of the recording", cmd);
	assert_string_equal(cmd, fx->script[fx->pos].cmd);
	if (!fx->script[fx->pos].reply) {
		fx->pos++;
		snprintf(msg, len, "cannot talk to its QEMU monitor: Unable to read from monitor: Connection "
			 "reset by peer");
		return -1;
	}
	*reply = strdup(fx->script[fx->pos++].reply);
	return 0;
}

static int no_device(void *data, struct svff_sysfs *sys, const char *vm, const char *bdf, const char *xml,
		     unsigned flags, char *msg, size_t len)
{
	(void)data;
	(void)sys;
	(void)xml;
	(void)flags;
	snprintf(msg, len, "not in the recording: device change of %s in %s", bdf, vm);
	return -1;
}

static const struct svff_vmm_ops recorded = {
	.name = "recorded monitor", .attach = no_device, .detach = no_device, .monitor = rec_monitor,
};

static void play(struct fx *fx, const struct exchange *script, size_t n)
{
	fx->script = script;
	fx->n = n;
	fx->pos = 0;
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct svff_err err = { 0 };
	char uri[4200];

	fx->root = testutil_host_new("qdma-host");
	assert_int_equal(svff_host_new(fx->root, &fx->host, &err), 0);
	assert_int_equal(svff_host_scan(fx->host, &err), 0);
	assert_int_equal(svff_kmodel_new(svff_host_sysfs(fx->host), NULL, &fx->km, &fx->ctx.events, &err), 0);
	snprintf(fx->conf, sizeof(fx->conf), "/tmp/svff-pause-XXXXXX");
	testutil_tmpfile(fx->conf, "allow = ( \"0000:01:00.0\", \"0000:01:00.1\" );\n");
	assert_int_equal(svff_config_load(fx->conf, true, &fx->cfg, &err), 0);
	snprintf(fx->state, sizeof(fx->state), "/tmp/svff-paused-XXXXXX");
	close(mkstemp(fx->state));
	unlink(fx->state);
	assert_int_equal(svff_loop_init(&err), 0);
	snprintf(uri, sizeof(uri), "test://%s/tests/lab.xml", getenv("top_srcdir"));
	if (svff_virt_new(uri, false, &fx->virt, &err) < 0)
		fail_msg("%s", err.msg);
	svff_virt_set_vmm(fx->virt, &recorded, fx);
	assert_int_equal(svff_virt_set_pause_file(fx->virt, fx->state, &err), 0);
	fx->ctx.host = fx->host;
	fx->ctx.cfg = fx->cfg;
	fx->ctx.virt = fx->virt;
	fx->ctx.timeout_ms = 500;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	svff_virt_free(fx->virt);
	svff_kmodel_free(fx->km);
	svff_evsrc_free(fx->ctx.events);
	svff_host_free(fx->host);
	svff_config_free(fx->cfg);
	unlink(fx->conf);
	unlink(fx->state);
	testutil_rmtree(fx->root);
	free(fx);
	return 0;
}

static const char *driver(struct fx *fx, const char *bdf)
{
	const struct svff_function *fn = svff_host_find(fx->host, bdf);

	return fn ? fn->driver : "(gone)";
}

static char *slurp(const char *path)
{
	static char buf[1024];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
	return buf;
}

/* Stock QEMU: asked once, refused with the words, nothing sent
 * beyond query-commands, nothing changed; the answer is cached. */
static void test_stock_qemu(void **state)
{
	static const struct exchange script[] = { { QC, QC_STOCK } };
	struct fx *fx = *state;
	struct svff_plan plan;
	struct svff_err err = { 0 };
	char *before = testutil_snapshot(fx->root), *after;

	play(fx, script, 1);
	assert_int_equal(svff_plan_pause(&fx->ctx, "0000:01:00.4", true, &plan, &err), -ENOTSUP);
	assert_non_null(strstr(err.msg, "this QEMU has no VFIO pause support (device_pause)"));
	assert_int_equal(svff_plan_pause(&fx->ctx, "0000:01:00.4", true, &plan, &err), -ENOTSUP);
	assert_int_equal(fx->calls, 1);
	after = testutil_snapshot(fx->root);
	assert_string_equal(before, after);
	free(before);
	free(after);
	assert_false(svff_virt_vf_paused(fx->virt, "0000:01:00.4", NULL));
}

static void test_pause_unpause(void **state)
{
	static const struct exchange script[] = {
		{ QC, QC_PATCHED }, { PAUSE_ON, OK }, { PAUSE_OFF, OK },
	};
	struct fx *fx = *state;
	struct svff_plan plan;
	struct svff_err err = { 0 };
	struct svff_virt *again;
	const char *vm = NULL;
	char uri[4200];

	play(fx, script, 3);
	assert_int_equal(svff_plan_pause(&fx->ctx, "0000:01:00.4", true, &plan, &err), 0);
	assert_int_equal(plan.n, 1);
	assert_int_equal(svff_plan_run(&fx->ctx, &plan, &err), 0);
	svff_plan_free(&plan);
	/* QEMU let go, the host released the VF, the state is on disk */
	assert_int_equal(fx->pos, 2);
	assert_string_equal(driver(fx, "0000:01:00.4"), "");
	assert_true(svff_virt_vf_paused(fx->virt, "0000:01:00.4", &vm));
	assert_string_equal(vm, "vm-web");
	assert_non_null(strstr(slurp(fx->state), "\n0000:01:00.4 vm-web ua-fpga0\n"));
	/* a second pause is refused before QEMU is asked */
	assert_int_equal(svff_plan_pause(&fx->ctx, "0000:01:00.4", true, &plan, &err), -EALREADY);
	/* the state survives a restart of svff */
	snprintf(uri, sizeof(uri), "test://%s/tests/lab.xml", getenv("top_srcdir"));
	assert_int_equal(svff_virt_new(uri, true, &again, &err), 0);
	assert_int_equal(svff_virt_set_pause_file(again, fx->state, &err), 0);
	assert_true(svff_virt_vf_paused(again, "0000:01:00.4", NULL));
	svff_virt_free(again);
	/* unpause: vfio-pci first, then QEMU reopens the device */
	assert_int_equal(svff_plan_pause(&fx->ctx, "0000:01:00.4", false, &plan, &err), 0);
	assert_int_equal(svff_plan_run(&fx->ctx, &plan, &err), 0);
	svff_plan_free(&plan);
	assert_int_equal(fx->pos, 3);
	assert_string_equal(driver(fx, "0000:01:00.4"), "vfio-pci");
	assert_false(svff_virt_vf_paused(fx->virt, "0000:01:00.4", NULL));
	assert_null(strstr(slurp(fx->state), "0000:01:00.4"));
	assert_int_equal(svff_plan_pause(&fx->ctx, "0000:01:00.4", false, &plan, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "not paused"));
}

/* QEMU refuses, or dies while pausing: the error is QEMU's (or libvirt's),
 * and the host is as it was. */
static void test_qemu_refuses_or_dies(void **state)
{
	static const struct exchange refuses[] = {
		{ QC, QC_PATCHED },
		{ PAUSE_ON, "{\"error\":{\"class\":\"GenericError\",\"desc\":\"vfio 0000:01:00.4: device is busy\"}}" },
		{ PAUSE_ON, DIES },
		{ PAUSE_ON, "garbage" },
	};
	struct fx *fx = *state;
	struct svff_plan plan;
	struct svff_err err = { 0 };
	char *before = testutil_snapshot(fx->root), *after;

	play(fx, refuses, 4);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(svff_plan_pause(&fx->ctx, "0000:01:00.4", true, &plan, &err), 0);
		assert_true(svff_plan_run(&fx->ctx, &plan, &err) < 0);
		svff_plan_free(&plan);
		assert_non_null(strstr(err.msg, "the host is as it was"));
		if (i == 0)
			assert_non_null(strstr(err.msg, "refused to pause 0000:01:00.4 (ua-fpga0): vfio 0000:01:00.4: "
						     "device is busy (GenericError)"));
		else if (i == 1)
			assert_non_null(strstr(err.msg, "Connection reset by peer"));
		else
			assert_non_null(strstr(err.msg, "not QMP"));
		assert_false(svff_virt_vf_paused(fx->virt, "0000:01:00.4", NULL));
		after = testutil_snapshot(fx->root);
		assert_string_equal(before, after);
		free(after);
	}
	assert_int_equal(fx->pos, 4);
	free(before);
}

/* reconf with pause: the guest keeps its device, the VF with the same
 * index comes back at the same address, bound to vfio-pci, unpaused. */
static void test_reconf_with_pause(void **state)
{
	static const struct exchange script[] = { { QC, QC_PATCHED }, { PAUSE_ON, OK }, { PAUSE_OFF, OK } };
	struct fx *fx = *state;
	struct svff_plan plan;
	struct svff_err err = { 0 };
	struct svff_strlist lines = { 0 };
	bool pause = false, unpause = false, detach = false;

	play(fx, script, 3);
	/* no --yes needed: no guest sees a hot-unplug */
	assert_int_equal(svff_plan_reconf(&fx->ctx, "0000:01:00.0", 3, -1, -1, false, &plan, &err), 0);
	for (size_t i = 0; i < plan.n; i++) {
		pause |= plan.steps[i].kind == SVFF_STEP_PAUSE;
		unpause |= plan.steps[i].kind == SVFF_STEP_UNPAUSE;
		detach |= plan.steps[i].kind == SVFF_STEP_DETACH;
	}
	assert_true(pause && unpause && !detach);
	assert_int_equal(plan.steps[0].kind, SVFF_STEP_PAUSE);
	assert_int_equal(plan.steps[plan.n - 1].kind, SVFF_STEP_UNPAUSE);
	assert_int_equal(svff_plan_run(&fx->ctx, &plan, &err), 0);
	assert_int_equal(fx->pos, 3);
	assert_int_equal(svff_host_find(fx->host, "0000:01:00.0")->sriov.num_vfs, 3);
	assert_string_equal(driver(fx, "0000:01:00.4"), "vfio-pci");
	assert_false(svff_virt_vf_paused(fx->virt, "0000:01:00.4", NULL));
	assert_int_equal(svff_plan_downtime(&plan, &lines), 1);
	assert_non_null(strstr(lines.items[0], "VM vm-web: VF 0 away "));
	assert_non_null(strstr(lines.items[0], " ms, paused and unpaused: the guest kept the device"));
	assert_non_null(strstr(lines.items[0], ">= 1000 ms"));
	svff_strlist_clear(&lines);
	svff_plan_free(&plan);
}

/* ... and a device that fails at write k, for every k: the host and the
 * guest's device end as they began (unpaused, on vfio-pci). */
static void test_reconf_with_pause_failure_at_every_write(void **state)
{
	struct fx *fx = *state;
	char *before = testutil_snapshot(fx->root);
	int k;

	play(fx, NULL, 0);	/* a patched QEMU that always agrees */
	for (k = 1; k < 60; k++) {
		struct svff_plan plan;
		struct svff_err err = { 0 };
		char *after;
		int rc;

		assert_int_equal(svff_plan_reconf(&fx->ctx, "0000:01:00.0", 2, 600, -1, false, &plan, &err), 0);
		svff_kmodel_fail_write(fx->km, k);
		rc = svff_plan_run(&fx->ctx, &plan, &err);
		svff_kmodel_fail_write(fx->km, 0);
		svff_plan_free(&plan);
		if (rc == 0)
			break;
		assert_non_null(strstr(err.msg, "the host is as it was"));
		assert_false(svff_virt_vf_paused(fx->virt, "0000:01:00.4", NULL));
		svff_host_scan(fx->host, &err);
		after = testutil_snapshot(fx->root);
		if (strcmp(before, after))
			fail_msg("reconf with pause: failure at write %d left the tree changed", k);
		free(after);
	}
	assert_true(k > 8);
	free(before);
}

/* QEMU dies during the unpause at the end of a reconf: the VM is gone
 * with its device; svff says the host is not as it was rather than
 * pretending. */
static void test_reconf_qemu_dies_at_unpause(void **state)
{
	static const struct exchange script[] = {
		{ QC, QC_PATCHED }, { PAUSE_ON, OK }, { PAUSE_OFF, DIES }, { PAUSE_OFF, DIES },
	};
	struct fx *fx = *state;
	struct svff_plan plan;
	struct svff_err err = { 0 };

	play(fx, script, 4);
	assert_int_equal(svff_plan_reconf(&fx->ctx, "0000:01:00.0", 3, -1, -1, false, &plan, &err), 0);
	assert_true(svff_plan_run(&fx->ctx, &plan, &err) < 0);
	svff_plan_free(&plan);
	assert_non_null(strstr(err.msg, "Connection reset by peer"));
	assert_non_null(strstr(err.msg, "NOT as it was"));
	/* the old VFs are back and vfio-pci has the VM's one again */
	assert_int_equal(svff_host_find(fx->host, "0000:01:00.0")->sriov.num_vfs, 4);
	assert_string_equal(driver(fx, "0000:01:00.4"), "vfio-pci");
}

/* The plan's text warns that paused VFs stop working meanwhile, and that
 * no guest sees a hot-unplug on this path. */
static void test_reconf_with_pause_text(void **state)
{
	static const struct exchange script[] = { { QC, QC_PATCHED } };
	struct fx *fx = *state;
	struct svff_plan plan;
	struct svff_plan_text text;
	struct svff_err err = { 0 };

	play(fx, script, 1);
	assert_int_equal(svff_plan_reconf(&fx->ctx, "0000:01:00.0", 3, -1, -1, false, &plan, &err), 0);
	svff_plan_describe(&plan, &text);
	assert_false(text.disturbs);
	assert_true(text.warnings.len >= 1);
	assert_non_null(strstr(text.warnings.items[0], "paused VFs stop working in their guests until unpaused"));
	assert_int_equal(text.steps.len, plan.n);
	assert_non_null(strstr(text.steps.items[0], "1. pause VF 0 (0000:01:00.4) in VM vm-web"));
	svff_plan_text_clear(&text);
	svff_plan_free(&plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stock_qemu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pause_unpause, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qemu_refuses_or_dies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconf_with_pause, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconf_with_pause_failure_at_every_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconf_qemu_dies_at_unpause, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconf_with_pause_text, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
