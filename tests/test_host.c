/* Unit tests: the host inventory on fixture hosts, and the live model. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lab/fakehost.h"
#include "pci.h"
#include "svff/host.h"
#include "testutil.h"
#include "testhooks.h"

struct fx {
	char *root;
	struct svff_host *host;
	struct svff_fakehost *fh;
	char log[64][48];		/* change notifications, "added 0000:01:00.4" */
	int n_log;
};

static int open_preset(void **state, const char *preset)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct svff_err err = { 0 };

	fx->root = testutil_host_new(preset);
	assert_int_equal(svff_host_new(fx->root, &fx->host, &err), 0);
	assert_int_equal(svff_host_scan(fx->host, &err), 0);
	assert_int_equal(svff_fakehost_new(fx->root, &fx->fh, &err), 0);
	*state = fx;
	return 0;
}

static int setup(void **state)
{
	return open_preset(state, "qdma-host");
}

static int setup_broken(void **state)
{
	return open_preset(state, "broken-host");
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	svff_host_free(fx->host);
	svff_fakehost_free(fx->fh);
	testutil_rmtree(fx->root);
	free(fx);
	return 0;
}

static const struct svff_function *fn(struct fx *fx, const char *bdf)
{
	const struct svff_function *f = svff_host_find(fx->host, bdf);

	if (!f)
		fail_msg("%s not in the model", bdf);
	return f;
}

static bool warned(struct fx *fx, const char *needle1, const char *needle2)
{
	const struct svff_strlist *w = svff_host_warnings(fx->host);

	for (size_t i = 0; i < w->len; i++)
		if (strstr(w->items[i], needle1) && strstr(w->items[i], needle2))
			return true;
	return false;
}

static void test_counts_and_cards(void **state)
{
	struct fx *fx = *state;
	size_t kinds[3] = { 0 };

	/* 2 plain + FPGA1 (4 PFs, 4+2 VFs) + FPGA2 (1 PF, 1 VF) + NIC (1 PF, 2 VFs) */
	assert_int_equal(svff_host_n_functions(fx->host), 2 + 4 + 6 + 2 + 1 + 2);
	for (size_t i = 0; i < svff_host_n_cards(fx->host); i++)
		kinds[svff_host_card(fx->host, i)->kind]++;
	assert_int_equal(kinds[SVFF_CARD_QDMA], 2);
	assert_int_equal(kinds[SVFF_CARD_SRIOV], 1);
	assert_int_equal(kinds[SVFF_CARD_PLAIN], 2);
	assert_string_equal(svff_host_card(fx->host, fn(fx, "0000:01:00.3")->card)->name, "0000:01:00");
	assert_int_equal(svff_host_card(fx->host, fn(fx, "0000:01:00.3")->card)->n_fns, 4);
	/* a VF belongs to its PF's card, even on another slot */
	assert_int_equal(fn(fx, "0000:01:08.4")->card, fn(fx, "0000:01:00.1")->card);
	assert_int_equal(svff_host_warnings(fx->host)->len, 0);
}

static void test_pf(void **state)
{
	struct fx *fx = *state;
	const struct svff_function *pf = fn(fx, "0000:01:00.0");

	assert_int_equal(pf->role, SVFF_ROLE_PF);
	assert_int_equal(pf->vendor, 0x10ee);
	assert_int_equal(pf->device, 0x903f);
	assert_int_equal(pf->class_code, 0x058000);
	assert_string_equal(pf->driver, "qdma-pf");
	assert_true(pf->sriov.present);
	assert_true(pf->sriov.from_config);
	assert_int_equal(pf->sriov.total_vfs, 63);
	assert_int_equal(pf->sriov.num_vfs, 4);
	assert_int_equal(pf->sriov.vf_offset, 4);
	assert_int_equal(pf->sriov.vf_stride, 1);
	assert_int_equal(pf->sriov.vf_device, 0xa03f);
	assert_int_equal(pf->n_vfs, 4);
	assert_string_equal(pf->vfs[2], "0000:01:00.6");
	assert_string_equal(pf->link_speed, "8.0 GT/s");
	assert_int_equal(pf->link_width, 16);
	assert_int_equal(pf->numa_node, 0);
	assert_true(pf->iommu_group >= 0);
	assert_true(pf->qdma_id.valid);
	assert_int_equal(pf->qdma_id.pf, 0);
	assert_true(pf->qdma.present);
	assert_int_equal(pf->qdma.qmax, 512);
	assert_int_equal(pf->qdma.qmax_vfs, -1);	/* only old drivers have it */
	assert_non_null(strstr(pf->qdma.glbl_rng_sz, "2049 65"));
	assert_string_equal(pf->vendor_name, "Xilinx Corporation");
	/* PF1's VFs start after PF0's 63 */
	assert_int_equal(fn(fx, "0000:01:00.1")->sriov.vf_offset, 66);
	/* not the master PF: no global CSRs */
	assert_string_equal(fn(fx, "0000:01:00.1")->qdma.glbl_rng_sz, "");
	/* an unbound PF has no qdma/ group */
	assert_string_equal(fn(fx, "0000:01:00.3")->driver, "");
	assert_false(fn(fx, "0000:01:00.3")->qdma.present);
	assert_int_equal(fn(fx, "0000:02:00.0")->numa_node, 1);
	assert_int_equal(fn(fx, "0000:02:00.0")->link_width, 8);
}

