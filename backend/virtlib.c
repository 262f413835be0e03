/* svff — libvirt and libxml2, loaded at the first connection (virtlib.h). */
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
/* the libraries stay loaded for the life of the process, as linked ones
 * would; their handles are kept so that nothing is lost */
static void *lib_virt, *lib_qemu;

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
	const char *soname;
	void *from;

	lib_virt = dlopen("libvirt.so.0", RTLD_NOW | RTLD_LOCAL);
	lib_qemu = lib_virt ? dlopen("libvirt-qemu.so.0", RTLD_NOW | RTLD_LOCAL) : NULL;

	if (!lib_virt || !lib_qemu) {
		svff_err_set(&load_err, ENOENT, "cannot load libvirt (%s); install it (Debian: libvirt0)", dlerror());
		return;
	}
	/* libxml2 is libvirt's dependency: dlsym on libvirt's handle finds
	 * it (a dlopen of its own would be a second reference to free) */
	from = lib_virt;
	soname = "libvirt.so.0";
#define SVFF_VIRTLIB_SYM(f) \
	if (!load_err.code) \
		t.f = (__typeof__(t.f))sym(from, soname, #f);
	SVFF_VIRTLIB_FUNCS(SVFF_VIRTLIB_SYM)
	SVFF_VIRTLIB_XML_FUNCS(SVFF_VIRTLIB_SYM)
	from = lib_qemu;
	soname = "libvirt-qemu.so.0";
	SVFF_VIRTLIB_QEMU_FUNCS(SVFF_VIRTLIB_SYM)
#undef SVFF_VIRTLIB_SYM
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
