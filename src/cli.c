#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli.h"
#include "status.h"
#include "svff/devevent.h"
#include "svff/host.h"
#include "../backend/udev.h"

static int open_host(const struct cli_opts *opts, struct svff_host **host)
{
	struct svff_err err = { 0 };

	if (svff_host_new(opts->sysfs_root, host, &err) < 0 ||
	    svff_host_scan(*host, &err) < 0) {
		fprintf(stderr, "svff: %s\n", err.msg);
		svff_host_free(*host);
		*host = NULL;
		return SVFF_EXIT_ENV;
	}
	return SVFF_EXIT_OK;
}

static int cmd_status(const struct cli_opts *opts)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, all = false;
	struct svff_host *host;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(opts->argc, opts->argv, "jah", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'a':
			all = true;
			break;
		case 'h':
			printf("Usage: svff [--sysfs-root DIR] status [--json] [--all]\n");
			return SVFF_EXIT_OK;
		default:
			fprintf(stderr, "Try 'svff status --help'.\n");
			return SVFF_EXIT_USAGE;
		}
	}
	if (optind < opts->argc) {
		fprintf(stderr, "svff: status takes no arguments ('%s')\n", opts->argv[optind]);
		return SVFF_EXIT_USAGE;
	}
	rc = open_host(opts, &host);
	if (rc)
		return rc;
	if (json) {
		struct json_object *doc = status_json_new(host);

		puts(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
							 JSON_C_TO_STRING_SPACED |
							 JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(doc);
	} else {
		status_print_text(stdout, host, all);
	}
	svff_host_free(host);
	return fflush(stdout) == 0 ? SVFF_EXIT_OK : SVFF_EXIT_FAIL;
}

/* ---- monitor ------------------------------------------------------------ */

struct monitor {
	bool json;
};

static void on_change(struct svff_host *host, enum svff_change what, const char *bdf, void *data)
{
	static const char *const names[] = { "added", "removed", "changed" };
	struct monitor *m = data;
	const struct svff_function *fn = svff_host_find(host, bdf);
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (m->json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "time", json_object_new_double(ts.tv_sec + ts.tv_nsec / 1e9));
		json_object_object_add(o, "change", json_object_new_string(names[what]));
		json_object_object_add(o, "bdf", json_object_new_string(bdf));
		json_object_object_add(o, "function", fn ? status_function_json_new(host, fn) : NULL);
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else {
		printf("%-8s %s", names[what], bdf);
		if (fn) {
			printf("  %s", svff_role_name(fn->role));
			if (fn->role == SVFF_ROLE_VF)
				printf(" %ld of %s", fn->vf_index, fn->physfn);
			if (fn->role == SVFF_ROLE_PF)
				printf(" VFs %ld/%ld", fn->sriov.num_vfs, fn->sriov.total_vfs);
			printf("  driver %s", fn->driver[0] ? fn->driver : "(none)");
		}
		putchar('\n');
	}
	fflush(stdout);
}

static int cmd_monitor(const struct cli_opts *opts)
{
	struct monitor m = { .json = opts->argc > 1 && !strcmp(opts->argv[1], "--json") };
	struct svff_err err = { 0 };
	struct svff_evsrc *src = NULL;
	struct svff_host *host = NULL;
	struct pollfd pfd[2];
	sigset_t mask;
	int rc = SVFF_EXIT_OK;

	if (opts->argc > 2 || (opts->argc == 2 && !m.json)) {
		fprintf(stderr, "Usage: svff monitor [--json]\n");
		return SVFF_EXIT_USAGE;
	}
	if (strcmp(opts->sysfs_root, "/sys") && strcmp(opts->sysfs_root, "/sys/")) {
		fprintf(stderr, "svff: monitor needs the real /sys: device events come from the "
			"kernel, and a --sysfs-root tree (%s) has none\n", opts->sysfs_root);
		return SVFF_EXIT_USAGE;
	}
	/* Watch before scanning, so nothing that appears meanwhile is lost. */
	if (svff_udev_monitor_new(&src, &err) < 0) {
		fprintf(stderr, "svff: %s\n", err.msg);
		return SVFF_EXIT_ENV;
	}
	rc = open_host(opts, &host);
	if (rc) {
		svff_evsrc_free(src);
		return rc;
	}
	fprintf(stderr, "svff: watching %zu PCI functions (events from %s); Ctrl-C ends\n",
		svff_host_n_functions(host), src->ops->name);
	svff_host_set_listener(host, on_change, &m);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	pfd[0] = (struct pollfd){ .fd = src->ops->fd(src), .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = signalfd(-1, &mask, SFD_CLOEXEC), .events = POLLIN };
	for (;;) {
		struct svff_devevent ev;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			rc = SVFF_EXIT_FAIL;
			break;
		}
		if (pfd[1].revents)
			break;
		while (src->ops->next(src, &ev, &err) > 0)
			if (svff_host_apply_event(host, ev.action, ev.bdf, &err) < 0)
				fprintf(stderr, "svff: %s\n", err.msg);
	}
	close(pfd[1].fd);
	svff_host_free(host);
	svff_evsrc_free(src);
	return rc;
}

int cli_run(const struct cli_opts *opts)
{
	const char *cmd = opts->argv[0];

	if (!strcmp(cmd, "status"))
		return cmd_status(opts);
	if (!strcmp(cmd, "monitor"))
		return cmd_monitor(opts);
	fprintf(stderr, "svff: unknown command '%s' (commands: status, monitor; see 'svff --help')\n", cmd);
	return SVFF_EXIT_USAGE;
}
