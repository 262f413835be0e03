/* svff — every sysfs access, relative to one root svff never leaves
 * (sysfs.h); the one place that decides whether the root is the real /sys. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/magic.h>

#include "sysfs.h"
#include "testhooks.h"

struct svff_sysfs {
	svff_sysfs_write_hook hook;
	void *hook_data;
	char root[PATH_MAX];		/* as given, for messages */
	char real[PATH_MAX];		/* realpath of root, for the fallback check */
	int rootfd;
	bool system;
};

/* openat2 appeared in Linux 5.6; older kernels (and LD_PRELOAD fakes that do
 * not know the syscall) get the realpath check instead. */
static int have_openat2 = -1;

void svff_sysfs_use_openat2(int mode)
{
	have_openat2 = mode;
}

int svff_parse_long(const char *s, long *out)
{
	char *end;
	long v;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

static bool rel_is_safe(const char *rel)
{
	const char *p = rel;

	if (!*rel || *rel == '/')
		return false;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return false;
		p += n;
		while (*p == '/')
			p++;
	}
	return true;
}

const char *svff_sysfs_root(const struct svff_sysfs *sys)
{
	return sys->root;
}

bool svff_sysfs_is_system(const struct svff_sysfs *sys)
{
	return sys->system;
}

int svff_sysfs_locate(const char *root, char *real, size_t len, bool *system, struct svff_err *err)
{
	char buf[PATH_MAX];
	struct statfs fs;

	*system = false;
	if (!root || !*root)
		return svff_err_set(err, EINVAL, "empty sysfs root");
	if (!realpath(root, buf)) {
		int e = errno;

		return svff_err_set(err, e, "sysfs root %s: %s", root, strerror(e));
	}
	if (strlen(buf) >= len)
		return svff_err_set(err, ENAMETOOLONG, "sysfs root %s: the path is too long", root);
	snprintf(real, len, "%s", buf);
	*system = !strcmp(buf, "/sys") || (statfs(buf, &fs) == 0 && fs.f_type == SYSFS_MAGIC);
	return 0;
}

const char *svff_sysfs_abs(const struct svff_sysfs *sys, const char *rel,
			   char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", strcmp(sys->root, "/") ? sys->root : "", rel);
	return buf;
}

int svff_sysfs_new(const char *root, struct svff_sysfs **out, struct svff_err *err)
{
	struct svff_sysfs *sys;
	struct stat st;
	size_t n;

	*out = NULL;
	if (!root || !*root)
		return svff_err_set(err, EINVAL, "empty sysfs root");
	sys = calloc(1, sizeof(*sys));
	if (!sys)
		return svff_err_set(err, ENOMEM, "out of memory");
	n = strlen(root);
	while (n > 1 && root[n - 1] == '/')
		n--;
	if (n >= sizeof(sys->root)) {
		free(sys);
		return svff_err_set(err, ENAMETOOLONG, "sysfs root too long");
	}
	memcpy(sys->root, root, n);
	sys->root[n] = '\0';
	if (svff_sysfs_locate(sys->root, sys->real, sizeof(sys->real), &sys->system, err) < 0) {
		free(sys);
		return svff_err_hint(err, SVFF_HINT_SYSFS_ROOT, NULL);
	}
	sys->rootfd = open(sys->real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sys->rootfd < 0) {
		int e = errno;

		free(sys);
		return svff_err_set(err, e, "sysfs root %s: %s", root, strerror(e));
	}
	if (fstatat(sys->rootfd, "bus/pci/devices", &st, 0) < 0 || !S_ISDIR(st.st_mode)) {
		close(sys->rootfd);
		free(sys);
		svff_err_set(err, ENOTDIR, "%s is not a sysfs tree: it has no bus/pci/devices folder", root);
		return svff_err_hint(err, SVFF_HINT_SYSFS_ROOT, NULL);
	}
	*out = sys;
	return 0;
}

void svff_sysfs_free(struct svff_sysfs *sys)
{
	if (!sys)
		return;
	close(sys->rootfd);
	free(sys);
}

/* openat2 beneath dirfd.  With RESOLVE_BENEATH the kernel answers EAGAIN
 * when a rename or a mount anywhere on the system raced with a ".." of the
 * lookup (a tree's links are full of them) and asks the caller to try
 * again: on a busy machine the scan missed devices and writes failed.
 * After a few tries the caller falls back to the realpath check, as on a
 * kernel without openat2. */
static int open_beneath(int dirfd, const char *name, int flags)
{
	struct open_how how = {
		.flags = (unsigned)(flags | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	int fd, tries = 0;

	while ((fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how))) < 0 && errno == EAGAIN &&
	       ++tries < 8)
		sched_yield();
	return fd;
}

