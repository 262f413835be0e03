#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "console_mode.h"
#include "lab/demolab.h"
#include "svff/devevent.h"
#include "svff/ops.h"
#include "svff/qdma.h"
#include "svff/host.h"
#include "svff/theme.h"
#include "svff/virt.h"
#include "svff/evloop.h"
#include "lab/fifo_source.h"
#include "../backend/host_internal.h"
#include "lab/kmodel.h"
#include "../backend/udev.h"
#include "../ui/console.h"
#include "script.h"

#define CONNECT_WAIT_MS 250

struct app {
	const struct cli_opts *opts;
	const struct svff_config *cfg;
	struct svff_host *host;
	struct svff_virt *virt;
	struct svff_evsrc *src;		/* udev, or the FIFO for a fixture tree */
	struct svff_kmodel *km;		/* a fixture tree's kernel */
	struct svff_evsrc *km_src;	/* its uevents */
	struct ui_console *ui;
	bool quit;
	struct seen { char bdf[SVFF_BDF_LEN]; char driver[64]; } *seen;	/* drivers last logged */
	size_t n_seen;
	size_t script_pos;		/* in opts->tour */
	int script_timer;
	bool script_busy;
	/* libvirt connects in a thread while the console already runs: the
	 * hardware shows at once, the VMs when libvirt has answered (or never,
	 * from a libvirtd that hangs, without holding the console up) */
	struct svff_virt_pending *pending;
	int pending_watch;
};

static void audit(const char *what, const char *a, const char *b)
{
	openlog("svff", LOG_PID, LOG_USER);
	syslog(LOG_NOTICE, "console: %s %s %s", what, a, b ? b : "");
	closelog();
}

/* ---- what the console asks ---------------------------------------------------- */

static int op_attach(void *ctx, const char *vf, const char *vm, bool dry_run,
		     struct svff_strlist *notes, struct svff_err *err)
{
	struct app *app = ctx;
	int rc;

	if (app->opts->read_only)
		return svff_err_set(err, EPERM, "svff runs with --read-only");
	rc = svff_virt_attach(app->virt, app->host, app->cfg, vf, vm, 0, dry_run, notes, err);
	if (!dry_run && rc == 0)
		audit("attached", vf, vm);
	return rc;
}

static int op_detach(void *ctx, const char *vf, struct svff_err *err)
{
	struct app *app = ctx;
	int rc;

	if (app->opts->read_only)
		return svff_err_set(err, EPERM, "svff runs with --read-only");
	rc = svff_virt_detach(app->virt, app->host, app->cfg, vf, NULL, 0, 10000, false, err);
	if (rc == 0)
		audit("detached", vf, NULL);
	return rc;
}

static int op_suspend(void *ctx, const char *vm, struct svff_err *err)
{
	struct app *app = ctx;
	int rc;

	if (app->opts->read_only)
		return svff_err_set(err, EPERM, "svff runs with --read-only");
	rc = svff_virt_suspend(app->virt, vm, err);
	if (rc == 0)
		audit("suspended VM", vm, NULL);
	return rc;
}

static int op_resume(void *ctx, const char *vm, struct svff_err *err)
{
	struct app *app = ctx;
	int rc;

	if (app->opts->read_only)
		return svff_err_set(err, EPERM, "svff runs with --read-only");
	rc = svff_virt_resume(app->virt, vm, err);
	if (rc == 0)
		audit("resumed VM", vm, NULL);
	return rc;
}

static void op_journal(void *data, enum svff_journal_kind kind, const char *line)
{
	struct app *app = data;

	openlog("svff", LOG_PID, LOG_USER);
	syslog(LOG_NOTICE, "console: %s", line);
	closelog();
	/* sysfs writes are for syslog; the console says "done" itself, with
	 * the per-VM report */
	if (kind != SVFF_JOURNAL_WRITE && kind != SVFF_JOURNAL_DONE)
		ui_console_log(app->ui, UI_INFO, "%s", line);
}

static struct svff_ops_ctx ops_ctx(struct app *app)
{
	return (struct svff_ops_ctx){
		.host = app->host, .virt = app->virt, .cfg = app->cfg,
		.events = app->km_src ? app->km_src : app->src, .timeout_ms = 10000,
		.log = op_journal, .log_data = app,
	};
}

