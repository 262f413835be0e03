/* Unit tests: the sysfs seam (root-relative access, refusals) and parsers. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "lab/kmodel.h"
#include "svff/host.h"
#include "sysfs.h"
#include "testutil.h"
#include "testhooks.h"

struct fx {
	char *root;
	struct svff_sysfs *sys;
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct svff_err err = { 0 };

	fx->root = testutil_host_new("qdma-host");
	assert_int_equal(svff_sysfs_new(fx->root, &fx->sys, &err), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	svff_sysfs_free(fx->sys);
	testutil_rmtree(fx->root);
	free(fx);
	return 0;
}

static void test_parse_long(void **state)
{
	long v = 0;

	(void)state;
	assert_int_equal(svff_parse_long("12\n", &v), 0);
	assert_int_equal(v, 12);
	assert_int_equal(svff_parse_long(" -1", &v), 0);
	assert_int_equal(v, -1);
	assert_int_equal(svff_parse_long("0x10ee\n", &v), 0);
	assert_int_equal(v, 0x10ee);
	assert_int_equal(svff_parse_long("12a", &v), -EINVAL);
	assert_int_equal(svff_parse_long("", &v), -EINVAL);
	assert_int_equal(svff_parse_long("banana", &v), -EINVAL);
	assert_int_equal(svff_parse_long("99999999999999999999999", &v), -EINVAL);
}

static void test_bdf(void **state)
{
	struct svff_bdf b;
	char buf[SVFF_BDF_LEN];

	(void)state;
	assert_int_equal(svff_bdf_parse("0000:01:00.4", &b), 0);
	assert_int_equal(b.bus, 1);
	assert_int_equal(b.func, 4);
	assert_int_equal(svff_bdf_parse("81:1f.7", &b), 0);
	svff_bdf_format(&b, buf, sizeof(buf));
	assert_string_equal(buf, "0000:81:1f.7");
	assert_int_equal(svff_bdf_parse("0000:01:20.0", &b), -EINVAL);	/* slot > 31 */
	assert_int_equal(svff_bdf_parse("0000:01:00.8", &b), -EINVAL);	/* func > 7 */
	assert_int_equal(svff_bdf_parse("0000:01:00.0x", &b), -EINVAL);
	assert_int_equal(svff_bdf_parse("virtfn0", &b), -EINVAL);
}

static void test_qdma_id(void **state)
{
	struct svff_qdma_id id;

	(void)state;
	id = svff_qdma_id_decode(0x10ee, 0x903f);
	assert_true(id.valid);
	assert_false(id.vf);
	assert_int_equal(id.pf, 0);
	assert_int_equal(id.gen, 3);
	assert_int_equal(id.lanes, 16);
	id = svff_qdma_id_decode(0x10ee, 0xa238);
	assert_true(id.valid && id.vf);
	assert_int_equal(id.pf, 2);
	assert_int_equal(id.lanes, 8);
	id = svff_qdma_id_decode(0x10ee, 0xc334);
	assert_true(id.valid && id.vf);
	assert_int_equal(id.pf, 3);
	assert_int_equal(id.gen, 3);
	assert_int_equal(id.lanes, 4);
	assert_false(svff_qdma_id_decode(0x8086, 0x903f).valid);	/* not Xilinx */
	assert_false(svff_qdma_id_decode(0x10ee, 0x7038).valid);	/* XDMA, not QDMA */
	assert_false(svff_qdma_id_decode(0x10ee, 0x943f).valid);	/* PF 4 */
	assert_false(svff_qdma_id_decode(0x10ee, 0x9033).valid);	/* 3 lanes */
}

static void test_read(void **state)
{
	struct fx *fx = *state;
	struct svff_err err = { 0 };
	char buf[64];
	long v;

	assert_int_equal(svff_sysfs_read(fx->sys, "bus/pci/devices/0000:01:00.0/vendor", buf,
					 sizeof(buf), &err), 0);
	assert_string_equal(buf, "0x10ee");
	assert_int_equal(svff_sysfs_read_long(fx->sys, "bus/pci/devices/0000:01:00.0/sriov_numvfs",
					      &v, &err), 0);
	assert_int_equal(v, 4);
	assert_int_equal(svff_sysfs_link_name(fx->sys, "bus/pci/devices/0000:01:00.4/driver", buf,
					      sizeof(buf), &err), 0);
	assert_string_equal(buf, "vfio-pci");
	assert_int_equal(svff_sysfs_link_name(fx->sys, "bus/pci/devices/0000:01:00.4/physfn", buf,
					      sizeof(buf), &err), 0);
	assert_string_equal(buf, "0000:01:00.0");
}

