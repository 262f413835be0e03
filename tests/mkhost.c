/* svff-mkhost PRESET DIR: builds a fixture host (a fake sysfs tree) in DIR. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fakehost.h"

int main(int argc, char **argv)
{
	struct svff_err err = { 0 };

	if (argc != 3 || !strcmp(argv[1], "--help")) {
		fprintf(stderr, "Usage: svff-mkhost PRESET DIR\nPresets:");
		for (const char *const *p = svff_fakehost_presets(); *p; p++)
			fprintf(stderr, " %s", *p);
		fputc('\n', stderr);
		return argc == 2 ? 0 : 2;
	}
	if (svff_fakehost_build(argv[2], argv[1], &err) < 0) {
		fprintf(stderr, "svff-mkhost: %s\n", err.msg);
		return 1;
	}
	return 0;
}
