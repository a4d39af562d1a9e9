#!/usr/bin/env bash
# test_sampling_live.sh - --sample N on the BPF observation points: xfgen traffic
# replayed from one namespace into another, where xflowd observes the veth with
# --capture ebpf (XDP) or afxdp and exports IPFIX to nfcapd and udpsink on lo.
# Random sampling is the kernel's (the programs' 1-in-N draw), deterministic the
# meter's (one count across CPUs). Judged by sampcheck.py: the announcement,
# exported packets within 4 sigma of truth/N, nfdump scaled by exactly N; and
# the counters: every replayed packet is in packets, and packets = sampled_out +
# metered + ... (random: sampled_out is the kernel's count).
. "$(dirname "$0")/lib.sh"
. "$XF_HERE/bpf_lib.sh"
bpf_need

S=bpfsmps$$ O=bpfsmpo$$ A=bpfsa$$ B=bpfsb$$
ns_add "$S" && ns_add "$O" || skip "cannot create namespaces"
veth_pair "$S" "$A" "$O" "$B" || skip "cannot create a veth pair"

"${XFGEN[@]}" -o "$T/mixed.pcap" -t "$T/mixed.csv" --scenario mixed --flows 200 --packets 3000 --seed 33 \
    2>/dev/null || { fail "xfgen mixed"; finish; }
NPKT=$(pcap_count "$T/mixed.pcap")
N=10

live() { # live LABEL MODE CAPTURE ARGS...
    local label=$1 mode=$2 cap=$3 rc
    shift 3
    ns_nfcapd_start "$O" "$label.nf" 127.0.0.1 9995 || { fail "$label: nfcapd"; return 1; }
    ns_sink_start "$O" "$label.sink" 127.0.0.1 9996 || { fail "$label: udpsink"; return 1; }
    if ! xflowd_start "$O" "$label" -i "$B" --capture "$cap" "$@" -c 127.0.0.1:9995 -c 127.0.0.1:9996 \
        --sample $N --sample-mode "$mode" --stats-file "$T/$label.stats.json"; then
        grep -q -i "not supported\|operation not permitted\|EOPNOTSUPP" "$T/$label.err" &&
            { info "SKIP $label: $(head -1 "$T/$label.err")"; ns_collector_stop "$label.nf"; ns_collector_stop "$label.sink"; return 0; }
        fail "$label: xflowd did not start"
        show_err "$label"
        return 1
    fi
    replay "$S" "$A" "$T/mixed.pcap" 3000 || fail "$label: tcpreplay"
    sleep 1
    xflowd_stop "$label"
    rc=$?
    ns_collector_stop "$label.nf"
    ns_collector_stop "$label.sink"
    [ $rc = 0 ] || { fail "$label: xflowd exited $rc"; show_err "$label"; return 1; }
    nfdump -R "${COLL_DIR[$label.nf]}" -I >"$T/$label.nfdump.txt" 2>&1
    check "$label: announced, scaled by nfdump, counted" \
        "$PY" "$XF_HERE/sampcheck.py" "$T/$label.sink.pcap" --version 10 --mode "$mode" --interval $N \
        --truth "$T/mixed.csv" --stats "$T/$label.stats.json" --nfdump "$T/$label.nfdump.txt"
    check "$label: every replayed packet counted ($NPKT)" \
        test "$(stats_get "$T/$label.stats.json" 's["packets"]')" = "$NPKT"
    if [ "$mode" = random ]; then
        check "$label: sampled out in the kernel" \
            "$PY" -c 'import json,sys; s=json.load(open(sys.argv[1]))
sys.exit(0 if s["bpf"]["sampled_out"] == s["sampled_out"] > 0 else str((s["bpf"]["sampled_out"], s["sampled_out"])))' \
            "$T/$label.stats.json"
    fi
}

live ebpf-random random ebpf --ebpf-hook xdp
live ebpf-deterministic deterministic ebpf --ebpf-hook xdp
live afxdp-random random afxdp

finish
