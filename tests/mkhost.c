/* svff-mkhost: builds and changes fixture hosts (fake sysfs trees).
 *
 *   svff-mkhost PRESET DIR                 build a named host in DIR
 *   svff-mkhost enable-vfs DIR PF N [DRV]  enable N VFs on PF, bound to DRV
 *   svff-mkhost disable-vfs DIR PF         remove the PF's VFs
 *   svff-mkhost bind DIR BDF DRV|-         move a function to DRV (- unbinds)
 *
 * The changes are what the kernel would do; the events that go with them
 * are the caller's to send (svff --event-fifo). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/fakehost.h"

static int usage(void)
{
	fprintf(stderr, "Usage: svff-mkhost PRESET DIR | enable-vfs DIR PF N [DRIVER] | "
		"disable-vfs DIR PF | bind DIR BDF DRIVER|-\nPresets:");
	for (const char *const *p = svff_fakehost_presets(); *p; p++)
		fprintf(stderr, " %s", *p);
	fputc('\n', stderr);
	return 2;
}

int main(int argc, char **argv)
{
	struct svff_err err = { 0 };
	struct svff_fakehost *fh = NULL;
	int rc;

	if (argc < 3)
		return usage();
	if (!strcmp(argv[1], "enable-vfs") || !strcmp(argv[1], "disable-vfs") || !strcmp(argv[1], "bind")) {
		if (svff_fakehost_new(argv[2], &fh, &err) < 0) {
			fprintf(stderr, "svff-mkhost: %s\n", err.msg);
			return 1;
		}
		if (!strcmp(argv[1], "enable-vfs") && (argc == 5 || argc == 6))
			rc = svff_fakehost_enable_vfs(fh, argv[3], atoi(argv[4]), argc == 6 ? argv[5] : NULL, &err);
		else if (!strcmp(argv[1], "disable-vfs") && argc == 4)
			rc = svff_fakehost_disable_vfs(fh, argv[3], &err);
		else if (!strcmp(argv[1], "bind") && argc == 5)
			rc = svff_fakehost_bind(fh, argv[3], strcmp(argv[4], "-") ? argv[4] : NULL, &err);
		else
			rc = usage();
		svff_fakehost_free(fh);
	} else if (argc == 3) {
		rc = svff_fakehost_build(argv[2], argv[1], &err);
	} else {
		return usage();
	}
	if (rc < 0)
		fprintf(stderr, "svff-mkhost: %s\n", err.msg);
	return rc < 0 ? 1 : rc;
}
