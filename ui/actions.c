/* svff — what each console action does: the checks on the selection,
 * the dialog it opens, the call through ui_ops once confirmed, and the
 * result in the log.  Errors come in the console's words: its keys where
 * the command line would name a command. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "console_int.h"

/* An error in the console's words: the backend's sentence, and what to
 * press where the command line would name a command. */
static const char *err_text(const struct ui_console *c, const struct svff_err *e, char *buf, size_t len)
{
	char key[16];

	switch (e->hint) {
	case SVFF_HINT_DETACH:
		ui_key_label(c->key[UI_ACTION_DETACH], key, sizeof(key));
		snprintf(buf, len, "%s (press %s on %s to detach it)", e->msg, key, e->subject);
		break;
	case SVFF_HINT_UNPAUSE:
		ui_key_label(c->key[UI_ACTION_UNPAUSE], key, sizeof(key));
		snprintf(buf, len, "%s (press %s on %s to unpause it)", e->msg, key, e->subject);
		break;
	default:
		/* the panes list the functions and VMs; the console asks before
		 * it disturbs a guest and changes running VMs only */
		snprintf(buf, len, "%s", e->msg);
		break;
	}
	return buf;
}

static const char *selected_vf(struct ui_console *c)
{
	return c->focus == P_VFS ? ui_console_selected(c, &ui_vf_pane) : NULL;
}

/* The VM an action on VMs means: the selected VM, or the selected VF's. */
static const char *selected_vm(struct ui_console *c)
{
	const char *vf;
	const struct svff_vm *vm;

	if (c->focus == P_VMS)
		return ui_console_selected(c, &ui_vm_pane);
	vf = ui_console_selected(c, &ui_vf_pane);
	vm = vf && c->virt ? svff_virt_vm_of(c->virt, vf, NULL) : NULL;
	return vm ? vm->name : NULL;
}

/* The PF an action on PFs means: the selected PF, or the selected VF's. */
static const char *selected_pf(struct ui_console *c)
{
	const char *vf;
	const struct svff_function *fn;

	if (c->focus == P_PFS)
		return ui_console_selected(c, &ui_pf_pane);
	if (c->focus == P_VFS && (vf = ui_console_selected(c, &ui_vf_pane)) &&
	    (fn = svff_host_find(c->host, vf)) && fn->physfn[0])
		return fn->physfn;
	return NULL;
}

void ui_action_plan(struct ui_console *c, enum ui_action a, const char *target, long numvfs)
{
	const struct ui_plan_request rq = { .action = a, .target = target, .numvfs = numvfs };
	struct svff_plan_text text;
	struct svff_err err = { 0 };
	char msg[SVFF_ERR_MSG_MAX + 96], text_buf[4096];
	size_t off;
	int n = c->ops->plan(c->ctx, &rq, &text, &err);

	if (n < 0) {
		ui_console_log(c, UI_ERROR, "%s %s: %s", ui_action_info[a].name, target, err_text(c, &err, msg, sizeof(msg)));
		svff_plan_text_clear(&text);
		return;
	}
	if (n == 0) {
		ui_state_status(c, UI_INFO, "%s %s: nothing to do, the host already matches", ui_action_info[a].name, target);
		svff_plan_text_clear(&text);
		return;
	}
	snprintf(c->pending_vf, sizeof(c->pending_vf), "%s", target);
	c->confirm_num = numvfs;
	/* the warnings first: a long plan is cut at the bottom, they are not */
	off = (size_t)snprintf(text_buf, sizeof(text_buf), "%s %s: %d step(s)", ui_action_info[a].label, target, n);
	for (size_t i = 0; i < text.warnings.len && off < sizeof(text_buf); i++)
		off += (size_t)snprintf(text_buf + off, sizeof(text_buf) - off, "\n! %s", text.warnings.items[i]);
	for (size_t i = 0; i < text.steps.len && off < sizeof(text_buf); i++)
		off += (size_t)snprintf(text_buf + off, sizeof(text_buf) - off, "\n%s", text.steps.items[i]);
	svff_plan_text_clear(&text);
	ui_dialog_confirm(c, a, target, "%s", text_buf);
}

