# Helpers for svff's shell tests.  Each check counts; the script ends with
# "N passed, N failed" and a non-zero status when anything failed.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
SVFF="$top_builddir/svff"
MKHOST="$top_builddir/svff-mkhost"
passed=0
failed=0
TMP="$(mktemp -d /tmp/svff-shtest-XXXXXX)"
trap 'rm -rf "$TMP"' EXIT

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/#   /'; }

# run CMD...: runs it, keeps stdout in $out, stderr in $err, status in $rc
run() {
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	out="$(cat "$TMP/out")"
	err="$(cat "$TMP/err")"
}

expect_rc() { # NAME WANT
	if [ "$rc" -eq "$2" ]; then ok "$1: exit $2"; else not_ok "$1: exit $rc, expected $2" "$err"; fi
}

expect_in() { # NAME HAYSTACK NEEDLE
	case "$2" in
	*"$3"*) ok "$1" ;;
	*) not_ok "$1: '$3' not found" "$2" ;;
	esac
}

expect_eq() { # NAME GOT WANT
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: got '$2', expected '$3'"; fi
}

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

# A private libvirtd (own socket folder and pid file) serving libvirt's
# test driver: another client's changes reach svff as real events.
# lvd_start DIR: starts it; URI then in $LVD_URI.  lvd_stop DIR.
lvd_start() {
	LIBVIRTD="$(command -v libvirtd || echo /usr/sbin/libvirtd)"
	mkdir -p "$1"
	cat >"$1/libvirtd.conf" <<CONF
unix_sock_dir = "$1"
auth_unix_rw = "none"
auth_unix_ro = "none"
log_outputs = "1:file:$1/libvirtd.log"
CONF
	"$LIBVIRTD" --config "$1/libvirtd.conf" --pid-file "$1/pid" --daemon || return 1
	LVD_URI="test+unix:///default?socket=$1/libvirt-sock"
	for _ in $(seq 50); do [ -S "$1/libvirt-sock" ] && return 0; sleep 0.1; done
	return 1
}
lvd_stop() {
	[ -f "$1/pid" ] && kill "$(cat "$1/pid")" 2>/dev/null
	for _ in $(seq 50); do [ -S "$1/libvirt-sock" ] || return 0; sleep 0.1; done
	return 1
}
lvd_usable() {
	[ -x "$(command -v libvirtd || echo /usr/sbin/libvirtd)" ] && [ "$(id -u)" -eq 0 ]
}

# ---- the console in tmux (tests/test-console, tests/test-demo) ---------------
SOCK="$TMP/tmux"
T="tmux -S $SOCK"

# start NAME COLSxROWS ARGS...: the console in a tmux session; its exit
# status lands in $TMP/NAME.rc
start() {
	name=$1 cols=${2%x*} rows=${2#*x}
	shift 2
	$T new-session -d -s "$name" -x "$cols" -y "$rows" \
		"TERM=${TERM_FOR:-screen-256color} ${START_ENV:-} $SVFF $*; echo \$? >$TMP/$name.rc; sleep 60"
}
screen() { $T capture-pane -p -t "$1"; }
# wait_screen NAME TEXT MS: until TEXT is on the screen, at most MS ms
wait_screen() {
	i=0
	while [ "$i" -lt "$3" ]; do
		screen "$1" | grep -qF -- "$2" && return 0
		sleep 0.05
		i=$((i + 50))
	done
	return 1
}
expect_screen() { # NAME SESSION TEXT [MS]
	if wait_screen "$2" "$3" "${4:-3000}"; then ok "$1"; else not_ok "$1: '$3' not on screen" "$(screen "$2")"; fi
}
expect_not_screen() {
	if screen "$2" | grep -qF -- "$3"; then not_ok "$1: '$3' still on screen" "$(screen "$2")"; else ok "$1"; fi
}

