/* Unit tests: the demo lab (backend/demolab.c) and, on it, the operations
 * with VMs that really take and give back devices: attach/detach
 * bookkeeping, reconf up and down with attached VFs on both paths (pause
 * where the VM's QEMU can, detach/reattach where not), lost assignments,
 * and a failure at every write leaving the tree and every VM's devices
 * exactly as they were. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "svff/evloop.h"
#include "host_internal.h"
#include "lab/kmodel.h"
#include "svff/config.h"
#include "lab/demolab.h"
#include "svff/ops.h"
#include "svff/virt.h"
#include "testutil.h"
#include "testhooks.h"

struct fx {
	struct svff_demolab *lab;
	struct svff_host *host;
	struct svff_kmodel *km;
	struct svff_config *cfg;
	struct svff_virt *virt;
	struct svff_ops_ctx ctx;
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct svff_err err = { 0 };
	char path[4200];

	assert_int_equal(svff_demolab_new(&fx->lab, &err), 0);
	assert_int_equal(svff_host_new(svff_demolab_sysfs(fx->lab), &fx->host, &err), 0);
	assert_int_equal(svff_host_scan(fx->host, &err), 0);
	assert_int_equal(svff_kmodel_new(svff_host_sysfs(fx->host), NULL, &fx->km, &fx->ctx.events, &err), 0);
	assert_int_equal(svff_config_load(svff_demolab_config(fx->lab), true, &fx->cfg, &err), 0);
	assert_int_equal(svff_loop_init(&err), 0);
	if (svff_virt_new(svff_demolab_uri(fx->lab), false, &fx->virt, &err) < 0)
		fail_msg("%s", err.msg);
	svff_virt_set_vmm(fx->virt, svff_demolab_vmm(), fx->lab);
	snprintf(path, sizeof(path), "%s/paused", svff_demolab_dir(fx->lab));
	assert_int_equal(svff_virt_set_pause_file(fx->virt, path, &err), 0);
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
	char dir[4200];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", svff_demolab_dir(fx->lab));
	svff_virt_free(fx->virt);
	svff_kmodel_free(fx->km);
	svff_evsrc_free(fx->ctx.events);
	svff_host_free(fx->host);
	svff_config_free(fx->cfg);
	svff_demolab_free(fx->lab);
	/* the lab leaves nothing behind */
	assert_int_equal(stat(dir, &st), -1);
	free(fx);
	return 0;
}

/* Every VM's devices, as "vm bdf live config" lines (aliases change when a
 * device is attached again, so they are left out). */
static char *assignments(struct fx *fx)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	for (size_t i = 0; i < svff_virt_n_vms(fx->virt); i++) {
		const struct svff_vm *vm = svff_virt_vm(fx->virt, i);

		for (size_t k = 0; k < vm->n_hostdevs; k++)
			fprintf(f, "%s %s %d %d\n", vm->name, vm->hostdevs[k].bdf, vm->hostdevs[k].live,
				vm->hostdevs[k].config);
	}
	fclose(f);
	return buf;
}

static const char *holder(struct fx *fx, const char *bdf)
{
	const struct svff_hostdev *hd = NULL;
	const struct svff_vm *vm = svff_virt_vm_of(fx->virt, bdf, &hd);

	return vm && hd->live ? vm->name : "-";
}

