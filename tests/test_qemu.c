/* Unit tests against a real QEMU under TCG, through libvirt's in-process
 * QEMU driver (qemu:///embed?root=<tmp>): lifecycle events, VM suspend and
 * resume through svff, and a VF attach on a host without IOMMU failing with
 * libvirt's message and leaving the VM unchanged.  Needs qemu-system-x86,
 * libvirt's QEMU driver and the libvirt-qemu user (libvirt-daemon-system);
 * skipped with the reason when one is missing. */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <pwd.h>
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
#include "svff/host.h"
#include "svff/virt.h"
#include "testutil.h"
#include "virt_internal.h"
#include "testhooks.h"

#define QEMU "/usr/bin/qemu-system-x86_64"
#define QEMU_DRIVER "/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so"

static char embed_root[64];
static char *fixture;
static struct svff_host *host;
static struct svff_virt *virt;
static char seen[64][96];
static int n_seen;

static void listener(struct svff_virt *v, enum svff_vm_change what, const char *vm,
		     const char *detail, void *data)
{
	(void)v;
	(void)data;
	if (n_seen < 64)
		snprintf(seen[n_seen++], sizeof(seen[0]), "%d %s %s", what, vm ? vm : "-",
			 detail ? detail : "-");
}

static bool wait_for(const char *line, int ms)
{
	long long end = svff_loop_now_ms() + ms;

	for (;;) {
		for (int i = 0; i < n_seen; i++)
			if (!strcmp(seen[i], line))
				return true;
		if (svff_loop_now_ms() >= end)
			return false;
		svff_loop_run_once(100);
	}
}

static const char *missing(void)
{
	if (access(QEMU, X_OK) < 0)
		return "qemu-system-x86_64 is not installed (Debian package qemu-system-x86)";
	if (access(QEMU_DRIVER, R_OK) < 0)
		return "libvirt's QEMU driver is not installed (libvirt-daemon-driver-qemu)";
	if (!getpwnam("libvirt-qemu"))
		return "the libvirt-qemu user does not exist (libvirt-daemon-system creates it)";
	if (geteuid() != 0)
		return "qemu:///embed with user=root in qemu.conf needs root";
	return NULL;
}

