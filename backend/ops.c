/* svff — the operations as plans (svff/ops.h): init, reconf, pause and
 * driver plans built, described, run step by step and undone; the lock. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <stdarg.h>
#include <unistd.h>

#include "host_internal.h"
#include "svff/ops.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void journal(struct svff_ops_ctx *ctx, enum svff_journal_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void journal(struct svff_ops_ctx *ctx, enum svff_journal_kind kind, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!ctx->log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ctx->log(ctx->log_data, kind, line);
}

void svff_ops_sync(struct svff_ops_ctx *ctx)
{
	svff_host_apply_events(ctx->host, ctx->events, NULL, NULL);
}

/* Waits until pred holds, applying events as they come; re-reads the
 * functions named when events do not come (a udevd that lost one). */
static bool wait_for(struct svff_ops_ctx *ctx, bool (*pred)(struct svff_ops_ctx *, const struct svff_step *),
		     const struct svff_step *s)
{
	long long end = now_ms() + ctx->timeout_ms;

	for (;;) {
		struct pollfd pfd = { .fd = ctx->events ? ctx->events->ops->fd(ctx->events) : -1, .events = POLLIN };
		long long left;

		svff_ops_sync(ctx);
		if (pred(ctx, s))
			return true;
		left = end - now_ms();
		if (left <= 0)
			break;
		poll(&pfd, 1, left > 100 ? 100 : (int)left);
	}
	/* last chance: read sysfs itself */
	svff_host_apply_event(ctx->host, "change", s->target[0] ? s->target : s->bdf, NULL);
	svff_host_apply_event(ctx->host, "change", s->bdf, NULL);
	return pred(ctx, s);
}

/* ---- the function a step acts on -------------------------------------------- */

static int resolve(struct svff_ops_ctx *ctx, struct svff_step *s, struct svff_err *err)
{
	const struct svff_function *pf;

	if (s->vf < 0) {
		snprintf(s->target, sizeof(s->target), "%s", s->bdf);
		return 0;
	}
	pf = svff_host_find(ctx->host, s->bdf);
	if (!pf || (size_t)s->vf >= pf->n_vfs || !pf->vfs[s->vf])
		return svff_err_set(err, ENODEV, "VF %ld of %s does not exist", s->vf, s->bdf);
	snprintf(s->target, sizeof(s->target), "%s", pf->vfs[s->vf]);
	return 0;
}

static int write_attr(struct svff_ops_ctx *ctx, const char *bdf, const char *attr, const char *value,
		      struct svff_err *err)
{
	char rel[PATH_MAX];

	snprintf(rel, sizeof(rel), "bus/pci/devices/%s/%s", bdf, attr);
	/* "\n" clears driver_override: show it as the empty string it is */
	journal(ctx, SVFF_JOURNAL_WRITE, "write %s to %s", strcmp(value, "\n") ? value : "\"\"", rel);
	return svff_sysfs_write(svff_host_sysfs(ctx->host), rel, value, err);
}

/* ---- qmax --------------------------------------------------------------------- */

static int set_qmax(struct svff_ops_ctx *ctx, const char *bdf, long q, struct svff_err *err)
{
	char v[32];
	const struct svff_function *fn;

	snprintf(v, sizeof(v), "%ld", q);
	if (write_attr(ctx, bdf, "qdma/qmax", v, err) < 0)
		return -err->code;
	svff_host_apply_event(ctx->host, "change", bdf, NULL);
	fn = svff_host_find(ctx->host, bdf);
	if (!fn || fn->qdma.qmax != q)
		return svff_err_set(err, EIO, "%s: qdma/qmax reads %ld after writing %ld", bdf,
				    fn ? fn->qdma.qmax : -1, q);
	return 0;
}

/* ---- sriov_numvfs ------------------------------------------------------------------ */

static bool numvfs_reached(struct svff_ops_ctx *ctx, const struct svff_step *s)
{
	const struct svff_function *pf = svff_host_find(ctx->host, s->bdf);
	size_t present = 0;

	if (!pf)
		return false;
	for (size_t i = 0; i < pf->n_vfs; i++)
		present += pf->vfs[i] && svff_host_find(ctx->host, pf->vfs[i]);
	return pf->sriov.num_vfs == s->value && (long)present == s->value && (long)pf->n_vfs == s->value;
}

static int set_numvfs(struct svff_ops_ctx *ctx, struct svff_step *s, long n, struct svff_err *err)
{
	char v[32];
	struct svff_step probe = *s;

	snprintf(v, sizeof(v), "%ld", n);
	if (write_attr(ctx, s->bdf, "sriov_numvfs", v, err) < 0)
		return -err->code;
	probe.value = n;
	/* the QDMA driver can say yes and enable nothing: read it back */
	if (!wait_for(ctx, numvfs_reached, &probe))
		return svff_err_set(err, ETIMEDOUT, "%s: wrote %ld to sriov_numvfs but %ld VF(s) are there after "
				    "%d ms (the driver may have failed to enable them; see dmesg)", s->bdf, n,
				    svff_host_find(ctx->host, s->bdf) ?
				    svff_host_find(ctx->host, s->bdf)->sriov.num_vfs : -1, ctx->timeout_ms);
	return 0;
}

/* ---- drivers -------------------------------------------------------------------------- */

static bool driver_reached(struct svff_ops_ctx *ctx, const struct svff_step *s)
{
	const struct svff_function *fn = svff_host_find(ctx->host, s->target);

	return fn && !strcmp(fn->driver, s->driver);
}

/* The kernel's way: driver_override, unbind from the old driver, then
 * drivers_probe, so that no other driver grabs the function meanwhile. */
