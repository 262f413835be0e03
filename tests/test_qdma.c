/* Unit tests: the QDMA netlink messages svff builds, byte for byte against
 * the layout of the driver's qdma_nl.h, replies parsed from recorded bytes,
 * and the real netlink path on a host without the QDMA driver. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "svff/qdma.h"

static void test_dev_idx(void **state)
{
	struct svff_bdf b = { 0, 0x81, 0x1f, 3 };

	(void)state;
	/* qdma%05x names: bus, slot, function */
	assert_int_equal(svff_qdma_dev_idx(&b), 0x811f3);
	b = (struct svff_bdf){ 0, 1, 0, 0 };
	assert_int_equal(svff_qdma_dev_idx(&b), 0x01000);
}

static void test_q_add_bytes(void **state)
{
	static const uint8_t want[] = {
		0x34, 0, 0, 0,  0x1d, 0,  0x01, 0,  7, 0, 0, 0,  0, 0, 0, 0,	/* nlmsghdr: 52 bytes, family 0x1d, REQUEST, seq 7 */
		8, 1, 0, 0,							/* genlmsghdr: Q_ADD, version 1 */
		8, 0, 2, 0,   0x00, 0x10, 0, 0,					/* DEV_IDX 0x1000 */
		8, 0, 34, 0,  0xff, 0xff, 0, 0,					/* QIDX 0xffff: the driver picks */
		8, 0, 35, 0,  4, 0, 0, 0,					/* NUM_Q 4 */
		8, 0, 36, 0,  0x0e, 0, 0, 0,					/* QFLAG MM|H2C|C2H */
	};
	struct svff_qdma_req req = { .cmd = SVFF_XNL_CMD_Q_ADD, .dev_idx = 0x1000,
				     .qidx = SVFF_XNL_QIDX_AUTO, .num_q = 4 };
	struct svff_err err = { 0 };
	uint8_t buf[512];
	long n;

	(void)state;
	assert_int_equal(svff_qdma_flags("mm", "bi", &req.flags, &err), 0);
	n = svff_qdma_build(buf, sizeof(buf), 0x1d, 7, &req, &err);
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

static void test_q_list_bytes(void **state)
{
	static const uint8_t want[] = {
		0x34, 0, 0, 0,  0x20, 0,  0x01, 0,  1, 0, 0, 0,  0, 0, 0, 0,
		7, 1, 0, 0,							/* Q_LIST */
		8, 0, 2, 0,   0x01, 0x10, 0, 0,					/* DEV_IDX 0x1001 */
		8, 0, 46, 0,  0, 0, 0, 0,					/* RANGE_START 0 */
		8, 0, 47, 0,  15, 0, 0, 0,					/* RANGE_END 15 */
		8, 0, 51, 0,  0x00, 0x50, 0, 0,					/* RSP_BUF_LEN 20480 */
	};
	struct svff_qdma_req req = { .cmd = SVFF_XNL_CMD_Q_LIST, .dev_idx = 0x1001, .range = true,
				     .range_start = 0, .range_end = 15 };
	struct svff_err err = { 0 };
	uint8_t buf[512];

	(void)state;
	assert_int_equal(svff_qdma_build(buf, sizeof(buf), 0x20, 1, &req, &err), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

static void test_flags(void **state)
{
	struct svff_err err = { 0 };
	uint32_t f;

	(void)state;
	assert_int_equal(svff_qdma_flags("st", "c2h", &f, &err), 0);
	assert_int_equal(f, SVFF_XNL_F_QMODE_ST | SVFF_XNL_F_QDIR_C2H);
	assert_int_equal(svff_qdma_flags("xx", "c2h", &f, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "expected mm or st"));
	assert_int_equal(svff_qdma_flags("mm", "up", &f, &err), -EINVAL);
}

/* A reply as the driver sends it: GENMSG text and ERROR. */
static void test_parse_reply(void **state)
{
	static const uint8_t ok[] = {
		0x30, 0, 0, 0,  0x1d, 0,  0, 0,  7, 0, 0, 0,  0x39, 0x30, 0, 0,
		8, 1, 0, 0,
		20, 0, 0, 0,  'A', 'd', 'd', 'e', 'd', ' ', '4', ' ', 'Q', 'u', 'e', 'u', 'e', 's', '.', 0,
		8, 0, 59, 0,  0, 0, 0, 0,
	};
	static const uint8_t bad[] = {
		0x2c, 0, 0, 0,  0x1d, 0,  0, 0,  8, 0, 0, 0,  0, 0, 0, 0,
		9, 1, 0, 0,
		16, 0, 0, 0,  'q', 'i', 'd', 'x', ' ', 'i', 'n', 'v', 'a', 'l', 'i', 0,
		8, 0, 59, 0,  0xea, 0xff, 0xff, 0xff,			/* -22 */
	};
	static const uint8_t skewed[] = {
		0x1c, 0, 0, 0,  0x1d, 0,  0, 0,  8, 0, 0, 0,  0, 0, 0, 0,
		9, 1, 0, 0,
		6, 0, 59, 0,  1, 0, 0, 0,				/* a u16 where a u32 belongs */
	};
	static const uint8_t nlerr[] = {
		0x24, 0, 0, 0,  2, 0,  0, 0,  8, 0, 0, 0,  0, 0, 0, 0,	/* NLMSG_ERROR */
		0xfe, 0xff, 0xff, 0xff,					/* -2 */
		0x10, 0, 0, 0,  0x1d, 0, 1, 0,  8, 0, 0, 0,  0, 0, 0, 0,
	};
	struct svff_qdma_reply r;
	struct svff_err err = { 0 };

	(void)state;
	assert_int_equal(svff_qdma_parse(ok, sizeof(ok), &r, &err), 0);
	assert_string_equal(r.msg, "Added 4 Queues.");
	assert_int_equal(r.error, 0);
	assert_true(r.has_u32[SVFF_XNL_ATTR_ERROR]);
	assert_int_equal(svff_qdma_parse(bad, sizeof(bad), &r, &err), 0);
	assert_int_equal(r.error, -EINVAL);
	assert_string_equal(r.msg, "qidx invali");
	assert_int_equal(svff_qdma_parse(skewed, sizeof(skewed), &r, &err), -EPROTO);
	assert_non_null(strstr(err.msg, "ERR_DEBUG"));
	assert_int_equal(svff_qdma_parse(nlerr, sizeof(nlerr), &r, &err), -ENOENT);
	assert_int_equal(svff_qdma_parse(ok, 10, &r, &err), -EPROTO);
}

/* This machine has no QDMA driver: the family lookup says so. */
static void test_no_driver(void **state)
{
	struct svff_function fn = { .bdf = { 0, 1, 0, 0 } };
	struct svff_qdma_req req = { .cmd = SVFF_XNL_CMD_Q_LIST, .dev_idx = 0x1000 };
	struct svff_qdma_reply r;
	struct svff_err err = { 0 };

	(void)state;
	snprintf(fn.name, sizeof(fn.name), "0000:01:00.0");
	snprintf(fn.driver, sizeof(fn.driver), "qdma-pf");
	assert_int_equal(svff_qdma_call(&fn, &req, &r, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "QDMA driver not loaded"));
	assert_non_null(strstr(err.msg, "xnl_pf"));
	snprintf(fn.driver, sizeof(fn.driver), "vfio-pci");
	assert_int_equal(svff_qdma_call(&fn, &req, &r, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "not to qdma-pf or qdma-vf"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dev_idx),
		cmocka_unit_test(test_q_add_bytes),
		cmocka_unit_test(test_q_list_bytes),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_parse_reply),
		cmocka_unit_test(test_no_driver),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
