#!/bin/bash
# mingw-crt.sh - build mingw-w64-crt's import libraries twice through its own
# build system, once with GNU dlltool and once with dllkit-dlltool, and
# compare the two sets; then link programs against both and run them (Wine).
#
# What it proves (issue 11, "Done means"): that dllkit-dlltool answers to
# every command line mingw-w64-crt's Makefile gives dlltool (2216 import
# libraries, lib64 and lib32, configured as a MinGW toolchain build does),
# and that each library it writes gives a linker what GNU dlltool's gives:
#   1. the same defined __imp_ symbols and thunk symbols (llvm-nm);
#   2. the same imports in a linked image: an image that references every
#      __imp_ symbol of the library (and one that references every thunk)
#      is linked with lld-link against each library; the DLL names and
#      import names/ordinals that llvm-readobj --coff-imports shows must be
#      equal.  Hints are reported apart (only a loader's first guess), and
#      each known, explained difference is named (see classify below: GNU
#      dlltool's -k damages C++ names, dllkit and llvm-dlltool keep them);
#   3. programs (x86-64 and i686, MinGW gcc + GNU ld) linked against
#      kernel32, user32, advapi32, shell32, ole32, oleaut32, ws2_32, gdi32,
#      msvcrt and ucrtbase/api-ms-win-crt-* of each build have the same
#      imports and run under Wine, printing their "ok" line.
# With DELAY=yes the builds add --output-delaylib to every call and the
# delay-load libraries are compared by 1 only (GNU's long-format delay
# libraries give no delay-import directory in an lld-link or GNU ld image,
# so 2 sees nothing); their known differences are named too.
# Not part of `make check`: about 15-35 minutes on 2 busy cores.
#
# How to run (from a dllkit checkout, after `make`):
#   tests/compat/mingw-crt.sh [STEP...]
#   DELAY=yes tests/compat/mingw-crt.sh gnu dllkit compare
# STEPs (default: src gnu dllkit compare link):
#   src      unpack mingw-w64-crt and -headers from MINGW_GIT (a git dir) at
#            MINGW_REV, generate the Makefile.in the mirror may lack (needs
#            automake 1.16), install the headers into a private sysroot
#   gnu      configure + build the import libraries with GNU dlltool -> ref/
#   dllkit   the same in a clean folder with dllkit-dlltool         -> dllkit/
#   compare  symbol sets and linked import tables of every library
#   link     programs against a sample of both sets; import tables; Wine
# Needs: x86_64-/i686-w64-mingw32-gcc and binutils, LLVM 22 (clang, lld-link,
# llvm-nm, llvm-readobj), automake, python3, Wine 8 with the 32-bit DLLs
# (make deps), and a mingw-w64 git mirror.
# Environment:
#   CRT_WORK        work folder (default: <checkout>/build/mingw-crt, or the
#                   script's folder outside a checkout)
#   MINGW_GIT       mingw-w64 git dir (default /work/.mirror/mingw-w64+mingw-w64/repo)
#   MINGW_REV       revision (default HEAD)
#   DLLKIT_DLLTOOL  the dllkit-dlltool to test (default build/bin/dllkit-dlltool;
#                   its file name must stay dllkit-dlltool: the name picks the mode)
#   GNU_DLLTOOL     default x86_64-w64-mingw32-dlltool (does i386 with -m i386)
#   LLVM_BIN        default /usr/lib/llvm-22/bin
#   WINE_SH         tests/interop/lib/wine.sh (default: the checkout's)
#   JOBS            make -j and parallel comparisons (default 2)
# Results: $CRT_WORK/report.txt (summary), compare/status.txt (one line per
# library), compare/causes.txt, compare/*/*.diff, build-*/dlltool.log (every
# dlltool call: exit status, ms, arguments, stderr), build-*/time.txt.
# Exit status 0 only when both builds made every library, every difference
# has a known cause and every program linked, matched and ran.

set -u
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${CRT_WORK:-}" ]; then
	if git -C "$here" rev-parse --show-toplevel >/dev/null 2>&1; then
		CRT_WORK=$(git -C "$here" rev-parse --show-toplevel)/build/mingw-crt
	else
		CRT_WORK=$here
	fi
fi
W=$CRT_WORK
MINGW_GIT=${MINGW_GIT:-/work/.mirror/mingw-w64+mingw-w64/repo}
MINGW_REV=${MINGW_REV:-HEAD}
top=$(git -C "$here" rev-parse --show-toplevel 2>/dev/null || echo "$here")
DLLKIT_DLLTOOL=${DLLKIT_DLLTOOL:-$top/build/bin/dllkit-dlltool}
GNU_DLLTOOL=${GNU_DLLTOOL:-$(command -v x86_64-w64-mingw32-dlltool)}
LLVM_BIN=${LLVM_BIN:-/usr/lib/llvm-22/bin}
JOBS=${JOBS:-2}
if [ -z "${WINE_SH:-}" ]; then
	for f in "$top/tests/interop/lib/wine.sh" /work/main/tests/interop/lib/wine.sh; do
		[ -f "$f" ] && { WINE_SH=$f; break; }
	done
