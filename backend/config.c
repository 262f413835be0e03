/* svff — the configuration file (svff/config.h), read with libconfig:
 * every setting checked, errors as "file:line: setting: what was expected",
 * unknown settings kept as warnings. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "svff/config.h"

struct loader {
	struct svff_config *cfg;
	struct svff_err *err;
	const char *file;
	const char *text;		/* the file's text, for what libconfig does not keep */
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

/* The number as the file writes it: libconfig keeps no text of a number,
 * and wraps one that does not fit (99999999999999999999 reads as -1). */
static bool source_number(const struct loader *ld, const config_setting_t *s, char *buf, size_t len)
{
	const char *p = ld->text, *name = config_setting_name(s), *start, *end;
	int line = config_setting_source_line(s);

	for (int l = 1; p && l < line; l++)
		if ((p = strchr(p, '\n')))
			p++;
	if (!p || !name)
		return false;
	start = p;
	end = p + strcspn(p, "\n");
	while ((p = strstr(p, name)) && p < end) {
		const char *q = p + strlen(name);
		bool inside = p > start && (isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '-');

		p = q;
		if (inside)
			continue;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != '=' && *q != ':')
			continue;
		size_t n;

		q++;
		while (*q == ' ' || *q == '\t')
			q++;
		n = strspn(q, "+-0123456789abcdefABCDEFxXL");
		if (n >= len)
			n = len - 1;
		memcpy(buf, q, n);
		buf[n] = '\0';
		return n > 0;
	}
	return false;
}

static int get_int(struct loader *ld, const config_setting_t *s, long lo, long hi, long *out)
{
	char what[160], text[64];
	long long v;

	if (config_setting_type(s) != CONFIG_TYPE_INT && config_setting_type(s) != CONFIG_TYPE_INT64) {
		snprintf(what, sizeof(what), "expected a whole number from %ld to %ld", lo, hi);
		return bad(ld, s, what);
	}
	v = config_setting_get_int64(s);
	if (source_number(ld, s, text, sizeof(text))) {
		char *end;
		long long w;

		errno = 0;
		w = strtoll(text, &end, 0);
		if (errno == ERANGE || w != v) {
			snprintf(what, sizeof(what), "%s is too %s: expected %ld to %ld", text,
				 text[0] == '-' ? "small" : "large", lo, hi);
			return bad(ld, s, what);
		}
	}
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

/* A list of groups, each one element of an array of structs (pfs,
 * assign): which members a group may have, where each goes, which are
 * required and which one no two groups may share. */
enum member_type { M_BDF, M_INT, M_STRING };

struct member {
	const char *name;
	enum member_type type;
	size_t off, len;		/* where it goes in the element; M_STRING: its size */
	long lo, hi;			/* M_INT */
};

struct group_list {
	const char *list_example;	/* for "expected a list of groups: ..." */
	const char *group_example;	/* for "expected a group ..." */
	const struct member *members;	/* NULL name ends them */
	const char *const *required;	/* NULL ends them */
	const char *missing;		/* said when a required member is missing */
	const char *key;		/* unique among the groups */
	const char *duplicate;		/* said when it is not */
	size_t size, line_off;		/* of an element; where its line goes */
	void (*init)(void *elem);	/* the defaults */
};

static int load_groups(struct loader *ld, const config_setting_t *list, const struct group_list *gl, void **out,
		       size_t *n_out)
{
	int n = config_setting_length(list), rc = 0;
	char what[160];
	char *elems;

	if (config_setting_type(list) != CONFIG_TYPE_LIST) {
		snprintf(what, sizeof(what), "expected a list of groups: %s", gl->list_example);
		return bad(ld, list, what);
	}
	elems = calloc((size_t)n + 1, gl->size);
	if (!elems)
		return svff_err_set(ld->err, ENOMEM, "out of memory");
	*out = elems;
	for (int i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
		char *e = elems + (size_t)i * gl->size;

		if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
			snprintf(what, sizeof(what), "expected a group %s", gl->group_example);
			return bad(ld, g, what);
		}
		if (gl->init)
			gl->init(e);
		*(int *)(e + gl->line_off) = config_setting_source_line(g);
		for (size_t r = 0; gl->required[r]; r++)
			if (!config_setting_get_member(g, gl->required[r]))
				return bad(ld, g, gl->missing);
		for (int k = 0; k < config_setting_length(g); k++) {
			const config_setting_t *s = config_setting_get_elem(g, (unsigned)k);
			const struct member *m;

			for (m = gl->members; m->name && strcmp(m->name, config_setting_name(s)); m++)
				;
			if (!m->name)
				unknown(ld, s);
			else if (m->type == M_BDF)
				rc = get_bdf(ld, s, e + m->off);
			else if (m->type == M_INT)
				rc = get_int(ld, s, m->lo, m->hi, (long *)(void *)(e + m->off));
			else
				rc = get_string(ld, s, e + m->off, m->len);
			if (rc < 0)
				return rc;
		}
		for (int k = 0; k < i; k++) {
			const struct member *key;

			for (key = gl->members; strcmp(key->name, gl->key); key++)
				;
			if (!strcmp(elems + (size_t)k * gl->size + key->off, e + key->off))
				return bad(ld, config_setting_get_member(g, gl->key), gl->duplicate);
		}
		(*n_out)++;
	}
	return 0;
}

