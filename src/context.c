/* svff — the run context (context.h): configuration, svff's own files,
 * the host and its event sources, libvirt, the audit trail and the lock,
 * set up once for the commands and the console alike. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "context.h"
#include "svff/devevent.h"
#include "svff/evloop.h"
#include "host_internal.h"
#include "lab/demolab.h"
#include "lab/fifo_source.h"
#include "lab/kmodel.h"
#include "sysfs.h"
#include "udev.h"

#define SVFF_RUN_DIR "/run/svff"

struct context {
	struct context_opts opts;
	struct svff_config *cfg;
	struct context_face face;
	bool system;			/* the root is the host's /sys */
	char real[PATH_MAX];		/* the root, resolved (as given when it cannot be) */
	struct svff_host *host;
	struct svff_evsrc *src;		/* udev, or the --event-fifo */
	struct svff_kmodel *km;		/* a tree's kernel */
	struct svff_evsrc *km_src;	/* and its uevents */
	int watch_src, watch_km;	/* their fds in the event loop */
	void (*on_event_error)(void *data, const struct svff_err *err);
	void *on_event_error_data;
	bool virt_begun;
	struct svff_virt_pending *pending;
	struct svff_err virt_err;	/* why begin failed */
	struct svff_virt *virt;
	FILE *log;			/* --log, opened at the first change */
	bool log_failed;
};

int context_new(const struct context_opts *opts, struct context **out, struct svff_err *err)
{
	struct context *ctx = calloc(1, sizeof(*ctx));
	struct svff_err ignored = { 0 };

	*out = NULL;
	if (!ctx)
		return svff_err_set(err, ENOMEM, "out of memory");
	ctx->opts = *opts;
	if (!ctx->opts.sysfs_root)
		ctx->opts.sysfs_root = "/sys";
	if (svff_config_load(opts->config ? opts->config : SVFF_CONFIG_DEFAULT, opts->config != NULL, &ctx->cfg,
			     err) < 0) {
		free(ctx);
		return -err->code;
	}
	/* A root that does not resolve is a tree that is not there; opening
	 * the host says so, and commands that need no host still run. */
	if (svff_sysfs_locate(ctx->opts.sysfs_root, ctx->real, sizeof(ctx->real), &ctx->system, &ignored) < 0) {
		snprintf(ctx->real, sizeof(ctx->real), "%s", ctx->opts.sysfs_root);
		ctx->system = false;
	}
	openlog("svff", LOG_PID, LOG_USER);
	*out = ctx;
	return 0;
}

void context_free(struct context *ctx)
{
	if (!ctx)
		return;
	if (ctx->watch_src > 0)
		svff_loop_remove_fd(ctx->watch_src);
	if (ctx->watch_km > 0)
		svff_loop_remove_fd(ctx->watch_km);
	svff_virt_cancel(ctx->pending);
	/* the model's hook lives in the host's sysfs: it goes first */
	svff_kmodel_free(ctx->km);
	svff_evsrc_free(ctx->km_src);
	svff_virt_free(ctx->virt);
	svff_host_free(ctx->host);
	svff_evsrc_free(ctx->src);
	svff_config_free(ctx->cfg);
	if (ctx->log)
		fclose(ctx->log);
	closelog();
	free(ctx);
}

void context_set_face(struct context *ctx, const struct context_face *face)
{
	ctx->face = *face;
}

const struct context_opts *context_opts(const struct context *ctx)
{
	return &ctx->opts;
}

const struct svff_config *context_config(const struct context *ctx)
{
	return ctx->cfg;
}

const char *context_uri(const struct context *ctx)
{
	if (ctx->opts.uri)
		return ctx->opts.uri;
	return ctx->cfg->uri[0] ? ctx->cfg->uri : NULL;
}

const char *context_demo_dir(const struct context *ctx)
{
	return ctx->opts.demo ? svff_demolab_dir(ctx->opts.demo) : NULL;
}

bool context_is_system(const struct context *ctx)
{
	return ctx->system;
}