fi
NM=$LLVM_BIN/llvm-nm
READOBJ=$LLVM_BIN/llvm-readobj
LLDLINK=$LLVM_BIN/lld-link
CLANG=$LLVM_BIN/clang
CRT=$W/src/mingw-w64-crt
# DELAY=yes: configure with --enable-delay-import-libs (every call also gets
# --output-delaylib) and compare the delay-load libraries instead; the sets
# are then ref-delay/ and dllkit-delay/, the comparison compare-delay/.
DELAY=${DELAY:-no}
if [ "$DELAY" = yes ]; then
	SUFFIX=-delay CONFIGURE_EXTRA=--enable-delay-import-libs
else
	SUFFIX='' CONFIGURE_EXTRA=''
fi
A=ref$SUFFIX B=dllkit$SUFFIX CMPDIR=$W/compare$SUFFIX
mkdir -p "$W"
REPORT=$W/report.txt

say() { printf '%s\n' "$*" | tee -a "$REPORT"; }
die() { printf 'mingw-crt.sh: %s\n' "$*" >&2; exit 2; }

# --- the logging wrapper that the builds call as $(DLLTOOL) -----------------
write_wrapper() {
	mkdir -p "$W/bin"
	cat >"$W/bin/dlltool-log" <<'EOF'
#!/bin/bash
# Written by mingw-crt.sh: runs $REAL_DLLTOOL with the same arguments and
# appends one record per call to $DLLTOOL_LOG: exit status, milliseconds,
# folder, arguments (shell-quoted); then its stderr lines, indented.
real=${REAL_DLLTOOL:?REAL_DLLTOOL not set}
log=${DLLTOOL_LOG:-/dev/null}
errf=$(mktemp)
t0=$(date +%s%N)
"$real" "$@" 2>"$errf"
rc=$?
t1=$(date +%s%N)
rec=$(printf 'rc=%d ms=%d cwd=%s :' "$rc" $(( (t1 - t0) / 1000000 )) "$PWD"; printf ' %q' "$@")
if [ -s "$errf" ]; then rec+=$'\n'$(sed 's/^/  stderr: /' "$errf"); fi
printf '%s\n' "$rec" >>"$log"
cat "$errf" >&2
rm -f "$errf"
exit $rc
EOF
	chmod +x "$W/bin/dlltool-log"
	cat >"$W/bin/print.mk" <<'EOF'
# Read after mingw-w64-crt's Makefile: `make -f Makefile -f print.mk print-VAR`.
print-%:
	@printf '%s\n' $($*)
EOF
}

# --- src -------------------------------------------------------------------
step_src() {
	if [ ! -f "$CRT/configure" ]; then
		mkdir -p "$W/src"
		# Through a private index, file by file: a partial mirror may lack
		# some blobs (Makefile.in is generated below anyway), which would
		# stop `git archive`; every file that is there is taken.
		(
			export GIT_DIR=$MINGW_GIT GIT_INDEX_FILE=$W/src/index
			git read-tree "$MINGW_REV" || exit 1
			git ls-files -s -- mingw-w64-crt mingw-w64-headers |
				awk '{print $2}' | git cat-file --batch-check='%(objecttype)' >"$W/src/types"
			git ls-files -- mingw-w64-crt mingw-w64-headers | paste -d' ' "$W/src/types" - |
				awk '$1 == "blob" {sub(/^blob /, ""); print}' >"$W/src/files.txt"
			git checkout-index --prefix="$W/src/" --stdin <"$W/src/files.txt"
		) || die "cannot unpack $MINGW_GIT"
		say "src: $(wc -l <"$W/src/files.txt") files of $(git --git-dir="$MINGW_GIT" ls-tree -r --name-only \
			"$MINGW_REV" -- mingw-w64-crt mingw-w64-headers | wc -l) unpacked (the rest are absent from the mirror)"
		git --git-dir="$MINGW_GIT" rev-parse "$MINGW_REV" >"$W/src/REVISION"
	fi
	if [ ! -f "$CRT/Makefile.in" ]; then
		command -v automake >/dev/null || die "$CRT/Makefile.in is missing and automake is not installed"
		(cd "$CRT" && automake --foreign Makefile) >"$W/src/automake.log" 2>&1 ||
			die "automake failed; see $W/src/automake.log"
	fi
	if [ ! -f "$W/sysroot/include/windows.h" ]; then
		rm -rf "$W/hbuild" && mkdir -p "$W/hbuild"
		(cd "$W/hbuild" && "$W/src/mingw-w64-headers/configure" --host=x86_64-w64-mingw32 \
			--prefix="$W/sysroot" && make install) >"$W/hbuild/log" 2>&1 ||
			die "the headers did not install; see $W/hbuild/log"
	fi
}

