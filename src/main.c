/* svff — SR-IOV Virtual Function Framework console and command line. */
#include "config.h"

#include <getopt.h>
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

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: svff [OPTIONS] COMMAND [ARGS]\n"
		"\n"
		"Shows the FPGAs (Xilinx/AMD QDMA), SR-IOV physical and virtual functions of\n"
		"this host and manages them.\n"
		"\n"
		"Without a command, svff starts the console on a terminal and prints\n"
		"`status` otherwise.\n"
		"\n"
		"Commands:\n"
		"  console                   the interactive console (? inside lists the keys)\n"
		"  status [--json] [--all]   the FPGA -> PF -> VF tree and the VMs (--all: also\n"
		"                            devices without SR-IOV; --json: schema svff-status/1)\n"
		"  monitor [--json]          print inventory changes as devices come and go\n"
		"  attach VF VM [--live|--config|--both] [--dry-run]\n"
		"                            pass a VF to a VM as a managed PCI hostdev\n"
		"  detach VF [VM] [--live|--config|--both] [--timeout SEC] [--dry-run]\n"
		"                            take a VF back from its VM\n"
		"  init [PF...] [--dry-run]  apply the configured layout: queue budgets, VF count,\n"
		"                            VF drivers, VF assignments (all configured PFs by default)\n"
		"  reconf PF [--numvfs N] [--qmax Q] [--vf-qmax Q] [--yes] [--dry-run]\n"
		"                            change a PF's VF count or queue budgets while VMs run\n"
		"  bind FUNCTION DRIVER [--dry-run], unbind FUNCTION [--dry-run]\n"
		"                            move a function between drivers\n"
		"  pause VF [--dry-run], unpause VF [--dry-run]\n"
		"                            VF pause in its VM (QMP device_pause; needs the\n"
		"                            SVFF-patched QEMU, detected per VM)\n"
		"  queues FUNCTION list|dump|add|start|stop|del|info [--idx N] [--num N]\n"
		"         [--mode mm|st] [--dir h2c|c2h|bi] [--range A-B]\n"
		"                            QDMA queues over the driver's netlink (root only)\n"
		"  vm-suspend VM, vm-resume VM\n"
		"                            pause / resume a whole VM (not the VF pause)\n"
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

int main(int argc, char **argv)
{
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
	struct cli_opts opts = { .sysfs_root = "/sys" };
	struct timespec ts;
	struct svff_demolab *lab = NULL;
	struct script *tour = NULL;
	bool demo = false, sysfs_given = false;
	int c, rc;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	opts.t0_ms = (double)ts.tv_sec * 1000 + (double)ts.tv_nsec / 1e6;
	setlocale(LC_ALL, "");
	/* libvirt's own log goes to stderr by default (in-process drivers such
	 * as qemu:///embed are chatty) and would tear the console; svff reports
	 * libvirt's errors itself.  A user's LIBVIRT_LOG_OUTPUTS still wins. */
	setenv("LIBVIRT_LOG_OUTPUTS", "1:file:/dev/null", 0);
	/* "+": options end at the subcommand, which parses its own. */
	while ((c = getopt_long(argc, argv, "+s:c:f:rt:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			opts.sysfs_root = optarg;
			sysfs_given = true;
			break;
		case 'c':
			opts.uri = optarg;
			break;
		case 'f':
			opts.config = optarg;
			break;
		case 't':
			opts.theme = optarg;
			break;
		case 'E':
			opts.event_fifo = optarg;
			break;
		case 'L':
			opts.log = optarg;
			break;
		case 'r':
			opts.read_only = true;
			break;
		case 'D':
			demo = true;
			break;
		case 'S':
			opts.script = optarg;
			break;
		case 'B':
			opts.bench_first_frame = true;
			break;
		case 'h':
			usage(stdout);
			return SVFF_EXIT_OK;
		case 'V':
			printf("svff %s\n", PACKAGE_VERSION);
			return SVFF_EXIT_OK;
		default:
			fprintf(stderr, "Try 'svff --help'.\n");
			return SVFF_EXIT_USAGE;
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
	if (opts.script && !demo) {
		fprintf(stderr, "svff: --script replays a tour of the demo lab: use it with --demo\n");
		return SVFF_EXIT_USAGE;
	}
	if (opts.script) {
		struct svff_err err = { 0 };

		/* a broken tour is refused before a lab is built */
		if (script_load(opts.script, &tour, &err) < 0) {
			fprintf(stderr, "svff: %s\n", err.msg);
			return SVFF_EXIT_USAGE;
		}
		if (strcmp(opts.argv[0], "console")) {
			fprintf(stderr, "svff: --script types into the console, which needs a terminal%s\n",
				optind < argc ? " (and no command, or 'console')" : "");
			script_free(tour);
			return SVFF_EXIT_USAGE;
		}
		opts.tour = tour;
	}
	if (demo) {
		struct svff_err err = { 0 };
		sigset_t mask;

		if (sysfs_given || opts.uri || opts.config) {
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
			fprintf(stderr, "svff: %s\n", err.msg);
			script_free(tour);
			return SVFF_EXIT_ENV;
		}
		opts.demo = lab;
		opts.sysfs_root = svff_demolab_sysfs(lab);
		opts.uri = svff_demolab_uri(lab);
		opts.config = svff_demolab_config(lab);
	}
	rc = cli_run(&opts);
	svff_demolab_free(lab);
	script_free(tour);
	return rc;
}
