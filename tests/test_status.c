/* Unit tests: `svff status` output, text and JSON (schema svff-status/1). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "status.h"
#include "svff/host.h"
#include "testutil.h"

static struct json_object *status_of(const char *root, struct svff_host **hostp)
{
	struct svff_err err = { 0 };
	struct json_object *doc;
	struct svff_host *host;
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	assert_int_equal(svff_host_new(root, &host, &err), 0);
	assert_int_equal(svff_host_scan(host, &err), 0);
	/* the document is written piece by piece: what is printed must parse,
	 * whole, as one JSON value */
	out = open_memstream(&text, &len);
	assert_non_null(out);
	assert_int_equal(status_json_write(out, host, NULL, NULL), 0);
	fclose(out);
	doc = json_tokener_parse(text);
	assert_non_null(doc);
	free(text);
	if (hostp)
		*hostp = host;
	else
		svff_host_free(host);
	return doc;
}

static struct json_object *get(struct json_object *o, const char *path)
{
	char key[64];
	const char *p = path;

	while (*p) {
		size_t n = strcspn(p, ".");

		snprintf(key, sizeof(key), "%.*s", (int)n, p);
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, (size_t)atoi(key));
		else if (!json_object_object_get_ex(o, key, &o))
			fail_msg("no %s in %s", key, path);
		p += n + (p[n] == '.');
	}
	return o;
}

static struct json_object *card_named(struct json_object *doc, const char *name)
{
	struct json_object *cards = get(doc, "cards");

	for (size_t i = 0; i < json_object_array_length(cards); i++) {
		struct json_object *c = json_object_array_get_idx(cards, i);

		if (!strcmp(json_object_get_string(get(c, "name")), name))
			return c;
	}
	fail_msg("no card %s", name);
	return NULL;
}

static void test_json_schema(void **state)
{
	char *root = testutil_host_new("qdma-host");
	struct json_object *doc = status_of(root, NULL);
	struct json_object *fpga = card_named(doc, "0000:01:00");
	struct json_object *pf0 = get(fpga, "functions.0");

	(void)state;
	assert_string_equal(json_object_get_string(get(doc, "schema")), "svff-status/1");
	assert_int_equal(json_object_array_length(get(doc, "cards")), 5);
	assert_string_equal(json_object_get_string(get(fpga, "kind")), "qdma");
	assert_int_equal(json_object_array_length(get(fpga, "functions")), 4);
	assert_string_equal(json_object_get_string(get(pf0, "bdf")), "0000:01:00.0");
	assert_string_equal(json_object_get_string(get(pf0, "role")), "pf");
	assert_string_equal(json_object_get_string(get(pf0, "vendor")), "0x10ee");
	assert_string_equal(json_object_get_string(get(pf0, "device")), "0x903f");
	assert_int_equal(json_object_get_int(get(pf0, "sriov.num_vfs")), 4);
	assert_int_equal(json_object_get_int(get(pf0, "sriov.total_vfs")), 63);
	assert_string_equal(json_object_get_string(get(pf0, "sriov.vf_device")), "0xa03f");
	assert_int_equal(json_object_get_int(get(pf0, "qdma.qmax")), 512);
	assert_int_equal(json_object_get_int(get(pf0, "link.width")), 16);
	assert_int_equal(json_object_get_int(get(pf0, "qdma_id.gen")), 3);
	assert_int_equal(json_object_array_length(get(pf0, "vfs")), 4);
	assert_string_equal(json_object_get_string(get(pf0, "vfs.2.driver")), "qdma-vf");
	assert_int_equal(json_object_get_int(get(pf0, "vfs.2.vf_index")), 2);
	assert_string_equal(json_object_get_string(get(pf0, "vfs.2.physfn")), "0000:01:00.0");
	assert_true(json_object_is_type(get(pf0, "vfs.0.qdma"), json_type_null));
	/* an unbound PF: driver is null, not "" */
	assert_true(json_object_is_type(get(fpga, "functions.3.driver"), json_type_null));
	assert_string_equal(json_object_get_string(get(card_named(doc, "0000:03:00"), "kind")), "sriov");
	assert_string_equal(json_object_get_string(get(card_named(doc, "0000:00:1f"), "kind")), "plain");
	assert_int_equal(json_object_array_length(get(doc, "warnings")), 0);
	json_object_put(doc);
	testutil_rmtree(root);
}

/* Damaged trees and hostile strings still give valid JSON with warnings. */
static void test_json_broken_and_hostile(void **state)
{
	char *root = testutil_host_new("broken-host");
	struct json_object *doc, *w;
	bool found = false;

	(void)state;
	testutil_write(root, "devices/pci0000:00/0000:01:00.4/driver_override",
		       "vfio\"pci\\\x01\xff\n");
	doc = status_of(root, NULL);
	w = get(doc, "warnings");
	assert_true(json_object_array_length(w) >= 7);
	for (size_t i = 0; i < json_object_array_length(w); i++)
		found |= strstr(json_object_get_string(json_object_array_get_idx(w, i)), "banana") != NULL;
	assert_true(found);
	assert_string_equal(json_object_get_string(get(card_named(doc, "0000:01:00"),
						       "functions.0.vfs.0.driver_override")),
			    "vfio\"pci\\\x01\xef\xbf\xbd");
	/* the PF with a dangling virtfn0 lists the one VF that exists */
	assert_int_equal(json_object_array_length(get(card_named(doc, "0000:01:00"),
						      "functions.1.vfs")), 1);
	assert_true(json_object_is_type(get(card_named(doc, "0000:02:00"), "functions.0.numa_node"),
					json_type_null));
	json_object_put(doc);
	testutil_rmtree(root);
}

static void test_text(void **state)
{
	char *root = testutil_host_new("qdma-host");
	struct svff_host *host;
	struct json_object *doc = status_of(root, &host);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	(void)state;
	status_print_text(out, host, NULL, NULL, false);
	fclose(out);
	assert_non_null(strstr(buf, "FPGA 0000:01:00  Xilinx Corporation"));
	assert_non_null(strstr(buf, "QDMA, 4 PFs, link 8.0 GT/s x16, NUMA node 0"));
	assert_non_null(strstr(buf, "PF 0000:01:00.0 [10ee:903f]  driver qdma-pf"));
	assert_non_null(strstr(buf, "VFs 4/63  qmax 512"));
	assert_non_null(strstr(buf, "`-- 3  VF 0000:01:00.7 [10ee:a03f]  driver qdma-vf"));
	assert_non_null(strstr(buf, "FPGA 0000:02:00"));
	assert_non_null(strstr(buf, "SR-IOV device 0000:03:00"));
	assert_non_null(strstr(buf, "2 other PCI devices without SR-IOV"));
	free(buf);
	buf = NULL;
	out = open_memstream(&buf, &len);
	status_print_text(out, host, NULL, NULL, true);
	fclose(out);
	assert_non_null(strstr(buf, "0000:00:1f.2 [8086:2922]  SATA controller"));
	free(buf);
	json_object_put(doc);
	svff_host_free(host);
	testutil_rmtree(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_schema),
		cmocka_unit_test(test_json_broken_and_hostile),
		cmocka_unit_test(test_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
