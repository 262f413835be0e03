/* svff — the QDMA driver's device-ID scheme decoded (svff/qdma_id.h);
 * qdma.c beside it speaks the driver's netlink. */
#include "config.h"

#include "svff/qdma_id.h"

struct svff_qdma_id svff_qdma_id_decode(uint16_t vendor, uint16_t device)
{
	static const int lanes[16] = { [1] = 1, [2] = 2, [4] = 4, [8] = 8, [0xf] = 16 };
	struct svff_qdma_id id = { 0 };
	unsigned t = device >> 12, p = (device >> 8) & 0xf, g = (device >> 4) & 0xf, l = device & 0xf;

	if (vendor != 0x10ee)
		return id;
	/* 0xTPGL: T 9/B = PF, A/C = VF; P the PF number 0-3; G the PCIe
	 * generation; L the lane count (f = x16). */
	if ((t != 0x9 && t != 0xa && t != 0xb && t != 0xc) || p > 3 || g < 1 || g > 5 || !lanes[l])
		return id;
	id.valid = true;
	id.vf = t == 0xa || t == 0xc;
	id.pf = (int)p;
	id.gen = (int)g;
	id.lanes = lanes[l];
	return id;
}