# --- gnu / dllkit: one build of the import libraries ------------------------
# build NAME REAL_DLLTOOL: configure in build-NAME, find every library the
# Makefile makes with $(DLLTOOL), build exactly those, copy them to NAME/.
build() {
	local name=$1 real=$2 b=$W/build-$1 out=$W/$1 t
	[ -x "$real" ] || die "no dlltool to run at '$real'"
	write_wrapper
	rm -rf "$b" "$out"
	mkdir -p "$b" "$out"
	export REAL_DLLTOOL=$real DLLTOOL_LOG=$b/dlltool.log
	(cd "$b" && "$CRT/configure" --host=x86_64-w64-mingw32 --enable-lib32 --enable-lib64 \
		--disable-libarm32 --disable-libarm64 --with-sysroot="$W/sysroot" $CONFIGURE_EXTRA \
		--prefix="$W/inst-$name" DLLTOOL="$W/bin/dlltool-log") >"$b/configure.out" 2>&1 ||
		{ say "$name: configure FAILED (see $b/configure.out)"; return 1; }
	grep -q '^S\["DLLTOOL_HAS_TEMP_PREFIX_TRUE"\]=""$' "$b/config.status" &&
		say "$name: configure found --temp-prefix supported" ||
		say "$name: configure found --temp-prefix NOT supported"
	mv "$b/dlltool.log" "$b/configure-dlltool.log" 2>/dev/null
	# Every library a rule makes with $(DLLTOOL): a dry run over all the
	# data and library targets, reading the --output-lib of each call.
	t=$(cd "$b" && make -s -f Makefile -f "$W/bin/print.mk" print-lib64_DATA print-lib32_DATA \
		print-dx64_DATA print-dx32_DATA print-winrt64_DATA print-winrt32_DATA \
		print-lib64_LIBRARIES print-lib32_LIBRARIES | sort -u)
	(cd "$b" && make -n -k $t 2>/dev/null) | grep -o 'dlltool-log .*' |
		grep -o -- '--output-lib [^ ]*' | awk '{print $2}' | sort -u >"$b/targets.txt"
	say "$name: $(wc -l <"$b/targets.txt") libraries made by \$(DLLTOOL):" \
		"$(grep -c '^lib64/' "$b/targets.txt") lib64, $(grep -c '^lib32/' "$b/targets.txt") lib32"
	mkdir -p "$b/lib64" "$b/lib32"
	# shellcheck disable=SC2046 # (one word per library)
	(cd "$b" && /usr/bin/time -f '%e' -o time.txt make -k -j"$JOBS" $(cat targets.txt) >make.out 2>&1)
	echo $? >"$b/make.rc"
	local made=0 missing=0 calls failed ms
	while IFS= read -r t; do
		[ "$DELAY" = yes ] && t=$t.delayimp.a
		if [ -f "$b/$t" ]; then
			mkdir -p "$out/$(dirname "$t")"
			cp "$b/$t" "$out/$t"
			made=$((made + 1))
		else
			missing=$((missing + 1))
			echo "$t" >>"$b/missing.txt"
		fi
	done <"$b/targets.txt"
	if [ "$DELAY" = yes ]; then
		sed 's/$/.delayimp.a/' "$b/targets.txt" >"$out/targets.txt"
	else
		cp "$b/targets.txt" "$out/targets.txt"
	fi
	calls=$(grep -c '^rc=' "$b/dlltool.log")
	failed=$(grep -c '^rc=[1-9]' "$b/dlltool.log")
	ms=$(sed -n 's/^rc=[0-9]* ms=\([0-9]*\) .*/\1/p' "$b/dlltool.log" | awk '{s += $1} END {print s + 0}')
	say "$name: make exit $(cat "$b/make.rc"), wall $(tail -n 1 "$b/time.txt") s; $calls dlltool calls" \
		"($failed failed, $(grep -c '^  stderr:' "$b/dlltool.log") stderr lines), sum of their times" \
		"$((ms / 1000)).$(printf '%03d' $((ms % 1000))) s; $made libraries made, $missing missing"
	[ "$missing" = 0 ] && [ "$failed" = 0 ]
}

