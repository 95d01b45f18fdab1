# SPDX-License-Identifier: GPL-2.0-only
# dcea: container-escape detector and enforcer. Out-of-tree build under $(OUTPUT); V=1 shows commands.
#   make            build build/dcea
#   make deps       install the Debian packages needed (idempotent)
#   make run        deps + build + dcea run (audit mode, built-in default policy)
#   make test       unit tests (cmocka) + integration tests (root, docker); one summary line
#   make test SANITIZE=1   the same, built with ASan+UBSan under build-san/; any report fails
#   make bench      benchmarks, ratios against a baseline in the same run
#   make check      formatter, static analysis and the layering (docs/DESIGN.md), changing nothing
#   make rules-doc  docs/RULES.md from the rule catalogue (rules/rules.c)
#   make static     build/dcea-static, to copy into a container for `dcea scan self`
#   make install    binary, /etc/dcea/policy.yaml, systemd unit, man pages (PREFIX, DESTDIR)

ifeq ($(SANITIZE),1)
OUTPUT ?= build-san
endif
OUTPUT ?= build
CLANG ?= clang-19
BPFTOOL ?= bpftool
CC ?= gcc
ARCH := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
MAKEFLAGS += --no-print-directory
endif

PKGS := libbpf json-c yaml-0.1 zlib libzstd sqlite3 libcrypto libcurl
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wshadow -Werror=implicit-function-declaration \
	  -D_GNU_SOURCE -I$(OUTPUT) -I. $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS += $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lbpf -ljson-c -lyaml -lz -lzstd -lsqlite3 -lcrypto -lcurl) -lelf
# what the libraries (all but loader/) link against: no libbpf, no libelf
LIB_PKGS := $(filter-out libbpf,$(PKGS))
LIB_LDLIBS := $(shell pkg-config --libs $(LIB_PKGS) 2>/dev/null || echo -ljson-c -lyaml -lz -lzstd -lsqlite3 -lcrypto -lcurl)
ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -I$(OUTPUT) -I. -Wall -Wno-unused-function \
	      -Wno-compare-distinct-pointer-types

