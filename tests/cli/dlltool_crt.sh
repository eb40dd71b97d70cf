#!/bin/bash
# The command lines mingw-w64-crt's build gives its DLLTOOL (as logged from
# a real build of it, one line per shape), on .def files shaped like its
# own, beside GNU dlltool:
#   configure:  --as-flags=--64 -m i386:x86-64 -d test.def -l libtest.a
#               (and again with --temp-prefix myprefix)
#   lib64:      --as-flags=--64 -m i386:x86-64 -k --as=x86_64-w64-mingw32-as
#               --output-lib lib64/libX.a --temp-prefix lib64/libX --input-def X.def
#   lib32:      the same with --as-flags=--32 -m i386
#   delay libs: --output-delaylib lib64/libX.a.delayimp.a added
# Each exits 0 and prints nothing; the libraries hold GNU dlltool's symbols
# and import names; the build then appends objects with `ar cru` and a
# program links against the result and imports what it imports from GNU
# dlltool's.
. "$(dirname "$0")/../lib.sh"
DT=$BIN/dllkit-dlltool
DE=$BIN/dumpexports
built "dllkit-dlltool" "$DT" "$DE" || exit 0
need "mingw-w64-crt's dlltool command lines" llvm-nm llvm-readobj x86_64-w64-mingw32-dlltool \
	i686-w64-mingw32-dlltool x86_64-w64-mingw32-gcc i686-w64-mingw32-gcc || exit 0
cd "$T" || exit 1

ext_syms() {
	llvm-nm -g --defined-only "$1" 2>/dev/null | awk 'NF == 3 { print $3 }' |
		sed -E 's/^_*head_[A-Za-z0-9_]*$/HEAD/; s/^_*[A-Za-z0-9_]*_iname$/INAME/' | LC_ALL=C sort
}
imports() { llvm-readobj --coff-imports "$1" | awk '/^  Name: / { d = $2 } /^  Symbol: / { print d, $2 }' | LC_ALL=C sort; }

# The configure probes.
printf 'LIBRARY test.dll\nEXPORTS\n    foo\n' >test.def
"$DT" --as-flags=--64 -m i386:x86-64 -d test.def -l libtest.a >p1.out 2>&1 && [ ! -s p1.out ] && [ -s libtest.a ] &&
	ok "configure probe: exit 0, silent, a library" || fail "configure probe" "$(cat p1.out)"
"$DT" --as-flags=--64 -m i386:x86-64 --temp-prefix myprefix -d test.def -l libtest2.a >p2.out 2>&1 &&
	[ ! -s p2.out ] && same_bytes libtest.a libtest2.a && ! ls myprefix* >/dev/null 2>&1 &&
	ok "configure probe with --temp-prefix: accepted, same library, no temporary files" ||
	fail "configure probe with --temp-prefix" "$(cat p2.out)"

