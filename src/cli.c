/* svff — the commands (cli.h): the table of every command, its parser,
 * usages and --help, the read-only gate, completion, and each command's
 * handler. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "monitor.h"
#include "status.h"
#include "svff/config.h"
#include "svff/host.h"
#include "svff/ops.h"
#include "svff/qdma.h"
#include "svff/virt.h"

/* ---- what a command is ---------------------------------------------------------- */

enum opt_type { OPT_FLAG, OPT_STRING, OPT_NUMBER };

struct cli_option {
	const char *name;		/* --name */
	int short_name;			/* -x, 0: none */
	enum opt_type type;
	const char *value;		/* the value's name in usages: "N", "SEC", "mm|st" */
	long min, max;			/* OPT_NUMBER */
	const char *group;		/* options of one group show as [--a|--b|--c] */
	bool dry;			/* given, the command changes nothing */
	bool hidden;			/* accepted, but not in the usage (another spelling) */
	const char *words;		/* the values, for completion: "mm st" */
	const char *help;
};

/* What completes an argument. */
enum arg_kind { ARG_WORD, ARG_FUNCTION, ARG_PF, ARG_VF, ARG_VM, ARG_DRIVER };

struct cli_arg {
	const char *name;		/* in usages: "VF", "PF", ... */
	enum arg_kind kind;
	bool optional;
	bool repeats;			/* the last argument only: PF... */
	const char *choices;		/* one of these words ("list dump ..."), NULL: anything */
	const char *what;		/* its name in messages ("verb"); NULL: name */
	const char *help;
};

enum {
	CMD_MUTATES = 1,		/* refused under --read-only (unless a dry option is given) */
	CMD_HIDDEN = 2,			/* not in svff --help, the synopsis or completion */
	CMD_NO_CONTEXT = 4,		/* needs no configuration and no host */
	CMD_RAW = 8,			/* takes its words as they are (completion) */
};

#define MAX_ARGS 4
#define MAX_OPTIONS 12

struct cli_call;

struct cli_command {
	const char *name;
	int (*run)(struct cli_call *call);
	const char *summary;			/* one line: svff --help and the command's --help */
	const struct cli_arg *args;		/* NULL name ends the list */
	const struct cli_option *options;	/* NULL name ends the list */
	unsigned flags;
	bool (*mutates)(const struct cli_call *call);	/* when the arguments decide */
	const char *help;			/* more for --help; may be NULL */
};

/* One command as it was given. */
struct cli_call {
	const struct cli_opts *opts;
	const struct cli_command *cmd;
	struct context *ctx;
	const char *arg[MAX_ARGS];
	char **rest;			/* the repeating argument's values */
	size_t n_rest;
	bool given[MAX_OPTIONS];
	const char *value[MAX_OPTIONS];
	long num[MAX_OPTIONS];
	bool running_said;		/* "Running:" is printed before a plan's first line */
};

static const struct cli_command commands[];

/* ---- reading a call ---------------------------------------------------------------- */

/* The table and the handlers name options alike; a name the table lacks
 * is svff's own bug, caught by the first test that runs the command. */
static int option_index(const struct cli_command *cmd, const char *name)
{
	for (int i = 0; cmd->options && cmd->options[i].name; i++)
		if (!strcmp(cmd->options[i].name, name))
			return i;
	fprintf(stderr, "svff: internal error: %s has no option --%s\n", cmd->name, name);
	abort();
}

static bool flag(const struct cli_call *c, const char *name)
{
	return c->given[option_index(c->cmd, name)];
}

static const char *string(const struct cli_call *c, const char *name)
{
	return c->value[option_index(c->cmd, name)];
}

static long number(const struct cli_call *c, const char *name, long unset)
{
	int i = option_index(c->cmd, name);

	return c->given[i] ? c->num[i] : unset;
}

static const char *arg(const struct cli_call *c, const char *name)
{
	for (int i = 0; c->cmd->args && c->cmd->args[i].name; i++)
		if (!strcmp(c->cmd->args[i].name, name))
			return c->arg[i];
	fprintf(stderr, "svff: internal error: %s has no argument %s\n", c->cmd->name, name);
	abort();
}

static bool dry_run(const struct cli_call *c)
{
	for (int i = 0; c->cmd->options && c->cmd->options[i].name; i++)
		if (c->cmd->options[i].dry && c->given[i])
			return true;
	return false;
}

static bool mutates(const struct cli_call *c)
{
	if (c->cmd->mutates)
		return c->cmd->mutates(c);
	return (c->cmd->flags & CMD_MUTATES) && !dry_run(c);
}

/* ---- usages ------------------------------------------------------------------------- */

static size_t n_args(const struct cli_command *cmd)
{
	size_t n = 0;

	while (cmd->args && cmd->args[n].name)
		n++;
	return n;
}

static void append(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t len, const char *fmt, ...)
{
	size_t off = strlen(buf);
	va_list ap;

	if (off >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + off, len - off, fmt, ap);
	va_end(ap);
}

/* "attach VF VM [--live|--config|--both] [--dry-run]" */
static void synopsis(const struct cli_command *cmd, char *buf, size_t len)
{
	snprintf(buf, len, "%s", cmd->name);
	for (size_t i = 0; i < n_args(cmd); i++) {
		const struct cli_arg *a = &cmd->args[i];
		char name[128];

		snprintf(name, sizeof(name), "%s", a->choices ? a->choices : a->name);
		for (char *p = name; a->choices && *p; p++)
			if (*p == ' ')
				*p = '|';
		append(buf, len, " %s%s%s%s", a->optional ? "[" : "", name, a->repeats ? "..." : "",
		       a->optional ? "]" : "");
	}
	for (int i = 0; cmd->options && cmd->options[i].name; i++) {
		const struct cli_option *o = &cmd->options[i];
		const struct cli_option *next = &cmd->options[i + 1];
		bool in_group = o->group && i > 0 && cmd->options[i - 1].group &&
				!strcmp(cmd->options[i - 1].group, o->group);
		bool group_goes_on = o->group && next->name && next->group && !strcmp(next->group, o->group);

		if (o->hidden)
			continue;
		append(buf, len, "%s--%s%s%s%s", in_group ? "|" : " [", o->name, o->value ? " " : "",
		       o->value ? o->value : "", group_goes_on ? "" : "]");
	}
}