# maps.bpf.c owns the shared maps and must come first: bpftool's linker (7.1) resolves extern maps
# only against a definition it has already seen.
BPF_SRCS := bpf/maps.bpf.c $(filter-out bpf/maps.bpf.c,$(sort $(wildcard bpf/*.bpf.c)))
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/bpf/%.bpf.o,$(BPF_SRCS))
BPF_HDRS := $(wildcard bpf/*.h)

# Every .c under these directories is part of the dcea binary; main.c alone is left out of tests.
SRC_DIRS := common rules loader policy scanners
SRCS := $(sort $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.c)))
OBJS := $(patsubst %.c,$(OUTPUT)/obj/%.o,$(SRCS))
HDRS := $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.h)) bpf/dcea.h

# The layers: what each directory's files may include (docs/DESIGN.md's map says the same, and
# `make check` holds both to it: scripts/check-layers.sh). Only the loader sees libbpf and the
# skeleton; the libraries below it build and link without them. A unit test of tests/unit/D/
# links the archives of what D may include, upper layers first, and libbpf only for the loader.
LAYER_common := common
LAYER_rules := rules common bpf/dcea.h
LAYER_policy := policy rules common bpf/dcea.h
LAYER_scanners := scanners common
LAYER_loader := loader policy scanners rules common bpf/dcea.h dcea.skel.h libbpf
LINK_ORDER := loader policy scanners rules common
ARCHIVE = $(OUTPUT)/lib/libdcea-$(1).a
objs_of = $(patsubst %.c,$(OUTPUT)/obj/%.o,$(filter-out loader/main.c,$(wildcard $(1)/*.c)))
test_archives = $(foreach l,$(LINK_ORDER),$(if $(filter $(l),$(LAYER_$(1))),$(call ARCHIVE,$(l))))
test_ldlibs = $(if $(filter libbpf,$(LAYER_$(1))),$(LDLIBS),$(LIB_LDLIBS))
LOADER_OBJS := $(call objs_of,loader) $(OUTPUT)/obj/loader/main.o
ARCHIVES := $(foreach l,$(LINK_ORDER),$(call ARCHIVE,$(l)))
DEPFILES := $(OBJS:.o=.d)

UNIT_SRCS := $(sort $(wildcard tests/unit/*/*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(UNIT_SRCS))

.DELETE_ON_ERROR:
.SECONDEXPANSION:
.PHONY: all deps run test unit integration bench check clean vmtest install uninstall static rules-doc

all: $(OUTPUT)/dcea

deps:
	$(Q)./scripts/deps.sh

# vmlinux.h is regenerated from the running kernel's BTF but replaced only when it changes, so
# a rebuild does not recompile every BPF object.
$(OUTPUT)/vmlinux.h: $(VMLINUX_BTF) | $(OUTPUT)
	$(call msg,GEN,$@)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm -f $@.tmp; touch $@; else mv $@.tmp $@; fi

$(OUTPUT)/bpf/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS) $(OUTPUT)/vmlinux.h | $(OUTPUT)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/dcea.bpf.o: $(BPF_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(OUTPUT)/dcea.skel.h: $(OUTPUT)/dcea.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name dcea_bpf > $@

# Header dependencies are the compiler's (-MMD): editing a .bpf.c regenerates the skeleton and
# recompiles only the loader files that include it, never a library. An object without its .d
# file (a build from before) is rebuilt once.
$(OUTPUT)/obj/%.o: %.c $(OUTPUT)/obj/%.d
	$(Q)mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@
# the skeleton must exist before the first loader object; after that the .d files say who uses it
$(LOADER_OBJS): | $(OUTPUT)/dcea.skel.h
$(DEPFILES):
include $(wildcard $(DEPFILES))

.SECONDARY: $(ARCHIVES)
$(OUTPUT)/lib/libdcea-%.a: $$(call objs_of,$$*)
	$(Q)mkdir -p $(@D)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

# Data files the scanners embed with .incbin
$(OUTPUT)/obj/scanners/kernel_rules.o: scanners/kernel_rules.yaml
$(OUTPUT)/obj/scanners/osv_builtin.o: $(wildcard scanners/vulndb/*.json)

$(OUTPUT)/dcea: $(OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# A static dcea to copy into containers (`dcea scan self`; busybox and distroless images have no
# libc). glibc warns that getaddrinfo/dlopen in libcrypto and sqlite need its shared libraries at
# run time: dcea calls neither.
STATIC_LDLIBS := -lbpf -lelf -ljson-c -lyaml -lz -lzstd -lsqlite3 -lcrypto -lm -lpthread
# no libcurl in the static binary: `dcea db update` says so (weak db_fetch in dbstore.c)
$(OUTPUT)/dcea-static: $(filter-out $(OUTPUT)/obj/scanners/db_fetch.o,$(OBJS))
	$(call msg,LD,$@)
	$(Q)$(CC) -static $(LDFLAGS) $^ $(STATIC_LDLIBS) -o $@ 2>$@.log || { cat $@.log; exit 1; }

static: $(OUTPUT)/dcea-static
# For `scan self` in the integration tests (DCEA_STATIC). ASan objects cannot be linked
# statically: a SANITIZE=1 run takes the static binary of a plain build under build/.
ifeq ($(SANITIZE),1)
DCEA_STATIC := $(CURDIR)/build/dcea-static
STATIC_FOR_TESTS := plain-static
plain-static:
	$(Q)$(MAKE) OUTPUT=build SANITIZE= build/dcea-static
.PHONY: plain-static
else
DCEA_STATIC := $(abspath $(OUTPUT)/dcea-static)
STATIC_FOR_TESTS := $(OUTPUT)/dcea-static
endif

# tests/unit/D/X.c: D's archives and libraries only (test_archives, test_ldlibs above)
$(OUTPUT)/tests/%: tests/unit/%.c $$(call test_archives,$$(firstword $$(subst /, ,$$*)))
	$(Q)mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -DFIXTURES=\"$(CURDIR)/tests/fixtures\" $< \
		$(call test_archives,$(firstword $(subst /, ,$*))) $(LDFLAGS) \
		$(call test_ldlibs,$(firstword $(subst /, ,$*))) -lcmocka -o $@

# docs/RULES.md is the rule catalogue's own page; tests/unit/rules/test_rules.c fails when it is stale.
RULES_DOC_LIBS := $(call ARCHIVE,rules) $(call ARCHIVE,common)
$(OUTPUT)/rules-doc: scripts/rules-doc.c $(RULES_DOC_LIBS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< $(RULES_DOC_LIBS) $(LDFLAGS) $(LIB_LDLIBS) -o $@

rules-doc: $(OUTPUT)/rules-doc
	$(call msg,GEN,docs/RULES.md)
	$(Q)$(OUTPUT)/rules-doc > docs/RULES.md

$(OUTPUT) $(OUTPUT)/bpf:
	$(Q)mkdir -p $@

run: deps
	$(Q)$(MAKE) all
	$(OUTPUT)/dcea run --mode audit

# The test runner prints PASS/FAIL/SKIP per check and one final "N passed, N failed, N skipped".
test: all $(UNIT_BINS) $(STATIC_FOR_TESTS)
	$(Q)OUTPUT=$(OUTPUT) SANITIZE=$(SANITIZE) DCEA_STATIC=$(DCEA_STATIC) tests/run.sh $(UNIT_BINS)

unit: all $(UNIT_BINS)
	$(Q)OUTPUT=$(OUTPUT) SANITIZE=$(SANITIZE) DCEA_UNIT_ONLY=1 tests/run.sh $(UNIT_BINS)

bench: all
	$(Q)OUTPUT=$(OUTPUT) tests/bench/run.sh

check:
	$(Q)clang-format --dry-run --Werror $(SRCS) $(UNIT_SRCS) $(HDRS) $(BPF_SRCS) scripts/*.c
	$(Q)scripts/check-layers.sh $(foreach d,$(SRC_DIRS),'$(d):$(LAYER_$(d))')
	$(Q)python3 scripts/gen-kernel-rules.py --check
	$(Q)cppcheck --quiet --error-exitcode=1 --enable=warning,portability --inline-suppr \
		--suppress=missingIncludeSystem -DLIBBPF_OPTS\(t,n,...\)="struct t n = {0}" -I. -Icommon $(SRCS)

vmtest: all
	$(Q)OUTPUT=$(OUTPUT) vmtest/run.sh

# make install [PREFIX=/usr/local] [DESTDIR=]: the binary, the default policy (an edited one is
# kept: the new default goes beside it as policy.yaml.new), the systemd unit, the man pages.
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
MAN8 := $(sort $(wildcard man/*.8))

install: $(OUTPUT)/dcea
	$(call msg,INSTALL,$(DESTDIR)$(SBINDIR)/dcea)
	$(Q)install -D -m 0755 $(OUTPUT)/dcea $(DESTDIR)$(SBINDIR)/dcea
	$(Q)install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/dcea $(DESTDIR)$(UNITDIR) $(DESTDIR)$(MANDIR)/man8
	$(Q)if [ ! -e $(DESTDIR)$(SYSCONFDIR)/dcea/policy.yaml ]; then \
		install -m 0644 policy/default.yaml $(DESTDIR)$(SYSCONFDIR)/dcea/policy.yaml; \
	elif ! cmp -s policy/default.yaml $(DESTDIR)$(SYSCONFDIR)/dcea/policy.yaml; then \
		install -m 0644 policy/default.yaml $(DESTDIR)$(SYSCONFDIR)/dcea/policy.yaml.new; \
		echo "  kept your $(SYSCONFDIR)/dcea/policy.yaml; the new default is policy.yaml.new"; \
	fi
	$(Q)sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' dist/dcea.service.in \
		> $(DESTDIR)$(UNITDIR)/dcea.service
	$(Q)chmod 0644 $(DESTDIR)$(UNITDIR)/dcea.service
	$(Q)install -m 0644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/

# The policy goes only when it is still the default: an edited one is the operator's.
uninstall:
	$(call msg,UNINSTALL,$(DESTDIR)$(PREFIX))
	$(Q)rm -f $(DESTDIR)$(SBINDIR)/dcea $(DESTDIR)$(UNITDIR)/dcea.service \
		$(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(MAN8))) \
		$(DESTDIR)$(SYSCONFDIR)/dcea/policy.yaml.new
	$(Q)if cmp -s policy/default.yaml $(DESTDIR)$(SYSCONFDIR)/dcea/policy.yaml; then \
		rm -f $(DESTDIR)$(SYSCONFDIR)/dcea/policy.yaml; fi
	$(Q)rmdir $(DESTDIR)$(SYSCONFDIR)/dcea 2>/dev/null || true

clean:
	$(call msg,CLEAN,$(OUTPUT))
	$(Q)rm -rf $(OUTPUT)
include tests/fuzz/fuzz.mk
