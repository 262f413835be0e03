/* Unit tests: VM inventory, events and attach/detach checks against
 * libvirt's test driver (test:///<abs>/tests/lab.xml) and the qdma-host
 * fixture.  The test driver has no attach/detach: those end in libvirt's
 * own "not supported" message, and every check before them is svff's. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "domxml.h"
#include "svff/evloop.h"
#include "lab/fakehost.h"
#include "svff/host.h"
#include "svff/virt.h"
#include "testutil.h"
#include "virt_internal.h"
#include "testhooks.h"

struct fx {
	char *root;
	struct svff_host *host;
	struct svff_virt *virt;
	char seen[32][96];
	int n_seen;
};

static void listener(struct svff_virt *virt, enum svff_vm_change what, const char *vm,
		     const char *detail, void *data)
{
	struct fx *fx = data;

	(void)virt;
	if (fx->n_seen < 32)
		snprintf(fx->seen[fx->n_seen++], sizeof(fx->seen[0]), "%d %s %s", what,
			 vm ? vm : "-", detail ? detail : "-");
}

static bool saw(struct fx *fx, const char *line)
{
	for (int i = 0; i < fx->n_seen; i++)
		if (!strcmp(fx->seen[i], line))
			return true;
	return false;
}

/* Runs the loop until line was seen, at most 5 s. */
static bool wait_for(struct fx *fx, const char *line)
{
	long long end = svff_loop_now_ms() + 5000;

	while (!saw(fx, line) && svff_loop_now_ms() < end)
		svff_loop_run_once(100);
	return saw(fx, line);
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct svff_err err = { 0 };
	char uri[4200];

	fx->root = testutil_host_new("qdma-host");
	assert_int_equal(svff_host_new(fx->root, &fx->host, &err), 0);
	assert_int_equal(svff_host_scan(fx->host, &err), 0);
	assert_int_equal(svff_loop_init(&err), 0);
	snprintf(uri, sizeof(uri), "test://%s/tests/lab.xml", getenv("top_srcdir"));
	if (svff_virt_new(uri, false, &fx->virt, &err) < 0)
		fail_msg("%s", err.msg);
	svff_virt_set_listener(fx->virt, listener, fx);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	svff_virt_free(fx->virt);
	svff_host_free(fx->host);
	testutil_rmtree(fx->root);
	free(fx);
	return 0;
}

static void test_inventory(void **state)
{
	struct fx *fx = *state;
	const struct svff_hostdev *hd = NULL;
	const struct svff_vm *vm;

	assert_int_equal(svff_virt_n_vms(fx->virt), 4);
	assert_string_equal(svff_virt_vm(fx->virt, 0)->name, "vm-batch");	/* sorted */
	vm = svff_virt_find_vm(fx->virt, "vm-web");
	assert_non_null(vm);
	assert_int_equal(vm->state, SVFF_VM_RUNNING);
	assert_int_equal(vm->vcpus, 4);
	assert_int_equal(vm->memory_kib, 4096 * 1024);
	assert_true(vm->persistent);
	assert_string_equal(vm->uuid, "5f1d2c3a-0000-4000-8000-000000000001");
	assert_string_equal(vm->numa_nodeset, "0");
	assert_int_equal(vm->n_hostdevs, 2);
	assert_int_equal(svff_virt_find_vm(fx->virt, "vm-db")->state, SVFF_VM_PAUSED);
	assert_int_equal(svff_virt_find_vm(fx->virt, "vm-batch")->state, SVFF_VM_SHUTOFF);
	assert_int_equal(svff_virt_find_vm(fx->virt, "vm-batch")->id, -1);
	/* VF -> VM, with alias and live/config */
	assert_ptr_equal(svff_virt_vm_of(fx->virt, "0000:01:00.4", &hd), vm);
	assert_string_equal(hd->alias, "ua-fpga0");
	assert_true(hd->live && hd->config && hd->managed);
	assert_ptr_equal(svff_virt_vm_of(fx->virt, "01:08.3", NULL), vm);
	assert_string_equal(svff_virt_vm_of(fx->virt, "0000:03:02.1", &hd)->name, "vm-batch");
	assert_false(hd->live);
	assert_true(hd->config);
	assert_null(svff_virt_vm_of(fx->virt, "0000:01:00.5", NULL));
}

