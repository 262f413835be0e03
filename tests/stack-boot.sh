# The full-stack lab's host side, sourced by tests/check-stack and by
# bench/run's stack section.  The guest is the real-kernel lab's (q35 under
# TCG, intel-iommu, emulated NVMe SR-IOV PFs) running the host's own
# userland: the host's / is exported read-only over 9p, and a lab folder
# read-write (svff, the scripts, the inner guests' kernel and initramfs,
# and the logs that come back).  The lab folder is a 9p export of its own
# because the guest mounts a tmpfs on /tmp, which hides the host's /tmp,
# where a fresh clone and the test's scratch folder may live.
#
#   stack_missing                 prints what bootstrap.sh should have installed
#   stack_prepare LAB             fills the folder LAB
#   stack_boot LAB SCRIPT LOG SECS [KEY=VALUE...]
#                                 boots; SCRIPT (in LAB) runs as the guest's
#                                 init; the serial console goes to LOG; the
#                                 words reach SCRIPT as environment variables

STACK_QEMU=qemu-system-x86_64
STACK_KERNEL=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
STACK_KVER=${STACK_KERNEL#/boot/vmlinuz-}

stack_missing() {
	m=""
	$STACK_QEMU --version >/dev/null 2>&1 || m="$m qemu-system-x86"
	[ -r /usr/share/qemu/pvh.bin ] || m="$m qemu-system-data"
	[ -r "$STACK_KERNEL" ] && [ -d "/lib/modules/$STACK_KVER" ] || m="$m linux-image-amd64"
	ldd /bin/busybox 2>&1 | grep -q 'not a dynamic executable' || m="$m busybox-static"
	command -v cpio >/dev/null || m="$m cpio"
	command -v xz >/dev/null || m="$m xz-utils"
	[ -x /usr/sbin/libvirtd ] && [ -x /usr/sbin/virtlogd ] || m="$m libvirt-daemon-system"
	[ -e /usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so ] ||
		m="$m libvirt-daemon-driver-qemu"
	command -v virsh >/dev/null || m="$m libvirt-clients"
	command -v jq >/dev/null || m="$m jq"
	echo "$m"
}

# An initramfs from the folder $1 into the file $2 (uncompressed: the
# kernel unpacks it without inflating anything, which counts under TCG).
stack_cpio() {
	(cd "$1" && find . | cpio -o -H newc --quiet) >"$2"
}

stack_prepare() {
	lab=$1
	mkdir -p "$lab/out"
	# Debian's kernel without its xz wrapper: QEMU boots the ELF through
	# its PVH entry, so no firmware loads a compressed image and no
	# decompressor runs (under TCG inside TCG that was most of the
	# 45 s an inner guest spent before its kernel started).
	off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$STACK_KERNEL" | head -1 | cut -d: -f1)
	[ -n "$off" ] || { echo "no xz payload in $STACK_KERNEL"; return 1; }
	tail -c +$((off + 1)) "$STACK_KERNEL" | xz -dc --single-stream >"$lab/vmlinux" 2>/dev/null
	od -An -tx1 -N4 "$lab/vmlinux" | grep -q '7f 45 4c 46' ||
		{ echo "$STACK_KERNEL did not unpack to an ELF kernel"; return 1; }

	# the outer guest's initramfs: busybox, 9p, and stack-outer-init
	r="$lab/outer.d"
	rm -rf "$r"
	mkdir -p "$r/bin" "$r/proc" "$r/sys" "$r/dev" "$r/newroot" "$r/lib/modules/$STACK_KVER"
	cp /bin/busybox "$r/bin/busybox"
	cp /lib/modules/"$STACK_KVER"/modules.* "$r/lib/modules/$STACK_KVER/"
	for m in virtio_pci 9pnet_virtio 9p; do
		for ko in $(modprobe --show-depends -S "$STACK_KVER" "$m" | awk '$1 == "insmod" { print $2 }'); do
			mkdir -p "$r$(dirname "$ko")"
			cp "$ko" "$r$ko"
		done
	done
	cp "$top_srcdir/tests/stack-outer-init" "$r/init"
	chmod +x "$r/init"
	stack_cpio "$r" "$lab/outer.cpio" || return 1
	rm -rf "$r"

	# the inner guests' initramfs: a static busybox and stack-inner-init
	r="$lab/inner.d"
	rm -rf "$r"
	mkdir -p "$r/bin" "$r/proc" "$r/sys" "$r/dev"
	cp /bin/busybox "$r/bin/busybox"
	cp "$top_srcdir/tests/stack-inner-init" "$r/init"
	chmod +x "$r/init"
	stack_cpio "$r" "$lab/inner.cpio" || return 1
	rm -rf "$r"
}

stack_boot() {
	lab=$1 script=$2 log=$3 secs=$4
	shift 4
	# Two NVMe PFs behind their own root ports: rp0's has 4 VFs, each in
	# its own IOMMU group (QEMU's root ports have ACS); rp1 has ACS off
	# (disable-acs), so its PF and its 2 VFs share the port's group: a
	# group that is not viable while nvme holds the PF.
	timeout "$secs" $STACK_QEMU -M q35,kernel-irqchip=split -accel tcg -m 3G -smp 2 \
		-nographic -no-reboot -nic none \
		-device intel-iommu,intremap=on,caching-mode=on \
		-kernel "$lab/vmlinux" -initrd "$lab/outer.cpio" \
		-append "console=ttyS0 intel_iommu=on quiet panic=-1 cryptomgr.notests STACK_SCRIPT=$script $*" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-virtfs "local,path=$lab,mount_tag=lab,security_model=none,multidevs=remap" \
		-device pcie-root-port,id=rp0,chassis=1,slot=1 \
		-device nvme-subsys,id=subsys0 \
		-device nvme,serial=svffstack0,bus=rp0,subsys=subsys0,sriov_max_vfs=4,sriov_vq_flexible=8,sriov_vi_flexible=4,max_ioqpairs=12,msix_qsize=6 \
		-device pcie-root-port,id=rp1,chassis=2,slot=2,disable-acs=on \
		-device nvme-subsys,id=subsys1 \
		-device nvme,serial=svffstack1,bus=rp1,subsys=subsys1,sriov_max_vfs=2,sriov_vq_flexible=4,sriov_vi_flexible=2,max_ioqpairs=8,msix_qsize=4 \
		</dev/null >"$log" 2>&1
}
