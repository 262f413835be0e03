/* svff — the host model (svff/host.h): PCI functions read from sysfs,
 * libpci and libudev, grouped into cards, kept current from device events. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svff/devevent.h"
#include "svff/host.h"

#include "pci.h"
#include "sysfs.h"
#include "udev.h"
#include "host_internal.h"

struct svff_host {
	struct svff_sysfs *sys;
	struct svff_pci *pci;
	struct svff_function **fns;	/* sorted by BDF */
	size_t n_fns, cap_fns;
	struct svff_card *cards;
	size_t n_cards;
	struct svff_strlist warnings;	/* host-wide: enumeration and the like */
	svff_host_listener listener;
	void *listener_data;
	bool scanning;			/* names after the scan, from pci.ids loaded meanwhile */
};

/* ---- names ---------------------------------------------------------------- */

const char *svff_role_name(enum svff_role role)
{
	switch (role) {
	case SVFF_ROLE_PF: return "pf";
	case SVFF_ROLE_VF: return "vf";
	default: return "function";
	}
}

const char *svff_card_kind_name(enum svff_card_kind kind)
{
	switch (kind) {
	case SVFF_CARD_QDMA: return "qdma";
	case SVFF_CARD_SRIOV: return "sriov";
	default: return "plain";
	}
}

/* ---- reading one function -------------------------------------------------- */

static void warn(struct svff_host *host, struct svff_err *e)
{
	svff_strlist_add(&host->warnings, "%s", e->msg);
}

static void fn_free(struct svff_function *fn)
{
	if (!fn)
		return;
	for (size_t i = 0; i < fn->n_vfs; i++)
		free(fn->vfs[i]);
	free(fn->vfs);
	free(fn);
}

static void read_str(struct svff_host *host, const struct svff_sysfs_dir *d, const char *attr,
		     char *buf, size_t len);

/* A numeric attribute into *v (-1 when missing or unreadable); true when
 * the file is there.  Missing is silent when optional, garbage is a
 * warning; either way the scan goes on. */
static bool read_attr_num(struct svff_host *host, const struct svff_sysfs_dir *d, const char *attr,
			  bool required, long *v)
{
	struct svff_err e = { 0 };

	/* one open, not a test and an open: a scan reads some 20 files per
	 * function */
	if (svff_sysfs_dir_read_long(d, attr, v, &e) == 0)
		return true;
	*v = -1;
	if (required || e.code != ENOENT)
		warn(host, &e);
	return e.code != ENOENT;
}

static long read_num(struct svff_host *host, const struct svff_sysfs_dir *d, const char *attr, bool required)
{
	long v;

	read_attr_num(host, d, attr, required, &v);
	return v;
}

/* The kernel prints some IDs as bare hex ("%x"): sriov_vf_device. */
static long read_hex(struct svff_host *host, const struct svff_sysfs_dir *d, const char *attr)
{
	char buf[32], *end;
	long v;

	read_str(host, d, attr, buf, sizeof(buf));
	if (!buf[0])
		return -1;
	v = strtol(buf, &end, 16);
	if (*end || v < 0) {
		svff_strlist_add(&host->warnings, "%s/%s/%s: expected a hexadecimal ID, found '%.32s'",
				 svff_sysfs_root(host->sys), d->rel, attr, buf);
		return -1;
	}
	return v;
}

static void read_str(struct svff_host *host, const struct svff_sysfs_dir *d, const char *attr,
		     char *buf, size_t len)
{
	struct svff_err e = { 0 };

	buf[0] = '\0';
	if (svff_sysfs_dir_read(d, attr, buf, len, &e) < 0) {
		if (e.code != ENOENT)
			warn(host, &e);
		buf[0] = '\0';
		return;
	}
	/* Collapse the driver's multi-line dumps to one line. */
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
}

/* The basename a link points at; "" when the link is absent, with a warning
 * when it cannot be read or does not lead where the kernel's would (to a
 * folder in `within`, to a PCI address when `within` is NULL).  Whether
 * the target exists is not checked here (two more system calls per
 * link): a PF's virtfn links are checked against the table after the
 * scan. */