static void test_refuses_dotdot(void **state)
{
	struct fx *fx = *state;
	struct svff_err err = { 0 };
	char buf[64];

	assert_int_equal(svff_sysfs_read(fx->sys, "../../etc/passwd", buf, sizeof(buf), &err), -EXDEV);
	assert_non_null(strstr(err.msg, "outside the sysfs root"));
	assert_int_equal(svff_sysfs_read(fx->sys, "bus/../../x", buf, sizeof(buf), &err), -EXDEV);
	assert_int_equal(svff_sysfs_read(fx->sys, "/etc/hostname", buf, sizeof(buf), &err), -EXDEV);
	assert_int_equal(svff_sysfs_write(fx->sys, "../escape", "1", &err), -EXDEV);
}

static void test_refuses_escaping_link(void **state)
{
	struct fx *fx = *state;
	struct svff_err err = { 0 };
	char buf[64];

	/* absolute and relative links that lead out of the root */
	testutil_symlink(fx->root, "bus/pci/devices/0000:01:00.0/evil", "/etc/hostname");
	testutil_symlink(fx->root, "bus/pci/devices/0000:01:00.0/evil2",
			 "../../../../../../../../../../../../etc/hostname");
	assert_true(svff_sysfs_read(fx->sys, "bus/pci/devices/0000:01:00.0/evil", buf,
				    sizeof(buf), &err) < 0);
	assert_true(svff_sysfs_read(fx->sys, "bus/pci/devices/0000:01:00.0/evil2", buf,
				    sizeof(buf), &err) < 0);
	assert_non_null(strstr(err.msg, "outside the sysfs root"));
	assert_true(svff_sysfs_write(fx->sys, "bus/pci/devices/0000:01:00.0/evil2", "x", &err) < 0);
	assert_true(svff_sysfs_link_name(fx->sys, "bus/pci/devices/0000:01:00.0/evil2", buf,
					 sizeof(buf), &err) < 0);
}

static void test_errors_name_the_file(void **state)
{
	struct fx *fx = *state;
	struct svff_err err = { 0 };
	char buf[64];
	long v;

	testutil_write(fx->root, "devices/pci0000:00/0000:01:00.0/numa_node", "two\n");
	assert_int_equal(svff_sysfs_read_long(fx->sys, "bus/pci/devices/0000:01:00.0/numa_node", &v,
					      &err), -EINVAL);
	assert_non_null(strstr(err.msg, "0000:01:00.0/numa_node"));
	assert_non_null(strstr(err.msg, "expected a number"));
	assert_int_equal(svff_sysfs_read(fx->sys, "bus/pci/devices/0000:01:00.0/nope", buf,
					 sizeof(buf), &err), -ENOENT);
	assert_non_null(strstr(err.msg, "/nope"));
	testutil_symlink(fx->root, "devices/pci0000:00/0000:01:00.0/driver",
			 "../../../bus/pci/drivers/missing");
	assert_int_equal(svff_sysfs_link_name(fx->sys, "bus/pci/devices/0000:01:00.0/driver", buf,
					      sizeof(buf), &err), -ENOENT);
	assert_non_null(strstr(err.msg, "dangling"));
}

static void test_write(void **state)
{
	struct fx *fx = *state;
	struct svff_err err = { 0 };
	long v;

	assert_int_equal(svff_sysfs_write(fx->sys, "bus/pci/devices/0000:01:00.2/qdma/qmax", "32",
					  &err), 0);
	assert_int_equal(svff_sysfs_read_long(fx->sys, "bus/pci/devices/0000:01:00.2/qdma/qmax", &v,
					      &err), 0);
	assert_int_equal(v, 32);
	assert_int_equal(svff_sysfs_write(fx->sys, "bus/pci/devices/0000:09:00.0/x", "1", &err), -ENOENT);
}

