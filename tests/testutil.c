/* svff tests — fixture hosts in temporary folders, files, snapshots
 * (testutil.h). */
#include "config.h"

#include <ftw.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lab/fakehost.h"
#include "testutil.h"

char *testutil_host_new(const char *preset)
{
	char tmpl[] = "/tmp/svff-test-XXXXXX";
	struct svff_err err = { 0 };
	char *dir = mkdtemp(tmpl);
	char *path;

	assert_non_null(dir);
	assert_true(asprintf(&path, "%s/sys", dir) > 0);
	if (svff_fakehost_build(path, preset, &err) < 0)
		fail_msg("building %s: %s", preset, err.msg);
	return path;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

void testutil_rmtree(char *dir)
{
	char *slash;

	if (!dir)
		return;
	/* dir is <tmp>/sys: remove <tmp> */
	slash = strrchr(dir, '/');
	if (slash && !strcmp(slash, "/sys"))
		*slash = '\0';
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

void testutil_write(const char *dir, const char *rel, const char *value)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	if (!f)
		fail_msg("cannot write %s", path);
	fputs(value, f);
	fclose(f);
}

void testutil_symlink(const char *dir, const char *rel, const char *target)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	unlink(path);
	if (symlink(target, path) < 0)
		fail_msg("cannot link %s", path);
}

void testutil_unlink(const char *dir, const char *rel)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	unlink(path);
}

static int snap_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw);
static FILE *snap_out;
static size_t snap_root_len;

/* Everything in the tree: names, link targets, file contents. */
char *testutil_snapshot(const char *root)
{
	char *buf = NULL;
	size_t len = 0;

	snap_out = open_memstream(&buf, &len);
	snap_root_len = strlen(root);
	nftw(root, snap_entry, 32, FTW_PHYS);
	fclose(snap_out);
	return buf;
}

static int snap_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	fprintf(snap_out, "%s ", path + snap_root_len);
	if (flag == FTW_SL) {
		char t[4096];
		ssize_t n = readlink(path, t, sizeof(t) - 1);

		fprintf(snap_out, "-> %.*s", (int)(n > 0 ? n : 0), t);
	} else if (S_ISREG(st->st_mode)) {
		FILE *f = fopen(path, "r");
		int c;

		while (f && (c = fgetc(f)) != EOF)
			fputc(c, snap_out);
		if (f)
			fclose(f);
	}
	fputc('\n', snap_out);
	return 0;
}

void testutil_tmpfile(char *tmpl, const char *text)
{
	int fd = mkstemp(tmpl);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}