static void print_usage(const struct cli_command *cmd, FILE *out)
{
	char line[512];

	synopsis(cmd, line, sizeof(line));
	fprintf(out, "Usage: svff %s\n", line);
}

static void print_help(const struct cli_command *cmd)
{
	print_usage(cmd, stdout);
	printf("\n%c%s.\n", toupper((unsigned char)cmd->summary[0]), cmd->summary + 1);
	if (cmd->help)
		printf("%s\n", cmd->help);
	if (n_args(cmd)) {
		printf("\nArguments:\n");
		for (size_t i = 0; i < n_args(cmd); i++)
			printf("  %-22s %s\n", cmd->args[i].choices ? "VERB" : cmd->args[i].name,
			       cmd->args[i].help ? cmd->args[i].help : "");
	}
	printf("\nOptions:\n");
	for (int i = 0; cmd->options && cmd->options[i].name; i++) {
		const struct cli_option *o = &cmd->options[i];
		char left[64];

		snprintf(left, sizeof(left), "%c%c%s--%s%s%s", o->short_name ? '-' : ' ',
			 o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ", o->name,
			 o->value ? " " : "", o->value ? o->value : "");
		if (o->type == OPT_NUMBER)
			printf("  %-24s %s (%ld to %ld)\n", left, o->help, o->min, o->max);
		else
			printf("  %-24s %s\n", left, o->help);
	}
	printf("  %-24s %s\n", "-h, --help", "show this help and exit");
	printf("\nGlobal options (--sysfs-root, --connect, --config, --read-only, ...) go before the "
	       "command: see 'svff --help'.\n");
}

static int usage_error(const struct cli_call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_error(const struct cli_call *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "svff: %s: ", c->cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	print_usage(c->cmd, stderr);
	fprintf(stderr, "Try 'svff %s --help' for more.\n", c->cmd->name);
	return SVFF_EXIT_USAGE;
}

void cli_print_commands(FILE *out)
{
	char line[512];

	for (const struct cli_command *cmd = commands; cmd->name; cmd++) {
		if (cmd->flags & CMD_HIDDEN)
			continue;
		synopsis(cmd, line, sizeof(line));
		fprintf(out, "  %s\n      %s\n", line, cmd->summary);
	}
}

/* ---- did you mean ... ------------------------------------------------------------------ */

/* Edits (insert, delete, replace, swap two neighbours) from a to b. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), d[40][40];

	if (la >= 40 || lb >= 40)
		return SIZE_MAX;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

const char *cli_suggest(const char *word, const char *const *names, size_t n)
{
	size_t best = SIZE_MAX, wl = strlen(word), prefixed = 0;
	const char *pick = NULL, *prefix = NULL;

	for (size_t i = 0; i < n; i++) {
		size_t d = distance(word, names[i]);

		if (d < best) {
			best = d;
			pick = names[i];
		}
		if (wl >= 2 && !strncmp(names[i], word, wl)) {
			prefixed++;
			prefix = names[i];
		}
	}
	/* one edit in a short word, two in a longer one */
	if (pick && best <= (wl <= 4 ? 1 : 2))
		return pick;
	return prefixed == 1 ? prefix : NULL;
}

static const char *suggest_command(const char *word)
{
	const char *names[32];
	size_t n = 0;

	for (const struct cli_command *cmd = commands; cmd->name && n < 32; cmd++)
		if (!(cmd->flags & CMD_HIDDEN))
			names[n++] = cmd->name;
	return cli_suggest(word, names, n);
}

static const char *suggest_option(const struct cli_command *cmd, const char *word)
{
	const char *names[MAX_OPTIONS + 1];
	size_t n = 0;

	for (int i = 0; cmd->options && cmd->options[i].name; i++)
		names[n++] = cmd->options[i].name;
	names[n++] = "help";
	return cli_suggest(word, names, n);
}

/* ---- parsing a call ------------------------------------------------------------------------ */

/* A whole number (0x for hex) within the option's range, or what is wrong
 * with it, naming what the person wrote. */
static int parse_number(const struct cli_call *c, const struct cli_option *o, const char *text, long *out)
{
	const char *p = text;
	char *end;
	long long v;

	while (*p == ' ')
		p++;
	errno = 0;
	v = strtoll(p, &end, !strncmp(p, "0x", 2) || !strncmp(p, "0X", 2) ? 16 : 10);
	if (end == p || *end || !*p)
		return usage_error(c, "--%s takes a whole number from %ld to %ld, not '%s'", o->name, o->min, o->max,
				   text);
	if ((errno == ERANGE && v > 0) || v > o->max)
		return usage_error(c, "--%s %s is too large: the most is %ld", o->name, text, o->max);
	if (errno == ERANGE || v < o->min)
		return usage_error(c, "--%s %s is too small: the least is %ld", o->name, text, o->min);
	*out = (long)v;
	return 0;
}

static int unknown_option(const struct cli_call *c, const char *word, int optopt_seen)
{
	const struct cli_command *cmd = c->cmd;
	char name[64];
	const char *eq, *hint;
	size_t matches = 0, wl;
	const char *first = NULL, *second = NULL;

	if (optopt_seen >= 256)
		return usage_error(c, "--%s takes no value", cmd->options[optopt_seen - 256].name);
	if (optopt_seen > 0 && optopt_seen < 256)
		return usage_error(c, "unknown option '-%c'", optopt_seen);
	if (!word || strncmp(word, "--", 2))
		return usage_error(c, "unknown option '%s'", word ? word : "?");
	eq = strchr(word + 2, '=');
	wl = eq ? (size_t)(eq - word - 2) : strlen(word + 2);
	snprintf(name, sizeof(name), "%.*s", (int)wl, word + 2);
	for (int i = 0; cmd->options && cmd->options[i].name; i++) {
		if (!strncmp(cmd->options[i].name, name, wl)) {
			second = matches ? cmd->options[i].name : NULL;
			first = matches ? first : cmd->options[i].name;
			matches++;
		}
	}
	if (matches > 1)
		return usage_error(c, "'--%s' is ambiguous: --%s, --%s%s", name, first, second, matches > 2 ? ", ..." : "");
	hint = suggest_option(cmd, name);
	if (hint)
		return usage_error(c, "unknown option '--%s'; did you mean --%s?", name, hint);
	return usage_error(c, "unknown option '--%s'", name);
}

