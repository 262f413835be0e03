/* The PF pane: the physical functions of the selected card. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pane.h"

static void build(struct ui_console *c, struct ui_pane *p)
{
	const struct svff_host *host = ui_console_host(c);
	const char *card = ui_console_selected(c, &ui_card_pane);

	for (size_t i = 0; i < svff_host_n_functions(host); i++) {
		const struct svff_function *fn = svff_host_function(host, i);
		char qmax[16] = "-";
		struct ui_row *r;

		if (fn->role != SVFF_ROLE_PF || !card ||
		    strcmp(svff_host_card(host, fn->card)->name, card))
			continue;
		if (fn->qdma.present && fn->qdma.qmax >= 0)
			snprintf(qmax, sizeof(qmax), "%ld", fn->qdma.qmax);
		r = ui_list_add(&p->list);
		if (!r)
			return;
		snprintf(r->key, sizeof(r->key), "%s", fn->name);
		snprintf(r->text, sizeof(r->text), "%-12s %04lx  %-9s %3ld/%-3ld %5s", fn->name, fn->device,
			 fn->driver[0] ? fn->driver : "-", fn->sriov.num_vfs < 0 ? 0 : fn->sriov.num_vfs,
			 fn->sriov.total_vfs, qmax);
		r->el = SVFF_EL_PF;
	}
}

static void details(struct ui_console *c, const struct ui_row *row, struct ui_list *out)
{
	const struct svff_function *fn = svff_host_find(ui_console_host(c), row->key);

	if (!fn)
		return;
	ui_detail(out, SVFF_EL_HEADER, "PF %s [%04lx:%04lx]", fn->name, fn->vendor, fn->device);
	ui_detail(out, SVFF_EL_DEFAULT, "driver %s%s%s", fn->driver[0] ? fn->driver : "(none)",
		  fn->driver_override[0] ? ", override " : "", fn->driver_override);
	ui_detail(out, SVFF_EL_DEFAULT, "VFs %ld of %ld, offset %ld stride %ld, VF ID %04lx",
		  fn->sriov.num_vfs, fn->sriov.total_vfs, fn->sriov.vf_offset, fn->sriov.vf_stride,
		  fn->sriov.vf_device);
	ui_detail(out, SVFF_EL_DEFAULT, "IOMMU group %ld, NUMA node %ld", fn->iommu_group, fn->numa_node);
	if (fn->qdma.present)
		ui_detail(out, SVFF_EL_DEFAULT, "qdma: qmax %ld, intr_rngsz %ld", fn->qdma.qmax,
			  fn->qdma.intr_rngsz);
}

const struct ui_pane_ops ui_pf_pane = {
	.title = "Physical functions",
	.header = "PF           ID    Driver     VFs   qmax",
	.build = build,
	.details = details,
};
