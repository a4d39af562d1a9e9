#!/usr/bin/env bash
# test_privdrop.sh - least privilege (xflowd(8), LEAST PRIVILEGE) and the
# systemd unit's sandbox (dist/xflowd.service).
#
# For each observation point (pcap, eBPF on TC, AF_XDP) xflowd runs in a
# namespace of its own on a veth, started as root with no more than the
# unit's CapabilityBoundingSet and NoNewPrivileges (setpriv), with --user
# nobody. Once it is set up, /proc/PID/status must show uid and gid nobody,
# no supplementary group but nobody's, every capability set empty and
# no_new_privs; it must still meter and export exactly (nfdump, per flow),
# write --stats-file into a directory only root may enter (opened before
# the drop), read the BPF programs' counters and detach them as nobody.
# Under strace, every system call and socket family it uses must be one
# the unit's SystemCallFilter and RestrictAddressFamilies admit.
# Then: an unknown user is refused (exit 2, nothing started); without
# --user, xflowd becomes xflowd when that user exists (else nobody) and its
# control socket is root:xflowd 0660; --no-drop and --user '' keep root, and a non-root xflowd cannot ask for another user.
. "$(dirname "$0")/lib.sh"
. "$XF_HERE/bpf_lib.sh"
need_xflowd
need_scapy
need_cmd ip tcpreplay nfcapd nfdump ss setpriv
[ "$(id -u)" = 0 ] || skip "needs root for namespaces and the privilege drop"
UNIT=$XF_ROOT/dist/xflowd.service
[ -f "$UNIT" ] || { fail "no $UNIT"; finish; }
NOBODY_UID=$(id -u nobody) NOBODY_GID=$(id -g nobody)

# the unit's settings, as setpriv arguments and lists
unit_val() { sed -n "s/^$1=//p" "$UNIT"; }
BOUNDING=-all
for c in $(unit_val CapabilityBoundingSet); do
	c=${c#CAP_}
	BOUNDING+=",+${c,,}"
done
SANDBOX=(setpriv --bounding-set "$BOUNDING" --inh-caps=-all)
[ "$(unit_val NoNewPrivileges)" = yes ] && SANDBOX+=(--no-new-privs)
info "unit sandbox: ${SANDBOX[*]}"
# strace shows the system calls; not with ASan (LeakSanitizer ptraces)
STRACE=()
if command -v strace >/dev/null && command -v systemd-analyze >/dev/null &&
	! ldd "$XFLOWD" 2>/dev/null | grep -q libasan; then
	STRACE=(strace -f -qq -o)
else
	info "no strace, no systemd-analyze or a sanitizer build: system calls not checked"
fi

P=pkgp$$ M=pkgm$$ PV=pkgvp$$ MV=pkgvm$$
ns_add "$P" && ns_add "$M" || skip "cannot create namespaces"
addr_pair "$P" "$PV" "$M" "$MV" 10.95.7 || skip "cannot create a veth pair"

"${XFGEN[@]}" -o "$T/in.pcap" -t "$T/in.csv" --scenario mixed --flows 100 --packets 1000 --seed 47 \
	2>/dev/null || { fail "xfgen mixed"; finish; }
NPK=$(pcap_count "$T/in.pcap")
chmod 0700 "$T" # only root may enter: the stats file is opened before the drop

# status_of PID FIELD -> the value of FIELD in /proc/PID/status
status_of() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" 2>/dev/null | tr -s '\t ' ' ' | sed 's/ $//'; }

# wait_dropped PID: until its uid is nobody's (the drop follows setup)
wait_dropped() {
	local i
	for i in $(seq 600); do
		kill -0 "$1" 2>/dev/null || return 1
		[ "$(status_of "$1" Uid)" = "$NOBODY_UID $NOBODY_UID $NOBODY_UID $NOBODY_UID" ] && return 0
		sleep 0.05
	done
	return 1
}

# check_dropped LABEL PID: identity and capabilities of a dropped xflowd
check_dropped() {
	local label=$1 pid=$2 f v bad=
	for f in Uid Gid Groups CapInh CapPrm CapEff CapAmb NoNewPrivs; do
		v=$(status_of "$pid" $f)
		case $f in
		Uid) [ "$v" = "$NOBODY_UID $NOBODY_UID $NOBODY_UID $NOBODY_UID" ] ;;
		Gid) [ "$v" = "$NOBODY_GID $NOBODY_GID $NOBODY_GID $NOBODY_GID" ] ;;
		Groups) [ "$v" = "$NOBODY_GID" ] ;;
		Cap*) [ "$v" = 0000000000000000 ] ;;
		NoNewPrivs) [ "$v" = 1 ] ;;
		esac || bad+=" $f=[$v]"
	done
	check "$label: running as nobody ($NOBODY_UID/$NOBODY_GID), no capability, no_new_privs${bad:+:$bad}" \
		[ -z "$bad" ]
}

