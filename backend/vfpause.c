/* VF pause over QMP: SVFF's patched QEMU releases a VFIO device's host
 * function on device_pause and reopens it (possibly a new function at the
 * same address) on unpause, so the guest never sees a hot-unplug.  Stock
 * QEMU lacks the command; svff asks (query-commands) and never emulates
 * pause by other means. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "virt_internal.h"
#include "virtlib.h"

struct support {
	char vm[SVFF_NAME_LEN];
	int id;				/* the VM's run: a restart may bring another QEMU */
	bool yes;
	char why[200];
};

struct paused {
	char bdf[SVFF_BDF_LEN];
	char vm[SVFF_NAME_LEN];
	char alias[64];
};

struct svff_vfpause {
	struct support *support;
	size_t n_support;
	struct paused *paused;
	size_t n_paused;
	char *path;
};

void svff_vfpause_free(struct svff_vfpause *p)
{
	if (!p)
		return;
	free(p->support);
	free(p->paused);
	free(p->path);
	free(p);
}

static struct svff_vfpause *state(struct svff_virt *virt)
{
	struct svff_vfpause **slot = svff_virt_pause_slot(virt);

	if (!*slot)
		*slot = calloc(1, sizeof(**slot));
	return *slot;
}

static int save(struct svff_vfpause *p, struct svff_err *err)
{
	char tmp[4200];
	FILE *f;

	if (!p->path)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.new", p->path);
	f = fopen(tmp, "we");
	if (!f)
		return svff_err_set(err, errno, "cannot write the pause state %s: %s", tmp, strerror(errno));
	fputs("# svff: VFs paused in their VMs (BDF VM ALIAS)\n", f);
	for (size_t i = 0; i < p->n_paused; i++) {
		char line[400];

		snprintf(line, sizeof(line), "%s %s %s\n", p->paused[i].bdf, p->paused[i].vm, p->paused[i].alias);
		fputs(line, f);
	}
	if (fclose(f) != 0 || rename(tmp, p->path) < 0) {
		int e = errno;

		unlink(tmp);
		return svff_err_set(err, e, "cannot write the pause state %s: %s", p->path, strerror(e));
	}
	return 0;
}

int svff_virt_set_pause_file(struct svff_virt *virt, const char *path, struct svff_err *err)
{
	struct svff_vfpause *p = state(virt);
	char line[512];
	FILE *f;

	if (!p)
		return svff_err_set(err, ENOMEM, "out of memory");
	free(p->path);
	p->path = strdup(path);
	p->n_paused = 0;
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : svff_err_set(err, errno, "cannot read the pause state %s: %s", path,
							 strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		struct paused e = { 0 };
		struct paused *n;

		if (line[0] == '#' || sscanf(line, "%12s %255s %63s", e.bdf, e.vm, e.alias) != 3)
			continue;
		n = realloc(p->paused, (p->n_paused + 1) * sizeof(*n));
		if (!n)
			break;
		p->paused = n;
		p->paused[p->n_paused++] = e;
	}
	fclose(f);
	return 0;
}

static struct paused *find_paused(const struct svff_vfpause *p, const char *bdf)
{
	for (size_t i = 0; p && i < p->n_paused; i++)
		if (!strcmp(p->paused[i].bdf, bdf))
			return &p->paused[i];
	return NULL;
}

bool svff_virt_vf_paused(const struct svff_virt *virt, const char *vf, const char **vm)
{
	struct svff_vfpause *p = *svff_virt_pause_slot((struct svff_virt *)virt);
	const struct svff_hostdev *hd = NULL;
	const struct svff_vm *holder;
	struct paused *e;
	struct svff_bdf b;
	char name[SVFF_BDF_LEN];

	if (svff_bdf_parse(vf, &b) < 0)
		return false;
	svff_bdf_format(&b, name, sizeof(name));
	e = find_paused(p, name);
	if (!e)
		return false;
	/* a record whose VM no longer runs with the device is history */
	holder = svff_virt_vm_of(virt, name, &hd);
	if (!holder || strcmp(holder->name, e->vm) || !hd->live || holder->id < 0)
		return false;
	if (vm)
		*vm = holder->name;
	return true;
}

