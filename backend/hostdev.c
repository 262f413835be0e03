/* svff — VF attach and detach as managed PCI hostdevs: the checks libvirt
 * would make late or cryptically, then libvirt's device API.  One unit with
 * virt.c and vfpause.c behind svff/virt.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>

#include "svff/evloop.h"
#include "host_internal.h"
#include "virt_internal.h"

int svff_hostdev_xml(const char *bdf, char *buf, size_t len, struct svff_err *err)
{
	struct svff_bdf b;

	/* Parsed into numbers first, so nothing from the caller reaches the XML. */
	if (svff_bdf_parse(bdf, &b) < 0)
		return svff_err_set(err, EINVAL, "'%s' is not a PCI address (expected e.g. 0000:01:00.4)", bdf);
	snprintf(buf, len,
		 "<hostdev mode='subsystem' type='pci' managed='yes'>\n"
		 "  <source>\n"
		 "    <address domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'/>\n"
		 "  </source>\n"
		 "</hostdev>\n", b.domain, b.bus, b.slot, b.func);
	return 0;
}

/* Is node in a libvirt nodeset ("0-3,^2,5")? */
static bool in_nodeset(const char *set, long node)
{
	bool in = false;
	const char *p = set;

	while (*p) {
		bool neg = *p == '^';
		char *end;
		long a, b;

		if (neg)
			p++;
		a = strtol(p, &end, 10);
		if (end == p)
			break;
		b = a;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		if (node >= a && node <= b)
			in = !neg;
		p = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			break;
	}
	return in;
}

struct group_check {
	const struct svff_host *host;
	const char *self;
	char bad[SVFF_BDF_LEN];
	char bad_driver[64];
};

/* VFIO takes a whole IOMMU group: every other member must have no driver
 * or one that does no DMA of its own, else QEMU fails with "group N is not
 * viable".  The kernel's list (drivers with driver_managed_dma, 5.19 on;
 * before, vfio's allowed list and every bridge): vfio-pci, pci-stub and
 * pcieport, which holds the root or downstream port a group without ACS
 * includes. */
static int group_member(const char *bdf, void *data)
{
	struct group_check *gc = data;
	const struct svff_function *fn = svff_host_find(gc->host, bdf);
	char driver[64] = "";

	if (!strcmp(bdf, gc->self))
		return 0;
	if (fn)
		snprintf(driver, sizeof(driver), "%s", fn->driver);
	if (driver[0] && strcmp(driver, "vfio-pci") && strcmp(driver, "pci-stub") &&
	    strcmp(driver, "pcieport")) {
		snprintf(gc->bad, sizeof(gc->bad), "%s", bdf);
		snprintf(gc->bad_driver, sizeof(gc->bad_driver), "%s", driver);
		return 1;
	}
	return 0;
}

static bool vm_active(const struct svff_vm *vm)
{
	return vm->id >= 0;
}

static int check_vm_flags(const struct svff_vm *vm, unsigned flags, const char *verb,
			  struct svff_err *err)
{
	if ((flags & SVFF_ATTACH_LIVE) && !vm_active(vm)) {
		svff_err_set(err, EINVAL, "VM %s is %s: a live %s needs a running VM", vm->name,
			     svff_vm_state_name(vm->state), verb);
		return svff_err_hint(err, SVFF_HINT_DEFINITION, NULL);
	}
	if ((flags & SVFF_ATTACH_CONFIG) && !vm->persistent) {
		svff_err_set(err, EINVAL, "VM %s is transient: it has no definition to change", vm->name);
		return svff_err_hint(err, SVFF_HINT_LIVE, NULL);
	}
	if ((flags & SVFF_ATTACH_LIVE) && vm->state != SVFF_VM_RUNNING && vm->state != SVFF_VM_PAUSED)
		return svff_err_set(err, EINVAL, "VM %s is %s: wait until it runs", vm->name,
				    svff_vm_state_name(vm->state));
	return 0;
}

/* svff changes only what the configuration allows: it runs as root on
 * production hosts. */
static int check_allowed(const struct svff_config *cfg, const struct svff_host *host,
			 const char *name, struct svff_err *err)
{
	const struct svff_function *fn = svff_host_find(host, name);

	if (!cfg || svff_config_allows(cfg, host, fn))
		return 0;
	if (!cfg->path[0]) {
		svff_err_set(err, EPERM, "%s is not allow-listed: no configuration file was read, so svff may "
			     "change no device: create %s with an 'allow' list (see svff.conf.example)", name,
			     SVFF_CONFIG_DEFAULT);
		return svff_err_hint(err, SVFF_HINT_CONFIG_FILE, NULL);
	}
	return svff_err_set(err, EPERM, "%s is not allow-listed in %s: add its address, its PF's "
			    "address or its ID (\"%04lx:%04lx\") to 'allow'", name, cfg->path,
			    fn ? fn->vendor : 0, fn ? fn->device : 0);
}

