/* svff — SR-IOV Virtual Function Framework console and command line: the
 * global options, the demo lab and the tour, then the command (cli.c). */
#include "config.h"

#include <getopt.h>
#include <stdbool.h>
#include <locale.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "script.h"
#include "lab/demolab.h"

static const struct option longopts[] = {
	{ "sysfs-root", required_argument, NULL, 's' },
	{ "connect", required_argument, NULL, 'c' },
	{ "config", required_argument, NULL, 'f' },
	{ "theme", required_argument, NULL, 't' },
	{ "event-fifo", required_argument, NULL, 'E' },
	{ "log", required_argument, NULL, 'L' },
	{ "read-only", no_argument, NULL, 'r' },
	{ "demo", no_argument, NULL, 'D' },
	{ "script", required_argument, NULL, 'S' },
	{ "bench-first-frame", no_argument, NULL, 'B' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: svff [OPTIONS] COMMAND [ARGS]\n"
		"\n"
		"Shows the FPGAs (Xilinx/AMD QDMA), SR-IOV physical and virtual functions of\n"
		"this host and manages them.\n"
		"\n"
		"Without a command, svff starts the console on a terminal and prints\n"
		"`status` otherwise.  'svff COMMAND --help' describes a command.\n"
		"\n"
		"Commands:\n");
	cli_print_commands(out);
	fprintf(out,
		"\n"
		"Options:\n"
		"  -s, --sysfs-root DIR      read the host from DIR instead of /sys\n"
		"  -c, --connect URI         libvirt URI (default: the config's libvirt.uri,\n"
		"                            else qemu:///system)\n"
		"  -f, --config FILE         configuration file (default /etc/svff/svff.conf)\n"
		"  -r, --read-only           inspect only: refuse every command that changes something\n"
		"  -t, --theme NAME          console theme: default, light, high-contrast, monochrome\n"
		"                            (or a path to a .theme file)\n"
		"      --log FILE            append every change svff makes to FILE (syslog always)\n"
		"      --demo                the demo lab: a simulated host with two QDMA FPGAs, an\n"
		"                            SR-IOV NIC and six VMs, in a temporary folder removed\n"
		"                            on exit (no root, FPGA or libvirtd needed)\n"
		"      --script FILE         with --demo: replay a scripted tour (see svff(1))\n"
		"      --bench-first-frame   (bench/run) run the console until its first complete\n"
		"                            frame (VMs shown), print how long the first frame and\n"
		"                            that one took after main() and after exec, exit\n"
		"      --event-fifo PATH     read device events (\"ACTION BDF\" lines) from a FIFO:\n"
		"                            the event source for --sysfs-root trees\n"
		"  -h, --help                show this help and exit\n"
		"  -V, --version             show the version and exit\n"
		"\n"
		"Exit status: 0 success, 1 the command failed, 2 bad usage or configuration,\n"
		"3 the host or libvirt could not be reached (e.g. a --sysfs-root that is not sysfs).\n"
		"See svff(1).\n");
}

/* getopt's own words would come without svff's prefix: svff says it.
 * c is what getopt returned (':' a value is missing, '?' otherwise). */
