/* svff — `svff status`: the host tree as text or as JSON (status.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "status.h"

static struct json_object *hex_or_null(long v, int width)
{
	char buf[24];

	if (v < 0)
		return NULL;
	snprintf(buf, sizeof(buf), "0x%0*lx", width, v);
	return json_object_new_string(buf);
}

static struct json_object *int_or_null(long v)
{
	return v < 0 ? NULL : json_object_new_int64(v);
}

/* Length of the valid UTF-8 sequence at s, 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f) ||
	    (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
		return 0;	/* overlong, surrogate or beyond U+10FFFF */
	return n;
}

/* Strings come from files anyone with a driver can fill: JSON must be UTF-8,
 * so invalid bytes become U+FFFD. */
static struct json_object *str_or_null(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	struct json_object *o;
	char *clean, *q;

	if (!s || !*s)
		return NULL;
	clean = malloc(strlen(s) * 3 + 1);
	if (!clean)
		return NULL;
	for (q = clean; *p;) {
		size_t n = utf8_len(p);

		if (n) {
			memcpy(q, p, n);
			q += n;
			p += n;
		} else {
			memcpy(q, "\xef\xbf\xbd", 3);
			q += 3;
			p++;
		}
	}
	*q = '\0';
	o = json_object_new_string(clean);
	free(clean);
	return o;
}

static void add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

struct json_object *status_vm_json_new(const struct svff_vm *vm)
{
	struct json_object *o = json_object_new_object(), *hds = json_object_new_array();

	add(o, "name", str_or_null(vm->name));
	add(o, "uuid", str_or_null(vm->uuid));
	add(o, "id", vm->id >= 0 ? json_object_new_int(vm->id) : NULL);
	add(o, "state", json_object_new_string(svff_vm_state_name(vm->state)));
	add(o, "reason", json_object_new_int(vm->reason));
	add(o, "vcpus", json_object_new_int((int)vm->vcpus));
	add(o, "memory_kib", json_object_new_int64((int64_t)vm->memory_kib));
	add(o, "persistent", json_object_new_boolean(vm->persistent));
	add(o, "stale", json_object_new_boolean(vm->stale));
	add(o, "numa_nodeset", str_or_null(vm->numa_nodeset));
	for (size_t i = 0; i < vm->n_hostdevs; i++) {
		const struct svff_hostdev *hd = &vm->hostdevs[i];
		struct json_object *h = json_object_new_object();

		add(h, "bdf", json_object_new_string(hd->bdf));
		add(h, "alias", str_or_null(hd->alias));
		add(h, "managed", json_object_new_boolean(hd->managed));
		add(h, "live", json_object_new_boolean(hd->live));
		add(h, "config", json_object_new_boolean(hd->config));
		json_object_array_add(hds, h);
	}
	add(o, "hostdevs", hds);
	return o;
}