static void test_vfs(void **state)
{
	struct fx *fx = *state;
	const struct svff_function *vf = fn(fx, "0000:01:00.6");
	const struct svff_function *nic_vf = fn(fx, "0000:03:02.1");

	assert_int_equal(vf->role, SVFF_ROLE_VF);
	assert_string_equal(vf->physfn, "0000:01:00.0");
	assert_int_equal(vf->vf_index, 2);
	assert_int_equal(vf->device, 0xa03f);
	assert_true(vf->qdma_id.valid && vf->qdma_id.vf);
	assert_string_equal(vf->driver, "qdma-vf");
	assert_int_equal(vf->qdma.qmax, 8);
	assert_string_equal(fn(fx, "0000:01:00.4")->driver, "vfio-pci");
	assert_false(fn(fx, "0000:01:00.4")->qdma.present);
	assert_int_not_equal(fn(fx, "0000:01:00.4")->iommu_group, fn(fx, "0000:01:00.5")->iommu_group);
	assert_string_equal(nic_vf->physfn, "0000:03:00.0");
	assert_int_equal(nic_vf->vf_index, 1);
	assert_string_equal(nic_vf->driver, "vfio-pci");
	assert_false(nic_vf->qdma_id.valid);
	assert_int_equal(svff_host_card(fx->host, nic_vf->card)->kind, SVFF_CARD_SRIOV);
	/* a NIC PF is generic even with an SR-IOV capability */
	assert_false(fn(fx, "0000:03:00.0")->qdma_id.valid);
}

/* The kernel's sysfs files win over config space for the counts; config
 * space wins for offset/stride; without config the files are used. */
static void test_config_and_sysfs(void **state)
{
	struct fx *fx = *state;
	struct svff_err err = { 0 };

	testutil_write(fx->root, "devices/pci0000:00/0000:01:00.2/sriov_offset", "99\n");
	testutil_unlink(fx->root, "devices/pci0000:00/0000:01:00.1/config");
	testutil_write(fx->root, "devices/pci0000:00/0000:01:00.1/sriov_offset", "77\n");
	assert_int_equal(svff_host_scan(fx->host, &err), 0);
	assert_int_equal(fn(fx, "0000:01:00.2")->sriov.vf_offset, 4 - 2 + 2 * 63);
	assert_false(fn(fx, "0000:01:00.1")->sriov.from_config);
	assert_int_equal(fn(fx, "0000:01:00.1")->sriov.vf_offset, 77);
	assert_int_equal(fn(fx, "0000:01:00.1")->sriov.num_vfs, 2);
	assert_true(warned(fx, "0000:01:00.1/config", "cannot read config space"));
}

/* Names from udev's hardware database and from pci.ids agree (where the
 * machine has no database both scans read pci.ids). */
static void test_names_both_sources(void **state)
{
	struct fx *fx = *state;
	struct svff_err err = { 0 };
	struct svff_host *ids;
	size_t named = 0;

	svff_pci_use_hwdb(false);
	assert_int_equal(svff_host_new(fx->root, &ids, &err), 0);
	assert_int_equal(svff_host_scan(ids, &err), 0);
	svff_pci_use_hwdb(true);
	assert_int_equal(svff_host_n_functions(ids), svff_host_n_functions(fx->host));
	for (size_t i = 0; i < svff_host_n_functions(ids); i++) {
		const struct svff_function *a = svff_host_function(fx->host, i), *b = svff_host_function(ids, i);

		assert_string_equal(a->name, b->name);
		assert_string_equal(a->vendor_name, b->vendor_name);
		assert_string_equal(a->device_name, b->device_name);
		assert_string_equal(a->class_name, b->class_name);
		named += b->vendor_name[0] && b->class_name[0];
	}
	/* pci.ids knows Xilinx, Intel and the bridges of the fixture */
	assert_true(named >= svff_host_n_functions(ids) - 1);
	svff_host_free(ids);
}