static int move_driver(struct svff_ops_ctx *ctx, struct svff_step *s, const char *driver, struct svff_err *err)
{
	struct svff_sysfs *sys = svff_host_sysfs(ctx->host);
	const struct svff_function *fn = svff_host_find(ctx->host, s->target);
	struct svff_step want = *s;
	char rel[PATH_MAX];

	if (!fn)
		return svff_err_set(err, ENODEV, "%s is gone", s->target);
	if (!strcmp(fn->driver, driver))
		return 0;
	if (write_attr(ctx, s->target, "driver_override", driver[0] ? driver : "\n", err) < 0)
		return -err->code;
	if (fn->driver[0]) {
		snprintf(rel, sizeof(rel), "bus/pci/drivers/%s/unbind", fn->driver);
		journal(ctx, SVFF_JOURNAL_WRITE, "write %s to %s", s->target, rel);
		if (svff_sysfs_write(sys, rel, s->target, err) < 0)
			return -err->code;
	}
	snprintf(want.driver, sizeof(want.driver), "%s", driver);
	if (driver[0]) {
		journal(ctx, SVFF_JOURNAL_WRITE, "write %s to bus/pci/drivers_probe", s->target);
		if (svff_sysfs_write(sys, "bus/pci/drivers_probe", s->target, err) < 0)
			return -err->code;
	}
	if (!wait_for(ctx, driver_reached, &want))
		return svff_err_set(err, ETIMEDOUT, "%s did not bind to %s within %d ms (is the %s module loaded?)",
				    s->target, driver[0] ? driver : "(no driver)", ctx->timeout_ms,
				    driver[0] ? driver : "old driver's");
	return 0;
}

/* ---- pause ------------------------------------------------------------------------------ */

/* QEMU lets go of the device first; only then can the host take the VF
 * from vfio-pci (the kernel would wait for the VFIO fd otherwise). */
static int pause_vf(struct svff_ops_ctx *ctx, struct svff_step *s, struct svff_err *err)
{
	if (!ctx->virt)
		return svff_err_set(err, ENOTCONN, "pausing %s needs libvirt", s->target);
	if (!svff_virt_vf_paused(ctx->virt, s->target, NULL)) {
		journal(ctx, SVFF_JOURNAL_CALL, "device_pause %s in VM %s", s->target, s->vm);
		if (svff_virt_device_pause(ctx->virt, s->target, true, err) < 0)
			return -err->code;
	}
	return move_driver(ctx, s, "", err);
}

/* The reverse: the VF (perhaps a new one at the same address) goes to
 * vfio-pci, then QEMU reopens it. */
static int unpause_vf(struct svff_ops_ctx *ctx, struct svff_step *s, struct svff_err *err)
{
	if (!ctx->virt)
		return svff_err_set(err, ENOTCONN, "unpausing %s needs libvirt", s->target);
	if (move_driver(ctx, s, "vfio-pci", err) < 0)
		return -err->code;
	if (!svff_virt_vf_paused(ctx->virt, s->target, NULL))
		return 0;
	journal(ctx, SVFF_JOURNAL_CALL, "device_pause %s in VM %s off", s->target, s->vm);
	return svff_virt_device_pause(ctx->virt, s->target, false, err);
}

/* ---- steps ------------------------------------------------------------------------------ */

static bool live_in_vm(struct svff_ops_ctx *ctx, const char *bdf)
{
	const struct svff_hostdev *hd = NULL;
	const struct svff_vm *vm = svff_virt_vm_of(ctx->virt, bdf, &hd);

	return vm && vm->id >= 0 && hd->live;
}

/* New VFs are probed by whatever driver matches (nvme, qdma-vf, ...) the
 * moment they appear, and a host driver can take seconds to give one up
 * again (the real-kernel lab saw nvme hold a VF for longer than the
 * bind's timeout).  VFs meant for another driver are created with
 * autoprobe off and bound explicitly; the PF's setting comes back after. */
static int set_autoprobe(struct svff_ops_ctx *ctx, struct svff_plan *plan, struct svff_step *s,
			 struct svff_err *err)
{
	char rel[PATH_MAX], v[8];
	struct svff_err e = { 0 };
	long want = s->value;

	snprintf(rel, sizeof(rel), "bus/pci/devices/%s/sriov_drivers_autoprobe", s->target);
	if (svff_sysfs_read_long(svff_host_sysfs(ctx->host), rel, &s->old_value, &e) < 0) {
		s->old_value = -1;
		/* a kernel before 4.12 has no such file: it always probes */
		return e.code == ENOENT ? 0 : svff_err_set(err, e.code, "%s", e.msg);
	}
	if (want < 0)
		want = s->pair < plan->n ? plan->steps[s->pair].old_value : -1;
	if (want < 0 || want == s->old_value)
		return 0;
	snprintf(v, sizeof(v), "%ld", want);
	return write_attr(ctx, s->target, "sriov_drivers_autoprobe", v, err);
}

static int step_apply(struct svff_ops_ctx *ctx, struct svff_plan *plan, struct svff_step *s,
		      struct svff_err *err)
{
	const struct svff_function *fn;
	int rc;

