#!/usr/bin/env bash
# test_sampling.sh - --sample N, random and deterministic, exported as NetFlow v5,
# v9 and IPFIX to nfcapd and udpsink at once (sampcheck.py judges):
#  1. xfgen's `mixed` pcap, 1 in 10: the announcement in every format (v5 header;
#     v9 sampler table + SAMPLING_INTERVAL; IPFIX RFC 5477 selector + samplingInterval;
#     before the first data record and with every template refresh), the sampler id
#     in every data record; tshark decodes every record, options records included,
#     without a malformed packet or expert warning, and reads N back; exported
#     packets within 4 sigma of truth/N; nfdump scales by exactly N; the --stats-file
#     counters add up (packets = sampled_out + metered + ...).
#  2. the 10M-packet pcap of ../shared/bench (pcapgen --packets 10000000 --flows
#     1000000 --duration 300 --seed 12, ~3.5 GB, the one `make bench` uses: cached in
#     build/bench/data or $BENCH_DATA, generated when absent), 1 in 100: nfdump's own
#     scaled totals within 1% of the true totals, exported packets within 4 sigma.
#     Skipped, with one line, without ../shared or 4 GB of free disk, with the
#     sanitizer build (the small pcap covers its code) or SAMPLING_BIG=0.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_scapy
need_cmd nfcapd nfdump tshark ss

declare -A VNUM=([v5]=5 [v9]=9 [ipfix]=10)

# sampled LABEL PCAP TRUTH VERSION MODE N "SAMPCHECK OPTS" [XFLOWD OPTS...]
sampled() {
    local label=$1 pcap=$2 truth=$3 ver=$4 mode=$5 n=$6 sopts=$7 rc v4=""
    shift 7
    nfcapd_start "$label.nf" || { fail "$label: nfcapd did not start"; return 1; }
    sink_start "$label.sink" || { fail "$label: udpsink did not start"; return 1; }
    run_xflowd "$label" --read "$pcap" --collector "$(addr_of "$label.nf")" \
        --collector "$(addr_of "$label.sink")" --export "$ver" --sample "$n" --sample-mode "$mode" \
        --stats-file "$T/$label.stats.json" "$@"
    rc=$?
    collector_stop "$label.nf"
    collector_stop "$label.sink"
    if [ $rc != 0 ]; then
        fail "$label: xflowd exited $rc"
        show_err "$label"
        return 1
    fi
    nfdump -R "${COLL_DIR[$label.nf]}" -I >"$T/$label.nfdump.txt" 2>&1
    [ "$ver" = v5 ] && v4=--v4-only
    if [ "${TSHARK:-0}" = 1 ]; then
        check "$label: tshark decodes every record, options records included, no malformed packet or expert warning" \
            "$PY" "$XF_HERE/cflow_records.py" "$T/$label.sink.pcap" "${COLL_PORT[$label.sink]}" "$T/$label.tshark.csv"
        sopts="$sopts --tshark-records $T/$label.tshark.csv"
    fi
    # shellcheck disable=SC2086
    check "$label: announced, scaled by nfdump, counted" \
        "$PY" "$XF_HERE/sampcheck.py" "$T/$label.sink.pcap" --version "${VNUM[$ver]}" --mode "$mode" \
        --interval "$n" --truth "$truth" $v4 --stats "$T/$label.stats.json" --nfdump "$T/$label.nfdump.txt" $sopts
}

# tshark reads the announcement back: v5 header fields, or the options elements
# (the frames with every field: those of a template refresh), all the same
tshark_reads() {
    local label=$1 ver=$2 mode=$3 n=$4 f got want
    case $ver in
    v5) f="-e cflow.samplingmode -e cflow.samplerate"
        want="$([ "$mode" = random ] && echo 2 || echo 1),$n" ;;
    v9) f="-e cflow.sampler_id -e cflow.sampler_mode -e cflow.sampler_random_interval -e cflow.sampling_algorithm -e cflow.sampling_interval"
        want="1,$([ "$mode" = random ] && echo 2 || echo 1),$n,$([ "$mode" = random ] && echo 2 || echo 1),$n" ;;
    ipfix) if [ "$mode" = random ]; then
            f="-e cflow.selector_algorithm -e cflow.sampling_size -e cflow.sampling_population -e cflow.sampler_random_interval -e cflow.sampling_interval"
            want="3,1,$n,$n,$n"
        else
            f="-e cflow.selector_algorithm -e cflow.sampling_packet_interval -e cflow.sampling_packet_space -e cflow.sampling_interval"
            want="1,1,$((n - 1)),$n"
        fi ;;
    esac
    # shellcheck disable=SC2086
    got=$(tshark -n -r "$T/$label.sink.pcap" -d "udp.port==${COLL_PORT[$label.sink]},cflow" -T fields -E separator=, \
        -E occurrence=f $f "cflow" 2>/dev/null | awk -F, '{for (i = 1; i <= NF; i++) if ($i == "") next; print}' | sort -u)
    check "$label: tshark reads the announcement back ($want)" test "$got" = "$want"
}

