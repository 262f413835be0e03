#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "svff/config.h"

struct loader {
	struct svff_config *cfg;
	struct svff_err *err;
	const char *file;
};

static int bad(struct loader *ld, const config_setting_t *s, const char *what)
{
	const config_setting_t *p;
	char buf[256] = "";

	/* the setting's full name, e.g. pfs.[1].num_vfs */
	for (p = s; p && config_setting_parent(p); p = config_setting_parent(p)) {
		char part[96];

		if (config_setting_name(p))
			snprintf(part, sizeof(part), "%s%s%s", config_setting_name(p), buf[0] ? "." : "", buf);
		else
			snprintf(part, sizeof(part), "[%d]%s%s", config_setting_index(p), buf[0] ? "." : "", buf);
		snprintf(buf, sizeof(buf), "%s", part);
	}
	return svff_err_set(ld->err, EINVAL, "%s:%d: %s: %s", ld->file, config_setting_source_line(s),
			    buf, what);
}

static void unknown(struct loader *ld, const config_setting_t *s)
{
	svff_strlist_add(&ld->cfg->warnings, "%s:%d: unknown setting '%s' (ignored; see svff.conf.example)",
			 ld->file, config_setting_source_line(s), config_setting_name(s));
}

static int get_string(struct loader *ld, const config_setting_t *s, char *buf, size_t len)
{
	const char *v;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return bad(ld, s, "expected a string in double quotes");
	v = config_setting_get_string(s);
	if (strlen(v) >= len)
		return bad(ld, s, "too long");
	snprintf(buf, len, "%s", v);
	return 0;
}

static int get_int(struct loader *ld, const config_setting_t *s, long lo, long hi, long *out)
{
	char what[96];
	long long v;

	if (config_setting_type(s) != CONFIG_TYPE_INT && config_setting_type(s) != CONFIG_TYPE_INT64) {
		snprintf(what, sizeof(what), "expected a whole number from %ld to %ld", lo, hi);
		return bad(ld, s, what);
	}
	v = config_setting_get_int64(s);
	if (v < lo || v > hi) {
		snprintf(what, sizeof(what), "%lld is out of range: expected %ld to %ld", v, lo, hi);
		return bad(ld, s, what);
	}
	*out = (long)v;
	return 0;
}

static int get_bdf(struct loader *ld, const config_setting_t *s, char *buf)
{
	struct svff_bdf b;
	char tmp[64];
	int rc = get_string(ld, s, tmp, sizeof(tmp));

	if (rc < 0)
		return rc;
	if (svff_bdf_parse(tmp, &b) < 0)
		return bad(ld, s, "expected a PCI address such as \"0000:01:00.0\"");
	svff_bdf_format(&b, buf, SVFF_BDF_LEN);
	return 0;
}

static int load_allow(struct loader *ld, const config_setting_t *list)
{
	int n = config_setting_length(list);

	if (config_setting_type(list) != CONFIG_TYPE_LIST && config_setting_type(list) != CONFIG_TYPE_ARRAY)
		return bad(ld, list, "expected a list such as ( \"0000:01:00.0\", \"10ee:903f\", \"10ee:*\" )");
	ld->cfg->allow = calloc((size_t)n + 1, sizeof(*ld->cfg->allow));
	if (!ld->cfg->allow)
		return svff_err_set(ld->err, ENOMEM, "out of memory");
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
		struct svff_allow *a = &ld->cfg->allow[ld->cfg->n_allow];
		unsigned v, d;
		char s[64], star;
		int rc = get_string(ld, e, s, sizeof(s)), k = 0;

		if (rc < 0)
			return rc;
		if (svff_bdf_parse(s, &a->bdf) == 0) {
			a->by_id = false;
		} else if (sscanf(s, "%4x:%4x%n", &v, &d, &k) == 2 && !s[k] && strlen(s) == 9) {
			a->by_id = true;
			a->vendor = v;
			a->device = d;
		} else if (sscanf(s, "%4x:%c%n", &v, &star, &k) == 2 && star == '*' && !s[k] && strlen(s) == 6) {
			a->by_id = true;
			a->vendor = v;
			a->device = -1;
		} else {
			return bad(ld, e, "expected a PCI address (\"0000:01:00.0\") or an ID "
				   "(\"10ee:903f\", or \"10ee:*\" for every device of a vendor)");
		}
		ld->cfg->n_allow++;
	}
	return 0;
}

