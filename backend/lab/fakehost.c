/* svff lab — fake sysfs trees: the fixture hosts and the demo's hardware
 * (fakehost.h). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fakehost.h"
#include "svff/host.h"

#define CFG_SIZE 4096
#define CAP_EXP 0x40
#define EXT_SRIOV 0x100

static int unlink_tree(const char *path);

struct svff_fakehost {
	char root[PATH_MAX];
	int next_group;
};

static int fail(struct svff_err *err, const char *what, const char *path)
{
	int e = errno ? errno : EIO;

	return svff_err_set(err, e, "fake host: %s %s: %s", what, path, strerror(e));
}

static int mkdirs(const char *path, struct svff_err *err)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return fail(err, "mkdir", tmp);
		*p = '/';
	}
	if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
		return fail(err, "mkdir", tmp);
	return 0;
}

static int fh_mkdir(struct svff_fakehost *fh, const char *rel, struct svff_err *err)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", fh->root, rel);
	return mkdirs(path, err);
}

static int fh_put(struct svff_fakehost *fh, const char *rel, const void *data, size_t len,
		  mode_t mode, struct svff_err *err)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", fh->root, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return fail(err, "create", path);
	if (write(fd, data, len) != (ssize_t)len) {
		close(fd);
		return fail(err, "write", path);
	}
	close(fd);
	return 0;
}

__attribute__((format(printf, 4, 5)))
static int fh_printf(struct svff_fakehost *fh, const char *rel, struct svff_err *err,
		     const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return fh_put(fh, rel, buf, (size_t)n, 0644, err);
}

/* A relative symlink from rel to target (both root-relative), as sysfs
 * makes them, so the tree can be moved and stays inside its root. */
static int fh_link(struct svff_fakehost *fh, const char *rel, const char *target,
		   struct svff_err *err)
{
	char path[PATH_MAX], val[PATH_MAX] = "";
	size_t off = 0;

	for (const char *p = rel; *p; p++)
		if (*p == '/')
			off += (size_t)snprintf(val + off, sizeof(val) - off, "../");
	snprintf(val + off, sizeof(val) - off, "%s", target);
	snprintf(path, sizeof(path), "%s/%s", fh->root, rel);
	unlink(path);
	if (symlink(val, path) < 0)
		return fail(err, "symlink", path);
	return 0;
}

static void devdir(const struct svff_bdf *b, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "devices/pci%04x:00/%s", b->domain, name);
}

int svff_fakehost_new(const char *root, struct svff_fakehost **out, struct svff_err *err)
{
	static const char *const dirs[] = {
		"bus/pci/devices", "bus/pci/drivers", "bus/pci/slots",
		"kernel/iommu_groups", "devices",
	};
	struct svff_fakehost *fh = calloc(1, sizeof(*fh));
	int rc = 0;

	*out = NULL;
	if (!fh)
		return svff_err_set(err, ENOMEM, "out of memory");
	snprintf(fh->root, sizeof(fh->root), "%s", root);
	for (size_t i = 0; rc == 0 && i < sizeof(dirs) / sizeof(dirs[0]); i++)
		rc = fh_mkdir(fh, dirs[i], err);
	if (rc == 0)
		rc = fh_printf(fh, "bus/pci/drivers_probe", err, "%s", "");
	if (rc == 0)
		rc = fh_printf(fh, "bus/pci/drivers_autoprobe", err, "1\n");
	if (rc < 0) {
		free(fh);
		return rc;
	}
	/* group ids are allocated lowest-free (see add_function) */
	*out = fh;
	return 0;
}

void svff_fakehost_free(struct svff_fakehost *fh)
{
	free(fh);
}

static void put16(uint8_t *cfg, unsigned off, unsigned v)
{
	cfg[off] = v & 0xff;
	cfg[off + 1] = (v >> 8) & 0xff;
}

static void put32(uint8_t *cfg, unsigned off, uint32_t v)
{
	put16(cfg, off, v & 0xffff);
	put16(cfg, off + 2, v >> 16);
}

/* Config space as the hardware shows it.  A VF reads 0xffff as vendor and
 * device ID (SR-IOV spec 3.4.1.1); the kernel's vendor/device files give the
 * real IDs, and libpci reads those. */
