# xflowd - non-recursive build. `make` builds, `make check` runs every test,
# `make demo` shows a capture exported and decoded. V=1 shows commands;
# SANITIZE=1 builds with ASan+UBSan (leak checking on).
.DELETE_ON_ERROR:
.SUFFIXES:

VERSION := 0.1.0
B ?= build
CC ?= gcc
PKG_CONFIG ?= pkg-config

CFLAGS ?= -O2 -g
XCFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-missing-field-initializers \
	-DXFLOWD_VERSION='"$(VERSION)"' -MMD -MP
ifeq ($(SANITIZE),1)
XCFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
XLDFLAGS += -fsanitize=address,undefined
override B := $(B)-san
endif

PCAP_CFLAGS := $(shell $(PKG_CONFIG) --cflags libpcap 2>/dev/null)
PCAP_LIBS := $(shell $(PKG_CONFIG) --libs libpcap 2>/dev/null || echo -lpcap)
CHECK_CFLAGS := $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS := $(shell $(PKG_CONFIG) --libs check 2>/dev/null)
MNL_CFLAGS := $(shell $(PKG_CONFIG) --cflags libmnl 2>/dev/null)
MNL_LIBS := $(shell $(PKG_CONFIG) --libs libmnl 2>/dev/null || echo -lmnl)

ifeq ($(V),1)
Q :=
msg := @true
else
Q := @
msg = @printf '  %-6s %s\n'
endif

# every layer: logging, files opened so that no other user can plant them
COMMON_SRC := common/log.c common/safefile.c
# the metering process: link types, the one parser, sampling, the flow
# cache, pcapng
METER_SRC := meter/link.c meter/flowcache.c meter/meter.c meter/sampler.c \
	meter/pcapng.c
# the kernel's tables over rtnetlink: interfaces (names, aliases, PPP) and
# the main routing table (v5 next hop, masks, output interface)
NETLINK_SRC := netlink/nlsock.c netlink/ifinfo.c netlink/route.c
CAPTURE_SRC := meter/capture_pcap.c
# AF_XDP and eBPF observation points: bpf/xflowd.bpf.c embedded as a bpftool
# skeleton, loaded with libbpf; AF_XDP sockets from libxdp
BPF_USER_SRC := meter/capture_afxdp.c meter/capture_ebpf.c bpf/loader.c
CAPTURE_SRC += $(BPF_USER_SRC)
BPFLIB_CFLAGS := $(shell $(PKG_CONFIG) --cflags libxdp libbpf 2>/dev/null)
BPFLIB_LIBS := $(shell $(PKG_CONFIG) --libs libxdp libbpf 2>/dev/null || \
	echo -lxdp -lbpf)
TEMPLATE_SRC := templates/ie.c templates/ie_fnf.c templates/templates.c
EXPORT_SRC := export/exporter.c export/record.c export/setmsg.c \
	export/optset.c export/sched.c
EXPORT_SRC += export/fixed.c export/v1.c export/v5.c export/v7.c
EXPORT_SRC += export/transport.c export/transport_tcp.c export/resolve.c \
	export/source.c export/pace.c
# the settings: the command line, the configuration file in xflowd's and in
# IOS's dialect, one model of them all
CONFIG_SRC := config/options.c config/options_config.c config/options_bgp.c
CONFIG_SRC += config/options_usage.c config/options_check.c \
	config/options_monitor.c
CONFIG_SRC += config/config.c config/config_blocks.c config/config_check.c \
	config/config_set.c config/config_record.c config/config_dump.c \
	config/config_bgp.c
CONFIG_SRC += config/config_ios.c config/config_ios_fnf.c \
	config/config_ios_if.c config/config_ios_trad.c config/config_ios_dump.c
# the control socket and the views xflowctl shows
CONTROL_SRC := control/control.c control/control_snapshot.c control/views.c \
	control/views_ios.c control/views_fnf.c control/views_stats.c \
	control/views_cfg.c control/views_bgp.c control/views_cache.c
