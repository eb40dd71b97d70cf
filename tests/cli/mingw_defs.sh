#!/bin/bash
# mkimplib beside llvm-dlltool 22 on mingw-w64's own .def sources: a sample
# of mingw-w64-crt (tests/data/mingw-w64, see its README) preprocessed
# exactly as mingw-w64-crt/Makefile.am does, then turned into import
# libraries with the flags the CRT build gives dlltool (-k on every machine).
#
#   Makefile.am:  lib32/%.def: lib32/%.def.in        (and lib-common/%.def.in)
#                 $(CPP) -x c $(CPPFLAGS32) $< -Wp,-w -P -I$(top_srcdir)/def-include > $@
#   CPPFLAGS32 = -m32 -masm=att, CPPFLAGS64 = -m64 -masm=att,
#   CPPFLAGSARM32 = -mfpu=vfpv3, CPPFLAGSARM64 = (none);
#   lib-common/*.def.in for any machine but i386 is also piped through
#   sed -E 's/^([^ ]+)@[0-9]+( |\r?$)/\1\2/' (drops the stdcall @N);
#   the machine comes from the compiler's predefined macros (__i386__,
#   __x86_64__, __arm__, __aarch64__: def-include/func.def.in), so $(CPP) is
#   the target compiler's: i686/x86_64-w64-mingw32-gcc -E, or clang -E with
#   a *-w64-mingw32 target (llvm-mingw).
#   dlltool: -k --input-def F -m i386 | i386:x86-64 | arm | arm64.
#
# Cases:
#   - every sample file on every machine it is built for: byte-identical
#     to llvm-dlltool -k (and, on i386, without -k too); on a difference the
#     differing imports (symbol, name type, the name the loader is asked for);
#   - msvcrt i386 -k by name: _CxxThrowException@8 is the symbol
#     __CxxThrowException@8 and asks the loader for _CxxThrowException, as
#     both dlltools do (DESIGN.md "i386 .def names");
#   - lib32/msvcr80d.def.in has ": mbrtowc ; replaced ..." (an upstream typo
#     for ';'): llvm-dlltool and GNU dlltool import a function named ":" and
#     keep mbrtowc; mkimplib refuses the line with file:line:col.
. "$(dirname "$0")/../lib.sh"
MKIMPLIB=${MKIMPLIB:-$BIN/mkimplib}
DATA=$TOP/tests/data/mingw-w64
DLLTOOL=/usr/lib/llvm-22/bin/llvm-dlltool
command -v llvm-dlltool-22 >/dev/null 2>&1 && [ ! -x "$DLLTOOL" ] && DLLTOOL=$(command -v llvm-dlltool-22)
built "mingw-w64 .def files" "$MKIMPLIB" || exit 0
need "mingw-w64 .def files beside llvm-dlltool" "$DLLTOOL" i686-w64-mingw32-gcc x86_64-w64-mingw32-gcc clang || exit 0
cd "$T" || exit 1

# cpp_for MACHINE: the preprocessor command of the CRT build for MACHINE
# (its compiler's -E and CPPFLAGS*), or nothing when none is installed.
have() { command -v "$1" >/dev/null 2>&1; }
clang_ok() { have clang && clang --target="$1" -E -x c /dev/null >/dev/null 2>&1; }
cpp_for() {
	case $1 in
	i386)
		if have i686-w64-mingw32-gcc; then echo "i686-w64-mingw32-gcc -E -m32 -masm=att"
		elif have x86_64-w64-mingw32-gcc; then echo "x86_64-w64-mingw32-gcc -E -m32 -masm=att"
		elif clang_ok i686-w64-mingw32; then echo "clang --target=i686-w64-mingw32 -E -m32 -masm=att"
		fi ;;
	x86-64)
		if have x86_64-w64-mingw32-gcc; then echo "x86_64-w64-mingw32-gcc -E -m64 -masm=att"
		elif clang_ok x86_64-w64-mingw32; then echo "clang --target=x86_64-w64-mingw32 -E -m64 -masm=att"
		fi ;;
	arm64) clang_ok aarch64-w64-mingw32 && echo "clang --target=aarch64-w64-mingw32 -E" ;;
	arm) clang_ok armv7-w64-mingw32 && echo "clang --target=armv7-w64-mingw32 -E -mfpu=vfpv3" ;;
	esac
}
llvm_m() { case $1 in x86-64) echo i386:x86-64 ;; *) echo "$1" ;; esac; }

