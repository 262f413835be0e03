/* svff — the console's dialogs: what each one holds when it opens (the
 * VMs to attach to, the plan to confirm, the count to type, a message);
 * draw.c draws them, console.c takes their keys. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "console_int.h"

void ui_dialog_confirm(struct ui_console *c, enum ui_action a, const char *arg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->confirm_text, sizeof(c->confirm_text), fmt, ap);
	va_end(ap);
	c->confirm_action = a;
	snprintf(c->confirm_arg, sizeof(c->confirm_arg), "%s", arg);
	c->mode = M_CONFIRM;
	c->dirty = true;
}

void ui_dialog_picker(struct ui_console *c, const char *vf)
{
	snprintf(c->pending_vf, sizeof(c->pending_vf), "%s", vf);
	ui_list_clear(&c->picker);
	for (size_t i = 0; i < svff_virt_n_vms(c->virt); i++) {
		const struct svff_vm *vm = svff_virt_vm(c->virt, i);
		struct ui_row *r = ui_list_add(&c->picker);

		if (!r)
			break;
		snprintf(r->key, sizeof(r->key), "%s", vm->name);
		snprintf(r->text, sizeof(r->text), "%-20.20s %-9s %zu VF(s)", vm->name,
			 svff_vm_state_name(vm->state), vm->n_hostdevs);
	}
	ui_list_finish(&c->picker, NULL);
	c->picker.sel = 0;
	c->mode = M_PICK;
	c->dirty = true;
}

void ui_dialog_prompt(struct ui_console *c, const char *pf, long now)
{
	snprintf(c->prompt_pf, sizeof(c->prompt_pf), "%s", pf);
	snprintf(c->prompt_buf, sizeof(c->prompt_buf), "%ld", now);
	c->mode = M_PROMPT;
	c->dirty = true;
}

void ui_dialog_message(struct ui_console *c, const char *title)
{
	snprintf(c->message_title, sizeof(c->message_title), " %s (any key closes) ", title);
	c->mode = M_MESSAGE;
	c->dirty = true;
}

void ui_dialog_help(struct ui_console *c)
{
	c->mode = M_HELP;
	c->dirty = true;
}

void ui_dialog_close(struct ui_console *c)
{
	c->mode = M_NORMAL;
	c->dirty = true;
}