static void build_config(uint8_t *cfg, const struct svff_fake_fn *s, bool vf)
{
	memset(cfg, 0, CFG_SIZE);
	put16(cfg, 0x00, vf ? 0xffff : s->vendor);
	put16(cfg, 0x02, vf ? 0xffff : s->device);
	put16(cfg, 0x04, 0x0006);			/* memory space, bus master */
	put16(cfg, 0x06, 0x0010);			/* capability list */
	put32(cfg, 0x08, (s->class_code << 8) | 0x00);
	if (!vf)
		put32(cfg, 0x10, 0xf0000000u);		/* BAR0, 32-bit memory */
	put16(cfg, 0x2c, s->subsys_vendor);
	put16(cfg, 0x2e, s->subsys_device);
	cfg[0x34] = CAP_EXP;
	cfg[CAP_EXP] = 0x10;				/* PCI Express */
	cfg[CAP_EXP + 1] = 0x00;
	put16(cfg, CAP_EXP + 0x02, 0x0002);		/* v2, endpoint */
	put32(cfg, CAP_EXP + 0x04, 0x00008fc2);		/* DevCap: 512 B payload, FLR */
	if (s->link_gen) {
		put32(cfg, CAP_EXP + 0x0c, (uint32_t)(s->link_gen | (s->link_width << 4)));
		put16(cfg, CAP_EXP + 0x12, (unsigned)(s->link_gen | (s->link_width << 4)));
	}
	if (!vf && s->total_vfs > 0) {
		put32(cfg, EXT_SRIOV, 0x00010010);	/* SR-IOV, version 1, last */
		put16(cfg, EXT_SRIOV + 0x0c, (unsigned)s->total_vfs);	/* InitialVFs */
		put16(cfg, EXT_SRIOV + 0x0e, (unsigned)s->total_vfs);	/* TotalVFs */
		put16(cfg, EXT_SRIOV + 0x14, (unsigned)s->vf_offset);
		put16(cfg, EXT_SRIOV + 0x16, (unsigned)s->vf_stride);
		put16(cfg, EXT_SRIOV + 0x1a, s->vf_device);
		put32(cfg, EXT_SRIOV + 0x1c, 0x00000553);	/* supported page sizes */
		put32(cfg, EXT_SRIOV + 0x20, 0x00000001);	/* 4 KiB pages */
	}
}

static const char *speed_str(int gen)
{
	static const char *const s[] = { "Unknown", "2.5 GT/s PCIe", "5.0 GT/s PCIe",
					 "8.0 GT/s PCIe", "16.0 GT/s PCIe", "32.0 GT/s PCIe" };

	return gen >= 0 && gen <= 5 ? s[gen] : s[0];
}