	if ((rc = resolve(ctx, s, err)) < 0)
		return rc;
	fn = svff_host_find(ctx->host, s->target);
	if (!fn)
		return svff_err_set(err, ENODEV, "%s is gone", s->target);
	switch (s->kind) {
	case SVFF_STEP_QMAX:
		s->old_value = fn->qdma.qmax;
		if (s->old_value == s->value)
			return 0;
		return set_qmax(ctx, s->target, s->value, err);
	case SVFF_STEP_NUMVFS:
		s->old_value = fn->sriov.num_vfs;
		if (s->old_value == s->value)
			return 0;
		/* going through 0 drops every VF's driver and queues: keep them
		 * so the undo can put them back */
		free(s->old_vfs);
		s->old_vfs = calloc(fn->n_vfs + 1, sizeof(*s->old_vfs));
		s->n_old_vfs = 0;
		for (size_t i = 0; s->old_vfs && i < fn->n_vfs; i++) {
			const struct svff_function *vf = fn->vfs[i] ? svff_host_find(ctx->host, fn->vfs[i]) : NULL;

			snprintf(s->old_vfs[i].driver, sizeof(s->old_vfs[i].driver), "%s", vf ? vf->driver : "");
			s->old_vfs[i].qmax = vf && vf->qdma.present ? vf->qdma.qmax : -1;
			s->n_old_vfs++;
		}
		return set_numvfs(ctx, s, s->value, err);
	case SVFF_STEP_DRIVER:
		snprintf(s->old_driver, sizeof(s->old_driver), "%s", fn->driver);
		return move_driver(ctx, s, s->driver, err);
	case SVFF_STEP_ATTACH:
		if (!ctx->virt)
			return svff_err_set(err, ENOTCONN, "attaching %s to %s needs libvirt", s->target, s->vm);
		if (live_in_vm(ctx, s->target))
			return 0;
		journal(ctx, SVFF_JOURNAL_CALL, "attach %s to VM %s", s->target, s->vm);
		return svff_virt_attach(ctx->virt, ctx->host, ctx->cfg, s->target, s->vm, SVFF_ATTACH_LIVE, false,
					NULL, err);
	case SVFF_STEP_DETACH:
		if (!ctx->virt)
			return svff_err_set(err, ENOTCONN, "detaching %s from %s needs libvirt", s->target, s->vm);
		journal(ctx, SVFF_JOURNAL_CALL, "detach %s from VM %s", s->target, s->vm);
		return svff_virt_detach(ctx->virt, ctx->host, ctx->cfg, s->target, s->vm, SVFF_ATTACH_LIVE,
					ctx->timeout_ms, false, err);
	case SVFF_STEP_PAUSE:
		return pause_vf(ctx, s, err);
	case SVFF_STEP_UNPAUSE:
		return unpause_vf(ctx, s, err);
	case SVFF_STEP_AUTOPROBE:
		return set_autoprobe(ctx, plan, s, err);
	}
	return 0;
}

static int step_undo(struct svff_ops_ctx *ctx, struct svff_step *s, struct svff_err *err)
{
	struct svff_step tmp;

	switch (s->kind) {
	case SVFF_STEP_QMAX:
		if (s->old_value < 0 || s->old_value == s->value)
			return 0;
		return set_qmax(ctx, s->target, s->old_value, err);
	case SVFF_STEP_NUMVFS:
		if (s->old_value == s->value || s->old_value < 0)
			return 0;
		/* back through 0, as the kernel wants */
		if (s->value && set_numvfs(ctx, s, 0, err) < 0)
			return -err->code;
		if (s->old_value && set_numvfs(ctx, s, s->old_value, err) < 0)
			return -err->code;
		for (size_t i = 0; i < s->n_old_vfs; i++) {
			tmp = (struct svff_step){ .kind = SVFF_STEP_DRIVER, .vf = (long)i };
			snprintf(tmp.bdf, sizeof(tmp.bdf), "%s", s->bdf);
			if (resolve(ctx, &tmp, err) < 0 || move_driver(ctx, &tmp, s->old_vfs[i].driver, err) < 0)
				return -err->code;
			if (s->old_vfs[i].qmax > 0 && set_qmax(ctx, tmp.target, s->old_vfs[i].qmax, err) < 0)
				return -err->code;
		}
		return 0;
	case SVFF_STEP_DRIVER:
		return move_driver(ctx, s, s->old_driver, err);
	case SVFF_STEP_ATTACH:
		return ctx->virt ? svff_virt_detach(ctx->virt, ctx->host, ctx->cfg, s->target, s->vm,
						    SVFF_ATTACH_LIVE, ctx->timeout_ms, false, err) : 0;
	case SVFF_STEP_DETACH:
		/* the undo puts the VF back into its VM, unless it never left */
		if (!ctx->virt || (resolve(ctx, s, err) == 0 && live_in_vm(ctx, s->target)))
			return 0;
		return svff_virt_attach(ctx->virt, ctx->host, ctx->cfg, s->target, s->vm, SVFF_ATTACH_LIVE, false,
					NULL, err);
	case SVFF_STEP_PAUSE:
		if (!ctx->virt || resolve(ctx, s, err) < 0 || !svff_host_find(ctx->host, s->target))
			return 0;
		return unpause_vf(ctx, s, err);
	case SVFF_STEP_UNPAUSE:
		if (!ctx->virt || resolve(ctx, s, err) < 0 || !svff_host_find(ctx->host, s->target))
			return 0;
		return pause_vf(ctx, s, err);
	case SVFF_STEP_AUTOPROBE: {
		char v[8];

		if (s->old_value < 0 || !s->target[0])
			return 0;
		snprintf(v, sizeof(v), "%ld", s->old_value);
		return write_attr(ctx, s->target, "sriov_drivers_autoprobe", v, err);
	}
	}
	return 0;
}

