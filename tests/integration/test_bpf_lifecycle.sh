#!/usr/bin/env bash
# test_bpf_lifecycle.sh - the BPF programs' lifecycle and messages.
#
# Every program is attached through a bpf_link, so a killed xflowd leaves
# nothing behind: for --capture ebpf (TC and XDP) and afxdp, after SIGKILL
# and after SIGTERM, the programs xflowd loaded are gone from the kernel
# (bpftool prog), and no XDP program is on the interface (ip link, bpftool
# net). The user gets one clear line, never a libbpf dump (that is for -v),
# when the interface does not exist, when the capabilities are missing, and
# when the interface already has another XDP program.
. "$(dirname "$0")/lib.sh"
. "$XF_HERE/bpf_lib.sh"
bpf_need

L=bpfl$$ LA=bpfla$$ LB=bpflb$$
ns_add "$L" || skip "cannot create a namespace"
veth_pair "$L" "$LA" "$L" "$LB" || skip "cannot create a veth pair"
COLL=(-c 127.0.0.1:9)

# xf_progs PID: IDs of the BPF programs process PID holds (its program and
# link descriptors say prog_id in fdinfo): only this test's xflowd's, whatever
# other xflowd runs meanwhile
xf_progs() { cat /proc/"$1"/fdinfo/* 2>/dev/null | awk '$1 == "prog_id:" { print $2 }' | sort -u; }
still_loaded() {
    local id
    for id in $1; do
        bpftool prog show id "$id" >/dev/null 2>&1 && echo "$id"
    done
}
xdp_on() { ip -n "$L" link show "$LA" | grep -q "xdp"; }

lifecycle() {
    local label=$1 sig=$2 ours left rc
    shift 2
    if ! xflowd_start "$L" "$label" -i "$LA" "${COLL[@]}" "$@"; then
        # the one place a kernel without BPF support may show up
        grep -q "EPERM\|Operation not permitted" "$T/$label.err" && skip "the kernel refuses BPF: $(head -1 "$T/$label.err")"
        fail "$label: xflowd did not start"
        show_err "$label"
        return
    fi
    ours=$(xf_progs "$XP" | tr '\n' ' ')
    ours=${ours% }
    check "$label: programs loaded (ids $ours)" [ -n "$ours" ]
    case " $* " in
    *" afxdp "* | *" xdp "*) check "$label: XDP attached while running" xdp_on ;;
    esac
    kill "-$sig" "$XP"
    wait "$XP" 2>/dev/null
    rc=$?
    [ "$sig" = TERM ] && check "$label: SIGTERM, exit 0 (rc=$rc)" [ "$rc" = 0 ]
    # the kernel frees a program once its last link and fd are gone; an
    # XDP link is released under the RTNL lock, which other namespaces'
    # teardown can hold for seconds (a CI run on a loaded machine saw 3 s
    # pass; the programs were gone later): up to 15 s
    for _ in $(seq 300); do
        left=$(still_loaded "$ours")
        [ -z "$left" ] && break
        sleep 0.05
    done
    check "$label: after SIG$sig no program of ours is loaded (left: ${left:-none})" [ -z "$left" ]
    check "$label: after SIG$sig 'ip link' shows no XDP program" eval '! xdp_on'
    check "$label: after SIG$sig 'bpftool net' shows none of ours" \
        eval '! ip netns exec "$L" bpftool net show dev "$LA" | grep -q "xf_"'
}

lifecycle ebpf-tc-kill KILL --capture ebpf --ebpf-hook tc
lifecycle ebpf-xdp-kill KILL --capture ebpf --ebpf-hook xdp
lifecycle afxdp-kill KILL --capture afxdp
lifecycle ebpf-tc-term TERM --capture ebpf
lifecycle ebpf-xdp-term TERM --capture ebpf --ebpf-hook xdp
lifecycle afxdp-term TERM --capture afxdp

# one line for the user, no libbpf output, exit 1
one_line() {
    local label=$1 want=$2 rc
    shift 2
    run_xflowd "$label" "$@"
    rc=$?
    check "$label: exit 1 (rc=$rc)" [ "$rc" = 1 ]
    check "$label: one line saying '$want': $(head -1 "$T/$label.err")" \
        eval '[ "$(wc -l <"$T/$label.err")" = 1 ] && grep -q "$want" "$T/$label.err"'
}
one_line no-such-if "no such interface" --capture ebpf -i "bpfnone$$" "${COLL[@]}"
one_line no-such-if-afxdp "no such interface" --capture afxdp -i "bpfnone$$" "${COLL[@]}"
if command -v capsh >/dev/null; then
    for mode in ebpf afxdp; do
        label=nocap-$mode
        ip netns exec "$L" capsh --drop=cap_bpf,cap_sys_admin,cap_net_admin,cap_perfmon -- -c \
            "exec $XFLOWD --capture $mode -i $LA ${COLL[*]}" >"$T/$label.out" 2>"$T/$label.err"
        rc=$?
        check "$label: without CAP_BPF/CAP_NET_ADMIN, exit 1 (rc=$rc)" [ "$rc" = 1 ]
        check "$label: one line naming the capabilities: $(head -1 "$T/$label.err")" \
            eval '[ "$(wc -l <"$T/$label.err")" = 1 ] && grep -q "CAP_BPF" "$T/$label.err"'
    done
else
    info "capsh absent: capability messages not checked"
fi

# another XDP program on the interface (here: another xflowd's)
if xflowd_start "$L" busy-first -i "$LA" "${COLL[@]}" --capture ebpf --ebpf-hook xdp; then
    first=$XP
    ip netns exec "$L" "$XFLOWD" --capture afxdp -i "$LA" "${COLL[@]}" >"$T/busy.out" 2>"$T/busy.err"
    rc=$?
    check "busy: a second XDP program is refused, exit 1 (rc=$rc)" [ "$rc" = 1 ]
    check "busy: one line saying so: $(head -1 "$T/busy.err")" \
        eval '[ "$(wc -l <"$T/busy.err")" = 1 ] && grep -q "already has an XDP program" "$T/busy.err"'
    check "busy: the first xflowd's program stays attached" xdp_on
    kill -TERM "$first"
    wait "$first"
else
    fail "busy: first xflowd did not start"
    show_err busy-first
fi

# -v: libbpf's messages, the verifier's statistics among them, go to the log
timeout -s TERM 10 ip netns exec "$L" "$XFLOWD" -v --capture ebpf --ebpf-hook xdp -i "$LA" "${COLL[@]}" \
    >"$T/verbose.out" 2>"$T/verbose.err" &
vp=$!
for _ in $(seq 200); do
    grep -q "ebpf: XDP" "$T/verbose.err" && break
    sleep 0.05
done
kill -TERM "$vp" 2>/dev/null
wait "$vp"
check "-v: libbpf's log, with the verifier's statistics, in the debug output" \
    grep -q "libbpf: .*processed [0-9]* insns\|^processed [0-9]* insns" "$T/verbose.err"
finish
