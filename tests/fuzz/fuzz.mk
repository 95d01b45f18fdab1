# SPDX-License-Identifier: GPL-2.0-only
# libFuzzer harnesses for every parser (tests/fuzz/*.c), built with clang-19 and ASan+UBSan into
# $(OUTPUT)/fuzz. The parsers are compiled again with the sanitizers and coverage into
# $(OUTPUT)/fuzz/obj and linked from one archive, so a harness pulls in only what it uses; none of
# them needs the BPF skeleton or libbpf: the harnesses reach only the libraries (docs/DESIGN.md).
#   make fuzz FUZZ_SECONDS=N   build and run every harness N seconds (default 60), one line each
#   make fuzz-smoke            the same for 10 s each (CI)
#   make fuzz-build            build the harnesses and seed corpora only
# A crash fails the target and leaves its input in $(OUTPUT)/fuzz/crashes/<name>/.

FUZZ_CC ?= $(CLANG)
FUZZ_SECONDS ?= 60
FUZZ_DIR := $(OUTPUT)/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=gnu11 -g -O1 -D_GNU_SOURCE -I. -I$(OUTPUT) $(FUZZ_SAN) \
	       $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
FUZZ_LIB_SRCS := $(sort $(wildcard common/*.c rules/*.c policy/*.c scanners/*.c))
FUZZ_LIB_OBJS := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(FUZZ_LIB_SRCS))
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/*.c))
FUZZ_NAMES := $(patsubst tests/fuzz/%.c,%,$(FUZZ_SRCS))
FUZZ_BINS := $(addprefix $(FUZZ_DIR)/bin/,$(FUZZ_NAMES))

.PHONY: fuzz fuzz-smoke fuzz-build fuzz-corpus

$(FUZZ_DIR)/obj/%.o: %.c $(HDRS)
	$(Q)mkdir -p $(@D)
	$(call msg,FUZZCC,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_DIR)/obj/scanners/kernel_rules.o: scanners/kernel_rules.yaml
$(FUZZ_DIR)/obj/scanners/osv_builtin.o: $(wildcard scanners/vulndb/*.json)

$(FUZZ_DIR)/libdcea-fuzz.a: $(FUZZ_LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_DIR)/bin/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(FUZZ_DIR)/libdcea-fuzz.a
	$(Q)mkdir -p $(@D)
	$(call msg,FUZZLD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_DIR)/libdcea-fuzz.a \
		$(LDLIBS) -o $@

fuzz-corpus:
	$(Q)tests/fuzz/corpus.sh $(FUZZ_DIR)/corpus

fuzz-build: $(FUZZ_BINS) fuzz-corpus

fuzz: fuzz-build
	$(Q)FUZZ_DIR=$(FUZZ_DIR) tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_NAMES)

fuzz-smoke: fuzz-build
	$(Q)FUZZ_DIR=$(FUZZ_DIR) tests/fuzz/run.sh 10 $(FUZZ_NAMES)