/* Opens rel below the root; refuses to leave it.  Returns fd or -errno. */
static int sysfs_open(const struct svff_sysfs *sys, const char *rel, int flags)
{
	char path[PATH_MAX], real[PATH_MAX];
	size_t rl;
	int fd;

	if (!rel_is_safe(rel))
		return -EXDEV;
	if (have_openat2 != 0) {
		fd = open_beneath(sys->rootfd, rel, flags);
		if (fd >= 0) {
			have_openat2 = 1;
			return fd;
		}
		if (errno != ENOSYS && errno != EPERM && errno != EAGAIN)
			return -errno;
		if (errno != EAGAIN)
			have_openat2 = 0;
	}
	snprintf(path, sizeof(path), "%s/%s", sys->real, rel);
	if (flags & O_NOFOLLOW) {
		/* the link itself: resolve its folder, keep its name */
		char *slash = strrchr(path, '/');

		*slash = '\0';
		if (!realpath(path, real))
			return -errno;
		if (strlen(real) + strlen(slash + 1) + 2 > sizeof(real))
			return -ENAMETOOLONG;
		strcat(real, "/");
		strcat(real, slash + 1);
	} else if (!realpath(path, real)) {
		return -errno;
	}
	rl = strlen(sys->real);
	if (strcmp(sys->real, "/") && (strncmp(real, sys->real, rl) || (real[rl] && real[rl] != '/')))
		return -EXDEV;
	fd = open(real, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int open_error(const struct svff_sysfs *sys, const char *rel, int rc,
		      struct svff_err *err)
{
	char abs[PATH_MAX];

	svff_sysfs_abs(sys, rel, abs, sizeof(abs));
	if (rc == -EXDEV)
		return svff_err_set(err, EXDEV, "%s: refused, the path leads outside the sysfs root %s",
				    abs, sys->root);
	if (rc == -ELOOP)
		return svff_err_set(err, ELOOP, "%s: symbolic link loop", abs);
	return svff_err_set(err, -rc, "%s: %s", abs, strerror(-rc));
}

bool svff_sysfs_exists(const struct svff_sysfs *sys, const char *rel)
{
	int fd = sysfs_open(sys, rel, O_PATH);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* Reads what fd holds, at most len bytes, and closes it; the count or -errno. */
static long read_fd(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		/* sysfs hands an attribute over in one read, and a regular
		 * file reads short only at its end: asking again for the EOF
		 * would cost a system call per attribute */
		if (got < len)
			break;
	}
	close(fd);
	return (long)got;
}

long svff_sysfs_read_bin(const struct svff_sysfs *sys, const char *rel, void *buf,
			 size_t len, struct svff_err *err)
{
	int fd = sysfs_open(sys, rel, O_RDONLY);
	long n;

	if (fd < 0)
		return open_error(sys, rel, fd, err);
	n = read_fd(fd, buf, len);
	return n < 0 ? open_error(sys, rel, (int)n, err) : n;
}

/* n bytes read into buf (which has room for one more) made a line of
 * text; false when they hold a NUL (binary).  No path is needed unless it
 * fails: a scan reads thousands of attributes. */
static bool text_trim(char *buf, long n)
{
	buf[n] = '\0';
	if (memchr(buf, '\0', (size_t)n))
		return false;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return true;
}

static int binary_error(const struct svff_sysfs *sys, const char *rel, struct svff_err *err)
{
	char abs[PATH_MAX];

	return svff_err_set(err, EINVAL, "%s: binary data where text was expected",
			    svff_sysfs_abs(sys, rel, abs, sizeof(abs)));
}

static int number_error(const struct svff_sysfs *sys, const char *rel, const char *buf,
			struct svff_err *err)
{
	char abs[PATH_MAX];

	return svff_err_set(err, EINVAL, "%s: expected a number, found '%.32s'",
			    svff_sysfs_abs(sys, rel, abs, sizeof(abs)), buf);
}

int svff_sysfs_read(const struct svff_sysfs *sys, const char *rel, char *buf,
		    size_t len, struct svff_err *err)
{
	long n;

	if (len == 0)
		return svff_err_set(err, EINVAL, "no buffer");
	n = svff_sysfs_read_bin(sys, rel, buf, len - 1, err);
	if (n < 0)
		return (int)n;
	return text_trim(buf, n) ? 0 : binary_error(sys, rel, err);
}

int svff_sysfs_read_long(const struct svff_sysfs *sys, const char *rel, long *out,
			 struct svff_err *err)
{
	char buf[64];
	int rc = svff_sysfs_read(sys, rel, buf, sizeof(buf), err);

	if (rc < 0)
		return rc;
	return svff_parse_long(buf, out) < 0 ? number_error(sys, rel, buf, err) : 0;
}

static int link_too_long(const struct svff_sysfs *sys, const char *rel, struct svff_err *err)
{
	char abs[PATH_MAX];

	return svff_err_set(err, ENAMETOOLONG, "%s: link target name too long",
			    svff_sysfs_abs(sys, rel, abs, sizeof(abs)));
}

/* The basename of a link's target (n bytes in target), in buf; the folder
 * above it in parent (when asked for).  False when buf is too short. */
static bool link_base(char *target, ssize_t n, char *buf, size_t len, char *parent, size_t plen)
{
	char *base;

	target[n] = '\0';
	while (n > 1 && target[n - 1] == '/')
		target[--n] = '\0';
	base = strrchr(target, '/');
	if (strlen(base ? base + 1 : target) >= len)
		return false;
	strcpy(buf, base ? base + 1 : target);
	if (parent) {
		const char *up;

		if (base)
			*base = '\0';
		up = base ? strrchr(target, '/') : NULL;
		snprintf(parent, plen, "%s", !base ? "" : up ? up + 1 : target);
	}
	return true;
}

int svff_sysfs_link_name(const struct svff_sysfs *sys, const char *rel, char *buf,
			 size_t len, struct svff_err *err)
{
	char target[PATH_MAX], abs[PATH_MAX];
	ssize_t n;
	int fd, lfd;

	/* The link itself, opened beneath the root without following it,
	 * gives its target; resolving it (again beneath the root) proves the
	 * target exists and stays inside. */
	lfd = sysfs_open(sys, rel, O_PATH | O_NOFOLLOW);
	if (lfd < 0)
		return open_error(sys, rel, lfd, err);
	n = readlinkat(lfd, "", target, sizeof(target) - 1);
	close(lfd);
	if (n < 0)
		return open_error(sys, rel, -errno, err);
	fd = sysfs_open(sys, rel, O_PATH);
	if (fd < 0) {
		if (fd == -ENOENT)
			return svff_err_set(err, ENOENT, "%s: dangling link (its target does not exist)",
					    svff_sysfs_abs(sys, rel, abs, sizeof(abs)));
		return open_error(sys, rel, fd, err);
	}
	close(fd);
	return link_base(target, n, buf, len, NULL, 0) ? 0 : link_too_long(sys, rel, err);
}

/* ---- a folder held open ------------------------------------------------------ */

int svff_sysfs_dir_open(const struct svff_sysfs *sys, const char *rel, struct svff_sysfs_dir *dir,
			struct svff_err *err)
{
	int n = snprintf(dir->rel, sizeof(dir->rel), "%s", rel);

	dir->sys = sys;
	dir->fd = -1;
	if (n < 0 || (size_t)n >= sizeof(dir->rel))
		return svff_err_set(err, ENAMETOOLONG, "%s: path too long", rel);
	dir->fd = sysfs_open(sys, rel, O_PATH | O_DIRECTORY);
	if (dir->fd == -ENOENT)
		return -ENOENT;
	if (dir->fd < 0) {
		int rc = dir->fd;

		dir->fd = -1;
		return open_error(sys, rel, rc, err);
	}
	return 0;
}

void svff_sysfs_dir_close(struct svff_sysfs_dir *dir)
{
	if (dir->fd >= 0)
		close(dir->fd);
	dir->fd = -1;
}

/* name in the folder; the folder's path joined to it for messages and for
 * the realpath check where openat2 is missing */
static const char *dir_rel(const struct svff_sysfs_dir *dir, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", dir->rel, name);
	return buf;
}

static int dir_openat(const struct svff_sysfs_dir *dir, const char *name, int flags)
{
	char rel[PATH_MAX];
	int fd;

	if (!rel_is_safe(name))
		return -EXDEV;
	if (have_openat2 == 1) {
		fd = open_beneath(dir->fd, name, flags);
		if (fd >= 0 || errno != EAGAIN)
			return fd < 0 ? -errno : fd;
	}
	return sysfs_open(dir->sys, dir_rel(dir, name, rel, sizeof(rel)), flags);
}

bool svff_sysfs_dir_exists(const struct svff_sysfs_dir *dir, const char *name)
{
	int fd = dir_openat(dir, name, O_PATH);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int svff_sysfs_dir_read(const struct svff_sysfs_dir *dir, const char *name, char *buf,
			size_t len, struct svff_err *err)
{
	char rel[PATH_MAX];
	int fd;
	long n;

	if (len == 0)
		return svff_err_set(err, EINVAL, "no buffer");
	fd = dir_openat(dir, name, O_RDONLY);
	if (fd < 0)
		return open_error(dir->sys, dir_rel(dir, name, rel, sizeof(rel)), fd, err);
	n = read_fd(fd, buf, len - 1);
	if (n < 0)
		return open_error(dir->sys, dir_rel(dir, name, rel, sizeof(rel)), (int)n, err);
	return text_trim(buf, n) ? 0 : binary_error(dir->sys, dir_rel(dir, name, rel, sizeof(rel)), err);
}

int svff_sysfs_dir_read_long(const struct svff_sysfs_dir *dir, const char *name, long *out,
			     struct svff_err *err)
{
	char buf[64], rel[PATH_MAX];
	int rc = svff_sysfs_dir_read(dir, name, buf, sizeof(buf), err);

	if (rc < 0)
		return rc;
	if (svff_parse_long(buf, out) < 0)
		return number_error(dir->sys, dir_rel(dir, name, rel, sizeof(rel)), buf, err);
	return 0;
}

int svff_sysfs_dir_link_name(const struct svff_sysfs_dir *dir, const char *name, char *buf,
			     size_t len, char *parent, size_t plen, struct svff_err *err)
{
	char target[PATH_MAX], rel[PATH_MAX];
	ssize_t n;

	/* readlinkat does not follow the last component, and a name without
	 * a slash has no other: nothing is resolved outside the folder */
	if (have_openat2 == 1 && !strchr(name, '/') && rel_is_safe(name)) {
		n = readlinkat(dir->fd, name, target, sizeof(target) - 1);
	} else {
		int lfd = dir_openat(dir, name, O_PATH | O_NOFOLLOW);

		if (lfd < 0)
			return open_error(dir->sys, dir_rel(dir, name, rel, sizeof(rel)), lfd, err);
		n = readlinkat(lfd, "", target, sizeof(target) - 1);
		close(lfd);
	}
	if (n < 0)
		return open_error(dir->sys, dir_rel(dir, name, rel, sizeof(rel)), -errno, err);
	/* sysfs links are relative: one from the root of this machine is
	 * not the kernel's, and would lead out of the tree */
	if (n > 0 && target[0] == '/') {
		char abs[PATH_MAX];

		return svff_err_set(err, EXDEV, "%s: refused, the link leads outside the sysfs root %s",
				    svff_sysfs_abs(dir->sys, dir_rel(dir, name, rel, sizeof(rel)), abs,
						   sizeof(abs)), dir->sys->root);
	}
	if (!link_base(target, n, buf, len, parent, plen))
		return link_too_long(dir->sys, dir_rel(dir, name, rel, sizeof(rel)), err);
	return 0;
}

void svff_sysfs_set_write_hook(struct svff_sysfs *sys, svff_sysfs_write_hook hook, void *data)
{
	if (sys->system)
		return;
	sys->hook = hook;
	sys->hook_data = data;
}

int svff_sysfs_write(const struct svff_sysfs *sys, const char *rel,
		     const char *value, struct svff_err *err)
{
	if (sys->hook) {
		int fd = sysfs_open(sys, rel, O_PATH);

		if (fd < 0)
			return open_error(sys, rel, fd, err);
		close(fd);
		return sys->hook(sys->hook_data, rel, value, err);
	}
	return svff_sysfs_write_raw(sys, rel, value, err);
}

int svff_sysfs_write_raw(const struct svff_sysfs *sys, const char *rel,
			 const char *value, struct svff_err *err)
{
	size_t len = strlen(value);
	ssize_t n;
	/* a fixture's attributes are plain files: a shorter value must not
	 * leave the tail of a longer one (sysfs itself needs no truncation) */
	int fd = sysfs_open(sys, rel, O_WRONLY | (sys->system ? 0 : O_TRUNC));

	if (fd < 0)
		return open_error(sys, rel, fd, err);
	/* sysfs takes one write(); a short write is a failure, not a retry. */
	n = write(fd, value, len);
	if (n < 0) {
		int e = errno;

		close(fd);
		return open_error(sys, rel, -e, err);
	}
	if (close(fd) < 0)
		return open_error(sys, rel, -errno, err);
	if ((size_t)n != len)
		return open_error(sys, rel, -EIO, err);
	return 0;
}

int svff_sysfs_list(const struct svff_sysfs *sys, const char *rel,
		    int (*fn)(const char *name, void *data), void *data,
		    struct svff_err *err)
{
	struct dirent *de;
	DIR *d;
	int rc = 0;
	int fd = sysfs_open(sys, rel, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return open_error(sys, rel, fd, err);
	d = fdopendir(fd);
	if (!d) {
		int e = errno;

		close(fd);
		return open_error(sys, rel, -e, err);
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		rc = fn(de->d_name, data);
		if (rc)
			break;
	}
	closedir(d);
	return rc;
}
