#!/bin/sh
# The full-stack lab's figures (bench/stack boots it): in the lab's guest,
# on real libvirtd, real QEMU and real VFIO passthrough of the kernel's
# NVMe VFs, svff attach and detach against virsh attach-device and
# detach-device on the same VF and VM, and the downtime per VM of a reconf
# on the detach path, with one VM under QEMU's ACPI PCI hotplug (q35's
# default) and one under the guest's native PCIe hotplug (pciehp).  Each
# figure is an "SVFF-BENCH" line: median (min, max) of STACK_RUNS runs.
. /run/lab/stack-guestlib.sh
RUNS=${STACK_RUNS:-5}
stack_setup || stack_end

PF=""
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/sriov_totalvfs" 2>/dev/null)" = 4 ] && PF=$(basename "$d")
done
[ -n "$PF" ] || { not_ok "bench: no PF with 4 VFs"; stack_end; }
cat >"$LAB/svff.conf" <<CONF
allow = ( "$PF" );
pfs = ( { pf = "$PF"; num_vfs = 2; vf_driver = "vfio-pci"; } );
CONF
stack_domain bench-acpi /usr/bin/qemu-system-x86_64 acpi
stack_domain bench-pciehp /usr/bin/qemu-system-x86_64 pciehp
t=$(now)
virsh -q start bench-acpi >/dev/null & virsh -q start bench-pciehp >/dev/null &
wait
$SVFF init >/dev/null || not_ok "bench: svff init"
VF0=$(basename "$(readlink "/sys/bus/pci/devices/$PF/virtfn0")")
VF1=$(basename "$(readlink "/sys/bus/pci/devices/$PF/virtfn1")")
for vm in bench-acpi bench-pciehp; do
	inner_wait "$vm" '^INNER-READY' 600 >/dev/null || { not_ok "bench: $vm's guest did not come up"; stack_end; }
done
echo "SVFF-BENCH two inner guests booted in $(since "$t") s (TCG inside TCG); $RUNS runs of each figure"

# stats: reads numbers, prints "median (min .. max)"; median alone
stats() { sort -n | awk '{ v[NR] = $1 } END { printf "%s (min %s, max %s)", v[int((NR + 1) / 2)], v[1], v[NR] }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
ms() { date +%s%3N; }
# until VM's guest has seen the VF come (add) or go (remove), after MARK
settle() { inner_wait "$1" "^INNER-UEVENT .* $2 .* 1b36:0010" 60 "$3" >/dev/null || echo "SVFF-BENCH   ($1's guest did not see the $2)"; }
# until VF has left VM's live XML; prints the ms it took after START
gone_after() {
	while [ -n "$(vm_hostdev "$1" "$2")" ]; do sleep 0.05; done
	echo $(( $(ms) - $3 ))
}

# ---- attach and detach: svff against virsh, alternately, same VF and VM ----------------
# pair VM VF: the runs on one VM; detach waits for the guest's unplug
# (libvirt's device-removed) in both: svff does so itself, virsh's figure
# runs to the moment the hostdev left the live XML
pair() {
	vm=$1 vf=$2
	hostdev_xml "$vf" >/tmp/hd.xml
	: >/tmp/sa; : >/tmp/va; : >/tmp/sd; : >/tmp/vd; : >/tmp/vr
	for _ in $(seq "$RUNS"); do
		m=$(mark "$vm"); a=$(ms); $SVFF attach "$vf" "$vm" >/dev/null 2>&1; echo $(( $(ms) - a )) >>/tmp/sa
		settle "$vm" add "$m"
		m=$(mark "$vm"); a=$(ms); $SVFF detach "$vf" --timeout 60 >/dev/null 2>&1; echo $(( $(ms) - a )) >>/tmp/sd
		settle "$vm" remove "$m"
		m=$(mark "$vm"); a=$(ms); virsh -q attach-device "$vm" /tmp/hd.xml --live >/dev/null; echo $(( $(ms) - a )) >>/tmp/va
		settle "$vm" add "$m"
		m=$(mark "$vm"); a=$(ms); virsh -q detach-device "$vm" /tmp/hd.xml --live >/dev/null
		echo $(( $(ms) - a )) >>/tmp/vr
		gone_after "$vm" "$vf" "$a" >>/tmp/vd
		settle "$vm" remove "$m"
	done
	sa=$(median </tmp/sa) va=$(median </tmp/va) sd=$(median </tmp/sd) vd=$(median </tmp/vd)
	echo "SVFF-BENCH attach ms ($3):  svff $(stats </tmp/sa)   virsh attach-device $(stats </tmp/va)   ratio $(ratio "$sa" "$va")  (target <= 1.05)"
	echo "SVFF-BENCH detach ms ($3):  svff $(stats </tmp/sd)   virsh detach-device until the device is gone $(stats </tmp/vd)   ratio $(ratio "$sd" "$vd")  (target <= 1.05; virsh itself returned after $(stats </tmp/vr))"
}
pair bench-acpi "$VF0" "ACPI hotplug"
pair bench-pciehp "$VF1" "native pciehp"

# ---- reconf on the detach path: each VM holds one VF of the PF -------------------------------
$SVFF attach "$VF0" bench-acpi >/dev/null && $SVFF attach "$VF1" bench-pciehp >/dev/null ||
	not_ok "bench: attaching the VFs for reconf"
: >/tmp/ra; : >/tmp/rp; : >/tmp/rt
n=3
for _ in $(seq "$RUNS"); do
	a=$(ms)
	out=$($SVFF reconf "$PF" --numvfs "$n" --yes 2>&1) || echo "SVFF-BENCH   (reconf to $n failed: $(echo "$out" | tail -2 | tr '\n' ' '))"
	echo $(( $(ms) - a )) >>/tmp/rt
	echo "$out" | sed -n 's/.*VM bench-acpi: VF 0 away \([0-9]*\) ms.*/\1/p' >>/tmp/ra
	echo "$out" | sed -n 's/.*VM bench-pciehp: VF 1 away \([0-9]*\) ms.*/\1/p' >>/tmp/rp
	n=$((5 - n))	# 3, 2, 3, ...
done
ra=$(median </tmp/ra) rp=$(median </tmp/rp)
echo "SVFF-BENCH reconf downtime ms, detach path, ACPI hotplug:  $(stats </tmp/ra)   kernel floor 1000   ratio $(ratio "$ra" 1000)"
echo "SVFF-BENCH reconf downtime ms, detach path, native pciehp: $(stats </tmp/rp)   kernel floor 1000   ratio $(ratio "$rp" 1000)"
echo "SVFF-BENCH reconf wall ms (both VMs):                  $(stats </tmp/rt)"
echo "SVFF-BENCH reconf downtime, pause path: not measured (Debian's QEMU has no device_pause)"
stack_end