int svff_plan_run(struct svff_ops_ctx *ctx, struct svff_plan *plan, struct svff_err *err)
{
	size_t i;

	svff_ops_sync(ctx);
	journal(ctx, SVFF_JOURNAL_NOTE, "%s: %zu step(s)", plan->title, plan->n);
	for (i = 0; i < plan->n; i++) {
		struct svff_step *s = &plan->steps[i];

		journal(ctx, SVFF_JOURNAL_STEP, "step %zu/%zu: %s", i + 1, plan->n, s->desc);
		s->t_start = now_ms();
		if (step_apply(ctx, plan, s, err) < 0)
			break;
		s->done = true;
		s->t_done = now_ms();
	}
	if (i == plan->n) {
		journal(ctx, SVFF_JOURNAL_DONE, "%s: done", plan->title);
		return 0;
	}
	{
		char failed[SVFF_ERR_MSG_MAX];
		size_t undone = 0, broken = 0;

		snprintf(failed, sizeof(failed), "%s", err->msg);
		journal(ctx, SVFF_JOURNAL_NOTE, "step %zu failed: %s; undoing", i + 1, failed);
		/* the failed step may have half happened: undo it too */
		for (size_t k = i + 1; k-- > 0;) {
			struct svff_err uerr = { 0 };
			struct svff_step *s = &plan->steps[k];

			if (k == i && !s->target[0])
				continue;
			if (step_undo(ctx, s, &uerr) < 0) {
				journal(ctx, SVFF_JOURNAL_NOTE, "undo of step %zu failed: %s", k + 1, uerr.msg);
				broken++;
			} else {
				undone++;
			}
		}
		if (broken)
			return svff_err_set(err, EIO, "step %zu (%s) failed: %s; undoing the steps before it failed %zu "
					    "time(s): the host is NOT as it was, see the log", i + 1,
					    plan->steps[i].desc, failed, broken);
		return svff_err_set(err, err->code ? err->code : EIO, "step %zu (%s) failed: %s; the %zu step(s) "
				    "before it were undone and the host is as it was", i + 1, plan->steps[i].desc,
				    failed, i);
	}
}

void svff_plan_free(struct svff_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++)
		free(plan->steps[i].old_vfs);
	free(plan->steps);
	svff_strlist_clear(&plan->notes);
	memset(plan, 0, sizeof(*plan));
}

/* ---- building plans ---------------------------------------------------------------------- */