/* 0, -1 after --help, or an exit code. */
static int parse(struct cli_call *c)
{
	const struct cli_command *cmd = c->cmd;
	struct option longopts[MAX_OPTIONS + 2];
	char shorts[3 * MAX_OPTIONS + 4] = ":h";
	size_t n = 0, nreq = 0, nmax, npos;
	int ch;

	for (int i = 0; cmd->options && cmd->options[i].name; i++) {
		const struct cli_option *o = &cmd->options[i];

		longopts[n++] = (struct option){ o->name, o->type == OPT_FLAG ? no_argument : required_argument,
						 NULL, 256 + i };
		if (o->short_name)
			append(shorts, sizeof(shorts), "%c%s", o->short_name, o->type == OPT_FLAG ? "" : ":");
	}
	longopts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };
	/* svff's own messages, with its prefix, not getopt's */
	opterr = 0;
	optind = 0;	/* 0: glibc starts afresh (main parsed with '+') */
	while ((ch = getopt_long(c->opts->argc, c->opts->argv, shorts, longopts, NULL)) != -1) {
		int i = -1;

		if (ch == 'h') {
			print_help(cmd);
			return -1;
		}
		if (ch == '?')
			return unknown_option(c, c->opts->argv[optind - 1], optopt);
		if (ch == ':') {
			for (int k = 0; cmd->options[k].name; k++)
				if (optopt == 256 + k || optopt == cmd->options[k].short_name)
					i = k;
			if (i < 0)
				return usage_error(c, "an option needs a value");
			return usage_error(c, "--%s needs a value (%s)", cmd->options[i].name, cmd->options[i].value);
		}
		if (ch >= 256) {
			i = ch - 256;
		} else {
			for (int k = 0; cmd->options[k].name; k++)
				if (cmd->options[k].short_name == ch)
					i = k;
		}
		if (i < 0 || i >= MAX_OPTIONS)
			return usage_error(c, "unknown option '-%c'", ch);
		c->given[i] = true;
		c->value[i] = optarg;
		if (cmd->options[i].type == OPT_NUMBER) {
			int rc = parse_number(c, &cmd->options[i], optarg, &c->num[i]);

			if (rc)
				return rc;
		}
	}
	npos = (size_t)(c->opts->argc - optind);
	for (size_t i = 0; i < n_args(cmd); i++)
		nreq += !cmd->args[i].optional;
	nmax = n_args(cmd) && cmd->args[n_args(cmd) - 1].repeats ? SIZE_MAX : n_args(cmd);
	if (npos < nreq)
		return usage_error(c, "missing %s", cmd->args[npos].name);
	if (npos > nmax)
		return usage_error(c, "unexpected argument '%s'", c->opts->argv[optind + (int)nmax]);
	for (size_t i = 0; i < n_args(cmd); i++) {
		const struct cli_arg *a = &cmd->args[i];

		if (a->repeats) {
			c->rest = c->opts->argv + optind + (int)i;
			c->n_rest = npos > i ? npos - i : 0;
			break;
		}
		c->arg[i] = i < npos ? c->opts->argv[optind + (int)i] : NULL;
		if (c->arg[i] && a->choices) {
			const char *p = a->choices;
			size_t wl = strlen(c->arg[i]);
			bool ok = false;

			while (*p && !ok) {
				size_t l = strcspn(p, " ");

				ok = l == wl && !strncmp(p, c->arg[i], l);
				p += l + (p[l] == ' ');
			}
			if (!ok)
				return usage_error(c, "unknown %s '%s' (one of: %s)", a->what ? a->what : a->name,
						   c->arg[i], a->choices);
		}
	}
	return 0;
}

/* ---- what the context tells the commands ------------------------------------------------- */

static void cli_journal(void *data, enum svff_journal_kind kind, const char *line)
{
	struct cli_call *c = data;

	/* the command says "done" itself, once, after the run */
	if (kind == SVFF_JOURNAL_DONE)
		return;
	if (!c->running_said)
		printf("Running:\n");
	c->running_said = true;
	printf("  %s\n", line);
}

static void cli_warn(void *data, const char *msg)
{
	(void)data;
	report_warning("%s", msg);
}

/* ---- console, status, monitor ------------------------------------------------------------ */

static int cmd_console(struct cli_call *c)
{
	return console_mode_run(c->ctx, &c->opts->console);
}

static int cmd_status(struct cli_call *c)
{
	struct svff_err err = { 0 }, verr = { 0 };
	struct svff_virt *virt;
	struct svff_host *host;
	int rc = SVFF_EXIT_OK;

	/* libvirt connects while the host is read */
	context_virt_begin(c->ctx, &verr);
	if (context_open_host(c->ctx, 0, &err) < 0) {
		report_error(&err);
		return SVFF_EXIT_ENV;
	}
	host = context_host(c->ctx);
	/* VMs are a part of the picture, not a condition for it: without
	 * libvirt, status still shows the hardware and says why VMs are missing. */
	context_virt_end(c->ctx, &verr);
	virt = context_virt(c->ctx);
	if (flag(c, "json")) {
		if (status_json_write(stdout, host, virt, virt ? NULL : verr.msg) < 0) {
			report_fail("writing the status: %s", strerror(errno));
			rc = SVFF_EXIT_FAIL;
		}
		for (size_t i = 0; i < svff_host_warnings(host)->len; i++)
			report_warning("%s", svff_host_warnings(host)->items[i]);
		if (!virt)
			report_warning("%s (VMs not shown)", verr.msg);
	} else {
		status_print_text(stdout, host, virt, virt ? NULL : verr.msg, flag(c, "all"));
	}
	if (rc)
		return rc;
	return fflush(stdout) == 0 ? SVFF_EXIT_OK : SVFF_EXIT_FAIL;
}

static int cmd_monitor(struct cli_call *c)
{
	return monitor_run(c->ctx, flag(c, "json"));
}

/* ---- attach / detach ----------------------------------------------------------------------- */

static const char *where(unsigned flags)
{
	return flags == (SVFF_ATTACH_LIVE | SVFF_ATTACH_CONFIG) ? "live and in its definition" :
	       flags == SVFF_ATTACH_CONFIG ? "in its definition" : flags ? "live" : "";
}

