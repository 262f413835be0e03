/* svff — all sysfs access, relative to one root.
 *
 * Every path svff reads or writes is relative to the root given by
 * --sysfs-root (default /sys).  Paths with ".." components are refused, and
 * the kernel is asked (openat2 RESOLVE_BENEATH) to refuse any symlink that
 * would lead out of the root, so a hostile or broken tree cannot make svff
 * read or write elsewhere.
 */
#ifndef SVFF_SYSFS_H
#define SVFF_SYSFS_H

#include <stdbool.h>
#include <stddef.h>

#include "svff/error.h"

struct svff_sysfs;

int svff_sysfs_new(const char *root, struct svff_sysfs **out, struct svff_err *err);
void svff_sysfs_free(struct svff_sysfs *sys);

const char *svff_sysfs_root(const struct svff_sysfs *sys);
/* Whether the root is the real /sys, decided once, here, by what the
 * root resolves to (see svff_sysfs_locate). */
bool svff_sysfs_is_system(const struct svff_sysfs *sys);
/* What root names with every symlink, "//" and "." resolved, into real,
 * and whether that is the real /sys: /sys however it is spelt ("//sys",
 * "/sys/.", a link to it), or sysfs mounted anywhere else (a bind mount
 * shows the same kernel objects).  Everything that must tell the host
 * from a fixture tree asks this, never the string it was given. */
int svff_sysfs_locate(const char *root, char *real, size_t len, bool *system, struct svff_err *err);

/* Absolute path for messages ("<root>/bus/pci/devices/X/sriov_numvfs"). */
const char *svff_sysfs_abs(const struct svff_sysfs *sys, const char *rel,
			   char *buf, size_t len);

bool svff_sysfs_exists(const struct svff_sysfs *sys, const char *rel);

/* Reads a small attribute; trailing newlines are removed. */
int svff_sysfs_read(const struct svff_sysfs *sys, const char *rel, char *buf,
		    size_t len, struct svff_err *err);
/* Reads up to len bytes of a binary attribute (config); returns the count. */
long svff_sysfs_read_bin(const struct svff_sysfs *sys, const char *rel, void *buf,
			 size_t len, struct svff_err *err);
/* A whole decimal or 0x-hex number, nothing else (" 12\n" is fine, "12a" is not). */
int svff_sysfs_read_long(const struct svff_sysfs *sys, const char *rel, long *out,
			 struct svff_err *err);

/* Basename of a symlink's target (driver, iommu_group, physfn), after
 * checking that the target exists inside the root. */
int svff_sysfs_link_name(const struct svff_sysfs *sys, const char *rel, char *buf,
			 size_t len, struct svff_err *err);

int svff_sysfs_write(const struct svff_sysfs *sys, const char *rel,
		     const char *value, struct svff_err *err);

/* One folder below the root held open (a device's), so that its twenty
 * attributes cost one path walk instead of twenty: on a host with a
 * thousand functions the walks are most of the scan.  Names are relative
 * to the folder and stay beneath it. */
struct svff_sysfs_dir {
	const struct svff_sysfs *sys;
	int fd;
	char rel[256];			/* the folder, for messages */
};

/* -ENOENT (no message) when the folder is not there. */
int svff_sysfs_dir_open(const struct svff_sysfs *sys, const char *rel, struct svff_sysfs_dir *dir,
			struct svff_err *err);
void svff_sysfs_dir_close(struct svff_sysfs_dir *dir);
bool svff_sysfs_dir_exists(const struct svff_sysfs_dir *dir, const char *name);
int svff_sysfs_dir_read(const struct svff_sysfs_dir *dir, const char *name, char *buf,
			size_t len, struct svff_err *err);
int svff_sysfs_dir_read_long(const struct svff_sysfs_dir *dir, const char *name, long *out,
			     struct svff_err *err);
/* The basename a link in the folder names, and the folder above it in
 * parent (NULL: not wanted), read without following it: a scan wants the
 * names, and whether the target exists is the caller's to judge
 * (svff_sysfs_link_name checks it, at two more system calls). */
int svff_sysfs_dir_link_name(const struct svff_sysfs_dir *dir, const char *name, char *buf,
			     size_t len, char *parent, size_t plen, struct svff_err *err);

/* A fixture tree has no kernel behind it: the kernel model (kmodel.c)
 * takes every write, after the path checks, and reacts as the kernel
 * would.  Never set for the real /sys. */
typedef int (*svff_sysfs_write_hook)(void *data, const char *rel, const char *value,
				     struct svff_err *err);
void svff_sysfs_set_write_hook(struct svff_sysfs *sys, svff_sysfs_write_hook hook, void *data);
/* The plain write, for the kernel model itself. */
int svff_sysfs_write_raw(const struct svff_sysfs *sys, const char *rel, const char *value,
			 struct svff_err *err);

/* Calls fn for each entry of a directory (not "." nor ".."); stops early and
 * returns fn's value when it is non-zero. */
int svff_sysfs_list(const struct svff_sysfs *sys, const char *rel,
		    int (*fn)(const char *name, void *data), void *data,
		    struct svff_err *err);

/* Strict number parsing shared with other parsers. */
int svff_parse_long(const char *s, long *out);

#endif