# prep MACHINE REL OUT: REL (under $DATA) as the CRT build would hand it
# to dlltool for MACHINE.
prep() {
	local m=$1 rel=$2 out=$3 cpp
	case $rel in
	*.def) cp "$DATA/$rel" "$out"; return ;;
	esac
	cpp=$(cpp_for "$m")
	if [ "$m" != i386 ] && [ "${rel%%/*}" = lib-common ]; then
		$cpp -x c "$DATA/$rel" -Wp,-w -P -I"$DATA/def-include" 2>"$out.err" |
			sed -E 's/^([^ ]+)@[0-9]+( |\r?$)/\1\2/' >"$out"
	else
		$cpp -x c "$DATA/$rel" -Wp,-w -P -I"$DATA/def-include" >"$out" 2>"$out.err"
	fi && grep -q '^EXPORTS' "$out" &&
		# and names under it: a .def the preprocessor emptied makes two empty, equal libraries
		[ "$(awk '/^EXPORTS/ { e = 1; next } e && NF && $1 !~ /^;/' "$out" | wc -l)" -gt 0 ]
}

# imports LIB: one line per short import, sorted:
#   SYMBOL TYPE NAMETYPE HINT DLL -> LOADER-NAME
imports() {
	od -An -v -tu1 "$1" | awk '
	{ for (i = 1; i <= NF; i++) b[n++] = $i }
	function u16(p) { return b[p] + 256 * b[p + 1] }
	function str(p,   s) { s = ""; while (p < n && b[p] != 0) s = s sprintf("%c", b[p++]); return s }
	END {
		split("code data const", T, " "); split("ordinal name noprefix undecorate exportas", NT, " ")
		p = 8
		while (p + 60 <= n) {
			size = 0
			for (k = 48; k < 58 && b[p + k] != 32; k++) size = size * 10 + b[p + k] - 48
			d = p + 60
			if (u16(d) == 0 && u16(d + 2) == 65535) {
				ti = u16(d + 18); ty = ti % 4; nt = int(ti / 4) % 8
				sym = str(d + 20); dll = str(d + 20 + length(sym) + 1)
				ld = sym
				if (nt == 0) ld = "#" u16(d + 16)
				else if (nt == 2 || nt == 3) {
					if (ld ~ /^[?@_]/) ld = substr(ld, 2)
					if (nt == 3) sub(/@.*/, "", ld)
				} else if (nt == 4) ld = str(d + 20 + length(sym) + 1 + length(dll) + 1)
				printf "%s %s %s %d %s -> %s\n", sym, T[ty + 1], NT[nt + 1], u16(d + 16), dll, ld
			}
			p = d + size + size % 2
		}
	}' | LC_ALL=C sort
}

# compare NAME MACHINE DEF [FLAGS...]: both tools on DEF; byte-identical or
# FAIL with the differing imports.
compare() {
	local name=$1 m=$2 def=$3 d
	shift 3
	d=$T/$(echo "$name" | tr -c 'A-Za-z0-9_.-' '_')
	mkdir -p "$d"
	if ! "$DLLTOOL" -m "$(llvm_m "$m")" "$@" -d "$def" -l "$d/llvm.a" >"$d/llvm.err" 2>&1; then
		fail "$name" "llvm-dlltool failed: $(head -c 300 "$d/llvm.err")"
	elif ! "$MKIMPLIB" -m "$m" "$@" -o "$d/ours.a" "$def" >"$d/ours.err" 2>&1; then
		fail "$name" "mkimplib failed: $(head -3 "$d/ours.err" | tr '\n' '|')"
	elif cmp -s "$d/llvm.a" "$d/ours.a"; then
		ok "$name ($(awk '/^EXPORTS/ { e = 1; next } e && NF && $1 !~ /^;/' "$def" | wc -l) .def lines)"
	else
		imports "$d/llvm.a" >"$d/llvm.imports"
		imports "$d/ours.a" >"$d/ours.imports"
		fail "$name" "$(diff "$d/llvm.imports" "$d/ours.imports" | grep -c '^<') of $(wc -l <"$d/llvm.imports") llvm-dlltool imports differ (< llvm-dlltool, > mkimplib): $(diff "$d/llvm.imports" "$d/ours.imports" | grep '^[<>]' | head -6 | tr '\n' '|')"
	fi
}