CONTROL_SRC += control/control_cmd.c
# the daemon: privileges, metering workers (a meter, cache and captures
# each, threads when several)
DAEMON_SRC := daemon/privdrop.c daemon/worker.c
# BGP (issue 17): the message parser, interned attributes and the RIB
BGP_RIB_SRC := bgp/msg.c bgp/update.c bgp/attr.c bgp/rib.c bgp/apply.c
BGP_SRC := $(BGP_RIB_SRC) bgp/speaker.c
CORE_SRC := $(COMMON_SRC) $(METER_SRC) $(NETLINK_SRC) $(TEMPLATE_SRC) \
	$(EXPORT_SRC) $(CONFIG_SRC) $(CONTROL_SRC) $(DAEMON_SRC) $(BGP_SRC)

CORE_OBJ := $(CORE_SRC:%.c=$(B)/%.o)
# the monitor (metering and exporting processes, captures opened) and the
# process around it: linked with the capture back ends
MONITOR_SRC := daemon/monitor.c daemon/monitor_capture.c \
	daemon/monitor_flow.c daemon/reload.c daemon/setup.c
MONITOR_OBJ := $(MONITOR_SRC:%.c=$(B)/%.o) $(CAPTURE_SRC:%.c=$(B)/%.o)
XFLOWD_OBJ := $(CORE_OBJ) $(MONITOR_OBJ) $(B)/daemon/main.o

UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(wildcard tests/unit/test_*.c))

all: $(B)/xflowd $(B)/xfdecode

$(B)/%.o: %.c
	$(msg) CC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(XCFLAGS) $(PCAP_CFLAGS) $(MNL_CFLAGS) -c -o $@ $<

$(B)/xflowd: $(XFLOWD_OBJ)
	$(msg) LD $@
	$(Q)$(CC) $(CFLAGS) $(XLDFLAGS) -o $@ $^ $(PCAP_LIBS) $(MNL_LIBS) -lm \
		$(BPFLIB_LIBS) -pthread

# xflowctl: the control socket's client
all: $(B)/xflowctl
XFLOWCTL_SRC := tools/xflowctl/xflowctl.c
$(B)/xflowctl: $(XFLOWCTL_SRC:%.c=$(B)/%.o)
	$(msg) LD $@
	$(Q)$(CC) $(CFLAGS) $(XLDFLAGS) -o $@ $^

XFDECODE_SRC := tools/xfdecode/decode.c tools/xfdecode/json.c \
	tools/xfdecode/names.c tools/xfdecode/main.c
$(B)/xfdecode: $(XFDECODE_SRC:%.c=$(B)/%.o)
	$(msg) LD $@
	$(Q)$(CC) $(CFLAGS) $(XLDFLAGS) -o $@ $^

$(B)/tests/%: tests/unit/%.c $(CORE_OBJ)
	$(msg) CC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(XCFLAGS) $(XLDFLAGS) $(CHECK_CFLAGS) -I. -o $@ \
		$< $(CORE_OBJ) $(CHECK_LIBS) $(MNL_LIBS) -pthread

# the monitor's suite links the capture back ends too
$(B)/tests/test_monitor: tests/unit/test_monitor.c $(CORE_OBJ) $(MONITOR_OBJ)
	$(msg) CC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(XCFLAGS) $(XLDFLAGS) $(CHECK_CFLAGS) -I. -o $@ \
		$< $(CORE_OBJ) $(MONITOR_OBJ) $(CHECK_LIBS) $(PCAP_LIBS) \
		$(MNL_LIBS) -lm $(BPFLIB_LIBS) -pthread

# BPF: the capture programs include meter/parse.h; parse_check proves the
# parser passes the verifier (loaded and unloaded by tests/bpf/verify.sh).
BPF_CFLAGS := -O2 -g -target bpf -I/usr/include/$(shell gcc -dumpmachine)
$(B)/bpf/%.bpf.o: bpf/%.bpf.c meter/parse.h
	$(msg) BPF $@
	@mkdir -p $(@D)
	$(Q)clang $(BPF_CFLAGS) -Wall -Werror -c -o $@ $<

bpf-check: $(B)/bpf/parse_check.bpf.o $(B)/bpf/xflowd_worst.bpf.o
	@tests/bpf/verify.sh $<; rc=$$?; [ $$rc = 0 ] || [ $$rc = 77 ]
	@tests/bpf/verify.sh $(B)/bpf/xflowd_worst.bpf.o; rc=$$?; \
		[ $$rc = 0 ] || [ $$rc = 77 ]