static struct svff_step *add_step(struct svff_plan *plan, enum svff_step_kind kind, const char *bdf,
				  long vf, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static struct svff_step *add_step(struct svff_plan *plan, enum svff_step_kind kind, const char *bdf,
				  long vf, const char *fmt, ...)
{
	struct svff_step *s;
	va_list ap;

	if (plan->n == plan->cap) {
		size_t cap = plan->cap ? plan->cap * 2 : 16;

		s = realloc(plan->steps, cap * sizeof(*s));
		if (!s)
			return NULL;
		plan->steps = s;
		plan->cap = cap;
	}
	s = &plan->steps[plan->n++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->vf = vf;
	s->value = -1;
	snprintf(s->bdf, sizeof(s->bdf), "%s", bdf);
	va_start(ap, fmt);
	vsnprintf(s->desc, sizeof(s->desc), fmt, ap);
	va_end(ap);
	return s;
}

static int check_function(struct svff_ops_ctx *ctx, const char *name, const struct svff_function **out,
			  struct svff_err *err)
{
	const struct svff_function *fn = svff_host_find(ctx->host, name);

	if (!fn) {
		svff_err_set(err, ENODEV, "no PCI function %s on this host", name);
		return svff_err_hint(err, SVFF_HINT_LIST_FUNCTIONS, NULL);
	}
	if (!svff_config_allows(ctx->cfg, ctx->host, fn))
		return svff_err_set(err, EPERM, "%s is not allow-listed%s%s: svff changes only the devices in "
				    "'allow'", name, ctx->cfg && ctx->cfg->path[0] ? " in " : " (no configuration file)",
				    ctx->cfg ? ctx->cfg->path : "");
	*out = fn;
	return 0;
}

static const struct svff_assignment *assignment_of(const struct svff_config *cfg, const char *vf)
{
	for (size_t i = 0; cfg && i < cfg->n_assign; i++)
		if (!strcmp(cfg->assign[i].vf, vf))
			return &cfg->assign[i];
	return NULL;
}

/* The BDF VF i of pf will have: routing ID + offset + i * stride. */
static void vf_bdf(const struct svff_function *pf, long i, char *buf)
{
	unsigned rid = ((unsigned)pf->bdf.bus << 8 | (unsigned)pf->bdf.slot << 3 | pf->bdf.func) +
		       (unsigned)pf->sriov.vf_offset + (unsigned)(i * pf->sriov.vf_stride);
	struct svff_bdf b = { pf->bdf.domain, (uint8_t)(rid >> 8), (uint8_t)((rid >> 3) & 0x1f), (uint8_t)(rid & 7) };

	svff_bdf_format(&b, buf, SVFF_BDF_LEN);
}

/* Does any of the first n VFs of pf have a VM in the configuration? */
static bool pf_has_assignment(const struct svff_config *cfg, const struct svff_function *pf, long n)
{
	for (long i = 0; i < n; i++) {
		char bdf[SVFF_BDF_LEN];

		vf_bdf(pf, i, bdf);
		if (assignment_of(cfg, bdf))
			return true;
	}
	return false;
}

static void autoprobe_back(struct svff_plan *plan, const char *pf, size_t off)
{
	struct svff_step *s = add_step(plan, SVFF_STEP_AUTOPROBE, pf, -1, "turn driver autoprobe on %s back "
				       "to what it was", pf);

	if (s) {
		s->value = -1;
		s->pair = off;
	}
}

static int plan_pf(struct svff_ops_ctx *ctx, const struct svff_pf_layout *l, struct svff_plan *plan,
		   struct svff_err *err)
{
	const struct svff_function *pf;
	long n, cur;
	bool through_zero;
	size_t autoprobe_off = (size_t)-1;
	int rc;

	if ((rc = check_function(ctx, l->pf, &pf, err)) < 0)
		return rc;
	if (pf->role != SVFF_ROLE_PF)
		return svff_err_set(err, EINVAL, "%s (line %d of %s) is not an SR-IOV physical function", l->pf,
				    l->line, ctx->cfg->path);
	if (!pf->driver[0])
		return svff_err_set(err, ENOENT, "PF %s has no driver: load it (modprobe %s) and bind it first",
				    l->pf, pf->qdma_id.valid ? "qdma-pf" : "<its driver>");
	if (pf->qdma_id.valid && strcmp(pf->driver, "qdma-pf"))
		svff_strlist_add(&plan->notes, "PF %s is a QDMA function bound to %s, not qdma-pf", l->pf, pf->driver);
	n = l->num_vfs >= 0 ? l->num_vfs : pf->sriov.num_vfs;
	cur = pf->sriov.num_vfs < 0 ? 0 : pf->sriov.num_vfs;
	if (n > pf->sriov.total_vfs)
		return svff_err_set(err, ERANGE, "%s:%d: num_vfs = %ld, but PF %s has at most %ld VFs (sriov_totalvfs)",
				    ctx->cfg->path, l->line, n, l->pf, pf->sriov.total_vfs);
	through_zero = n != cur && cur > 0 && n > 0;
	if (through_zero || (n != cur && n == 0))
		add_step(plan, SVFF_STEP_NUMVFS, l->pf, -1, "remove the %ld VF(s) of %s (sriov_numvfs 0)", cur,
			 l->pf)->value = 0;
	if (l->qmax >= 0 && pf->qdma.present && pf->qdma.qmax != l->qmax)
		add_step(plan, SVFF_STEP_QMAX, l->pf, -1, "set the queue budget of %s to %ld (qdma/qmax, was %ld)",
			 l->pf, l->qmax, pf->qdma.qmax)->value = l->qmax;
	else if (l->qmax >= 0 && !pf->qdma.present)
		svff_strlist_add(&plan->notes, "PF %s has no qdma/ group (driver %s): qmax = %ld not applied",
				 l->pf, pf->driver, l->qmax);
	if (n != cur && n > 0 && (l->vf_driver[0] || pf_has_assignment(ctx->cfg, pf, n))) {
		autoprobe_off = plan->n;
		add_step(plan, SVFF_STEP_AUTOPROBE, l->pf, -1, "turn driver autoprobe off on %s (the new VFs "
			 "wait for their drivers below)", l->pf)->value = 0;
	}
	if (n != cur && n > 0)
		add_step(plan, SVFF_STEP_NUMVFS, l->pf, -1, "enable %ld VF(s) on %s (sriov_numvfs)", n,
			 l->pf)->value = n;
	for (long i = 0; i < n; i++) {
		char bdf[SVFF_BDF_LEN];
		const struct svff_function *vf;
		const struct svff_assignment *as;
		const char *want;
		struct svff_step *s;

		vf_bdf(pf, i, bdf);
		vf = n == cur ? svff_host_find(ctx->host, bdf) : NULL;
		as = assignment_of(ctx->cfg, bdf);
		want = as ? "vfio-pci" : l->vf_driver;
		if (want[0] && (!vf || strcmp(vf->driver, want))) {
			s = add_step(plan, SVFF_STEP_DRIVER, l->pf, i, "bind VF %ld of %s (%s) to %s", i, l->pf, bdf, want);
			snprintf(s->driver, sizeof(s->driver), "%s", want);
		}
		if (l->vf_qmax >= 0 && !strcmp(want[0] ? want : (vf ? vf->driver : ""), "qdma-vf") &&
		    (!vf || vf->qdma.qmax != l->vf_qmax))
			add_step(plan, SVFF_STEP_QMAX, l->pf, i, "set the queues of VF %ld of %s (%s) to %ld", i, l->pf,
				 bdf, l->vf_qmax)->value = l->vf_qmax;
		if (as && ctx->virt && !(vf && svff_virt_vm_of(ctx->virt, bdf, NULL))) {
			s = add_step(plan, SVFF_STEP_ATTACH, l->pf, i, "attach VF %ld of %s (%s) to VM %s", i, l->pf,
				     bdf, as->vm);
			snprintf(s->vm, sizeof(s->vm), "%s", as->vm);
		} else if (as && !ctx->virt) {
			svff_strlist_add(&plan->notes, "%s is assigned to VM %s (line %d), but svff has no libvirt "
					 "connection: not attached", bdf, as->vm, as->line);
		}
	}
	if (autoprobe_off < plan->n)
		autoprobe_back(plan, l->pf, autoprobe_off);
	return 0;
}

int svff_plan_init(struct svff_ops_ctx *ctx, char *const *pfs, size_t n_pfs, struct svff_plan *plan,
		   struct svff_err *err)
{
	int rc;

	memset(plan, 0, sizeof(*plan));
	snprintf(plan->title, sizeof(plan->title), "init");
	if (!ctx->cfg || !ctx->cfg->n_pfs)
		return svff_err_set(err, ENOENT, "init needs PF layouts: the configuration%s%s has no 'pfs' list "
				    "(see svff.conf.example)", ctx->cfg && ctx->cfg->path[0] ? " " : "",
				    ctx->cfg ? ctx->cfg->path : "");
	for (size_t k = 0; k < n_pfs; k++) {
		struct svff_bdf b;
		char name[SVFF_BDF_LEN];
		bool found = false;

		if (svff_bdf_parse(pfs[k], &b) < 0)
			return svff_err_set(err, EINVAL, "'%s' is not a PCI address", pfs[k]);
		svff_bdf_format(&b, name, sizeof(name));
		for (size_t i = 0; i < ctx->cfg->n_pfs; i++)
			found |= !strcmp(ctx->cfg->pfs[i].pf, name);
		if (!found)
			return svff_err_set(err, ENOENT, "PF %s has no layout in %s (add it to 'pfs')", name,
					    ctx->cfg->path);
	}
	for (size_t i = 0; i < ctx->cfg->n_pfs; i++) {
		bool wanted = !n_pfs;

		for (size_t k = 0; k < n_pfs; k++) {
			struct svff_bdf b;
			char name[SVFF_BDF_LEN];

			svff_bdf_parse(pfs[k], &b);
			svff_bdf_format(&b, name, sizeof(name));
			wanted |= !strcmp(name, ctx->cfg->pfs[i].pf);
		}
		if (wanted && (rc = plan_pf(ctx, &ctx->cfg->pfs[i], plan, err)) < 0) {
			svff_plan_free(plan);
			return rc;
		}
	}
	return 0;
}

int svff_plan_reconf(struct svff_ops_ctx *ctx, const char *pfname, long n, long qmax, long vf_qmax,
		     bool disturb, struct svff_plan *plan, struct svff_err *err)
{
	const struct svff_function *pf;
	struct { long idx; char bdf[SVFF_BDF_LEN]; char vm[SVFF_NAME_LEN]; bool pause; } held[256];
	char drivers[256][64];
	size_t n_held = 0, n_detach = 0;
	struct svff_bdf b;
	char name[SVFF_BDF_LEN], list[512] = "";
	size_t autoprobe_off = (size_t)-1;
	long cur;
	int rc;

	memset(plan, 0, sizeof(*plan));
	snprintf(plan->title, sizeof(plan->title), "reconf %s", pfname);
	if (svff_bdf_parse(pfname, &b) < 0)
		return svff_err_set(err, EINVAL, "'%s' is not a PCI address", pfname);
	svff_bdf_format(&b, name, sizeof(name));
	if ((rc = check_function(ctx, name, &pf, err)) < 0)
		return rc;
	if (pf->role != SVFF_ROLE_PF)
		return svff_err_set(err, EINVAL, "%s is not an SR-IOV physical function", name);
	if (!pf->driver[0])
		return svff_err_set(err, ENOENT, "PF %s has no driver: bind it first", name);
	cur = pf->sriov.num_vfs < 0 ? 0 : pf->sriov.num_vfs;
	if (n < 0)
		n = cur;
	if (n > pf->sriov.total_vfs)
		return svff_err_set(err, ERANGE, "PF %s has at most %ld VFs (sriov_totalvfs), not %ld", name,
				    pf->sriov.total_vfs, n);
	if (qmax >= 0 && !pf->qdma.present)
		return svff_err_set(err, EINVAL, "PF %s has no qdma/ group (driver %s): a queue budget does not apply",
				    name, pf->driver);
	/* who uses the VFs now */
	for (size_t i = 0; i < pf->n_vfs && i < 256; i++) {
		const struct svff_function *vf = pf->vfs[i] ? svff_host_find(ctx->host, pf->vfs[i]) : NULL;
		const struct svff_hostdev *hd = NULL;
		const struct svff_vm *vm = vf && ctx->virt ? svff_virt_vm_of(ctx->virt, vf->name, &hd) : NULL;

		snprintf(drivers[i], sizeof(drivers[i]), "%s", vf ? vf->driver : "");
		if (vm && hd->live && vm->id >= 0 && svff_virt_vf_paused(ctx->virt, vf->name, NULL)) {
			svff_err_set(err, EBUSY, "VF %s is paused in VM %s: unpause it first", vf->name, vm->name);
			return svff_err_hint(err, SVFF_HINT_UNPAUSE, vf->name);
		}
		if (vm && hd->live && vm->id >= 0 && n_held < 256) {
			held[n_held].idx = (long)i;
			held[n_held].pause = false;
			snprintf(held[n_held].bdf, sizeof(held[0].bdf), "%s", vf->name);
			snprintf(held[n_held].vm, sizeof(held[0].vm), "%s", vm->name);
			n_held++;
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s in %s", strlen(list) ? ", " : "",
				 vf->name, vm->name);
		}
		if (!ctx->virt && vf && !strcmp(vf->driver, "vfio-pci") && !disturb) {
			svff_err_set(err, EAGAIN, "svff has no libvirt connection, so it cannot tell whether VMs use "
				     "the VFs of %s on vfio-pci", name);
			return svff_err_hint(err, SVFF_HINT_CONFIRM, NULL);
		}
	}
	if (n == cur && (qmax < 0 || qmax == pf->qdma.qmax) && vf_qmax < 0)
		return 0;	/* nothing to do */
	/* per VM: pause where its QEMU can, detach where it cannot */
	list[0] = '\0';
	for (size_t k = 0; k < n_held; k++) {
		char why[300] = "";
		bool yes = false;

		if (held[k].idx < n && svff_virt_pause_supported(ctx->virt, held[k].vm, &yes, why, sizeof(why), err) < 0)
			return -err->code;
		held[k].pause = yes;
		if (!yes) {
			n_detach++;
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s in %s", strlen(list) ? ", " : "",
				 held[k].bdf, held[k].vm);
			if (held[k].idx < n)
				svff_strlist_add(&plan->notes, "%s: VF %ld (%s) takes the detach/reattach path", why,
						 held[k].idx, held[k].bdf);
		}
	}
	if (n_detach && !disturb) {
		svff_strlist_clear(&plan->notes);
		svff_err_set(err, EAGAIN, "%zu VF(s) of %s are in running VMs without VF pause (%s): reconf "
			     "detaches them (the guests see a PCI hot-unplug) and reattaches the VF with the same "
			     "index afterwards", n_detach, name, list);
		return svff_err_hint(err, SVFF_HINT_CONFIRM, NULL);
	}
	for (size_t k = 0; k < n_held; k++) {
		if (held[k].pause)
			snprintf(add_step(plan, SVFF_STEP_PAUSE, name, held[k].idx, "pause VF %ld (%s) in VM %s "
					  "(device_pause) and release it", held[k].idx, held[k].bdf, held[k].vm)->vm,
				 SVFF_NAME_LEN, "%s", held[k].vm);
		else
			snprintf(add_step(plan, SVFF_STEP_DETACH, name, held[k].idx, "detach VF %ld (%s) from VM %s",
					  held[k].idx, held[k].bdf, held[k].vm)->vm, SVFF_NAME_LEN, "%s", held[k].vm);
	}
	if (n != cur && cur > 0)
		add_step(plan, SVFF_STEP_NUMVFS, name, -1, "remove the %ld VF(s) of %s (sriov_numvfs 0)", cur,
			 name)->value = 0;
	if (qmax >= 0 && qmax != pf->qdma.qmax)
		add_step(plan, SVFF_STEP_QMAX, name, -1, "set the queue budget of %s to %ld (was %ld)", name, qmax,
			 pf->qdma.qmax)->value = qmax;
	if (n != cur && n > 0) {
		autoprobe_off = plan->n;
		add_step(plan, SVFF_STEP_AUTOPROBE, name, -1, "turn driver autoprobe off on %s (the VFs get "
			 "their drivers back below)", name)->value = 0;
		add_step(plan, SVFF_STEP_NUMVFS, name, -1, "enable %ld VF(s) on %s", n, name)->value = n;
	}
	for (long i = 0; n != cur && i < n && i < (long)pf->n_vfs && i < 256; i++) {
		struct svff_step *s;

		if (!drivers[i][0])
			continue;
		s = add_step(plan, SVFF_STEP_DRIVER, name, i, "bind VF %ld of %s to %s, as before", i, name, drivers[i]);
		snprintf(s->driver, sizeof(s->driver), "%s", drivers[i]);
	}
	if (autoprobe_off < plan->n)
		autoprobe_back(plan, name, autoprobe_off);
	for (long i = 0; vf_qmax >= 0 && i < n; i++) {
		const char *d = i < (long)pf->n_vfs && i < 256 ? drivers[i] : "";

		if (!strcmp(d, "qdma-vf") || (!d[0] && pf->qdma_id.valid))
			add_step(plan, SVFF_STEP_QMAX, name, i, "set the queues of VF %ld of %s to %ld", i, name,
				 vf_qmax)->value = vf_qmax;
	}
	for (size_t k = 0; k < n_held; k++) {
		if (held[k].idx < n && held[k].pause)
			snprintf(add_step(plan, SVFF_STEP_UNPAUSE, name, held[k].idx, "bind VF %ld to vfio-pci and "
					  "unpause it in VM %s", held[k].idx, held[k].vm)->vm, SVFF_NAME_LEN, "%s",
				 held[k].vm);
		else if (held[k].idx < n)
			snprintf(add_step(plan, SVFF_STEP_ATTACH, name, held[k].idx, "reattach VF %ld to VM %s",
					  held[k].idx, held[k].vm)->vm, SVFF_NAME_LEN, "%s", held[k].vm);
		else
			svff_strlist_add(&plan->notes, "VF %ld (%s) of VM %s does not exist after reconf to %ld VFs: "
					 "the VM loses it (lost assignment)", held[k].idx, held[k].bdf, held[k].vm, n);
	}
	return 0;
}

