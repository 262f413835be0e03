/* svff — the console mode (console_mode.h): what the console's keys ask
 * for, done through the run context and the backend; device and libvirt
 * events into the model and the log; the event loop, signals, the demo's
 * scripted tour and the first-frame benchmark. */
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
#include <time.h>
#include <unistd.h>

#include "console_mode.h"
#include "report.h"
#include "script.h"
#include "svff/evloop.h"
#include "svff/host.h"
#include "svff/ops.h"
#include "svff/qdma.h"
#include "svff/theme.h"
#include "svff/virt.h"
#include "../ui/console.h"

#define CONNECT_WAIT_MS 250
#define OP_TIMEOUT_MS 10000

struct app {
	struct context *ctx;
	const struct console_mode_opts *opts;
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
	int pending_watch;
};

/* ---- what the console asks ---------------------------------------------------- */

/* Every change the console asks for: refused under --read-only (the keys
 * say so first), audited when done. */
static int refused(const struct app *app, struct svff_err *err)
{
	return context_opts(app->ctx)->read_only ? svff_err_set(err, EPERM, "svff runs with --read-only") : 0;
}

static int op_attach(void *data, const char *vf, const char *vm, bool dry_run,
		     struct svff_strlist *notes, struct svff_err *err)
{
	struct app *app = data;
	int rc = refused(app, err);

	if (rc == 0)
		rc = svff_virt_attach(context_virt(app->ctx), context_host(app->ctx), context_config(app->ctx), vf,
				      vm, 0, dry_run, notes, err);
	if (!dry_run && rc == 0)
		context_audit(app->ctx, "attached %s to VM %s", vf, vm);
	return rc;
}

static int op_detach(void *data, const char *vf, struct svff_err *err)
{
	struct app *app = data;
	int rc = refused(app, err);

	if (rc == 0)
		rc = svff_virt_detach(context_virt(app->ctx), context_host(app->ctx), context_config(app->ctx), vf,
				      NULL, 0, OP_TIMEOUT_MS, false, err);
	if (rc == 0)
		context_audit(app->ctx, "detached %s", vf);
	return rc;
}

static int vm_state(struct app *app, const char *vm, bool suspend, struct svff_err *err)
{
	struct svff_virt *virt = context_virt(app->ctx);
	int rc = refused(app, err);

	if (rc == 0)
		rc = suspend ? svff_virt_suspend(virt, vm, err) : svff_virt_resume(virt, vm, err);
	if (rc == 0)
		context_audit(app->ctx, "VM %s %s", vm, suspend ? "suspended" : "resumed");
	return rc;
}

static int op_suspend(void *data, const char *vm, struct svff_err *err)
{
	return vm_state(data, vm, true, err);
}

static int op_resume(void *data, const char *vm, struct svff_err *err)
{
	return vm_state(data, vm, false, err);
}

/* The plan an action asks for, from the backend. */
static int make_plan(struct app *app, const struct ui_plan_request *rq, struct svff_plan *plan, struct svff_err *err)
{
	struct svff_ops_ctx ops;
	char *pfs[] = { (char *)rq->target };

	context_ops(app->ctx, &ops, OP_TIMEOUT_MS);
	switch (rq->action) {
	case UI_ACTION_INIT:
		return svff_plan_init(&ops, pfs, 1, plan, err);
	case UI_ACTION_RECONF:
		/* the console asks before it disturbs a guest */
		return svff_plan_reconf(&ops, rq->target, rq->numvfs, -1, -1, true, plan, err);
	case UI_ACTION_PAUSE:
	case UI_ACTION_UNPAUSE:
		return svff_plan_pause(&ops, rq->target, rq->action == UI_ACTION_PAUSE, plan, err);
	default:
		return svff_err_set(err, EINVAL, "this action is not an operation with a plan");
	}
}

static int op_plan(void *data, const struct ui_plan_request *rq, struct svff_plan_text *text, struct svff_err *err)
{
	struct app *app = data;
	struct svff_plan plan;
	int rc = make_plan(app, rq, &plan, err);

	memset(text, 0, sizeof(*text));
	if (rc < 0)
		return rc;
	svff_plan_describe(&plan, text);
	rc = (int)plan.n;
	svff_plan_free(&plan);
	return rc;
}

