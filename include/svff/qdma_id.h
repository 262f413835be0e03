/* svff — the QDMA driver's PCI device ID scheme, 0xTPGL: T = 9/B for a PF,
 * A/C for a VF; P = the PF number (0-3; a VF's ID names its parent PF);
 * G = the PCIe generation; L = the lanes (1/2/4/8, f = x16).  The driver's
 * pci_ids.h lists the IDs; 0x903f is PF0 Gen3x16, 0xa03f its VFs. */
#ifndef SVFF_QDMA_ID_H
#define SVFF_QDMA_ID_H

#include <stdbool.h>
#include <stdint.h>

struct svff_qdma_id {
	bool valid;
	bool vf;		/* T = A/C */
	int pf;			/* P: 0-3; a VF's ID names its parent PF */
	int gen;		/* G: PCIe generation */
	int lanes;		/* L: 1/2/4/8/16 */
};

/* Decodes a Xilinx device ID; valid is false for other vendors or IDs
 * outside the scheme. */
struct svff_qdma_id svff_qdma_id_decode(uint16_t vendor, uint16_t device);

#endif
