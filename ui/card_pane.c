/* The cards pane: FPGAs and other SR-IOV devices.  Selecting one filters
 * the PF pane. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pane.h"

/* The PCIe generation of a link speed, as people name FPGA links. */
static int pcie_gen(const char *speed)
{
	static const char *const s[] = { "2.5", "5.0", "8.0", "16.0", "32.0", "64.0" };

	for (int i = 0; i < 6; i++)
		if (!strncmp(speed, s[i], strlen(s[i])) && speed[strlen(s[i])] == ' ')
			return i + 1;
	return 0;
}

static void build(struct ui_console *c, struct ui_pane *p)
{
	const struct svff_host *host = ui_console_host(c);

	for (size_t i = 0; i < svff_host_n_cards(host); i++) {
		const struct svff_card *card = svff_host_card(host, i);
		const struct svff_function *f0 = svff_host_function(host, card->fns[0]);
		long pfs = 0, queues = 0;
		char link[24] = "-", node[12] = "-";
		struct ui_row *r;

		if (card->kind == SVFF_CARD_PLAIN)
			continue;
		for (size_t k = 0; k < card->n_fns; k++) {
			const struct svff_function *fn = svff_host_function(host, card->fns[k]);

			pfs += fn->role == SVFF_ROLE_PF;
			if (fn->qdma.present && fn->qdma.qmax > 0)
				queues += fn->qdma.qmax;
		}
		if (f0->link_speed[0])
			snprintf(link, sizeof(link), "Gen%d x%ld", pcie_gen(f0->link_speed), f0->link_width);
		if (f0->numa_node >= 0)
			snprintf(node, sizeof(node), "%ld", f0->numa_node);
		r = ui_list_add(&p->list);
		if (!r)
			return;
		snprintf(r->key, sizeof(r->key), "%s", card->name);
		snprintf(r->text, sizeof(r->text), "%-10s %-5s %3ld  %-10s %4s %6ld  %s", card->name,
			 card->kind == SVFF_CARD_QDMA ? "QDMA" : "SRIOV", pfs, link, node, queues,
			 f0->device_name[0] ? f0->device_name : f0->vendor_name);
		r->el = card->kind == SVFF_CARD_QDMA ? SVFF_EL_FPGA : SVFF_EL_DEFAULT;
	}
}

static void details(struct ui_console *c, const struct ui_row *row, struct ui_list *out)
{
	const struct svff_host *host = ui_console_host(c);

	for (size_t i = 0; i < svff_host_n_cards(host); i++) {
		const struct svff_card *card = svff_host_card(host, i);
		const struct svff_function *f0 = svff_host_function(host, card->fns[0]);

		if (strcmp(card->name, row->key))
			continue;
		ui_detail(out, SVFF_EL_HEADER, "%s %s", card->kind == SVFF_CARD_QDMA ? "FPGA" : "SR-IOV device",
			  card->name);
		ui_detail(out, SVFF_EL_DEFAULT, "%s", f0->vendor_name[0] ? f0->vendor_name : "unknown vendor");
		if (f0->device_name[0])
			ui_detail(out, SVFF_EL_DEFAULT, "%s", f0->device_name);
		if (f0->link_speed[0])
			ui_detail(out, SVFF_EL_DEFAULT, "link %s x%ld, NUMA node %ld", f0->link_speed,
				  f0->link_width, f0->numa_node);
		if (f0->qdma_id.valid)
			ui_detail(out, SVFF_EL_DEFAULT, "QDMA design: Gen%d x%d", f0->qdma_id.gen, f0->qdma_id.lanes);
		if (f0->qdma.glbl_rng_sz[0])
			ui_detail(out, SVFF_EL_DEFAULT, "ring sizes: %.60s", f0->qdma.glbl_rng_sz);
		ui_detail(out, SVFF_EL_DEFAULT, "%zu function(s): Enter/Tab goes to the PFs", card->n_fns);
	}
}

const struct ui_pane_ops ui_card_pane = {
	.title = "Cards",
	.header = "Card       Kind  PFs  Link       NUMA Queues  Model",
	.build = build,
	.details = details,
};