# The capture programs: a skeleton compiled into xflowd (nothing to
# install); xflowd_worst has every option on, for the verifier's worst case.
$(B)/bpf/xflowd.bpf.o: bpf/record.h
$(B)/bpf/xflowd_worst.bpf.o: bpf/xflowd.bpf.c bpf/record.h meter/parse.h
	$(msg) BPF $@
	@mkdir -p $(@D)
	$(Q)clang $(BPF_CFLAGS) -DXF_VERIFY_WORST -Wall -Werror -c -o $@ $<
$(B)/bpf/xflowd.skel.h: $(B)/bpf/xflowd.bpf.o
	$(msg) GEN $@
	$(Q)bpftool gen skeleton $< name xflowd_bpf >$@
$(BPF_USER_SRC:%.c=$(B)/%.o): $(B)/bpf/xflowd.skel.h
$(BPF_USER_SRC:%.c=$(B)/%.o): XCFLAGS += $(BPFLIB_CFLAGS) -I$(B)/bpf

# Debian packages the build and the tests need; installs what is missing.
DEPS := gcc make pkg-config libpcap-dev check tshark nfdump pmacct \
	python3 python3-scapy tcpreplay softflowd time clang llvm \
	libclang-rt-14-dev iproute2 libbpf-dev bpftool libmnl-dev \
	libxdp-dev ethtool
# test_install.sh, test_privdrop.sh: man pages, the unit, system calls
DEPS += man-db systemd strace util-linux
# make deb, test_deb.sh: building and checking the Debian package
DEPS += devscripts debhelper lintian
# test_bgp.sh: a real BGP speaker announcing routes to xflowd
DEPS += exabgp
# test_bgp_bird.sh, test_bgp_frr.sh: BIRD and FRR as the router's BGP
DEPS += bird2 frr
deps:
	@./tools/install-deps.sh $(DEPS)

unit: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do echo "  UNIT   $$t"; \
		CK_VERBOSITY=minimal $$t; done

# test drivers the integration tests run (found next to xflowd)
TEST_TOOLS := $(B)/tools/ifinfo_watch
$(B)/tools/ifinfo_watch: tests/tools/ifinfo_watch.c $(B)/netlink/ifinfo.o \
		$(B)/netlink/nlsock.o
	$(msg) LD $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(XCFLAGS) $(XLDFLAGS) -I. -o $@ $^ $(MNL_LIBS)

integration: all $(TEST_TOOLS)
	@XFLOWD=$(abspath $(B)/xflowd) XFDECODE=$(abspath $(B)/xfdecode) \
		tests/integration/run.sh

corpus: all
	@XFLOWD=$(abspath $(B)/xflowd) tests/corpus/run.sh; rc=$$?; \
		[ $$rc = 0 ] || [ $$rc = 77 ]

# libFuzzer: the parser (every link type) and the xfdecode decoder.
# FUZZ_SECONDS per harness; `make check` runs them briefly.
FUZZ_SECONDS ?= 60
fuzz:
	@tests/fuzz/run.sh $(FUZZ_SECONDS)

# The configuration file: every error message and the examples, golden.
config-test: all
	@tests/config/run.sh $(abspath $(B)/xflowd)

tools-test: all
	@tests/tools/test_xfdecode.sh $(abspath $(B)/xfdecode)
	@tests/tools/test_xfgen_tunnels.sh >$(B)/xfgen_tunnels.log 2>&1; rc=$$?; \
		tail -1 $(B)/xfgen_tunnels.log; \
		[ $$rc = 0 ] || [ $$rc = 77 ] || { cat $(B)/xfgen_tunnels.log; exit 1; }

# Every test: the normal build, then the sanitizer build of the same.
check: deps
	@$(MAKE) --no-print-directory format-check
	@$(MAKE) --no-print-directory all unit tools-test config-test bpf-check \
		integration corpus
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=60
	@$(MAKE) --no-print-directory tsan
	@$(MAKE) --no-print-directory SANITIZE=1 all unit integration corpus

