#!/usr/bin/env bash
# test_tunnels.sh - tunnels seen on a physical interface. With tun4/tun6
# templates the inner packet is the flow and the outer addresses fill IIJ's
# tunnel elements (770/6-9); without them the outer packet is the flow.
# Traffic: tools/xfgen.py --scenario tunnels (GRE with key/seq/checksum,
# IP-in-IP, 6in4, 4in6, 6in6, L2TPv2 data and control, L2TPv3, VXLAN,
# GENEVE, PPPoE, ESP, behind VLAN tags) and, when ../shared is beside the
# project, pcapgen --tunnel 1. Judged by nfdump and tshark against truth.
. "$(dirname "$0")/lib.sh"
need_xflowd
need_scapy
need_cmd tshark nfcapd nfdump

TUN=(-t tun4-ipv4-five-tuple-iij -t tun4-ipv6-five-tuple-iij -t tun6-ipv4-five-tuple-iij
    -t tun6-ipv6-five-tuple-iij -t ipv4-five-tuple -t ipv6-five-tuple)

"${XFGEN[@]}" -o "$T/tun.pcap" -t "$T/tun.csv" --scenario tunnels --seed 5 2>/dev/null ||
    { fail "xfgen --scenario tunnels"; finish; }

export_split decap "$T/tun.pcap" "$T/tun.csv" "" "--key tunnel" "${TUN[@]}"
check "decap: every tunnelled packet was metered as its inner packet" \
    "$PY" -c '
import csv, json, sys
st = json.load(open(sys.argv[1]))
rows = [r for r in csv.DictReader(open(sys.argv[2])) if r["encap"] not in ("none", "esp", "pppoe")]
want = sum(int(r["packets"]) for r in rows)
print("tunnelled %d, truth %d" % (st["tunnelled"], want))
sys.exit(st["tunnelled"] != want)' "$T/decap.stats.json" "$T/tun.csv"
check "decap: every kind of tunnel is in the export" \
    "$PY" -c '
import csv, sys
kinds = {r["encap"] for r in csv.DictReader(open(sys.argv[1]))}
need = {"gre", "ipip", "6in4", "4in6", "6in6", "l2tp", "l2tpv3", "vxlan", "geneve", "pppoe", "esp"}
sys.exit("missing " + " ".join(sorted(need - kinds)) if need - kinds else 0)' "$T/tun.csv"

# no tunnel template: the outer packet is the flow
export_split outer "$T/tun.pcap" "$T/tun.csv" "--outer" "--outer" -t ipv4-five-tuple -t ipv6-five-tuple

# only tun4 templates for IPv4 inner: other pairs stay outer flows, none lost
run_xflowd partial --read "$T/tun.pcap" --collector 127.0.0.1:9 -t tun4-ipv4-five-tuple-iij \
    -t ipv4-five-tuple -t ipv6-five-tuple --stats-file "$T/partial.json"
check "partial: packets metered = packets seen, none without a template" \
    "$PY" -c '
import json, sys
s = json.load(open(sys.argv[1]))
bad = s["packets"] - s["metered"]
print("metered %d of %d, nofit %s" % (s["metered"], s["packets"], s.get("no_template_packets")))
sys.exit(bad != 0)' "$T/partial.json"

# the bench generator's tunnels, when ../shared is here
GEN=$XF_ROOT/../shared/bench/gen
if [ -f "$GEN/pcapgen.c" ]; then
    if make -s -C "$GEN" OUT="$T/gen" >/dev/null 2>&1; then
        for tt in gre,ipip,6in4 4in6,6in6 l2tp,vxlan; do
            lab=pg-${tt//,/-}
            "$T/gen/pcapgen" -o "$T/$lab.pcap" -t "$T/$lab.csv" --packets 20000 --flows 1000 --duration 60 \
                --tunnel 1 --tunnel-types "$tt" --vlan 0.2 --seed 21 >/dev/null 2>&1 ||
                { fail "pcapgen --tunnel-types $tt"; continue; }
            export_split "$lab" "$T/$lab.pcap" "$T/$lab.csv" "" "--key tunnel" "${TUN[@]}"
        done
    else
        fail "pcapgen did not build"
    fi
else
    info "../shared/bench absent: pcapgen tunnel captures not checked"
fi
finish