int svff_virt_attach(struct svff_virt *virt, const struct svff_host *host,
		     const struct svff_config *cfg, const char *vf, const char *vmname, unsigned flags,
		     bool dry_run, struct svff_strlist *notes, struct svff_err *err)
{
	const struct svff_function *fn;
	const struct svff_hostdev *hd;
	const struct svff_vm *vm, *holder;
	struct group_check gc = { .host = host };
	char xml[512], name[SVFF_BDF_LEN], msg[SVFF_ERR_MSG_MAX];
	struct svff_bdf b;
	int rc;

	if (svff_bdf_parse(vf, &b) < 0)
		return svff_err_set(err, EINVAL, "'%s' is not a PCI address (expected e.g. 0000:01:00.4)", vf);
	svff_bdf_format(&b, name, sizeof(name));
	fn = svff_host_find(host, name);
	if (!fn) {
		svff_err_set(err, ENODEV, "no PCI function %s on this host", name);
		return svff_err_hint(err, SVFF_HINT_LIST_FUNCTIONS, NULL);
	}
	if (fn->role != SVFF_ROLE_VF)
		return svff_err_set(err, EINVAL, "%s is not a virtual function (it is a %s): svff attaches VFs",
				    name, fn->role == SVFF_ROLE_PF ? "physical function" : "plain PCI function");
	if ((rc = check_allowed(cfg, host, name, err)) < 0)
		return rc;
	if (!svff_virt_connected(virt))
		return svff_err_set(err, ENOTCONN, "not connected to libvirt (%s)", svff_virt_uri(virt));
	vm = svff_virt_find_vm(virt, vmname);
	if (!vm) {
		svff_err_set(err, ENOENT, "no VM named '%s'", vmname);
		return svff_err_hint(err, SVFF_HINT_LIST_VMS, NULL);
	}
	if (!flags)
		flags = vm_active(vm) ? SVFF_ATTACH_LIVE : SVFF_ATTACH_CONFIG;
	holder = svff_virt_vm_of(virt, name, &hd);
	/* a VF in the VM's definition only may still go into the running VM */
	if (holder == vm && !hd->live && flags == SVFF_ATTACH_LIVE && vm_active(vm))
		holder = NULL;
	if (holder == vm)
		return svff_err_set(err, EEXIST, "%s is already attached to VM %s (%s)", name, vm->name,
				    hd->live ? "live" : "in its definition");
	if (holder) {
		svff_err_set(err, EBUSY, "%s is attached to VM %s; detach it first", name, holder->name);
		return svff_err_hint(err, SVFF_HINT_DETACH, name);
	}
	if ((rc = check_vm_flags(vm, flags, "attach", err)) < 0)
		return rc;
	if (strcmp(fn->driver, "vfio-pci")) {
		if (!svff_host_driver_loaded(host, "vfio-pci"))
			return svff_err_set(err, ENXIO, "%s is bound to %s and vfio-pci is not loaded: "
					    "load it (modprobe vfio-pci) and try again", name,
					    fn->driver[0] ? fn->driver : "no driver");
		svff_strlist_add(notes, "%s is bound to %s: libvirt moves it to vfio-pci (managed hostdev) "
				 "and back on detach", name, fn->driver[0] ? fn->driver : "no driver");
	}
	if (fn->iommu_group < 0)
		return svff_err_set(err, ENXIO, "%s has no IOMMU group: this host runs without an IOMMU "
				    "(enable VT-d/AMD-Vi and boot with intel_iommu=on or amd_iommu=on), so "
				    "VFIO cannot pass it through", name);
	gc.self = name;
	if (svff_host_iommu_group(host, fn->iommu_group, group_member, &gc, err) < 0)
		return -err->code;
	if (gc.bad[0])
		return svff_err_set(err, EBUSY, "IOMMU group %ld is not viable: %s in the same group is bound "
				    "to %s; bind it to vfio-pci or unbind it first", fn->iommu_group,
				    gc.bad, gc.bad_driver);
	if (vm->numa_nodeset[0] && fn->numa_node >= 0 && !in_nodeset(vm->numa_nodeset, fn->numa_node))
		svff_strlist_add(notes, "%s is on NUMA node %ld but VM %s's memory is on node(s) %s: DMA "
				 "crosses nodes", name, fn->numa_node, vm->name, vm->numa_nodeset);
	svff_strlist_add(notes, "VM %s cannot be live-migrated while it holds %s (a VFIO device)",
			 vm->name, name);
	if ((rc = svff_hostdev_xml(name, xml, sizeof(xml), err)) < 0)
		return rc;
	if (dry_run)
		return 0;
	if (svff_virt_device(virt, svff_host_sysfs(host), true, vm->name, name, xml, flags, msg, sizeof(msg)) < 0)
		return svff_err_set(err, EIO, "attaching %s to VM %s failed; the VM is unchanged. %s",
				    name, vmname, msg);
	svff_virt_refresh_vm(virt, vmname);
	return 0;
}

