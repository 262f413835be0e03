#!/bin/busybox sh
# /init of the real-kernel lab (tests/check-kernel): runs inside a Debian
# kernel under QEMU with an emulated NVMe SR-IOV PF, drives svff against
# the real /sys and the kernel's uevents, and reports each check on the
# serial console as "SVFF-TEST ok|not ok NAME", then "SVFF-END".
/bin/busybox --install -s /bin
export PATH=/bin:/usr/bin HOME=/tmp LANG=C
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs run /run
mount -t tmpfs tmp /tmp
exec 2>&1

ok() { echo "SVFF-TEST ok $1"; }
not_ok() { echo "SVFF-TEST not ok $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/SVFF-LOG /'; }
# check NAME CMD...: CMD must succeed; its output goes to the log either way
check() {
	name=$1; shift
	if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name (exit $?)" "$out"; fi
	printf '%s\n' "$out" | sed 's/^/  | /'
}
# refuse NAME NEEDLE CMD...: CMD must fail and say NEEDLE
refuse() {
	name=$1 needle=$2; shift 2
	if out=$("$@" 2>&1); then not_ok "$name (it succeeded)" "$out"
	else case "$out" in *"$needle"*) ok "$name" ;; *) not_ok "$name: '$needle' not said" "$out" ;; esac; fi
	printf '%s\n' "$out" | sed 's/^/  | /'
}
is() { # NAME GOT WANT
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: got '$2', expected '$3'"; fi
}
# kernel NAME VALUE WANT: a direct write to sriov_numvfs, for the kernel
# model's rules; WANT is "ok" or the error text the shell prints
kernel() {
	err=$( (echo "$2" > "$D/sriov_numvfs") 2>&1 )
	case "$err" in "") got=ok ;; *) got=${err##*: } ;; esac
	echo "SVFF-KERNEL $1 sriov_numvfs $2 -> $got"
	is "kernel: $1" "$got" "$3"
}
vfs() { cat "$D/sriov_numvfs"; }
drv() {
	if [ -L "/sys/bus/pci/devices/$1/driver" ]; then basename "$(readlink "/sys/bus/pci/devices/$1/driver")"
	else echo none; fi
}

for m in nvme vfio-pci; do modprobe "$m" || not_ok "modprobe $m"; done
PF=""
for d in /sys/bus/pci/devices/*; do
	[ -e "$d/sriov_totalvfs" ] && PF=$(basename "$d") && break
done
D=/sys/bus/pci/devices/$PF
echo "SVFF-INFO kernel $(uname -r), PF $PF, sriov_totalvfs $(cat "$D/sriov_totalvfs" 2>/dev/null)"
is "an SR-IOV PF exists" "${PF:+yes}" yes
SVFF="svff -c test:///default -f /etc/svff.conf"
cat >/etc/svff.conf <<CONF
allow = ( "$PF" );
pfs = ( { pf = "$PF"; num_vfs = 2; vf_driver = "vfio-pci"; } );
CONF

# ---- what svff sees -----------------------------------------------------------
check "status" $SVFF status
$SVFF status --json >/tmp/s.json 2>/tmp/s.err
is "status --json: exit 0" "$?" 0
tr -d ' \n' </tmp/s.json >/tmp/s1.json
case "$(cat /tmp/s1.json)" in
*"\"bdf\":\"$PF\",\"role\":\"pf\""*'"total_vfs":4'*) ok "status --json sees the PF with 4 VFs possible" ;;
*) not_ok "status --json sees the PF" "$(head -c 3000 /tmp/s1.json)" ;;
esac
case "$(cat /tmp/s1.json)" in
*'"connected":true'*) ok "status --json: libvirt loaded and connected" ;;
*) not_ok "status --json: libvirt connected" "$(cat /tmp/s.err)" ;;
esac

# ---- the kernel's own rules, as the fixtures' kernel model has them --------------
kernel "above sriov_totalvfs" 9 "Numerical result out of range"
kernel "not a number" two "Invalid argument"
kernel "enable 1" 1 ok
kernel "a new count while VFs exist" 2 "Device or resource busy"
kernel "the same count" 1 ok
kernel "disable" 0 ok
# sriov_drivers_autoprobe off: a new VF comes up without a driver (svff
# relies on it: nvme took a new VF and held it past a bind's timeout)
echo 0 >"$D/sriov_drivers_autoprobe"
kernel "enable 1, autoprobe off" 1 ok
VF=$(basename "$(readlink "$D/virtfn0")")
echo "SVFF-KERNEL autoprobe off: VF $VF driver $(drv "$VF")"
is "kernel: autoprobe off leaves the new VF without a driver" "$(drv "$VF")" none
kernel "disable again" 0 ok
echo 1 >"$D/sriov_drivers_autoprobe"

# ---- init: VFs created, bound to vfio-pci ------------------------------------------
check "init --dry-run" $SVFF init --dry-run
is "dry run changed nothing" "$(vfs)" 0
check "init" $SVFF init
is "init: 2 VFs" "$(vfs)" 2
for l in "$D"/virtfn*; do
	vf=$(basename "$(readlink "$l")")
	is "init: VF $vf on vfio-pci" "$(drv "$vf")" vfio-pci
	g=$(basename "$(readlink "/sys/bus/pci/devices/$vf/iommu_group")")
	if [ -e "/dev/vfio/$g" ]; then ok "init: /dev/vfio/$g appeared"; else not_ok "init: no /dev/vfio/$g"; fi
done
out=$($SVFF init 2>&1)
case "$out" in *"nothing to do"*) ok "init twice: nothing to do" ;; *) not_ok "init twice" "$out" ;; esac

# ---- reconf through 0, unbind and bind ----------------------------------------------
check "reconf to 3" $SVFF reconf "$PF" --numvfs 3 --yes
is "reconf: 3 VFs" "$(vfs)" 3
VF0=$(basename "$(readlink "$D/virtfn0")")
is "reconf: VF 0 back on vfio-pci" "$(drv "$VF0")" vfio-pci
check "unbind VF 0" $SVFF unbind "$VF0"
is "unbound" "$(drv "$VF0")" none
check "bind VF 0 to vfio-pci" $SVFF bind "$VF0" vfio-pci
is "bound" "$(drv "$VF0")" vfio-pci

# ---- refusals in svff's words ---------------------------------------------------------
refuse "more VFs than sriov_totalvfs" "has at most 4 VFs (sriov_totalvfs), not 9" $SVFF reconf "$PF" --numvfs 9 --yes
refuse "the PF's driver while it has VFs" "is a PF with 3 VFs: its driver must stay" $SVFF unbind "$PF"
refuse "a driver that is not loaded" "driver nvme-fake is not loaded" $SVFF bind "$VF0" nvme-fake
is "refusals changed nothing" "$(vfs)" 3

# ---- teardown ----------------------------------------------------------------------------
check "reconf to 0" $SVFF reconf "$PF" --numvfs 0 --yes
is "teardown: 0 VFs" "$(vfs)" 0
is "teardown: no virtfn links" "$(ls "$D" | grep -c virtfn)" 0

echo "SVFF-END"
poweroff -f