static void test_bad_roots(void **state)
{
	struct svff_sysfs *sys = NULL;
	struct svff_err err = { 0 };

	(void)state;
	assert_int_equal(svff_sysfs_new("/nonexistent/sysfs", &sys, &err), -ENOENT);
	assert_null(sys);
	assert_non_null(strstr(err.msg, "/nonexistent/sysfs"));
	assert_int_equal(svff_sysfs_new("/tmp", &sys, &err), -ENOTDIR);
	assert_non_null(strstr(err.msg, "not a sysfs tree"));
	assert_int_equal(svff_sysfs_new("", &sys, &err), -EINVAL);
}

/* The real /sys is the real /sys however the root is spelt; a fixture
 * tree, or a link to one, is a tree. */
static void test_real_sys_by_resolved_path(void **state)
{
	static const char *const spellings[] = { "/sys", "//sys", "/sys/.", "/sys/", "/sys/bus/..", NULL };
	char real[4096], link[64] = "/tmp/svff-test-sys-XXXXXX", tlink[80];
	struct svff_err err = { 0 };
	struct svff_kmodel *km = NULL;
	struct svff_evsrc *ev = NULL;
	struct svff_sysfs *sys = NULL;
	char *root = testutil_host_new("qdma-host");
	bool system = true;

	(void)state;
	for (size_t i = 0; spellings[i]; i++) {
		assert_int_equal(svff_sysfs_locate(spellings[i], real, sizeof(real), &system, &err), 0);
		assert_true(system);
		assert_string_equal(real, "/sys");
	}
	assert_non_null(mkdtemp(link));
	snprintf(tlink, sizeof(tlink), "%s/l", link);
	assert_int_equal(symlink("/sys", tlink), 0);
	assert_int_equal(svff_sysfs_locate(tlink, real, sizeof(real), &system, &err), 0);
	assert_true(system);
	unlink(tlink);
	assert_int_equal(symlink(root, tlink), 0);
	assert_int_equal(svff_sysfs_locate(tlink, real, sizeof(real), &system, &err), 0);
	assert_false(system);
	assert_int_equal(svff_sysfs_locate(root, real, sizeof(real), &system, &err), 0);
	assert_false(system);
	unlink(tlink);
	rmdir(link);
	assert_int_equal(svff_sysfs_locate("/nonexistent/x", real, sizeof(real), &system, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/x"));

	/* the kernel model never takes the host's own sysfs */
	if (access("/sys/bus/pci/devices", F_OK) == 0) {
		assert_int_equal(svff_sysfs_new("//sys", &sys, &err), 0);
		assert_true(svff_sysfs_is_system(sys));
		assert_int_equal(svff_kmodel_new(sys, NULL, &km, &ev, &err), -EPERM);
		assert_null(km);
		assert_null(ev);
		assert_non_null(strstr(err.msg, "the host's own sysfs"));
		svff_sysfs_free(sys);
	} else {
		fprintf(stderr, "# skipped: the kernel model on /sys (this machine has no /sys/bus/pci/devices)\n");
	}
	assert_int_equal(svff_sysfs_new(root, &sys, &err), 0);
	assert_false(svff_sysfs_is_system(sys));
	assert_int_equal(svff_kmodel_new(sys, NULL, &km, &ev, &err), 0);
	svff_kmodel_free(km);
	svff_evsrc_free(ev);
	svff_sysfs_free(sys);
	testutil_rmtree(root);
}

/* Renames anywhere on the machine make openat2's RESOLVE_BENEATH answer
 * EAGAIN for a path through ".." (every bus/pci/devices link has them):
 * reads must not fail for it. */
static void test_reads_while_files_are_renamed(void **state)
{
	struct fx *fx = *state;
	char dir[64] = "/tmp/svff-rename-XXXXXX", a[96], b[96], buf[64];
	struct svff_err err = { 0 };
	struct timespec t0, t;
	int failures = 0, reads = 0;
	pid_t child;

	assert_non_null(mkdtemp(dir));
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	testutil_write(dir, "a", "x");
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		for (;;) {
			if (rename(a, b) < 0 || rename(b, a) < 0)
				_exit(1);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		if (svff_sysfs_read(fx->sys, "bus/pci/devices/0000:01:00.0/vendor", buf, sizeof(buf), &err) < 0)
			failures++;
		reads++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < 700);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	unlink(a);
	unlink(b);
	rmdir(dir);
	if (failures)
		fail_msg("%d of %d reads failed while files were renamed: %s", failures, reads, err.msg);
}

/* A device folder held open reads like the root does, and refuses the same. */
static void test_dir(void **state)
{
	struct fx *fx = *state;
	struct svff_err err = { 0 };
	struct svff_sysfs_dir d;
	char buf[64], parent[64];
	long v;

	assert_int_equal(svff_sysfs_dir_open(fx->sys, "bus/pci/devices/0000:09:00.0", &d, &err), -ENOENT);
	assert_int_equal(svff_sysfs_dir_open(fx->sys, "bus/pci/devices/0000:01:00.4", &d, &err), 0);
	assert_int_equal(svff_sysfs_dir_read(&d, "vendor", buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "0x10ee");
	assert_int_equal(svff_sysfs_dir_link_name(&d, "driver", buf, sizeof(buf), parent, sizeof(parent),
						  &err), 0);
	assert_string_equal(buf, "vfio-pci");
	assert_string_equal(parent, "drivers");
	assert_int_equal(svff_sysfs_dir_link_name(&d, "physfn", buf, sizeof(buf), NULL, 0, &err), 0);
	assert_string_equal(buf, "0000:01:00.0");
	assert_int_equal(svff_sysfs_dir_read(&d, "nope", buf, sizeof(buf), &err), -ENOENT);
	assert_non_null(strstr(err.msg, "bus/pci/devices/0000:01:00.4/nope"));
	assert_false(svff_sysfs_dir_exists(&d, "nope"));
	assert_true(svff_sysfs_dir_exists(&d, "uevent"));
	/* nothing above the root, through names or links */
	assert_int_equal(svff_sysfs_dir_read(&d, "../../../../../etc/hostname", buf, sizeof(buf), &err), -EXDEV);
	testutil_symlink(fx->root, "devices/pci0000:00/0000:01:00.4/evil",
			 "../../../../../../../../../../../../etc/hostname");
	testutil_symlink(fx->root, "devices/pci0000:00/0000:01:00.4/evil_abs", "/etc");
	assert_true(svff_sysfs_dir_read(&d, "evil", buf, sizeof(buf), &err) < 0);
	assert_int_equal(svff_sysfs_dir_link_name(&d, "evil_abs", buf, sizeof(buf), NULL, 0, &err), -EXDEV);
	assert_non_null(strstr(err.msg, "0000:01:00.4/evil_abs: refused"));
	/* the link's own text, not followed: the caller judges where it leads */
	assert_int_equal(svff_sysfs_dir_link_name(&d, "evil", buf, sizeof(buf), parent, sizeof(parent), &err), 0);
	assert_string_equal(buf, "hostname");
	assert_string_equal(parent, "etc");
	testutil_write(fx->root, "devices/pci0000:00/0000:01:00.4/numa_node", "two\n");
	assert_int_equal(svff_sysfs_dir_read_long(&d, "numa_node", &v, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "0000:01:00.4/numa_node: expected a number, found 'two'"));
	svff_sysfs_dir_close(&d);
	assert_int_equal(svff_sysfs_dir_open(fx->sys, "bus/pci/devices/0000:01:00.0", &d, &err), 0);
	assert_int_equal(svff_sysfs_dir_read_long(&d, "qdma/qmax", &v, &err), 0);
	assert_true(v >= 0);
	svff_sysfs_dir_close(&d);
}

/* The same refusals through the realpath fallback (kernels before 5.6). */
static void test_refusals_without_openat2(void **state)
{
	svff_sysfs_use_openat2(0);
	test_refuses_dotdot(state);
	test_refuses_escaping_link(state);
	test_read(state);
	svff_sysfs_use_openat2(-1);
}

static void test_dir_without_openat2(void **state)
{
	svff_sysfs_use_openat2(0);
	test_dir(state);
	svff_sysfs_use_openat2(-1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_long),
		cmocka_unit_test(test_bdf),
		cmocka_unit_test(test_qdma_id),
		cmocka_unit_test(test_bad_roots),
		cmocka_unit_test(test_real_sys_by_resolved_path),
		cmocka_unit_test_setup_teardown(test_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_dotdot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_escaping_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_name_the_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals_without_openat2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dir_without_openat2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reads_while_files_are_renamed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