# --- compare ---------------------------------------------------------------
# cmp1 LIB: compare $A/LIB (GNU) with $B/LIB (dllkit); writes $CMPDIR/LIB.diff when they
# differ and prints one status word.
cmp1() {
	local lib=$1 d=$CMPDIR/work/$1 v arch mach dir kind helper
	mkdir -p "$d"
	case $lib in
	lib32/*) arch=i686; mach=x86; dir=.long; helper=___delayLoadHelper2@8 ;;
	*) arch=x86_64; mach=x64; dir=.quad; helper=__delayLoadHelper2 ;;
	esac
	for v in $A $B; do
		if [ ! -f "$W/$v/$lib" ]; then echo "MISSING-$v $lib"; return; fi
		# GNU dlltool's side is kept from an earlier run while its
		# library is the same.
		if [ $v = "$A" ] && [ -f "$d/$A.key" ] && [ "$(cat "$d/$A.key")" = "$(cksum <"$W/$v/$lib")" ]; then
			continue
		fi
		rm -f "$d/$v".*
		"$NM" --extern-only --defined-only --format=posix "$W/$v/$lib" 2>"$d/$v.nmerr" |
			awk 'NF >= 3 && $1 !~ /:$/ {print $1, $2}' | sort -u >"$d/$v.all"
		# Internals of each format (GNU head/tail, MS descriptors) aside.
		grep -Ev '^(_?_head_|__IMPORT_DESCRIPTOR_|__NULL_IMPORT_DESCRIPTOR |.*_iname |.*_NULL_THUNK_DATA )' \
			"$d/$v.all" >"$d/$v.syms"
		awk '$1 ~ /^__imp_/ {print $1}' "$d/$v.syms" >"$d/$v.imp"
		awk '$1 !~ /^__imp_/ && $2 == "T" {print $1}' "$d/$v.syms" >"$d/$v.thunk"
		for kind in imp thunk; do
			: >"$d/$v.$kind.imports"
			[ -s "$d/$v.$kind" ] || continue
			# (a delay-load helper of our own, for the delay-load libraries)
			{ echo '.section .rdata,"dr"'; sed "s/.*/\t$dir \"&\"/" "$d/$v.$kind"
			  printf '.text\n.globl "%s"\n"%s":\n\tret\n' "$helper" "$helper"; } >"$d/$v.$kind.s"
			"$CLANG" --target=$arch-pc-windows-msvc -c "$d/$v.$kind.s" -o "$d/$v.$kind.obj" 2>"$d/$v.$kind.err" &&
			"$LLDLINK" -nologo -dll -noentry -nodefaultlib -machine:$mach -safeseh:no \
				-out:"$d/$v.$kind.dll" "$d/$v.$kind.obj" "$W/$v/$lib" >>"$d/$v.$kind.err" 2>&1 &&
			"$READOBJ" --coff-imports "$d/$v.$kind.dll" 2>>"$d/$v.$kind.err" |
				awk '/^ *Name:/ {dll = $2} /^ *Symbol:/ {s = $0; sub(/^ *Symbol: /, "", s); print dll, s}' |
				sort >"$d/$v.$kind.imports" || echo "link failed" >>"$d/$v.$kind.imports"
		done
		cksum <"$W/$v/$lib" >"$d/$v.key"
	done
	local st=same
	: >"$d/diff"
	for kind in imp thunk; do
		if ! cmp -s "$d/$A.$kind" "$d/$B.$kind"; then
			st=DIFF; { echo "== $kind symbols (< GNU dlltool, > dllkit-dlltool)"; diff "$d/$A.$kind" "$d/$B.$kind"; } >>"$d/diff"
		fi
		# Without the hint: DLL name and import name (or ordinal).
		if ! cmp -s <(sed 's/ ([0-9]*)$//' "$d/$A.$kind.imports") <(sed 's/ ([0-9]*)$//' "$d/$B.$kind.imports"); then
			st=DIFF; { echo "== imports of an image referencing every $kind symbol"; diff "$d/$A.$kind.imports" "$d/$B.$kind.imports"; } >>"$d/diff"
		elif ! cmp -s "$d/$A.$kind.imports" "$d/$B.$kind.imports"; then
			[ $st = same ] && st=HINTS
			{ echo "== hints only ($kind)"; diff "$d/$A.$kind.imports" "$d/$B.$kind.imports" | head -20; } >>"$d/diff"
		fi
	done
	if ! cmp -s <(cut -d' ' -f2- "$d/$A.syms" | sort | uniq -c) <(cut -d' ' -f2- "$d/$B.syms" | sort | uniq -c) &&
		cmp -s "$d/$A.imp" "$d/$B.imp"; then
		{ echo "== symbol types differ"; diff "$d/$A.syms" "$d/$B.syms" | head -20; } >>"$d/diff"
		[ $st = same ] && st=TYPES
	fi
	if [ -s "$d/diff" ]; then
		mkdir -p "$CMPDIR/$(dirname "$lib")"
		cp "$d/diff" "$CMPDIR/$lib.diff"
	fi
	echo "$st $lib $(wc -l <"$d/$A.imp") $(wc -l <"$d/$A.imp.imports")"
}

step_compare() {
	local n
	rm -rf "${CMPDIR:?}/lib32" "${CMPDIR:?}/lib64" "$CMPDIR/status.txt" "$CMPDIR/causes.txt"
	mkdir -p "$CMPDIR"
	cmp -s "$W/$A/targets.txt" "$W/$B/targets.txt" ||
		say "compare$SUFFIX: the two builds made different sets of libraries (see diff of */targets.txt)"
	export W NM READOBJ LLDLINK CLANG A B CMPDIR
	export -f cmp1
	xargs -a "$W/$A/targets.txt" -n 1 -P "$JOBS" bash -c 'cmp1 "$1"' _ | sort -k2 >"$CMPDIR/status.txt"
	n=$(wc -l <"$CMPDIR/status.txt")
	say "compare$SUFFIX: $n libraries; $(awk '{print $1}' "$CMPDIR/status.txt" | sort | uniq -c | tr '\n' ' ')"
	say "compare$SUFFIX: $(awk '{s += $3} END {print s}' "$CMPDIR/status.txt") __imp_ symbols," \
		"$(awk '{s += $4} END {print s}' "$CMPDIR/status.txt") imports in the linked images (GNU dlltool's libraries)"
	grep -v '^same \|^HINTS ' "$CMPDIR/status.txt" | head -60 | sed 's/^/  /' | tee -a "$REPORT"
	# Each DIFF paired with the known causes; any other is a failure.
	classify "$CMPDIR" "$A" "$B" >"$CMPDIR/causes.txt"
	local rc=$?
	grep -v 'e\.g\.' "$CMPDIR/causes.txt" | sed 's/^/  /' | tee -a "$REPORT"
	[ $rc = 0 ] && ! grep -qv '^same \|^HINTS \|^DIFF ' "$CMPDIR/status.txt"
}