int svff_plan_pause(struct svff_ops_ctx *ctx, const char *vf, bool pause, struct svff_plan *plan,
		    struct svff_err *err)
{
	const struct svff_function *fn;
	const struct svff_vm *vm = NULL;
	struct svff_bdf b;
	char name[SVFF_BDF_LEN];
	struct svff_step *s;
	int rc;

	memset(plan, 0, sizeof(*plan));
	snprintf(plan->title, sizeof(plan->title), "%s %s", pause ? "pause" : "unpause", vf);
	if (svff_bdf_parse(vf, &b) < 0)
		return svff_err_set(err, EINVAL, "'%s' is not a PCI address (expected e.g. 0000:01:00.4)", vf);
	svff_bdf_format(&b, name, sizeof(name));
	if ((rc = check_function(ctx, name, &fn, err)) < 0)
		return rc;
	if (fn->role != SVFF_ROLE_VF)
		return svff_err_set(err, EINVAL, "%s is not a virtual function: svff pauses VFs in VMs", name);
	if (!ctx->virt)
		return svff_err_set(err, ENOTCONN, "%s needs libvirt, and svff has no connection", plan->title);
	if ((rc = svff_virt_pause_check(ctx->virt, name, pause, &vm, NULL, err)) < 0)
		return rc;
	if (pause)
		s = add_step(plan, SVFF_STEP_PAUSE, name, -1, "pause %s in VM %s (device_pause) and release it from "
			     "vfio-pci", name, vm->name);
	else
		s = add_step(plan, SVFF_STEP_UNPAUSE, name, -1, "bind %s to vfio-pci and unpause it in VM %s", name,
			     vm->name);
	snprintf(s->vm, sizeof(s->vm), "%s", vm->name);
	return 0;
}