struct json_object *status_function_json_new(const struct svff_host *host,
					      const struct svff_virt *virt,
					      const struct svff_function *fn)
{
	struct json_object *o = json_object_new_object();
	const struct svff_hostdev *hd = NULL;
	const struct svff_vm *vm = virt ? svff_virt_vm_of(virt, fn->name, &hd) : NULL;

	add(o, "bdf", json_object_new_string(fn->name));
	add(o, "role", json_object_new_string(svff_role_name(fn->role)));
	add(o, "vendor", hex_or_null(fn->vendor, 4));
	add(o, "device", hex_or_null(fn->device, 4));
	add(o, "subsystem_vendor", hex_or_null(fn->subsys_vendor, 4));
	add(o, "subsystem_device", hex_or_null(fn->subsys_device, 4));
	add(o, "class", hex_or_null(fn->class_code, 6));
	add(o, "vendor_name", str_or_null(fn->vendor_name));
	add(o, "device_name", str_or_null(fn->device_name));
	add(o, "class_name", str_or_null(fn->class_name));
	add(o, "driver", str_or_null(fn->driver));
	add(o, "driver_override", str_or_null(fn->driver_override));
	add(o, "iommu_group", int_or_null(fn->iommu_group));
	add(o, "numa_node", int_or_null(fn->numa_node));
	if (fn->link_speed[0] || fn->link_width > 0) {
		struct json_object *l = json_object_new_object();

		add(l, "speed", str_or_null(fn->link_speed));
		add(l, "width", int_or_null(fn->link_width));
		add(o, "link", l);
	} else {
		add(o, "link", NULL);
	}
	if (fn->qdma_id.valid) {
		struct json_object *q = json_object_new_object();

		add(q, "function", json_object_new_string(fn->qdma_id.vf ? "vf" : "pf"));
		add(q, "pf", json_object_new_int(fn->qdma_id.pf));
		add(q, "gen", json_object_new_int(fn->qdma_id.gen));
		add(q, "lanes", json_object_new_int(fn->qdma_id.lanes));
		add(o, "qdma_id", q);
	} else {
		add(o, "qdma_id", NULL);
	}
	if (fn->qdma.present) {
		const struct svff_qdma_attrs *a = &fn->qdma;
		struct json_object *q = json_object_new_object();

		add(q, "qmax", int_or_null(a->qmax));
		add(q, "intr_rngsz", int_or_null(a->intr_rngsz));
		add(q, "qmax_vfs", int_or_null(a->qmax_vfs));
		if (a->glbl_rng_sz[0] || a->buf_sz[0]) {
			struct json_object *m = json_object_new_object();

			add(m, "buf_sz", str_or_null(a->buf_sz));
			add(m, "glbl_rng_sz", str_or_null(a->glbl_rng_sz));
			add(m, "c2h_timer_cnt", str_or_null(a->c2h_timer_cnt));
			add(m, "c2h_cnt_th", str_or_null(a->c2h_cnt_th));
			add(m, "cmpl_status_acc", str_or_null(a->cmpl_status_acc));
			add(q, "global", m);
		}
		add(o, "qdma", q);
	} else {
		add(o, "qdma", NULL);
	}
	if (fn->role == SVFF_ROLE_PF) {
		const struct svff_sriov *s = &fn->sriov;
		struct json_object *j = json_object_new_object(), *vfs = json_object_new_array();

		add(j, "total_vfs", int_or_null(s->total_vfs));
		add(j, "num_vfs", int_or_null(s->num_vfs));
		add(j, "initial_vfs", int_or_null(s->initial_vfs));
		add(j, "vf_offset", int_or_null(s->vf_offset));
		add(j, "vf_stride", int_or_null(s->vf_stride));
		add(j, "vf_device", hex_or_null(s->vf_device, 4));
		add(o, "sriov", j);
		for (size_t k = 0; k < fn->n_vfs; k++) {
			const struct svff_function *vf = svff_host_find(host, fn->vfs[k]);

			if (vf)
				json_object_array_add(vfs, status_function_json_new(host, virt, vf));
		}
		add(o, "vfs", vfs);
	}
	if (fn->role == SVFF_ROLE_VF) {
		add(o, "physfn", json_object_new_string(fn->physfn));
		add(o, "vf_index", int_or_null(fn->vf_index));
	}
	if (vm) {
		struct json_object *j = json_object_new_object();

		add(j, "name", str_or_null(vm->name));
		add(j, "alias", str_or_null(hd->alias));
		add(j, "live", json_object_new_boolean(hd->live));
		add(j, "config", json_object_new_boolean(hd->config));
		add(j, "paused", json_object_new_boolean(svff_virt_vf_paused(virt, fn->name, NULL)));
		add(o, "vm", j);
	} else {
		add(o, "vm", NULL);
	}
	return o;
}

static bool shown_under_pf(const struct svff_host *host, const struct svff_function *fn)
{
	return fn->role == SVFF_ROLE_VF && svff_host_find(host, fn->physfn) &&
	       fn->vf_index >= 0;
}

/* The document is written as it is built, a function (a PF with its VFs)
 * at a time: as one json-c tree, a thousand functions took 13 MB at the
 * peak, more than the rest of svff. */
#define JSON_FLAGS (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE)

struct jw {
	FILE *out;
	int depth;
	bool first;		/* nothing yet in the open object or array */
};