static int make_plan(struct app *app, const char *what, const char *pf, long numvfs, bool disturb,
		     struct svff_plan *plan, struct svff_err *err)
{
	struct svff_ops_ctx ctx = ops_ctx(app);
	char *pfs[] = { (char *)pf };

	if (!strcmp(what, "init"))
		return svff_plan_init(&ctx, pfs, 1, plan, err);
	if (!strcmp(what, "pause") || !strcmp(what, "unpause"))
		return svff_plan_pause(&ctx, pf, !strcmp(what, "pause"), plan, err);
	return svff_plan_reconf(&ctx, pf, numvfs, -1, -1, disturb, plan, err);
}

static int op_plan(void *data, const char *what, const char *pf, long numvfs, char *text, size_t len,
		   bool *disturbs, struct svff_err *err)
{
	struct app *app = data;
	struct svff_plan plan;
	size_t off = 0;
	bool pauses = false;
	int rc = make_plan(app, what, pf, numvfs, true, &plan, err);

	if (rc < 0)
		return rc;
	*disturbs = false;
	text[0] = '\0';

	for (size_t i = 0; i < plan.n && off < len; i++) {
		*disturbs |= plan.steps[i].kind == SVFF_STEP_DETACH;
		pauses |= plan.steps[i].kind == SVFF_STEP_PAUSE;
		off += (size_t)snprintf(text + off, len - off, "%s%zu. %s", i ? "\n" : "", i + 1, plan.steps[i].desc);
	}
	if (pauses && off < len)
		off += (size_t)snprintf(text + off, len - off, "\n! paused VFs stop working in their guests until "
					"unpaused; the guests keep the device (no hot-unplug)");
	for (size_t i = 0; i < plan.notes.len && off < len; i++)
		off += (size_t)snprintf(text + off, len - off, "\n! %s", plan.notes.items[i]);
	rc = (int)plan.n;
	svff_plan_free(&plan);
	return rc;
}

static int op_run(void *data, const char *what, const char *pf, long numvfs, char *report, size_t len,
		  struct svff_err *err)
{
	struct app *app = data;
	struct svff_ops_ctx ctx = ops_ctx(app);
	struct svff_plan plan;
	char lock[4200];
	size_t off = 0;
	int rc, lockfd = -1;

	if (app->opts->read_only)
		return svff_err_set(err, EPERM, "svff runs with --read-only");
	if ((rc = make_plan(app, what, pf, numvfs, true, &plan, err)) < 0)
		return rc;
	cli_host_file(app->opts, SVFF_LOCK_FILE, "svff.lock", lock, sizeof(lock));
	if (svff_lock_acquire(lock, &lockfd, err) < 0) {
		svff_plan_free(&plan);
		return -err->code;
	}
	rc = svff_plan_run(&ctx, &plan, err);
	svff_lock_release(lockfd);
	report[0] = '\0';
	if (rc == 0) {
		struct svff_strlist lines = { 0 };

		svff_plan_downtime(&plan, &lines);
		for (size_t i = 0; i < lines.len && off < len; i++)
			off += (size_t)snprintf(report + off, len - off, "%s%s", off ? "\n" : "", lines.items[i]);
		svff_strlist_clear(&lines);
	}
	svff_plan_free(&plan);
	return rc;
}

static int op_queues(void *data, const char *bdf, char *text, size_t len, struct svff_err *err)
{
	struct app *app = data;
	const struct svff_function *fn = svff_host_find(app->host, bdf);
	struct svff_qdma_req req = { .cmd = SVFF_XNL_CMD_Q_LIST };
	struct svff_qdma_reply *reply;
	int rc;

	if (!fn)
		return svff_err_set(err, ENODEV, "no function %s", bdf);
	if (geteuid() != 0)
		return svff_err_set(err, EPERM, "queue management is for root only");
	reply = calloc(1, sizeof(*reply));
	if (!reply)
		return svff_err_set(err, ENOMEM, "out of memory");
	req.dev_idx = svff_qdma_dev_idx(&fn->bdf);
	rc = svff_qdma_call(fn, &req, reply, err);
	if (rc == 0)
		snprintf(text, len, "%s", reply->msg[0] ? reply->msg : "(no queues)");
	free(reply);
	return rc;
}

static const struct ui_ops ops = {
	.attach = op_attach, .detach = op_detach, .vm_suspend = op_suspend, .vm_resume = op_resume,
	.plan = op_plan, .run = op_run, .queues = op_queues,
};

