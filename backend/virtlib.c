#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

#define SVFF_VIRTLIB_IMPL
#include "virtlib.h"

struct svff_virtlib svff_virtlib;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct svff_err load_err;

static void *sym(void *lib, const char *soname, const char *name)
{
	void *p = dlsym(lib, name);

	if (!p)
		svff_err_set(&load_err, ENOSYS, "%s has no %s (svff needs libvirt 8.0 or newer)", soname, name);
	return p;
}

/* The libraries by their sonames, as the linker would have named them. */
static void load(void)
{
	struct svff_virtlib t = { 0 };
	void *lib = dlopen("libvirt.so.0", RTLD_NOW | RTLD_LOCAL);
	void *qemu = lib ? dlopen("libvirt-qemu.so.0", RTLD_NOW | RTLD_LOCAL) : NULL;

	if (!lib || !qemu) {
		svff_err_set(&load_err, ENOENT, "cannot load libvirt (%s); install it (Debian: libvirt0)", dlerror());
		return;
	}
#define SVFF_VIRTLIB_SYM(f) \
	if (!load_err.code) \
		t.f = (__typeof__(t.f))sym(lib, "libvirt.so.0", #f);
	SVFF_VIRTLIB_FUNCS(SVFF_VIRTLIB_SYM)
#undef SVFF_VIRTLIB_SYM
#define SVFF_VIRTLIB_SYM(f) \
	if (!load_err.code) \
		t.f = (__typeof__(t.f))sym(qemu, "libvirt-qemu.so.0", #f);
	SVFF_VIRTLIB_QEMU_FUNCS(SVFF_VIRTLIB_SYM)
#undef SVFF_VIRTLIB_SYM
	/* the libraries stay loaded for the life of the process, as linked
	 * ones would */
	if (!load_err.code)
		svff_virtlib = t;
}

int svff_virtlib_load(struct svff_err *err)
{
	pthread_once(&once, load);
	if (load_err.code) {
		if (err)
			*err = load_err;
		return -load_err.code;
	}
	return 0;
}
