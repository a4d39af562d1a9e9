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

ifeq ($(V),1)
Q :=
msg := @true
else
Q := @
msg = @printf '  %-6s %s\n'
endif

METER_SRC := meter/link.c meter/flowcache.c meter/meter.c meter/sampler.c
CAPTURE_SRC := meter/capture_pcap.c
TEMPLATE_SRC := templates/ie.c templates/templates.c
EXPORT_SRC := export/exporter.c export/record.c export/v5.c export/setmsg.c
DAEMON_SRC := daemon/options.c daemon/log.c
CORE_SRC := $(METER_SRC) $(TEMPLATE_SRC) $(EXPORT_SRC) $(DAEMON_SRC)

CORE_OBJ := $(CORE_SRC:%.c=$(B)/%.o)
XFLOWD_OBJ := $(CORE_OBJ) $(CAPTURE_SRC:%.c=$(B)/%.o) $(B)/daemon/main.o

UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(wildcard tests/unit/test_*.c))

all: $(B)/xflowd $(B)/xfdecode

$(B)/%.o: %.c
	$(msg) CC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(XCFLAGS) $(PCAP_CFLAGS) -c -o $@ $<

$(B)/xflowd: $(XFLOWD_OBJ)
	$(msg) LD $@
	$(Q)$(CC) $(CFLAGS) $(XLDFLAGS) -o $@ $^ $(PCAP_LIBS) -lm

XFDECODE_SRC := tools/xfdecode/decode.c tools/xfdecode/json.c \
	tools/xfdecode/names.c tools/xfdecode/main.c
$(B)/xfdecode: $(XFDECODE_SRC:%.c=$(B)/%.o)
	$(msg) LD $@
	$(Q)$(CC) $(CFLAGS) $(XLDFLAGS) -o $@ $^

$(B)/tests/%: tests/unit/%.c $(CORE_OBJ)
	$(msg) CC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(XCFLAGS) $(XLDFLAGS) $(CHECK_CFLAGS) -I. -o $@ \
		$< $(CORE_OBJ) $(CHECK_LIBS)

# BPF: the capture programs include meter/parse.h; parse_check proves the
# parser passes the verifier (loaded and unloaded by tests/bpf/verify.sh).
BPF_CFLAGS := -O2 -g -target bpf -I/usr/include/$(shell gcc -dumpmachine)
$(B)/bpf/%.bpf.o: bpf/%.bpf.c meter/parse.h
	$(msg) BPF $@
	@mkdir -p $(@D)
	$(Q)clang $(BPF_CFLAGS) -Wall -Werror -c -o $@ $<

bpf-check: $(B)/bpf/parse_check.bpf.o
	@tests/bpf/verify.sh $<; rc=$$?; [ $$rc = 0 ] || [ $$rc = 77 ]

# Debian packages the build and the tests need; installs what is missing.
DEPS := gcc make pkg-config libpcap-dev check tshark nfdump pmacct \
	python3 python3-scapy tcpreplay softflowd time clang llvm \
	libclang-rt-14-dev iproute2 libbpf-dev bpftool
deps:
	@./tools/install-deps.sh $(DEPS)

unit: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do echo "  UNIT   $$t"; \
		CK_VERBOSITY=minimal $$t; done

integration: all
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

tools-test: all
	@tests/tools/test_xfdecode.sh $(abspath $(B)/xfdecode)

# Every test: the normal build, then the sanitizer build of the same.
check: deps
	@$(MAKE) --no-print-directory all unit tools-test bpf-check integration \
		corpus
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=30
	@$(MAKE) --no-print-directory SANITIZE=1 all unit integration corpus

demo: deps all
	@tools/demo.sh $(B)

bench: deps all
	@bench/run.sh $(B)

format-check:
	@clang-format --dry-run --Werror $(CORE_SRC) $(CAPTURE_SRC) \
		daemon/main.c meter/*.h export/*.h templates/*.h daemon/*.h

clean:
	rm -rf build build-san

.PHONY: all deps unit integration corpus tools-test bpf-check fuzz check demo \
	bench \
	format-check clean

-include $(XFLOWD_OBJ:.o=.d) $(XFDECODE_SRC:%.c=$(B)/%.d)