void svff_plan_describe(const struct svff_plan *plan, struct svff_plan_text *text)
{
	bool pauses = false;

	memset(text, 0, sizeof(*text));
	for (size_t i = 0; i < plan->n; i++) {
		text->disturbs |= plan->steps[i].kind == SVFF_STEP_DETACH;
		pauses |= plan->steps[i].kind == SVFF_STEP_PAUSE;
		svff_strlist_add(&text->steps, "%zu. %s", i + 1, plan->steps[i].desc);
	}
	if (text->disturbs)
		svff_strlist_add(&text->warnings, "VMs lose their VFs for a moment: the guests see a PCI hot-unplug");
	if (pauses)
		svff_strlist_add(&text->warnings, "paused VFs stop working in their guests until unpaused; the guests "
				 "keep the device (no hot-unplug)");
	for (size_t i = 0; i < plan->notes.len; i++)
		svff_strlist_add(&text->warnings, "%s", plan->notes.items[i]);
}

void svff_plan_text_clear(struct svff_plan_text *text)
{
	svff_strlist_clear(&text->steps);
	svff_strlist_clear(&text->warnings);
}

/* From the start of the step that takes the VF (the guest starts letting
 * go of it then: a detach's unplug is done before libvirt's device-removed
 * arrives, a pause stops the device at once) to the end of the one that
 * gives it back. */