static int group_setup(void **state)
{
	struct svff_err err = { 0 };
	char uri[256], path[128];
	FILE *f;

	(void)state;
	snprintf(embed_root, sizeof(embed_root), "/tmp/svff-embed-XXXXXX");
	assert_non_null(mkdtemp(embed_root));
	snprintf(path, sizeof(path), "%s/etc", embed_root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/etc/qemu.conf", embed_root);
	f = fopen(path, "w");
	assert_non_null(f);
	/* no daemon, no cgroups, no namespaces, no security driver: a plain
	 * QEMU child of this process */
	fputs("user = \"root\"\ngroup = \"root\"\nstdio_handler = \"file\"\nsecurity_driver = \"none\"\n"
	      "namespaces = [ ]\ncgroup_controllers = [ ]\n", f);
	fclose(f);
	fixture = testutil_host_new("qdma-host");
	assert_int_equal(svff_host_new(fixture, &host, &err), 0);
	assert_int_equal(svff_host_scan(host, &err), 0);
	assert_int_equal(svff_loop_init(&err), 0);
	snprintf(uri, sizeof(uri), "qemu:///embed?root=%s", embed_root);
	if (svff_virt_new(uri, false, &virt, &err) < 0)
		fail_msg("%s", err.msg);
	svff_virt_set_listener(virt, listener, NULL);
	return 0;
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(p) : unlink(p);
}

static int group_teardown(void **state)
{
	(void)state;
	svff_virt_free(virt);
	svff_host_free(host);
	testutil_rmtree(fixture);
	nftw(embed_root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static void test_lifecycle_suspend_resume(void **state)
{
	struct svff_err err = { 0 };
	virDomainPtr dom;

	(void)state;
	dom = virDomainDefineXML(svff_virt_conn(virt),
		"<domain type='qemu'><name>tcg1</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
		"<os><type arch='x86_64' machine='q35'>hvm</type></os>"
		"<devices><emulator>" QEMU "</emulator><video><model type='none'/></video>"
		"<memballoon model='none'/></devices></domain>");
	if (!dom)
		fail_msg("define: %s", svff_virt_last_error());
	assert_true(wait_for("0 tcg1 defined", 5000));
	assert_int_equal(svff_virt_find_vm(virt, "tcg1")->state, SVFF_VM_SHUTOFF);
	if (virDomainCreate(dom) < 0)
		fail_msg("start: %s", svff_virt_last_error());
	assert_true(wait_for("2 tcg1 started", 20000));
	assert_int_equal(svff_virt_find_vm(virt, "tcg1")->state, SVFF_VM_RUNNING);

	assert_int_equal(svff_virt_suspend(virt, "tcg1", &err), 0);
	assert_true(wait_for("2 tcg1 suspended", 10000));
	assert_int_equal(svff_virt_find_vm(virt, "tcg1")->state, SVFF_VM_PAUSED);
	assert_int_equal(svff_virt_resume(virt, "tcg1", &err), 0);
	assert_true(wait_for("2 tcg1 resumed", 10000));
	assert_int_equal(svff_virt_find_vm(virt, "tcg1")->state, SVFF_VM_RUNNING);
	virDomainFree(dom);
}

/* Stock QEMU has no device_pause: svff asks (query-commands through
 * libvirt-qemu) and says so; QEMU itself rejects the command. */
static void test_pause_detection_stock(void **state)
{
	struct svff_err err = { 0 };
	char why[300], *reply = NULL;
	bool yes = true;

	(void)state;
	assert_int_equal(svff_virt_pause_supported(virt, "tcg1", &yes, why, sizeof(why), &err), 0);
	assert_false(yes);
	assert_non_null(strstr(why, "VM tcg1: this QEMU has no VFIO pause support (device_pause)"));
	assert_int_equal(svff_virt_monitor(virt, "tcg1",
					   "{\"execute\":\"device_pause\",\"arguments\":{\"id\":\"x\",\"pause\":true}}",
					   &reply, &err), 0);
	assert_non_null(reply);
	assert_non_null(strstr(reply, "CommandNotFound"));
	free(reply);
}

static void test_attach_without_iommu(void **state)
{
	struct svff_strlist notes = { 0 };
	struct svff_err err = { 0 };
	virDomainPtr dom = virDomainLookupByName(svff_virt_conn(virt), "tcg1");
	char *before, *after;

	(void)state;
	assert_non_null(dom);
	before = virDomainGetXMLDesc(dom, 0);
	assert_int_equal(svff_virt_attach(virt, host, NULL, "0000:01:00.5", "tcg1", SVFF_ATTACH_LIVE, false,
					  &notes, &err), -EIO);
	/* libvirt's own words, and svff's promise */
	assert_non_null(strstr(err.msg, "the VM is unchanged. libvirt: "));
	assert_non_null(strstr(err.msg, "passthrough"));
	after = virDomainGetXMLDesc(dom, 0);
	assert_string_equal(before, after);
	assert_int_equal(svff_virt_find_vm(virt, "tcg1")->n_hostdevs, 0);
	assert_int_equal(svff_virt_find_vm(virt, "tcg1")->state, SVFF_VM_RUNNING);
	free(before);
	free(after);
	svff_strlist_clear(&notes);

	assert_int_equal(virDomainDestroy(dom), 0);
	assert_true(wait_for("2 tcg1 stopped", 10000));
	assert_int_equal(virDomainUndefine(dom), 0);
	assert_true(wait_for("1 tcg1 undefined", 5000));
	assert_null(svff_virt_find_vm(virt, "tcg1"));
	virDomainFree(dom);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lifecycle_suspend_resume),
		cmocka_unit_test(test_pause_detection_stock),
		cmocka_unit_test(test_attach_without_iommu),
	};
	const char *why = missing();

	if (why) {
		printf("SKIP: %s\n", why);
		return 77;
	}
	setenv("LIBVIRT_LOG_OUTPUTS", "1:file:/dev/null", 0);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