static int add_function(struct svff_fakehost *fh, const struct svff_fake_fn *s, bool vf,
			const char *physfn, struct svff_err *err)
{
	char dir[PATH_MAX], rel[PATH_MAX], tgt[PATH_MAX], name[SVFF_BDF_LEN];
	uint8_t cfg[CFG_SIZE];
	struct svff_bdf b;
	char res[7 * 60];
	size_t off = 0;
	int rc, group;

	if (svff_bdf_parse(s->bdf, &b) < 0)
		return svff_err_set(err, EINVAL, "fake host: bad BDF '%s'", s->bdf);
	svff_bdf_format(&b, name, sizeof(name));
	devdir(&b, name, dir, sizeof(dir));
	if ((rc = fh_mkdir(fh, dir, err)) < 0)
		return rc;
#define ATTR(file, ...) do { \
		snprintf(rel, sizeof(rel), "%s/%s", dir, file); \
		if ((rc = fh_printf(fh, rel, err, __VA_ARGS__)) < 0) \
			return rc; \
	} while (0)
	ATTR("vendor", "0x%04x\n", s->vendor);
	ATTR("device", "0x%04x\n", s->device);
	ATTR("subsystem_vendor", "0x%04x\n", s->subsys_vendor);
	ATTR("subsystem_device", "0x%04x\n", s->subsys_device);
	ATTR("class", "0x%06x\n", s->class_code);
	ATTR("revision", "0x00\n");
	ATTR("irq", "0\n");
	ATTR("enable", "1\n");
	ATTR("numa_node", "%d\n", s->numa_node);
	ATTR("driver_override", "(null)\n");
	ATTR("remove", "%s", "");
	ATTR("reset", "%s", "");
	if (s->link_gen) {
		ATTR("current_link_speed", "%s\n", speed_str(s->link_gen));
		ATTR("current_link_width", "%d\n", s->link_width);
		ATTR("max_link_speed", "%s\n", speed_str(s->link_gen));
		ATTR("max_link_width", "%d\n", s->link_width);
	}
	ATTR("uevent", "%s%s%sPCI_CLASS=%X\nPCI_ID=%04X:%04X\nPCI_SUBSYS_ID=%04X:%04X\n"
	     "PCI_SLOT_NAME=%s\nMODALIAS=pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X\n",
	     s->driver ? "DRIVER=" : "", s->driver ? s->driver : "", s->driver ? "\n" : "",
	     s->class_code, s->vendor, s->device, s->subsys_vendor, s->subsys_device, name,
	     s->vendor, s->device, s->subsys_vendor, s->subsys_device,
	     s->class_code >> 16, (s->class_code >> 8) & 0xff, s->class_code & 0xff);
	/* libpci needs resource: one "start end flags" line per region. */
	for (int i = 0; i < 7; i++) {
		unsigned long long start = (!vf && i == 0) ? 0xf0000000ull + ((unsigned long long)b.bus << 20) : 0;
		unsigned long long end = start ? start + 0xfffff : 0;

		off += (size_t)snprintf(res + off, sizeof(res) - off, "0x%016llx 0x%016llx 0x%016llx\n",
					start, end, start ? 0x40200ull : 0ull);
	}
	snprintf(rel, sizeof(rel), "%s/resource", dir);
	if ((rc = fh_put(fh, rel, res, off, 0444, err)) < 0)
		return rc;
	build_config(cfg, s, vf);
	snprintf(rel, sizeof(rel), "%s/config", dir);
	if ((rc = fh_put(fh, rel, cfg, sizeof(cfg), 0644, err)) < 0)
		return rc;
	snprintf(rel, sizeof(rel), "%s/subsystem", dir);
	if ((rc = fh_link(fh, rel, "bus/pci", err)) < 0)
		return rc;
	snprintf(rel, sizeof(rel), "bus/pci/devices/%s", name);
	if ((rc = fh_link(fh, rel, dir, err)) < 0)
		return rc;

	/* Every function in its own IOMMU group, as with ACS (and as each VF
	 * is on a real kernel with an IOMMU); ids are the lowest free, as the
	 * kernel's ida gives them, so recreated VFs get theirs back. */
	for (group = fh->next_group;; group++) {
		char gp[PATH_MAX];

		snprintf(gp, sizeof(gp), "%s/kernel/iommu_groups/%d", fh->root, group);
		if (access(gp, F_OK) < 0)
			break;
	}
	fh->next_group = group + 1;
	snprintf(rel, sizeof(rel), "kernel/iommu_groups/%d/devices", group);
	if ((rc = fh_mkdir(fh, rel, err)) < 0)
		return rc;
	snprintf(rel, sizeof(rel), "kernel/iommu_groups/%d/devices/%s", group, name);
	if ((rc = fh_link(fh, rel, dir, err)) < 0)
		return rc;
	snprintf(rel, sizeof(rel), "%s/iommu_group", dir);
	snprintf(tgt, sizeof(tgt), "kernel/iommu_groups/%d", group);
	if ((rc = fh_link(fh, rel, tgt, err)) < 0)
		return rc;

	if (!vf && s->total_vfs > 0) {
		ATTR("sriov_totalvfs", "%d\n", s->total_vfs);
		ATTR("sriov_numvfs", "0\n");
		ATTR("sriov_offset", "%d\n", s->vf_offset);
		ATTR("sriov_stride", "%d\n", s->vf_stride);
		ATTR("sriov_vf_device", "%x\n", s->vf_device);
		ATTR("sriov_drivers_autoprobe", "1\n");
	}
	if (vf) {
		char pfdir[PATH_MAX];
		struct svff_bdf pb;

		svff_bdf_parse(physfn, &pb);
		devdir(&pb, physfn, pfdir, sizeof(pfdir));
		snprintf(rel, sizeof(rel), "%s/physfn", dir);
		if ((rc = fh_link(fh, rel, pfdir, err)) < 0)
			return rc;
	}
	if (s->driver && (rc = svff_fakehost_bind(fh, name, s->driver, err)) < 0)
		return rc;
	/* Fixture values for the master PF's global CSRs, in the driver's
	 * print format: one line per CSR array. */
	if (s->qdma_master && s->driver) {
		ATTR("qdma/buf_sz", "4096 256 512 1024 2048 3968 4096 4096 4096 4096 4096 4096 4096 8192 9018 16384\n");
		ATTR("qdma/glbl_rng_sz", "2049 65 129 193 257 385 513 769 1025 1537 3073 4097 6145 8193 12289 16385\n");
		ATTR("qdma/c2h_timer_cnt", "1 2 4 5 8 10 15 20 25 30 50 75 100 125 150 200\n");
		ATTR("qdma/c2h_cnt_th", "2 4 8 16 24 32 48 64 80 96 112 128 144 160 176 192\n");
		ATTR("qdma/cmpl_status_acc", "1\n");
	}
	if (s->qdma && s->driver) {
		ATTR("qdma/qmax", "%ld\n", s->qmax);
	}
