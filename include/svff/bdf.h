/* svff — a PCI function's address (domain:bus:slot.function), the value
 * every other part of svff names devices by. */
#ifndef SVFF_BDF_H
#define SVFF_BDF_H

#include <stddef.h>
#include <stdint.h>

#define SVFF_BDF_LEN 16		/* "dddd:bb:ss.f" + NUL, with room */

struct svff_bdf {
	uint16_t domain;
	uint8_t bus, slot, func;
};

/* Parses "dddd:bb:ss.f" or "bb:ss.f" (domain 0). */
int svff_bdf_parse(const char *s, struct svff_bdf *out);
void svff_bdf_format(const struct svff_bdf *bdf, char *buf, size_t len);
int svff_bdf_cmp(const struct svff_bdf *a, const struct svff_bdf *b);
/* The full form of s ("01:00.4" -> "0000:01:00.4"); -EINVAL when s is
 * not an address. */
int svff_bdf_normalize(const char *s, char *buf, size_t len);

#endif