# classify CMPDIR A B: pair the import names of every library that differs
# and name the known cause of each pair; exit 1 if any pair is unexplained.
classify() {
	python3 - "$@" <<'CLASSIFY_EOF'
#!/usr/bin/env python3
"""Classify the differences mingw-crt.sh's compare step found: for each
library whose linked import list differs (names, hints aside), pair the
lines and say which known cause explains each pair.  Usage:
classify.py CMPDIR A B  (e.g. compare ref dllkit)."""
import os, re, sys, collections

cmpdir, A, B = sys.argv[1:4]
def load(p):
    try:
        return [re.sub(r' \(\d+\)$', '', l.rstrip('\n')) for l in open(p)]
    except FileNotFoundError:
        return None

def gnu_killat(name):
    # GNU dlltool 2.40 -k: cut at the last '@' when a digit follows.
    i = name.rfind('@')
    if i >= 0 and i + 1 < len(name) and name[i + 1].isdigit():
        return name[:i]
    return name

causes = collections.Counter()
examples = collections.defaultdict(list)
libs_by_cause = collections.defaultdict(set)
unexplained = []
for root, dirs, files in os.walk(os.path.join(cmpdir, 'work')):
    if not files:
        continue
    lib = os.path.relpath(root, os.path.join(cmpdir, 'work'))
    for kind in ('imp', 'thunk'):
        a = load(os.path.join(root, f'{A}.{kind}.imports'))
        b = load(os.path.join(root, f'{B}.{kind}.imports'))
        if a is None or b is None or a == b:
            continue
        sa, sb = collections.Counter(a), collections.Counter(b)
        only_a = sorted((sa - sb).elements())
        only_b = sorted((sb - sa).elements())
        # pair by DLL and by the name dllkit gives (the DLL's real name)
        left = list(only_a)
        for lb in only_b:
            dll, _, nb = lb.partition(' ')
            hit = None
            for la in left:
                dla, _, na = la.partition(' ')
                if dla != dll:
                    continue
                # GNU's -k cuts '@' + digits off the end, more than once
                # ("@@9@9" -> "@"): a C++ name loses its tail.
                if nb.startswith('?') and nb.startswith(na) and len(nb) > len(na) and re.search(r'@\d', nb[len(na) - 1:]):
                    hit = ('C++ name: GNU -k cuts its @digits tail off', la); break
                if na.endswith('@') and na[:-1] == nb:
                    hit = ("bare trailing '@' kept by GNU -k, dropped by dllkit", la); break
            if hit:
                left.remove(hit[1])
                c = f'{hit[0]} ({kind})'
                causes[c] += 1
                libs_by_cause[c].add(lib)
                if len(examples[c]) < 3:
                    examples[c].append(f'{lib}: GNU "{hit[1]}" / dllkit "{lb}"')
            else:
                unexplained.append(f'{lib} ({kind}): only dllkit: {lb}')
        # An import only GNU's library gives, of a name GNU's library has no
        # thunk for (a DATA export): dllkit leaves DATA exports out of a
        # delay-load library (they cannot be loaded lazily).
        if kind == 'imp' and lib.endswith('.delayimp.a'):
            thunks = set(load(os.path.join(root, f'{A}.thunk.imports')) or [])
            c = 'DATA export left out of the delay-load library by dllkit (imp)'
            for la in list(left):
                if la not in thunks:
                    left.remove(la)
                    causes[c] += 1
                    libs_by_cause[c].add(lib)
                    if len(examples[c]) < 3:
                        examples[c].append(f'{lib}: GNU "{la}"')
        for la in left:
            unexplained.append(f'{lib} ({kind}): only GNU: {la}')
# Delay-load libraries: long-format ones give no delay-import directory in
# an image lld-link (or GNU ld) links, so the import lists above are empty;
# compare their symbol sets instead.
def syms(root, v, kind):
    try:
        return set(open(os.path.join(root, f'{v}.{kind}')).read().split())
    except FileNotFoundError:
        return None

def cut_at(name):
    # GNU -k: '@' + digits cut off the end, repeatedly
    while True:
        m = re.search(r'@\d+$', name)
        if not m:
            return name
        name = name[:m.start()]

for root, dirs, files in os.walk(os.path.join(cmpdir, 'work')):
    lib = os.path.relpath(root, os.path.join(cmpdir, 'work'))
    if not lib.endswith('.delayimp.a'):
        continue
    tg = syms(root, A, 'thunk') or set()
    for kind in ('imp', 'thunk'):
        a, b = syms(root, A, kind), syms(root, B, kind)
        if a is None or b is None:
            continue
        ga, db = sorted(a - b), sorted(b - a)
        by_cut = collections.defaultdict(list)
        for x in db:
            by_cut[cut_at(x)].append(x)
        for g in ga:
            if 'tailMerge_' in g:
                c = 'delay: helper symbol names (GNU: __tailMerge_<output path>, dllkit: __delay_<dll>_merge)'
            elif by_cut.get(g) or any(x.startswith(g) and x.startswith(('?', '__imp_?')) for x in db):
                c = f'delay: GNU -y with -k drops @N (or a C++ tail) from the SYMBOLS themselves ({kind})'
                if by_cut.get(g):
                    db.remove(by_cut[g].pop())
                else:
                    db.remove(next(x for x in db if x.startswith(g) and x.startswith(('?', '__imp_?'))))
            elif kind == 'imp' and g[len('__imp_'):] not in tg:
                c = 'delay: DATA export (no thunk in GNU library) left out by dllkit (imp)'
            else:
                unexplained.append(f'{lib} ({kind} symbol): only GNU: {g}')
                continue
            causes[c] += 1
            libs_by_cause[c].add(lib)
            if len(examples[c]) < 3:
                examples[c].append(f'{lib}: GNU "{g}"')
        for x in db:
            if '_merge' in x and '__delay_' in x:
                continue
            if cut_at(x) in a:
                # the .def names both f and f@N: GNU's -y library has one
                # symbol f for both, dllkit's has f and f@N
                c = f'delay: GNU -y with -k drops @N (or a C++ tail) from the SYMBOLS themselves ({kind})'
                causes[c] += 1
                libs_by_cause[c].add(lib)
                continue
            unexplained.append(f'{lib} ({kind} symbol): only dllkit: {x}')

for c, n in causes.most_common():
    names = sorted(libs_by_cause[c])
    more = f' and {len(names) - 30} more' if len(names) > 30 else ''
    print(f'{n:5d} {c}; {len(names)} libraries: {" ".join(names[:30])}{more}')
    for e in examples[c]:
        print(f'        e.g. {e}')
print(f'{len(unexplained):5d} unexplained')
for u in unexplained[:50]:
    print('        ' + u)
sys.exit(1 if unexplained else 0)
CLASSIFY_EOF
}

