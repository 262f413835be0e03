#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "domxml.h"

static long attr_num(xmlNodePtr node, const char *name)
{
	xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
	char *end;
	long n;

	if (!v)
		return -1;
	n = strtol((const char *)v, &end, 0);
	if (*end || end == (char *)v)
		n = -1;
	xmlFree(v);
	return n;
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

int svff_domxml_read(const char *xml, bool live, struct svff_vm *vm, struct svff_err *err)
{
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlXPathContextPtr ctx = NULL;
	xmlXPathObjectPtr res = NULL;
	int rc = 0;

	if (!doc)
		return svff_err_set(err, EINVAL, "domain %s: libvirt returned XML svff cannot parse", vm->name);
	ctx = xmlXPathNewContext(doc);
	if (!ctx) {
		rc = svff_err_set(err, ENOMEM, "out of memory");
		goto cleanup;
	}
	res = xmlXPathEvalExpression((const xmlChar *)
		"/domain/devices/hostdev[@mode='subsystem' and @type='pci']", ctx);
	for (int i = 0; res && res->nodesetval && i < res->nodesetval->nodeNr; i++) {
		xmlNodePtr hd = res->nodesetval->nodeTab[i], c, addr = NULL;
		xmlChar *managed = xmlGetProp(hd, (const xmlChar *)"managed");
		char alias[64] = "", bdf[SVFF_BDF_LEN];
		long d, b, s, f;

		for (c = hd->children; c; c = c->next) {
			if (c->type != XML_ELEMENT_NODE)
				continue;
			if (!xmlStrcmp(c->name, (const xmlChar *)"source")) {
				for (xmlNodePtr a = c->children; a; a = a->next)
					if (a->type == XML_ELEMENT_NODE &&
					    !xmlStrcmp(a->name, (const xmlChar *)"address"))
						addr = a;
			} else if (!xmlStrcmp(c->name, (const xmlChar *)"alias")) {
				xmlChar *n = xmlGetProp(c, (const xmlChar *)"name");

				if (n)
					snprintf(alias, sizeof(alias), "%s", (const char *)n);
				xmlFree(n);
			}
		}
		if (!addr) {
			xmlFree(managed);
			continue;
		}
		d = attr_num(addr, "domain");
		b = attr_num(addr, "bus");
		s = attr_num(addr, "slot");
		f = attr_num(addr, "function");
		if (d < 0)
			d = 0;
		if (b < 0 || s < 0 || f < 0 || b > 255 || s > 31 || f > 7) {
			xmlFree(managed);
			continue;
		}
		snprintf(bdf, sizeof(bdf), "%04lx:%02lx:%02lx.%lx", d, b, s, f);
		rc = svff_vm_add_hostdev(vm, bdf, alias, managed && !xmlStrcmp(managed, (const xmlChar *)"yes"), live);
		xmlFree(managed);
		if (rc < 0) {
			rc = svff_err_set(err, ENOMEM, "out of memory");
			goto cleanup;
		}
	}
	xmlXPathFreeObject(res);
	res = xmlXPathEvalExpression((const xmlChar *)"string(/domain/numatune/memory/@nodeset)", ctx);
	if (res && res->type == XPATH_STRING && res->stringval && res->stringval[0])
		snprintf(vm->numa_nodeset, sizeof(vm->numa_nodeset), "%s", (const char *)res->stringval);
cleanup:
	xmlXPathFreeObject(res);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return rc;
}
