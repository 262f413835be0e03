/* The VM pane: every libvirt domain; selecting one marks its VFs. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pane.h"

static void build(struct ui_console *c, struct ui_pane *p)
{
	const struct svff_virt *virt = ui_console_virt(c);

	for (size_t i = 0; virt && i < svff_virt_n_vms(virt); i++) {
		const struct svff_vm *vm = svff_virt_vm(virt, i);
		struct ui_row *r = ui_list_add(&p->list);

		if (!r)
			return;
		snprintf(r->key, sizeof(r->key), "%s", vm->name);
		snprintf(r->text, sizeof(r->text), "%-12.12s %-9.9s %3u %6lluM %3zu%s", vm->name,
			 svff_vm_state_name(vm->state), vm->vcpus, vm->memory_kib / 1024, vm->n_hostdevs,
			 vm->stale ? " ?" : "");
		r->el = vm->state == SVFF_VM_RUNNING ? SVFF_EL_VM_RUNNING :
			vm->state == SVFF_VM_PAUSED ? SVFF_EL_VM_PAUSED : SVFF_EL_VM_OFF;
	}
}

static void details(struct ui_console *c, const struct ui_row *row, struct ui_list *out)
{
	const struct svff_virt *virt = ui_console_virt(c);
	const struct svff_vm *vm = virt ? svff_virt_find_vm(virt, row->key) : NULL;

	if (!vm)
		return;
	ui_detail(out, SVFF_EL_HEADER, "VM %s", vm->name);
	ui_detail(out, SVFF_EL_DEFAULT, "%s%s, %u vCPUs, %llu MiB%s", svff_vm_state_name(vm->state),
		  vm->stale ? " (stale: libvirt is away)" : "", vm->vcpus, vm->memory_kib / 1024,
		  vm->persistent ? "" : ", transient");
	if (vm->numa_nodeset[0])
		ui_detail(out, SVFF_EL_DEFAULT, "memory on NUMA node(s) %s", vm->numa_nodeset);
	for (size_t i = 0; i < vm->n_hostdevs; i++)
		ui_detail(out, SVFF_EL_VF_ATTACHED, "VF %s %s%s", vm->hostdevs[i].bdf,
			  vm->hostdevs[i].alias, vm->hostdevs[i].live ? "" : " (config)");
	if (!vm->n_hostdevs)
		ui_detail(out, SVFF_EL_DEFAULT, "no VFs");
}

const struct ui_pane_ops ui_vm_pane = {
	.title = "VMs",
	.header = "Name         State     CPU  Memory VFs",
	.build = build,
	.details = details,
};