# .def files in mingw-w64-crt's style: lib32 with stdcall @N and -k, lib64 plain.
mkdir -p src lib64 lib32 glib64 glib32
cat >src/k32.def <<'EOF'
;
; Definition file of KERNEL32.dll
;
LIBRARY "KERNEL32.dll"
EXPORTS
AddAtomA@4
Beep@8
CloseHandle@4
ExitProcess@4
GetLastError@0
GetProcAddress@8
InterlockedIncrement@4
lstrlenA@4
_hread@12
SetLastError@4
__some_data DATA
EOF
sed -E 's/@[0-9]+//' src/k32.def >src/k64.def
cat >src/msvcrt.def <<'EOF'
LIBRARY "msvcrt.dll"
EXPORTS
_CxxThrowException@8
__p__environ
_errno
_iob DATA
printf
strlen
_strdup == strdup_impl
EOF
for arch in 64 32; do
	case $arch in 64) m=i386:x86-64 pre=x86_64-w64-mingw32 k=k64 ;; 32) m=i386 pre=i686-w64-mingw32 k=k32 ;; esac
	for lib in $k msvcrt; do
		tag="lib$arch/lib$lib.a"
		(cd glib$arch && "$pre-dlltool" --as-flags=--$arch -m $m -k --as=$pre-as --output-lib lib$lib.a \
			--output-delaylib lib$lib.a.delayimp.a --input-def ../src/$lib.def) ||
			{ fail "$tag: GNU dlltool" failed; continue; }
		"$DT" --as-flags=--$arch -m $m -k --as=x86_64-w64-mingw32-as --output-lib lib$arch/lib$lib.a \
			--temp-prefix lib$arch/lib$lib --input-def src/$lib.def >"lib$arch/$lib.out" 2>&1; rc=$?
		if [ $rc -ne 0 ] || [ -s "lib$arch/$lib.out" ]; then
			fail "$tag: exit 0, nothing printed" "exit $rc: $(head -3 "lib$arch/$lib.out")"
			continue
		fi
		ok "$tag: exit 0, nothing printed"
		ext_syms glib$arch/lib$lib.a >"lib$arch/$lib.g"
		ext_syms lib$arch/lib$lib.a >"lib$arch/$lib.o"
		same "$tag: GNU dlltool's symbols ($(wc -l <"lib$arch/$lib.o"))" "lib$arch/$lib.g" "lib$arch/$lib.o"
		"$DE" --format def glib$arch/lib$lib.a | LC_ALL=C sort >"lib$arch/$lib.gv"
		"$DE" --format def lib$arch/lib$lib.a | LC_ALL=C sort >"lib$arch/$lib.ov"
		same "$tag: the names GNU dlltool's library imports" "lib$arch/$lib.gv" "lib$arch/$lib.ov"
		# The delay-library shape (--enable-delay-import-libs), functions only.
		"$DT" --as-flags=--$arch -m $m -k --as=x86_64-w64-mingw32-as --output-lib lib$arch/d$lib.a \
			--temp-prefix lib$arch/lib$lib --input-def src/$lib.def \
			--output-delaylib lib$arch/lib$lib.a.delayimp.a >"lib$arch/$lib.dout" 2>&1
		[ -s lib$arch/lib$lib.a.delayimp.a ] && same_bytes lib$arch/d$lib.a lib$arch/lib$lib.a &&
			! grep -q . "lib$arch/$lib.dout" &&
			ok "$tag with --output-delaylib: both libraries, nothing on stderr" ||
			fail "$tag with --output-delaylib" "$(head -3 "lib$arch/$lib.dout")"
	done
done
grep -qx '    GetLastError@0 == GetLastError' lib32/k32.ov && grep -qx '    _hread@12 == _hread' lib32/k32.ov &&
	ok "lib32 -k: GetLastError@0 and _hread@12 are imported undecorated" ||
	fail "lib32 -k: GetLastError@0 and _hread@12 are imported undecorated" "$(tr '\n' '|' <lib32/k32.ov)"

# mingw-w64-crt has .def files that list nothing (api-ms-win-core-rtlsupport):
# GNU dlltool writes a library with no imports, and so does dllkit-dlltool.
printf 'LIBRARY api-ms-win-empty-l1-1-0\n\nEXPORTS\n\n' >src/empty.def
printf 'LIBRARY p.dll\nEXPORTS\n    only PRIVATE\n' >src/priv.def
for d in empty priv; do
	(cd glib32 && i686-w64-mingw32-dlltool -m i386 -k --output-lib lib$d.a --input-def ../src/$d.def)
	if "$DT" -m i386 -k --output-lib lib32/lib$d.a --input-def src/$d.def >$d.out 2>&1 && [ ! -s $d.out ]; then
		ext_syms glib32/lib$d.a >$d.g
		ext_syms lib32/lib$d.a >$d.o
		same "a .def with no import ($d): a library, GNU dlltool's symbols" $d.g $d.o
	else
		fail "a .def with no import ($d): a library" "$(cat $d.out)"
	fi
done

# dlltool's .def grammar takes several exports on a line; mingw-w64-crt's
# lib32/msvcr80d.def has `: mbrtowc ; ...` (':' for ';'), which GNU dlltool
# and llvm-dlltool read as the exports ":" and "mbrtowc".  So does
# dllkit-dlltool, with a warning (without -v too) naming the line; a line
# it would have to guess at (a lower-case attribute) is still refused.
printf 'LIBRARY msvcr80d.dll\nEXPORTS\n    first\n    : mbrtowc ; replaced, CRT version\n    a b DATA c @4 NONAME d @ 5\n    last\n' >src/multi.def
(cd glib32 && i686-w64-mingw32-dlltool -m i386 -k --output-lib libmulti.a --input-def ../src/multi.def)
if "$DT" -m i386 -k --output-lib lib32/libmulti.a --input-def src/multi.def 2>multi.err; then
	"$DE" --format def glib32/libmulti.a | LC_ALL=C sort >multi.g
	"$DE" --format def lib32/libmulti.a | LC_ALL=C sort >multi.o
	same "several exports on a line: GNU dlltool's exports ($(grep -c '^    ' multi.o))" multi.g multi.o
	grep -q 'multi.def:4:.*warning: several exports on one line' multi.err &&
		grep -q 'multi.def:5:.*warning' multi.err && [ "$(wc -l <multi.err)" = 2 ] &&
		ok "several exports on a line: one warning per line, with its number" ||
		fail "several exports on a line: one warning per line, with its number" "$(cat multi.err)"
