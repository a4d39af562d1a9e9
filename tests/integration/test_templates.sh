#!/usr/bin/env bash
# test_templates.sh - every one of the 18 predefined templates, alone, over
# IPFIX: flows of its class are exported with it, flows of other classes are
# counted (no_template_packets) and reported, never sent with zeros. tshark
# decodes every record without a warning and matches the truth per flow
# (with MACs and ethertype for seven-tuples, tunnel endpoints for tun4/tun6),
# nfdump matches the IANA part, and the interface, CPU and pppac elements
# carry true values: interfaceName and ingressPhysicalInterfaceName from the
# pcapng interface block (and nfdump names the interface from the
# interface options records), systemCpuId a CPU of this machine, pppacUserName /
# pppacProtocol / tunnel endpoints from the PPP interface's description.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_scapy
need_cmd tshark nfcapd nfdump

NG=("$PY" "$XF_ROOT/tools/pcap2ng.py")
"${XFGEN[@]}" -o "$T/mixed.pcap" -t "$T/mixed.csv" --scenario mixed --seed 11 --flows 150 --packets 1500 \
    2>/dev/null || { fail "xfgen mixed"; finish; }
"${XFGEN[@]}" -o "$T/tun.pcap" -t "$T/tun.csv" --scenario tunnels --seed 12 2>/dev/null ||
    { fail "xfgen tunnels"; finish; }
"${XFGEN[@]}" -o "$T/ppp.pcap" -t "$T/ppp.csv" --scenario mixed --linktype ppp --seed 13 --flows 80 \
    --packets 800 2>/dev/null || { fail "xfgen ppp"; finish; }
"${NG[@]}" "$T/mixed.pcap" "$T/mixed.pcapng" ge0 "uplink"
"${NG[@]}" "$T/tun.pcap" "$T/tun.pcapng" ge1 "tunnels"
"${NG[@]}" "$T/ppp.pcap" "$T/ppp4.pcapng" ppp0 "L2TPv2 alice@example.jp 192.0.2.1 198.51.100.9"
"${NG[@]}" "$T/ppp.pcap" "$T/ppp6.pcapng" ppp1 "L2TPv2 bob@example.jp 2001:db8::1 2001:db8::9"

# truth_of CSV OUT VER TUN: the rows of one flow class (TUN 0: not
# tunnelled; 4/6: tunnelled with that outer version)
truth_of() {
    "$PY" - "$@" <<'PYEOF'
import csv, sys
src, out, ver, tun = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
TUNNELS = {"gre", "ipip", "6in4", "4in6", "6in6", "l2tp", "l2tpv3", "vxlan", "geneve"}
rows = list(csv.DictReader(open(src)))
keep = [r for r in rows if r["ver"] == ver and
        ((tun == 0 and r["encap"] not in TUNNELS) or
         (tun and r["encap"] in TUNNELS and int(r["outer_ver"]) == tun))]
w = csv.DictWriter(open(out, "w", newline=""), list(rows[0].keys()), lineterminator="\n")
w.writeheader()
w.writerows(keep)
print(len(keep))
PYEOF
}

# values TSHARK.csv IFNAME [USER PROTO TUNSRC TUNDST]: the non-key elements
values() {
    "$PY" - "$@" <<'PYEOF'
import csv, os, sys
rows = list(csv.DictReader(open(sys.argv[1])))
ifname = sys.argv[2]
user = sys.argv[3] if len(sys.argv) > 3 else None
bad = []
ncpu = os.cpu_count()
for r in rows:
    if r["ifname"] != ifname:
        bad.append("interfaceName %r" % r["ifname"])
    if r["ifindex"] != "1":
        bad.append("ingressInterface %r" % r["ifindex"])
    if r["phys"] and r["phys"] != ifname:
        bad.append("ingressPhysicalInterfaceName %r" % r["phys"])
    if r["cpu"] and not 0 <= int(r["cpu"]) < ncpu:
        bad.append("systemCpuId %r" % r["cpu"])
    if user is not None:
        want = (user, sys.argv[4], sys.argv[5], sys.argv[6])
        got = (r["user"], r["pppproto"], r["tun_src"], r["tun_dst"])
        if got != want:
            bad.append("pppac %r, want %r" % (got, want))
print("%d records; %d wrong values" % (len(rows), len(bad)))
for b in sorted(set(bad))[:10]:
    print("  " + b)
sys.exit(1 if bad or not rows else 0)
PYEOF
}

