# The full-stack lab's guest side, sourced by its scripts (tests/stack-guest.sh
# for make check-stack, bench/stack-guest.sh for the figures).  They run as
# the guest's init on the host's own userland (tests/stack-outer-init):
# this sets up what a host's boot would (writable state, virtlogd, libvirtd
# with its QEMU driver), defines the inner guests' domains and reads their
# serial consoles.  Everything the host should see afterwards goes to
# $OUT, the writable 9p share.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C
LAB=/run/lab
OUT=$LAB/out
SVFF="$LAB/svff -f $LAB/svff.conf"
exec 2>&1

# ---- verdicts over the serial console, as in tests/kernel-guest.sh ------------
ok() { echo "SVFF-TEST ok $1"; }
not_ok() { echo "SVFF-TEST not ok $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/SVFF-LOG /'; }
info() { echo "SVFF-INFO $*"; }
# shows a command's output in the log
show() { printf '%s\n' "$1" | sed 's/^/  | /'; }
# check NAME CMD...: CMD must succeed; its output goes to the log either way
check() {
	name=$1; shift
	if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name (exit $?)" "$out"; fi
	show "$out"
}
# refuse NAME NEEDLE CMD...: CMD must fail and say NEEDLE
refuse() {
	name=$1 needle=$2; shift 2
	if out=$("$@" 2>&1); then not_ok "$name (it succeeded)" "$out"
	else case "$out" in *"$needle"*) ok "$name" ;; *) not_ok "$name: '$needle' not said" "$out" ;; esac; fi
	show "$out"
}
is() { # NAME GOT WANT
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: got '$2', expected '$3'"; fi
}
now() { date +%s.%N | cut -c1-14; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# ---- the host's boot: state, modules, daemons ----------------------------------
stack_setup() {
	hostname svff-stack
	mkdir -p /dev/pts /dev/shm /dev/mqueue
	mount -t devpts -o gid=5,mode=620,ptmxmode=000 devpts /dev/pts
	mount -t tmpfs -o mode=1777 shm /dev/shm
	mount -t mqueue mqueue /dev/mqueue 2>/dev/null
	mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
	for d in /var/lib/libvirt /var/cache/libvirt /var/log/libvirt /etc/libvirt /root; do
		mount -t tmpfs -o mode=755 state "$d" || { not_ok "lab: a tmpfs on $d"; return 1; }
	done
	# libvirt's configuration, the lab's own: what a host's admin sets up,
	# minus what this guest lacks (no SELinux/AppArmor, no other user)
	cat >/etc/libvirt/libvirtd.conf <<-CONF
	unix_sock_group = "root"
	unix_sock_rw_perms = "0770"
	auth_unix_ro = "none"
	auth_unix_rw = "none"
	log_outputs = "2:file:/var/log/libvirt/libvirtd.log"
	CONF
	cat >/etc/libvirt/qemu.conf <<-CONF
	user = "root"
	group = "root"
	security_driver = "none"
	dynamic_ownership = 0
	remember_owner = 0
	stdio_handler = "logd"
	seccomp_sandbox = 0
	CONF
	echo 'uri_default = "qemu:///system"' >/etc/libvirt/libvirt.conf
	for m in nvme vfio-pci vfio_iommu_type1; do
		modprobe "$m" || { not_ok "lab: modprobe $m"; return 1; }
	done
	t=$(now)
	virtlogd -d || { not_ok "lab: virtlogd -d"; return 1; }
	libvirtd -d || { not_ok "lab: libvirtd -d"; return 1; }
	i=0
	until virsh -q version >/tmp/version 2>&1; do
		i=$((i + 1))
		[ "$i" -lt 120 ] || { not_ok "lab: libvirtd answers" "$(cat /tmp/version)"; return 1; }
		sleep 1
	done
	info "libvirtd up and QEMU probed in $(since "$t") s: $(tr '\n' ' ' </tmp/version)"
}

# Keeps libvirt's logs with the test's.
stack_collect() {
	mkdir -p "$OUT/libvirt"
	cp -r /var/log/libvirt/. "$OUT/libvirt/" 2>/dev/null
	for x in /run/libvirt/qemu/*.xml; do [ -e "$x" ] && cp "$x" "$OUT/libvirt/status-$(basename "$x")"; done
}

# stack_end: the verdicts are out before the power goes (a power-off can
# take the 9p root away from under this script)
stack_end() {
	stack_collect
	echo "SVFF-END"
	sync
	/bin/busybox poweroff -f
}

# ---- the inner guests --------------------------------------------------------------

# The kernel's command line for the inner guests: quiet, and without what
# costs tens of seconds under TCG inside TCG and none of the checks needs
# (crypto self-tests, the W+X scan of rodata, patching out the lock
# prefixes for one CPU, unused initcalls).
INNER_CMDLINE="console=ttyS0 quiet panic=-1 cryptomgr.notests rodata=off noreplace-smp 8250.nr_uarts=1 initcall_blacklist=init_kprobe_trace,crypto_kdf108_init,cubictcp_register,load_system_certificate_list,inet6_init,init_ima,init_encrypted,cmos_init,i8042_init,agp_intel_init,agp_amd64_mod_init,hpet_init,msr_init,blake2s_mod_init,init_zswap"

# stack_domain NAME [EMULATOR] [acpi|pciehp]: defines a q35 TCG domain (no
# disk, no network) that boots the inner guest from $LAB, its serial
# console in $OUT/NAME.serial.  pciehp turns QEMU's ACPI PCI hotplug off,
# so the inner kernel's native PCIe hotplug (pciehp) handles the root ports.
stack_domain() {
	name=$1 emulator=${2:-/usr/bin/qemu-system-x86_64} hotplug=${3:-acpi}
	args=""
	[ "$hotplug" = pciehp ] &&
		args="<qemu:arg value='-global'/><qemu:arg value='ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off'/>"
	# a QEMU built elsewhere finds Debian's firmware there too
	[ "$emulator" = /usr/bin/qemu-system-x86_64 ] || args="$args<qemu:arg value='-L'/><qemu:arg value='/usr/share/qemu'/>"
	extra=""
	[ -n "$args" ] && extra="<qemu:commandline>$args</qemu:commandline>"
	: >"$OUT/$name.serial"
	cat >"$OUT/$name.xml" <<-XML
	<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
	  <name>$name</name>
	  <memory unit='MiB'>192</memory>
	  <vcpu>1</vcpu>
	  <os>
	    <type arch='x86_64' machine='q35'>hvm</type>
	    <kernel>$LAB/vmlinux</kernel>
	    <initrd>$LAB/inner.cpio</initrd>
	    <cmdline>$INNER_CMDLINE</cmdline>
	  </os>
	  <features><acpi/><apic/></features>
	  <on_poweroff>destroy</on_poweroff>
	  <on_reboot>destroy</on_reboot>
	  <on_crash>destroy</on_crash>
	  <devices>
	    <emulator>$emulator</emulator>
	    <controller type='pci' model='pcie-root'/>
	    <controller type='pci' model='pcie-root-port'/>
	    <controller type='pci' model='pcie-root-port'/>
	    <controller type='pci' model='pcie-root-port'/>
	    <controller type='usb' model='none'/>
	    <serial type='file'><source path='$OUT/$name.serial'/><target port='0'/></serial>
	    <memballoon model='none'/>
	  </devices>
	  $extra
	</domain>
	XML
	virsh -q define "$OUT/$name.xml" >/dev/null
}

serial() { tr -d '\r' <"$OUT/$1.serial"; }
# the number of lines of NAME's console so far: a mark to look after
mark() { serial "$1" | wc -l; }
# inner_wait NAME PATTERN [SECS] [MARK]: until a console line after MARK
# matches PATTERN (an ERE); prints it
inner_wait() {
	i=0
	while [ "$i" -lt "$((${3:-30} * 5))" ]; do
		line=$(serial "$1" | tail -n +"$((${4:-0} + 1))" | grep -aE -m1 "$2") && { echo "$line"; return 0; }
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}
# the inner guest's last PCI list
inner_list() { serial "$1" | grep -a '^INNER-PCI ' | tail -1; }
# whether the inner guest's last list has an NVMe function (QEMU's NVMe
# VFs show as 1b36:0010; nothing else in the inner guests does)
inner_has_vf() { inner_list "$1" | grep -q '=1b36:0010'; }

# domain state helpers
vm_pid() { cat "/run/libvirt/qemu/$1.pid" 2>/dev/null; }
vm_xml() { virsh -q dumpxml "$1"; }
# vm_hostdev VM BDF: the alias of BDF's hostdev in VM's live XML ("" if none)
vm_hostdev() {
	b=${2#0000:}
	bus=${b%%:*}; rest=${b#*:}; slot=${rest%%.*}; fn=${rest#*.}
	vm_xml "$1" | awk -v want="bus='0x$bus' slot='0x$slot' function='0x$fn'" '
		/<hostdev / { in_hd = 1; src = 0; alias = "" }
		in_hd && /<source>/ { s = 1 }
		in_hd && s && index($0, want) { src = 1 }
		in_hd && /<\/source>/ { s = 0 }
		in_hd && /<alias name=/ { a = $0; sub(/.*name=./, "", a); sub(/.\/>.*/, "", a); alias = a }
		/<\/hostdev>/ { if (src) { print (alias == "" ? "(no alias)" : alias); found = 1 } in_hd = 0 }'
}
# whether VM's QEMU holds /dev/vfio/GROUP open
vm_holds_group() {
	pid=$(vm_pid "$1")
	[ -n "$pid" ] || return 1
	for fd in /proc/"$pid"/fd/*; do
		[ "$(readlink "$fd")" = "/dev/vfio/$2" ] && return 0
	done
	return 1
}
# the <hostdev> svff attaches for BDF, for virsh
hostdev_xml() {
	b=${1#0000:}
	printf "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x%s' slot='0x%s' function='0x%s'/></source></hostdev>\n" \
		"${b%%:*}" "$(echo "$b" | cut -d: -f2 | cut -d. -f1)" "${b##*.}"
}
drv() {
	if [ -L "/sys/bus/pci/devices/$1/driver" ]; then basename "$(readlink "/sys/bus/pci/devices/$1/driver")"
	else echo none; fi
}
group_of() { basename "$(readlink "/sys/bus/pci/devices/$1/iommu_group")"; }
vf_of() { basename "$(readlink "/sys/bus/pci/devices/$1/virtfn$2")"; }
