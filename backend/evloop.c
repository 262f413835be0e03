/* svff — the one poll() loop of the process (svff/evloop.h), which is
 * libvirt's event implementation too. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>


#include "svff/evloop.h"
#include "virtlib.h"

struct handle {
	int id, fd, events;
	svff_loop_fd_cb cb;
	void *opaque;
	svff_loop_free_cb ff;
	bool deleted;
};

struct timer {
	int id, interval;
	long long expires;
	svff_loop_timer_cb cb;
	void *opaque;
	svff_loop_free_cb ff;
	bool deleted;
};

static struct {
	pthread_mutex_t lock;
	bool ready;
	bool libvirt;			/* libvirt's events come through this loop */
	int wakefd;
	struct handle *handles;
	size_t n_handles, cap_handles;
	struct timer *timers;
	size_t n_timers, cap_timers;
	int next_id;
} L = { .lock = PTHREAD_MUTEX_INITIALIZER, .wakefd = -1, .next_id = 1 };

long long svff_loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void svff_loop_wakeup(void)
{
	uint64_t one = 1;

	if (L.wakefd >= 0 && write(L.wakefd, &one, sizeof(one)) < 0) {
		/* the counter is full: a wake-up is pending anyway */
	}
}

int svff_loop_add_fd(int fd, int events, svff_loop_fd_cb cb, void *opaque, svff_loop_free_cb ff)
{
	int id;

	pthread_mutex_lock(&L.lock);
	if (L.n_handles == L.cap_handles) {
		size_t cap = L.cap_handles ? L.cap_handles * 2 : 16;
		struct handle *h = realloc(L.handles, cap * sizeof(*h));

		if (!h) {
			pthread_mutex_unlock(&L.lock);
			return -1;
		}
		L.handles = h;
		L.cap_handles = cap;
	}
	id = L.next_id++;
	L.handles[L.n_handles++] = (struct handle){ .id = id, .fd = fd, .events = events,
						    .cb = cb, .opaque = opaque, .ff = ff };
	pthread_mutex_unlock(&L.lock);
	svff_loop_wakeup();
	return id;
}

void svff_loop_update_fd(int watch, int events)
{
	pthread_mutex_lock(&L.lock);
	for (size_t i = 0; i < L.n_handles; i++)
		if (L.handles[i].id == watch && !L.handles[i].deleted)
			L.handles[i].events = events;
	pthread_mutex_unlock(&L.lock);
	svff_loop_wakeup();
}

/* Removal only marks: the free callback runs after dispatch, never from
 * inside the caller's remove (libvirt's rule). */
int svff_loop_remove_fd(int watch)
{
	int rc = -1;

	pthread_mutex_lock(&L.lock);
	for (size_t i = 0; i < L.n_handles; i++) {
		if (L.handles[i].id == watch && !L.handles[i].deleted) {
			L.handles[i].deleted = true;
			rc = 0;
		}
	}
	pthread_mutex_unlock(&L.lock);
	svff_loop_wakeup();
	return rc;
}

int svff_loop_add_timer(int interval_ms, svff_loop_timer_cb cb, void *opaque, svff_loop_free_cb ff)
{
	int id;

	pthread_mutex_lock(&L.lock);
	if (L.n_timers == L.cap_timers) {
		size_t cap = L.cap_timers ? L.cap_timers * 2 : 16;
		struct timer *t = realloc(L.timers, cap * sizeof(*t));

		if (!t) {
			pthread_mutex_unlock(&L.lock);
			return -1;
		}
		L.timers = t;
		L.cap_timers = cap;
	}
	id = L.next_id++;
	L.timers[L.n_timers++] = (struct timer){
		.id = id, .interval = interval_ms, .cb = cb, .opaque = opaque, .ff = ff,
		.expires = interval_ms >= 0 ? svff_loop_now_ms() + interval_ms : 0,
	};
	pthread_mutex_unlock(&L.lock);
	svff_loop_wakeup();
	return id;
}

void svff_loop_update_timer(int timer, int interval_ms)
{
	pthread_mutex_lock(&L.lock);
	for (size_t i = 0; i < L.n_timers; i++) {
		if (L.timers[i].id == timer && !L.timers[i].deleted) {
			L.timers[i].interval = interval_ms;
			if (interval_ms >= 0)
				L.timers[i].expires = svff_loop_now_ms() + interval_ms;
		}
	}
	pthread_mutex_unlock(&L.lock);
	svff_loop_wakeup();
}

