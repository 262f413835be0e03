/* The VF pane: the virtual functions of the selected PF, with the VM that
 * holds each; the selected VM's VFs are marked. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pane.h"

static void build(struct ui_console *c, struct ui_pane *p)
{
	const struct svff_host *host = ui_console_host(c);
	const struct svff_virt *virt = ui_console_virt(c);
	const char *pf = ui_console_selected(c, &ui_pf_pane);
	const char *vm_sel = ui_console_selected(c, &ui_vm_pane);
	const struct svff_function *pfn = pf ? svff_host_find(host, pf) : NULL;

	for (size_t k = 0; pfn && k < pfn->n_vfs; k++) {
		const struct svff_function *fn = svff_host_find(host, pfn->vfs[k]);
		const struct svff_vm *vm = virt && fn ? svff_virt_vm_of(virt, fn->name, NULL) : NULL;
		const char *state;
		char grp[12] = "-";
		struct ui_row *r;

		if (!fn)
			continue;
		r = ui_list_add(&p->list);
		if (!r)
			return;
		state = ui_vf_state(c, fn, &r->el);
		if (fn->iommu_group >= 0)
			snprintf(grp, sizeof(grp), "%ld", fn->iommu_group);
		snprintf(r->key, sizeof(r->key), "%s", fn->name);
		snprintf(r->text, sizeof(r->text), "%-12s %2zu %-8.8s %3s %-8s %s", fn->name, k,
			 fn->driver[0] ? fn->driver : "-", grp, state, vm ? vm->name : "-");
		r->mark = vm && vm_sel && !strcmp(vm->name, vm_sel);
	}
}

static void details(struct ui_console *c, const struct ui_row *row, struct ui_list *out)
{
	const struct svff_function *fn = svff_host_find(ui_console_host(c), row->key);
	const struct svff_virt *virt = ui_console_virt(c);
	const struct svff_hostdev *hd = NULL;
	const struct svff_vm *vm = virt && fn ? svff_virt_vm_of(virt, fn->name, &hd) : NULL;
	enum svff_theme_element el;

	if (!fn)
		return;
	ui_detail(out, SVFF_EL_HEADER, "VF %ld of %s [%04lx:%04lx]", fn->vf_index, fn->physfn,
		  fn->vendor, fn->device);
	ui_detail(out, SVFF_EL_DEFAULT, "%s: state %s", fn->name, ui_vf_state(c, fn, &el));
	ui_detail(out, SVFF_EL_DEFAULT, "driver %s, IOMMU group %ld, NUMA %ld",
		  fn->driver[0] ? fn->driver : "(none)", fn->iommu_group, fn->numa_node);
	if (fn->qdma.present)
		ui_detail(out, SVFF_EL_DEFAULT, "qdma: qmax %ld", fn->qdma.qmax);
	if (vm)
		ui_detail(out, SVFF_EL_VF_ATTACHED, "in VM %s (%s%s%s)", vm->name, hd->alias[0] ? hd->alias : "",
			  hd->alias[0] ? ", " : "", hd->live ? (hd->config ? "live + config" : "live") : "config only");
	else
		ui_detail(out, SVFF_EL_DEFAULT, "not in any VM: 'a' attaches it");
}

const struct ui_pane_ops ui_vf_pane = {
	.title = "Virtual functions",
	.header = "VF            #  Driver  Grp State    VM",
	.build = build,
	.details = details,
};