#undef ATTR
	return 0;
}

int svff_fakehost_add(struct svff_fakehost *fh, const struct svff_fake_fn *spec,
		      struct svff_err *err)
{
	return add_function(fh, spec, false, NULL, err);
}

static int find_dir(struct svff_fakehost *fh, const char *bdf, char *name, char *dir,
		    size_t len, struct svff_err *err)
{
	struct svff_bdf b;
	char path[PATH_MAX];

	if (svff_bdf_parse(bdf, &b) < 0)
		return svff_err_set(err, EINVAL, "fake host: bad BDF '%s'", bdf);
	svff_bdf_format(&b, name, SVFF_BDF_LEN);
	devdir(&b, name, dir, len);
	snprintf(path, sizeof(path), "%s/%s", fh->root, dir);
	if (access(path, F_OK) < 0)
		return svff_err_set(err, ENODEV, "fake host: no device %s", name);
	return 0;
}

int svff_fakehost_bind(struct svff_fakehost *fh, const char *bdf, const char *driver,
		       struct svff_err *err)
{
	char name[SVFF_BDF_LEN], dir[PATH_MAX], rel[PATH_MAX], path[PATH_MAX], old[128];
	ssize_t n;
	int rc;

	if ((rc = find_dir(fh, bdf, name, dir, sizeof(dir), err)) < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/%s/driver", fh->root, dir);
	n = readlink(path, old, sizeof(old) - 1);
	if (n > 0) {
		old[n] = '\0';
		snprintf(path, sizeof(path), "%s/bus/pci/drivers/%s/%s", fh->root,
			 strrchr(old, '/') + 1, name);
		unlink(path);
		snprintf(path, sizeof(path), "%s/%s/driver", fh->root, dir);
		unlink(path);
	}
	/* The qdma/ group exists while qdma-pf or qdma-vf is bound, and a new
	 * binding starts with no queues (qmax 0). */
	snprintf(path, sizeof(path), "%s/%s/qdma", fh->root, dir);
	unlink_tree(path);
	if (driver && (!strcmp(driver, "qdma-pf") || !strcmp(driver, "qdma-vf"))) {
		snprintf(rel, sizeof(rel), "%s/qdma", dir);
		if ((rc = fh_mkdir(fh, rel, err)) < 0)
			return rc;
		snprintf(rel, sizeof(rel), "%s/qdma/qmax", dir);
		if ((rc = fh_printf(fh, rel, err, "0\n")) < 0)
			return rc;
		snprintf(rel, sizeof(rel), "%s/qdma/intr_rngsz", dir);
		if ((rc = fh_printf(fh, rel, err, "0\n")) < 0)
			return rc;
	}
	if (!driver)
		return 0;
	snprintf(rel, sizeof(rel), "bus/pci/drivers/%s", driver);
	if ((rc = fh_mkdir(fh, rel, err)) < 0)
		return rc;
	/* The driver's control files, as every PCI driver has them. */
	for (const char *const *f = (const char *const[]){ "bind", "unbind", "new_id", "remove_id", NULL }; *f; f++) {
		snprintf(path, sizeof(path), "bus/pci/drivers/%s/%s", driver, *f);
		if ((rc = fh_printf(fh, path, err, "%s", "")) < 0)
			return rc;
	}
	snprintf(path, sizeof(path), "bus/pci/drivers/%s/%s", driver, name);
	if ((rc = fh_link(fh, path, dir, err)) < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/driver", dir);
	return fh_link(fh, path, rel, err);
}

int svff_fakehost_write(struct svff_fakehost *fh, const char *rel, const char *value,
			struct svff_err *err)
{
	return fh_printf(fh, rel, err, "%s", value);
}

/* Reads the PF's config space into cfg and, for n >= 0, sets NumVFs and
 * VF Enable / VF MSE as enabling n VFs does. */
static int config_set_numvfs(struct svff_fakehost *fh, const char *dir, int n, uint8_t *cfg,
			     struct svff_err *err)
{
	char path[PATH_MAX];
	int fd, rc = 0;

	snprintf(path, sizeof(path), "%s/%s/config", fh->root, dir);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || pread(fd, cfg, CFG_SIZE, 0) != CFG_SIZE) {
		if (fd >= 0)
			close(fd);
		return fail(err, "read", path);
	}
	if (n >= 0) {
		put16(cfg, EXT_SRIOV + 0x10, (unsigned)n);
		put16(cfg, EXT_SRIOV + 0x08, n ? 0x0009 : 0);
		if (pwrite(fd, cfg, CFG_SIZE, 0) != CFG_SIZE)
			rc = fail(err, "write", path);
	}
	close(fd);
	return rc;
}

static int remove_function(struct svff_fakehost *fh, const char *name, struct svff_err *err)
{
	char dir[PATH_MAX], path[PATH_MAX], grp[64];
	char bdf[SVFF_BDF_LEN];
	ssize_t n;
	int rc;

	if ((rc = find_dir(fh, name, bdf, dir, sizeof(dir), err)) < 0)
		return rc;
	if ((rc = svff_fakehost_bind(fh, bdf, NULL, err)) < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/%s/iommu_group", fh->root, dir);
	n = readlink(path, grp, sizeof(grp) - 1);
	if (n > 0) {
		grp[n] = '\0';
		snprintf(path, sizeof(path), "%s/kernel/iommu_groups/%s", fh->root, strrchr(grp, '/') + 1);
		unlink_tree(path);
		if (atoi(strrchr(grp, '/') + 1) < fh->next_group)
			fh->next_group = atoi(strrchr(grp, '/') + 1);
	}
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s", fh->root, bdf);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s", fh->root, dir);
	if (unlink_tree(path) < 0)
		return fail(err, "remove", path);
	return 0;
}

int svff_fakehost_disable_vfs(struct svff_fakehost *fh, const char *pf, struct svff_err *err)
{
	char name[SVFF_BDF_LEN], dir[PATH_MAX], path[PATH_MAX], link[PATH_MAX];
	uint8_t cfg[CFG_SIZE];
	int rc;

	if ((rc = find_dir(fh, pf, name, dir, sizeof(dir), err)) < 0)
		return rc;
	for (int i = 0; i < 4096; i++) {
		ssize_t n;
		const char *base;

		snprintf(path, sizeof(path), "%s/%s/virtfn%d", fh->root, dir, i);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			break;
		link[n] = '\0';
		base = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
		if ((rc = remove_function(fh, base, err)) < 0)
			return rc;
		unlink(path);
	}
	if ((rc = config_set_numvfs(fh, dir, 0, cfg, err)) < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/sriov_numvfs", dir);
	return fh_printf(fh, path, err, "0\n");
}

/* Reads back the PF's spec from its files, so VFs can be made at any time. */
int svff_fakehost_enable_vfs(struct svff_fakehost *fh, const char *pf, int n,
			     const char *vf_driver, struct svff_err *err)
{
	char name[SVFF_BDF_LEN], dir[PATH_MAX], path[PATH_MAX], vfname[SVFF_BDF_LEN];
	struct svff_fake_fn spec = { 0 };
	uint8_t cfg[CFG_SIZE];
	struct svff_bdf b;
	unsigned rid;
	FILE *f;
	int rc;

	if ((rc = find_dir(fh, pf, name, dir, sizeof(dir), err)) < 0)
		return rc;
	svff_bdf_parse(name, &b);
	if ((rc = config_set_numvfs(fh, dir, -1, cfg, err)) < 0)
		return rc;
	spec.vendor = (uint16_t)(cfg[0] | cfg[1] << 8);
	spec.device = (uint16_t)(cfg[EXT_SRIOV + 0x1a] | cfg[EXT_SRIOV + 0x1b] << 8);
	spec.subsys_vendor = (uint16_t)(cfg[0x2c] | cfg[0x2d] << 8);
	spec.subsys_device = (uint16_t)(cfg[0x2e] | cfg[0x2f] << 8);
	spec.class_code = (uint32_t)(cfg[0x09] | cfg[0x0a] << 8 | cfg[0x0b] << 16);
	spec.link_gen = cfg[CAP_EXP + 0x12] & 0xf;
	spec.link_width = (cfg[CAP_EXP + 0x12] >> 4) | ((cfg[CAP_EXP + 0x13] & 0x3) << 4);
	spec.total_vfs = cfg[EXT_SRIOV + 0x0e] | cfg[EXT_SRIOV + 0x0f] << 8;
	spec.vf_offset = cfg[EXT_SRIOV + 0x14] | cfg[EXT_SRIOV + 0x15] << 8;
	spec.vf_stride = cfg[EXT_SRIOV + 0x16] | cfg[EXT_SRIOV + 0x17] << 8;
	if (n < 0 || n > spec.total_vfs)
		return svff_err_set(err, EINVAL, "fake host: %s has %d VFs at most", name, spec.total_vfs);
	if ((rc = config_set_numvfs(fh, dir, n, cfg, err)) < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/%s/numa_node", fh->root, dir);
	f = fopen(path, "r");
	spec.numa_node = -1;
	if (f) {
		if (fscanf(f, "%d", &spec.numa_node) != 1)
			spec.numa_node = -1;
		fclose(f);
	}
	spec.driver = vf_driver;
	/* A VF's routing ID is the PF's plus offset plus index times stride
	 * (SR-IOV spec 3.3.10-11); bus numbers may spill over. */
	for (int i = 0; i < n; i++) {
		struct svff_bdf vb = b;

		rid = ((unsigned)b.bus << 8 | (unsigned)b.slot << 3 | b.func) +
		      (unsigned)spec.vf_offset + (unsigned)(i * spec.vf_stride);
		vb.bus = (uint8_t)(rid >> 8);
		vb.slot = (uint8_t)((rid >> 3) & 0x1f);
		vb.func = (uint8_t)(rid & 7);
		svff_bdf_format(&vb, vfname, sizeof(vfname));
		spec.bdf = vfname;
		if ((rc = add_function(fh, &spec, true, name, err)) < 0)
			return rc;
		snprintf(path, sizeof(path), "%s/virtfn%d", dir, i);
		{
			char vdir[PATH_MAX];

			devdir(&vb, spec.bdf, vdir, sizeof(vdir));
			if ((rc = fh_link(fh, path, vdir, err)) < 0)
				return rc;
		}
	}
	snprintf(path, sizeof(path), "%s/sriov_numvfs", dir);
	return fh_printf(fh, path, err, "%d\n", n);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static int unlink_tree(const char *path)
{
	return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- named hosts ------------------------------------------------------------ */

#define XILINX 0x10ee
#define QDMA_CLASS 0x058000		/* memory controller, as the QDMA IP reports */

static const struct svff_fake_fn plain_fns[] = {
	{ .bdf = "0000:00:00.0", .vendor = 0x8086, .device = 0x29c0, .subsys_vendor = 0x1af4,
	  .subsys_device = 0x1100, .class_code = 0x060000, .numa_node = -1 },
	{ .bdf = "0000:00:1f.2", .vendor = 0x8086, .device = 0x2922, .subsys_vendor = 0x1af4,
	  .subsys_device = 0x1100, .class_code = 0x010601, .driver = "ahci", .numa_node = -1 },
};

/* PF p of a 4-PF QDMA card: VFs follow the PFs (offset 4 for PF0) and each
 * PF's VFs follow the previous PF's, nvf apart. */
static struct svff_fake_fn qdma_pf(const char *bdf, int p, int npf, int nvf, uint16_t gl,
				   int node, long qmax)
{
	struct svff_fake_fn s = {
		.bdf = bdf, .vendor = XILINX, .device = (uint16_t)(0x9000 | p << 8 | gl),
		.subsys_vendor = XILINX, .subsys_device = 0x0007, .class_code = QDMA_CLASS,
		.driver = "qdma-pf", .numa_node = node, .link_gen = (gl >> 4) & 0xf,
		.link_width = (gl & 0xf) == 0xf ? 16 : (gl & 0xf),
		.total_vfs = nvf, .vf_offset = npf - p + p * nvf, .vf_stride = 1,
		.vf_device = (uint16_t)(0xa000 | p << 8 | gl),
		.qdma = true, .qdma_master = p == 0, .qmax = qmax,
	};
	return s;
}

static int build_qdma_host(struct svff_fakehost *fh, bool scale, struct svff_err *err)
{
	static const char *const pf_bdf[4][4] = {
		{ "0000:01:00.0", "0000:01:00.1", "0000:01:00.2", "0000:01:00.3" },
		{ "0000:05:00.0", "0000:05:00.1", "0000:05:00.2", "0000:05:00.3" },
		{ "0000:81:00.0", "0000:81:00.1", "0000:81:00.2", "0000:81:00.3" },
		{ "0000:85:00.0", "0000:85:00.1", "0000:85:00.2", "0000:85:00.3" },
	};
	struct svff_fake_fn s;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof(plain_fns) / sizeof(plain_fns[0]); i++)
		rc = svff_fakehost_add(fh, &plain_fns[i], err);
	if (rc < 0)
		return rc;
	if (scale) {
		/* 4 cards x 4 PFs x 63 VFs: the data-centre host of the benchmarks. */
		for (int c = 0; c < 4; c++) {
			for (int p = 0; p < 4; p++) {
				s = qdma_pf(pf_bdf[c][p], p, 4, 63, 0x3f, c / 2, 256);
				if ((rc = svff_fakehost_add(fh, &s, err)) < 0 ||
				    (rc = svff_fakehost_enable_vfs(fh, pf_bdf[c][p], 63,
								   p % 2 ? "qdma-vf" : "vfio-pci", err)) < 0)
					return rc;
			}
		}
		return 0;
	}
	/* FPGA 1: four PFs, Gen3 x16, NUMA node 0. */
	for (int p = 0; p < 4; p++) {
		s = qdma_pf(pf_bdf[0][p], p, 4, 63, 0x3f, 0, p == 0 ? 512 : p == 1 ? 256 : 0);
		if (p == 3)
			s.driver = NULL;		/* a PF nobody has bound yet */
		if ((rc = svff_fakehost_add(fh, &s, err)) < 0)
			return rc;
	}
	/* PF0: four VFs, two for VMs (vfio-pci), two used on the host (qdma-vf). */
	if ((rc = svff_fakehost_enable_vfs(fh, "0000:01:00.0", 4, "vfio-pci", err)) < 0 ||
	    (rc = svff_fakehost_bind(fh, "0000:01:00.6", "qdma-vf", err)) < 0 ||
	    (rc = svff_fakehost_bind(fh, "0000:01:00.7", "qdma-vf", err)) < 0 ||
	    (rc = svff_fakehost_write(fh, "devices/pci0000:00/0000:01:00.6/qdma/qmax", "8\n", err)) < 0 ||
	    (rc = svff_fakehost_write(fh, "devices/pci0000:00/0000:01:00.7/qdma/qmax", "8\n", err)) < 0)
		return rc;
	/* PF1: two VFs on vfio-pci. */
	if ((rc = svff_fakehost_enable_vfs(fh, "0000:01:00.1", 2, "vfio-pci", err)) < 0)
		return rc;
	/* FPGA 2: one PF, Gen3 x8, NUMA node 1, one VF. */
	s = qdma_pf("0000:02:00.0", 0, 1, 252, 0x38, 1, 128);
	if ((rc = svff_fakehost_add(fh, &s, err)) < 0 ||
	    (rc = svff_fakehost_enable_vfs(fh, "0000:02:00.0", 1, "vfio-pci", err)) < 0)
		return rc;
	/* An SR-IOV NIC (Intel X710), two VFs: one for the host, one for a VM. */
	s = (struct svff_fake_fn){
		.bdf = "0000:03:00.0", .vendor = 0x8086, .device = 0x1572, .subsys_vendor = 0x8086,
		.subsys_device = 0x0000, .class_code = 0x020000, .driver = "i40e", .numa_node = 0,
		.link_gen = 3, .link_width = 8, .total_vfs = 64, .vf_offset = 16, .vf_stride = 1,
		.vf_device = 0x154c,
	};
	if ((rc = svff_fakehost_add(fh, &s, err)) < 0 ||
	    (rc = svff_fakehost_enable_vfs(fh, "0000:03:00.0", 2, "iavf", err)) < 0 ||
	    (rc = svff_fakehost_bind(fh, "0000:03:02.1", "vfio-pci", err)) < 0)
		return rc;
	return 0;
}

/* The damage a real host can show: a VF removed under a stale link, a config
 * space nobody can read, a PF without sriov_totalvfs, garbage in numbers, a
 * link out of the tree. */
static int break_host(struct svff_fakehost *fh, struct svff_err *err)
{
	char path[PATH_MAX];
	int rc;

	/* dangling virtfn1 on PF1 (its VF directory is gone) */
	snprintf(path, sizeof(path), "%s/devices/pci0000:00/0000:01:08.3", fh->root);
	if (unlink_tree(path) < 0)
		return fail(err, "remove", path);
	snprintf(path, sizeof(path), "%s/bus/pci/devices/0000:01:08.3", fh->root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/bus/pci/drivers/vfio-pci/0000:01:08.3", fh->root);
	unlink(path);
	/* config of PF2 is a directory: reading it fails */
	snprintf(path, sizeof(path), "%s/devices/pci0000:00/0000:01:00.2/config", fh->root);
	if (unlink(path) < 0 || mkdir(path, 0755) < 0)
		return fail(err, "replace", path);
	/* PF3 lost sriov_totalvfs */
	snprintf(path, sizeof(path), "%s/devices/pci0000:00/0000:01:00.3/sriov_totalvfs", fh->root);
	if (unlink(path) < 0)
		return fail(err, "remove", path);
	/* garbage numbers */
	if ((rc = svff_fakehost_write(fh, "devices/pci0000:00/0000:02:00.0/numa_node", "banana\n", err)) < 0 ||
	    (rc = svff_fakehost_write(fh, "devices/pci0000:00/0000:03:00.0/sriov_numvfs", "2x\n", err)) < 0 ||
	    (rc = svff_fakehost_write(fh, "devices/pci0000:00/0000:01:00.6/qdma/qmax", "-\n", err)) < 0)
		return rc;
	/* the SATA controller's iommu_group link leads out of the root */
	snprintf(path, sizeof(path), "%s/devices/pci0000:00/0000:00:1f.2/iommu_group", fh->root);
	unlink(path);
	if (symlink("../../../../../../../../../../../../etc", path) < 0)
		return fail(err, "symlink", path);
	return 0;
}

/* A machine without SR-IOV: what svff shows where no driver is loaded or
 * the firmware has SR-IOV off. */
static int build_plain_host(struct svff_fakehost *fh, struct svff_err *err)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof(plain_fns) / sizeof(plain_fns[0]); i++)
		rc = svff_fakehost_add(fh, &plain_fns[i], err);
	return rc;
}

static const char *const presets[] = { "qdma-host", "broken-host", "scale-host", "plain-host", NULL };

const char *const *svff_fakehost_presets(void)
{
	return presets;
}

int svff_fakehost_build(const char *root, const char *preset, struct svff_err *err)
{
	struct svff_fakehost *fh;
	int rc;

	if (strcmp(preset, "qdma-host") && strcmp(preset, "broken-host") && strcmp(preset, "scale-host") &&
	    strcmp(preset, "plain-host"))
		return svff_err_set(err, EINVAL, "unknown fixture host '%s' (known: qdma-host, broken-host, scale-host, "
				    "plain-host)", preset);
	if ((rc = mkdirs(root, err)) < 0)
		return rc;
	rc = svff_fakehost_new(root, &fh, err);
	if (rc < 0)
		return rc;
	if (!strcmp(preset, "plain-host"))
		rc = build_plain_host(fh, err);
	else
		rc = build_qdma_host(fh, !strcmp(preset, "scale-host"), err);
	if (rc == 0 && !strcmp(preset, "broken-host"))
		rc = break_host(fh, err);
	svff_fakehost_free(fh);
	return rc;
}
