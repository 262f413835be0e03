/* svff — the configuration file (libconfig): /etc/svff/svff.conf or
 * --config FILE.  See svff.conf.example for every setting. */
#ifndef SVFF_CONFIG_H
#define SVFF_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "svff/error.h"
#include "svff/host.h"

#define SVFF_CONFIG_DEFAULT "/etc/svff/svff.conf"

/* One entry of the allow-list: a function by address (a PF covers its
 * VFs) or devices by vendor[:device] ID. */
struct svff_allow {
	bool by_id;
	struct svff_bdf bdf;
	long vendor, device;		/* device -1: any device of the vendor */
};

/* The layout init gives a PF. */
struct svff_pf_layout {
	char pf[SVFF_BDF_LEN];
	long num_vfs;			/* -1: leave as it is */
	long qmax;			/* PF's qdma/qmax, -1: leave */
	long vf_qmax;			/* qmax of VFs that stay on qdma-vf, -1: leave */
	char vf_driver[64];		/* "vfio-pci" or a host driver, "" leave */
	int line;
};

struct svff_assignment {
	char vf[SVFF_BDF_LEN];
	char vm[SVFF_NAME_LEN];
	int line;
};

struct svff_config {
	char path[4096];		/* "" when no file was read */
	char uri[512];			/* libvirt.uri, "" unset */
	struct svff_allow *allow;
	size_t n_allow;
	struct svff_pf_layout *pfs;
	size_t n_pfs;
	struct svff_assignment *assign;
	size_t n_assign;
	char theme[64];			/* ui.theme, "" unset */
	struct svff_keybinding {	/* ui.keys: action = "key"; the console checks them */
		char action[32];
		char key[32];
		int line;
	} *keys;
	size_t n_keys;
	struct svff_strlist warnings;	/* "file:line: unknown setting 'x'" */
};

/* Reads path; with must_exist false a missing file gives an empty config
 * (nothing allow-listed).  Errors: "file:line: setting: what was expected". */
int svff_config_load(const char *path, bool must_exist, struct svff_config **out,
		     struct svff_err *err);
struct svff_config *svff_config_new_empty(void);
void svff_config_free(struct svff_config *cfg);

/* May svff change fn?  (Listed itself, by ID, or through its PF.) */
bool svff_config_allows(const struct svff_config *cfg, const struct svff_host *host,
			const struct svff_function *fn);

#endif