static int op_run(void *data, const struct ui_plan_request *rq, struct svff_strlist *report, struct svff_err *err)
{
	struct app *app = data;
	struct svff_plan plan;
	int rc;

	if ((rc = refused(app, err)) < 0 || (rc = make_plan(app, rq, &plan, err)) < 0)
		return rc;
	rc = context_run_plan(app->ctx, &plan, OP_TIMEOUT_MS, err);
	if (rc == 0)
		svff_plan_downtime(&plan, report);
	svff_plan_free(&plan);
	return rc;
}

static int op_queues(void *data, const char *bdf, char *text, size_t len, struct svff_err *err)
{
	struct app *app = data;
	const struct svff_function *fn = svff_host_find(context_host(app->ctx), bdf);
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

/* ---- what the run context tells the console ---------------------------------------- */

static void face_journal(void *data, enum svff_journal_kind kind, const char *line)
{
	struct app *app = data;

	/* sysfs writes are for syslog; the console says "done" itself, with
	 * the per-VM report */
	if (kind != SVFF_JOURNAL_WRITE && kind != SVFF_JOURNAL_DONE)
		ui_console_log(app->ui, UI_INFO, "%s", line);
}

/* stderr would tear the screen: warnings go to the log */
static void face_warn(void *data, const char *msg)
{
	struct app *app = data;

	ui_console_log(app->ui, UI_WARNING, "%s", msg);
}

static void on_event_error(void *data, const struct svff_err *err)
{
	face_warn(data, err->msg);
}

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

/* libvirt answered (or failed): the VMs join the model. */
static void virt_arrived(struct app *app)
{
	struct svff_err verr = { 0 };
	struct svff_virt *virt;

	if (app->pending_watch > 0)
		svff_loop_remove_fd(app->pending_watch);
	app->pending_watch = 0;
	context_virt_end(app->ctx, &verr);
	virt = context_virt(app->ctx);
	ui_console_set_model(app->ui, context_host(app->ctx), virt);
	if (virt) {
		svff_virt_set_listener(virt, on_vm, app);
		ui_console_log(app->ui, UI_INFO, "libvirt %s: %zu VMs", svff_virt_uri(virt), svff_virt_n_vms(virt));
	} else {
		ui_console_set_connecting(app->ui, NULL);
		ui_console_log(app->ui, UI_WARNING, "%s: no VMs shown", verr.msg);
	}
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

int console_mode_run(struct context *ctx, const struct console_mode_opts *opts)
{
	struct app app = { .ctx = ctx, .opts = opts };
	const struct context_face face = {
		.name = "console", .journal = face_journal, .warn = face_warn, .data = &app,
	};
	const struct svff_config *cfg = context_config(ctx);
	struct ui_settings set = { .read_only = context_opts(ctx)->read_only, .colour = true };
	struct svff_err err = { 0 }, verr = { 0 };
	struct svff_host *host;
	char label[PATH_MAX + 16], theme_msg[600];
	const char *theme = opts->theme ? opts->theme : cfg->theme[0] ? cfg->theme : "default";
	sigset_t mask;
	double frame_ms = -1, exec_ms = -1, full_ms = -1, full_exec_ms = -1;
	int bench_fd = -1;
	int sfd, rc = SVFF_EXIT_OK;

	/* The console draws on a terminal and reads keys from it: in a pipe
	 * it would write escape codes into it and wait for keys forever. */
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		report_fail("the console needs a terminal (standard input and output); in a script or a pipe, "
			    "'svff status' prints the same tree");
		return SVFF_EXIT_USAGE;
	}
	if (svff_loop_init(&err) < 0) {
		report_error(&err);
		return SVFF_EXIT_ENV;
	}
	/* libvirt connects while the host is scanned */
	context_virt_begin(ctx, &verr);
	/* a tree has no kernel: the model answers the console's writes */
	if (context_open_host(ctx, CONTEXT_WATCH | CONTEXT_ANSWER, &err) < 0) {
		report_error(&err);
		return SVFF_EXIT_ENV;
	}
	host = context_host(ctx);
	load_theme(theme, &set.theme, theme_msg, sizeof(theme_msg));
	if (!strcmp(set.theme.name, "monochrome") || getenv("NO_COLOR"))
		set.colour = false;
	set.demo = context_opts(ctx)->demo != NULL;
	if (set.demo) {
		snprintf(label, sizeof(label), "demo lab %s", context_demo_dir(ctx));
	} else if (!context_is_system(ctx)) {
		snprintf(label, sizeof(label), "fixture %s", context_opts(ctx)->sysfs_root);
	} else {
		label[0] = '\0';
		gethostname(label, sizeof(label) - 1);
	}
	set.host_label = label;

	app.ui = ui_console_new(&set, &ops, &app);
	if (!app.ui) {
		report_fail("cannot start the console");
		return SVFF_EXIT_ENV;
	}
	context_set_face(ctx, &face);
	ui_console_set_model(app.ui, host, NULL);
	for (size_t i = 0; i < cfg->n_keys; i++) {
		char msg[400];

		if (ui_console_bind(app.ui, cfg->keys[i].action, cfg->keys[i].key, msg, sizeof(msg)) < 0)
			ui_console_log(app.ui, UI_WARNING, "%s:%d: ui.keys.%s: %s (the default key stays)", cfg->path,
				       cfg->keys[i].line, cfg->keys[i].action, msg);
	}
	/* what the log compares driver changes against */
	app.seen = calloc(svff_host_n_functions(host) + 1, sizeof(*app.seen));
	for (size_t i = 0; app.seen && i < svff_host_n_functions(host); i++) {
		snprintf(app.seen[i].bdf, sizeof(app.seen[i].bdf), "%s", svff_host_function(host, i)->name);
		snprintf(app.seen[i].driver, sizeof(app.seen[i].driver), "%s", svff_host_function(host, i)->driver);
		app.n_seen++;
	}
	svff_host_set_listener(host, on_device, &app);
	ui_console_log(app.ui, UI_INFO, "%zu PCI functions; device events from %s", svff_host_n_functions(host),
		       context_events_name(ctx) ? context_events_name(ctx) :
		       "nowhere (a fixture tree without --event-fifo)");
	for (size_t i = 0; i < svff_host_warnings(host)->len; i++)
		ui_console_log(app.ui, UI_WARNING, "%s", svff_host_warnings(host)->items[i]);
	for (size_t i = 0; i < cfg->warnings.len; i++)
		ui_console_log(app.ui, UI_WARNING, "%s", cfg->warnings.items[i]);
	/* The first frame waits for libvirt a little: in the usual case one
	 * complete frame (two would cost the terminal a redraw and the start
	 * 15-30 ms on two cores), from a libvirtd that does not answer the
	 * hardware after CONNECT_WAIT_MS, with the VMs "connecting".  Without
	 * a thread (or memory for one) libvirt is waited for here. */
	{
		struct pollfd pfd = { .fd = context_virt_pending_fd(ctx), .events = POLLIN };

		if (pfd.fd < 0 || poll(&pfd, 1, CONNECT_WAIT_MS) > 0) {
			virt_arrived(&app);
		} else {
			ui_console_set_connecting(app.ui, context_virt_pending_uri(ctx));
			app.pending_watch = svff_loop_add_fd(pfd.fd, POLLIN, on_virt_ready, &app, NULL);
		}
	}
	if (set.demo)
		ui_console_log(app.ui, UI_INFO, "DEMO: a simulated host and libvirt's test driver in %s (removed on "
			       "exit); attach/detach and QEMU's device_pause are simulated by the demo lab",
			       context_demo_dir(ctx));
	if (theme_msg[0])
		ui_console_log(app.ui, UI_WARNING, "%s", theme_msg);
	ui_console_log(app.ui, UI_INFO, "press ? for help, q to quit");
	if (opts->tour) {
		app.script_timer = svff_loop_add_timer(500, on_script, &app, NULL);
		ui_console_log(app.ui, UI_INFO, "tour: %zu steps from %s", opts->tour->n, opts->script);
	}

	context_watch(ctx, on_event_error, &app);
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
		if (opts->bench_first_frame && !context_virt_pending(ctx)) {
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
	if (app.pending_watch > 0)
		svff_loop_remove_fd(app.pending_watch);
	/* the context outlives the console: its face goes with the console */
	context_set_face(ctx, &(struct context_face){ 0 });
	free(app.seen);
	ui_console_free(app.ui);
	if (full_ms >= 0)
		fprintf(stderr, "first frame: %.1f ms after main(), %.0f ms after exec (10 ms ticks); "
			"complete (VMs shown): %.1f ms after main(), %.0f ms after exec\n", frame_ms, exec_ms,
			full_ms, full_exec_ms);
	return rc;
}