static int load_pfs(struct loader *ld, const config_setting_t *list)
{
	int n = config_setting_length(list), rc;

	if (config_setting_type(list) != CONFIG_TYPE_LIST)
		return bad(ld, list, "expected a list of groups: ( { pf = \"0000:01:00.0\"; num_vfs = 4; } )");
	ld->cfg->pfs = calloc((size_t)n + 1, sizeof(*ld->cfg->pfs));
	if (!ld->cfg->pfs)
		return svff_err_set(ld->err, ENOMEM, "out of memory");
	for (int i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i), *s;
		struct svff_pf_layout *l = &ld->cfg->pfs[i];

		if (config_setting_type(g) != CONFIG_TYPE_GROUP)
			return bad(ld, g, "expected a group { pf = \"...\"; ... }");
		l->num_vfs = l->qmax = l->vf_qmax = -1;
		l->line = config_setting_source_line(g);
		if (!(s = config_setting_get_member(g, "pf")))
			return bad(ld, g, "missing pf = \"<PCI address>\"");
		for (int k = 0; k < config_setting_length(g); k++) {
			const char *name;

			s = config_setting_get_elem(g, (unsigned)k);
			name = config_setting_name(s);
			if (!strcmp(name, "pf"))
				rc = get_bdf(ld, s, l->pf);
			else if (!strcmp(name, "num_vfs"))
				rc = get_int(ld, s, 0, 4096, &l->num_vfs);
			else if (!strcmp(name, "qmax"))
				rc = get_int(ld, s, 0, 4096, &l->qmax);
			else if (!strcmp(name, "vf_qmax"))
				rc = get_int(ld, s, 0, 4096, &l->vf_qmax);
			else if (!strcmp(name, "vf_driver"))
				rc = get_string(ld, s, l->vf_driver, sizeof(l->vf_driver));
			else {
				unknown(ld, s);
				rc = 0;
			}
			if (rc < 0)
				return rc;
		}
		for (int k = 0; k < i; k++)
			if (!strcmp(ld->cfg->pfs[k].pf, l->pf))
				return bad(ld, config_setting_get_member(g, "pf"), "this PF is already laid out above");
		ld->cfg->n_pfs++;
	}
	return 0;
}

static int load_assign(struct loader *ld, const config_setting_t *list)
{
	int n = config_setting_length(list), rc;

	if (config_setting_type(list) != CONFIG_TYPE_LIST)
		return bad(ld, list, "expected a list of groups: ( { vf = \"0000:01:00.4\"; vm = \"name\"; } )");
	ld->cfg->assign = calloc((size_t)n + 1, sizeof(*ld->cfg->assign));
	if (!ld->cfg->assign)
		return svff_err_set(ld->err, ENOMEM, "out of memory");
	for (int i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i), *s;
		struct svff_assignment *a = &ld->cfg->assign[i];

		if (config_setting_type(g) != CONFIG_TYPE_GROUP)
			return bad(ld, g, "expected a group { vf = \"...\"; vm = \"...\"; }");
		a->line = config_setting_source_line(g);
		if (!config_setting_get_member(g, "vf") || !config_setting_get_member(g, "vm"))
			return bad(ld, g, "needs both vf = \"<PCI address>\" and vm = \"<VM name>\"");
		for (int k = 0; k < config_setting_length(g); k++) {
			const char *name;

			s = config_setting_get_elem(g, (unsigned)k);
			name = config_setting_name(s);
			if (!strcmp(name, "vf"))
				rc = get_bdf(ld, s, a->vf);
			else if (!strcmp(name, "vm"))
				rc = get_string(ld, s, a->vm, sizeof(a->vm));
			else {
				unknown(ld, s);
				rc = 0;
			}
			if (rc < 0)
				return rc;
		}
		for (int k = 0; k < i; k++)
			if (!strcmp(ld->cfg->assign[k].vf, a->vf))
				return bad(ld, config_setting_get_member(g, "vf"),
					   "this VF is already assigned above (one VM per VF)");
		ld->cfg->n_assign++;
	}
	return 0;
}

static int load_group(struct loader *ld, const config_setting_t *g, const char *const *keys,
		      char *const *bufs, const size_t *lens)
{
	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return bad(ld, g, "expected a group { ... }");
	for (int k = 0; k < config_setting_length(g); k++) {
		const config_setting_t *s = config_setting_get_elem(g, (unsigned)k);
		size_t i;

		for (i = 0; keys[i]; i++)
			if (!strcmp(config_setting_name(s), keys[i]))
				break;
		if (!keys[i]) {
			unknown(ld, s);
			continue;
		}
		if (get_string(ld, s, bufs[i], lens[i]) < 0)
			return -ld->err->code;
	}
	return 0;
}