static void warn(struct context *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct context *ctx, const char *fmt, ...)
{
	char msg[SVFF_ERR_MSG_MAX + 128];
	va_list ap;

	if (!ctx->face.warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctx->face.warn(ctx->face.data, msg);
}

/* ---- svff's own files ------------------------------------------------------ */

void context_file(const struct context *ctx, enum context_file which, char *buf, size_t len)
{
	static const char *const host_path[] = {
		[CONTEXT_FILE_LOCK] = "/run/svff.lock",
		[CONTEXT_FILE_PAUSED] = SVFF_RUN_DIR "/paused",
		[CONTEXT_FILE_JOURNAL] = SVFF_RUN_DIR "/journal",
	};
	static const char *const tree_name[] = {
		[CONTEXT_FILE_LOCK] = "svff.lock",
		[CONTEXT_FILE_PAUSED] = "svff-paused",
		[CONTEXT_FILE_JOURNAL] = "svff-journal",
	};
	const char *slash;

	if (ctx->system) {
		if (which != CONTEXT_FILE_LOCK)
			mkdir(SVFF_RUN_DIR, 0755);	/* it may exist */
		snprintf(buf, len, "%s", host_path[which]);
		return;
	}
	/* a tree keeps its files beside itself, wherever it is named from */
	slash = strrchr(ctx->real, '/');
	if (!slash)
		snprintf(buf, len, "%s", tree_name[which]);
	else
		snprintf(buf, len, "%.*s/%s", (int)(slash - ctx->real), ctx->real, tree_name[which]);
}

/* ---- the host and its events ----------------------------------------------- */

static int open_events(struct context *ctx, unsigned events, struct svff_err *err)
{
	bool watch = events & CONTEXT_WATCH, answer = events & CONTEXT_ANSWER;
	const char *fifo = ctx->opts.event_fifo;
	int rc = 0;

	if (watch && fifo)
		rc = svff_fifo_source_new(fifo, &ctx->src, err);
	else if (ctx->system)
		rc = svff_udev_monitor_new(&ctx->src, err);
	/* a tree has no kernel: the model answers svff's writes, and copies
	 * its events to the FIFO for a console that watches the same tree */
	if (rc == 0 && answer && !ctx->system)
		rc = svff_kmodel_new(svff_host_sysfs(ctx->host), watch ? NULL : fifo, &ctx->km, &ctx->km_src, err);
	return rc;
}

int context_open_host(struct context *ctx, unsigned events, struct svff_err *err)
{
	if (svff_host_new(ctx->opts.sysfs_root, &ctx->host, err) < 0)
		return -err->code;
	/* after the answers, before the scan: nothing that appears is missed */
	if (events && open_events(ctx, events, err) < 0)
		return -err->code;
	return svff_host_scan(ctx->host, err);
}

static int load_member(const char *bdf, void *data)
{
	struct svff_err err = { 0 };

	svff_host_load(data, bdf, &err);
	return 0;
}

int context_open_host_for(struct context *ctx, const char *vf, struct svff_err *err)
{
	const struct svff_function *fn;
	struct svff_bdf b;

	if (svff_host_new(ctx->opts.sysfs_root, &ctx->host, err) < 0)
		return -err->code;
	/* attach and detach print no device names */
	svff_host_set_names(ctx->host, false);
	/* a malformed address is attach's to explain */
	if (svff_bdf_parse(vf, &b) == 0 && svff_host_load(ctx->host, vf, err) < 0)
		return -err->code;
	fn = svff_host_find(ctx->host, vf);
	if (fn && fn->physfn[0])
		svff_host_load(ctx->host, fn->physfn, NULL);
	fn = svff_host_find(ctx->host, vf);
	if (fn && fn->iommu_group >= 0)
		svff_host_iommu_group(ctx->host, fn->iommu_group, load_member, ctx->host, NULL);
	return 0;
}

struct svff_host *context_host(const struct context *ctx)
{
	return ctx->host;
}

const char *context_events_name(const struct context *ctx)
{
	return ctx->src ? ctx->src->ops->name : ctx->km_src ? "the kernel model" : NULL;
}

static void on_events(int watch, int fd, int events, void *opaque)
{
	struct context *ctx = opaque;

	(void)fd;
	(void)events;
	svff_host_apply_events(ctx->host, watch == ctx->watch_src ? ctx->src : ctx->km_src, ctx->on_event_error,
			       ctx->on_event_error_data);
}

void context_watch(struct context *ctx, void (*on_error)(void *data, const struct svff_err *err), void *data)
{
	if (svff_loop_init(NULL) < 0)
		return;
	ctx->on_event_error = on_error;
	ctx->on_event_error_data = data;
	if (ctx->src && ctx->watch_src <= 0)
		ctx->watch_src = svff_loop_add_fd(ctx->src->ops->fd(ctx->src), POLLIN, on_events, ctx, NULL);
	if (ctx->km_src && ctx->watch_km <= 0)
		ctx->watch_km = svff_loop_add_fd(ctx->km_src->ops->fd(ctx->km_src), POLLIN, on_events, ctx, NULL);
}

/* ---- libvirt ----------------------------------------------------------------- */

int context_virt_begin(struct context *ctx, struct svff_err *err)
{
	ctx->virt_begun = true;
	if (svff_loop_init(err) < 0) {
		ctx->virt_err = *err;
		return -err->code;
	}
	ctx->pending = svff_virt_start(context_uri(ctx), ctx->opts.read_only);
	return 0;
}

int context_virt_end(struct context *ctx, struct svff_err *err)
{
	struct svff_virt_pending *p;
	struct svff_err warning = { 0 };
	char path[PATH_MAX];

	if (!ctx->virt_begun && context_virt_begin(ctx, err) < 0)
		return -err->code;
	p = ctx->pending;
	ctx->pending = NULL;
	if (!p) {
		if (ctx->virt_err.msg[0])
			*err = ctx->virt_err;
		else
			svff_err_set(err, ENOMEM, "out of memory");
		return -err->code;
	}
	if (svff_virt_finish(p, &ctx->virt, err) < 0)
		return -err->code;
	if (ctx->opts.demo)
		svff_virt_set_vmm(ctx->virt, svff_demolab_vmm(), ctx->opts.demo);
	context_file(ctx, CONTEXT_FILE_PAUSED, path, sizeof(path));
	if (svff_virt_set_pause_file(ctx->virt, path, &warning) < 0 || warning.msg[0])
		warn(ctx, "%s", warning.msg);
	return 0;
}

int context_virt_pending_fd(const struct context *ctx)
{
	return ctx->pending ? svff_virt_pending_fd(ctx->pending) : -1;
}

const char *context_virt_pending_uri(const struct context *ctx)
{
	return ctx->pending ? svff_virt_pending_uri(ctx->pending) : NULL;
}

bool context_virt_pending(const struct context *ctx)
{
	return ctx->pending != NULL;
}

struct svff_virt *context_virt(const struct context *ctx)
{
	return ctx->virt;
}

/* ---- the audit trail, the journal, the lock ------------------------------------ */

/* One line for syslog and --log; every change passes here. */
static void record(struct context *ctx, const char *line)
{
	char stamp[32];
	time_t now = time(NULL);

	if (ctx->face.name)
		syslog(LOG_NOTICE, "%s: %s", ctx->face.name, line);
	else
		syslog(LOG_NOTICE, "%s", line);
	if (!ctx->opts.log || ctx->log_failed)
		return;
	if (!ctx->log && !(ctx->log = fopen(ctx->opts.log, "ae"))) {
		ctx->log_failed = true;
		warn(ctx, "--log %s: %s", ctx->opts.log, strerror(errno));
		return;
	}
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", localtime(&now));
	fprintf(ctx->log, "%s svff[%d]: %s\n", stamp, (int)getpid(), line);
	fflush(ctx->log);
}

void context_audit(struct context *ctx, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	record(ctx, line);
}

static void journal_line(void *data, enum svff_journal_kind kind, const char *line)
{
	struct context *ctx = data;

	record(ctx, line);
	if (ctx->face.journal)
		ctx->face.journal(ctx->face.data, kind, line);
}

void context_ops(struct context *ctx, struct svff_ops_ctx *ops, int timeout_ms)
{
	*ops = (struct svff_ops_ctx){
		.host = ctx->host, .virt = ctx->virt, .cfg = ctx->cfg,
		.events = ctx->km_src ? ctx->km_src : ctx->src, .timeout_ms = timeout_ms,
		.log = journal_line, .log_data = ctx,
	};
}

int context_run_plan(struct context *ctx, struct svff_plan *plan, int timeout_ms, struct svff_err *err)
{
	struct svff_ops_ctx ops;
	char lock[PATH_MAX];
	int fd = -1, rc;

	context_file(ctx, CONTEXT_FILE_LOCK, lock, sizeof(lock));
	if (svff_lock_acquire(lock, &fd, err) < 0)
		return -err->code;
	context_ops(ctx, &ops, timeout_ms);
	rc = svff_plan_run(&ops, plan, err);
	svff_lock_release(fd);
	return rc;
}