static int hostdev(struct cli_call *c, bool detach)
{
	struct svff_strlist notes = { 0 };
	struct svff_err err = { 0 }, herr = { 0 };
	const char *vm = arg(c, "VM");
	unsigned flags = (flag(c, "live") ? SVFF_ATTACH_LIVE : 0) | (flag(c, "config") ? SVFF_ATTACH_CONFIG : 0) |
			 (flag(c, "both") ? SVFF_ATTACH_LIVE | SVFF_ATTACH_CONFIG : 0);
	bool dry = dry_run(c);
	struct svff_virt *virt;
	char vf[SVFF_BDF_LEN + 64], xml[512], vmname[SVFF_NAME_LEN];
	int rc;

	/* the address in full ("01:08.4" is 0000:01:08.4), as every message
	 * names it; one that does not parse is attach's to explain */
	if (svff_bdf_normalize(arg(c, "VF"), vf, sizeof(vf)) < 0)
		snprintf(vf, sizeof(vf), "%s", arg(c, "VF"));
	context_virt_begin(c->ctx, &err);
	if (context_open_host_for(c->ctx, vf, &herr) < 0) {
		report_error(&herr);
		return SVFF_EXIT_ENV;
	}
	if (context_virt_end(c->ctx, &err) < 0) {
		report_error(&err);
		return SVFF_EXIT_ENV;
	}
	virt = context_virt(c->ctx);
	err = (struct svff_err){ 0 };
	if (!vm && svff_virt_vm_of(virt, vf, NULL))
		snprintf(vmname, sizeof(vmname), "%s", svff_virt_vm_of(virt, vf, NULL)->name);
	else
		snprintf(vmname, sizeof(vmname), "%s", vm ? vm : "?");
	if (detach)
		rc = svff_virt_detach(virt, context_host(c->ctx), context_config(c->ctx), vf, vm, flags,
				      (int)number(c, "timeout", 10) * 1000, dry, &err);
	else
		rc = svff_virt_attach(virt, context_host(c->ctx), context_config(c->ctx), vf, vm, flags, dry, &notes,
				      &err);
	for (size_t i = 0; i < notes.len; i++)
		report_note("%s", notes.items[i]);
	svff_strlist_clear(&notes);
	if (rc < 0) {
		report_error(&err);
		if (!dry)
			context_audit(c->ctx, "%s %s %s failed: %s", detach ? "detach" : "attach", vf, vm ? vm : "",
				      err.msg);
		return SVFF_EXIT_FAIL;
	}
	if (dry) {
		svff_hostdev_xml(vf, xml, sizeof(xml), &err);
		printf("Checks passed; svff would %s this device %s VM %s:\n%s", detach ? "detach" : "attach",
		       detach ? "from" : "to", vmname, xml);
	} else {
		printf("%s %s %s VM %s%s%s\n", detach ? "Detached" : "Attached", vf, detach ? "from" : "to", vmname,
		       flags ? ", " : "", where(flags));
		context_audit(c->ctx, "%s %s %s VM %s", detach ? "detached" : "attached", vf, detach ? "from" : "to",
			      vmname);
	}
	return SVFF_EXIT_OK;
}

static int cmd_attach(struct cli_call *c)
{
	return hostdev(c, false);
}

static int cmd_detach(struct cli_call *c)
{
	return hostdev(c, true);
}

/* ---- the operations that run as plans ------------------------------------------------------- */

typedef int (*plan_builder)(struct cli_call *c, struct svff_ops_ctx *ops, struct svff_plan *plan,
			    struct svff_err *err);