# --- link ------------------------------------------------------------------
# imports EXE: its import table, one "DLL name (hint)" line per import, in
# the table's order.
imports() {
	"$READOBJ" --coff-imports "$1" |
		awk '/^ *Name:/ {dll = $2} /^ *Symbol:/ {s = $0; sub(/^ *Symbol: /, "", s); print dll, s}'
}

# link1 ARCH SET PROG VARIANT: build PROG.c against library set SET (ref or
# dllkit) into $L/ARCH-SET/PROG[VARIANT].exe.  VARIANT "_nows" leaves
# ws2_32 out (-DNO_WINSOCK).
# shellcheck disable=SC2046 # (one word per library)
link1() {
	local arch=$1 v=$2 p=$3 var=$4 d entry cc libs lib o flags=
	case $arch in x86_64) d=lib64; entry=start ;; i686) d=lib32; entry=_start ;; esac
	cc=$arch-w64-mingw32-gcc
	o=$L/$arch-$v/$p$var
	[ "$var" = _nows ] && flags=-DNO_WINSOCK
	case $p in
	nocrt_msvcrt)
		libs="msvcrt_def ole32 oleaut32 shell32 advapi32 user32 ws2_32 kernel32"
		$cc -O1 -fno-builtin -D__USE_MINGW_ANSI_STDIO=0 -Wno-attributes $flags -nostdlib -e $entry \
			-o "$o.exe" "$L/$p.c" $(for lib in $libs; do echo "$W/$v/$d/lib$lib.a"; done) ;;
	nocrt_ucrt)
		# ucrtbase.dll first; or (_apiset) the api-ms-win-crt-* sets
		# first, as libucrt.a has them.
		libs="ucrtbase_def api-ms-win-crt-stdio-l1-1-0 api-ms-win-crt-string-l1-1-0 api-ms-win-crt-heap-l1-1-0 api-ms-win-crt-runtime-l1-1-0 kernel32"
		[ "$var" = _apiset ] &&
			libs="api-ms-win-crt-stdio-l1-1-0 api-ms-win-crt-string-l1-1-0 api-ms-win-crt-heap-l1-1-0 api-ms-win-crt-runtime-l1-1-0 ucrtbase_def kernel32"
		$cc -O1 -fno-builtin -D_UCRT $flags -nostdlib -e $entry \
			-o "$o.exe" "$L/$p.c" $(for lib in $libs; do echo "$W/$v/$d/lib$lib.a"; done) ;;
	full)
		# A private -L folder holding only the sample, so that GNU ld
		# takes these and the system's libraries for everything else.
		mkdir -p "$L/$arch-$v/L"
		for lib in kernel32 user32 advapi32 shell32 ole32 oleaut32 ws2_32 gdi32; do
			cp "$W/$v/$d/lib$lib.a" "$L/$arch-$v/L/"
		done
		$cc -O1 $flags -o "$o.exe" "$L/$p.c" -L"$L/$arch-$v/L" -lole32 -loleaut32 -lws2_32 -lgdi32 ;;
	esac >"$o.log" 2>&1
}