static void test_suspend_resume_events(void **state)
{
	struct fx *fx = *state;
	struct svff_err err = { 0 };

	assert_int_equal(svff_virt_suspend(fx->virt, "vm-web", &err), 0);
	assert_true(wait_for(fx, "2 vm-web suspended"));
	assert_int_equal(svff_virt_find_vm(fx->virt, "vm-web")->state, SVFF_VM_PAUSED);
	assert_int_equal(svff_virt_suspend(fx->virt, "vm-web", &err), -EALREADY);
	assert_non_null(strstr(err.msg, "already paused"));
	assert_int_equal(svff_virt_resume(fx->virt, "vm-web", &err), 0);
	assert_true(wait_for(fx, "2 vm-web resumed"));
	assert_int_equal(svff_virt_find_vm(fx->virt, "vm-web")->state, SVFF_VM_RUNNING);
	assert_int_equal(svff_virt_resume(fx->virt, "vm-batch", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "shut off, not paused"));
	assert_int_equal(svff_virt_suspend(fx->virt, "nope", &err), -ENOENT);
}

/* Another client's define/undefine reaches the model through events. */
static void test_define_undefine_events(void **state)
{
	struct fx *fx = *state;
	virDomainPtr dom;

	dom = virDomainDefineXML(svff_virt_conn(fx->virt),
				 "<domain type='test'><name>vm-new</name><memory>65536</memory>"
				 "<os><type>hvm</type></os></domain>");
	assert_non_null(dom);
	assert_true(wait_for(fx, "0 vm-new defined"));
	assert_non_null(svff_virt_find_vm(fx->virt, "vm-new"));
	assert_int_equal(virDomainUndefine(dom), 0);
	virDomainFree(dom);
	assert_true(wait_for(fx, "1 vm-new undefined"));
	assert_null(svff_virt_find_vm(fx->virt, "vm-new"));
}

static void expect_attach_error(struct fx *fx, const char *vf, const char *vm, unsigned flags,
				int code, const char *needle)
{
	struct svff_strlist notes = { 0 };
	struct svff_err err = { 0 };
	int rc = svff_virt_attach(fx->virt, fx->host, NULL, vf, vm, flags, false, &notes, &err);

	if (rc != -code || !strstr(err.msg, needle))
		fail_msg("attach %s %s: rc %d, '%s'; expected %d and '%s'", vf, vm, rc, err.msg, -code, needle);
	svff_strlist_clear(&notes);
}

static void test_attach_refusals(void **state)
{
	struct fx *fx = *state;

	expect_attach_error(fx, "0000:09:00.0", "vm-idle", 0, ENODEV, "no PCI function 0000:09:00.0");
	expect_attach_error(fx, "junk", "vm-idle", 0, EINVAL, "not a PCI address");
	expect_attach_error(fx, "0000:01:00.5", "vm-nope", 0, ENOENT, "no VM named 'vm-nope'");
	expect_attach_error(fx, "0000:01:00.4", "vm-idle", 0, EBUSY, "attached to VM vm-web");
	expect_attach_error(fx, "0000:01:00.4", "vm-web", 0, EEXIST, "already attached to VM vm-web");
	expect_attach_error(fx, "0000:01:00.0", "vm-idle", 0, EINVAL, "not a virtual function");
	expect_attach_error(fx, "0000:01:00.5", "vm-batch", SVFF_ATTACH_LIVE, EINVAL,
			    "shut off: a live attach needs a running VM");
}