/* {"return": ...} gives 0; {"error": {"class","desc"}} fills desc. */
static int qmp_result(const char *reply, struct json_object **ret, char *desc, size_t len)
{
	struct json_object *root = reply ? json_tokener_parse(reply) : NULL, *v, *e;

	*ret = NULL;
	if (!root || !json_object_is_type(root, json_type_object)) {
		snprintf(desc, len, "QEMU's reply is not QMP: %.80s", reply ? reply : "(nothing)");
		json_object_put(root);
		return -EPROTO;
	}
	if (json_object_object_get_ex(root, "return", &v)) {
		*ret = json_object_get(v);
		json_object_put(root);
		return 0;
	}
	if (json_object_object_get_ex(root, "error", &e)) {
		struct json_object *c = NULL, *d = NULL;

		json_object_object_get_ex(e, "class", &c);
		json_object_object_get_ex(e, "desc", &d);
		snprintf(desc, len, "%s (%s)", d ? json_object_get_string(d) : "no description",
			 c ? json_object_get_string(c) : "GenericError");
		json_object_put(root);
		return -EIO;
	}
	snprintf(desc, len, "QEMU's reply has neither return nor error: %.80s", reply);
	json_object_put(root);
	return -EPROTO;
}

int svff_virt_pause_supported(struct svff_virt *virt, const char *vmname, bool *yes, char *why, size_t len,
			      struct svff_err *err)
{
	struct svff_vfpause *p = state(virt);
	const struct svff_vm *vm = svff_virt_find_vm(virt, vmname);
	struct json_object *ret = NULL;
	struct support *s = NULL;
	char *reply = NULL, desc[300];
	struct svff_err merr = { 0 };
	int rc;

	*yes = false;
	if (!p)
		return svff_err_set(err, ENOMEM, "out of memory");
	if (!vm) {
		svff_err_set(err, ENOENT, "no VM named '%s'", vmname);
		return svff_err_hint(err, SVFF_HINT_LIST_VMS, NULL);
	}
	if (vm->id < 0) {
		snprintf(why, len, "VM %s is not running", vmname);
		return 0;
	}
	for (size_t i = 0; i < p->n_support; i++)
		if (!strcmp(p->support[i].vm, vmname))
			s = &p->support[i];
	if (s && s->id == vm->id) {
		*yes = s->yes;
		snprintf(why, len, "%s", s->why);
		return 0;
	}
	rc = svff_virt_monitor(virt, vmname, "{\"execute\":\"query-commands\"}", &reply, &merr);
	if (rc == -ENOTSUP) {
		snprintf(desc, sizeof(desc), "VM %s has no VFIO pause support (device_pause): %s", vmname, merr.msg);
	} else if (rc < 0) {
		return svff_err_set(err, merr.code, "%s", merr.msg);
	} else if ((rc = qmp_result(reply, &ret, desc, sizeof(desc))) < 0) {
		free(reply);
		return svff_err_set(err, -rc, "VM %s: query-commands failed: %s", vmname, desc);
	} else {
		snprintf(desc, sizeof(desc), "VM %s: this QEMU has no VFIO pause support (device_pause)", vmname);
		for (size_t i = 0; json_object_is_type(ret, json_type_array) && i < json_object_array_length(ret); i++) {
			struct json_object *name = NULL;

			if (json_object_object_get_ex(json_object_array_get_idx(ret, i), "name", &name) &&
			    !strcmp(json_object_get_string(name), "device_pause")) {
				*yes = true;
				snprintf(desc, sizeof(desc), "VM %s: QEMU has device_pause", vmname);
			}
		}
		json_object_put(ret);
	}
	free(reply);
	if (!s) {
		s = realloc(p->support, (p->n_support + 1) * sizeof(*s));
		if (!s)
			return svff_err_set(err, ENOMEM, "out of memory");
		p->support = s;
		s = &p->support[p->n_support++];
		snprintf(s->vm, sizeof(s->vm), "%s", vmname);
	}
	s->id = vm->id;
	s->yes = *yes;
	snprintf(s->why, sizeof(s->why), "%s", desc);
	snprintf(why, len, "%s", desc);
	return 0;
}