# syscalls_ok LABEL STRACE_LOG: every call and socket family is admitted
syscalls_ok() {
	check "$1: every system call and socket family is one the unit admits" \
		"$PY" - "$UNIT" "$2" "$XFLOWD" <<'PYEOF'
import re, subprocess, sys
unit, log, exe = sys.argv[1:4]
groups, cur = {}, None
for line in subprocess.run(["systemd-analyze", "syscall-filter"], capture_output=True,
                           text=True, check=True).stdout.splitlines():
    s = line.strip()
    if line.startswith("@"):
        cur = groups.setdefault(s, [])
    elif cur is not None and s and not s.startswith("#"):
        cur.append(s)
def expand(names, seen=()):
    out = set()
    for n in names:
        if n.startswith("@"):
            if n not in seen:
                out |= expand(groups.get(n, []), seen + (n,))
        else:
            out.add(n)
    return out
allowed, families = None, set()
for line in open(unit):
    m = re.match(r"SystemCallFilter=(~?)(.*)", line.strip())
    if m:
        names = expand(m.group(2).split())
        if m.group(1):
            allowed = (allowed or set()) - names
        else:
            allowed = names if allowed is None else allowed | names
    m = re.match(r"RestrictAddressFamilies=(.*)", line.strip())
    if m:
        families |= set(m.group(1).split())
used, fams = set(), set()
lines = open(log).read().splitlines()
# what xflowd does: from its execve on (ip netns exec and setpriv before it)
start = max(i for i, l in enumerate(lines) if re.search(r'execve\("%s".* = 0$' % re.escape(exe), l))
for line in lines[start + 1:]:
    m = re.match(r"\d+\s+([a-z0-9_]+)\(", line)
    if m:
        used.add(m.group(1))
    fams |= set(re.findall(r"socket\((AF_[A-Z0-9]+)", line))
bad = sorted(used - allowed)
badf = sorted(fams - families)
print("%d system calls, families %s" % (len(used), " ".join(sorted(fams))))
if bad or badf:
    print("not admitted: %s %s" % (" ".join(bad), " ".join(badf)))
    sys.exit(1)
PYEOF
}

# root_starts MODE: xflowd starts with every capability and --no-drop
root_starts() {
	local pid rc=1
	ip netns exec "$M" "$XFLOWD" -i "$MV" --capture "$1" -c 10.95.7.1:9 --no-drop \
		>"$T/$1.root.out" 2>"$T/$1.root.err" &
	pid=$!
	sleep 2
	kill -TERM "$pid" 2>/dev/null && rc=0
	wait "$pid" 2>/dev/null
	return $rc
}

