#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <syslog.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli.h"
#include "console.h"
#include "status.h"
#include "svff/config.h"
#include "svff/demolab.h"
#include "svff/devevent.h"
#include "svff/ops.h"
#include "svff/qdma.h"
#include "../backend/host_internal.h"
#include "../backend/kmodel.h"
#include "svff/host.h"
#include "svff/virt.h"
#include "../backend/evloop.h"
#include "../backend/udev.h"

/* The configuration of this run; loaded once by cli_run. */
static struct svff_config *cfg;

void cli_host_file(const struct cli_opts *opts, const char *system_path, const char *name, char *buf,
		   size_t len)
{
	char *slash;

	if (!strcmp(opts->sysfs_root, "/sys") || !strcmp(opts->sysfs_root, "/sys/")) {
		snprintf(buf, len, "%s", system_path);
		slash = strrchr(buf, '/');
		if (slash && slash != buf) {
			*slash = '\0';
			mkdir(buf, 0755);	/* /run/svff; it may exist */
			*slash = '/';
		}
		return;
	}
	/* a fixture tree keeps its files beside itself */
	snprintf(buf, len, "%s", opts->sysfs_root);
	while (strlen(buf) > 1 && buf[strlen(buf) - 1] == '/')
		buf[strlen(buf) - 1] = '\0';
	slash = strrchr(buf, '/');
	if (slash && slash != buf)
		*slash = '\0';
	else
		snprintf(buf, len, ".");
	snprintf(buf + strlen(buf), len - strlen(buf), "/%s", name);
}

static const char *libvirt_uri(const struct cli_opts *opts)
{
	if (opts->uri)
		return opts->uri;
	return cfg && cfg->uri[0] ? cfg->uri : NULL;
}

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

static int load_member(const char *bdf, void *data)
{
	struct svff_err err = { 0 };

	svff_host_load(data, bdf, &err);
	return 0;
}

/* Only what attach and detach look at: the VF, its PF (the allow-list)
 * and the other members of its IOMMU group (viability), not the thousand
 * other functions of a big host. */
static int open_host_for(const struct cli_opts *opts, const char *vf, struct svff_host **host)
{
	struct svff_err err = { 0 };
	const struct svff_function *fn;
	struct svff_bdf b;

	/* a malformed address is attach's to explain */
	if (svff_host_new(opts->sysfs_root, host, &err) < 0) {
		fprintf(stderr, "svff: %s\n", err.msg);
		return SVFF_EXIT_ENV;
	}
	/* attach and detach print no device names */
	svff_host_set_names(*host, false);
	if (svff_bdf_parse(vf, &b) == 0 && svff_host_load(*host, vf, &err) < 0) {
		fprintf(stderr, "svff: %s\n", err.msg);
		svff_host_free(*host);
		*host = NULL;
		return SVFF_EXIT_ENV;
	}
	fn = svff_host_find(*host, vf);
	if (fn && fn->physfn[0])
		svff_host_load(*host, fn->physfn, &err);
	fn = svff_host_find(*host, vf);
	if (fn && fn->iommu_group >= 0)
		svff_host_iommu_group(*host, fn->iommu_group, load_member, *host, &err);
	return SVFF_EXIT_OK;
}

struct svff_virt_pending *cli_virt_begin(const struct cli_opts *opts, const char *uri, struct svff_err *err)
{
	if (svff_loop_init(err) < 0)
		return NULL;
	return svff_virt_start(uri, opts->read_only);
}

void cli_virt_end(const struct cli_opts *opts, struct svff_virt_pending *p, struct svff_virt **virt,
		  struct svff_err *err, struct svff_err *warn)
{
	char path[4200];

	*virt = NULL;
	if (!p) {
		if (!err->msg[0])
			svff_err_set(err, ENOMEM, "out of memory");
		return;
	}
	if (svff_virt_finish(p, virt, err) < 0)
		return;
	if (opts->demo)
		svff_virt_set_vmm(*virt, svff_demolab_vmm(), opts->demo);
	cli_host_file(opts, SVFF_PAUSE_FILE, "svff-paused", path, sizeof(path));
	svff_virt_set_pause_file(*virt, path, warn);
}