static void jw_indent(struct jw *w)
{
	static const char spaces[] = "                                ";
	int n = 2 * w->depth;

	for (; n > 0; n -= (int)sizeof(spaces) - 1)
		fwrite(spaces, 1, n < (int)sizeof(spaces) - 1 ? (size_t)n : sizeof(spaces) - 1, w->out);
}

/* json-c's pretty form, shifted to the depth it is written at; strings
 * are escaped, so every newline is json-c's own. */
static void jw_value(struct jw *w, struct json_object *v)
{
	const char *p = v ? json_object_to_json_string_ext(v, JSON_FLAGS) : "null";
	const char *nl;

	/* a line at a time: a character at a time took 8% of the command */
	while ((nl = strchr(p, '\n'))) {
		fwrite(p, 1, (size_t)(nl - p + 1), w->out);
		jw_indent(w);
		p = nl + 1;
	}
	fputs(p, w->out);
	json_object_put(v);
}

static void jw_next(struct jw *w, const char *key)
{
	fputs(w->first ? "\n" : ",\n", w->out);
	w->first = false;
	jw_indent(w);
	if (key)
		fprintf(w->out, "\"%s\": ", key);	/* keys are ours: plain ASCII */
}

/* a value in the open object (key) or array (NULL); takes v */
static void jw_put(struct jw *w, const char *key, struct json_object *v)
{
	jw_next(w, key);
	jw_value(w, v);
}

static void jw_open(struct jw *w, const char *key, char bracket)
{
	if (w->depth > 0)
		jw_next(w, key);
	fputc(bracket, w->out);
	w->depth++;
	w->first = true;
}

static void jw_close(struct jw *w, char bracket)
{
	w->depth--;
	if (!w->first) {
		fputc('\n', w->out);
		jw_indent(w);
	}
	fputc(bracket, w->out);
	w->first = false;
}

