/* Unit tests: the real libudev code paths (enumeration, monitor) under
 * umockdev, which fakes /sys and netlink uevents for libudev.  Run through
 * umockdev-wrapper (tests/run-test does). */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <umockdev.h>

#include "lab/fakehost.h"
#include "svff/devevent.h"
#include "svff/host.h"
#include "udev.h"

struct fx {
	UMockdevTestbed *tb;
	char sys[4096];		/* the testbed's sysfs, as a plain folder */
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct svff_err err = { 0 };
	gchar *root;

	fx->tb = umockdev_testbed_new();
	root = umockdev_testbed_get_root_dir(fx->tb);
	snprintf(fx->sys, sizeof(fx->sys), "%s/sys", root);
	g_free(root);
	/* Our fixture host, written into the testbed: libudev sees it as /sys
	 * through umockdev, svff reads it as a --sysfs-root folder. */
	if (svff_fakehost_build(fx->sys, "qdma-host", &err) < 0)
		fail_msg("%s", err.msg);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	g_object_unref(fx->tb);
	free(fx);
	return 0;
}

static int count(const char *bdf, void *data)
{
	struct svff_bdf b;

	assert_int_equal(svff_bdf_parse(bdf, &b), 0);
	(*(int *)data)++;
	return 0;
}

static void test_enumerate(void **state)
{
	struct svff_err err = { 0 };
	int n = 0;

	(void)state;
	assert_int_equal(svff_udev_enumerate_pci(count, &n, &err), 0);
	assert_int_equal(n, 17);
}

static int wait_event(struct svff_evsrc *src, struct svff_devevent *ev)
{
	struct pollfd pfd = { .fd = src->ops->fd(src), .events = POLLIN };
	struct svff_err err = { 0 };

	for (int i = 0; i < 50; i++) {
		int rc = src->ops->next(src, ev, &err);

		if (rc != 0)
			return rc;
		poll(&pfd, 1, 100);
	}
	return 0;
}

static void test_monitor_feeds_model(void **state)
{
	struct fx *fx = *state;
	struct svff_err err = { 0 };
	struct svff_fakehost *fh;
	struct svff_evsrc *src;
	struct svff_host *host;
	struct svff_devevent ev;

	assert_int_equal(svff_udev_monitor_new(&src, &err), 0);
	assert_int_equal(svff_host_new(fx->sys, &host, &err), 0);
	assert_int_equal(svff_host_scan(host, &err), 0);
	assert_null(svff_host_find(host, "0000:01:10.2"));

	/* the kernel creates a VF on PF2 and says so */
	assert_int_equal(svff_fakehost_new(fx->sys, &fh, &err), 0);
	assert_int_equal(svff_fakehost_enable_vfs(fh, "0000:01:00.2", 1, "vfio-pci", &err), 0);
	svff_fakehost_free(fh);
	umockdev_testbed_uevent(fx->tb, "/sys/devices/pci0000:00/0000:01:10.2", "add");

	assert_int_equal(wait_event(src, &ev), 1);
	assert_string_equal(ev.action, "add");
	assert_string_equal(ev.bdf, "0000:01:10.2");
	assert_int_equal(svff_host_apply_event(host, ev.action, ev.bdf, &err), 0);
	assert_non_null(svff_host_find(host, "0000:01:10.2"));
	assert_string_equal(svff_host_find(host, "0000:01:10.2")->driver, "vfio-pci");
	assert_int_equal(svff_host_find(host, "0000:01:00.2")->sriov.num_vfs, 1);

	svff_host_free(host);
	svff_evsrc_free(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_enumerate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_monitor_feeds_model, setup, teardown),
	};

	if (!getenv("LD_PRELOAD") || !strstr(getenv("LD_PRELOAD"), "umockdev-preload")) {
		fprintf(stderr, "test_udev: must run under umockdev-wrapper\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