static void read_link(struct svff_host *host, const struct svff_sysfs_dir *d, const char *attr,
		      const char *within, char *buf, size_t len)
{
	struct svff_err e = { 0 };
	struct svff_bdf bdf;
	char parent[64];

	buf[0] = '\0';
	if (svff_sysfs_dir_link_name(d, attr, buf, len, parent, sizeof(parent), &e) < 0) {
		if (e.code != ENOENT)
			warn(host, &e);
		buf[0] = '\0';
		return;
	}
	if (within ? strcmp(parent, within) != 0 : svff_bdf_parse(buf, &bdf) < 0) {
		svff_strlist_add(&host->warnings, "%s/%s/%s: leads to '%s/%s', not to %s%s; ignored",
				 svff_sysfs_root(host->sys), d->rel, attr, parent, buf,
				 within ? "a folder in " : "a PCI function", within ? within : "");
		buf[0] = '\0';
	}
}

struct virtfn_scan {
	struct svff_host *host;
	const struct svff_sysfs_dir *d;
	struct svff_function *fn;
};

static int virtfn_entry(const char *name, void *data)
{
	struct virtfn_scan *vs = data;
	struct svff_function *fn = vs->fn;
	char target[SVFF_BDF_LEN] = "";
	char **vfs;
	long idx;

	if (strncmp(name, "virtfn", 6) || svff_parse_long(name + 6, &idx) < 0 ||
	    idx < 0 || idx > 4095)
		return 0;
	read_link(vs->host, vs->d, name, NULL, target, sizeof(target));
	if ((size_t)idx >= fn->n_vfs) {
		vfs = realloc(fn->vfs, ((size_t)idx + 1) * sizeof(*vfs));
		if (!vfs)
			return -ENOMEM;
		memset(vfs + fn->n_vfs, 0, ((size_t)idx + 1 - fn->n_vfs) * sizeof(*vfs));
		fn->vfs = vfs;
		fn->n_vfs = (size_t)idx + 1;
	}
	free(fn->vfs[idx]);
	fn->vfs[idx] = target[0] ? strdup(target) : NULL;
	return 0;
}

static void read_sriov_sysfs(struct svff_host *host, const struct svff_sysfs_dir *d, struct svff_function *fn)
{
	struct svff_sriov *s = &fn->sriov;
	long total, num;
	bool has_total = read_attr_num(host, d, "sriov_totalvfs", false, &total);
	bool has_num = read_attr_num(host, d, "sriov_numvfs", false, &num);

	if (!has_total && !has_num)
		return;
	if (!s->present) {
		s->present = true;
		s->initial_vfs = s->vf_offset = s->vf_stride = s->vf_device = -1;
		s->total_vfs = s->num_vfs = -1;
	}
	if (!has_total)
		svff_strlist_add(&host->warnings, "%s/%s/sriov_totalvfs: missing on an SR-IOV function",
				 svff_sysfs_root(host->sys), d->rel);
	/* The kernel's files are what writes go through: they win over config
	 * space where both exist. */
	if (total >= 0)
		s->total_vfs = total;
	if (num >= 0)
		s->num_vfs = num;
	if (!s->from_config) {
		s->vf_offset = read_num(host, d, "sriov_offset", false);
		s->vf_stride = read_num(host, d, "sriov_stride", false);
		s->vf_device = read_hex(host, d, "sriov_vf_device");
	}
}

/* uevent's PCI_ID=10EE:A03F, PCI_SUBSYS_ID=10EE:0007, PCI_CLASS=58000;
 * what is missing or malformed stays -1 for the single files. */
static void read_uevent(const struct svff_sysfs_dir *d, struct svff_function *fn)
{
	char buf[1024], *line, *save = NULL;
	struct svff_err e = { 0 };
	unsigned a, b;

	if (svff_sysfs_dir_read(d, "uevent", buf, sizeof(buf), &e) < 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "PCI_ID=%4x:%4x", &a, &b) == 2) {
			fn->vendor = a;
			fn->device = b;
		} else if (sscanf(line, "PCI_SUBSYS_ID=%4x:%4x", &a, &b) == 2) {
			fn->subsys_vendor = a;
			fn->subsys_device = b;
		} else if (sscanf(line, "PCI_CLASS=%6x", &a) == 1) {
			fn->class_code = a;
		}
	}
}