/* ---- events ----------------------------------------------------------------------- */

static void on_device(struct svff_host *host, enum svff_change what, const char *bdf, void *data)
{
	struct app *app = data;
	const struct svff_function *fn = svff_host_find(host, bdf);

	struct seen *seen = NULL;

	for (size_t i = 0; i < app->n_seen; i++)
		if (!strcmp(app->seen[i].bdf, bdf))
			seen = &app->seen[i];
	if (!seen && (seen = realloc(app->seen, (app->n_seen + 1) * sizeof(*seen)))) {
		app->seen = seen;
		seen = &app->seen[app->n_seen++];
		snprintf(seen->bdf, sizeof(seen->bdf), "%s", bdf);
		snprintf(seen->driver, sizeof(seen->driver), "?");
	}
	if (what == SVFF_CHANGE_ADDED)
		ui_console_log(app->ui, UI_INFO, "%s %s appeared%s%s", fn ? (fn->role == SVFF_ROLE_VF ? "VF" : "PCI") : "PCI",
			       bdf, fn && fn->driver[0] ? ", driver " : "", fn ? fn->driver : "");
	else if (what == SVFF_CHANGE_REMOVED)
		ui_console_log(app->ui, UI_INFO, "%s went away", bdf);
	/* a PF changes with each of its VFs: only a new driver is news */
	else if (fn && seen && strcmp(seen->driver, "?") && strcmp(seen->driver, fn->driver))
		ui_console_log(app->ui, UI_INFO, "%s: driver %s -> %s", bdf, seen->driver[0] ? seen->driver : "none",
			       fn->driver[0] ? fn->driver : "none");
	if (seen)
		snprintf(seen->driver, sizeof(seen->driver), "%s", what == SVFF_CHANGE_REMOVED ? "?" : fn ? fn->driver : "?");
	ui_console_model_changed(app->ui);
}

static void on_vm(struct svff_virt *virt, enum svff_vm_change what, const char *vm, const char *detail,
		  void *data)
{
	struct app *app = data;

	(void)virt;
	switch (what) {
	case SVFF_VM_CONNECTION_LOST:
		ui_console_log(app->ui, UI_WARNING, "%s", detail);
		break;
	case SVFF_VM_RECONNECTED:
		ui_console_log(app->ui, UI_INFO, "%s", detail);
		break;
	case SVFF_VM_DEVICE_ADDED:
		ui_console_log(app->ui, UI_INFO, "VM %s: device %s added", vm, detail);
		break;
	case SVFF_VM_DEVICE_REMOVED:
		ui_console_log(app->ui, UI_INFO, "VM %s: device %s removed", vm, detail);
		break;
	case SVFF_VM_DEVICE_REMOVAL_FAILED:
		ui_console_log(app->ui, UI_WARNING, "VM %s: the guest refused to release %s", vm, detail);
		break;
	default:
		if (detail)
			ui_console_log(app->ui, UI_INFO, "VM %s %s", vm, detail);
		break;
	}
	ui_console_model_changed(app->ui);
}

static void on_src(int watch, int fd, int events, void *opaque)
{
	struct app *app = opaque;
	struct svff_devevent ev;
	struct svff_err err = { 0 };

	(void)watch;
	(void)fd;
	(void)events;
	while (app->src->ops->next(app->src, &ev, &err) > 0)
		if (svff_host_apply_event(app->host, ev.action, ev.bdf, &err) < 0)
			ui_console_log(app->ui, UI_WARNING, "%s", err.msg);
}

static void on_km_src(int watch, int fd, int events, void *opaque)
{
	struct app *app = opaque;
	struct svff_devevent ev;
	struct svff_err err = { 0 };

	(void)watch;
	(void)fd;
	(void)events;
	while (app->km_src->ops->next(app->km_src, &ev, &err) > 0)
		svff_host_apply_event(app->host, ev.action, ev.bdf, &err);
}