int status_json_write(FILE *out, const struct svff_host *host, const struct svff_virt *virt,
		      const char *virt_error)
{
	const struct svff_strlist *warnings = svff_host_warnings(host);
	struct jw w = { .out = out };

	jw_open(&w, NULL, '{');
	jw_put(&w, "schema", json_object_new_string("svff-status/1"));
	jw_put(&w, "sysfs_root", str_or_null(svff_host_sysfs_root(host)));
	jw_open(&w, "cards", '[');
	for (size_t c = 0; c < svff_host_n_cards(host); c++) {
		const struct svff_card *card = svff_host_card(host, c);

		jw_open(&w, NULL, '{');
		jw_put(&w, "name", json_object_new_string(card->name));
		jw_put(&w, "kind", json_object_new_string(svff_card_kind_name(card->kind)));
		jw_open(&w, "functions", '[');
		for (size_t i = 0; i < card->n_fns; i++)
			jw_put(&w, NULL, status_function_json_new(host, virt, svff_host_function(host, card->fns[i])));
		jw_close(&w, ']');
		jw_close(&w, '}');
	}
	jw_close(&w, ']');
	/* VFs whose PF does not list them (a stale physfn, say) still show. */
	jw_open(&w, "unlisted_vfs", '[');
	for (size_t i = 0; i < svff_host_n_functions(host); i++) {
		const struct svff_function *fn = svff_host_function(host, i);

		if (fn->role == SVFF_ROLE_VF && !shown_under_pf(host, fn) &&
		    svff_host_find(host, fn->physfn))
			jw_put(&w, NULL, status_function_json_new(host, virt, fn));
	}
	jw_close(&w, ']');
	jw_open(&w, "libvirt", '{');
	jw_put(&w, "uri", virt ? str_or_null(svff_virt_uri(virt)) : NULL);
	jw_put(&w, "connected", json_object_new_boolean(virt && svff_virt_connected(virt)));
	jw_put(&w, "error", str_or_null(virt_error));
	jw_close(&w, '}');
	jw_open(&w, "vms", '[');
	for (size_t i = 0; virt && i < svff_virt_n_vms(virt); i++)
		jw_put(&w, NULL, status_vm_json_new(svff_virt_vm(virt, i)));
	jw_close(&w, ']');
	jw_open(&w, "warnings", '[');
	for (size_t i = 0; i < warnings->len; i++)
		jw_put(&w, NULL, str_or_null(warnings->items[i]));
	jw_close(&w, ']');
	jw_close(&w, '}');
	fputc('\n', out);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

/* ---- text ------------------------------------------------------------------ */

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static void print_ids(FILE *out, const struct svff_function *fn)
{
	if (fn->vendor >= 0 && fn->device >= 0)
		fprintf(out, " [%04lx:%04lx]", fn->vendor, fn->device);
}

/* As lspci: names from pci.ids, numbers where it has none. */
static void print_name(FILE *out, const struct svff_function *fn)
{
	if (fn->vendor_name[0])
		fputs(fn->vendor_name, out);
	else
		fprintf(out, "Vendor %04lx", fn->vendor);
	if (fn->device_name[0])
		fprintf(out, " %s", fn->device_name);
	else
		fprintf(out, " Device %04lx", fn->device);
}

static void print_fn_line(FILE *out, const struct svff_virt *virt, const struct svff_function *fn,
			  const char *indent)
{
	const struct svff_hostdev *hd = NULL;
	const struct svff_vm *vm = virt ? svff_virt_vm_of(virt, fn->name, &hd) : NULL;

	fprintf(out, "%s%s %s", indent, fn->role == SVFF_ROLE_PF ? "PF" : fn->role == SVFF_ROLE_VF ? "VF" : "fn",
		fn->name);
	print_ids(out, fn);
	fprintf(out, "  driver %s", fn->driver[0] ? fn->driver : "(none)");
	if (fn->driver_override[0])
		fprintf(out, " (override %s)", fn->driver_override);
	if (fn->iommu_group >= 0)
		fprintf(out, "  group %ld", fn->iommu_group);
	if (fn->role == SVFF_ROLE_PF) {
		fprintf(out, "  VFs %ld/%ld", fn->sriov.num_vfs < 0 ? 0 : fn->sriov.num_vfs,
			fn->sriov.total_vfs);
	}
	if (fn->qdma.present && fn->qdma.qmax >= 0)
		fprintf(out, "  qmax %ld", fn->qdma.qmax);
	if (vm)
		fprintf(out, "  VM %s (%s%s)", vm->name, hd->live ? (hd->config ? "live+config" : "live") : "config",
			svff_virt_vf_paused(virt, fn->name, NULL) ? ", paused" : "");
	fputc('\n', out);
}

static void print_card_head(FILE *out, const struct svff_host *host, const struct svff_card *card)
{
	const struct svff_function *f0 = svff_host_function(host, card->fns[0]);
	size_t pfs = 0;

	for (size_t i = 0; i < card->n_fns; i++)
		pfs += svff_host_function(host, card->fns[i])->role == SVFF_ROLE_PF;
	fprintf(out, "%s %s  ", card->kind == SVFF_CARD_QDMA ? "FPGA" : "SR-IOV device", card->name);
	print_name(out, f0);
	fprintf(out, "\n    %s, %zu PF%s", card->kind == SVFF_CARD_QDMA ? "QDMA" : "generic SR-IOV",
		pfs, pfs == 1 ? "" : "s");
	if (f0->link_speed[0])
		fprintf(out, ", link %s x%ld", f0->link_speed, f0->link_width);
	if (f0->numa_node >= 0)
		fprintf(out, ", NUMA node %ld", f0->numa_node);
	fputc('\n', out);
}

static void print_vms(FILE *out, const struct svff_virt *virt)
{
	size_t w = 4;

	fprintf(out, "VMs (libvirt %s%s)\n", svff_virt_uri(virt),
		svff_virt_connected(virt) ? "" : ", disconnected: last known state");
	if (!svff_virt_n_vms(virt)) {
		fprintf(out, "    none defined\n");
		return;
	}
	for (size_t i = 0; i < svff_virt_n_vms(virt); i++)
		if (strlen(svff_virt_vm(virt, i)->name) > w)
			w = strlen(svff_virt_vm(virt, i)->name);
	for (size_t i = 0; i < svff_virt_n_vms(virt); i++) {
		const struct svff_vm *vm = svff_virt_vm(virt, i);

		fprintf(out, "    %-*s  %-13s %2u vCPU%s %6llu MiB", (int)w, vm->name,
			svff_vm_state_name(vm->state), vm->vcpus, vm->vcpus == 1 ? " " : "s",
			vm->memory_kib / 1024);
		for (size_t k = 0; k < vm->n_hostdevs; k++)
			fprintf(out, "%s%s%s%s%s", k ? ", " : "  VFs ", vm->hostdevs[k].bdf,
				vm->hostdevs[k].alias[0] ? " (" : "", vm->hostdevs[k].alias,
				vm->hostdevs[k].alias[0] ? ")" : "");
		fputc('\n', out);
	}
}

void status_print_text(FILE *out, const struct svff_host *host, const struct svff_virt *virt,
		       const char *virt_error, bool all)
{
	const struct svff_strlist *w = svff_host_warnings(host);
	size_t plain = 0, shown = 0;

	for (size_t c = 0; c < svff_host_n_cards(host); c++) {
		const struct svff_card *card = svff_host_card(host, c);

		if (card->kind == SVFF_CARD_PLAIN) {
			plain++;
			continue;
		}
		if (shown++)
			fputc('\n', out);
		print_card_head(out, host, card);
		for (size_t i = 0; i < card->n_fns; i++) {
			const struct svff_function *fn = svff_host_function(host, card->fns[i]);
			bool last_fn = i + 1 == card->n_fns;
			size_t nvf = 0, k;

			print_fn_line(out, virt, fn, last_fn ? "`-- " : "|-- ");
			for (k = 0; k < fn->n_vfs; k++)
				nvf += svff_host_find(host, fn->vfs[k]) != NULL;
			for (k = 0; k < fn->n_vfs; k++) {
				const struct svff_function *vf = svff_host_find(host, fn->vfs[k]);
				char ind[32];

				if (!vf)
					continue;
				snprintf(ind, sizeof(ind), "%s%s %-3zu", last_fn ? "    " : "|   ",
					 --nvf ? "|--" : "`--", k);
				print_fn_line(out, virt, vf, ind);
			}
		}
	}
	if (plain) {
		if (shown)
			fputc('\n', out);
		else
			fprintf(out, "No SR-IOV device found: no PCI function here has an SR-IOV capability or is a "
				"VF.\nThat usually means the device's driver is not loaded (an FPGA's QDMA driver: "
				"modprobe qdma-pf),\nor that SR-IOV is off in the firmware (the BIOS/UEFI setup).\n\n");
		if (!all) {
			fprintf(out, "%zu other PCI device%s without SR-IOV (svff status --all lists them)\n",
				plain, plain == 1 ? "" : "s");
		} else {
			fprintf(out, "Other PCI devices (no SR-IOV)\n");
			for (size_t c = 0; c < svff_host_n_cards(host); c++) {
				const struct svff_card *card = svff_host_card(host, c);

				if (card->kind != SVFF_CARD_PLAIN)
					continue;
				for (size_t i = 0; i < card->n_fns; i++) {
					const struct svff_function *fn = svff_host_function(host, card->fns[i]);

					fprintf(out, "    %s", fn->name);
					print_ids(out, fn);
					fprintf(out, "  %s: ", or_dash(fn->class_name));
					print_name(out, fn);
					fprintf(out, "  driver %s\n", fn->driver[0] ? fn->driver : "(none)");
				}
			}
		}
	}
	if (!shown && !plain)
		fprintf(out, "No PCI devices under %s\n", svff_host_sysfs_root(host));
	if (virt) {
		fputc('\n', out);
		print_vms(out, virt);
	}
	if (virt_error && *virt_error)
		fprintf(stderr, "svff: warning: %s (VMs not shown; --connect URI picks another hypervisor)\n",
			virt_error);
	for (size_t i = 0; i < w->len; i++)
		fprintf(stderr, "svff: warning: %s\n", w->items[i]);
}