static void fn_read_dir(struct svff_host *host, const struct svff_sysfs_dir *d, struct svff_function *fn);

static int fn_read(struct svff_host *host, const char *bdfname, struct svff_function **out)
{
	struct svff_function *fn;
	struct svff_err e = { 0 };
	struct svff_sysfs_dir d;
	char rel[64];
	struct svff_bdf bdf;
	int rc;

	*out = NULL;
	if (svff_bdf_parse(bdfname, &bdf) < 0)
		return svff_strlist_add(&host->warnings,
					"%s/bus/pci/devices/%s: not a PCI address, skipped",
					svff_sysfs_root(host->sys), bdfname), 0;
	fn = calloc(1, sizeof(*fn));
	if (!fn)
		return -ENOMEM;
	fn->bdf = bdf;
	svff_bdf_format(&bdf, fn->name, sizeof(fn->name));
	snprintf(rel, sizeof(rel), "bus/pci/devices/%s", fn->name);
	rc = svff_sysfs_dir_open(host->sys, rel, &d, &e);
	if (rc < 0) {
		free(fn);
		if (rc == -ENOENT)
			return -ENOENT;
		warn(host, &e);
		return 0;
	}
	fn_read_dir(host, &d, fn);
	svff_sysfs_dir_close(&d);
	*out = fn;
	return 0;
}

static void fn_read_dir(struct svff_host *host, const struct svff_sysfs_dir *d, struct svff_function *fn)
{
	struct svff_err e = { 0 };
	struct virtfn_scan vs;
	char buf[64];

	fn->vf_index = -1;
	/* The IDs from the kernel, not config space, where a VF's read ffff:
	 * uevent has them all in one read, the single files are the fallback. */
	fn->vendor = fn->device = fn->subsys_vendor = fn->subsys_device = fn->class_code = -1;
	read_uevent(d, fn);
	if (fn->vendor < 0)
		fn->vendor = read_num(host, d, "vendor", true);
	if (fn->device < 0)
		fn->device = read_num(host, d, "device", true);
	if (fn->subsys_vendor < 0)
		fn->subsys_vendor = read_num(host, d, "subsystem_vendor", false);
	if (fn->subsys_device < 0)
		fn->subsys_device = read_num(host, d, "subsystem_device", false);
	if (fn->class_code < 0)
		fn->class_code = read_num(host, d, "class", true);
	read_link(host, d, "physfn", NULL, fn->physfn, sizeof(fn->physfn));
	/* a VF sits on its PF's bus, so on its node: link_vfs copies it */
	fn->numa_node = fn->physfn[0] ? -1 : read_num(host, d, "numa_node", false);
	read_link(host, d, "driver", "drivers", fn->driver, sizeof(fn->driver));
	read_str(host, d, "driver_override", fn->driver_override, sizeof(fn->driver_override));
	if (!strcmp(fn->driver_override, "(null)"))
		fn->driver_override[0] = '\0';
	read_link(host, d, "iommu_group", "iommu_groups", buf, sizeof(buf));
	fn->iommu_group = -1;
	if (buf[0] && svff_parse_long(buf, &fn->iommu_group) < 0)
		fn->iommu_group = -1;
	fn->link_width = -1;
	if (fn->vendor >= 0 && fn->device >= 0)
		fn->qdma_id = svff_qdma_id_decode((uint16_t)fn->vendor, (uint16_t)fn->device);

	/* a VF has no SR-IOV of its own, and no link of its own: of a
	 * thousand functions, most need no config space at all */
	if (!fn->physfn[0] && svff_pci_read(host->pci, fn, &e) < 0)
		warn(host, &e);
	if (!host->scanning)
		svff_pci_name(host->pci, fn);
	if (!fn->physfn[0])
		read_sriov_sysfs(host, d, fn);
	if (!fn->physfn[0] && !fn->link_speed[0]) {
		read_str(host, d, "current_link_speed", fn->link_speed, sizeof(fn->link_speed));
		if (!strncmp(fn->link_speed, "Unknown", 7))
			fn->link_speed[0] = '\0';
	}
	if (!fn->physfn[0] && fn->link_width < 0)
		fn->link_width = read_num(host, d, "current_link_width", false);

	if (fn->physfn[0])
		fn->role = SVFF_ROLE_VF;
	else if (fn->sriov.present)
		fn->role = SVFF_ROLE_PF;
	if (fn->role == SVFF_ROLE_PF) {
		vs.host = host;
		vs.d = d;
		vs.fn = fn;
		if (svff_sysfs_list(host->sys, d->rel, virtfn_entry, &vs, &e) < 0 && e.code)
			warn(host, &e);
	}

	/* only the QDMA drivers (qdma-pf, qdma-vf) make a qdma/ group, and
	 * only while bound: half the VFs of a busy host are on vfio-pci.
	 * qmax is in every version of the group, so reading it is the test. */
	if (fn->vendor == 0x10ee && !strncmp(fn->driver, "qdma", 4) && ((fn->qdma.qmax = read_num(host, d, "qdma/qmax", false)) >= 0 ||
				     svff_sysfs_dir_exists(d, "qdma"))) {
		struct svff_qdma_attrs *q = &fn->qdma;

		q->present = true;
		q->intr_rngsz = read_num(host, d, "qdma/intr_rngsz", false);
		q->qmax_vfs = -1;
		/* the global CSR values and qmax_vfs are the (master) PF's */
		if (fn->role == SVFF_ROLE_VF)
			return;
		q->qmax_vfs = read_num(host, d, "qdma/qmax_vfs", false);
		read_str(host, d, "qdma/buf_sz", q->buf_sz, sizeof(q->buf_sz));
		read_str(host, d, "qdma/glbl_rng_sz", q->glbl_rng_sz, sizeof(q->glbl_rng_sz));
		read_str(host, d, "qdma/c2h_timer_cnt", q->c2h_timer_cnt, sizeof(q->c2h_timer_cnt));
		read_str(host, d, "qdma/c2h_cnt_th", q->c2h_cnt_th, sizeof(q->c2h_cnt_th));
		read_str(host, d, "qdma/cmpl_status_acc", q->cmpl_status_acc, sizeof(q->cmpl_status_acc));
	}
}