void ui_action_attach_to(struct ui_console *c, const char *vm)
{
	struct svff_strlist notes = { 0 };
	struct svff_err err = { 0 };
	char msg[SVFF_ERR_MSG_MAX + 96], warnings[2048] = "";
	size_t n = 0;

	/* dry run first: the plan and the warnings go in the confirmation */
	if (c->ops->attach(c->ctx, c->pending_vf, vm, true, &notes, &err) < 0) {
		ui_console_log(c, UI_ERROR, "attach %s to %s: %s", c->pending_vf, vm, err_text(c, &err, msg, sizeof(msg)));
		c->mode = M_NORMAL;
		svff_strlist_clear(&notes);
		return;
	}
	for (size_t i = 0; i < notes.len && n < sizeof(warnings); i++)
		n += (size_t)snprintf(warnings + n, sizeof(warnings) - n, "\n! %s", notes.items[i]);
	svff_strlist_clear(&notes);
	ui_dialog_confirm(c, UI_ACTION_ATTACH, vm, "Attach VF %s to VM %s\n(managed PCI hostdev)%s", c->pending_vf,
			  vm, warnings);
}

void ui_action_run_confirmed(struct ui_console *c)
{
	struct svff_strlist notes = { 0 };
	struct svff_err err = { 0 };
	char msg[SVFF_ERR_MSG_MAX + 96];
	int rc = 0;

	ui_dialog_close(c);
	switch (c->confirm_action) {
	case UI_ACTION_ATTACH:
		ui_console_log(c, UI_INFO, "attaching %s to %s ...", c->pending_vf, c->confirm_arg);
		ui_console_draw(c);
		rc = c->ops->attach(c->ctx, c->pending_vf, c->confirm_arg, false, &notes, &err);
		if (rc == 0)
			ui_console_log(c, UI_INFO, "attached %s to VM %s", c->pending_vf, c->confirm_arg);
		break;
	case UI_ACTION_DETACH:
		ui_console_log(c, UI_INFO, "detaching %s from %s (waiting for the guest) ...", c->pending_vf,
			       c->confirm_arg);
		ui_console_draw(c);
		rc = c->ops->detach(c->ctx, c->pending_vf, &err);
		if (rc == 0)
			ui_console_log(c, UI_INFO, "detached %s from VM %s", c->pending_vf, c->confirm_arg);
		break;
	case UI_ACTION_SUSPEND:
		rc = c->ops->vm_suspend(c->ctx, c->confirm_arg, &err);
		if (rc == 0)
			ui_console_log(c, UI_INFO, "suspended VM %s", c->confirm_arg);
		break;
	case UI_ACTION_INIT:
	case UI_ACTION_RECONF:
	case UI_ACTION_PAUSE:
	case UI_ACTION_UNPAUSE: {
		const struct ui_plan_request rq = {
			.action = c->confirm_action, .target = c->confirm_arg, .numvfs = c->confirm_num,
		};
		const char *what = ui_action_info[c->confirm_action].name;
		struct svff_strlist report = { 0 };

		ui_console_log(c, UI_INFO, "%s %s ...", what, c->confirm_arg);
		ui_console_draw(c);
		rc = c->ops->run(c->ctx, &rq, &report, &err);
		if (rc == 0) {
			ui_console_log(c, UI_INFO, "%s %s: done", what, c->confirm_arg);
			/* one log line per VM: which path its VF took, how long it was away */
			for (size_t i = 0; i < report.len; i++)
				ui_console_log(c, UI_INFO, "  %s", report.items[i]);
		}
		svff_strlist_clear(&report);
		break;
	}
	default:
		break;
	}
	if (rc < 0)
		ui_console_log(c, UI_ERROR, "%s", err_text(c, &err, msg, sizeof(msg)));
	svff_strlist_clear(&notes);
	ui_console_model_changed(c);
}