# 0. what the command line refuses, naming the option and what to do
refused() { # refused "WHAT" "WORDS IN THE MESSAGE" ARGS...
    local what=$1 words=$2 rc w
    shift 2
    run_xflowd refused --read /dev/null --collector 127.0.0.1:9 "$@"
    rc=$?
    for w in $words; do
        grep -q -- "$w" "$T/refused.err" || rc="$rc, no '$w' in: $(head -1 "$T/refused.err")"
    done
    check "$what: exit 2 naming $words" test "$rc" = 2
}
refused "v5 cannot announce 1 in 16384" "--sample 16383 v9" --export v5 --sample 16384
refused "an unknown mode" "--sample-mode sometimes" --sample 10 --sample-mode sometimes
refused "a mode without N" "--sample-mode --sample" --sample-mode deterministic
refused "N = 0" "--sample" --sample 0

# 1. xfgen traffic
N=10
"${XFGEN[@]}" -o "$T/mixed.pcap" -t "$T/mixed.csv" --scenario mixed --seed 21 --flows 600 --packets 20000 2>/dev/null ||
    { fail "xfgen mixed"; finish; }
info "mixed pcap: $(pcap_count "$T/mixed.pcap") packets, $(($(wc -l <"$T/mixed.csv") - 1)) flows; 1 in $N"
for ver in v5 v9 ipfix; do
    for mode in random deterministic; do
        l=$ver-$mode
        # refresh every 4 messages: the announcement goes with each refresh
        TSHARK=1 sampled "$l" "$T/mixed.pcap" "$T/mixed.csv" "$ver" "$mode" $N "--domain-id 7" \
            --domain-id 7 --template-refresh-packets 4 || continue
        tshark_reads "$l" "$ver" "$mode" $N
    done
done
# ... and the sampled-out packets counted by the meter are exactly those not taken
check "deterministic 1 in $N meters every Nth packet: sampled_out = packets - packets/N" \
    "$PY" -c 'import json,sys; s=json.load(open(sys.argv[1])); n=int(sys.argv[2]); p=s["packets"]
sys.exit(0 if s["sampled_out"] == p - p // n else "sampled_out %d of %d" % (s["sampled_out"], p))' \
    "$T/ipfix-deterministic.stats.json" $N
# the same file twice: the same export (a file's sampler has a fixed seed)
run_xflowd again --read "$T/mixed.pcap" --collector 127.0.0.1:9 --sample $N --stats-file "$T/again.stats.json"
check "random sampling of a file repeats run to run (same packets and octets metered)" \
    "$PY" -c 'import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:])
k=("packets","sampled_out","metered","octets","flows_created")
sys.exit(0 if all(a[x] == b[x] for x in k) else str([(x, a[x], b[x]) for x in k]))' \
    "$T/again.stats.json" "$T/ipfix-random.stats.json"

# 2. the 10M-packet bench pcap
big() {
    local shared=$XF_ROOT/../shared/bench data base args free_mb
    [ "${SAMPLING_BIG:-1}" = 1 ] || { info "SKIP the 10M-packet pcap: SAMPLING_BIG=0"; return 0; }
    # the sanitizer build (make check's second pass, B=...-san) runs the same
    # code on the small pcap above; the statistics need no second minute
    case $(basename "$(dirname "$XFLOWD")") in
    *-san) info "SKIP the 10M-packet pcap under the sanitizer build (run with the normal one)"; return 0 ;;
    esac
    [ -d "$shared/gen" ] || { info "SKIP the 10M-packet pcap: $shared absent"; return 0; }
    data=${BENCH_DATA:-$XF_ROOT/build/bench/data}
    args="--packets 10000000 --flows 1000000 --duration 300 --seed 12"
    base=$data/p10000000_f1000000_d300_s12
    mkdir -p "$data" || { fail "mkdir $data"; return 1; }
    if ! [ -s "$base.pcap" ] || ! [ -s "$base.csv" ]; then
        free_mb=$(($(df -Pk "$data" | awk 'NR==2{print $4}') / 1024))
        [ "$free_mb" -ge 4096 ] || { info "SKIP the 10M-packet pcap: $free_mb MB free in $data, need 4096"; return 0; }
        make -s -C "$shared/gen" OUT="$T/gen" >"$T/gen.log" 2>&1 || { fail "building pcapgen"; cat "$T/gen.log"; return 1; }
        info "generating $base.pcap (pcapgen $args)"
        # shellcheck disable=SC2086
        "$T/gen/pcapgen" -o "$base.tmp$$.pcap" -t "$base.tmp$$.csv" $args >"$T/gen.log" 2>&1 &&
            mv "$base.tmp$$.csv" "$base.csv" && mv "$base.tmp$$.pcap" "$base.pcap" &&
            echo "pcapgen $args" >"$base.args" ||
            { rm -f "$base.tmp$$.pcap" "$base.tmp$$.csv"; fail "pcapgen"; cat "$T/gen.log"; return 1; }
    fi
    info "10M-packet pcap $base.pcap; 1 in 100"
    for ver in v5 v9 ipfix; do
        for mode in random deterministic; do
            sampled "big-$ver-$mode" "$base.pcap" "$base.csv" "$ver" "$mode" 100 "--max-pct 1"
        done
    done
}
big

finish
