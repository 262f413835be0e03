/* svff — the run context: what one run of svff holds between its face
 * (the commands, the console) and the backend, in one place:
 *   - the configuration, read once;
 *   - whether the root is the host's /sys or a fixture tree, decided once
 *     (svff_sysfs_locate, by what the root resolves to), and so where
 *     svff keeps its own files: the lock, the paused VFs, the plan journal;
 *   - the host, and how it learns what happened: udev on the host, the
 *     --event-fifo or the kernel model on a tree;
 *   - libvirt's connection, in two halves so that it overlaps the scan;
 *   - one audit trail of every change (syslog, and --log FILE);
 *   - the lock around a plan that runs.
 * It is the only part of src/ that reaches into the backend's private
 * headers and into the lab (tests/check-layers checks both). */
#ifndef SVFF_CONTEXT_H
#define SVFF_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "svff/config.h"
#include "svff/error.h"
#include "svff/host.h"
#include "svff/ops.h"
#include "svff/virt.h"

struct svff_demolab;
struct svff_evsrc;

struct context_opts {
	const char *sysfs_root;		/* --sysfs-root, "/sys" by default */
	const char *uri;		/* --connect; NULL: the config's, then libvirt's default */
	const char *config;		/* --config; NULL: /etc/svff/svff.conf if it exists */
	bool read_only;			/* --read-only */
	const char *event_fifo;		/* --event-fifo: device events for a tree */
	const char *log;		/* --log FILE: every change appended */
	struct svff_demolab *demo;	/* --demo: the lab (main.c owns it), else NULL */
};

/* The files svff keeps for itself: in /run on the host, beside a tree
 * (its parent folder) otherwise. */
enum context_file {
	CONTEXT_FILE_LOCK,		/* /run/svff.lock: one svff changes the host at a time */
	CONTEXT_FILE_PAUSED,		/* /run/svff/paused: the VFs svff paused */
	CONTEXT_FILE_JOURNAL,		/* /run/svff/journal: the plan that runs, for a recovery */
};

/* How the host learns what happened (context_open_host). */
enum {
	CONTEXT_WATCH = 1,		/* changes made by others: udev, or the --event-fifo */
	CONTEXT_ANSWER = 2,		/* answers to svff's own writes: udev, or on a tree the
					 * kernel model (copying its events to the --event-fifo
					 * when nobody reads it here) */
};

/* What the context has to tell its face, which shows it in its way. */
struct context_face {
	const char *name;		/* "console": syslog says where a change came from */
	/* a plan's journal line as it runs (all kinds; the face picks) */
	void (*journal)(void *data, enum svff_journal_kind kind, const char *line);
	/* something the person should know, not an error of the operation */
	void (*warn)(void *data, const char *msg);
	void *data;
};

struct context;

/* Reads the configuration (errors: "file:line: ..."; its warnings are in
 * context_config()->warnings) and decides what the root is. */
int context_new(const struct context_opts *opts, struct context **out, struct svff_err *err);
void context_free(struct context *ctx);
void context_set_face(struct context *ctx, const struct context_face *face);

const struct context_opts *context_opts(const struct context *ctx);
const struct svff_config *context_config(const struct context *ctx);
/* --connect, else the config's libvirt.uri, else NULL (libvirt's default). */
const char *context_uri(const struct context *ctx);
/* The demo lab's folder, NULL without --demo. */
const char *context_demo_dir(const struct context *ctx);
/* The root is the host's own /sys (not a fixture tree). */
bool context_is_system(const struct context *ctx);
/* The path of one of svff's files (its folder created on the host). */
void context_file(const struct context *ctx, enum context_file which, char *buf, size_t len);

/* The host: scanned, with the event sources events asks for started
 * before the scan, so that nothing that appears meanwhile is missed. */
int context_open_host(struct context *ctx, unsigned events, struct svff_err *err);
/* Only what one VF's attach or detach looks at: the VF, its PF (the
 * allow-list) and the members of its IOMMU group, not a thousand others. */
int context_open_host_for(struct context *ctx, const char *vf, struct svff_err *err);
struct svff_host *context_host(const struct context *ctx);
/* Where device events come from, for the log: "udev", "kernel", "the
 * kernel model", ...; NULL when none is watched. */
const char *context_events_name(const struct context *ctx);
/* Keeps the host current from the event sources in the event loop;
 * on_error (may be NULL) hears about events that could not be applied. */
void context_watch(struct context *ctx, void (*on_error)(void *data, const struct svff_err *err), void *data);

/* libvirt, in two halves: begin starts connecting (in a thread; the event
 * loop is set up first), end waits for it, sets the demo's provider and
 * reads the paused VFs (a problem with their file goes to the face's
 * warn).  end gives 0 with context_virt() set, or -errno and why. */
int context_virt_begin(struct context *ctx, struct svff_err *err);
int context_virt_end(struct context *ctx, struct svff_err *err);
/* Readable when the connection is ready (poll it, then end without
 * waiting); -1 when nothing is pending or there is no thread. */
int context_virt_pending_fd(const struct context *ctx);
const char *context_virt_pending_uri(const struct context *ctx);
bool context_virt_pending(const struct context *ctx);
struct svff_virt *context_virt(const struct context *ctx);

/* The operations' context over this run's host, VMs, configuration,
 * events and journal. */
void context_ops(struct context *ctx, struct svff_ops_ctx *ops, int timeout_ms);

/* Every change svff makes, to syslog and to --log FILE. */
void context_audit(struct context *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Runs a plan under the lock, with its journal to syslog, --log and the
 * face.  (The intent journal that a crash leaves behind belongs here:
 * written under the lock before the first step, at CONTEXT_FILE_JOURNAL.) */
int context_run_plan(struct context *ctx, struct svff_plan *plan, int timeout_ms, struct svff_err *err);

#endif