# The worker threads under ThreadSanitizer (its own build directory; the
# tests that run several workers)
TSAN_B := $(B)-tsan
tsan: deps
	@$(MAKE) --no-print-directory B=$(TSAN_B) CFLAGS="-O2 -g -fsanitize=thread" \
		XLDFLAGS=-fsanitize=thread $(TSAN_B)/xflowd $(TSAN_B)/xflowctl \
		$(TSAN_B)/xfdecode
	@XFDECODE=$(abspath $(TSAN_B)/xfdecode) tests/tsan.sh $(TSAN_B)

demo: deps all
	@tools/demo.sh $(B)

bench: deps all $(B)/bench/bpfbench $(B)/bench/bgprib
	@$(B)/bench/bgprib
	@bench/run.sh $(B)
	@bench/export.sh $(B)
	@p=$(B)/bench/data/p4000000_f4000000_d300_s12.pcap; \
		[ ! -s $$p ] || bench/rss.sh $(B)/xflowd $$p 4194304
	@bench/live.sh $(B)

# the RIB with a synthetic full table (issue 17)
$(B)/bench/bgprib: bench/bgprib.c $(BGP_RIB_SRC:%.c=$(B)/%.o)
	$(msg) LD $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(XCFLAGS) $(XLDFLAGS) -I. -o $@ $^

# The soak test (issue 6; not part of check): SOAK_SECONDS of churning
# traffic at SOAK_PPS through a veth into a live xflowd, judged by nfcapd
# to the packet, resident memory flat after warm-up (root).
SOAK_SECONDS ?= 600
SOAK_PPS ?= 20000
soak: deps all
	@SOAK_SECONDS=$(SOAK_SECONDS) SOAK_PPS=$(SOAK_PPS) tests/soak/run.sh $(B)

# bench/live.sh's own consumers: the raw XDP, AF_XDP and libpcap limits and
# the in-kernel aggregation it compares xflowd's ring records with
$(B)/bench/bench.bpf.o: bench/bench.bpf.c meter/parse.h
	$(msg) BPF $@
	@mkdir -p $(@D)
	$(Q)clang $(BPF_CFLAGS) -Wall -Werror -c -o $@ $<
$(B)/bench/bench.skel.h: $(B)/bench/bench.bpf.o
	$(msg) GEN $@
	$(Q)bpftool gen skeleton $< name bench_bpf >$@
$(B)/bench/bpfbench: bench/bpfbench.c $(B)/bench/bench.skel.h
	$(msg) CC $@
	$(Q)$(CC) $(CFLAGS) $(XCFLAGS) $(BPFLIB_CFLAGS) $(PCAP_CFLAGS) \
		-I$(B)/bench -o $@ $< $(BPFLIB_LIBS) $(PCAP_LIBS)