/* libvirt answered (or failed): the VMs join the model. */
static void virt_arrived(struct app *app)
{
	struct svff_err verr = { 0 }, vwarn = { 0 };

	if (app->pending_watch > 0)
		svff_loop_remove_fd(app->pending_watch);
	app->pending_watch = 0;
	/* a pause-file problem is a warning for the log, as stderr would tear the console */
	cli_virt_end(app->opts, app->pending, &app->virt, &verr, &vwarn);
	app->pending = NULL;
	ui_console_set_model(app->ui, app->host, app->virt);
	if (app->virt) {
		svff_virt_set_listener(app->virt, on_vm, app);
		ui_console_log(app->ui, UI_INFO, "libvirt %s: %zu VMs", svff_virt_uri(app->virt),
			       svff_virt_n_vms(app->virt));
	} else {
		ui_console_set_connecting(app->ui, NULL);
		ui_console_log(app->ui, UI_WARNING, "%s: no VMs shown", verr.msg);
	}
	if (vwarn.msg[0])
		ui_console_log(app->ui, UI_WARNING, "%s", vwarn.msg);
}

static void on_virt_ready(int watch, int fd, int events, void *opaque)
{
	(void)watch;
	(void)fd;
	(void)events;
	virt_arrived(opaque);
}

static void on_stdin(int watch, int fd, int events, void *opaque)
{
	struct app *app = opaque;

	(void)watch;
	(void)fd;
	if (events & (POLLHUP | POLLERR)) {
		app->quit = true;
		return;
	}
	if (ui_console_input(app->ui) & UI_QUIT)
		app->quit = true;
}

static void on_signal(int watch, int fd, int events, void *opaque)
{
	struct app *app = opaque;
	struct signalfd_siginfo si;

	(void)watch;
	(void)events;
	while (read(fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGWINCH)
			ui_console_resize(app->ui);
		else
			app->quit = true;
	}
}

static double mono_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1000 + (double)ts.tv_nsec / 1e6;
}

/* ms since the kernel started this process (exec, dynamic linking and
 * all): /proc/self/stat's start time, in clock ticks since boot. */
static double since_exec_ms(void)
{
	char buf[1024], *p;
	unsigned long long start = 0;
	FILE *f = fopen("/proc/self/stat", "re");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	/* field 22; p points at field 2's end */
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &start) != 1)
		return -1;
	return mono_ms(CLOCK_BOOTTIME) - (double)start * 1000 / (double)sysconf(_SC_CLK_TCK);
}

/* The tour types its keys from a timer, one step at a time; a key that
 * starts an operation runs it to the end before the next step. */
static void on_script(int timer, void *opaque)
{
	struct app *app = opaque;

	(void)timer;
	if (app->script_busy)
		return;
	app->script_busy = true;
	svff_loop_update_timer(app->script_timer, -1);
	while (app->script_pos < app->opts->tour->n && !app->quit) {
		const struct script_step *st = &app->opts->tour->steps[app->script_pos++];

		if (st->op == SCRIPT_WAIT) {
			svff_loop_update_timer(app->script_timer, (int)st->ms);
			break;
		}
		if (st->op == SCRIPT_SAY) {
			ui_console_log(app->ui, UI_INFO, "tour: %s", st->text);
			ui_console_draw(app->ui);
		} else if (ui_console_feed_key(app->ui, st->key) & UI_QUIT) {
			app->quit = true;
		}
	}
	if (app->script_pos >= app->opts->tour->n && !app->quit)
		ui_console_log(app->ui, UI_INFO, "tour: the end (the console is yours; q quits)");
	app->script_busy = false;
}

/* Themes live in $SVFF_THEME_DIR, else $(pkgdatadir)/themes; a build
 * tree finds its own next to the binary. */
static void load_theme(const char *name, struct svff_theme *t, char *msg, size_t len)
{
	char dir[PATH_MAX], exe[PATH_MAX];
	struct svff_err err = { 0 };
	ssize_t n;

	msg[0] = '\0';
	if (getenv("SVFF_THEME_DIR") && *getenv("SVFF_THEME_DIR")) {
		if (svff_theme_load(getenv("SVFF_THEME_DIR"), name, t, &err) == 0)
			return;
	} else if (svff_theme_load(SVFF_THEMEDIR, name, t, &err) == 0) {
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		snprintf(dir, sizeof(dir), "%s/themes", exe);
		if (err.code == ENOENT && svff_theme_load(dir, name, t, &err) == 0)
			return;
	}
	snprintf(msg, len, "built-in theme in use: %s", err.msg);
	svff_theme_builtin(t);
}