static void test_attach_iommu_checks(void **state)
{
	struct fx *fx = *state;
	struct svff_strlist notes = { 0 };
	struct svff_err err = { 0 };
	char rel[256], path[4096];

	/* 0000:01:00.6 (on qdma-vf) shares 01:00.5's group: not viable */
	snprintf(rel, sizeof(rel), "kernel/iommu_groups/%ld/devices/0000:01:00.6",
		 svff_host_find(fx->host, "0000:01:00.5")->iommu_group);
	testutil_symlink(fx->root, rel, "../../../../devices/pci0000:00/0000:01:00.6");
	expect_attach_error(fx, "0000:01:00.5", "vm-idle", 0, EBUSY,
			    "is not viable: 0000:01:00.6 in the same group is bound to qdma-vf");
	/* a port on pcieport in the group does not count (the full-stack lab's
	 * root port without ACS: the kernel lets VFIO have the group) */
	testutil_unlink(fx->root, rel);
	snprintf(rel, sizeof(rel), "kernel/iommu_groups/%ld/devices/0000:00:00.0",
		 svff_host_find(fx->host, "0000:01:00.5")->iommu_group);
	testutil_symlink(fx->root, rel, "../../../../devices/pci0000:00/0000:00:00.0");
	snprintf(path, sizeof(path), "%s/bus/pci/drivers/pcieport", fx->root);
	assert_int_equal(mkdir(path, 0755), 0);
	testutil_unlink(fx->root, "devices/pci0000:00/0000:00:00.0/driver");
	testutil_symlink(fx->root, "devices/pci0000:00/0000:00:00.0/driver", "../../../bus/pci/drivers/pcieport");
	assert_int_equal(svff_host_scan(fx->host, &err), 0);
	assert_string_equal(svff_host_find(fx->host, "0000:00:00.0")->driver, "pcieport");
	assert_int_equal(svff_virt_attach(fx->virt, fx->host, NULL, "0000:01:00.5", "vm-idle", 0, true, &notes, &err), 0);
	svff_strlist_clear(&notes);
	/* no IOMMU at all */
	testutil_unlink(fx->root, "devices/pci0000:00/0000:01:00.5/iommu_group");
	assert_int_equal(svff_host_scan(fx->host, &err), 0);
	expect_attach_error(fx, "0000:01:00.5", "vm-idle", 0, ENXIO, "has no IOMMU group");
}

static void test_attach_needs_vfio(void **state)
{
	struct fx *fx = *state;
	char from[4096], to[4096];

	snprintf(from, sizeof(from), "%s/bus/pci/drivers/vfio-pci", fx->root);
	snprintf(to, sizeof(to), "%s/bus/pci/drivers/vfio-pci.off", fx->root);
	assert_int_equal(rename(from, to), 0);
	expect_attach_error(fx, "0000:01:00.6", "vm-idle", 0, ENXIO,
			    "bound to qdma-vf and vfio-pci is not loaded");
	assert_int_equal(rename(to, from), 0);
}

/* Everything svff checks passes; libvirt's test driver then refuses, and
 * its own message reaches the user; the VM is unchanged. */
static void test_attach_reaches_libvirt(void **state)
{
	struct fx *fx = *state;
	struct svff_strlist notes = { 0 };
	struct svff_err err = { 0 };
	bool numa = false, migration = false;

	assert_int_equal(svff_virt_attach(fx->virt, fx->host, NULL, "0000:01:00.5", "vm-idle", 0, true,
					  &notes, &err), 0);
	for (size_t i = 0; i < notes.len; i++) {
		numa |= strstr(notes.items[i], "NUMA node 0 but VM vm-idle's memory is on node(s) 1") != NULL;
		migration |= strstr(notes.items[i], "cannot be live-migrated") != NULL;
	}
	assert_true(numa && migration);
	svff_strlist_clear(&notes);
	assert_int_equal(svff_virt_attach(fx->virt, fx->host, NULL, "0000:01:00.5", "vm-idle", 0, false,
					  &notes, &err), -EIO);
	assert_non_null(strstr(err.msg, "the VM is unchanged. libvirt: this function is not supported"));
	assert_int_equal(svff_virt_find_vm(fx->virt, "vm-idle")->n_hostdevs, 0);
	svff_strlist_clear(&notes);
}

static void test_detach_checks(void **state)
{
	struct fx *fx = *state;
	struct svff_err err = { 0 };

	assert_int_equal(svff_virt_detach(fx->virt, fx->host, NULL, "0000:01:00.5", NULL, 0, 1000, false, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "not attached to any VM"));
	assert_int_equal(svff_virt_detach(fx->virt, fx->host, NULL, "0000:01:00.4", "vm-db", 0, 1000, false, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "attached to vm-web"));
	assert_int_equal(svff_virt_detach(fx->virt, fx->host, NULL, "0000:03:02.1", NULL, SVFF_ATTACH_LIVE, 1000, false,
					  &err), -EINVAL);
	assert_non_null(strstr(err.msg, "only in VM vm-batch's definition"));
	assert_int_equal(svff_virt_detach(fx->virt, fx->host, NULL, "0000:01:00.4", NULL, 0, 1000, true, &err), 0);
	assert_int_equal(svff_virt_detach(fx->virt, fx->host, NULL, "0000:01:00.4", NULL, 0, 1000, false, &err), -EIO);
	assert_non_null(strstr(err.msg, "libvirt: this function is not supported"));
	assert_int_equal(svff_virt_find_vm(fx->virt, "vm-web")->n_hostdevs, 2);
}