# run_mode MODE PORT: xflowd in the unit's sandbox with --user nobody
run_mode() {
	local mode=$1 port=$2 label=$1 pid rc i sp=
	local args=(-i "$MV" --capture "$mode" -c "10.95.7.1:$port" --export ipfix -I 1
		--user nobody --stats-file "$T/$label.stats.json")
	info "$label: $NPK packets into $MV"
	ns_nfcapd_start "$P" "$label.nf" 10.95.7.1 "$port" || { fail "$label: nfcapd"; return; }
	if [ ${#STRACE[@]} -gt 0 ]; then
		"${STRACE[@]}" "$T/$label.strace" ip netns exec "$M" "${SANDBOX[@]}" "$XFLOWD" "${args[@]}" \
			>"$T/$label.out" 2>"$T/$label.err" &
		sp=$!
		XF_PIDS+=("$sp")
		for i in $(seq 100); do
			# strace may have a transient child of its own: ours is named
			pid=$(pgrep -P "$sp" -x "ip|setpriv|xflowd" | head -1)
			[ -n "$pid" ] && break
			sleep 0.05
		done
		[ -n "$pid" ] && XF_PIDS+=("$pid")
	else
		ip netns exec "$M" "${SANDBOX[@]}" "$XFLOWD" "${args[@]}" >"$T/$label.out" 2>"$T/$label.err" &
		pid=$!
		XF_PIDS+=("$pid")
	fi
	if [ -z "$pid" ] || ! wait_dropped "$pid"; then
		# the kernel's refusal (not the sandbox's) when full root fails too
		if [ "$mode" != pcap ] && ! kill -0 "$pid" 2>/dev/null && ! root_starts "$mode"; then
			info "$label: this kernel refuses it even to root: $(tail -1 "$T/$label.err")"
			wait "${sp:-$pid}" 2>/dev/null
			ns_collector_stop "$label.nf"
			return
		fi
		fail "$label: xflowd did not start and drop its privileges (pid ${pid:-none}: $(
			status_of "${pid:-0}" State) Uid $(status_of "${pid:-0}" Uid))"
		show_err "$label"
		[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
		wait "${sp:-$pid}" 2>/dev/null
		ns_collector_stop "$label.nf"
		return
	fi
	check_dropped "$label" "$pid"
	replay "$P" "$PV" "$T/in.pcap" 3000 || fail "$label: tcpreplay"
	sleep 1.5
	kill -TERM "$pid"
	if [ -n "$sp" ]; then
		wait "$sp" # strace exits with the status of its tracee
	else
		wait "$pid"
	fi
	rc=$?
	ns_collector_stop "$label.nf"
	check "$label: SIGTERM as nobody, exit 0 (rc=$rc)" [ "$rc" = 0 ] || show_err "$label"
	nfdump_csv "$label.nf" "$T/$label.nfdump.csv"
	check "$label: nfdump, per-flow packets and octets exact" \
		"$PY" "$XF_HERE/compare.py" "$T/in.csv" "$T/$label.nfdump.csv" --label "$label nfdump"
	check "$label: --stats-file in a root-only directory: $NPK packets metered, none dropped" \
		"$PY" - "$T/$label.stats.json" "$NPK" "$mode" <<'PYEOF'
import json, sys
s = json.load(open(sys.argv[1]))
n, mode = int(sys.argv[2]), sys.argv[3]
print("packets", s["packets"], "metered", s["metered"], "drops", s["capture_drops"], "bpf", s.get("bpf"))
ok = s["packets"] == n and s["metered"] == n and s["capture_drops"] == 0
if mode != "pcap":
    b = s["bpf"]
    ok = ok and b["ring_full"] == 0 and b["no_socket"] == 0
    # the kernel's counters were read as nobody: TC egress saw our export
    if mode == "ebpf":
        ok = ok and b["own_export"] > 0
sys.exit(0 if ok else 1)
PYEOF
	if [ "$mode" != pcap ]; then
		check "$label: programs detached by nobody (nothing left on $MV)" \
			bash -c "! ip -n '$M' -d link show '$MV' | grep -q 'prog/xdp' &&
				! ip netns exec '$M' bpftool net show dev '$MV' 2>/dev/null | grep -q 'xf_'"
	fi
	[ -n "$sp" ] && syscalls_ok "$label" "$T/$label.strace"
}

run_mode pcap 9995
run_mode ebpf 9996
run_mode afxdp 9997

# an unknown user: refused before anything is opened
ip netns exec "$M" "$XFLOWD" -i "$MV" -c 10.95.7.1:9 --user "nosuchuser$$" >"$T/nouser.out" 2>"$T/nouser.err"
rc=$?
check "unknown user: exit 2 (rc=$rc)" [ "$rc" = 2 ]
check "unknown user: the message names it and what to do" \
	grep -q "^xflowd: --user 'nosuchuser$$': no such user; create it (useradd .*) or give --no-drop" "$T/nouser.err"

# the default user: xflowd's own when it exists (dist/xflowd.sysusers),
# else nobody; the control socket 0660 root:xflowd. Each run sees its own
# /etc/passwd and /etc/group (a mount namespace), with or without xflowd,
# and has the unit's capabilities.
XUID=64990
grep -v '^xflowd:' /etc/passwd >"$T/passwd.without"
grep -v '^xflowd:' /etc/group >"$T/group.without"
{ cat "$T/passwd.without"; echo "xflowd:x:$XUID:$XUID:xflowd flow exporter:/nonexistent:/usr/sbin/nologin"; } >"$T/passwd.with"
{ cat "$T/group.without"; echo "xflowd:x:$XUID:"; } >"$T/group.with"
# default_user LABEL WHICH WANT_UID WANT_SOCKET_GID
default_user() {
	local label=$1 which=$2 want=$3 wgid=$4 pid uid=
	# under the unit's sandbox: without CAP_CHOWN the socket must still
	# come out in group xflowd (a bug: it could not, the unit did not start)
	ip netns exec "$M" unshare -m sh -c 'mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group &&
		shift 2 && exec "$@"' _ "$T/passwd.$which" "$T/group.$which" "${SANDBOX[@]}" \
		"$XFLOWD" -i "$MV" -c 10.95.7.1:9 --control "$T/$label.sock" >"$T/$label.out" 2>"$T/$label.err" &
	pid=$!
	XF_PIDS+=("$pid")
	for _ in $(seq 200); do
		uid=$(status_of "$pid" Uid)
		[ "$uid" != "0 0 0 0" ] && [ -S "$T/$label.sock" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	check "$label: no --user, runs as uid $want (Uid $uid)" [ "$uid" = "$want $want $want $want" ] ||
		show_err "$label"
	check "$label: control socket mode 660, root, group $wgid ($(stat -c '%a %u %g' "$T/$label.sock"))" \
		[ "$(stat -c '%a %u %g' "$T/$label.sock")" = "660 0 $wgid" ]
	kill -TERM "$pid"
	wait "$pid"
}
default_user defuser-own with "$XUID" "$XUID"
default_user defuser-nobody without "$NOBODY_UID" 0

# --no-drop and --user '': root and its capabilities stay
for how in --no-drop "--user="; do
	ip netns exec "$M" "$XFLOWD" -i "$MV" -c 10.95.7.1:9 "$how" >"$T/keep.out" 2>"$T/keep.err" &
	pid=$!
	XF_PIDS+=("$pid")
	sleep 1
	uid=$(status_of "$pid" Uid) eff=$(status_of "$pid" CapEff)
	ok=0
	[ "$uid" = "0 0 0 0" ] && [ -n "$eff" ] && [ "$eff" != 0000000000000000 ] && ok=1
	check "$how: still uid 0 with capabilities (Uid $uid, CapEff $eff)" [ $ok = 1 ]
	kill -TERM "$pid"
	wait "$pid"
done

# not root: --user is refused; without it the file is read as that user
setpriv --reuid=nobody --regid="$NOBODY_GID" --clear-groups "$XFLOWD" -r "$T/in.pcap" -c 127.0.0.1:9 \
	--user root >"$T/nonroot.out" 2>"$T/nonroot.err"
rc=$?
ok=0
[ "$rc" = 2 ] && grep -q "switching to another user needs root" "$T/nonroot.err" && ok=1
check "not root, --user root: exit 2 saying root is needed (rc=$rc)" [ $ok = 1 ]
setpriv --reuid=nobody --regid="$NOBODY_GID" --clear-groups "$XFLOWD" -r "$XF_ROOT/tests/data/demo.pcap" \
	-c 127.0.0.1:9 >"$T/nonroot2.out" 2>"$T/nonroot2.err"
rc=$?
check "not root, default --user: reads a file, exit 0 (rc=$rc)" [ "$rc" = 0 ] || show_err nonroot2
finish
