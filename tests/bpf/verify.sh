#!/bin/bash
# verify.sh OBJ - load a BPF object through the kernel verifier and unload
# it: proves meter/parse.h, the user-space parser, is accepted in BPF.
# Skips (exit 77) without root or bpffs; fails on a verifier rejection.
set -u
OBJ=$1
if [ "$(id -u)" != 0 ] || ! command -v bpftool >/dev/null; then
	echo "SKIP: bpf verify needs root and bpftool"; exit 77
fi
if ! mountpoint -q /sys/fs/bpf; then
	mount -t bpf bpf /sys/fs/bpf 2>/dev/null || { echo "SKIP: no bpffs"; exit 77; }
fi
PIN=/sys/fs/bpf/xflowd_verify_$$
if bpftool prog load "$OBJ" "$PIN" 2>/tmp/xflowd_verify.$$.log; then
	rm -f "$PIN" /tmp/xflowd_verify.$$.log
	echo "PASS: $(basename "$OBJ") accepted by the verifier"
	exit 0
fi
if grep -q "Operation not permitted" /tmp/xflowd_verify.$$.log &&
	! grep -q "processed [0-9]* insns" /tmp/xflowd_verify.$$.log; then
	rm -f /tmp/xflowd_verify.$$.log
	echo "SKIP: this kernel does not let us load BPF programs (EPERM)"
	exit 77
fi
tail -20 /tmp/xflowd_verify.$$.log
rm -f /tmp/xflowd_verify.$$.log
echo "FAIL: $(basename "$OBJ") rejected by the verifier"
exit 1
