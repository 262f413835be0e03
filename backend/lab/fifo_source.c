/* svff lab — device events read from a FIFO, the event source of fixture
 * trees (fifo_source.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fifo_source.h"

struct fifo_src {
	struct svff_evsrc base;
	int fd;
	char buf[4096];
	size_t len;
};

static int fifo_fd(struct svff_evsrc *src)
{
	return ((struct fifo_src *)src)->fd;
}

static int fifo_next(struct svff_evsrc *src, struct svff_devevent *ev, struct svff_err *err)
{
	struct fifo_src *f = (struct fifo_src *)src;

	for (;;) {
		char *nl = memchr(f->buf, '\n', f->len);
		ssize_t n;

		if (nl) {
			char action[32], bdf[64];
			size_t line = (size_t)(nl - f->buf) + 1;
			int ok;

			*nl = '\0';
			ok = sscanf(f->buf, "%31s %63s", action, bdf) == 2;
			memmove(f->buf, f->buf + line, f->len - line);
			f->len -= line;
			if (!ok || strlen(action) >= sizeof(ev->action) || strlen(bdf) >= sizeof(ev->bdf))
				continue;	/* not an event line */
			memset(ev, 0, sizeof(*ev));
			strcpy(ev->action, action);
			strcpy(ev->bdf, bdf);
			return 1;
		}
		if (f->len == sizeof(f->buf))
			f->len = 0;	/* a line longer than any event: drop it */
		n = read(f->fd, f->buf + f->len, sizeof(f->buf) - f->len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n < 0)
			return svff_err_set(err, errno, "event FIFO: %s", strerror(errno));
		if (n == 0)
			return 0;
		f->len += (size_t)n;
	}
}

static void fifo_free(struct svff_evsrc *src)
{
	struct fifo_src *f = (struct fifo_src *)src;

	if (!f)
		return;
	close(f->fd);
	free(f);
}

static const struct svff_evsrc_ops fifo_ops = {
	.name = "FIFO", .fd = fifo_fd, .next = fifo_next, .free = fifo_free,
};

int svff_fifo_source_from_fd(int fd, struct svff_evsrc **out, struct svff_err *err)
{
	struct fifo_src *f = calloc(1, sizeof(*f));

	*out = NULL;
	if (!f)
		return svff_err_set(err, ENOMEM, "out of memory");
	f->fd = fd;
	f->base.ops = &fifo_ops;
	*out = &f->base;
	return 0;
}

int svff_fifo_source_new(const char *path, struct svff_evsrc **out, struct svff_err *err)
{
	struct fifo_src *f;
	struct stat st;

	*out = NULL;
	if (mkfifo(path, 0600) < 0 && errno != EEXIST)
		return svff_err_set(err, errno, "event FIFO %s: %s", path, strerror(errno));
	if (stat(path, &st) < 0 || !S_ISFIFO(st.st_mode))
		return svff_err_set(err, EINVAL, "event FIFO %s: not a FIFO", path);
	f = calloc(1, sizeof(*f));
	if (!f)
		return svff_err_set(err, ENOMEM, "out of memory");
	/* read-write, so that writers coming and going never give EOF */
	f->fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (f->fd < 0) {
		int e = errno;

		free(f);
		return svff_err_set(err, e, "event FIFO %s: %s", path, strerror(e));
	}
	f->base.ops = &fifo_ops;
	*out = &f->base;
	return 0;
}