static void print_plan(const struct svff_plan *plan)
{
	struct svff_plan_text text;

	svff_plan_describe(plan, &text);
	for (size_t i = 0; i < text.warnings.len; i++)
		report_note("%s", text.warnings.items[i]);
	if (!plan->n)
		printf("%s: nothing to do, the host already matches\n", plan->title);
	else
		printf("Plan (%s), %zu step(s):\n", plan->title, plan->n);
	for (size_t i = 0; i < text.steps.len; i++)
		printf("  %s\n", text.steps.items[i]);
	svff_plan_text_clear(&text);
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

static int run_plan(struct cli_call *c, plan_builder build, int timeout_ms)
{
	struct svff_err err = { 0 }, verr = { 0 };
	struct svff_plan plan = { 0 };
	struct svff_ops_ctx ops;
	int rc;

	context_virt_begin(c->ctx, &verr);
	/* the host's answers to the plan's writes: udev, or a tree's kernel model */
	if (context_open_host(c->ctx, CONTEXT_ANSWER, &err) < 0) {
		report_error(&err);
		return SVFF_EXIT_ENV;
	}
	context_virt_end(c->ctx, &verr);
	context_ops(c->ctx, &ops, timeout_ms);
	if (build(c, &ops, &plan, &err) < 0) {
		report_error(&err);
		svff_plan_free(&plan);
		return SVFF_EXIT_FAIL;
	}
	if (!ops.virt && !strcmp(c->cmd->name, "init") && context_config(c->ctx)->n_assign)
		report_warning("%s (VF assignments are not applied)", verr.msg);
	print_plan(&plan);
	if (dry_run(c) || !plan.n) {
		if (dry_run(c) && plan.n)
			printf("(--dry-run: nothing was changed)\n");
		svff_plan_free(&plan);
		return SVFF_EXIT_OK;
	}
	if (context_run_plan(c->ctx, &plan, timeout_ms, &err) < 0) {
		char buf[SVFF_ERR_MSG_MAX + 160];

		report_fail("%s failed: %s", plan.title, report_err_text(&err, buf, sizeof(buf)));
		rc = SVFF_EXIT_FAIL;
	} else {
		printf("%s: done\n", plan.title);
		rc = SVFF_EXIT_OK;
	}
	report_downtime(&plan);
	svff_plan_free(&plan);
	return rc;
}

static int build_init(struct cli_call *c, struct svff_ops_ctx *ops, struct svff_plan *plan, struct svff_err *err)
{
	return svff_plan_init(ops, c->rest, c->n_rest, plan, err);
}

static int cmd_init(struct cli_call *c)
{
	return run_plan(c, build_init, 5000);
}

static int build_reconf(struct cli_call *c, struct svff_ops_ctx *ops, struct svff_plan *plan, struct svff_err *err)
{
	return svff_plan_reconf(ops, arg(c, "PF"), number(c, "numvfs", -1), number(c, "qmax", -1),
				number(c, "vf-qmax", -1), flag(c, "yes"), plan, err);
}

static int cmd_reconf(struct cli_call *c)
{
	if (!flag(c, "numvfs") && !flag(c, "qmax") && !flag(c, "vf-qmax"))
		return usage_error(c, "nothing to change: give --numvfs, --qmax or --vf-qmax");
	/* a detach waits for the guest */
	return run_plan(c, build_reconf, 10000);
}

static int build_driver(struct cli_call *c, struct svff_ops_ctx *ops, struct svff_plan *plan, struct svff_err *err)
{
	return svff_plan_driver(ops, arg(c, "FUNCTION"), strcmp(c->cmd->name, "bind") ? "" : arg(c, "DRIVER"), plan,
				err);
}

static int cmd_driver(struct cli_call *c)
{
	return run_plan(c, build_driver, 5000);
}

static int build_pause(struct cli_call *c, struct svff_ops_ctx *ops, struct svff_plan *plan, struct svff_err *err)
{
	return svff_plan_pause(ops, arg(c, "VF"), !strcmp(c->cmd->name, "pause"), plan, err);
}

static int cmd_pause(struct cli_call *c)
{
	return run_plan(c, build_pause, 5000);
}

/* ---- QDMA queues ------------------------------------------------------------------------------ */

static const struct { const char *name; enum svff_xnl_cmd cmd; bool mutates; } verbs[] = {
	{ "list", SVFF_XNL_CMD_Q_LIST, false }, { "dump", SVFF_XNL_CMD_Q_DUMP, false },
	{ "add", SVFF_XNL_CMD_Q_ADD, true }, { "start", SVFF_XNL_CMD_Q_START, true },
	{ "stop", SVFF_XNL_CMD_Q_STOP, true }, { "del", SVFF_XNL_CMD_Q_DEL, true },
	{ "info", SVFF_XNL_CMD_DEV_INFO, false },
};

static size_t verb_of(const struct cli_call *c)
{
	size_t v;

	for (v = 0; v < sizeof(verbs) / sizeof(verbs[0]); v++)
		if (!strcmp(arg(c, "verb"), verbs[v].name))
			break;
	return v;
}

static bool queues_mutate(const struct cli_call *c)
{
	return verbs[verb_of(c)].mutates;
}

static int cmd_queues(struct cli_call *c)
{
	struct svff_qdma_req req = { .qidx = SVFF_XNL_QIDX_AUTO, .num_q = 1 };
	const struct svff_function *fn;
	struct svff_qdma_reply *reply = NULL;
	struct svff_err err = { 0 };
	const struct svff_config *cfg = context_config(c->ctx);
	size_t v = verb_of(c);
	int rc;

	req.cmd = verbs[v].cmd;
	req.qidx = (uint32_t)number(c, "idx", SVFF_XNL_QIDX_AUTO);
	req.num_q = (uint32_t)number(c, "num", 1);
	if (string(c, "range")) {
		if (sscanf(string(c, "range"), "%u-%u", &req.range_start, &req.range_end) != 2 ||
		    req.range_end < req.range_start)
			return usage_error(c, "--range takes A-B with A <= B, not '%s'", string(c, "range"));
		req.range = true;
	}
	if (verbs[v].mutates && req.cmd != SVFF_XNL_CMD_Q_ADD && !flag(c, "idx"))
		return usage_error(c, "%s needs --idx N (the first queue)", verbs[v].name);
	if (svff_qdma_flags(string(c, "mode"), string(c, "dir"), &req.flags, &err) < 0) {
		report_error_in(c->cmd->name, &err);
		return SVFF_EXIT_USAGE;
	}
	/* The driver checks no permissions on its netlink commands. */
	if (geteuid() != 0) {
		report_fail("queue management is for root only: the QDMA driver does not check who asks, so svff does");
		return SVFF_EXIT_FAIL;
	}
	if (context_open_host(c->ctx, 0, &err) < 0) {
		report_error(&err);
		return SVFF_EXIT_ENV;
	}
	fn = svff_host_find(context_host(c->ctx), arg(c, "FUNCTION"));
	if (!fn) {
		report_fail("no PCI function '%s' on this host (svff status lists them)", arg(c, "FUNCTION"));
		return SVFF_EXIT_FAIL;
	}
	if (verbs[v].mutates && !svff_config_allows(cfg, context_host(c->ctx), fn)) {
		report_fail("%s is not allow-listed: svff changes only the devices in 'allow'%s%s", fn->name,
			    cfg->path[0] ? " of " : " (no configuration file was read)", cfg->path);
		return SVFF_EXIT_FAIL;
	}
	req.dev_idx = svff_qdma_dev_idx(&fn->bdf);
	reply = calloc(1, sizeof(*reply));
	if (!reply || svff_qdma_call(fn, &req, reply, &err) < 0) {
		if (!reply)
			svff_err_set(&err, ENOMEM, "out of memory");
		report_error(&err);
		if (verbs[v].mutates)
			context_audit(c->ctx, "queues %s %s failed: %s", fn->name, verbs[v].name, err.msg);
		free(reply);
		return SVFF_EXIT_FAIL;
	}
	if (verbs[v].mutates)
		context_audit(c->ctx, "queues %s %s idx %u num %u flags 0x%x", fn->name, verbs[v].name, req.qidx,
			      req.num_q, req.flags);
	fputs(reply->msg, stdout);
	if (reply->msg[0] && reply->msg[strlen(reply->msg) - 1] != '\n')
		putchar('\n');
	free(reply);
	rc = SVFF_EXIT_OK;
	return rc;
}

/* ---- VM suspend / resume ----------------------------------------------------------------------- */

static int cmd_vm(struct cli_call *c)
{
	bool suspend = !strcmp(c->cmd->name, "vm-suspend");
	const char *vm = arg(c, "VM");
	struct svff_err err = { 0 };
	struct svff_virt *virt;
	int rc;

	if (context_virt_end(c->ctx, &err) < 0) {
		report_error(&err);
		return SVFF_EXIT_ENV;
	}
	virt = context_virt(c->ctx);
	rc = suspend ? svff_virt_suspend(virt, vm, &err) : svff_virt_resume(virt, vm, &err);
	if (rc < 0) {
		report_error(&err);
		return SVFF_EXIT_FAIL;
	}
	printf("VM %s %s\n", vm, suspend ? "suspended" : "resumed");
	context_audit(c->ctx, "VM %s %s", vm, suspend ? "suspended" : "resumed");
	return SVFF_EXIT_OK;
}

/* ---- the table, for the man page and for shell completion ------------------------------------------ */

/* svff __synopsis: every command's synopsis, as doc/svff.1 must list it. */
static int cmd_synopsis(struct cli_call *c)
{
	char line[512];

	(void)c;
	for (const struct cli_command *cmd = commands; cmd->name; cmd++) {
		if (cmd->flags & CMD_HIDDEN)
			continue;
		synopsis(cmd, line, sizeof(line));
		printf("svff [OPTIONS] %s\n", line);
	}
	return SVFF_EXIT_OK;
}

static const char *const kind_names[] = {
	[ARG_WORD] = "word", [ARG_FUNCTION] = "function", [ARG_PF] = "pf", [ARG_VF] = "vf",
	[ARG_VM] = "vm", [ARG_DRIVER] = "driver",
};

/* svff __table: the whole table, a line per command, argument and option,
 * fields split by tabs, for a script that generates completion:
 *   command NAME changes|reads SUMMARY
 *   arg     NAME ARG KIND required|optional|repeats CHOICES
 *   option  NAME --LONG -S flag|string|number VALUE WORDS */
static int cmd_table(struct cli_call *c)
{
	(void)c;
	for (const struct cli_command *cmd = commands; cmd->name; cmd++) {
		if (cmd->flags & CMD_HIDDEN)
			continue;
		printf("command\t%s\t%s\t%s\n", cmd->name,
		       cmd->flags & CMD_MUTATES || cmd->mutates ? "changes" : "reads", cmd->summary);
		for (size_t i = 0; i < n_args(cmd); i++) {
			const struct cli_arg *a = &cmd->args[i];

			printf("arg\t%s\t%s\t%s\t%s\t%s\n", cmd->name, a->name, kind_names[a->kind],
			       a->repeats ? "repeats" : a->optional ? "optional" : "required",
			       a->choices ? a->choices : "");
		}
		for (int i = 0; cmd->options && cmd->options[i].name; i++) {
			const struct cli_option *o = &cmd->options[i];
			char s[4] = "";

			if (o->short_name)
				snprintf(s, sizeof(s), "-%c", o->short_name);
			printf("option\t%s\t--%s\t%s\t%s\t%s\t%s\n", cmd->name, o->name, s,
			       o->type == OPT_FLAG ? "flag" : o->type == OPT_NUMBER ? "number" : "string",
			       o->value ? o->value : "", o->words ? o->words : "");
		}
		printf("option\t%s\t--help\t-h\tflag\t\t\n", cmd->name);
	}
	return SVFF_EXIT_OK;
}

static void offer(const char *word, const char *cur)
{
	if (!strncmp(word, cur, strlen(cur)))
		puts(word);
}

static void offer_words(const char *words, const char *cur)
{
	char w[64];

	while (words && *words) {
		size_t l = strcspn(words, " ");

		snprintf(w, sizeof(w), "%.*s", (int)l, words);
		offer(w, cur);
		words += l + (words[l] == ' ');
	}
}

static const struct cli_command *find_command(const char *name)
{
	for (const struct cli_command *cmd = commands; cmd->name; cmd++)
		if (!strcmp(cmd->name, name))
			return cmd;
	return NULL;
}

static const struct cli_option *find_option(const struct cli_command *cmd, const char *word)
{
	for (int i = 0; cmd->options && cmd->options[i].name; i++) {
		const struct cli_option *o = &cmd->options[i];

		if ((!strncmp(word, "--", 2) && !strcmp(word + 2, o->name)) ||
		    (o->short_name && word[0] == '-' && word[1] == o->short_name && !word[2]))
			return o;
	}
	return NULL;
}

static void offer_arg(struct cli_call *c, const struct cli_arg *a, const char *cur)
{
	struct svff_err err = { 0 };

	if (a->choices) {
		offer_words(a->choices, cur);
		return;
	}
	if (a->kind == ARG_FUNCTION || a->kind == ARG_PF || a->kind == ARG_VF) {
		const struct svff_host *host;

		if (context_open_host(c->ctx, 0, &err) < 0)
			return;
		host = context_host(c->ctx);
		for (size_t i = 0; i < svff_host_n_functions(host); i++) {
			const struct svff_function *fn = svff_host_function(host, i);

			if (a->kind == ARG_FUNCTION || (a->kind == ARG_PF && fn->role == SVFF_ROLE_PF) ||
			    (a->kind == ARG_VF && fn->role == SVFF_ROLE_VF))
				offer(fn->name, cur);
		}
	} else if (a->kind == ARG_VM && context_virt_end(c->ctx, &err) == 0) {
		for (size_t i = 0; i < svff_virt_n_vms(context_virt(c->ctx)); i++)
			offer(svff_virt_vm(context_virt(c->ctx), i)->name, cur);
	}
}

/* svff [GLOBAL OPTIONS] __complete [COMMAND [WORD...]] CURRENT: the words
 * that can stand where CURRENT (the word being typed, maybe "") does, one
 * a line: commands, options, their values, and the host's PFs, VFs,
 * functions and VMs for the arguments that name one.  A completion script
 * passes the global options it saw before __complete, so that the host
 * and libvirt are the ones the command line names. */
static int cmd_complete(struct cli_call *c)
{
	char **w = c->rest;
	size_t n = c->n_rest, pos = 0;
	const char *cur = n ? w[n - 1] : "";
	const struct cli_command *cmd;
	const struct cli_option *prev;

	if (n <= 1) {
		for (cmd = commands; cmd->name; cmd++)
			if (!(cmd->flags & CMD_HIDDEN))
				offer(cmd->name, cur);
		return SVFF_EXIT_OK;
	}
	cmd = find_command(w[0]);
	if (!cmd || (cmd->flags & CMD_HIDDEN))
		return SVFF_EXIT_OK;
	prev = n >= 3 ? find_option(cmd, w[n - 2]) : NULL;
	if (prev && prev->type != OPT_FLAG) {
		offer_words(prev->words, cur);
		return SVFF_EXIT_OK;
	}
	if (cur[0] == '-') {
		char word[64];

		for (int i = 0; cmd->options && cmd->options[i].name; i++) {
			if (cmd->options[i].hidden)
				continue;
			snprintf(word, sizeof(word), "--%s", cmd->options[i].name);
			offer(word, cur);
		}
		offer("--help", cur);
		return SVFF_EXIT_OK;
	}
	/* which argument CURRENT is: the words before it that are neither
	 * options nor their values */
	for (size_t i = 1; i + 1 < n; i++) {
		const struct cli_option *o = find_option(cmd, w[i]);

		if (o && o->type != OPT_FLAG)
			i++;
		else if (w[i][0] != '-')
			pos++;
	}
	if (pos >= n_args(cmd)) {
		if (!n_args(cmd) || !cmd->args[n_args(cmd) - 1].repeats)
			return SVFF_EXIT_OK;
		pos = n_args(cmd) - 1;
	}
	offer_arg(c, &cmd->args[pos], cur);
	return SVFF_EXIT_OK;
}

/* ---- the table ---------------------------------------------------------------------------------------- */

#define DRY_RUN { .name = "dry-run", .short_name = 'n', .dry = true, \
		  .help = "check and show what would be done; change nothing" }