int ui_action_do(struct ui_console *c, enum ui_action a)
{
	struct svff_err err = { 0 };
	char msg[SVFF_ERR_MSG_MAX + 96];
	const char *vf, *vm;

	c->status[0] = '\0';
	if (a != UI_ACTION_NONE && ui_action_info[a].mutates && c->set.read_only) {
		ui_state_status(c, UI_WARNING, "%s is disabled: svff runs with --read-only", ui_action_info[a].name);
		return UI_REDRAW;
	}
	switch (a) {
	case UI_ACTION_HELP:
		ui_dialog_help(c);
		break;
	case UI_ACTION_QUIT:
		return UI_QUIT;
	case UI_ACTION_NEXT_PANE:
		c->focus = c->focus == P_VMS ? P_LOG : c->focus == P_LOG ? P_CARDS : c->focus + 1;
		break;
	case UI_ACTION_FILTER:
		if (c->focus == P_LOG || c->focus == P_DETAILS)
			c->focus = P_VFS;
		c->mode = M_FILTER;
		break;
	case UI_ACTION_ATTACH:
		if (!(vf = selected_vf(c)))
			ui_state_status(c, UI_WARNING, "attach: select a VF first (Tab to the VF pane)");
		else if (!c->virt || !svff_virt_connected(c->virt))
			ui_state_status(c, UI_ERROR, "attach: not connected to libvirt");
		else
			ui_dialog_picker(c, vf);
		break;
	case UI_ACTION_DETACH:
		vf = selected_vf(c);
		vm = selected_vm(c);
		if (!vf || !vm) {
			ui_state_status(c, UI_WARNING, "detach: select a VF that is in a VM");
			break;
		}
		snprintf(c->pending_vf, sizeof(c->pending_vf), "%s", vf);
		ui_dialog_confirm(c, UI_ACTION_DETACH, vm, "Detach VF %s from VM %s?\nThe guest sees a PCI hot-unplug and "
			"must release the device;\nsvff waits for it.", vf, vm);
		break;
	case UI_ACTION_SUSPEND:
		vm = selected_vm(c);
		if (!vm) {
			ui_state_status(c, UI_WARNING, "suspend: select a VM (or a VF that is in one)");
			break;
		}
		ui_dialog_confirm(c, UI_ACTION_SUSPEND, vm, "Suspend VM %s?\nIts vCPUs stop until it is resumed (S).", vm);
		break;
	case UI_ACTION_RESUME:
		vm = selected_vm(c);
		if (!vm) {
			ui_state_status(c, UI_WARNING, "resume: select a VM (or a VF that is in one)");
			break;
		}
		if (c->ops->vm_resume(c->ctx, vm, &err) < 0)
			ui_console_log(c, UI_ERROR, "%s", err_text(c, &err, msg, sizeof(msg)));
		else
			ui_console_log(c, UI_INFO, "resumed VM %s", vm);
		ui_console_model_changed(c);
		break;
	case UI_ACTION_INIT:
		if (!(vf = selected_pf(c))) {
			ui_state_status(c, UI_WARNING, "init: select a PF (or one of its VFs)");
			break;
		}
		ui_action_plan(c, a, vf, -1);
		break;
	case UI_ACTION_RECONF: {
		const struct svff_function *pf;

		if (!(vf = selected_pf(c)) || !(pf = svff_host_find(c->host, vf))) {
			ui_state_status(c, UI_WARNING, "reconf: select a PF (or one of its VFs)");
			break;
		}
		ui_dialog_prompt(c, pf->name, pf->sriov.num_vfs);
		break;
	}
	case UI_ACTION_QUEUES: {
		const char *fnb = c->focus == P_PFS ? ui_console_selected(c, &ui_pf_pane) :
				  c->focus == P_VFS ? ui_console_selected(c, &ui_vf_pane) : NULL;

		if (!fnb) {
			ui_state_status(c, UI_WARNING, "queues: select a PF or a VF");
			break;
		}
		if (c->ops->queues(c->ctx, fnb, c->message, sizeof(c->message), &err) < 0) {
			ui_console_log(c, UI_ERROR, "queues %s: %s", fnb, err_text(c, &err, msg, sizeof(msg)));
			break;
		}
		snprintf(msg, sizeof(msg), "QDMA queues of %s", fnb);
		ui_dialog_message(c, msg);
		break;
	}
	case UI_ACTION_PAUSE:
	case UI_ACTION_UNPAUSE:
		if (!(vf = selected_vf(c))) {
			ui_state_status(c, UI_WARNING, "%s: select a VF that a running VM holds (Tab to the VF pane)",
				   ui_action_info[a].name);
			break;
		}
		ui_action_plan(c, a, vf, -1);
		break;
	default:
		break;
	}
	c->dirty = true;
	return UI_HANDLED | UI_REDRAW;
}