int svff_loop_remove_timer(int timer)
{
	int rc = -1;

	pthread_mutex_lock(&L.lock);
	for (size_t i = 0; i < L.n_timers; i++) {
		if (L.timers[i].id == timer && !L.timers[i].deleted) {
			L.timers[i].deleted = true;
			rc = 0;
		}
	}
	pthread_mutex_unlock(&L.lock);
	svff_loop_wakeup();
	return rc;
}

static void reap(void)
{
	size_t j;

	pthread_mutex_lock(&L.lock);
	for (size_t i = 0; i < L.n_handles;) {
		if (L.handles[i].deleted) {
			struct handle h = L.handles[i];

			L.handles[i] = L.handles[--L.n_handles];
			if (h.ff) {
				pthread_mutex_unlock(&L.lock);
				h.ff(h.opaque);
				pthread_mutex_lock(&L.lock);
			}
			continue;
		}
		i++;
	}
	for (j = 0; j < L.n_timers;) {
		if (L.timers[j].deleted) {
			struct timer t = L.timers[j];

			L.timers[j] = L.timers[--L.n_timers];
			if (t.ff) {
				pthread_mutex_unlock(&L.lock);
				t.ff(t.opaque);
				pthread_mutex_lock(&L.lock);
			}
			continue;
		}
		j++;
	}
	pthread_mutex_unlock(&L.lock);
}

int svff_loop_run_once(int timeout_ms)
{
	struct pollfd *pfd;
	int *ids;
	size_t n, i;
	long long now = svff_loop_now_ms(), deadline = timeout_ms >= 0 ? now + timeout_ms : -1;
	int wait, rc;

	pthread_mutex_lock(&L.lock);
	/* the nearest timer shortens the wait */
	for (i = 0; i < L.n_timers; i++) {
		struct timer *t = &L.timers[i];

		if (t->deleted || t->interval < 0)
			continue;
		if (deadline < 0 || t->expires < deadline)
			deadline = t->expires;
	}
	wait = deadline < 0 ? -1 : deadline <= now ? 0 : (int)(deadline - now);
	n = L.n_handles;
	pfd = calloc(n + 1, sizeof(*pfd));
	ids = calloc(n + 1, sizeof(*ids));
	if (!pfd || !ids) {
		pthread_mutex_unlock(&L.lock);
		free(pfd);
		free(ids);
		return -ENOMEM;
	}
	pfd[0] = (struct pollfd){ .fd = L.wakefd, .events = POLLIN };
	for (i = 0; i < n; i++) {
		struct handle *h = &L.handles[i];

		ids[i + 1] = h->id;
		pfd[i + 1] = (struct pollfd){ .fd = h->deleted || !h->events ? -1 : h->fd,
					      .events = (short)h->events };
	}
	pthread_mutex_unlock(&L.lock);

	rc = poll(pfd, n + 1, wait);
	if (rc < 0 && errno != EINTR) {
		rc = -errno;
		free(pfd);
		free(ids);
		return rc;
	}
	if (pfd[0].revents & POLLIN) {
		uint64_t v;

		if (read(L.wakefd, &v, sizeof(v)) < 0) {
			/* nothing to drain */
		}
	}
	/* timers due */
	now = svff_loop_now_ms();
	for (i = 0;; i++) {
		svff_loop_timer_cb cb = NULL;
		void *opaque = NULL;
		int id = 0;

		pthread_mutex_lock(&L.lock);
		if (i >= L.n_timers) {
			pthread_mutex_unlock(&L.lock);
			break;
		}
		if (!L.timers[i].deleted && L.timers[i].interval >= 0 && L.timers[i].expires <= now) {
			L.timers[i].expires = now + L.timers[i].interval;
			cb = L.timers[i].cb;
			opaque = L.timers[i].opaque;
			id = L.timers[i].id;
		}
		pthread_mutex_unlock(&L.lock);
		if (cb)
			cb(id, opaque);
	}
	/* ready fds: look each up again, a callback may have removed it */
	for (i = 1; rc > 0 && i <= n; i++) {
		svff_loop_fd_cb cb = NULL;
		void *opaque = NULL;
		int fd = -1;

		if (!pfd[i].revents)
			continue;
		pthread_mutex_lock(&L.lock);
		for (size_t k = 0; k < L.n_handles; k++) {
			if (L.handles[k].id == ids[i] && !L.handles[k].deleted) {
				cb = L.handles[k].cb;
				opaque = L.handles[k].opaque;
				fd = L.handles[k].fd;
			}
		}
		pthread_mutex_unlock(&L.lock);
		if (cb)
			cb(ids[i], fd, pfd[i].revents, opaque);
	}
	free(pfd);
	free(ids);
	reap();
	return 0;
}