/* ui = { theme = "..."; keys = { attach = "A"; ... }; } */
static int load_ui(struct loader *ld, const config_setting_t *g)
{
	struct svff_config *cfg = ld->cfg;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return bad(ld, g, "expected a group { ... }");
	for (int k = 0; k < config_setting_length(g); k++) {
		const config_setting_t *s = config_setting_get_elem(g, (unsigned)k);

		if (!strcmp(config_setting_name(s), "theme")) {
			if (get_string(ld, s, cfg->theme, sizeof(cfg->theme)) < 0)
				return -ld->err->code;
		} else if (!strcmp(config_setting_name(s), "keys")) {
			if (config_setting_type(s) != CONFIG_TYPE_GROUP)
				return bad(ld, s, "expected a group of action = \"key\"; pairs, e.g. keys = { attach = \"A\"; }");
			free(cfg->keys);
			cfg->n_keys = 0;
			cfg->keys = calloc((size_t)config_setting_length(s) + 1, sizeof(*cfg->keys));
			if (!cfg->keys)
				return svff_err_set(ld->err, ENOMEM, "out of memory");
			for (int i = 0; i < config_setting_length(s); i++) {
				const config_setting_t *b = config_setting_get_elem(s, (unsigned)i);
				struct svff_keybinding *kb = &cfg->keys[cfg->n_keys];

				if (get_string(ld, b, kb->key, sizeof(kb->key)) < 0)
					return -ld->err->code;
				snprintf(kb->action, sizeof(kb->action), "%s", config_setting_name(b));
				kb->line = config_setting_source_line(b);
				cfg->n_keys++;
			}
		} else {
			unknown(ld, s);
		}
	}
	return 0;
}

struct svff_config *svff_config_new_empty(void)
{
	return calloc(1, sizeof(struct svff_config));
}

int svff_config_load(const char *path, bool must_exist, struct svff_config **out,
		     struct svff_err *err)
{
	struct svff_config *cfg = svff_config_new_empty();
	struct loader ld = { .cfg = cfg, .err = err, .file = path };
	config_setting_t *root;
	config_t c;
	FILE *f;
	int rc = 0;

	*out = NULL;
	if (!cfg)
		return svff_err_set(err, ENOMEM, "out of memory");
	f = fopen(path, "r");
	if (!f) {
		int e = errno;

		if (e == ENOENT && !must_exist) {
			*out = cfg;
			return 0;
		}
		svff_config_free(cfg);
		return svff_err_set(err, e, "%s: %s", path, strerror(e));
	}
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);
	config_init(&c);
	if (!config_read(&c, f)) {
		rc = svff_err_set(err, EINVAL, "%s:%d: %s", path, config_error_line(&c), config_error_text(&c));
		goto cleanup;
	}
	root = config_root_setting(&c);
	for (int i = 0; i < config_setting_length(root); i++) {
		config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
		const char *name = config_setting_name(s);

		if (!strcmp(name, "allow")) {
			rc = load_allow(&ld, s);
		} else if (!strcmp(name, "pfs")) {
			rc = load_pfs(&ld, s);
		} else if (!strcmp(name, "assign")) {
			rc = load_assign(&ld, s);
		} else if (!strcmp(name, "libvirt")) {
			static const char *const keys[] = { "uri", NULL };
			char *const bufs[] = { cfg->uri };
			const size_t lens[] = { sizeof(cfg->uri) };

			rc = load_group(&ld, s, keys, bufs, lens);
		} else if (!strcmp(name, "ui")) {
			rc = load_ui(&ld, s);
		} else {
			unknown(&ld, s);
		}
		if (rc < 0)
			goto cleanup;
	}
cleanup:
	config_destroy(&c);
	fclose(f);
	if (rc < 0) {
		svff_config_free(cfg);
		return rc;
	}
	*out = cfg;
	return 0;
}

void svff_config_free(struct svff_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->allow);
	free(cfg->pfs);
	free(cfg->assign);
	free(cfg->keys);
	svff_strlist_clear(&cfg->warnings);
	free(cfg);
}

static bool allows_one(const struct svff_config *cfg, const struct svff_function *fn)
{
	for (size_t i = 0; i < cfg->n_allow; i++) {
		const struct svff_allow *a = &cfg->allow[i];

		if (!a->by_id && !svff_bdf_cmp(&a->bdf, &fn->bdf))
			return true;
		if (a->by_id && a->vendor == fn->vendor && (a->device < 0 || a->device == fn->device))
			return true;
	}
	return false;
}

bool svff_config_allows(const struct svff_config *cfg, const struct svff_host *host,
			const struct svff_function *fn)
{
	const struct svff_function *pf;

	if (!cfg || !fn)
		return false;
	if (allows_one(cfg, fn))
		return true;
	pf = fn->role == SVFF_ROLE_VF ? svff_host_find(host, fn->physfn) : NULL;
	return pf && allows_one(cfg, pf);
}
