/* svff tests — fixture hosts in temporary folders. */
#ifndef SVFF_TESTUTIL_H
#define SVFF_TESTUTIL_H

#include <stddef.h>

/* Builds a named fixture host in a new temporary folder; returns its path
 * (static storage per call site is the caller's; free with testutil_rmtree). */
char *testutil_host_new(const char *preset);
void testutil_rmtree(char *dir);	/* removes and frees */
/* Writes a file below dir (creating or truncating it). */
void testutil_write(const char *dir, const char *rel, const char *value);
void testutil_symlink(const char *dir, const char *rel, const char *target);
void testutil_unlink(const char *dir, const char *rel);

/* Writes text to a new temporary file made from tmpl ("/tmp/x-XXXXXX",
 * replaced by the file's name). */
void testutil_tmpfile(char *tmpl, const char *text);
/* Everything in a tree (names, link targets, file contents) as one
 * string, to compare before and after; free it. */
char *testutil_snapshot(const char *root);

#endif