static int bad_option(const char *word, int c, int opt)
{
	const char *names[sizeof(longopts) / sizeof(longopts[0])], *near;
	char name[64];
	size_t n = 0;

	if (strncmp(word, "--", 2)) {
		if (c == ':')
			fprintf(stderr, "svff: -%c needs a value\n", opt);
		else
			fprintf(stderr, "svff: unknown option '-%c'\n", opt);
	} else {
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(word + 2, "="), word + 2);
		for (const struct option *o = longopts; o->name; o++)
			names[n++] = o->name;
		if (c == ':')
			fprintf(stderr, "svff: --%s needs a value\n", name);
		else if (opt)
			fprintf(stderr, "svff: --%s takes no value\n", name);
		else if ((near = cli_suggest(name, names, n)))
			fprintf(stderr, "svff: unknown option '--%s'; did you mean --%s?\n", name, near);
		else
			fprintf(stderr, "svff: unknown option '--%s'\n", name);
	}
	fprintf(stderr, "Try 'svff --help'.\n");
	return SVFF_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	struct cli_opts opts = { .ctx = { .sysfs_root = "/sys" } };
	struct timespec ts;
	struct svff_demolab *lab = NULL;
	struct script *tour = NULL;
	bool demo = false, sysfs_given = false;
	int c, rc;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	opts.console.t0_ms = (double)ts.tv_sec * 1000 + (double)ts.tv_nsec / 1e6;
	setlocale(LC_ALL, "");
	/* libvirt's own log goes to stderr by default (in-process drivers such
	 * as qemu:///embed are chatty) and would tear the console; svff reports
	 * libvirt's errors itself.  A user's LIBVIRT_LOG_OUTPUTS still wins. */
	setenv("LIBVIRT_LOG_OUTPUTS", "1:file:/dev/null", 0);
	opterr = 0;
	/* "+": options end at the subcommand, which parses its own; ":":
	 * a missing value is told from an unknown option. */
	while ((c = getopt_long(argc, argv, "+:s:c:f:rt:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			opts.ctx.sysfs_root = optarg;
			sysfs_given = true;
			break;
		case 'c':
			opts.ctx.uri = optarg;
			break;
		case 'f':
			opts.ctx.config = optarg;
			break;
		case 't':
			opts.console.theme = optarg;
			break;
		case 'E':
			opts.ctx.event_fifo = optarg;
			break;
		case 'L':
			opts.ctx.log = optarg;
			break;
		case 'r':
			opts.ctx.read_only = true;
			break;
		case 'D':
			demo = true;
			break;
		case 'S':
			opts.console.script = optarg;
			break;
		case 'B':
			opts.console.bench_first_frame = true;
			break;
		case 'h':
			usage(stdout);
			return SVFF_EXIT_OK;
		case 'V':
			printf("svff %s\n", PACKAGE_VERSION);
			return SVFF_EXIT_OK;
		default:
			return bad_option(argv[optind - 1], c, optopt);
		}
	}
	if (optind >= argc) {
		/* On a terminal the console, in a pipe or a script the tree. */
		static char *console_argv[] = { "console", NULL };
		static char *status_argv[] = { "status", NULL };

		opts.argc = 1;
		opts.argv = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) ? console_argv : status_argv;
	} else {
		opts.argc = argc - optind;
		opts.argv = argv + optind;
	}
	if (opts.console.script && !demo) {
		fprintf(stderr, "svff: --script replays a tour of the demo lab: use it with --demo\n");
		return SVFF_EXIT_USAGE;
	}
	if (opts.console.script) {
		struct svff_err err = { 0 };

		/* a broken tour is refused before a lab is built */
		if (script_load(opts.console.script, &tour, &err) < 0) {
			report_error(&err);
			return SVFF_EXIT_USAGE;
		}
		if (strcmp(opts.argv[0], "console")) {
			fprintf(stderr, "svff: --script types into the console, which needs a terminal%s\n",
				optind < argc ? " (and no command, or 'console')" : "");
			script_free(tour);
			return SVFF_EXIT_USAGE;
		}
		opts.console.tour = tour;
	}
	if (demo) {
		struct svff_err err = { 0 };
		sigset_t mask;

		if (sysfs_given || opts.ctx.uri || opts.ctx.config) {
			fprintf(stderr, "svff: --demo brings its own host, libvirt and configuration: drop "
				"--sysfs-root, --connect and --config\n");
			script_free(tour);
			return SVFF_EXIT_USAGE;
		}
		/* Signals wait until the console (or monitor) reads them, so the
		 * lab folder is removed on Ctrl-C too. */
		sigemptyset(&mask);
		sigaddset(&mask, SIGINT);
		sigaddset(&mask, SIGTERM);
		sigaddset(&mask, SIGHUP);
		sigprocmask(SIG_BLOCK, &mask, NULL);
		if (svff_demolab_new(&lab, &err) < 0) {
			report_error(&err);
			script_free(tour);
			return SVFF_EXIT_ENV;
		}
		opts.ctx.demo = lab;
		opts.ctx.sysfs_root = svff_demolab_sysfs(lab);
		opts.ctx.uri = svff_demolab_uri(lab);
		opts.ctx.config = svff_demolab_config(lab);
	}
	rc = cli_run(&opts);
	svff_demolab_free(lab);
	script_free(tour);
	return rc;
}
