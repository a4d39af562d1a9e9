#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Turn packets of pcap files into fuzz_parse seeds.

  tests/fuzz/pcap2seeds.py OUTDIR FILE.pcap...

Each packet of a link type fuzz_parse knows becomes OUTDIR/<file>-<n>.bin:
the selector octet (the DLT's index in fuzz_parse.c's dlts[]) and the
captured octets. pcapng and unknown link types are skipped.
"""
import os
import struct
import sys

# index of each DLT in fuzz_parse.c's dlts[]
SEL = {1: 0, 0: 1, 9: 2, 12: 3, 50: 4, 51: 5, 101: 6, 104: 7, 108: 8,
       113: 9, 228: 10, 229: 11, 276: 12}
MAX_PER_FILE = 64
MAX_LEN = 4096


def packets(path):
    with open(path, "rb") as f:
        hdr = f.read(24)
        if len(hdr) < 24:
            return None, []
        magic = hdr[:4]
        if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            end = "<"
        elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            end = ">"
        else:
            return None, []
        # the upper bits may carry an FCS length (pcap LINKTYPE_ field)
        dlt = struct.unpack(end + "I", hdr[20:24])[0] & 0x0fffffff
        out = []
        while len(out) < MAX_PER_FILE:
            rec = f.read(16)
            if len(rec) < 16:
                break
            _, _, incl, _ = struct.unpack(end + "IIII", rec)
            if incl > 262144:
                break
            data = f.read(incl)
            if len(data) < incl:
                break
            out.append(data[:MAX_LEN])
        return dlt, out


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    total = 0
    for path in sys.argv[2:]:
        dlt, pkts = packets(path)
        if dlt not in SEL:
            continue
        base = os.path.splitext(os.path.basename(path))[0]
        for i, p in enumerate(pkts):
            with open(os.path.join(outdir, "%s-%d.bin" % (base, i)),
                      "wb") as f:
                f.write(bytes([SEL[dlt]]) + p)
            total += 1
    print("%d packets from %d files" % (total, len(sys.argv) - 2))


if __name__ == "__main__":
    main()