#define WHERE_OPTIONS \
	{ .name = "live", .short_name = 'l', .group = "where", .help = "the running VM only" }, \
	{ .name = "config", .short_name = 'C', .group = "where", .help = "the VM's definition only" }, \
	{ .name = "both", .short_name = 'b', .group = "where", .help = "the running VM and its definition" }
#define PRINT_XML { .name = "print-xml", .dry = true, .hidden = true, .help = "the same as --dry-run" }

static const struct cli_option no_options[] = { { .name = NULL } };
static const struct cli_option json_option[] = {
	{ .name = "json", .short_name = 'j', .help = "one JSON document (schema svff-status/1, doc/status-json.md)" },
	{ .name = NULL },
};
static const struct cli_option dry_run_only[] = { DRY_RUN, { .name = NULL } };

static const struct cli_arg a_vf[] = {
	{ .name = "VF", .kind = ARG_VF, .help = "a virtual function's address, e.g. 0000:01:00.4" }, { .name = NULL },
};
static const struct cli_arg a_vm[] = {
	{ .name = "VM", .kind = ARG_VM, .help = "a libvirt domain's name" }, { .name = NULL },
};

static const struct cli_option o_status[] = {
	{ .name = "json", .short_name = 'j', .help = "one JSON document (schema svff-status/1, doc/status-json.md)" },
	{ .name = "all", .short_name = 'a', .help = "also the PCI devices without SR-IOV" },
	{ .name = NULL },
};
static const struct cli_arg a_attach[] = {
	{ .name = "VF", .kind = ARG_VF, .help = "the virtual function, e.g. 0000:01:00.4" },
	{ .name = "VM", .kind = ARG_VM, .help = "the libvirt domain to pass it to" },
	{ .name = NULL },
};
static const struct cli_option o_attach[] = { WHERE_OPTIONS, DRY_RUN, PRINT_XML, { .name = NULL } };
static const struct cli_arg a_detach[] = {
	{ .name = "VF", .kind = ARG_VF, .help = "the virtual function, e.g. 0000:01:00.4" },
	{ .name = "VM", .kind = ARG_VM, .optional = true, .help = "the domain that holds it (default: whichever does)" },
	{ .name = NULL },
};
static const struct cli_option o_detach[] = {
	WHERE_OPTIONS,
	{ .name = "timeout", .short_name = 't', .type = OPT_NUMBER, .value = "SEC", .min = 1, .max = 3600,
	  .help = "how long a live detach waits for the guest to release the device (default 10)" },
	DRY_RUN, PRINT_XML, { .name = NULL },
};
static const struct cli_arg a_init[] = {
	{ .name = "PF", .kind = ARG_PF, .optional = true, .repeats = true,
	  .help = "the PFs to set up (default: every PF the configuration lays out)" },
	{ .name = NULL },
};
static const struct cli_arg a_pf[] = {
	{ .name = "PF", .kind = ARG_PF, .help = "a physical function's address, e.g. 0000:01:00.0" }, { .name = NULL },
};
static const struct cli_option o_reconf[] = {
	{ .name = "numvfs", .type = OPT_NUMBER, .value = "N", .min = 0, .max = 4096, .help = "the new VF count" },
	{ .name = "qmax", .type = OPT_NUMBER, .value = "Q", .min = 0, .max = 4096,
	  .help = "the PF's queue budget (qdma/qmax)" },
	{ .name = "vf-qmax", .type = OPT_NUMBER, .value = "Q", .min = 0, .max = 4096,
	  .help = "the queues of each VF that stays on qdma-vf" },
	{ .name = "yes", .short_name = 'y', .help = "go ahead where guests would see a PCI hot-unplug" },
	DRY_RUN, { .name = NULL },
};
static const struct cli_arg a_bind[] = {
	{ .name = "FUNCTION", .kind = ARG_FUNCTION, .help = "a PCI function's address" },
	{ .name = "DRIVER", .kind = ARG_DRIVER, .help = "a loaded PCI driver, e.g. vfio-pci" },
	{ .name = NULL },
};
static const struct cli_arg a_function[] = {
	{ .name = "FUNCTION", .kind = ARG_FUNCTION, .help = "a PCI function's address" }, { .name = NULL },
};
static const struct cli_arg a_queues[] = {
	{ .name = "FUNCTION", .kind = ARG_FUNCTION, .help = "a function bound to qdma-pf or qdma-vf" },
	{ .name = "verb", .kind = ARG_WORD, .choices = "list dump add start stop del info",
	  .help = "what to do with its queues" },
	{ .name = NULL },
};
static const struct cli_option o_queues[] = {
	{ .name = "idx", .short_name = 'i', .type = OPT_NUMBER, .value = "N", .min = 0, .max = 65535,
	  .help = "the first queue (add: chosen by the driver unless given)" },
	{ .name = "num", .short_name = 'n', .type = OPT_NUMBER, .value = "N", .min = 1, .max = 65535,
	  .help = "how many queues (default 1)" },
	{ .name = "mode", .short_name = 'm', .type = OPT_STRING, .value = "mm|st", .words = "mm st",
	  .help = "memory-mapped or streaming" },
	{ .name = "dir", .short_name = 'd', .type = OPT_STRING, .value = "h2c|c2h|bi", .words = "h2c c2h bi",
	  .help = "the direction" },
	{ .name = "range", .short_name = 'R', .type = OPT_STRING, .value = "A-B", .help = "list or dump queues A to B" },
	{ .name = NULL },
};
static const struct cli_arg a_words[] = {
	{ .name = "WORD", .kind = ARG_WORD, .optional = true, .repeats = true }, { .name = NULL },
};

