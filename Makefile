# dllkit - one non-recursive GNU Make file.
#
#   make            build the library and the tools into $(BUILD)/
#   make check      build everything and run every test (unit, cli, interop)
#   make deps       install build and test dependencies (Debian, apt-get; idempotent)
#   make samples    build the sample DLL with mkdef
#   make install    install the tools, man pages, libdllkit.a, dllkit.h and
#                   dllkit.pc (PREFIX, DESTDIR); make uninstall removes them
#   make clean
#
# Knobs: BUILD=dir  WERROR=1  SAN=address,undefined  CC=clang

BUILD    ?= build
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
LIBDIR   ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
OBJCOPY  ?= objcopy
CC       ?= cc
CFLAGS   ?= -O2 -g
WARN     := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wpointer-arith -Wformat=2 -Wno-format-nonliteral
ifeq ($(WERROR),1)
WARN     += -Werror
endif
ifneq ($(SAN),)
SANFLAGS := -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

# libbfd-multiarch reads ARM64 COFF; the plain libbfd does not.  Prefer it.
BFD_MULTI := $(wildcard /usr/lib/*/libbfd-multiarch.so /usr/lib/libbfd-multiarch.so)
ifneq ($(BFD_MULTI),)
BFD_LIBS   := -lbfd-multiarch
BFD_FLAVOR := libbfd-multiarch
else
BFD_LIBS   := -lbfd
BFD_FLAVOR := libbfd
endif

CPPFLAGS += -D_GNU_SOURCE -Ilib -DDK_BFD_FLAVOR='"$(BFD_FLAVOR)"'
ALL_CFLAGS = $(WARN) $(CFLAGS) $(SANFLAGS)
LDLIBS_ALL = $(BFD_LIBS)

LIB_SRC := $(sort $(wildcard lib/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
# Two archives of the same objects: libdllkit.a, the product (tools and
# installs), one relocatable object in which only the functions dllkit.h
# declares stay global (the library's internal dk_ helpers are local, so a
# program linking it can neither call nor collide with them); and
# libdllkit-internal.a, every object as built, for the unit tests.
LIB_A   := $(BUILD)/libdllkit.a
LIB_INT := $(BUILD)/libdllkit-internal.a
LIB_SYMS := $(BUILD)/dllkit.syms
DK_VERSION := $(shell sed -n 's/^\#define DK_VERSION "\(.*\)"/\1/p' lib/dllkit.h)

CMD_COMMON := cmd/common.c cmd/inputs.c cmd/listing.c cmd/imports.c cmd/deps.c
TOOLS      := mkdef mkimplib dumpexports
# dllkit-dlltool is mkimplib under another name (cmd/dlltool.c: dlltool's
# command line); `make install` adds it with the target-prefixed names of
# DLLTOOL_TARGETS, whose prefix picks the default machine as GNU dlltool's does.
DLLTOOL    := $(BUILD)/bin/dllkit-dlltool
DLLTOOL_TARGETS ?= x86_64-w64-mingw32 i686-w64-mingw32 aarch64-w64-mingw32 armv7-w64-mingw32
TOOL_BINS  := $(TOOLS:%=$(BUILD)/bin/%) $(DLLTOOL)
CMD_OBJ    := $(CMD_COMMON:%.c=$(BUILD)/%.o) $(TOOLS:%=$(BUILD)/cmd/%.o) $(BUILD)/cmd/dlltool.o

UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)

DEPS := $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d)

.PHONY: FORCE all check unit cli deps samples install uninstall clean lint fuzz fuzz-smoke fuzz-build bench
all: $(TOOL_BINS) $(LIB_A) $(BUILD)/dllkit.pc

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(LIB_INT): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

# The public functions: every dk_name( that dllkit.h declares.
$(LIB_SYMS): lib/dllkit.h
	@mkdir -p $(@D)
	grep -oE '\bdk_[a-z0-9_]+[[:space:]]*\(' $< | sed 's/[[:space:]]*($$//' | sort -u >$@

$(LIB_A): $(LIB_OBJ) $(LIB_SYMS)
	@rm -f $@
	$(LD) -r -o $(BUILD)/dllkit-all.o $(LIB_OBJ)
	$(OBJCOPY) --keep-global-symbols=$(LIB_SYMS) $(BUILD)/dllkit-all.o $(BUILD)/dllkit.o
	$(AR) rcs $@ $(BUILD)/dllkit.o

# pkg-config: only the static library is installed, so the libbfd flavour
# it was built with goes in Libs (Libs.private would be left out of a plain
# `pkg-config --libs`).
# Remade on every run (PREFIX may differ from the last), rewritten only when it changes.
$(BUILD)/dllkit.pc: FORCE
	@mkdir -p $(@D)
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(LIBDIR)' 'includedir=$(INCLUDEDIR)' '' \
	  'Name: dllkit' \
	  'Description: read and write Windows DLL exports: .def files, objects, PE images, import libraries' \
	  'Version: $(DK_VERSION)' \
	  'Libs: -L$${libdir} -ldllkit $(BFD_LIBS)' 'Cflags: -I$${includedir}' >$@.new
	@cmp -s $@.new $@ && rm -f $@.new || mv -f $@.new $@

$(BUILD)/bin/%: $(BUILD)/cmd/%.o $(BUILD)/cmd/common.o $(BUILD)/cmd/inputs.o $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIB_A) $(LDLIBS_ALL)

$(BUILD)/bin/mkimplib: $(BUILD)/cmd/dlltool.o

# A hard link: one program, which reads its name.
$(DLLTOOL): $(BUILD)/bin/mkimplib
	ln -f $< $@

# dumpexports' listings (cmd/listing.c, cmd/imports.c) demangle C++ names with libiberty's demangler.
$(BUILD)/bin/dumpexports: $(BUILD)/cmd/listing.o $(BUILD)/cmd/imports.o $(BUILD)/cmd/deps.o
$(BUILD)/bin/dumpexports: LDLIBS_ALL += -liberty

$(BUILD)/tests/unit/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(LIB_INT)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CHECK_CFLAGS) $(ALL_CFLAGS) -o $@ $< $(LIB_INT) $(LDLIBS_ALL) $(CHECK_LIBS)

# The whole suite: unit tests (check), then the tools on real inputs.  The
# runner prints one summary line: "N passed, N failed".
check: $(TOOL_BINS) $(UNIT_BINS)
	@BUILD=$(BUILD) sh tests/run.sh $(UNIT_BINS)

unit: $(UNIT_BINS)
	@BUILD=$(BUILD) sh tests/run.sh --only-unit $(UNIT_BINS)

lint:
	mandoc -Tlint -Wwarning man/*.[0-9]

# Coverage-guided fuzzing with libFuzzer (clang): a target per reader,
# writer and layer (tests/fuzz/fuzz_*.c, listed in tests/fuzz/run.sh),
# built with ASan and UBSan, every sanitizer report fatal and shown.  The
# seed corpora are made from the test fixtures (tests/fuzz/seeds.sh).
#   make fuzz         each target for FUZZ_SECONDS (60), FUZZ_PARALLEL (1) at
#                     a time; prints each one's executions, coverage and findings
#   make fuzz-smoke   each target for FUZZ_SMOKE_SECONDS (15): for CI
# FUZZ_TARGETS="bfd cli" picks targets.  Corpora grow in build-fuzz/corpus/,
# findings are left in build-fuzz/findings/TARGET/.
FUZZ_DIR      := build-fuzz
FUZZ_CC       ?= clang
FUZZ_SECONDS  ?= 60
FUZZ_SMOKE_SECONDS ?= 15
FUZZ_PARALLEL ?= 1
FUZZ_NAMES    := $(patsubst tests/fuzz/fuzz_%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_TARGETS  ?= $(FUZZ_NAMES)
FUZZ_CFLAGS   := $(WARN) -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
                 -fno-sanitize-recover=all $(CPPFLAGS) -Icmd -Itests/fuzz
FUZZ_LIB_OBJ  := $(LIB_SRC:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_CMD_OBJ  := $(CMD_COMMON:%.c=$(FUZZ_DIR)/obj/%.o) $(TOOLS:%=$(FUZZ_DIR)/obj/cmd/%.o) \
                 $(FUZZ_DIR)/obj/cmd/dlltool.o
FUZZ_BINS     := $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz_%)

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

# fuzz_cli calls the tools' main() under other names (they never exit).
$(FUZZ_DIR)/obj/cmd/%.o: cmd/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -Dmain=$*_main -Wno-missing-prototypes -MMD -MP -c -o $@ $<

$(FUZZ_DIR)/libdllkit.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_DIR)/libdllkit.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_DIR)/libdllkit.a $(BFD_LIBS)

$(FUZZ_DIR)/fuzz_cli: tests/fuzz/fuzz_cli.c tests/fuzz/fuzz.h $(FUZZ_CMD_OBJ) $(FUZZ_DIR)/libdllkit.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_CMD_OBJ) $(FUZZ_DIR)/libdllkit.a \
	  $(BFD_LIBS) -liberty

# Seeds: the fixtures the tests build (objects, archives, DLLs, import
# libraries, .def files), remade when the script or a tool changes.
$(FUZZ_DIR)/seeds/.stamp: tests/fuzz/seeds.sh tests/fixtures.sh $(TOOL_BINS)
	@BUILD=$(BUILD) bash tests/fuzz/seeds.sh $(FUZZ_DIR)/seeds

fuzz-build: $(FUZZ_BINS) $(FUZZ_DIR)/seeds/.stamp

fuzz: fuzz-build
	@FUZZ_DIR=$(FUZZ_DIR) FUZZ_PARALLEL=$(FUZZ_PARALLEL) \
	  bash tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-smoke: fuzz-build
	@FUZZ_DIR=$(FUZZ_DIR) FUZZ_PARALLEL=$(FUZZ_PARALLEL) \
	  bash tests/fuzz/run.sh $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)

# Everything the build and the tests use, on Debian.  apt-get install is
# idempotent; the update runs only when a package is missing.
DEB_PKGS := build-essential pkg-config binutils-dev binutils-multiarch-dev libiberty-dev \
            check mingw-w64 gcc-mingw-w64 g++-mingw-w64 binutils-mingw-w64 \
            clang libclang-rt-dev lld llvm mandoc llvm-22 lld-22 clang-22 wine wine64 cmake time
# Wine's 32-bit side comes as an unpacked libwine:i386 (see tests/interop/lib/setup-wine32.sh).
deps:
	@SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	missing=$$(for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $$SUDO apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing || exit 1; \
	else echo "all Debian packages present"; fi; \
	$$SUDO sh tests/interop/lib/setup-wine32.sh

# Speed and memory beside the peers, in one run: issue 13's goals, each with
# dllkit's figure, the peer's, the ratio and the verdict (bench/run.sh says how
# to read it).  BENCH_QUICK=1 for a try-out, BENCH_ONLY="short long wine mkdef
# one curve" for some sections, BENCH_EXPORTS=60000, BENCH_RUNS=5.  Not in CI.
bench: $(TOOL_BINS)
	@BUILD=$(BUILD) CC="$(CC)" bash bench/run.sh

samples: $(TOOL_BINS)
	$(MAKE) -C samples DLLKIT_BIN=$(abspath $(BUILD)/bin)

MAN1 := $(wildcard man/*.1)
MAN3 := $(wildcard man/*.3)
MAN5 := $(wildcard man/*.5)
install: $(TOOL_BINS) $(LIB_A) $(BUILD)/dllkit.pc
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 \
	  $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR)
	install -m 755 $(TOOLS:%=$(BUILD)/bin/%) $(DESTDIR)$(BINDIR)/
	ln -f $(DESTDIR)$(BINDIR)/mkimplib $(DESTDIR)$(BINDIR)/dllkit-dlltool
	for t in $(DLLTOOL_TARGETS); do ln -sf dllkit-dlltool $(DESTDIR)$(BINDIR)/$$t-dllkit-dlltool || exit 1; done
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(MAN3) $(DESTDIR)$(MANDIR)/man3/
	install -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	install -m 644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	install -m 644 lib/dllkit.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 644 $(BUILD)/dllkit.pc $(DESTDIR)$(PKGCONFIGDIR)/

# Removes every file install put there (folders are left: they may be shared).
uninstall:
	rm -f $(TOOLS:%=$(DESTDIR)$(BINDIR)/%) $(DESTDIR)$(BINDIR)/dllkit-dlltool \
	  $(DLLTOOL_TARGETS:%=$(DESTDIR)$(BINDIR)/%-dllkit-dlltool) \
	  $(MAN1:man/%=$(DESTDIR)$(MANDIR)/man1/%) $(MAN3:man/%=$(DESTDIR)$(MANDIR)/man3/%) \
	  $(MAN5:man/%=$(DESTDIR)$(MANDIR)/man5/%) $(DESTDIR)$(LIBDIR)/libdllkit.a \
	  $(DESTDIR)$(INCLUDEDIR)/dllkit.h $(DESTDIR)$(PKGCONFIGDIR)/dllkit.pc

clean:
	rm -rf $(BUILD) build-san build-fuzz
	-$(MAKE) -C samples clean >/dev/null 2>&1

FORCE:

.SECONDARY:

-include $(DEPS) $(wildcard $(FUZZ_DIR)/obj/*/*.d)