/* The commands' way: warnings go to stderr. */
static struct svff_virt_pending *virt_begin(const struct cli_opts *opts, struct svff_err *err)
{
	return cli_virt_begin(opts, libvirt_uri(opts), err);
}

static void virt_end(const struct cli_opts *opts, struct svff_virt_pending *p, struct svff_virt **virt,
		     struct svff_err *err)
{
	struct svff_err warn = { 0 };

	cli_virt_end(opts, p, virt, err, &warn);
	if (warn.msg[0])
		fprintf(stderr, "svff: warning: %s\n", warn.msg);
}

static void open_virt(const struct cli_opts *opts, struct svff_virt **virt, struct svff_err *err)
{
	virt_end(opts, virt_begin(opts, err), virt, err);
}

static int open_virt_or_fail(const struct cli_opts *opts, struct svff_virt **virt)
{
	struct svff_err err = { 0 };

	open_virt(opts, virt, &err);
	if (!*virt) {
		fprintf(stderr, "svff: %s\n", err.msg);
		return SVFF_EXIT_ENV;
	}
	return SVFF_EXIT_OK;
}

static int refuse_read_only(const struct cli_opts *opts)
{
	if (!opts->read_only)
		return 0;
	fprintf(stderr, "svff: %s changes the host, and svff runs with --read-only: nothing was done\n",
		opts->argv[0]);
	return SVFF_EXIT_FAIL;
}

static void audit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void audit(const char *fmt, ...)
{
	va_list ap;

	/* Every change goes to syslog (DESIGN.md, Safety). */
	openlog("svff", LOG_PID, LOG_USER);
	va_start(ap, fmt);
	vsyslog(LOG_NOTICE, fmt, ap);
	va_end(ap);
	closelog();
}