step_link() {
	local arch v e p var ok=0 bad=0 notrun=0 exes
	L=$W/link
	rm -rf "$L"
	mkdir -p "$L"
	write_progs "$L"
	if [ -n "${WINE_SH:-}" ]; then
		BUILD=$W/wine   # read by wine.sh
		export BUILD
		fail() { :; }; skip() { :; }
		# shellcheck disable=SC1090
		. "$WINE_SH"
	else
		say "link: no tests/interop/lib/wine.sh (set WINE_SH): programs are linked, not run"
	fi
	for arch in x86_64 i686; do
		exes="nocrt_msvcrt nocrt_ucrt nocrt_ucrt_apiset full"
		# Wine 8's 32-bit WS2_32.dll fails to initialise in wow64 mode
		# (status c0000142) whatever library the program was linked
		# with: run i686 programs without it, compare both builds.
		[ $arch = i686 ] && exes="$exes nocrt_msvcrt_nows full_nows"
		for e in $exes; do
			p=${e%_nows}; p=${p%_apiset}; var=${e#"$p"}
			for v in ref dllkit; do
				mkdir -p "$L/$arch-$v"
				link1 $arch $v $p "$var"
			done
			if [ ! -f "$L/$arch-ref/$e.exe" ] || [ ! -f "$L/$arch-dllkit/$e.exe" ]; then
				for v in ref dllkit; do
					[ -f "$L/$arch-$v/$e.exe" ] ||
						say "link: $arch $e against $v: LINK FAILED: $(head -c 400 "$L/$arch-$v/$e.log")"
				done
				bad=$((bad + 1))
				continue
			fi
			for v in ref dllkit; do imports "$L/$arch-$v/$e.exe" >"$L/$arch-$v/$e.imports"; done
			if cmp -s "$L/$arch-ref/$e.imports" "$L/$arch-dllkit/$e.imports"; then
				say "link: $arch $e: import tables identical"
			elif cmp -s <(sed 's/ ([0-9]*)$//' "$L/$arch-ref/$e.imports") \
				<(sed 's/ ([0-9]*)$//' "$L/$arch-dllkit/$e.imports"); then
				say "link: $arch $e: import tables equal but for the hints"
			elif cmp -s <(sed 's/ ([0-9]*)$//' "$L/$arch-ref/$e.imports" | sort) \
				<(sed 's/ ([0-9]*)$//' "$L/$arch-dllkit/$e.imports" | sort); then
				say "link: $arch $e: import tables hold the same imports, in another order (and hints)"
			else
				say "link: $arch $e: import tables DIFFER (< GNU dlltool's libraries, > dllkit-dlltool's):"
				diff <(sed 's/ ([0-9]*)$//' "$L/$arch-ref/$e.imports" | sort) \
					<(sed 's/ ([0-9]*)$//' "$L/$arch-dllkit/$e.imports" | sort) |
					head -20 | sed 's/^/    /' | tee -a "$REPORT"
				bad=$((bad + 1))
			fi
			say "      $(wc -l <"$L/$arch-ref/$e.imports") imports from" \
				"$(awk '{print $1}' "$L/$arch-ref/$e.imports" | sort -u | tr '\n' ' ')"
			[ -n "${WINE_SH:-}" ] || continue
			if [ $arch = i686 ] && [ "$var" != _nows ] && [ $p != nocrt_ucrt ]; then
				notrun=$((notrun + 2))
				continue
			fi
			if ! wine_ready $arch; then
				say "wine: $arch: cannot run: $WINE_WHY"
				bad=$((bad + 1))
				continue
			fi
			for v in ref dllkit; do
				mkdir -p "$L/run-$arch-$v-$e"
				cp "$L/$arch-$v/$e.exe" "$L/run-$arch-$v-$e/$p.exe"
				if run_wine "$L/run-$arch-$v-$e" "$p.exe" "mingw-crt ${p#nocrt_}: ok"; then
					say "wine: $arch $e ($v libraries): ran, printed its ok line"
					ok=$((ok + 1))
				else
					say "wine: $arch $e ($v libraries): FAILED: $WINE_WHY"
					bad=$((bad + 1))
				fi
			done
		done
	done
	say "link: $ok Wine runs ok, $bad failures, $notrun linked only (i686 with ws2_32)"
	[ "$bad" = 0 ]
}

# The programs step_link builds, written into folder $1.
write_progs() {
	cat >"$1/nocrt_msvcrt.c" <<'PROG_EOF'
/* Linked with -nostdlib against import libraries only (no CRT startup):
 * every call below goes through an import library of mingw-w64-crt.
 * Calls through thunks and through __imp_ pointers (dllimport), and one
 * DATA export.  Prints "mingw-crt msvcrt: ok" when all checks pass.
 * -DNO_WINSOCK leaves ws2_32 out (Wine's 32-bit WS2_32.dll does not
 * initialise in the wow64 mode used here, whichever library links it). */
#define WIN32_LEAN_AND_MEAN
#include <winsock2.h>
#include <windows.h>
#include <shellapi.h>
#include <objbase.h>
#include <oleauto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* msvcrt.dll's DATA export _acmdln (the command line), which the headers
 * do not declare: read through its __imp_ pointer. */
__declspec(dllimport) extern char *_acmdln;
/* msvcrt.dll's _strrev, declared here without dllimport: a thunk call. */
char *__cdecl _strrev(char *);

static void out(const char *s)
{
	DWORD n;
	WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), s, lstrlenA(s), &n, NULL);
}

void __cdecl start(void)
{
	char buf[400], up[8] = "abc", rev[8] = "xyz";
	int bad = 0, argc = 0;
	HKEY key;
	LPWSTR *argv;
	GUID g;
	WCHAR gs[64];
#ifndef NO_WINSOCK
	WSADATA wd;
#endif
	int glen;
	BSTR b;
	char *m;

	CharUpperA(up);                                             /* user32 */
	if (lstrcmpA(up, "ABC") != 0) bad |= 1;
	if (RegOpenKeyExA(HKEY_LOCAL_MACHINE, "Software", 0, KEY_READ, &key) == 0)
		RegCloseKey(key);                                   /* advapi32 */
	else
		bad |= 2;
	argv = CommandLineToArgvW(GetCommandLineW(), &argc);       /* shell32 */
	if (!argv || argc < 1) bad |= 4; else LocalFree(argv);
	if (CoCreateGuid(&g) != S_OK) bad |= 8;                     /* ole32 */
	glen = StringFromGUID2(&g, gs, 64);
	if (glen != 39) bad |= 16;
#ifndef NO_WINSOCK
	if (WSAStartup(MAKEWORD(2, 2), &wd) != 0 || htons(0x1234) != 0x3412)
		bad |= 32;                                          /* ws2_32 */
	else
		WSACleanup();
#endif
	b = SysAllocString(L"hello");                              /* oleaut32 */
	if (!b || SysStringLen(b) != 5) bad |= 64;
	SysFreeString(b);
	m = malloc(64);                                             /* msvcrt */
	if (!m) bad |= 128;
	sprintf(m, "%s-%d", "x", 42);
	if (strlen(m) != 4 || _stricmp(m, "X-42") != 0) bad |= 256;
	free(m);
	if (strcmp(_strrev(rev), "zyx") != 0) bad |= 512;
	if (!_acmdln || !strstr(_acmdln, "nocrt_msvcrt")) bad |= 1024;
	sprintf(buf, "pid=%lu argc=%d guidlen=%d cmdline=%s bad=%d\r\n",
		GetCurrentProcessId(), argc, glen, _acmdln ? _acmdln : "(null)", bad);
	out(buf);
	if (!bad) out("mingw-crt msvcrt: ok\r\n");
	ExitProcess(bad ? 1 : 0);
}
PROG_EOF
	cat >"$1/nocrt_ucrt.c" <<'PROG_EOF'