static void test_broken(void **state)
{
	struct fx *fx = *state;
	const struct svff_function *pf1 = fn(fx, "0000:01:00.1");

	/* each kind of damage is named, and everything else is still there */
	assert_true(warned(fx, "0000:01:00.1/virtfn0", "dangling"));
	assert_true(warned(fx, "0000:01:00.2/config", "cannot read config space"));
	assert_true(warned(fx, "0000:01:00.3/sriov_totalvfs", "missing"));
	assert_true(warned(fx, "0000:02:00.0/numa_node", "expected a number, found 'banana'"));
	assert_true(warned(fx, "0000:03:00.0/sriov_numvfs", "'2x'"));
	assert_true(warned(fx, "0000:01:00.6/qdma/qmax", "expected a number"));
	assert_true(warned(fx, "0000:00:1f.2/iommu_group", "not to a folder in iommu_groups"));
	assert_int_equal(pf1->n_vfs, 2);
	assert_null(pf1->vfs[0]);
	assert_string_equal(pf1->vfs[1], "0000:01:08.4");
	assert_int_equal(fn(fx, "0000:01:08.4")->vf_index, 1);
	/* the PF with unreadable config is still a PF, from its sysfs files */
	assert_int_equal(fn(fx, "0000:01:00.2")->role, SVFF_ROLE_PF);
	assert_int_equal(fn(fx, "0000:01:00.2")->sriov.total_vfs, 63);
	/* the PF without sriov_totalvfs still knows it from config space */
	assert_int_equal(fn(fx, "0000:01:00.3")->sriov.total_vfs, 63);
	assert_int_equal(fn(fx, "0000:02:00.0")->numa_node, -1);
	assert_int_equal(fn(fx, "0000:00:1f.2")->iommu_group, -1);
	assert_string_equal(fn(fx, "0000:00:1f.2")->driver, "ahci");
	assert_int_equal(svff_host_n_functions(fx->host), 16);
}

/* A device whose vendor file is missing must not stop the scan (libpci
 * would exit(1) if asked to read it the way lspci does). */
static void test_missing_mandatory_files(void **state)
{
	struct fx *fx = *state;
	struct svff_err err = { 0 };

	/* uevent has the IDs too: without it svff falls back to the files */
	testutil_unlink(fx->root, "devices/pci0000:00/0000:01:00.5/uevent");
	testutil_unlink(fx->root, "devices/pci0000:00/0000:01:00.5/vendor");
	testutil_unlink(fx->root, "devices/pci0000:00/0000:01:00.5/resource");
	testutil_unlink(fx->root, "devices/pci0000:00/0000:01:00.5/class");
	assert_int_equal(svff_host_scan(fx->host, &err), 0);
	assert_true(warned(fx, "0000:01:00.5/vendor", "No such file"));
	assert_int_equal(fn(fx, "0000:01:00.5")->vendor, -1);
	assert_int_equal(fn(fx, "0000:01:00.5")->device, 0xa03f);	/* from its file */
	assert_int_equal(fn(fx, "0000:01:00.5")->vf_index, 1);
	assert_int_equal(svff_host_n_functions(fx->host), 17);
}

static void listener(struct svff_host *host, enum svff_change what, const char *bdf, void *data)
{
	static const char *const names[] = { "added", "removed", "changed" };
	struct fx *fx = data;

	(void)host;
	assert_true(fx->n_log < 64);
	snprintf(fx->log[fx->n_log++], sizeof(fx->log[0]), "%s %s", names[what], bdf);
}

static bool logged(struct fx *fx, const char *line)
{
	for (int i = 0; i < fx->n_log; i++)
		if (!strcmp(fx->log[i], line))
			return true;
	return false;
}

static void apply(struct fx *fx, const char *action, const char *bdf)
{
	struct svff_err err = { 0 };

	if (svff_host_apply_event(fx->host, action, bdf, &err) < 0)
		fail_msg("%s %s: %s", action, bdf, err.msg);
}