static int cmd_status(const struct cli_opts *opts)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct svff_err verr = { 0 };
	bool json = false, all = false;
	struct svff_virt_pending *pending;
	struct svff_virt *virt;
	struct svff_host *host;
	int c, rc;

	optind = 0;	/* 0: glibc re-initialises (main parsed with '+') */
	while ((c = getopt_long(opts->argc, opts->argv, "jah", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'a':
			all = true;
			break;
		case 'h':
			printf("Usage: svff [--sysfs-root DIR] [--connect URI] status [--json] [--all]\n");
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
	pending = virt_begin(opts, &verr);
	rc = open_host(opts, &host);
	/* VMs are a part of the picture, not a condition for it: without
	 * libvirt, status still shows the hardware and says why VMs are missing. */
	virt_end(opts, pending, &virt, &verr);
	if (rc) {
		svff_virt_free(virt);
		return rc;
	}
	if (json) {
		if (status_json_write(stdout, host, virt, virt ? NULL : verr.msg) < 0) {
			fprintf(stderr, "svff: writing the status: %s\n", strerror(errno));
			rc = SVFF_EXIT_FAIL;
		}
		for (size_t i = 0; i < svff_host_warnings(host)->len; i++)
			fprintf(stderr, "svff: warning: %s\n", svff_host_warnings(host)->items[i]);
		if (!virt)
			fprintf(stderr, "svff: warning: %s (VMs not shown)\n", verr.msg);
	} else {
		status_print_text(stdout, host, virt, virt ? NULL : verr.msg, all);
	}
	svff_virt_free(virt);
	svff_host_free(host);
	if (rc)
		return rc;
	return fflush(stdout) == 0 ? SVFF_EXIT_OK : SVFF_EXIT_FAIL;
}

/* ---- attach / detach ---------------------------------------------------------- */

struct hostdev_args {
	const char *vf, *vm;
	unsigned flags;
	bool dry_run;
	int timeout_s;
};

static int parse_hostdev_args(const struct cli_opts *opts, bool detach, struct hostdev_args *a)
{
	static const struct option longopts[] = {
		{ "live", no_argument, NULL, 'l' },
		{ "config", no_argument, NULL, 'C' },
		{ "both", no_argument, NULL, 'b' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "print-xml", no_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *usage = detach ?
		"Usage: svff detach VF [VM] [--live|--config|--both] [--timeout SEC] [--dry-run]\n" :
		"Usage: svff attach VF VM [--live|--config|--both] [--dry-run]\n";
	int c;

	memset(a, 0, sizeof(*a));
	a->timeout_s = 10;
	optind = 0;	/* 0: glibc re-initialises (main parsed with '+') */
	while ((c = getopt_long(opts->argc, opts->argv, "lCbnt:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			a->flags |= SVFF_ATTACH_LIVE;
			break;
		case 'C':
			a->flags |= SVFF_ATTACH_CONFIG;
			break;
		case 'b':
			a->flags |= SVFF_ATTACH_LIVE | SVFF_ATTACH_CONFIG;
			break;
		case 'n':
			a->dry_run = true;
			break;
		case 't':
			a->timeout_s = atoi(optarg);
			if (!detach || a->timeout_s <= 0 || a->timeout_s > 3600) {
				fprintf(stderr, "svff: --timeout takes seconds, 1 to 3600\n");
				return SVFF_EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(usage, stdout);
			return -1;
		default:
			fputs(usage, stderr);
			return SVFF_EXIT_USAGE;
		}
	}
	if (opts->argc - optind < (detach ? 1 : 2) || opts->argc - optind > 2) {
		fputs(usage, stderr);
		return SVFF_EXIT_USAGE;
	}
	a->vf = opts->argv[optind];
	a->vm = optind + 1 < opts->argc ? opts->argv[optind + 1] : NULL;
	return 0;
}

static const char *where(unsigned flags)
{
	return flags == (SVFF_ATTACH_LIVE | SVFF_ATTACH_CONFIG) ? "live and in its definition" :
	       flags == SVFF_ATTACH_CONFIG ? "in its definition" : flags ? "live" : "";
}

static int cmd_hostdev(const struct cli_opts *opts, bool detach)
{
	struct svff_virt_pending *pending;
	struct svff_strlist notes = { 0 };
	struct svff_err err = { 0 };
	struct hostdev_args a;
	struct svff_host *host = NULL;
	struct svff_virt *virt = NULL;
	char xml[512], vmname[128];
	int rc = parse_hostdev_args(opts, detach, &a);

	if (rc)
		return rc < 0 ? SVFF_EXIT_OK : rc;
	if (!a.dry_run && (rc = refuse_read_only(opts)))
		return rc;
	pending = virt_begin(opts, &err);
	rc = open_host_for(opts, a.vf, &host);
	virt_end(opts, pending, &virt, &err);
	if (rc)
		goto cleanup;
	if (!virt) {
		fprintf(stderr, "svff: %s\n", err.msg);
		rc = SVFF_EXIT_ENV;
		goto cleanup;
	}
	err = (struct svff_err){ 0 };
	if (!a.vm && svff_virt_vm_of(virt, a.vf, NULL))
		snprintf(vmname, sizeof(vmname), "%s", svff_virt_vm_of(virt, a.vf, NULL)->name);
	else
		snprintf(vmname, sizeof(vmname), "%s", a.vm ? a.vm : "?");
	if (detach)
		rc = svff_virt_detach(virt, host, cfg, a.vf, a.vm, a.flags, a.timeout_s * 1000, a.dry_run, &err);
	else
		rc = svff_virt_attach(virt, host, cfg, a.vf, a.vm, a.flags, a.dry_run, &notes, &err);
	for (size_t i = 0; i < notes.len; i++)
		fprintf(stderr, "svff: note: %s\n", notes.items[i]);
	if (rc < 0) {
		fprintf(stderr, "svff: %s\n", err.msg);
		if (!a.dry_run)
			audit("%s %s %s failed: %s", detach ? "detach" : "attach", a.vf, a.vm ? a.vm : "", err.msg);
		rc = SVFF_EXIT_FAIL;
		goto cleanup;
	}
	if (a.dry_run) {
		svff_hostdev_xml(a.vf, xml, sizeof(xml), &err);
		printf("Checks passed; svff would %s this device %s VM %s:\n%s",
		       detach ? "detach" : "attach", detach ? "from" : "to", vmname, xml);
	} else {
		printf("%s %s %s VM %s%s%s\n", detach ? "Detached" : "Attached", a.vf,
		       detach ? "from" : "to", vmname, a.flags ? ", " : "", where(a.flags));
		audit("%s %s %s VM %s", detach ? "detached" : "attached", a.vf, detach ? "from" : "to", vmname);
	}
	rc = SVFF_EXIT_OK;
cleanup:
	svff_strlist_clear(&notes);
	svff_virt_free(virt);
	svff_host_free(host);
	return rc;
}

/* ---- init / bind / unbind: plans ------------------------------------------------ */

struct journal {
	FILE *file;
	bool quiet;
};

static void journal_line(void *data, const char *line)
{
	struct journal *j = data;
	char stamp[32];
	time_t now = time(NULL);

	openlog("svff", LOG_PID, LOG_USER);
	syslog(LOG_NOTICE, "%s", line);
	closelog();
	if (j->file) {
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", localtime(&now));
		fprintf(j->file, "%s svff[%d]: %s\n", stamp, (int)getpid(), line);
		fflush(j->file);
	}
	if (!j->quiet)
		printf("  %s\n", line);
}

static void print_plan(const struct svff_plan *plan)
{
	for (size_t i = 0; i < plan->notes.len; i++)
		fprintf(stderr, "svff: note: %s\n", plan->notes.items[i]);
	if (!plan->n) {
		printf("%s: nothing to do, the host already matches\n", plan->title);
		return;
	}
	printf("Plan (%s), %zu step(s):\n", plan->title, plan->n);
	for (size_t i = 0; i < plan->n; i++)
		printf("  %zu. %s\n", i + 1, plan->steps[i].desc);
}

/* Per VM: which path its VF took and how long it was away, beside the
 * kernel's own floor: it waits 1 s after disabling VFs. */
static void report_downtime(const struct svff_plan *plan)
{
	struct svff_strlist lines = { 0 };

	if (svff_plan_downtime(plan, &lines))
		printf("Per VM:\n");
	for (size_t i = 0; i < lines.len; i++)
		printf("  %s\n", lines.items[i]);
	svff_strlist_clear(&lines);
}

static int cmd_plan(const struct cli_opts *opts, const char *what)
{
	struct svff_ops_ctx ctx = { .cfg = cfg, .timeout_ms = 5000, .log = journal_line };
	struct journal j = { 0 };
	struct svff_err err = { 0 }, verr = { 0 };
	struct svff_kmodel *km = NULL;
	struct svff_plan plan = { 0 };
	char **args = NULL, lock[4200];
	size_t n_args = 0;
	bool dry_run = false, fixture = strcmp(opts->sysfs_root, "/sys") && strcmp(opts->sysfs_root, "/sys/");
	int rc, lockfd = -1;

	long numvfs = -1, qmax = -1, vf_qmax = -1;
	bool yes = false;

	args = calloc((size_t)opts->argc + 1, sizeof(*args));
	for (int i = 1; args && i < opts->argc; i++) {
		long *num = NULL;

		if (!strcmp(opts->argv[i], "--dry-run") || !strcmp(opts->argv[i], "-n"))
			dry_run = true;
		else if (!strcmp(opts->argv[i], "--yes") || !strcmp(opts->argv[i], "-y"))
			yes = true;
		else if (!strcmp(what, "reconf") && (!strcmp(opts->argv[i], "--numvfs") ? (num = &numvfs) :
			 !strcmp(opts->argv[i], "--qmax") ? (num = &qmax) :
			 !strcmp(opts->argv[i], "--vf-qmax") ? (num = &vf_qmax) : NULL)) {
			if (i + 1 >= opts->argc || svff_parse_long(opts->argv[i + 1], num) < 0 || *num < 0) {
				fprintf(stderr, "svff: %s takes a number (0 or more)\n", opts->argv[i]);
				free(args);
				return SVFF_EXIT_USAGE;
			}
			i++;
		} else if (opts->argv[i][0] == '-') {
			fprintf(stderr, "svff: %s: unknown option %s\n", what, opts->argv[i]);
			free(args);
			return SVFF_EXIT_USAGE;
		} else
			args[n_args++] = opts->argv[i];
	}
	if (!args || (!strcmp(what, "bind") && n_args != 2) || (!strcmp(what, "unbind") && n_args != 1) ||
	    ((!strcmp(what, "pause") || !strcmp(what, "unpause")) && n_args != 1) ||
	    (!strcmp(what, "reconf") && (n_args != 1 || (numvfs < 0 && qmax < 0 && vf_qmax < 0)))) {
		fprintf(stderr, "Usage: svff init [PF...] [--dry-run] | bind FUNCTION DRIVER [--dry-run] | "
			"unbind FUNCTION [--dry-run] |\n       pause VF [--dry-run] | unpause VF [--dry-run] |\n       reconf PF [--numvfs N] [--qmax Q] [--vf-qmax Q] "
			"[--yes] [--dry-run]\n");
		free(args);
		return SVFF_EXIT_USAGE;
	}
	if (!dry_run && (rc = refuse_read_only(opts))) {
		free(args);
		return rc;
	}
	ctx.log_data = &j;
	/* Watch before scanning: udev on a real host, the kernel model on a
	 * fixture tree (which has no kernel to answer the writes). */
	if (!fixture && svff_udev_monitor_new(&ctx.events, &err) < 0) {
		fprintf(stderr, "svff: %s\n", err.msg);
		free(args);
		return SVFF_EXIT_ENV;
	}
	if ((rc = open_host(opts, &ctx.host)))
		goto cleanup;
	if (fixture && svff_kmodel_new(svff_host_sysfs(ctx.host), opts->event_fifo, &km, &ctx.events, &err) < 0) {
		fprintf(stderr, "svff: %s\n", err.msg);
		rc = SVFF_EXIT_ENV;
		goto cleanup;
	}
	if (!strcmp(what, "init")) {
		open_virt(opts, &ctx.virt, &verr);
		rc = svff_plan_init(&ctx, args, n_args, &plan, &err);
	} else if (!strcmp(what, "reconf")) {
		open_virt(opts, &ctx.virt, &verr);
		ctx.timeout_ms = 10000;
		rc = svff_plan_reconf(&ctx, args[0], numvfs, qmax, vf_qmax, yes, &plan, &err);
	} else if (!strcmp(what, "pause") || !strcmp(what, "unpause")) {
		open_virt(opts, &ctx.virt, &verr);
		rc = svff_plan_pause(&ctx, args[0], !strcmp(what, "pause"), &plan, &err);
	} else {
		open_virt(opts, &ctx.virt, &verr);
		rc = svff_plan_driver(&ctx, args[0], !strcmp(what, "bind") ? args[1] : "", &plan, &err);
	}
	if (rc < 0) {
		fprintf(stderr, "svff: %s\n", err.msg);
		rc = SVFF_EXIT_FAIL;
		goto cleanup;
	}
	if (!ctx.virt && !strcmp(what, "init") && cfg->n_assign)
		fprintf(stderr, "svff: warning: %s (VF assignments are not applied)\n", verr.msg);
	print_plan(&plan);
	if (dry_run || !plan.n) {
		if (dry_run && plan.n)
			printf("(--dry-run: nothing was changed)\n");
		rc = SVFF_EXIT_OK;
		goto cleanup;
	}
	cli_host_file(opts, SVFF_LOCK_FILE, "svff.lock", lock, sizeof(lock));
	if (svff_lock_acquire(lock, &lockfd, &err) < 0) {
		fprintf(stderr, "svff: %s\n", err.msg);
		rc = SVFF_EXIT_FAIL;
		goto cleanup;
	}
	if (opts->log && !(j.file = fopen(opts->log, "a")))
		fprintf(stderr, "svff: warning: --log %s: %s\n", opts->log, strerror(errno));
	printf("Running:\n");
	if (svff_plan_run(&ctx, &plan, &err) < 0) {
		fprintf(stderr, "svff: %s failed: %s\n", plan.title, err.msg);
		rc = SVFF_EXIT_FAIL;
	} else {
		printf("%s: done\n", plan.title);
		rc = SVFF_EXIT_OK;
	}
	report_downtime(&plan);
cleanup:
	if (j.file)
		fclose(j.file);
	svff_lock_release(lockfd);
	svff_plan_free(&plan);
	svff_kmodel_free(km);
	svff_virt_free(ctx.virt);
	svff_host_free(ctx.host);
	svff_evsrc_free(ctx.events);
	free(args);
	return rc;
}

/* ---- QDMA queues -------------------------------------------------------------- */

static int cmd_queues(const struct cli_opts *opts)
{
	static const struct option longopts[] = {
		{ "idx", required_argument, NULL, 'i' },
		{ "num", required_argument, NULL, 'n' },
		{ "mode", required_argument, NULL, 'm' },
		{ "dir", required_argument, NULL, 'd' },
		{ "range", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct { const char *name; enum svff_xnl_cmd cmd; bool mutates; } verbs[] = {
		{ "list", SVFF_XNL_CMD_Q_LIST, false }, { "dump", SVFF_XNL_CMD_Q_DUMP, false },
		{ "add", SVFF_XNL_CMD_Q_ADD, true }, { "start", SVFF_XNL_CMD_Q_START, true },
		{ "stop", SVFF_XNL_CMD_Q_STOP, true }, { "del", SVFF_XNL_CMD_Q_DEL, true },
		{ "info", SVFF_XNL_CMD_DEV_INFO, false },
	};
	const char *usage = "Usage: svff queues FUNCTION list|dump [--range A-B] | add [--idx N] [--num N] "
			    "[--mode mm|st] [--dir h2c|c2h|bi] | start|stop|del --idx N [--num N] [--mode] [--dir] | info\n";
	struct svff_qdma_req req = { .qidx = SVFF_XNL_QIDX_AUTO, .num_q = 1 };
	const char *mode = NULL, *dir = NULL;
	const struct svff_function *fn;
	struct svff_qdma_reply *reply = NULL;
	struct svff_err err = { 0 };
	struct svff_host *host = NULL;
	struct svff_bdf b;
	bool idx_given = false, mutates = false;
	size_t v;
	int c, rc;

	optind = 0;	/* GNU getopt permutes: options may come before or after the verb */
	while ((c = getopt_long(opts->argc, opts->argv, "i:n:m:d:R:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			req.qidx = (uint32_t)strtoul(optarg, NULL, 0);
			idx_given = true;
			break;
		case 'n':
			req.num_q = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'm':
			mode = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'R':
			if (sscanf(optarg, "%u-%u", &req.range_start, &req.range_end) != 2 ||
			    req.range_end < req.range_start) {
				fprintf(stderr, "svff: --range takes A-B with A <= B\n");
				return SVFF_EXIT_USAGE;
			}
			req.range = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return SVFF_EXIT_OK;
		default:
			fputs(usage, stderr);
			return SVFF_EXIT_USAGE;
		}
	}
	if (opts->argc - optind != 2) {
		fputs(usage, stderr);
		return SVFF_EXIT_USAGE;
	}
	for (v = 0; v < sizeof(verbs) / sizeof(verbs[0]); v++)
		if (!strcmp(opts->argv[optind + 1], verbs[v].name))
			break;
	if (v == sizeof(verbs) / sizeof(verbs[0])) {
		fprintf(stderr, "svff: queues: unknown verb '%s'\n%s", opts->argv[optind + 1], usage);
		return SVFF_EXIT_USAGE;
	}
	req.cmd = verbs[v].cmd;
	mutates = verbs[v].mutates;
	if (mutates && req.cmd != SVFF_XNL_CMD_Q_ADD && !idx_given) {
		fprintf(stderr, "svff: queues %s needs --idx N (the first queue)\n", verbs[v].name);
		return SVFF_EXIT_USAGE;
	}
	if (svff_qdma_flags(mode, dir, &req.flags, &err) < 0) {
		fprintf(stderr, "svff: %s\n", err.msg);
		return SVFF_EXIT_USAGE;
	}
	/* The driver checks no permissions on its netlink commands. */
	if (geteuid() != 0) {
		fprintf(stderr, "svff: queue management is for root only: the QDMA driver does not check who "
			"asks, so svff does\n");
		return SVFF_EXIT_FAIL;
	}
	if (mutates && (rc = refuse_read_only(opts)))
		return rc;
	if ((rc = open_host(opts, &host)))
		return rc;
	if (svff_bdf_parse(opts->argv[optind], &b) < 0 || !(fn = svff_host_find(host, opts->argv[optind]))) {
		fprintf(stderr, "svff: no PCI function '%s' on this host (svff status lists them)\n", opts->argv[optind]);
		rc = SVFF_EXIT_FAIL;
		goto cleanup;
	}
	if (mutates && !svff_config_allows(cfg, host, fn)) {
		fprintf(stderr, "svff: %s is not allow-listed: svff changes only the devices in 'allow'%s%s\n",
			fn->name, cfg->path[0] ? " of " : " (no configuration file was read)", cfg->path);
		rc = SVFF_EXIT_FAIL;
		goto cleanup;
	}
	req.dev_idx = svff_qdma_dev_idx(&fn->bdf);
	reply = calloc(1, sizeof(*reply));
	if (!reply || svff_qdma_call(fn, &req, reply, &err) < 0) {
		fprintf(stderr, "svff: %s\n", reply ? err.msg : "out of memory");
		if (mutates)
			audit("queues %s %s failed: %s", fn->name, verbs[v].name, err.msg);
		rc = SVFF_EXIT_FAIL;
		goto cleanup;
	}
	if (mutates)
		audit("queues %s %s idx %u num %u flags 0x%x", fn->name, verbs[v].name, req.qidx, req.num_q, req.flags);
	fputs(reply->msg, stdout);
	if (reply->msg[0] && reply->msg[strlen(reply->msg) - 1] != '\n')
		putchar('\n');
	rc = SVFF_EXIT_OK;
cleanup:
	free(reply);
	svff_host_free(host);
	return rc;
}

static int cmd_vm(const struct cli_opts *opts, bool suspend)
{
	struct svff_err err = { 0 };
	struct svff_virt *virt = NULL;
	int rc;

	if (opts->argc != 2 || opts->argv[1][0] == '-') {
		fprintf(stderr, "Usage: svff %s VM\n", opts->argv[0]);
		return opts->argc == 2 && !strcmp(opts->argv[1], "--help") ? SVFF_EXIT_OK : SVFF_EXIT_USAGE;
	}
	if ((rc = refuse_read_only(opts)) || (rc = open_virt_or_fail(opts, &virt)))
		return rc;
	rc = suspend ? svff_virt_suspend(virt, opts->argv[1], &err) : svff_virt_resume(virt, opts->argv[1], &err);
	if (rc < 0) {
		fprintf(stderr, "svff: %s\n", err.msg);
		rc = SVFF_EXIT_FAIL;
	} else {
		printf("VM %s %s\n", opts->argv[1], suspend ? "suspended" : "resumed");
		audit("VM %s %s", opts->argv[1], suspend ? "suspended" : "resumed");
		rc = SVFF_EXIT_OK;
	}
	svff_virt_free(virt);
	return rc;
}

/* ---- monitor ------------------------------------------------------------ */

struct monitor {
	bool json;
	bool quit;
	struct svff_host *host;
	struct svff_evsrc *src;
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

static void on_udev(int watch, int fd, int events, void *opaque)
{
	struct monitor *m = opaque;
	struct svff_devevent ev;
	struct svff_err err = { 0 };

	(void)watch;
	(void)fd;
	(void)events;
	while (m->src->ops->next(m->src, &ev, &err) > 0)
		if (svff_host_apply_event(m->host, ev.action, ev.bdf, &err) < 0)
			fprintf(stderr, "svff: %s\n", err.msg);
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

static int cmd_monitor(const struct cli_opts *opts)
{
	struct monitor m = { .json = opts->argc > 1 && !strcmp(opts->argv[1], "--json") };
	struct svff_err err = { 0 }, verr = { 0 };
	struct svff_virt *virt = NULL;
	sigset_t mask;
	int rc = SVFF_EXIT_OK, sfd;

	if (opts->argc > 2 || (opts->argc == 2 && !m.json)) {
		fprintf(stderr, "Usage: svff monitor [--json]\n");
		return SVFF_EXIT_USAGE;
	}
	if (strcmp(opts->sysfs_root, "/sys") && strcmp(opts->sysfs_root, "/sys/")) {
		fprintf(stderr, "svff: monitor needs the real /sys: device events come from the "
			"kernel, and a --sysfs-root tree (%s) has none\n", opts->sysfs_root);
		return SVFF_EXIT_USAGE;
	}
	if (svff_loop_init(&err) < 0) {
		fprintf(stderr, "svff: %s\n", err.msg);
		return SVFF_EXIT_ENV;
	}
	/* Watch before scanning, so nothing that appears meanwhile is lost. */
	if (svff_udev_monitor_new(&m.src, &err) < 0) {
		fprintf(stderr, "svff: %s\n", err.msg);
		return SVFF_EXIT_ENV;
	}
	rc = open_host(opts, &m.host);
	if (rc) {
		svff_evsrc_free(m.src);
		return rc;
	}
	svff_host_set_listener(m.host, on_change, &m);
	svff_loop_add_fd(m.src->ops->fd(m.src), POLLIN, on_udev, &m, NULL);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	svff_loop_add_fd(sfd, POLLIN, on_signal, &m, NULL);
	open_virt(opts, &virt, &verr);
	if (virt)
		svff_virt_set_listener(virt, on_vm_change, &m);
	fprintf(stderr, "svff: watching %zu PCI functions (events from %s) and %s; Ctrl-C ends\n",
		svff_host_n_functions(m.host), m.src->ops->name,
		virt ? "VMs" : "no VMs");
	if (!virt)
		fprintf(stderr, "svff: warning: %s\n", verr.msg);
	while (!m.quit) {
		if (svff_loop_run_once(-1) < 0) {
			rc = SVFF_EXIT_FAIL;
			break;
		}
	}
	close(sfd);
	svff_virt_free(virt);
	svff_host_free(m.host);
	svff_evsrc_free(m.src);
	return rc;
}

static int dispatch(const struct cli_opts *opts);

int cli_run(const struct cli_opts *opts)
{
	struct svff_err err = { 0 };
	int rc;

	if (svff_config_load(opts->config ? opts->config : SVFF_CONFIG_DEFAULT, opts->config != NULL,
			     &cfg, &err) < 0) {
		fprintf(stderr, "svff: %s\n", err.msg);
		return SVFF_EXIT_USAGE;
	}
	for (size_t i = 0; i < cfg->warnings.len; i++)
		fprintf(stderr, "svff: warning: %s\n", cfg->warnings.items[i]);
	rc = dispatch(opts);
	svff_config_free(cfg);
	cfg = NULL;
	return rc;
}

static int dispatch(const struct cli_opts *opts)
{
	const char *cmd = opts->argv[0];

	if (!strcmp(cmd, "console"))
		return console_run(opts, cfg, libvirt_uri(opts));
	if (!strcmp(cmd, "status"))
		return cmd_status(opts);
	if (!strcmp(cmd, "monitor"))
		return cmd_monitor(opts);
	if (!strcmp(cmd, "attach"))
		return cmd_hostdev(opts, false);
	if (!strcmp(cmd, "detach"))
		return cmd_hostdev(opts, true);
	if (!strcmp(cmd, "init") || !strcmp(cmd, "bind") || !strcmp(cmd, "unbind") || !strcmp(cmd, "reconf") ||
	    !strcmp(cmd, "pause") || !strcmp(cmd, "unpause"))
		return cmd_plan(opts, cmd);
	if (!strcmp(cmd, "queues"))
		return cmd_queues(opts);
	if (!strcmp(cmd, "vm-suspend"))
		return cmd_vm(opts, true);
	if (!strcmp(cmd, "vm-resume"))
		return cmd_vm(opts, false);
	fprintf(stderr, "svff: unknown command '%s' (commands: console, status, monitor, attach, "
		"detach, init, reconf, bind, unbind, pause, unpause, queues, vm-suspend, vm-resume; see 'svff --help')\n", cmd);
	return SVFF_EXIT_USAGE;
}
