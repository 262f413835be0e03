/* svff — `svff monitor` (monitor.h): one line (or one JSON object) per
 * change of the model, from the event loop. */
#include "config.h"

#include <signal.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "monitor.h"
#include "report.h"
#include "status.h"
#include "svff/evloop.h"
#include "svff/host.h"
#include "svff/virt.h"

struct monitor {
	bool json;
	bool quit;
};

static void print_line(struct monitor *m, const char *kind, const char *change, const char *name,
		       const char *text, struct json_object *obj)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (m->json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "time", json_object_new_double(ts.tv_sec + ts.tv_nsec / 1e9));
		json_object_object_add(o, "kind", json_object_new_string(kind));
		json_object_object_add(o, "change", json_object_new_string(change));
		json_object_object_add(o, "name", name ? json_object_new_string(name) : NULL);
		json_object_object_add(o, "detail", text && *text ? json_object_new_string(text) : NULL);
		json_object_object_add(o, !strcmp(kind, "vm") ? "vm" : "function", obj);
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else {
		printf("%-8s %-9s %s%s%s\n", kind, change, name ? name : "", text && *text ? "  " : "",
		       text ? text : "");
		json_object_put(obj);
	}
	fflush(stdout);
}

static void on_change(struct svff_host *host, enum svff_change what, const char *bdf, void *data)
{
	static const char *const names[] = { "added", "removed", "changed" };
	const struct svff_function *fn = svff_host_find(host, bdf);
	char text[256] = "";

	if (fn) {
		int n = snprintf(text, sizeof(text), "%s", svff_role_name(fn->role));

		if (fn->role == SVFF_ROLE_VF)
			n += snprintf(text + n, sizeof(text) - (size_t)n, " %ld of %s", fn->vf_index, fn->physfn);
		if (fn->role == SVFF_ROLE_PF)
			n += snprintf(text + n, sizeof(text) - (size_t)n, " VFs %ld/%ld", fn->sriov.num_vfs,
				      fn->sriov.total_vfs);
		snprintf(text + n, sizeof(text) - (size_t)n, "  driver %s", fn->driver[0] ? fn->driver : "(none)");
	}
	print_line(data, "device", names[what], bdf, text,
		   fn ? status_function_json_new(host, NULL, fn) : NULL);
}

static void on_vm_change(struct svff_virt *virt, enum svff_vm_change what, const char *vm,
			 const char *detail, void *data)
{
	static const char *const names[] = {
		"added", "removed", "changed", "device-added", "device-removed",
		"device-removal-failed", "lost", "reconnected",
	};
	const struct svff_vm *v = vm ? svff_virt_find_vm(virt, vm) : NULL;
	struct monitor *m = data;
	char text[256];

	if (what == SVFF_VM_CHANGED && !detail)
		return;	/* a re-read without news */
	snprintf(text, sizeof(text), "%s%s%s", detail ? detail : "",
		 v && detail ? ", now " : v ? "now " : "", v ? svff_vm_state_name(v->state) : "");
	/* the JSON's detail is libvirt's alone (an alias, "started", ...): the
	 * state is in its VM object */
	print_line(m, what >= SVFF_VM_CONNECTION_LOST ? "libvirt" : "vm", names[what], vm,
		   what >= SVFF_VM_CONNECTION_LOST || m->json ? detail : text, v ? status_vm_json_new(v) : NULL);
}

static void on_event_error(void *data, const struct svff_err *err)
{
	(void)data;
	report_error(err);
}

static void on_signal(int watch, int fd, int events, void *opaque)
{
	struct monitor *m = opaque;
	struct signalfd_siginfo si;

	(void)watch;
	(void)events;
	if (read(fd, &si, sizeof(si)) > 0)
		m->quit = true;
}

int monitor_run(struct context *ctx, bool json)
{
	struct monitor m = { .json = json };
	struct svff_err err = { 0 }, verr = { 0 };
	struct svff_virt *virt;
	sigset_t mask;
	int rc = SVFF_EXIT_OK, sfd, sig_watch;

	if (!context_is_system(ctx)) {
		report_fail("monitor needs the real /sys: device events come from the kernel, and a --sysfs-root "
			    "tree (%s) has none", context_opts(ctx)->sysfs_root);
		return SVFF_EXIT_USAGE;
	}
	if (svff_loop_init(&err) < 0) {
		report_error(&err);
		return SVFF_EXIT_ENV;
	}
	context_virt_begin(ctx, &verr);
	if (context_open_host(ctx, CONTEXT_WATCH, &err) < 0) {
		report_error(&err);
		return SVFF_EXIT_ENV;
	}
	svff_host_set_listener(context_host(ctx), on_change, &m);
	context_watch(ctx, on_event_error, NULL);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	sig_watch = svff_loop_add_fd(sfd, POLLIN, on_signal, &m, NULL);
	context_virt_end(ctx, &verr);
	virt = context_virt(ctx);
	if (virt)
		svff_virt_set_listener(virt, on_vm_change, &m);
	fprintf(stderr, "svff: watching %zu PCI functions (events from %s) and %s; Ctrl-C ends\n",
		svff_host_n_functions(context_host(ctx)), context_events_name(ctx), virt ? "VMs" : "no VMs");
	if (!virt)
		report_warning("%s", verr.msg);
	while (!m.quit) {
		if (svff_loop_run_once(-1) < 0) {
			rc = SVFF_EXIT_FAIL;
			break;
		}
	}
	svff_loop_remove_fd(sig_watch);
	close(sfd);
	return rc;
}