/* VFs appear: the kernel sends add per VF and change on the PF. */
static void test_event_vfs_appear(void **state)
{
	struct fx *fx = *state;
	struct svff_err err = { 0 };
	const struct svff_function *pf;

	svff_host_set_listener(fx->host, listener, fx);
	assert_int_equal(svff_fakehost_enable_vfs(fx->fh, "0000:01:00.2", 2, "vfio-pci", &err), 0);
	/* VFs of PF2: offset 4 - 2 + 2 * 63 = 128 -> routing ID 0x102 + 128 = 0x182 = 01:10.2 */
	apply(fx, "add", "0000:01:10.2");
	apply(fx, "add", "0000:01:10.3");
	/* the PF is current before its own event (udevd may reorder them) */
	assert_int_equal(fn(fx, "0000:01:00.2")->n_vfs, 2);
	assert_int_equal(fn(fx, "0000:01:10.3")->vf_index, 1);
	apply(fx, "change", "0000:01:00.2");
	assert_true(logged(fx, "added 0000:01:10.2"));
	assert_true(logged(fx, "added 0000:01:10.3"));
	assert_true(logged(fx, "changed 0000:01:00.2"));
	pf = fn(fx, "0000:01:00.2");
	assert_int_equal(pf->sriov.num_vfs, 2);
	assert_int_equal(pf->n_vfs, 2);
	assert_int_equal(fn(fx, "0000:01:10.3")->vf_index, 1);
	assert_string_equal(fn(fx, "0000:01:10.3")->physfn, "0000:01:00.2");
	assert_int_equal(fn(fx, "0000:01:10.3")->card, pf->card);
	assert_int_equal(svff_host_n_functions(fx->host), 19);
}

/* VFs go: remove per VF; the PF's count follows. */
static void test_event_vfs_go(void **state)
{
	struct fx *fx = *state;
	struct svff_err err = { 0 };

	svff_host_set_listener(fx->host, listener, fx);
	assert_int_equal(svff_fakehost_disable_vfs(fx->fh, "0000:01:00.1", &err), 0);
	apply(fx, "remove", "0000:01:08.3");
	apply(fx, "remove", "0000:01:08.4");
	apply(fx, "change", "0000:01:00.1");
	assert_true(logged(fx, "removed 0000:01:08.3"));
	assert_true(logged(fx, "removed 0000:01:08.4"));
	assert_true(logged(fx, "changed 0000:01:00.1"));
	assert_null(svff_host_find(fx->host, "0000:01:08.3"));
	assert_int_equal(fn(fx, "0000:01:00.1")->sriov.num_vfs, 0);
	assert_int_equal(fn(fx, "0000:01:00.1")->n_vfs, 0);
	assert_int_equal(svff_host_n_functions(fx->host), 15);
}

/* bind/unbind re-read the one function; a "change" for a function that has
 * vanished counts as its removal. */
static void test_event_bind_and_vanish(void **state)
{
	struct fx *fx = *state;
	struct svff_err err = { 0 };

	svff_host_set_listener(fx->host, listener, fx);
	assert_int_equal(svff_fakehost_bind(fx->fh, "0000:01:00.4", "qdma-vf", &err), 0);
	apply(fx, "bind", "01:00.4");
	assert_true(logged(fx, "changed 0000:01:00.4"));
	assert_true(logged(fx, "changed 0000:01:00.0"));	/* its PF */
	assert_string_equal(fn(fx, "0000:01:00.4")->driver, "qdma-vf");
	assert_true(fn(fx, "0000:01:00.4")->qdma.present);
	assert_int_equal(svff_fakehost_bind(fx->fh, "0000:01:00.4", NULL, &err), 0);
	apply(fx, "unbind", "0000:01:00.4");
	assert_string_equal(fn(fx, "0000:01:00.4")->driver, "");
	testutil_unlink(fx->root, "bus/pci/devices/0000:00:1f.2");
	apply(fx, "change", "0000:00:1f.2");
	assert_true(logged(fx, "removed 0000:00:1f.2"));
	assert_null(svff_host_find(fx->host, "0000:00:1f.2"));
	assert_int_equal(svff_host_apply_event(fx->host, "add", "not-a-bdf", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "not-a-bdf"));
}

/* An event re-reads only its function (and PF): other changes on the host
 * wait for their own events. */
static void test_event_no_rescan(void **state)
{
	struct fx *fx = *state;
	struct svff_err err = { 0 };

	assert_int_equal(svff_fakehost_bind(fx->fh, "0000:03:02.0", NULL, &err), 0);
	apply(fx, "change", "0000:01:00.4");
	assert_string_equal(fn(fx, "0000:03:02.0")->driver, "iavf");
	apply(fx, "unbind", "0000:03:02.0");
	assert_string_equal(fn(fx, "0000:03:02.0")->driver, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_counts_and_cards, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vfs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_and_sysfs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_both_sources, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broken, setup_broken, teardown),
		cmocka_unit_test_setup_teardown(test_missing_mandatory_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_vfs_appear, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_vfs_go, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_bind_and_vanish, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_no_rescan, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