size_t svff_plan_downtime(const struct svff_plan *plan, struct svff_strlist *lines)
{
	size_t n = 0;

	for (size_t i = 0; i < plan->n; i++) {
		const struct svff_step *d = &plan->steps[i];
		enum svff_step_kind back = d->kind == SVFF_STEP_PAUSE ? SVFF_STEP_UNPAUSE : SVFF_STEP_ATTACH;

		if ((d->kind != SVFF_STEP_DETACH && d->kind != SVFF_STEP_PAUSE) || !d->done || d->vf < 0)
			continue;
		for (size_t k = i + 1; k < plan->n; k++) {
			const struct svff_step *a = &plan->steps[k];

			if (a->kind == back && a->vf == d->vf && a->done) {
				svff_strlist_add(lines, "VM %s: VF %ld away %lld ms, %s (the kernel alone needs >= "
						 "1000 ms to disable VFs)", d->vm, d->vf, a->t_done - d->t_start,
						 d->kind == SVFF_STEP_PAUSE ? "paused and unpaused: the guest kept the device" :
						 "detached and reattached: the guest saw a hot-unplug");
				n++;
			}
		}
	}
	for (size_t i = 0; i < plan->notes.len; i++) {
		if (strstr(plan->notes.items[i], "lost assignment")) {
			svff_strlist_add(lines, "%s", plan->notes.items[i]);
			n++;
		}
	}
	return n;
}

int svff_plan_driver(struct svff_ops_ctx *ctx, const char *bdf, const char *driver,
		     struct svff_plan *plan, struct svff_err *err)
{
	const struct svff_function *fn;
	const struct svff_vm *vm;
	struct svff_bdf b;
	char name[SVFF_BDF_LEN];
	struct svff_step *s;
	int rc;

	memset(plan, 0, sizeof(*plan));
	snprintf(plan->title, sizeof(plan->title), "%s %s", driver[0] ? "bind" : "unbind", bdf);
	if (svff_bdf_parse(bdf, &b) < 0)
		return svff_err_set(err, EINVAL, "'%s' is not a PCI address (expected e.g. 0000:01:00.4)", bdf);
	svff_bdf_format(&b, name, sizeof(name));
	if ((rc = check_function(ctx, name, &fn, err)) < 0)
		return rc;
	if (ctx->virt && (vm = svff_virt_vm_of(ctx->virt, name, NULL))) {
		svff_err_set(err, EBUSY, "%s is in use by VM %s: detach it first", name, vm->name);
		return svff_err_hint(err, SVFF_HINT_DETACH, name);
	}
	if (fn->role == SVFF_ROLE_PF && fn->sriov.num_vfs > 0)
		return svff_err_set(err, EBUSY, "%s is a PF with %ld VFs: its driver must stay (reconf to 0 VFs first)",
				    name, fn->sriov.num_vfs);
	if (driver[0] && !svff_host_driver_loaded(ctx->host, driver))
		return svff_err_set(err, ENOENT, "driver %s is not loaded (modprobe %s)", driver, driver);
	if (!strcmp(fn->driver, driver))
		return 0;	/* nothing to do */
	s = add_step(plan, SVFF_STEP_DRIVER, name, -1, driver[0] ? "move %s from %s to %s" : "unbind %s from %s%s",
		     name, fn->driver[0] ? fn->driver : "no driver", driver);
	snprintf(s->driver, sizeof(s->driver), "%s", driver);
	return 0;
}

/* ---- the lock ------------------------------------------------------------------------------ */

int svff_lock_acquire(const char *path, int *fd, struct svff_err *err)
{
	char pid[32];
	int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	*fd = -1;
	if (f < 0)
		return svff_err_set(err, errno, "lock %s: %s", path, strerror(errno));
	if (flock(f, LOCK_EX | LOCK_NB) < 0) {
		ssize_t n = pread(f, pid, sizeof(pid) - 1, 0);

		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		close(f);
		return svff_err_set(err, EAGAIN, "another svff (pid %s) is changing this host (lock %s): try again "
				    "when it has finished", pid[0] ? pid : "?", path);
	}
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(f, 0) == 0 && pwrite(f, pid, strlen(pid), 0) < 0) {
		/* the pid is a courtesy for the message above */
	}
	*fd = f;
	return 0;
}

void svff_lock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}