while read -r tmpl input ver tun key; do
    lab=$tmpl
    n=$(truth_of "$T/${input%%.*}.csv" "$T/$lab.truth.csv" "$ver" "$tun")
    [ "${input%%.*}" = ppp4 ] || [ "${input%%.*}" = ppp6 ] && n=$(truth_of "$T/ppp.csv" "$T/$lab.truth.csv" "$ver" 0)
    info "$tmpl: $n flows of its class in $input"
    copt="--key $key"
    export_split "$lab" "$T/$input" "$T/$lab.truth.csv" "" "$copt" -t "$tmpl" || continue
    case $tmpl in
    pppac4-*) check "$lab: interface, CPU and pppac elements" values "$T/$lab.tshark.csv" ppp0 \
        alice@example.jp L2TPv2 192.0.2.1 198.51.100.9 ;;
    pppac6-*) check "$lab: interface, CPU and pppac elements" values "$T/$lab.tshark.csv" ppp1 \
        bob@example.jp L2TPv2 2001:db8::1 2001:db8::9 ;;
    *) check "$lab: interface and CPU elements" values "$T/$lab.tshark.csv" \
        "$( [ "$input" = tun.pcapng ] && echo ge1 || echo ge0)" ;;
    esac
    check "$lab: the other classes are counted, not exported" "$PY" -c '
import json, sys
s = json.load(open(sys.argv[1]))
n = sum(s["no_template_packets"].values())
print("metered %d + no template %d of %d packets" % (s["metered"], n, s["packets"]))
sys.exit(s["metered"] + n + s["non_ip"] != s["packets"])' "$T/$lab.stats.json"
done <<'EOF2'
ipv4-five-tuple mixed.pcapng 4 0 five
ipv6-five-tuple mixed.pcapng 6 0 five
ipv4-seven-tuple mixed.pcapng 4 0 seven
ipv6-seven-tuple mixed.pcapng 6 0 seven
ipv4-five-tuple-iij mixed.pcapng 4 0 five
ipv6-five-tuple-iij mixed.pcapng 6 0 five
ipv4-seven-tuple-iij mixed.pcapng 4 0 seven
ipv6-seven-tuple-iij mixed.pcapng 6 0 seven
tun4-ipv4-five-tuple-iij tun.pcapng 4 4 tunnel
tun4-ipv6-five-tuple-iij tun.pcapng 6 4 tunnel
tun4-ipv4-seven-tuple-iij tun.pcapng 4 4 seven
tun4-ipv6-seven-tuple-iij tun.pcapng 6 4 seven
tun6-ipv4-five-tuple-iij tun.pcapng 4 6 tunnel
tun6-ipv6-five-tuple-iij tun.pcapng 6 6 tunnel
tun6-ipv4-seven-tuple-iij tun.pcapng 4 6 seven
tun6-ipv6-seven-tuple-iij tun.pcapng 6 6 seven
pppac4-ipv4-five-tuple-iij ppp4.pcapng 4 0 five
pppac6-ipv4-five-tuple-iij ppp6.pcapng 4 0 five
EOF2

# interface options records: nfdump names the ingress interface of every
# flow from them (it ignores enterprise elements and interfaceName in data)
check "nfdump shows the interface description of every flow from the options records" \
    bash -c 'out=$(TZ=UTC nfdump -R "$1" -o raw 2>&1 | grep -E "^ +input +=") || exit 1
        n=$(grep -c . <<<"$out"); named=$(grep -cE "= +1 uplink$" <<<"$out")
        echo "$named of $n flow records name their input interface"
        [ "$n" -gt 0 ] && [ "$n" = "$named" ]' _ "$T/ipv4-five-tuple.nf.nfc"

# enterprise elements need IPFIX
run_xflowd v9ent --read "$T/mixed.pcap" --collector 127.0.0.1:9 --export v9 -t ipv4-five-tuple-iij
rc=$?
check "v9 with an enterprise template: refused (exit 2) saying IPFIX is needed" \
    bash -c '[ "$1" = 2 ] && grep -qi ipfix "$2"' _ "$rc" "$T/v9ent.err"
finish
