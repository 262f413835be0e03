#!/bin/sh
# svff's two commands.  On a fresh Debian 12 machine:
#
#   ./bootstrap.sh demo    install what is missing, build, start the demo
#   ./bootstrap.sh check   install what is missing, build, run every test
#
# Packages are installed only when missing (apt-get, as root or via sudo);
# on a machine that has them all this script installs nothing.
set -eu
cd "$(dirname "$0")"

mode="${1:-demo}"
case "$mode" in
demo|check|build|deps) ;;
*) echo "usage: $0 [demo|check|build|deps]" >&2; exit 2 ;;
esac

# Build tools and libraries (the Debian names ./configure asks for).
PKGS="build-essential autoconf automake autoconf-archive pkg-config
libncurses-dev libvirt-dev libpci-dev pci.ids libudev-dev libconfig-dev libjson-c-dev libxml2-dev libmnl-dev"
# What the tests need on top: cmocka, umockdev (fake udev), tmux (console
# tests), valgrind, pciutils (lspci cross-checks the fixture hosts), jq,
# virt-xml-validate (libvirt-clients), for the real-QEMU and libvirtd
# tests QEMU and the libvirt daemon with its QEMU driver, for the
# real-kernel lab (tests/check-kernel) a Debian kernel, a static busybox
# and cpio for its initramfs, xz-utils to unpack that kernel for the
# full-stack lab's PVH boot (tests/check-stack), and what qemu/build needs
# to build the SVFF QEMU (Debian's qemu source with the device_pause
# patches).
TEST_PKGS="libcmocka-dev umockdev libumockdev-dev tmux valgrind pciutils jq libvirt-clients
qemu-system-x86 libvirt-daemon-system libvirt-daemon-driver-qemu
linux-image-amd64 busybox-static cpio xz-utils
dpkg-dev python3 meson ninja-build libglib2.0-dev libpixman-1-dev libfdt-dev zlib1g-dev flex bison"

want="$PKGS"
[ "$mode" = check ] && want="$want $TEST_PKGS"

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	echo "bootstrap: installing missing Debian packages:$missing"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
[ "$mode" = deps ] && exit 0

configure_flags=""
[ "$mode" = check ] && configure_flags="--enable-werror"
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt configure ]; then
	autoreconf -fi
fi
if [ ! -f Makefile ] || [ config.status -ot configure ] || \
   ! grep -q -- "'$configure_flags'\|ac_cs_config=\"'$configure_flags'\"" config.status 2>/dev/null; then
	./configure -q $configure_flags
fi
make -j"$(nproc)"

case "$mode" in
build) ;;
check)
	status=0
	make -j"$(nproc)" check || status=$?
	# One closing line over every check of every test program: cmocka's
	# "[  PASSED  ] N test(s)" / "[  FAILED  ] N test(s)" and the shell
	# tests' "N passed, N failed".
	[ "$status" -eq 0 ] || cat test-suite.log
	cat tests/*.log 2>/dev/null | awk '
		/^\[  PASSED  \] [0-9]+ test/ { p += $4 }
		/^\[  FAILED  \] [0-9]+ test/ { f += $4 }
		/^[0-9]+ passed, [0-9]+ failed$/ { p += $1; f += $3 }
		/^SKIP: / { s++ }
		END { printf "%d passed, %d failed, %d skipped\n", p, f, s }'
	exit "$status"
	;;
demo)
	# The embedded demo lab: two QDMA FPGAs, an SR-IOV NIC and six VMs,
	# simulated in a temporary folder that svff removes when it exits.
	# On a terminal the console, elsewhere the tree.
	if [ -t 0 ] && [ -t 1 ]; then
		exec ./svff --demo
	else
		exec ./svff --demo status --all
	fi
	;;
esac
