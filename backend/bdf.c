/* svff — PCI addresses: parsing, formatting, ordering. */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "svff/bdf.h"

int svff_bdf_parse(const char *s, struct svff_bdf *out)
{
	unsigned dom = 0, bus, slot, func;
	int n = 0;

	if (sscanf(s, "%4x:%2x:%2x.%1u%n", &dom, &bus, &slot, &func, &n) == 4 && !s[n]) {
		/* full form */
	} else if (dom = 0, n = 0, sscanf(s, "%2x:%2x.%1u%n", &bus, &slot, &func, &n) == 3 && !s[n]) {
		/* short form, domain 0 */
	} else {
		return -EINVAL;
	}
	if (slot > 31 || func > 7)
		return -EINVAL;
	out->domain = (uint16_t)dom;
	out->bus = (uint8_t)bus;
	out->slot = (uint8_t)slot;
	out->func = (uint8_t)func;
	return 0;
}

void svff_bdf_format(const struct svff_bdf *bdf, char *buf, size_t len)
{
	snprintf(buf, len, "%04x:%02x:%02x.%u", bdf->domain, bdf->bus, bdf->slot, bdf->func);
}

int svff_bdf_cmp(const struct svff_bdf *a, const struct svff_bdf *b)
{
	uint32_t x = ((uint32_t)a->domain << 16) | (a->bus << 8) | (a->slot << 3) | a->func;
	uint32_t y = ((uint32_t)b->domain << 16) | (b->bus << 8) | (b->slot << 3) | b->func;

	return x < y ? -1 : x > y;
}

int svff_bdf_normalize(const char *s, char *buf, size_t len)
{
	struct svff_bdf b;

	if (svff_bdf_parse(s, &b) < 0)
		return -EINVAL;
	svff_bdf_format(&b, buf, len);
	return 0;
}
