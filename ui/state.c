/* svff — the console's state: the model it shows, the selection that
 * decides what the panes below show, the status line, and the rows the
 * panes rebuild from the model. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "console_int.h"

/* ---- what panes ask ------------------------------------------------------------ */

const struct svff_host *ui_console_host(const struct ui_console *c)
{
	return c->host;
}

const struct svff_virt *ui_console_virt(const struct ui_console *c)
{
	return c->virt;
}

const char *ui_console_selected(const struct ui_console *c, const struct ui_pane_ops *pane)
{
	for (int i = 0; i < P_COUNT; i++) {
		if (c->panes[i].ops == pane) {
			const struct ui_row *r = ui_list_selected(&c->panes[i].list);

			return r ? r->key : NULL;
		}
	}
	return NULL;
}

void ui_detail(struct ui_list *out, enum svff_theme_element el, const char *fmt, ...)
{
	struct ui_row *r = ui_list_add(out);
	va_list ap;

	if (!r)
		return;
	va_start(ap, fmt);
	vsnprintf(r->text, sizeof(r->text), fmt, ap);
	va_end(ap);
	r->el = el;
}

const char *ui_vf_state(const struct ui_console *c, const struct svff_function *fn,
			enum svff_theme_element *el)
{
	const struct svff_hostdev *hd = NULL;
	const struct svff_vm *vm = c->virt ? svff_virt_vm_of(c->virt, fn->name, &hd) : NULL;

	if (vm && hd->live && svff_virt_vf_paused(c->virt, fn->name, NULL)) {
		*el = SVFF_EL_VF_PAUSED;
		return "paused";
	}
	if (vm && hd->live) {
		*el = SVFF_EL_VF_ATTACHED;
		return "attached";
	}
	if (vm) {
		*el = SVFF_EL_VF_VFIO;
		return "assigned";	/* in the VM's definition only */
	}
	if (!strcmp(fn->driver, "vfio-pci")) {
		*el = SVFF_EL_VF_VFIO;
		return "vfio";
	}
	*el = SVFF_EL_VF_FREE;
	return fn->driver[0] ? "host" : "free";
}

/* ---- the model and the status line ------------------------------------------------- */

void ui_console_set_model(struct ui_console *c, const struct svff_host *host,
			  const struct svff_virt *virt)
{
	c->host = host;
	c->virt = virt;
	if (virt)
		c->connecting[0] = '\0';
	ui_console_model_changed(c);
}

void ui_console_set_connecting(struct ui_console *c, const char *uri)
{
	snprintf(c->connecting, sizeof(c->connecting), "%s", uri ? uri : "");
	c->dirty = true;
}

void ui_console_model_changed(struct ui_console *c)
{
	c->rebuild = c->dirty = true;
}

void ui_state_status(struct ui_console *c, enum ui_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->status, sizeof(c->status), fmt, ap);
	va_end(ap);
	c->status_level = level;
	c->dirty = true;
}

void ui_state_rebuild(struct ui_console *c)
{
	/* in dependency order: cards, then the PFs of the selected card, ... */
	static const int order[] = { P_CARDS, P_VMS, P_PFS, P_VFS };

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		struct ui_pane *p = &c->panes[order[i]];
		const struct ui_row *sel = ui_list_selected(&p->list);
		char keep[64] = "";

		if (sel)
			snprintf(keep, sizeof(keep), "%s", sel->key);
		ui_list_clear(&p->list);
		if (c->host)
			p->ops->build(c, p);
		ui_list_finish(&p->list, keep);
	}
	c->rebuild = false;
}