int console_run(const struct cli_opts *opts, const struct svff_config *cfg, const char *uri)
{
	struct app app = { .opts = opts, .cfg = cfg };
	struct ui_settings set = { .read_only = opts->read_only, .colour = true };
	struct svff_err err = { 0 }, verr = { 0 };
	char label[PATH_MAX + 16], theme_msg[600];
	const char *theme = opts->theme ? opts->theme : cfg->theme[0] ? cfg->theme : "default";
	sigset_t mask;
	double frame_ms = -1, exec_ms = -1, full_ms = -1, full_exec_ms = -1;
	int bench_fd = -1;
	int sfd, rc = SVFF_EXIT_OK;

	if (svff_loop_init(&err) < 0) {
		cli_perror(&err);
		return SVFF_EXIT_ENV;
	}
	/* libvirt connects while the host is scanned */
	app.pending = cli_virt_begin(opts, uri, &verr);
	/* Watch before the first scan, so nothing that appears is missed. */
	if (opts->event_fifo)
		rc = svff_fifo_source_new(opts->event_fifo, &app.src, &err);
	else if (!strcmp(opts->sysfs_root, "/sys") || !strcmp(opts->sysfs_root, "/sys/"))
		rc = svff_udev_monitor_new(&app.src, &err);
	if (rc < 0) {
		cli_perror(&err);
		svff_virt_cancel(app.pending);
		return SVFF_EXIT_ENV;
	}
	if (svff_host_new(opts->sysfs_root, &app.host, &err) < 0 || svff_host_scan(app.host, &err) < 0) {
		cli_perror(&err);
		svff_host_free(app.host);
		svff_evsrc_free(app.src);
		svff_virt_cancel(app.pending);
		return SVFF_EXIT_ENV;
	}
	/* a fixture tree has no kernel: the model answers the console's writes */
	if (strcmp(opts->sysfs_root, "/sys") && strcmp(opts->sysfs_root, "/sys/")) {
		if (svff_kmodel_new(svff_host_sysfs(app.host), NULL, &app.km, &app.km_src, &err) < 0) {
			cli_perror(&err);
			svff_host_free(app.host);
			svff_evsrc_free(app.src);
			svff_virt_cancel(app.pending);
			return SVFF_EXIT_ENV;
		}
	}
	load_theme(theme, &set.theme, theme_msg, sizeof(theme_msg));
	if (!strcmp(set.theme.name, "monochrome") || getenv("NO_COLOR"))
		set.colour = false;
	set.demo = opts->demo != NULL;
	if (opts->demo) {
		snprintf(label, sizeof(label), "demo lab %s", svff_demolab_dir(opts->demo));
	} else if (strcmp(opts->sysfs_root, "/sys")) {
		snprintf(label, sizeof(label), "fixture %s", opts->sysfs_root);
	} else {
		label[0] = '\0';
		gethostname(label, sizeof(label) - 1);
	}
	set.host_label = label;

	app.ui = ui_console_new(&set, &ops, &app);
	if (!app.ui) {
		fprintf(stderr, "svff: cannot start the console\n");
		rc = SVFF_EXIT_ENV;
		goto cleanup;
	}
	ui_console_set_model(app.ui, app.host, NULL);
	for (size_t i = 0; i < cfg->n_keys; i++) {
		char msg[400];

		if (ui_console_bind(app.ui, cfg->keys[i].action, cfg->keys[i].key, msg, sizeof(msg)) < 0)
			ui_console_log(app.ui, UI_WARNING, "%s:%d: ui.keys.%s: %s (the default key stays)", cfg->path,
				       cfg->keys[i].line, cfg->keys[i].action, msg);
	}
	/* what the log compares driver changes against */
	app.seen = calloc(svff_host_n_functions(app.host) + 1, sizeof(*app.seen));
	for (size_t i = 0; app.seen && i < svff_host_n_functions(app.host); i++) {
		snprintf(app.seen[i].bdf, sizeof(app.seen[i].bdf), "%s", svff_host_function(app.host, i)->name);
		snprintf(app.seen[i].driver, sizeof(app.seen[i].driver), "%s", svff_host_function(app.host, i)->driver);
		app.n_seen++;
	}
	svff_host_set_listener(app.host, on_device, &app);
	ui_console_log(app.ui, UI_INFO, "%zu PCI functions; device events from %s", svff_host_n_functions(app.host),
		       app.src ? app.src->ops->name : app.km_src ? "the kernel model" :
		       "nowhere (a fixture tree without --event-fifo)");
	for (size_t i = 0; i < svff_host_warnings(app.host)->len; i++)
		ui_console_log(app.ui, UI_WARNING, "%s", svff_host_warnings(app.host)->items[i]);
	for (size_t i = 0; i < cfg->warnings.len; i++)
		ui_console_log(app.ui, UI_WARNING, "%s", cfg->warnings.items[i]);
	/* The first frame waits for libvirt a little: in the usual case one
	 * complete frame (two would cost the terminal a redraw and the start
	 * 15-30 ms on two cores), from a libvirtd that does not answer the
	 * hardware after CONNECT_WAIT_MS, with the VMs "connecting".  Without
	 * a thread (or memory for one) libvirt is waited for here. */
	{
		struct pollfd pfd = { .fd = svff_virt_pending_fd(app.pending), .events = POLLIN };

		if (pfd.fd < 0 || poll(&pfd, 1, CONNECT_WAIT_MS) > 0) {
			virt_arrived(&app);
		} else {
			ui_console_set_connecting(app.ui, svff_virt_pending_uri(app.pending));
			app.pending_watch = svff_loop_add_fd(pfd.fd, POLLIN, on_virt_ready, &app, NULL);
		}
	}
	if (opts->demo)
		ui_console_log(app.ui, UI_INFO, "DEMO: a simulated host and libvirt's test driver in %s (removed on "
			       "exit); attach/detach and QEMU's device_pause are simulated by the demo lab",
			       svff_demolab_dir(opts->demo));
	if (theme_msg[0])
		ui_console_log(app.ui, UI_WARNING, "%s", theme_msg);
	ui_console_log(app.ui, UI_INFO, "press ? for help, q to quit");
	if (opts->tour) {
		app.script_timer = svff_loop_add_timer(500, on_script, &app, NULL);
		ui_console_log(app.ui, UI_INFO, "tour: %zu steps from %s", opts->tour->n, opts->script);
	}

	if (app.src)
		svff_loop_add_fd(app.src->ops->fd(app.src), POLLIN, on_src, &app, NULL);
	if (app.km_src)
		svff_loop_add_fd(app.km_src->ops->fd(app.km_src), POLLIN, on_km_src, &app, NULL);
	svff_loop_add_fd(STDIN_FILENO, POLLIN, on_stdin, &app, NULL);
	sigemptyset(&mask);
	sigaddset(&mask, SIGWINCH);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	svff_loop_add_fd(sfd, POLLIN, on_signal, &app, NULL);
	/* Idle means no wake-ups: the loop sleeps until a key, a device event,
	 * a libvirt event or a signal arrives. */
	/* bench/run: the wall-clock time of every frame drawn, to measure
	 * event -> screen without a terminal's own latency */
	if (getenv("SVFF_BENCH_DRAWS") && *getenv("SVFF_BENCH_DRAWS"))
		bench_fd = open(getenv("SVFF_BENCH_DRAWS"), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	while (!app.quit) {
		if (ui_console_draw(app.ui) && bench_fd >= 0) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			dprintf(bench_fd, "%lld\n", (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
		}
		/* the first frame, and the first complete one (VMs shown) */
		if (opts->bench_first_frame && frame_ms < 0) {
			frame_ms = mono_ms(CLOCK_MONOTONIC) - opts->t0_ms;
			exec_ms = since_exec_ms();
		}
		if (opts->bench_first_frame && !app.pending) {
			full_ms = mono_ms(CLOCK_MONOTONIC) - opts->t0_ms;
			full_exec_ms = since_exec_ms();
			break;
		}
		if (svff_loop_run_once(-1) < 0)
			break;
	}
	close(sfd);
	if (bench_fd >= 0)
		close(bench_fd);
	if (app.script_timer > 0)
		svff_loop_remove_timer(app.script_timer);
cleanup:
	if (app.pending_watch > 0)
		svff_loop_remove_fd(app.pending_watch);
	svff_virt_cancel(app.pending);
	free(app.seen);
	ui_console_free(app.ui);
	svff_kmodel_free(app.km);
	svff_evsrc_free(app.km_src);
	svff_virt_free(app.virt);
	svff_host_free(app.host);
	svff_evsrc_free(app.src);
	if (full_ms >= 0)
		fprintf(stderr, "first frame: %.1f ms after main(), %.0f ms after exec (10 ms ticks); "
			"complete (VMs shown): %.1f ms after main(), %.0f ms after exec\n", frame_ms, exec_ms,
			full_ms, full_exec_ms);
	return rc;
}