static const struct cli_command commands[] = {
	{ .name = "console", .run = cmd_console, .options = no_options,
	  .summary = "the interactive console (? inside lists the keys)" },
	{ .name = "status", .run = cmd_status, .options = o_status,
	  .summary = "the FPGA -> PF -> VF tree and the VMs" },
	{ .name = "monitor", .run = cmd_monitor, .options = json_option,
	  .summary = "print every change of the model as devices and VMs come and go" },
	{ .name = "attach", .run = cmd_attach, .args = a_attach, .options = o_attach, .flags = CMD_MUTATES,
	  .summary = "pass a VF to a VM as a managed PCI hostdev" },
	{ .name = "detach", .run = cmd_detach, .args = a_detach, .options = o_detach, .flags = CMD_MUTATES,
	  .summary = "take a VF back from its VM" },
	{ .name = "init", .run = cmd_init, .args = a_init, .options = dry_run_only, .flags = CMD_MUTATES,
	  .summary = "apply the configured layout: queue budgets, VF count, VF drivers, VF assignments" },
	{ .name = "reconf", .run = cmd_reconf, .args = a_pf, .options = o_reconf, .flags = CMD_MUTATES,
	  .summary = "change a PF's VF count or queue budgets while VMs run" },
	{ .name = "bind", .run = cmd_driver, .args = a_bind, .options = dry_run_only, .flags = CMD_MUTATES,
	  .summary = "move a function to a driver" },
	{ .name = "unbind", .run = cmd_driver, .args = a_function, .options = dry_run_only, .flags = CMD_MUTATES,
	  .summary = "unbind a function from its driver" },
	{ .name = "pause", .run = cmd_pause, .args = a_vf, .options = dry_run_only, .flags = CMD_MUTATES,
	  .summary = "pause a VF in its VM (QMP device_pause; needs the SVFF-patched QEMU, detected per VM)" },
	{ .name = "unpause", .run = cmd_pause, .args = a_vf, .options = dry_run_only, .flags = CMD_MUTATES,
	  .summary = "unpause a VF in its VM" },
	{ .name = "queues", .run = cmd_queues, .args = a_queues, .options = o_queues, .mutates = queues_mutate,
	  .summary = "QDMA queues over the driver's netlink (root only)" },
	{ .name = "vm-suspend", .run = cmd_vm, .args = a_vm, .options = no_options, .flags = CMD_MUTATES,
	  .summary = "suspend a whole VM (not the VF pause)" },
	{ .name = "vm-resume", .run = cmd_vm, .args = a_vm, .options = no_options, .flags = CMD_MUTATES,
	  .summary = "resume a suspended VM" },
	{ .name = "__synopsis", .run = cmd_synopsis, .options = no_options, .flags = CMD_HIDDEN | CMD_NO_CONTEXT,
	  .summary = "every command's synopsis, as the man page lists them" },
	{ .name = "__table", .run = cmd_table, .options = no_options, .flags = CMD_HIDDEN | CMD_NO_CONTEXT,
	  .summary = "the command table, for shell completion" },
	{ .name = "__complete", .run = cmd_complete, .args = a_words, .options = no_options,
	  .flags = CMD_HIDDEN | CMD_RAW, .summary = "the words that complete a command line" },
	{ .name = NULL },
};