/* ---- libvirt's view --------------------------------------------------------- */

static int to_poll(int ev)
{
	return (ev & VIR_EVENT_HANDLE_READABLE ? POLLIN : 0) |
	       (ev & VIR_EVENT_HANDLE_WRITABLE ? POLLOUT : 0) |
	       (ev & VIR_EVENT_HANDLE_ERROR ? POLLERR : 0) |
	       (ev & VIR_EVENT_HANDLE_HANGUP ? POLLHUP : 0);
}

static int from_poll(int ev)
{
	return (ev & POLLIN ? VIR_EVENT_HANDLE_READABLE : 0) |
	       (ev & POLLOUT ? VIR_EVENT_HANDLE_WRITABLE : 0) |
	       (ev & (POLLERR | POLLNVAL) ? VIR_EVENT_HANDLE_ERROR : 0) |
	       (ev & POLLHUP ? VIR_EVENT_HANDLE_HANGUP : 0);
}

struct virt_handle {
	virEventHandleCallback cb;
	void *opaque;
	virFreeCallback ff;
};

static void virt_fd_cb(int watch, int fd, int events, void *opaque)
{
	struct virt_handle *vh = opaque;

	vh->cb(watch, fd, from_poll(events), vh->opaque);
}

static void virt_handle_free(void *opaque)
{
	struct virt_handle *vh = opaque;

	if (vh->ff)
		vh->ff(vh->opaque);
	free(vh);
}

static int virt_add_handle(int fd, int events, virEventHandleCallback cb, void *opaque,
			   virFreeCallback ff)
{
	struct virt_handle *vh = malloc(sizeof(*vh));
	int id;

	if (!vh)
		return -1;
	*vh = (struct virt_handle){ .cb = cb, .opaque = opaque, .ff = ff };
	id = svff_loop_add_fd(fd, to_poll(events), virt_fd_cb, vh, virt_handle_free);
	if (id < 0)
		free(vh);
	return id;
}

static void virt_update_handle(int watch, int events)
{
	svff_loop_update_fd(watch, to_poll(events));
}

struct virt_timer {
	virEventTimeoutCallback cb;
	void *opaque;
	virFreeCallback ff;
};

static void virt_timer_cb(int timer, void *opaque)
{
	struct virt_timer *vt = opaque;

	vt->cb(timer, vt->opaque);
}

static void virt_timer_free(void *opaque)
{
	struct virt_timer *vt = opaque;

	if (vt->ff)
		vt->ff(vt->opaque);
	free(vt);
}

static int virt_add_timeout(int timeout, virEventTimeoutCallback cb, void *opaque, virFreeCallback ff)
{
	struct virt_timer *vt = malloc(sizeof(*vt));
	int id;

	if (!vt)
		return -1;
	*vt = (struct virt_timer){ .cb = cb, .opaque = opaque, .ff = ff };
	id = svff_loop_add_timer(timeout, virt_timer_cb, vt, virt_timer_free);
	if (id < 0)
		free(vt);
	return id;
}

int svff_loop_init(struct svff_err *err)
{
	if (L.ready)
		return 0;
	L.wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (L.wakefd < 0)
		return svff_err_set(err, errno, "event loop: eventfd: %s", strerror(errno));
	L.ready = true;
	return 0;
}

void svff_loop_attach_libvirt(void)
{
	pthread_mutex_lock(&L.lock);
	if (L.ready && !L.libvirt) {
		virEventRegisterImpl(virt_add_handle, virt_update_handle, svff_loop_remove_fd,
				     virt_add_timeout, svff_loop_update_timer, svff_loop_remove_timer);
		L.libvirt = true;
	}
	pthread_mutex_unlock(&L.lock);
}
