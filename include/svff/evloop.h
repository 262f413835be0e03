/* svff — the event loop: one poll() over every fd svff watches, with
 * timers, that libvirt also uses (virEventRegisterImpl), so libvirt's
 * callbacks run in svff's own thread and nothing polls busily.
 *
 * There is one loop per process, because libvirt's event API has no place
 * for a loop pointer.  Callbacks run without the loop's lock held.
 */
#ifndef SVFF_EVLOOP_H
#define SVFF_EVLOOP_H

#include <stdbool.h>

#include "svff/error.h"

/* events are poll() bits (POLLIN, POLLOUT, POLLERR, POLLHUP) */
typedef void (*svff_loop_fd_cb)(int watch, int fd, int events, void *opaque);
typedef void (*svff_loop_timer_cb)(int timer, void *opaque);
typedef void (*svff_loop_free_cb)(void *opaque);

/* Sets the loop up and registers it with libvirt; idempotent.  Call it
 * before opening any libvirt connection. */
int svff_loop_init(struct svff_err *err);
/* Makes the loop libvirt's event implementation, once libvirt is loaded
 * (virtlib.h) and the loop initialised; before the first connection. */
void svff_loop_attach_libvirt(void);

int svff_loop_add_fd(int fd, int events, svff_loop_fd_cb cb, void *opaque, svff_loop_free_cb ff);
void svff_loop_update_fd(int watch, int events);
int svff_loop_remove_fd(int watch);

/* interval_ms: -1 disabled, 0 every iteration, >0 periodic. */
int svff_loop_add_timer(int interval_ms, svff_loop_timer_cb cb, void *opaque, svff_loop_free_cb ff);
void svff_loop_update_timer(int timer, int interval_ms);
int svff_loop_remove_timer(int timer);

/* Waits at most timeout_ms (-1: until something happens) and dispatches
 * what is ready.  Returns 0, or -errno when poll fails. */
int svff_loop_run_once(int timeout_ms);

/* Wakes a run_once blocked in poll() (safe from any thread). */
void svff_loop_wakeup(void);

/* Monotonic milliseconds. */
long long svff_loop_now_ms(void);

#endif