/* ---- the function table ------------------------------------------------------ */

static size_t fn_lower_bound(const struct svff_host *host, const struct svff_bdf *bdf)
{
	size_t lo = 0, hi = host->n_fns;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (svff_bdf_cmp(&host->fns[mid]->bdf, bdf) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct svff_function *fn_lookup(const struct svff_host *host, const char *name, size_t *pos)
{
	struct svff_bdf bdf;
	size_t i;

	if (!name || svff_bdf_parse(name, &bdf) < 0)
		return NULL;
	i = fn_lower_bound(host, &bdf);
	if (pos)
		*pos = i;
	if (i < host->n_fns && !svff_bdf_cmp(&host->fns[i]->bdf, &bdf))
		return host->fns[i];
	return NULL;
}

/* Puts fn in the table, replacing an entry with the same BDF.  Returns
 * true when it replaced one. */
static int fn_put(struct svff_host *host, struct svff_function *fn, bool *replaced)
{
	size_t i;
	struct svff_function *old = fn_lookup(host, fn->name, &i);

	*replaced = old != NULL;
	if (old) {
		fn_free(old);
		host->fns[i] = fn;
		return 0;
	}
	if (host->n_fns == host->cap_fns) {
		size_t cap = host->cap_fns ? host->cap_fns * 2 : 64;
		struct svff_function **fns = realloc(host->fns, cap * sizeof(*fns));

		if (!fns)
			return -ENOMEM;
		host->fns = fns;
		host->cap_fns = cap;
	}
	memmove(host->fns + i + 1, host->fns + i, (host->n_fns - i) * sizeof(*host->fns));
	host->fns[i] = fn;
	host->n_fns++;
	return 0;
}

static bool fn_remove(struct svff_host *host, const char *name)
{
	size_t i;
	struct svff_function *fn = fn_lookup(host, name, &i);

	if (!fn)
		return false;
	fn_free(fn);
	memmove(host->fns + i, host->fns + i + 1, (host->n_fns - i - 1) * sizeof(*host->fns));
	host->n_fns--;
	return true;
}

/* VF indices come from the PF's virtfnN links: the kernel's own numbering.
 * After a whole scan (complete), a link to no function in the table is
 * dangling. */
static void link_vfs(struct svff_host *host, bool complete)
{
	for (size_t i = 0; i < host->n_fns; i++) {
		struct svff_function *pf = host->fns[i];

		if (pf->role == SVFF_ROLE_VF)
			pf->vf_index = -1;
	}
	for (size_t i = 0; i < host->n_fns; i++) {
		struct svff_function *pf = host->fns[i];

		if (pf->role != SVFF_ROLE_PF)
			continue;
		for (size_t k = 0; k < pf->n_vfs; k++) {
			struct svff_function *vf = fn_lookup(host, pf->vfs[k], NULL);

			if (vf && vf->role == SVFF_ROLE_VF && !strcmp(vf->physfn, pf->name)) {
				vf->vf_index = (long)k;
				vf->numa_node = pf->numa_node;
			} else if (complete && pf->vfs[k] && !vf) {
				svff_strlist_add(&host->warnings, "%s/bus/pci/devices/%s/virtfn%zu: dangling link "
						 "(its target %s is not among the PCI devices)",
						 svff_sysfs_root(host->sys), pf->name, k, pf->vfs[k]);
				free(pf->vfs[k]);
				pf->vfs[k] = NULL;
			}
		}
	}
}

static void cards_free(struct svff_host *host)
{
	for (size_t i = 0; i < host->n_cards; i++)
		free(host->cards[i].fns);
	free(host->cards);
	host->cards = NULL;
	host->n_cards = 0;
}

static bool same_slot(const struct svff_bdf *a, const struct svff_bdf *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->slot == b->slot;
}

/* Cards are the non-VF functions that share domain:bus:slot; VFs belong to
 * their PF's card.  The table is sorted, so a card's functions are
 * adjacent.  Rebuilding is O(n) in memory, with no sysfs reads. */
static int cards_build(struct svff_host *host)
{
	cards_free(host);
	for (size_t i = 0; i < host->n_fns; i++) {
		struct svff_function *fn = host->fns[i];
		struct svff_card *card;
		size_t *fns;

		if (fn->role == SVFF_ROLE_VF && fn_lookup(host, fn->physfn, NULL))
			continue;
		card = host->n_cards ? &host->cards[host->n_cards - 1] : NULL;
		if (!card || !same_slot(&host->fns[card->fns[0]]->bdf, &fn->bdf)) {
			card = realloc(host->cards, (host->n_cards + 1) * sizeof(*card));
			if (!card)
				return -ENOMEM;
			host->cards = card;
			card = &host->cards[host->n_cards++];
			memset(card, 0, sizeof(*card));
			snprintf(card->name, sizeof(card->name), "%04x:%02x:%02x",
				 fn->bdf.domain, fn->bdf.bus, fn->bdf.slot);
		}
		fns = realloc(card->fns, (card->n_fns + 1) * sizeof(*fns));
		if (!fns)
			return -ENOMEM;
		card->fns = fns;
		card->fns[card->n_fns++] = i;
		fn->card = (size_t)(card - host->cards);
		if (fn->role == SVFF_ROLE_PF && card->kind < SVFF_CARD_SRIOV)
			card->kind = SVFF_CARD_SRIOV;
		if ((fn->qdma_id.valid && !fn->qdma_id.vf) || !strcmp(fn->driver, "qdma-pf"))
			card->kind = SVFF_CARD_QDMA;
	}
	for (size_t i = 0; i < host->n_fns; i++) {
		struct svff_function *vf = host->fns[i];
		struct svff_function *pf;

		if (vf->role == SVFF_ROLE_VF && (pf = fn_lookup(host, vf->physfn, NULL)))
			vf->card = pf->card;
	}
	return 0;
}

/* ---- public ------------------------------------------------------------------ */

int svff_host_new(const char *sysfs_root, struct svff_host **out, struct svff_err *err)
{
	struct svff_host *host = calloc(1, sizeof(*host));
	int rc;

	*out = NULL;
	if (!host)
		return svff_err_set(err, ENOMEM, "out of memory");
	rc = svff_sysfs_new(sysfs_root ? sysfs_root : "/sys", &host->sys, err);
	if (rc == 0)
		rc = svff_pci_new(svff_sysfs_root(host->sys), &host->pci, err);
	if (rc < 0) {
		svff_host_free(host);
		return rc;
	}
	*out = host;
	return 0;
}

void svff_host_free(struct svff_host *host)
{
	if (!host)
		return;
	for (size_t i = 0; i < host->n_fns; i++)
		fn_free(host->fns[i]);
	free(host->fns);
	cards_free(host);
	svff_strlist_clear(&host->warnings);
	svff_pci_free(host->pci);
	svff_sysfs_free(host->sys);
	free(host);
}

static int scan_one(const char *bdf, void *data)
{
	struct svff_host *host = data;
	struct svff_function *fn;
	bool replaced;
	int rc = fn_read(host, bdf, &fn);

	if (rc == -ENOENT)
		return 0;	/* gone between listing and reading */
	if (rc < 0)
		return rc;
	if (!fn)
		return 0;
	rc = fn_put(host, fn, &replaced);
	if (rc < 0)
		fn_free(fn);
	return rc;
}

int svff_host_scan(struct svff_host *host, struct svff_err *err)
{
	int rc;

	for (size_t i = 0; i < host->n_fns; i++)
		fn_free(host->fns[i]);
	host->n_fns = 0;
	svff_strlist_clear(&host->warnings);
	svff_pci_prefetch_names(host->pci);
	host->scanning = true;
	/* libudev knows only the real /sys; a fixture root is listed directly. */
	if (svff_sysfs_is_system(host->sys))
		rc = svff_udev_enumerate_pci(scan_one, host, err);
	else
		rc = svff_sysfs_list(host->sys, "bus/pci/devices", scan_one, host, err);
	host->scanning = false;
	for (size_t i = 0; rc >= 0 && i < host->n_fns; i++)
		svff_pci_name(host->pci, host->fns[i]);
	if (rc < 0) {
		if (err && !err->code)
			svff_err_set(err, -rc, "scanning PCI devices: %s", strerror(-rc));
		return rc;
	}
	link_vfs(host, true);
	rc = cards_build(host);
	if (rc < 0)
		return svff_err_set(err, -rc, "out of memory");
	return 0;
}

static void notify(struct svff_host *host, enum svff_change what, const char *bdf)
{
	if (host->listener)
		host->listener(host, what, bdf, host->listener_data);
}

/* Re-reads one function; returns 1 added, 0 changed, 2 gone, <0 error. */
static int refresh(struct svff_host *host, const char *bdf)
{
	struct svff_function *fn;
	bool replaced;
	int rc = fn_read(host, bdf, &fn);

	if (rc == -ENOENT)
		return fn_remove(host, bdf) ? 2 : 3;
	if (rc < 0)
		return rc;
	if (!fn)
		return 3;
	rc = fn_put(host, fn, &replaced);
	if (rc < 0) {
		fn_free(fn);
		return rc;
	}
	return replaced ? 0 : 1;
}

void svff_host_set_names(struct svff_host *host, bool names)
{
	svff_pci_set_names(host->pci, names);
}

int svff_host_load(struct svff_host *host, const char *bdf, struct svff_err *err)
{
	char name[SVFF_BDF_LEN];
	struct svff_bdf b;
	int rc;

	if (svff_bdf_parse(bdf, &b) < 0)
		return svff_err_set(err, EINVAL, "'%s' is not a PCI address (expected e.g. 0000:01:00.4)", bdf);
	svff_bdf_format(&b, name, sizeof(name));
	/* a function that is not there is not an error here: the caller's
	 * checks say what it means for them */
	rc = refresh(host, name);
	if (rc < 0)
		return svff_err_set(err, -rc, "%s: cannot read the device: %s", name, strerror(-rc));
	link_vfs(host, false);
	if (cards_build(host) < 0)
		return svff_err_set(err, ENOMEM, "out of memory");
	return 0;
}

int svff_host_apply_event(struct svff_host *host, const char *action, const char *bdf,
			  struct svff_err *err)
{
	char name[SVFF_BDF_LEN], pfname[SVFF_BDF_LEN] = "";
	struct svff_function *fn;
	struct svff_bdf b;
	int rc;

	if (svff_bdf_parse(bdf, &b) < 0)
		return svff_err_set(err, EINVAL, "device event for '%s': not a PCI address", bdf);
	svff_bdf_format(&b, name, sizeof(name));
	fn = fn_lookup(host, name, NULL);
	if (fn && fn->role == SVFF_ROLE_VF)
		snprintf(pfname, sizeof(pfname), "%s", fn->physfn);
	if (!strcmp(action, "remove")) {
		rc = fn_remove(host, name) ? 2 : 3;
	} else {
		rc = refresh(host, name);
		if (rc < 0)
			return svff_err_set(err, -rc, "%s: cannot re-read the device: %s", name, strerror(-rc));
		fn = fn_lookup(host, name, NULL);
		if (fn && fn->role == SVFF_ROLE_VF)
			snprintf(pfname, sizeof(pfname), "%s", fn->physfn);
	}
	/* A VF coming or going changes its PF's count and links. */
	if (pfname[0] && fn_lookup(host, pfname, NULL) && refresh(host, pfname) < 0)
		pfname[0] = '\0';
	link_vfs(host, false);
	if (cards_build(host) < 0)
		return svff_err_set(err, ENOMEM, "out of memory");
	if (rc == 1)
		notify(host, SVFF_CHANGE_ADDED, name);
	else if (rc == 0)
		notify(host, SVFF_CHANGE_CHANGED, name);
	else if (rc == 2)
		notify(host, SVFF_CHANGE_REMOVED, name);
	if (pfname[0] && fn_lookup(host, pfname, NULL))
		notify(host, SVFF_CHANGE_CHANGED, pfname);
	return 0;
}

size_t svff_host_apply_events(struct svff_host *host, struct svff_evsrc *src,
			      void (*on_error)(void *data, const struct svff_err *err), void *data)
{
	struct svff_devevent ev;
	struct svff_err err = { 0 };
	size_t n = 0;

	while (src && src->ops->next(src, &ev, &err) > 0) {
		n++;
		if (svff_host_apply_event(host, ev.action, ev.bdf, &err) < 0 && on_error)
			on_error(data, &err);
		err = (struct svff_err){ 0 };
	}
	return n;
}

void svff_host_set_listener(struct svff_host *host, svff_host_listener fn, void *data)
{
	host->listener = fn;
	host->listener_data = data;
}

size_t svff_host_n_functions(const struct svff_host *host)
{
	return host->n_fns;
}

const struct svff_function *svff_host_function(const struct svff_host *host, size_t i)
{
	return i < host->n_fns ? host->fns[i] : NULL;
}

const struct svff_function *svff_host_find(const struct svff_host *host, const char *bdf)
{
	return fn_lookup(host, bdf, NULL);
}

size_t svff_host_n_cards(const struct svff_host *host)
{
	return host->n_cards;
}

const struct svff_card *svff_host_card(const struct svff_host *host, size_t i)
{
	return i < host->n_cards ? &host->cards[i] : NULL;
}

const struct svff_strlist *svff_host_warnings(const struct svff_host *host)
{
	return &host->warnings;
}

const char *svff_host_sysfs_root(const struct svff_host *host)
{
	return svff_sysfs_root(host->sys);
}

bool svff_host_driver_loaded(const struct svff_host *host, const char *driver)
{
	char rel[PATH_MAX];

	if (!driver[0] || strchr(driver, '/'))
		return false;
	snprintf(rel, sizeof(rel), "bus/pci/drivers/%s", driver);
	return svff_sysfs_exists(host->sys, rel);
}

int svff_host_iommu_group(const struct svff_host *host, long group,
			  int (*fn)(const char *bdf, void *data), void *data, struct svff_err *err)
{
	char rel[PATH_MAX];

	snprintf(rel, sizeof(rel), "kernel/iommu_groups/%ld/devices", group);
	return svff_sysfs_list(host->sys, rel, fn, data, err);
}

struct svff_sysfs *svff_host_sysfs(const struct svff_host *host)
{
	return host->sys;
}
