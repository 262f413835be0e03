/* svff — builds fake sysfs trees: the fixture hosts of the tests, and later
 * the demo's and the benchmarks' hardware.
 *
 * The tree has what the kernel shows and what libudev and libpci need:
 * devices/pci<dom>:00/<bdf> with vendor/device/class/resource/config (a
 * 4 KiB config space with PCIe and SR-IOV capabilities), bus/pci/devices
 * links, driver and iommu_group links, virtfnN/physfn, the qdma/ group.
 * `lspci -A linux-sysfs -O sysfs.path=<root>/bus/pci -vvv` reads it.
 */
#ifndef SVFF_FAKEHOST_H
#define SVFF_FAKEHOST_H

#include <stdbool.h>
#include <stdint.h>

#include "svff/error.h"

struct svff_fake_fn {
	const char *bdf;
	uint16_t vendor, device, subsys_vendor, subsys_device;
	uint32_t class_code;
	const char *driver;		/* NULL: unbound */
	int numa_node;			/* -1 like a single-node host */
	int link_gen, link_width;	/* 0: no PCIe link */
	/* SR-IOV PF when total_vfs > 0 */
	int total_vfs, vf_offset, vf_stride;
	uint16_t vf_device;
	bool qdma;			/* give it a qdma/ group */
	bool qdma_master;		/* and the master PF's global CSR files */
	long qmax;
};

struct svff_fakehost;

/* Creates the skeleton under root, or continues an existing tree. */
int svff_fakehost_new(const char *root, struct svff_fakehost **out, struct svff_err *err);
void svff_fakehost_free(struct svff_fakehost *fh);

int svff_fakehost_add(struct svff_fakehost *fh, const struct svff_fake_fn *spec,
		      struct svff_err *err);
/* Enables n VFs on a PF as the kernel does (VF directories at the BDFs its
 * offset/stride give, virtfnN/physfn links, sriov_numvfs, NumVFs and VF
 * Enable in config space), each bound to vf_driver (NULL: unbound). */
int svff_fakehost_enable_vfs(struct svff_fakehost *fh, const char *pf, int n,
			     const char *vf_driver, struct svff_err *err);
/* Removes all VFs of a PF as the kernel does when sriov_numvfs goes to 0. */
int svff_fakehost_disable_vfs(struct svff_fakehost *fh, const char *pf, struct svff_err *err);
/* Moves a function to another driver (NULL: unbind). */
int svff_fakehost_bind(struct svff_fakehost *fh, const char *bdf, const char *driver,
		       struct svff_err *err);
int svff_fakehost_write(struct svff_fakehost *fh, const char *rel, const char *value,
			struct svff_err *err);

/* Named fixture hosts: "qdma-host" (two QDMA FPGAs, an SR-IOV NIC, plain
 * devices), "broken-host" (the same plus damaged files), "scale-host"
 * (4 cards x 4 PFs x 63 VFs), "plain-host" (two devices, no SR-IOV). */
int svff_fakehost_build(const char *root, const char *preset, struct svff_err *err);
const char *const *svff_fakehost_presets(void);

#endif