/* ---- dispatch ------------------------------------------------------------------------------------------- */

int cli_run(const struct cli_opts *opts)
{
	const struct cli_command *cmd = find_command(opts->argv[0]);
	struct cli_call c = { .opts = opts, .cmd = cmd };
	const struct context_face face = { .journal = cli_journal, .warn = cli_warn, .data = &c };
	struct svff_err err = { 0 };
	int rc;

	if (!cmd) {
		const char *near = suggest_command(opts->argv[0]);

		char list[512] = "";

		for (const struct cli_command *k = commands; k->name; k++)
			if (!(k->flags & CMD_HIDDEN))
				append(list, sizeof(list), "%s%s", list[0] ? ", " : "", k->name);
		if (near)
			report_fail("unknown command '%s': did you mean %s? (see 'svff --help')", opts->argv[0], near);
		else
			report_fail("unknown command '%s' (commands: %s; see 'svff --help')", opts->argv[0], list);
		return SVFF_EXIT_USAGE;
	}
	if (cmd->flags & CMD_RAW) {
		c.rest = opts->argv + 1;
		c.n_rest = (size_t)opts->argc - 1;
	} else if ((rc = parse(&c))) {
		return rc < 0 ? SVFF_EXIT_OK : rc;
	}
	if (!(cmd->flags & CMD_NO_CONTEXT)) {
		if (context_new(&opts->ctx, &c.ctx, &err) < 0) {
			report_error(&err);
			return SVFF_EXIT_USAGE;
		}
		for (size_t i = 0; i < context_config(c.ctx)->warnings.len && !(cmd->flags & CMD_RAW); i++)
			report_warning("%s", context_config(c.ctx)->warnings.items[i]);
		context_set_face(c.ctx, &face);
	}
	if (opts->ctx.read_only && mutates(&c)) {
		report_fail("%s changes the host, and svff runs with --read-only: nothing was done", cmd->name);
		rc = SVFF_EXIT_FAIL;
	} else {
		rc = cmd->run(&c);
	}
	context_free(c.ctx);
	return rc;
}