int svff_virt_pause_check(struct svff_virt *virt, const char *vf, bool pause, const struct svff_vm **vmp,
			  const struct svff_hostdev **hdp, struct svff_err *err)
{
	const struct svff_hostdev *hd = NULL;
	const struct svff_vm *vm;
	struct svff_bdf b;
	char name[SVFF_BDF_LEN], vmn[SVFF_NAME_LEN], why[300];
	bool yes;
	int rc;

	if (svff_bdf_parse(vf, &b) < 0)
		return svff_err_set(err, EINVAL, "'%s' is not a PCI address (expected e.g. 0000:01:00.4)", vf);
	svff_bdf_format(&b, name, sizeof(name));
	vm = svff_virt_vm_of(virt, name, &hd);
	if (!vm || !hd->live || vm->id < 0)
		return svff_err_set(err, ENOENT, "%s is not in a running VM: only a VF a guest holds can be %s", name,
				    pause ? "paused" : "unpaused");
	if (!hd->alias[0])
		return svff_err_set(err, EINVAL, "libvirt shows no alias for %s in VM %s, so svff cannot name the "
				    "device to QEMU", name, vm->name);
	if (pause && svff_virt_vf_paused(virt, name, NULL)) {
		svff_err_set(err, EALREADY, "%s is already paused in VM %s", name, vm->name);
		return svff_err_hint(err, SVFF_HINT_UNPAUSE, name);
	}
	if (!pause && !svff_virt_vf_paused(virt, name, NULL))
		return svff_err_set(err, EINVAL, "%s is not paused: nothing to unpause", name);
	/* asking QEMU may re-read the VM: look it up again afterwards */
	snprintf(vmn, sizeof(vmn), "%s", vm->name);
	if ((rc = svff_virt_pause_supported(virt, vmn, &yes, why, sizeof(why), err)) < 0)
		return rc;
	if (!yes)
		return svff_err_set(err, ENOTSUP, "%s; nothing was changed (pause needs the SVFF-patched QEMU, see "
				    "README)", why);
	vm = svff_virt_vm_of(virt, name, &hd);
	if (vmp)
		*vmp = vm;
	if (hdp)
		*hdp = hd;
	return 0;
}

int svff_virt_device_pause(struct svff_virt *virt, const char *vf, bool pause, struct svff_err *err)
{
	struct svff_vfpause *p = state(virt);
	const struct svff_hostdev *hd = NULL;
	const struct svff_vm *vm = NULL;
	struct json_object *cmd, *args, *ret = NULL;
	struct svff_bdf b;
	char name[SVFF_BDF_LEN], vmn[SVFF_NAME_LEN], alias[64], desc[300], *reply = NULL;
	struct paused *e;
	int rc;

	if (!p)
		return svff_err_set(err, ENOMEM, "out of memory");
	if ((rc = svff_virt_pause_check(virt, vf, pause, &vm, &hd, err)) < 0)
		return rc;
	svff_bdf_parse(vf, &b);
	svff_bdf_format(&b, name, sizeof(name));
	e = find_paused(p, name);
	snprintf(vmn, sizeof(vmn), "%s", vm->name);
	snprintf(alias, sizeof(alias), "%s", hd->alias);
	/* built with json-c so that no alias can break the command */
	cmd = json_object_new_object();
	args = json_object_new_object();
	json_object_object_add(cmd, "execute", json_object_new_string("device_pause"));
	json_object_object_add(args, "id", json_object_new_string(alias));
	json_object_object_add(args, "pause", json_object_new_boolean(pause));
	json_object_object_add(cmd, "arguments", args);
	rc = svff_virt_monitor(virt, vmn, json_object_to_json_string_ext(cmd, JSON_C_TO_STRING_PLAIN), &reply, err);
	json_object_put(cmd);
	if (rc < 0) {
		char why_failed[SVFF_ERR_MSG_MAX];

		/* err->msg is an argument: copy it out of the way first */
		snprintf(why_failed, sizeof(why_failed), "%s", err->msg);
		svff_virt_refresh_vm(virt, vmn);
		return svff_err_set(err, err->code, "%s %s (%s) failed: %s", pause ? "pausing" : "unpausing", name,
				    alias, why_failed);
	}
	rc = qmp_result(reply, &ret, desc, sizeof(desc));
	free(reply);
	json_object_put(ret);
	if (rc < 0)
		return svff_err_set(err, -rc, "QEMU of VM %s refused to %s %s (%s): %s", vmn, pause ? "pause" : "unpause",
				    name, alias, desc);
	if (pause) {
		if (!e) {
			e = realloc(p->paused, (p->n_paused + 1) * sizeof(*e));
			if (!e)
				return svff_err_set(err, ENOMEM, "out of memory");
			p->paused = e;
			e = &p->paused[p->n_paused++];
		}
		snprintf(e->bdf, sizeof(e->bdf), "%s", name);
		snprintf(e->vm, sizeof(e->vm), "%s", vmn);
		snprintf(e->alias, sizeof(e->alias), "%s", alias);
	} else if (e) {
		*e = p->paused[--p->n_paused];
	}
	return save(p, err);
}