# The sample, and the machines each file is built for (lib32: i386 only;
# lib-common: every machine).
FILES="lib-common/msvcrt.def.in lib-common/vcruntime140.def.in
	lib32/dxapi.def lib32/x3daudio1_2.def lib32/newdev.def lib32/aclui.def
	lib32/advapi32.def lib32/videoprt.def lib32/adsldpc.def"
for rel in $FILES; do
	case $rel in lib32/*) machines=i386 ;; *) machines="i386 x86-64 arm64 arm" ;; esac
	stem=$(basename "$rel"); stem=${stem%.in}; stem=${stem%.def}
	for m in $machines; do
		if [ -z "$(cpp_for "$m")" ] && [ "${rel%.in}" != "$rel" ]; then
			missing "$rel $m" "a preprocessor for $m (a *-w64-mingw32 gcc, or clang that targets it)"
			continue
		fi
		mkdir -p "$m"
		if ! prep "$m" "$rel" "$m/$stem.def"; then
			fail "$rel $m: preprocess" "$(head -c 300 "$m/$stem.def.err")"
			continue
		fi
		compare "$rel $m -k: byte-identical to llvm-dlltool" "$m" "$m/$stem.def" -k
		[ "$m" = i386 ] &&
			compare "$rel $m: byte-identical to llvm-dlltool" "$m" "$m/$stem.def"
	done
done

# msvcrt i386 -k, the name that shows how an i386 .def name is read.
if [ ! -s i386/msvcrt.def ]; then
	fail "msvcrt.def.in i386 -k: _CxxThrowException@8" "no preprocessed i386/msvcrt.def (see above)"
else
	name="msvcrt.def.in i386 -k: _CxxThrowException@8 is __CxxThrowException@8, loader name _CxxThrowException"
	if "$MKIMPLIB" -m i386 -k -o cxx.a i386/msvcrt.def 2>cxx.err; then
		got=$(imports cxx.a | grep -E '^_+CxxThrowException@8 ')
		case $got in
		"__CxxThrowException@8 code undecorate "*" -> _CxxThrowException") ok "$name" ;;
		*) fail "$name" "got: ${got:-no such import}" ;;
		esac
	else
		fail "$name" "mkimplib failed: $(head -3 cxx.err | tr '\n' '|')"
	fi
fi

# msvcr80d: ": mbrtowc ; replaced, ..." - refused, each error with
# file:line:column; the first at the line the typo is on.
if [ -z "$(cpp_for i386)" ]; then
	missing "msvcr80d.def.in i386" "a preprocessor for i386 (i686-w64-mingw32-gcc)"
elif prep i386 lib32/msvcr80d.def.in msvcr80d.def; then
	name="msvcr80d.def.in i386 -k: ': mbrtowc' (upstream typo for ';') refused with file:line:col"
	line=$(grep -n '^: mbrtowc' msvcr80d.def | cut -d: -f1)
	"$MKIMPLIB" -m i386 -k -o msvcr80d.a msvcr80d.def >/dev/null 2>msvcr80d.err; rc=$?
	if [ $rc -eq 0 ]; then fail "$name" "accepted (llvm-dlltool and GNU dlltool import a function named ':' and mbrtowc)"
	elif [ $rc -ge 128 ]; then fail "$name" "crashed (status $rc)"
	elif [ -e msvcr80d.a ]; then fail "$name" "msvcr80d.a was written"
	elif ! head -1 msvcr80d.err | grep -q "^msvcr80d\.def:$line:[0-9]*: error: .*mbrtowc"; then
		fail "$name" "first message '$(head -1 msvcr80d.err)' is not msvcr80d.def:$line:COL: error: ... mbrtowc"
	elif grep -qv '^msvcr80d\.def:[0-9]*:[0-9]*: error: ' msvcr80d.err; then
		fail "$name" "a message without file:line:col: $(grep -v '^msvcr80d\.def:[0-9]*:[0-9]*: ' msvcr80d.err | head -1)"
	else ok "$name"; fi
else
	fail "msvcr80d.def.in i386: preprocess" "$(head -c 300 msvcr80d.def.err)"
fi