# make install [PREFIX=/usr/local] [DESTDIR=]: xflowd, xflowctl (when
# built), the man pages, the example configurations, the systemd unit (its
# paths those of PREFIX) and the sysusers file of the xflowd user.
# tests/integration/test_install.sh checks it.
PREFIX ?= /usr/local
INSTALL ?= install
INST_SBIN = $(DESTDIR)$(PREFIX)/sbin
INST_BIN = $(DESTDIR)$(PREFIX)/bin
INST_MAN = $(DESTDIR)$(PREFIX)/share/man
INST_EXAMPLES = $(DESTDIR)$(PREFIX)/share/doc/xflowd/examples
INST_UNIT = $(DESTDIR)$(PREFIX)/lib/systemd/system
INST_SYSUSERS = $(DESTDIR)$(PREFIX)/lib/sysusers.d
install: all
	$(INSTALL) -d $(INST_SBIN) $(INST_MAN)/man5 $(INST_MAN)/man8 \
		$(INST_EXAMPLES) $(INST_UNIT) $(INST_SYSUSERS)
	$(INSTALL) -m 0755 $(B)/xflowd $(INST_SBIN)/xflowd
	if [ -x $(B)/xflowctl ]; then $(INSTALL) -d $(INST_BIN) && \
		$(INSTALL) -m 0755 $(B)/xflowctl $(INST_BIN)/xflowctl; fi
	$(INSTALL) -m 0644 $(wildcard doc/*.5) $(INST_MAN)/man5
	$(INSTALL) -m 0644 $(wildcard doc/*.8) $(INST_MAN)/man8
	$(INSTALL) -m 0644 $(wildcard examples/*.conf) $(INST_EXAMPLES)
	sed 's|@SBINDIR@|$(PREFIX)/sbin|g' dist/xflowd.service \
		>$(INST_UNIT)/xflowd.service.tmp
	chmod 0644 $(INST_UNIT)/xflowd.service.tmp
	mv $(INST_UNIT)/xflowd.service.tmp $(INST_UNIT)/xflowd.service
	$(INSTALL) -m 0644 dist/xflowd.sysusers $(INST_SYSUSERS)/xflowd.conf

uninstall:
	rm -f $(INST_SBIN)/xflowd $(INST_BIN)/xflowctl \
		$(INST_UNIT)/xflowd.service $(INST_SYSUSERS)/xflowd.conf \
		$(addprefix $(INST_MAN)/man5/,$(notdir $(wildcard doc/*.5))) \
		$(addprefix $(INST_MAN)/man8/,$(notdir $(wildcard doc/*.8))) \
		$(addprefix $(INST_EXAMPLES)/,$(notdir $(wildcard examples/*.conf)))
	-rmdir $(INST_EXAMPLES) $(DESTDIR)$(PREFIX)/share/doc/xflowd

.PHONY: install uninstall

# make deb: the Debian package $(B)/xflowd_VERSION_ARCH.deb (debian/:
# what make install puts under /usr, /etc/xflowd/xflowd.conf from
# dist/xflowd.conf, the xflowd user from the sysusers file), then lintian.
# dpkg-buildpackage writes next to the tree it builds: it builds a copy in
# $(B)/deb, so nothing lands beside a clone. tests/integration/test_deb.sh
# installs and purges it.
DEB_ARCH = $(shell dpkg --print-architecture 2>/dev/null)
DEB_FILE = $(B)/xflowd_$(VERSION)_$(DEB_ARCH).deb
DEB_TREE = $(B)/deb/xflowd-$(VERSION)
deb:
	@v=$$(dpkg-parsechangelog -l debian/changelog -S Version) && \
	if [ "$$v" != "$(VERSION)" ]; then \
		echo "debian/changelog is at $$v, the Makefile at" \
			"$(VERSION): add an entry (dch -v $(VERSION))" >&2; \
		exit 1; \
	fi
	rm -rf $(B)/deb
	mkdir -p $(DEB_TREE)
	tar -c --exclude='./build*' --exclude=./.git --exclude=./debian/xflowd \
		--exclude=./debian/.debhelper --exclude=./debian/files \
		--exclude='./debian/*.substvars' \
		--exclude=./debian/debhelper-build-stamp -f - . | \
		tar -x -C $(DEB_TREE)
	cd $(DEB_TREE) && dpkg-buildpackage -us -uc -b
	mv $(B)/deb/$(notdir $(DEB_FILE)) $(DEB_FILE)
	lintian --fail-on error $(DEB_FILE)
	@echo "  DEB    $(DEB_FILE)"

.PHONY: deb

# Every C source and header of the tree, whatever folder it is in (the
# build directories' generated skeletons excepted): .clang-format's style.
FORMAT_SRC := $(filter-out build%,$(wildcard *.[ch] */*.[ch] */*/*.[ch] \
	*/*/*/*.[ch]))
format-check:
	@clang-format --dry-run --Werror $(FORMAT_SRC)

clean:
	rm -rf build build-san build-tsan

.PHONY: all deps unit integration corpus tools-test bpf-check fuzz tsan check demo \
	bench soak config-test \
	format-check clean

-include $(XFLOWD_OBJ:.o=.d) $(XFDECODE_SRC:%.c=$(B)/%.d)
-include $(XFLOWCTL_SRC:%.c=$(B)/%.d)
# the unit suites' headers too (tests/unit/frame_build.h, pcapng_build.h)
-include $(UNIT_TESTS:=.d)