/* Linked with -nostdlib against ucrtbase's and the api-ms-win-crt-*
 * import libraries of mingw-w64-crt, and kernel32's.
 * Prints "mingw-crt ucrt: ok" when all checks pass. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

/* api-ms-win-crt-stdio-l1-1-0 (declared here: the headers reach it only
 * through inline wrappers) */
int __cdecl __stdio_common_vsprintf(unsigned __int64, char *, size_t,
	const char *, _locale_t, va_list);

static int fmt(char *b, size_t n, const char *f, ...)
{
	va_list ap;
	int r;
	va_start(ap, f);
	r = __stdio_common_vsprintf(0, b, n, f, NULL, ap);
	va_end(ap);
	return r;
}

static void out(const char *s)
{
	DWORD n;
	WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), s, lstrlenA(s), &n, NULL);
}

void __cdecl start(void)
{
	char buf[200];
	char *m;
	int bad = 0, r;

	m = calloc(1, 32);                          /* api-ms-win-crt-heap */
	if (!m) bad |= 1;
	r = fmt(m, 32, "%s=%d", "v", 7);            /* api-ms-win-crt-stdio */
	if (r != 3 || strlen(m) != 3 || strcmp(m, "v=7") != 0)
		bad |= 2;                           /* api-ms-win-crt-string */
	if (_stricmp(m, "V=7") != 0) bad |= 4;      /* ucrtbase */
	errno = 0;                                  /* api-ms-win-crt-runtime */
	free(m);
	fmt(buf, sizeof buf, "ucrt bad=%d\r\n", bad);
	out(buf);
	if (!bad) out("mingw-crt ucrt: ok\r\n");
	ExitProcess(bad ? 1 : 0);
}
PROG_EOF
	cat >"$1/full.c" <<'PROG_EOF'
/* An ordinary MinGW program (CRT startup, printf from the system's libmsvcrt)
 * whose Windows API libraries come from the build under test: kernel32,
 * user32, advapi32, shell32, ole32, oleaut32, ws2_32, gdi32.
 * Prints "mingw-crt full: ok" when all checks pass.  -DNO_WINSOCK: as in
 * nocrt_msvcrt.c. */
#define WIN32_LEAN_AND_MEAN
#include <winsock2.h>
#include <windows.h>
#include <shellapi.h>
#include <objbase.h>
#include <oleauto.h>
#include <stdio.h>

int main(void)
{
	int bad = 0, argc = 0;
	char up[8] = "xyz", name[64];
	DWORD len = sizeof name;
	LPWSTR *argv;
	HRESULT hr;
#ifndef NO_WINSOCK
	WSADATA wd;
#endif
	BSTR b;
	HGDIOBJ obj;

	CharUpperA(up);
	if (strcmp(up, "XYZ")) bad |= 1;
	if (!GetUserNameA(name, &len)) bad |= 2;
	argv = CommandLineToArgvW(GetCommandLineW(), &argc);
	if (!argv) bad |= 4; else LocalFree(argv);
	hr = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
	if (FAILED(hr)) bad |= 8; else CoUninitialize();
#ifndef NO_WINSOCK
	if (WSAStartup(MAKEWORD(2, 2), &wd)) bad |= 16; else WSACleanup();
#endif
	b = SysAllocStringLen(L"abcdef", 3);
	if (!b || SysStringLen(b) != 3) bad |= 32;
	SysFreeString(b);
	obj = GetStockObject(BLACK_BRUSH);
	if (!obj || GetObjectType(obj) != OBJ_BRUSH) bad |= 64;
	if (GetTickCount64() == 0) bad |= 128;
	printf("user=%s argc=%d bad=%d\n", name, argc, bad);
	if (!bad) printf("mingw-crt full: ok\n");
	return bad ? 1 : 0;
}
PROG_EOF
}

# ---------------------------------------------------------------------------
steps=${*:-src gnu dllkit compare link}
status=0
for s in $steps; do
	case $s in
	src) step_src ;;
	gnu) step_src; build "$A" "$GNU_DLLTOOL" || status=1 ;;
	dllkit) step_src; build "$B" "$DLLKIT_DLLTOOL" || status=1 ;;
	compare) step_compare || status=1 ;;
	link) step_link || status=1 ;;
	*) die "unknown step '$s' (src gnu dllkit compare link)" ;;
	esac
done
exit $status
