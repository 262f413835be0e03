/* svff — a libvirt domain's XML read into the VM model: state, vCPUs,
 * memory, NUMA and PCI hostdevs (domxml.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domxml.h"
#include "virtlib.h"

/* An attribute's value in the tree itself (no copy to free); NULL when
 * absent. */
static const char *prop(xmlNodePtr node, const char *name)
{
	for (xmlAttrPtr a = node->properties; a; a = a->next)
		if (a->type == XML_ATTRIBUTE_NODE && !strcmp((const char *)a->name, name))
			return a->children && a->children->type == XML_TEXT_NODE ?
			       (const char *)a->children->content : "";
	return NULL;
}

static long attr_num(xmlNodePtr node, const char *name)
{
	const char *v = prop(node, name);
	char *end;
	long n;

	if (!v)
		return -1;
	n = strtol(v, &end, 0);
	return *end || end == v ? -1 : n;
}

int svff_vm_add_hostdev(struct svff_vm *vm, const char *bdf, const char *alias, bool managed, bool live)
{
	struct svff_hostdev *hd;

	for (size_t i = 0; i < vm->n_hostdevs; i++) {
		hd = &vm->hostdevs[i];
		if (!strcmp(hd->bdf, bdf)) {
			if (live) {
				hd->live = true;
				if (alias[0])
					snprintf(hd->alias, sizeof(hd->alias), "%s", alias);
			} else {
				hd->config = true;
			}
			return 0;
		}
	}
	hd = realloc(vm->hostdevs, (vm->n_hostdevs + 1) * sizeof(*hd));
	if (!hd)
		return -ENOMEM;
	vm->hostdevs = hd;
	hd = &vm->hostdevs[vm->n_hostdevs++];
	memset(hd, 0, sizeof(*hd));
	snprintf(hd->bdf, sizeof(hd->bdf), "%s", bdf);
	snprintf(hd->alias, sizeof(hd->alias), "%s", alias);
	hd->managed = managed;
	hd->live = live;
	hd->config = !live;
	return 0;
}

static bool is_elem(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static bool prop_is(xmlNodePtr n, const char *name, const char *value)
{
	const char *v = prop(n, name);

	return v && !strcmp(v, value);
}

/* <hostdev mode='subsystem' type='pci'>: its source address and alias */
static int read_hostdev(xmlNodePtr hd, bool live, struct svff_vm *vm)
{
	char alias[64] = "", bdf[SVFF_BDF_LEN];
	xmlNodePtr addr = NULL;
	long d, b, s, f;

	if (!prop_is(hd, "mode", "subsystem") || !prop_is(hd, "type", "pci"))
		return 0;
	for (xmlNodePtr c = hd->children; c; c = c->next) {
		if (is_elem(c, "source")) {
			for (xmlNodePtr a = c->children; a; a = a->next)
				if (is_elem(a, "address"))
					addr = a;
		} else if (is_elem(c, "alias") && prop(c, "name")) {
			snprintf(alias, sizeof(alias), "%s", prop(c, "name"));
		}
	}
	if (!addr)
		return 0;
	d = attr_num(addr, "domain");
	b = attr_num(addr, "bus");
	s = attr_num(addr, "slot");
	f = attr_num(addr, "function");
	if (d < 0)
		d = 0;
	if (b < 0 || s < 0 || f < 0 || b > 255 || s > 31 || f > 7)
		return 0;
	snprintf(bdf, sizeof(bdf), "%04lx:%02lx:%02lx.%lx", d, b, s, f);
	return svff_vm_add_hostdev(vm, bdf, alias, prop_is(hd, "managed", "yes"), live);
}

/* The tree is walked, not searched with XPath: compiling the expressions
 * for each of a few hundred VMs cost more than parsing their XML. */
int svff_domxml_read(const char *xml, bool live, struct svff_vm *vm, struct svff_err *err)
{
	xmlDocPtr doc;
	xmlNodePtr root;
	int rc = svff_virtlib_load(err);

	if (rc < 0)
		return rc;
	doc = xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!root || !is_elem(root, "domain")) {
		xmlFreeDoc(doc);
		return svff_err_set(err, EINVAL, "domain %s: libvirt returned XML svff cannot parse", vm->name);
	}
	for (xmlNodePtr c = root->children; c && rc == 0; c = c->next) {
		if (is_elem(c, "devices")) {
			for (xmlNodePtr hd = c->children; hd && rc == 0; hd = hd->next)
				if (is_elem(hd, "hostdev"))
					rc = read_hostdev(hd, live, vm);
		} else if (is_elem(c, "numatune")) {
			for (xmlNodePtr m = c->children; m; m = m->next) {
				const char *v = is_elem(m, "memory") ? prop(m, "nodeset") : NULL;

				if (v && v[0])
					snprintf(vm->numa_nodeset, sizeof(vm->numa_nodeset), "%s", v);
			}
		}
	}
	xmlFreeDoc(doc);
	return rc < 0 ? svff_err_set(err, ENOMEM, "out of memory") : 0;
}