/* What svff takes from a domain's XML, and what it leaves. */
static void test_domxml(void **state)
{
	struct svff_vm vm = { .name = "vm1" };
	struct svff_err err = { 0 };
	const char *xml =
		"<domain type='kvm'><name>vm1</name>"
		"<numatune><memory mode='strict' nodeset='1'/></numatune>"
		"<devices>"
		"<hostdev mode='subsystem' type='pci' managed='yes'>"
		"<source><address domain='0x0000' bus='0x01' slot='0x00' function='0x4'/></source>"
		"<alias name='hostdev0'/></hostdev>"
		"<hostdev mode='subsystem' type='usb'><source><vendor id='0x1'/></source></hostdev>"
		"<hostdev mode='capabilities' type='pci'>"
		"<source><address bus='0x02' slot='0x00' function='0x0'/></source></hostdev>"
		"<hostdev mode='subsystem' type='pci'>"
		"<source><address bus='0x1ff' slot='0x00' function='0x0'/></source></hostdev>"
		"<hostdev mode='subsystem' type='pci' managed='no'>"
		"<source><address bus='0x03' slot='0x02' function='0x1'/></source></hostdev>"
		"</devices></domain>";

	(void)state;
	assert_int_equal(svff_domxml_read(xml, true, &vm, &err), 0);
	assert_int_equal(vm.n_hostdevs, 2);
	assert_string_equal(vm.hostdevs[0].bdf, "0000:01:00.4");
	assert_string_equal(vm.hostdevs[0].alias, "hostdev0");
	assert_true(vm.hostdevs[0].managed);
	assert_true(vm.hostdevs[0].live);
	assert_false(vm.hostdevs[0].config);
	assert_string_equal(vm.hostdevs[1].bdf, "0000:03:02.1");
	assert_false(vm.hostdevs[1].managed);
	assert_string_equal(vm.numa_nodeset, "1");
	/* the same device in the persistent definition: one entry, both marks */
	assert_int_equal(svff_domxml_read(xml, false, &vm, &err), 0);
	assert_int_equal(vm.n_hostdevs, 2);
	assert_true(vm.hostdevs[0].live && vm.hostdevs[0].config);
	free(vm.hostdevs);
	/* not a domain, not XML */
	assert_int_equal(svff_domxml_read("<network/>", true, &vm, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "vm1"));
	assert_int_equal(svff_domxml_read("<domain", true, &vm, &err), -EINVAL);
}

static void test_hostdev_xml(void **state)
{
	struct svff_err err = { 0 };
	char xml[512];

	(void)state;
	assert_int_equal(svff_hostdev_xml("0000:81:1f.7", xml, sizeof(xml), &err), 0);
	assert_non_null(strstr(xml, "<hostdev mode='subsystem' type='pci' managed='yes'>"));
	assert_non_null(strstr(xml, "<address domain='0x0000' bus='0x81' slot='0x1f' function='0x7'/>"));
	assert_int_equal(svff_hostdev_xml("0000:01:00.0'/><evil", xml, sizeof(xml), &err), -EINVAL);
}

static void test_bad_uri(void **state)
{
	struct svff_virt *virt = NULL;
	struct svff_err err = { 0 };

	(void)state;
	assert_int_equal(svff_loop_init(&err), 0);
	assert_true(svff_virt_new("test:///nonexistent/lab.xml", false, &virt, &err) < 0);
	assert_null(virt);
	assert_non_null(strstr(err.msg, "cannot connect to test:///nonexistent/lab.xml"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domxml),
		cmocka_unit_test(test_hostdev_xml),
		cmocka_unit_test(test_bad_uri),
		cmocka_unit_test_setup_teardown(test_inventory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_suspend_resume_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_define_undefine_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_iommu_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_needs_vfio, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_reaches_libvirt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detach_checks, setup, teardown),
	};

	setenv("LIBVIRT_LOG_OUTPUTS", "1:file:/dev/null", 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