else
	fail "several exports on a line" "$(cat multi.err)"
fi
printf 'LIBRARY m.dll\nEXPORTS\n    : mbrtowc\n    z data\n' >src/multi-bad.def
"$DT" -m i386 --output-lib lib32/libmb.a --input-def src/multi-bad.def >/dev/null 2>mb.err
error_ok "a lower-case attribute is refused, alone" 'multi-bad.def:4:.*DATA' $? mb.err mkimplib &&
	{ [ -e lib32/libmb.a ] && fail "a lower-case attribute is refused" "written" || ok "a lower-case attribute is refused: one line, nothing written"; }
printf 'LIBRARY m.dll\nEXPORTS\n    : mbrtowc\n' >src/multi1.def
"$BIN/mkimplib" -m i386 -o mk-multi.a src/multi1.def >/dev/null 2>mk-multi.err
error_ok "mkimplib still takes one export a line" 'multi1.def:3:.*one export per line' $? mk-multi.err mkimplib &&
	ok "mkimplib still takes one export a line"

# -k, where dllkit-dlltool imports what the DLL exports and GNU dlltool does
# not (dllkit-dlltool(1), DIFFERENCES): C++ names stay whole, and a name
# ending in a bare '@' (shell32's ExtractIconW@ in mingw-w64's lib32) is cut
# there.
printf 'LIBRARY x.dll\nEXPORTS\n    ?kMax@CIniW@@2KB DATA\n    ?Log@P@@QEAAXPEBGHW4L@1@0ZZ\n    ExtractIconW@\n    Beep@8\n' >src/kx.def
for m in i386 i386:x86-64; do
	"$DT" -m $m -k -d src/kx.def -l kx.a 2>kx.err
	"$DE" --format def kx.a >kx.view 2>&1
	if grep -qx '    ?kMax@CIniW@@2KB DATA' kx.view && grep -qx '    ?Log@P@@QEAAXPEBGHW4L@1@0ZZ' kx.view &&
		grep -qx '    ExtractIconW@ == ExtractIconW' kx.view && grep -qx '    Beep@8 == Beep' kx.view && [ ! -s kx.err ]; then
		ok "-k -m $m: C++ names whole, ExtractIconW@ imported as ExtractIconW, Beep@8 as Beep"
	else
		fail "-k -m $m: C++ names whole, ExtractIconW@ imported as ExtractIconW, Beep@8 as Beep" "$(tr '\n' '|' <kx.view) $(cat kx.err)"
	fi
done

# `ar cru` appends the build's own objects; programs link against the result.
cat >extra.c <<'EOF'
int crt_extra(void) { return 42; }
EOF
cat >prog.c <<'EOF'
#ifdef __i386__
#define WINAPI __stdcall
#else
#define WINAPI
#endif
__declspec(dllimport) unsigned long WINAPI GetLastError(void);
__declspec(dllimport) int WINAPI lstrlenA(const char *);
int crt_extra(void);
int main(void) { return (int)GetLastError() + lstrlenA("x") + crt_extra(); }
EOF
for arch in 64 32; do
	case $arch in 64) pre=x86_64-w64-mingw32 k=k64 ;; 32) pre=i686-w64-mingw32 k=k32 ;; esac
	"$pre-gcc" -c -o "lib$arch/extra.o" extra.c || { fail "lib$arch: extra object" "gcc failed"; continue; }
	for d in glib$arch lib$arch; do
		cp "$d/lib$k.a" "$d/libk-ar.a"
		ar cru "$d/libk-ar.a" "lib$arch/extra.o" 2>/dev/null && ranlib "$d/libk-ar.a" &&
			"$pre-gcc" -o "$d/prog.exe" prog.c "$d/libk-ar.a" >"$d/link.log" 2>&1 ||
			{ fail "lib$arch: ar cru, ranlib and a link ($d)" "$(head -3 "$d/link.log" | tr '\n' '|')"; continue 2; }
	done
	imports glib$arch/prog.exe | grep -i '^kernel32' >"lib$arch/prog.g"
	imports lib$arch/prog.exe | grep -i '^kernel32' >"lib$arch/prog.o"
	same "lib$arch: after ar cru, a program imports what it imports with GNU dlltool's library ($(wc -l <"lib$arch/prog.o"))" \
		"lib$arch/prog.g" "lib$arch/prog.o"
done