static void test_lab(void **state)
{
	struct fx *fx = *state;
	const struct svff_vm *web = svff_virt_find_vm(fx->virt, "vm-web");
	struct stat st;
	int kinds[3] = { 0 };

	assert_int_equal(stat(svff_demolab_dir(fx->lab), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(svff_virt_n_vms(fx->virt), 6);
	for (size_t i = 0; i < svff_host_n_cards(fx->host); i++)
		kinds[svff_host_card(fx->host, i)->kind]++;
	assert_int_equal(kinds[SVFF_CARD_QDMA], 2);	/* two FPGAs */
	assert_int_equal(kinds[SVFF_CARD_SRIOV], 1);	/* and a NIC */
	assert_non_null(web);
	assert_int_equal(web->n_hostdevs, 2);
	/* libvirt's QEMU driver's aliases, as the monitor knows them */
	assert_string_equal(web->hostdevs[0].alias, "hostdev0");
	assert_string_equal(web->hostdevs[1].alias, "hostdev1");
	assert_int_equal(svff_virt_find_vm(fx->virt, "vm-db")->state, SVFF_VM_PAUSED);
	assert_int_equal(svff_virt_find_vm(fx->virt, "vm-batch")->state, SVFF_VM_SHUTOFF);
	assert_string_equal(svff_virt_vmm_name(fx->virt), "demo lab");
}

static void test_attach_detach(void **state)
{
	struct fx *fx = *state;
	struct svff_err err = { 0 };
	const struct svff_hostdev *hd = NULL;

	assert_int_equal(svff_virt_attach(fx->virt, fx->host, fx->cfg, "0000:01:08.4", "vm-idle", 0, false, NULL,
					  &err), 0);
	assert_string_equal(holder(fx, "0000:01:08.4"), "vm-idle");
	svff_virt_vm_of(fx->virt, "0000:01:08.4", &hd);
	assert_string_equal(hd->alias, "hostdev0");
	assert_false(hd->config);
	/* the real checks still apply */
	assert_int_equal(svff_virt_attach(fx->virt, fx->host, fx->cfg, "0000:01:08.4", "vm-web", 0, false, NULL,
					  &err), -EBUSY);
	assert_int_equal(svff_virt_detach(fx->virt, fx->host, fx->cfg, "0000:01:08.4", NULL, 0, 1000, false, &err), 0);
	assert_string_equal(holder(fx, "0000:01:08.4"), "-");
	/* a device of the lab XML, live and in the definition */
	assert_int_equal(svff_virt_detach(fx->virt, fx->host, fx->cfg, "0000:01:00.5", NULL, 0, 1000, false, &err), 0);
	assert_null(svff_virt_vm_of(fx->virt, "0000:01:00.5", NULL));
	assert_int_equal(svff_virt_n_vms(fx->virt), 6);
}

static const char *driver(struct fx *fx, const char *bdf)
{
	const struct svff_function *fn;

	svff_ops_sync(&fx->ctx);	/* the kernel model's events */
	fn = svff_host_find(fx->host, bdf);
	return fn ? fn->driver : "?";
}

/* A managed hostdev as libvirt's QEMU driver handles it: a VF on a host
 * driver goes to vfio-pci for the VM (driver_override) and, once the VM let
 * go, back to the kernel, whose probe gives it its own driver again; one
 * that was on vfio-pci stays there.  (The full-stack lab: a VF without a
 * driver came back with driver_override cleared.) */
static void test_managed_rebinding(void **state)
{
	struct fx *fx = *state;
	struct svff_err err = { 0 };
	char ov[64];

	assert_string_equal(driver(fx, "0000:01:00.6"), "qdma-vf");
	assert_int_equal(svff_virt_attach(fx->virt, fx->host, fx->cfg, "0000:01:00.6", "vm-idle", 0, false, NULL,
					  &err), 0);
	assert_string_equal(driver(fx, "0000:01:00.6"), "vfio-pci");
	assert_int_equal(svff_virt_detach(fx->virt, fx->host, fx->cfg, "0000:01:00.6", NULL, 0, 1000, false, &err), 0);
	assert_string_equal(driver(fx, "0000:01:00.6"), "qdma-vf");
	assert_int_equal(svff_sysfs_read(svff_host_sysfs(fx->host), "bus/pci/devices/0000:01:00.6/driver_override", ov,
					 sizeof(ov), &err), 0);
	assert_string_equal(ov, "(null)");
	/* on vfio-pci before: libvirt leaves it there */
	assert_int_equal(svff_virt_attach(fx->virt, fx->host, fx->cfg, "0000:01:08.4", "vm-idle", 0, false, NULL,
					  &err), 0);
	assert_int_equal(svff_virt_detach(fx->virt, fx->host, fx->cfg, "0000:01:08.4", NULL, 0, 1000, false, &err), 0);
	assert_string_equal(driver(fx, "0000:01:08.4"), "vfio-pci");
}

/* libvirt's QEMU driver names a new hostdev one past the highest
 * hostdevN the VM has (qemuAssignDeviceHostdevAlias), not the lowest free:
 * the full-stack lab saw a VF come back as hostdev2 beside hostdev1. */
static void test_alias_rule(void **state)
{
	struct fx *fx = *state;
	struct svff_err err = { 0 };
	const struct svff_hostdev *hd = NULL;

	assert_int_equal(svff_virt_detach(fx->virt, fx->host, fx->cfg, "0000:01:00.4", NULL, SVFF_ATTACH_LIVE, 1000,
					  false, &err), 0);
	assert_int_equal(svff_virt_attach(fx->virt, fx->host, fx->cfg, "0000:01:08.4", "vm-web", 0, false, NULL,
					  &err), 0);
	svff_virt_vm_of(fx->virt, "0000:01:08.4", &hd);
	assert_string_equal(hd->alias, "hostdev2");
	assert_int_equal(svff_virt_attach(fx->virt, fx->host, fx->cfg, "0000:01:00.4", "vm-web", SVFF_ATTACH_LIVE, false,
					  NULL, &err), 0);
	svff_virt_vm_of(fx->virt, "0000:01:00.4", &hd);
	assert_string_equal(hd->alias, "hostdev3");
	/* with every hostdev gone, numbering starts again */
	assert_int_equal(svff_virt_detach(fx->virt, fx->host, fx->cfg, "0000:01:08.4", NULL, 0, 1000, false, &err), 0);
	assert_int_equal(svff_virt_detach(fx->virt, fx->host, fx->cfg, "0000:01:00.4", NULL, SVFF_ATTACH_LIVE, 1000,
					  false, &err), 0);
	assert_int_equal(svff_virt_detach(fx->virt, fx->host, fx->cfg, "0000:03:02.1", NULL, SVFF_ATTACH_LIVE, 1000,
					  false, &err), 0);
	assert_int_equal(svff_virt_attach(fx->virt, fx->host, fx->cfg, "0000:01:08.4", "vm-web", 0, false, NULL,
					  &err), 0);
	svff_virt_vm_of(fx->virt, "0000:01:08.4", &hd);
	assert_string_equal(hd->alias, "hostdev0");
}

static void test_reconf_both_paths(void **state)
{
	struct fx *fx = *state;
	struct svff_plan plan;
	struct svff_err err = { 0 };
	struct svff_strlist lines = { 0 };
	int pauses = 0, detaches = 0;

	/* vm-ml's QEMU has no pause: its guest would see a hot-unplug */
	assert_int_equal(svff_plan_reconf(&fx->ctx, "0000:01:00.0", 3, -1, -1, false, &plan, &err), -EAGAIN);
	assert_non_null(strstr(err.msg, "0000:01:00.5 in vm-ml"));
	assert_int_equal(svff_plan_reconf(&fx->ctx, "0000:01:00.0", 3, -1, -1, true, &plan, &err), 0);
	for (size_t i = 0; i < plan.n; i++) {
		pauses += plan.steps[i].kind == SVFF_STEP_PAUSE;
		detaches += plan.steps[i].kind == SVFF_STEP_DETACH;
	}
	assert_int_equal(pauses, 1);
	assert_int_equal(detaches, 1);
	assert_int_equal(svff_plan_run(&fx->ctx, &plan, &err), 0);
	assert_int_equal(svff_host_find(fx->host, "0000:01:00.0")->sriov.num_vfs, 3);
	assert_string_equal(holder(fx, "0000:01:00.4"), "vm-web");
	assert_string_equal(holder(fx, "0000:01:00.5"), "vm-ml");
	assert_false(svff_virt_vf_paused(fx->virt, "0000:01:00.4", NULL));
	assert_string_equal(svff_host_find(fx->host, "0000:01:00.5")->driver, "vfio-pci");
	assert_int_equal(svff_plan_downtime(&plan, &lines), 2);
	assert_non_null(strstr(lines.items[0], "VM vm-web: VF 0 away"));
	assert_non_null(strstr(lines.items[0], "the guest kept the device"));
	assert_non_null(strstr(lines.items[1], "VM vm-ml: VF 1 away"));
	assert_non_null(strstr(lines.items[1], "the guest saw a hot-unplug"));
	svff_strlist_clear(&lines);
	svff_plan_free(&plan);
	/* and up again: 3 -> 6 */
	assert_int_equal(svff_plan_reconf(&fx->ctx, "0000:01:00.0", 6, -1, -1, true, &plan, &err), 0);
	assert_int_equal(svff_plan_run(&fx->ctx, &plan, &err), 0);
	svff_plan_free(&plan);
	assert_int_equal(svff_host_find(fx->host, "0000:01:00.0")->sriov.num_vfs, 6);
	assert_string_equal(holder(fx, "0000:01:00.4"), "vm-web");
	assert_string_equal(holder(fx, "0000:01:00.5"), "vm-ml");
}

static void test_reconf_lost_assignment(void **state)
{
	struct fx *fx = *state;
	struct svff_plan plan;
	struct svff_err err = { 0 };
	struct svff_strlist lines = { 0 };

	assert_int_equal(svff_plan_reconf(&fx->ctx, "0000:01:00.0", 1, -1, -1, true, &plan, &err), 0);
	assert_int_equal(svff_plan_run(&fx->ctx, &plan, &err), 0);
	assert_string_equal(holder(fx, "0000:01:00.4"), "vm-web");
	assert_string_equal(holder(fx, "0000:01:00.5"), "-");
	assert_null(svff_host_find(fx->host, "0000:01:00.5"));
	svff_plan_downtime(&plan, &lines);
	assert_non_null(strstr(lines.items[lines.len - 1], "VF 1 (0000:01:00.5) of VM vm-ml does not exist after "
						     "reconf to 1 VFs"));
	svff_strlist_clear(&lines);
	svff_plan_free(&plan);
}

static void test_reconf_failure_at_every_write(void **state)
{
	struct fx *fx = *state;
	char *before = testutil_snapshot(svff_demolab_sysfs(fx->lab)), *vms = assignments(fx);
	int k;

	for (k = 1; k < 80; k++) {
		struct svff_plan plan;
		struct svff_err err = { 0 };
		char *after, *vms_after;
		int rc;

		assert_int_equal(svff_plan_reconf(&fx->ctx, "0000:01:00.0", 2, 600, -1, true, &plan, &err), 0);
		svff_kmodel_fail_write(fx->km, k);
		rc = svff_plan_run(&fx->ctx, &plan, &err);
		svff_kmodel_fail_write(fx->km, 0);
		svff_plan_free(&plan);
		if (rc == 0)
			break;
		assert_non_null(strstr(err.msg, "the host is as it was"));
		svff_host_scan(fx->host, &err);
		after = testutil_snapshot(svff_demolab_sysfs(fx->lab));
		vms_after = assignments(fx);
		if (strcmp(before, after))
			fail_msg("failure at write %d left the tree changed", k);
		if (strcmp(vms, vms_after))
			fail_msg("failure at write %d left the VMs changed:\n%s\nwas\n%s", k, vms_after, vms);
		assert_false(svff_virt_vf_paused(fx->virt, "0000:01:00.4", NULL));
		free(after);
		free(vms_after);
	}
	assert_true(k > 10);
	free(before);
	free(vms);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lab, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_detach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alias_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_managed_rebinding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconf_both_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconf_lost_assignment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconf_failure_at_every_write, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
