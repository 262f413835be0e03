/* svff — the operations as plans: a list of steps, shown by --dry-run,
 * logged when run, each checked after it runs, undone in reverse when a
 * later one fails, so that a failed operation leaves the host as it found
 * it.  Steps capture the state they change when they run (not when the
 * plan is made), so a plan can name VFs that do not exist yet. */
#ifndef SVFF_OPS_H
#define SVFF_OPS_H

#include <stdbool.h>
#include <stddef.h>

#include "svff/config.h"
#include "svff/devevent.h"
#include "svff/error.h"
#include "svff/host.h"
#include "svff/virt.h"

/* What a journal line is, so that each face picks what it shows by kind,
 * not by its words (the console leaves the sysfs writes and the closing
 * line to syslog). */
enum svff_journal_kind {
	SVFF_JOURNAL_NOTE,	/* the plan begins; a step failed; the undo */
	SVFF_JOURNAL_STEP,	/* a step begins */
	SVFF_JOURNAL_WRITE,	/* a sysfs write */
	SVFF_JOURNAL_CALL,	/* a call to libvirt or to QEMU's monitor */
	SVFF_JOURNAL_DONE,	/* the plan completed */
};

struct svff_ops_ctx {
	struct svff_host *host;
	struct svff_virt *virt;			/* NULL: no VM steps */
	const struct svff_config *cfg;		/* the allow-list and layouts */
	struct svff_evsrc *events;		/* how the host learns what happened */
	int timeout_ms;				/* per step, waiting for its effect */
	void (*log)(void *data, enum svff_journal_kind kind, const char *line);	/* the journal */
	void *log_data;
};

enum svff_step_kind {
	SVFF_STEP_QMAX,		/* write a function's qdma/qmax */
	SVFF_STEP_NUMVFS,	/* write a PF's sriov_numvfs (and wait for the VFs) */
	SVFF_STEP_DRIVER,	/* move a function (or a PF's VF n) to a driver */
	SVFF_STEP_ATTACH,	/* attach a PF's VF n to a VM */
	SVFF_STEP_DETACH,	/* detach a PF's VF n from its VM (live) */
	SVFF_STEP_PAUSE,	/* pause a PF's VF n in its VM (QMP), then release it on the host */
	SVFF_STEP_UNPAUSE,	/* bind a PF's VF n to vfio-pci, then unpause it in its VM */
	SVFF_STEP_AUTOPROBE,	/* a PF's sriov_drivers_autoprobe: 0, or back to what it was */
};

struct svff_step {
	enum svff_step_kind kind;
	char bdf[SVFF_BDF_LEN];		/* the function, or the PF for "VF n of" steps */
	long vf;			/* VF index, -1: bdf itself */
	long value;			/* QMAX, NUMVFS; AUTOPROBE: 0, or -1 "as step pair found it" */
	size_t pair;			/* AUTOPROBE -1: the step that turned it off */
	char driver[64];		/* DRIVER: "" means unbound */
	char vm[SVFF_NAME_LEN];		/* ATTACH */
	char desc[256];
	/* captured when run, for the undo */
	bool done;
	long long t_start, t_done;	/* monotonic ms when it began and completed */
	long old_value;
	char old_driver[64];
	char target[SVFF_BDF_LEN];
	struct svff_vf_state { char driver[64]; long qmax; } *old_vfs;
	size_t n_old_vfs;
};

struct svff_plan {
	char title[128];
	struct svff_step *steps;
	size_t n, cap;
	struct svff_strlist notes;	/* what the plan chose not to do, and why */
};

/* init: the config's layout for the named PFs (all configured PFs when
 * n_pfs is 0).  An empty plan means there is nothing to change. */
int svff_plan_init(struct svff_ops_ctx *ctx, char *const *pfs, size_t n_pfs, struct svff_plan *plan,
		   struct svff_err *err);
/* reconf: a PF's VF count and queue budgets while VMs use its VFs.  A VF
 * in a running VM whose QEMU has device_pause is paused and unpaused onto
 * the VF with the same index; in any other VM it is detached and
 * reattached (the guest sees a hot-unplug), which is refused unless
 * disturb is true.  -1 leaves a value. */
int svff_plan_reconf(struct svff_ops_ctx *ctx, const char *pf, long num_vfs, long qmax, long vf_qmax,
		     bool disturb, struct svff_plan *plan, struct svff_err *err);

/* pause VF / unpause VF (pause false). */
int svff_plan_pause(struct svff_ops_ctx *ctx, const char *vf, bool pause, struct svff_plan *plan,
		    struct svff_err *err);

/* A plan in words, for the person who confirms it, whichever face shows
 * it: the steps, numbered ("1. enable 3 VF(s) on ..."), and the warnings
 * that go with them (a guest that sees a hot-unplug first, then paused VFs
 * that stop working meanwhile, then what the plan chose not to do). */
struct svff_plan_text {
	struct svff_strlist steps;
	struct svff_strlist warnings;
	bool disturbs;			/* a guest sees a PCI hot-unplug */
};
void svff_plan_describe(const struct svff_plan *plan, struct svff_plan_text *text);
void svff_plan_text_clear(struct svff_plan_text *text);

/* After a run: per VM, which path its VF took and how long it was away
 * (pause to unpause, detach to reattach), one line each; lost assignments
 * too.  Returns the number of lines. */
size_t svff_plan_downtime(const struct svff_plan *plan, struct svff_strlist *lines);

/* bind FUNCTION DRIVER / unbind FUNCTION (driver "" unbinds). */
int svff_plan_driver(struct svff_ops_ctx *ctx, const char *bdf, const char *driver,
		     struct svff_plan *plan, struct svff_err *err);

/* Runs the plan; on failure undoes the completed steps in reverse and says
 * what failed and what was undone. */
int svff_plan_run(struct svff_ops_ctx *ctx, struct svff_plan *plan, struct svff_err *err);
void svff_plan_free(struct svff_plan *plan);

/* One lock for every svff that changes the host.  Fails at once (EAGAIN)
 * with the holder's pid when another svff holds it. */
int svff_lock_acquire(const char *path, int *fd, struct svff_err *err);
void svff_lock_release(int fd);

/* Applies every event waiting in src to the host. */
void svff_ops_sync(struct svff_ops_ctx *ctx);

#endif