int svff_virt_detach(struct svff_virt *virt, const struct svff_host *host,
		     const struct svff_config *cfg, const char *vf, const char *vmname, unsigned flags,
		     int timeout_ms, bool dry_run, struct svff_err *err)
{
	const struct svff_hostdev *hd = NULL;
	const struct svff_vm *vm;
	char xml[512], name[SVFF_BDF_LEN], alias[64], vmn[SVFF_NAME_LEN], msg[SVFF_ERR_MSG_MAX];
	struct svff_bdf b;
	unsigned before = 0;
	long long deadline;
	bool live_gone = false;
	int rc;

	if (svff_bdf_parse(vf, &b) < 0)
		return svff_err_set(err, EINVAL, "'%s' is not a PCI address (expected e.g. 0000:01:00.4)", vf);
	svff_bdf_format(&b, name, sizeof(name));
	if (!svff_virt_connected(virt))
		return svff_err_set(err, ENOTCONN, "not connected to libvirt (%s)", svff_virt_uri(virt));
	vm = svff_virt_vm_of(virt, name, &hd);
	if (vmname && !svff_virt_find_vm(virt, vmname)) {
		svff_err_set(err, ENOENT, "no VM named '%s'", vmname);
		return svff_err_hint(err, SVFF_HINT_LIST_VMS, NULL);
	}
	if (!vm)
		return svff_err_set(err, ENOENT, "%s is not attached to any VM", name);
	if (vmname && strcmp(vm->name, vmname))
		return svff_err_set(err, EINVAL, "%s is not attached to VM %s (it is attached to %s)",
				    name, vmname, vm->name);
	if (!flags)
		flags = (hd->live && vm_active(vm) ? SVFF_ATTACH_LIVE : 0) | (hd->config ? SVFF_ATTACH_CONFIG : 0);
	if ((flags & SVFF_ATTACH_LIVE) && !hd->live) {
		svff_err_set(err, EINVAL, "%s is only in VM %s's definition, not in the running VM", name, vm->name);
		return svff_err_hint(err, SVFF_HINT_DEFINITION, NULL);
	}
	if ((flags & SVFF_ATTACH_CONFIG) && !hd->config) {
		svff_err_set(err, EINVAL, "%s is not in VM %s's definition", name, vm->name);
		return svff_err_hint(err, SVFF_HINT_LIVE, NULL);
	}
	if ((rc = check_vm_flags(vm, flags, "detach", err)) < 0)
		return rc;
	if ((rc = check_allowed(cfg, host, name, err)) < 0)
		return rc;
	if ((rc = svff_hostdev_xml(name, xml, sizeof(xml), err)) < 0)
		return rc;
	if (dry_run)
		return 0;
	snprintf(vmn, sizeof(vmn), "%s", vm->name);
	snprintf(alias, sizeof(alias), "%s", hd->alias);
	/* Live first, and the definition only once the guest has let go, so a
	 * guest that never acks leaves the VM as it was. */
	if (flags & SVFF_ATTACH_LIVE) {
		before = svff_virt_removed_count(virt, vmn, alias);
		if (svff_virt_device(virt, svff_host_sysfs(host), false, vmn, name, xml, SVFF_ATTACH_LIVE, msg,
				     sizeof(msg)) < 0)
			return svff_err_set(err, EIO, "detaching %s from VM %s failed; the VM is unchanged. "
					    "%s", name, vmn, msg);
		deadline = svff_loop_now_ms() + timeout_ms;
		while (!live_gone) {
			const struct svff_hostdev *now = NULL;
			const struct svff_vm *v;
			long long left = deadline - svff_loop_now_ms();

			if (alias[0] && svff_virt_removed_count(virt, vmn, alias) > before)
				break;
			svff_virt_refresh_vm(virt, vmn);
			v = svff_virt_vm_of(virt, name, &now);
			live_gone = !v || !now->live;
			if (live_gone || left <= 0)
				break;
			svff_loop_run_once(left > 250 ? 250 : (int)left);
		}
		svff_virt_refresh_vm(virt, vmn);
		vm = svff_virt_vm_of(virt, name, &hd);
		if (vm && hd->live) {
			svff_err_set(err, ETIMEDOUT, "guest did not release the device: %s is still in VM %s "
				     "after %d s (the guest OS must acknowledge a PCI hot-unplug). Its definition "
				     "was not changed; try again, or detach it from the definition alone, to drop "
				     "it at the next boot", name, vmn, timeout_ms / 1000);
			return svff_err_hint(err, SVFF_HINT_DEFINITION, NULL);
		}
	}
	if (flags & SVFF_ATTACH_CONFIG) {
		if (svff_virt_device(virt, svff_host_sysfs(host), false, vmn, name, xml, SVFF_ATTACH_CONFIG, msg,
				     sizeof(msg)) < 0)
			return svff_err_set(err, EIO, "removing %s from VM %s's definition failed%s. %s",
					    name, vmn, flags & SVFF_ATTACH_LIVE ? " (it was detached from the running VM)" : "",
					    msg);
	}
	svff_virt_refresh_vm(virt, vmn);
	return 0;
}