static void pf_layout_init(void *elem)
{
	struct svff_pf_layout *l = elem;

	l->num_vfs = l->qmax = l->vf_qmax = -1;
}

#define PF_MEMBER(m) offsetof(struct svff_pf_layout, m)
#define AS_MEMBER(m) offsetof(struct svff_assignment, m)

static const struct member pf_members[] = {
	{ "pf", M_BDF, PF_MEMBER(pf), SVFF_BDF_LEN, 0, 0 },
	{ "num_vfs", M_INT, PF_MEMBER(num_vfs), 0, 0, 4096 },
	{ "qmax", M_INT, PF_MEMBER(qmax), 0, 0, 4096 },
	{ "vf_qmax", M_INT, PF_MEMBER(vf_qmax), 0, 0, 4096 },
	{ "vf_driver", M_STRING, PF_MEMBER(vf_driver), sizeof(((struct svff_pf_layout *)0)->vf_driver), 0, 0 },
	{ NULL, M_INT, 0, 0, 0, 0 },
};
static const struct member assign_members[] = {
	{ "vf", M_BDF, AS_MEMBER(vf), SVFF_BDF_LEN, 0, 0 },
	{ "vm", M_STRING, AS_MEMBER(vm), SVFF_NAME_LEN, 0, 0 },
	{ NULL, M_INT, 0, 0, 0, 0 },
};
static const char *const pf_required[] = { "pf", NULL }, *const assign_required[] = { "vf", "vm", NULL };

/* The settings that are lists of groups, and where each goes in the
 * configuration. */
static const struct group_setting {
	const char *name;
	size_t elems, count;		/* offsets in struct svff_config */
	struct group_list gl;
} group_settings[] = {
	{ "pfs", offsetof(struct svff_config, pfs), offsetof(struct svff_config, n_pfs), {
		"( { pf = \"0000:01:00.0\"; num_vfs = 4; } )", "{ pf = \"...\"; ... }", pf_members, pf_required,
		"missing pf = \"<PCI address>\"", "pf", "this PF is already laid out above",
		sizeof(struct svff_pf_layout), PF_MEMBER(line), pf_layout_init } },
	{ "assign", offsetof(struct svff_config, assign), offsetof(struct svff_config, n_assign), {
		"( { vf = \"0000:01:00.4\"; vm = \"name\"; } )", "{ vf = \"...\"; vm = \"...\"; }", assign_members,
		assign_required, "needs both vf = \"<PCI address>\" and vm = \"<VM name>\"", "vf",
		"this VF is already assigned above (one VM per VF)", sizeof(struct svff_assignment), AS_MEMBER(line),
		NULL } },
};

/* 1 when s is not a list of groups, else what loading it gave. */
static int load_group_setting(struct loader *ld, const config_setting_t *s)
{
	char *cfg = (char *)ld->cfg;

	for (size_t i = 0; i < sizeof(group_settings) / sizeof(group_settings[0]); i++) {
		const struct group_setting *gs = &group_settings[i];

		if (!strcmp(gs->name, config_setting_name(s)))
			return load_groups(ld, s, &gs->gl, (void **)(void *)(cfg + gs->elems),
					   (size_t *)(void *)(cfg + gs->count));
	}
	return 1;
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
	char *text = NULL;
	size_t len = 0, cap = 0;
	FILE *f;
	int rc = 0;

	*out = NULL;
	if (!cfg)
		return svff_err_set(err, ENOMEM, "out of memory");
	f = fopen(path, "re");
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
	/* read here, not by libconfig: a folder or an unreadable file gets
	 * its own words, and the text stays for the numbers' sake */
	for (;;) {
		size_t n;

		if (len + 4096 + 1 > cap) {
			char *t = realloc(text, cap = 2 * cap + 4096 + 1);

			if (!t) {
				free(text);
				fclose(f);
				svff_config_free(cfg);
				return svff_err_set(err, ENOMEM, "out of memory");
			}
			text = t;
		}
		n = fread(text + len, 1, 4096, f);
		len += n;
		if (n < 4096)
			break;
	}
	if (ferror(f)) {
		int e = errno;

		free(text);
		fclose(f);
		svff_config_free(cfg);
		return svff_err_set(err, e, "%s: %s", path, strerror(e));
	}
	text[len] = '\0';
	ld.text = text;
	config_init(&c);
	if (!config_read_string(&c, text)) {
		rc = svff_err_set(err, EINVAL, "%s:%d: %s", path, config_error_line(&c), config_error_text(&c));
		goto cleanup;
	}
	root = config_root_setting(&c);
	for (int i = 0; i < config_setting_length(root); i++) {
		config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
		const char *name = config_setting_name(s);

		if ((rc = load_group_setting(&ld, s)) <= 0) {
			/* pfs, assign */
		} else if (!strcmp(name, "allow")) {
			rc = load_allow(&ld, s);
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
	free(text);
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
