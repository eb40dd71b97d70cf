#!/bin/bash
# dumpexports --deps: the DLLs a program needs and whether it will load
# (lib/deps.c, cmd/deps.c), on chains built here with the MinGW compilers,
# without running anything (tests/interop runs them under Wine):
#   - a complete chain exe -> a.dll -> b.dll loads (exit 0), each DLL found
#     once in load order, system DLLs not looked for;
#   - b.dll without a function, b.dll missing, b.dll for i386 beside an
#     x86-64 program, b.dll that is no DLL: exit 1, the problem named;
#   - imports by ordinal checked against the ordinals (present/absent);
#   - export forwarders followed: to a missing DLL, to a missing function;
#   - delay-loads (mkimplib --delay): missing DLL or function reported,
#     exit 0; a DLL reached both ways counts as load-time;
#   - the program's folder first, then -L in order; names matched with
#     case ignored; --system;
#   - -f paths copied with xargs cp: the copy checks clean on its own;
#   - JSON and TSV; bad input: one line, exit 2.
. "$(dirname "$0")/../lib.sh"
D=$BIN/dumpexports
MKIMPLIB=$BIN/mkimplib
built "dumpexports --deps" "$D" "$MKIMPLIB" || exit 0
READOBJ=/usr/lib/llvm-22/bin/llvm-readobj
need "dumpexports --deps" x86_64-w64-mingw32-gcc i686-w64-mingw32-gcc python3 "$READOBJ" || exit 0
cd "$T" || exit 1
export LC_ALL=C
CC=x86_64-w64-mingw32-gcc

# check NAME WANT_RC FILE_WITH_EXPECTED_LINES ARGS...: dumpexports ARGS
# must exit WANT_RC and print every line of the expected file (in order,
# other lines between them allowed).
check() {
	local name=$1 want=$2 lines=$3 rc
	shift 3
	"$D" "$@" >"$name.out" 2>"$name.err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		fail "$name" "exit $rc, wanted $want: $(head -c 400 "$name.out" "$name.err" | tr '\n' '|')"
		return
	fi
	if ! awk 'BEGIN { i = 0; n = 0 } NR == FNR { want[n++] = $0; next } i < n && $0 == want[i] { i++ }
		END { exit (i < n) }' "$lines" "$name.out"; then
		fail "$name" "wanted these lines in order: $(tr '\n' '|' <"$lines") got: $(tr '\n' '|' <"$name.out")"
		return
	fi
	ok "$name"
}

# ---- the fixtures ----
cat >b.c <<'C'
__declspec(dllexport) int b_one(void) { return 1; }
__declspec(dllexport) int b_two(void) { return 2; }
C
cat >b1.c <<'C'
__declspec(dllexport) int b_one(void) { return 1; }
C
cat >a.c <<'C'
__declspec(dllimport) int b_one(void);
__declspec(dllimport) int b_two(void);
__declspec(dllexport) int a_fn(void) { return b_one() + b_two(); }
C
cat >p.c <<'C'
__declspec(dllimport) int a_fn(void);
int main(void) { return a_fn() == 3 ? 0 : 1; }
C
built_ok=true
{
	$CC -shared -o b.dll b.c -Wl,--out-implib,libb.a &&
	$CC -shared -o b1.dll b1.c &&
	$CC -shared -o a.dll a.c libb.a -Wl,--out-implib,liba.a &&
	$CC -o p.exe p.c liba.a &&
	i686-w64-mingw32-gcc -shared -o b32.dll b.c
} 2>cc.err || built_ok=false
if ! $built_ok; then
	fail "fixtures" "the cross compilers failed: $(head -c 400 cc.err)"
	exit 0
fi
# folder NAME FILE...: a fresh folder NAME holding copies of the FILEs
# (SRC:DEST copies SRC under the name DEST).
folder() {
	local dir=$1 f
	shift
	rm -rf "$dir"
	mkdir -p "$dir"
	for f in "$@"; do
		case $f in
		*:*) cp "${f%%:*}" "$dir/${f#*:}" ;;
		*) cp "$f" "$dir/" ;;
		esac
	done
}

# ---- a complete chain ----
folder ok p.exe a.dll b.dll
cat >want <<'W'
ok/p.exe: x86-64 program, 4 DLLs
  KERNEL32.dll  system         load   p.exe
  msvcrt.dll    system         load   p.exe
  a.dll         found          load   p.exe      ok/a.dll
  b.dll         found          load   a.dll      ok/b.dll
will load
W
check "a complete chain p.exe -> a.dll -> b.dll: every DLL once, in load order; will load, exit 0" 0 want --deps ok/p.exe
if grep -q '^problems' "a complete chain p.exe -> a.dll -> b.dll: every DLL once, in load order; will load, exit 0.out"; then
	fail "a complete chain has no problems" "problems listed"
else
	ok "a complete chain has no problems"
fi

# ---- what stops it ----
folder lack p.exe a.dll b1.dll:b.dll
cat >want <<'W'
  b.dll         found          load   a.dll      lack/b.dll
problems:
  b.dll: no export "b_two" (imported by a.dll)
will not load: 1 problem
W
check "b.dll lacks a function a.dll imports: named, exit 1" 1 want --deps lack/p.exe

folder miss p.exe a.dll
cat >want <<'W'
  b.dll         missing        load   a.dll
problems:
  b.dll: not found (needed by a.dll)
will not load: 1 problem
W
check "b.dll missing: named with who needs it, exit 1" 1 want --deps miss/p.exe

folder mach p.exe a.dll b32.dll:b.dll
cat >want <<'W'
  b.dll         wrong machine  load   a.dll      mach/b.dll
problems:
  b.dll: mach/b.dll is for i386, a.dll is for x86-64: Windows stops with 0xc000007b
will not load: 1 problem
W
check "an i386 b.dll beside an x86-64 program: wrong machine (0xc000007b), exit 1" 1 want --deps mach/p.exe

folder notdll p.exe a.dll
echo "not a DLL" >notdll/b.dll
cat >want <<'W'
  b.dll         not a DLL      load   a.dll      notdll/b.dll
  b.dll: notdll/b.dll is not a DLL (needed by a.dll)
will not load: 1 problem
W
check "a text file named b.dll: not a DLL, exit 1" 1 want --deps notdll/p.exe
folder exedll p.exe a.dll p.exe:b.dll
cat >want <<'W'
  b.dll: exedll/b.dll is not a DLL (needed by a.dll)
W
check "an EXE named b.dll: not a DLL, exit 1" 1 want --deps exedll/p.exe

# A damaged DLL: one error naming it, exit 2 (what it exports is unknown).
folder damaged p.exe a.dll
head -c 700 b.dll >damaged/b.dll
"$D" --deps damaged/p.exe >damaged.out 2>damaged.err
rc=$?
if [ "$rc" = 2 ] && [ "$(wc -l <damaged.err)" = 1 ] && grep -q '^damaged/b.dll' damaged.err &&
   grep -q '^  b.dll         unreadable' damaged.out; then
	ok "a damaged b.dll: one error naming it, unreadable, exit 2"
else
	fail "a damaged b.dll: one error naming it, unreadable, exit 2" "exit $rc: $(cat damaged.err damaged.out | tr '\n' '|' | head -c 500)"
fi

# ---- imports by ordinal ----
cat >c.def <<'DEF'
LIBRARY c.dll
EXPORTS
    c_fn @7 NONAME
DEF
cat >c8.def <<'DEF'
LIBRARY c.dll
EXPORTS
    c_fn @8 NONAME
DEF
echo '__declspec(dllexport) int c_fn(void) { return 7; }' >c.c
echo 'int c_fn(void); int main(void) { return c_fn(); }' >pc.c
if $CC -shared -o c7.dll c.c c.def 2>cc.err && $CC -shared -o c8.dll c.c c8.def 2>>cc.err &&
   "$MKIMPLIB" -m x86-64 -o libc.a c.def 2>>cc.err && $CC -o pc.exe pc.c libc.a 2>>cc.err; then
	if "$READOBJ" --coff-imports pc.exe | grep -A4 'Name: c.dll' | grep -qx '  Symbol:  (7)'; then
		ok "pc.exe imports c.dll's ordinal 7 (llvm-readobj --coff-imports)"
	else
		fail "pc.exe imports c.dll's ordinal 7 (llvm-readobj --coff-imports)" "$("$READOBJ" --coff-imports pc.exe 2>&1 | grep -A4 c.dll | tr '\n' '|')"
	fi
	folder ord pc.exe c7.dll:c.dll
	printf '  c.dll         found          load   pc.exe     ord/c.dll\nwill load\n' >want
	check "an import by ordinal the DLL has: will load" 0 want --deps ord/pc.exe
	folder noord pc.exe c8.dll:c.dll
	printf 'problems:\n  c.dll: no export ordinal 7 (imported by pc.exe)\nwill not load: 1 problem\n' >want
	check "an import by ordinal the DLL lacks (it has 8, not 7): named, exit 1" 1 want --deps noord/pc.exe
else
	fail "ordinal fixtures" "$(head -c 400 cc.err)"
fi

# ---- export forwarders ----
# f.dll forwards f_fn to g.g_fn; the program imports f_fn from f.dll.
cat >f.def <<'DEF'
LIBRARY f.dll
EXPORTS
    f_fn = g.g_fn
    f_own
DEF
echo 'int f_own(void) { return 1; }' >f.c
echo '__declspec(dllexport) int g_fn(void) { return 5; }' >g.c
echo '__declspec(dllexport) int g_other(void) { return 5; }' >g0.c
echo '__declspec(dllimport) int f_fn(void); int main(void) { return f_fn(); }' >pf.c
if $CC -shared -o f.dll f.c f.def -Wl,--out-implib,libf.a 2>cc.err && $CC -shared -o g.dll g.c 2>>cc.err &&
   $CC -shared -o g0.dll g0.c 2>>cc.err && $CC -o pf.exe pf.c libf.a 2>>cc.err; then
	if "$D" -f tsv f.dll | grep -q 'g\.g_fn'; then
		ok "f.dll forwards f_fn to g.g_fn (fixture)"
	else
		fail "f.dll forwards f_fn to g.g_fn (fixture)" "$("$D" f.dll | head -5 | tr '\n' '|')"
	fi
	folder fwd pf.exe f.dll g.dll
	cat >want <<'W'
  f.dll         found          load   pf.exe     fwd/f.dll
  g.dll         found          load   f.dll      fwd/g.dll (through a forwarder)
will load
W
	check "a forwarder to a DLL that has the function: g.dll loaded too, will load" 0 want --deps fwd/pf.exe
	folder fwdmiss pf.exe f.dll
	cat >want <<'W'
  g.dll         missing        load   f.dll (through a forwarder)
problems:
  g.dll: not found (needed by f.dll)
will not load: 1 problem
W
	check "a forwarder to a missing DLL: named, exit 1" 1 want --deps fwdmiss/pf.exe
	folder fwdfn pf.exe f.dll g0.dll:g.dll
	cat >want <<'W'
problems:
  g.dll: no export "g_fn" (pf.exe imports "f_fn" from f.dll, which forwards it there)
will not load: 1 problem
W
	check "a forwarder to a function its DLL lacks: named with the import it serves, exit 1" 1 want --deps fwdfn/pf.exe
else
	fail "forwarder fixtures" "$(head -c 400 cc.err)"
fi

# ---- delay-loads ----
cat >d.def <<'DEF'
LIBRARY d.dll
EXPORTS
    d_fn
DEF
echo '__declspec(dllexport) int d_fn(void) { return 4; }' >d.c
echo '__declspec(dllexport) int d_other(void) { return 4; }' >d0.c
echo 'int d_fn(void); int main(void) { return d_fn(); }' >pd.c
# pb: a.dll at load time, b.dll (which a.dll loads at start) delay-loaded too.
echo '__declspec(dllimport) int a_fn(void); int b_one(void); int main(void) { return a_fn() + b_one(); }' >pb.c
printf 'LIBRARY b.dll\nEXPORTS\n    b_one\n' >bd.def
if "$MKIMPLIB" --delay -m x86-64 -o libd_delay.a d.def 2>cc.err &&
   "$MKIMPLIB" --delay -m x86-64 -o libb_delay.a bd.def 2>>cc.err &&
   $CC -o pd.exe pd.c libd_delay.a 2>>cc.err && $CC -shared -o d.dll d.c 2>>cc.err &&
   $CC -shared -o d0.dll d0.c 2>>cc.err && $CC -o pb.exe pb.c liba.a libb_delay.a 2>>cc.err; then
	folder dmiss pd.exe
	cat >want <<'W'
  d.dll         missing        delay  pd.exe
problems:
  d.dll: not found (needed by pd.exe); delay-loaded: fails at the first call, not at start
will load (and 1 delay-load problem, met at the first call)
W
	check "a delay-loaded DLL (mkimplib --delay) missing: reported, exit 0" 0 want --deps dmiss/pd.exe
	folder dfn pd.exe d0.dll:d.dll
	cat >want <<'W'
  d.dll: no export "d_fn" (imported by pd.exe); delay-loaded: fails at the first call, not at start
will load (and 1 delay-load problem, met at the first call)
W
	check "a delay-loaded function missing: reported, exit 0" 0 want --deps dfn/pd.exe
	folder dok pd.exe d.dll
	printf '  d.dll         found          delay  pd.exe     dok/d.dll\nwill load\n' >want
	check "a delay-loaded DLL found: on the list as delay, will load" 0 want --deps dok/pd.exe
	"$D" --deps -f paths dok/pd.exe >dok.paths 2>/dev/null
	if [ "$(cat dok.paths)" = "dok/d.dll" ]; then
		ok "a DLL reached only through delay-loads is on the ship list"
	else
		fail "a DLL reached only through delay-loads is on the ship list" "$(tr '\n' '|' <dok.paths)"
	fi
	folder both pb.exe a.dll
	cat >want <<'W'
  b.dll         missing        load   pb.exe
problems:
  b.dll: not found (needed by pb.exe)
will not load: 1 problem
W
	check "a DLL delay-loaded by the program and loaded at start by a.dll counts as load-time" 1 want --deps both/pb.exe
else
	fail "delay-load fixtures" "$(head -c 400 cc.err)"
fi

# ---- where DLLs are looked for ----
folder L1 b1.dll:b.dll
folder L2 b.dll
folder prog p.exe a.dll
printf '  b.dll         found          load   a.dll      L2/b.dll\nwill load\n' >want
check "-L L2 -L L1: the first folder that has b.dll wins (L2's is complete)" 0 want --deps -L L2 -L L1 prog/p.exe
printf '  b.dll         found          load   a.dll      L1/b.dll\nwill not load: 1 problem\n' >want
check "-L L1 -L L2: the first folder wins (L1's lacks b_two)" 1 want --deps -LL1 -L L2 prog/p.exe
folder progfirst p.exe a.dll b.dll
printf '  b.dll         found          load   a.dll      progfirst/b.dll\nwill load\n' >want
check "the program's folder comes before every -L" 0 want --deps -L L1 progfirst/p.exe
folder cases p.exe a.dll:A.DLL b.dll:B.Dll
printf '  a.dll         found          load   p.exe      cases/A.DLL\n  b.dll         found          load   a.dll      cases/B.Dll\nwill load\n' >want
check "file names matched with case ignored (A.DLL, B.Dll), as Windows does" 0 want --deps cases/p.exe
printf '  b.dll         system         load   a.dll\nwill load\n' >want
check "--system b.dll: taken as Windows' own, not looked for" 0 want --deps --system x.dll,B.DLL miss/p.exe

# ---- the DLLs to ship ----
"$D" --deps -L L2 -f paths prog/p.exe >ship.paths 2>ship.err
rc=$?
if [ "$rc" = 0 ] && [ "$(tr '\n' ' ' <ship.paths)" = "prog/a.dll L2/b.dll " ] && [ ! -s ship.err ]; then
	ok "-f paths: the found DLLs, one a line, no system DLL"
else
	fail "-f paths: the found DLLs, one a line, no system DLL" "exit $rc: $(cat ship.paths ship.err | tr '\n' '|')"
fi
rm -rf dist && mkdir dist && cp prog/p.exe dist/
if xargs cp -t dist/ <ship.paths && "$D" --deps dist/p.exe >dist.out 2>&1 && tail -1 dist.out | grep -qx "will load"; then
	ok "the DLLs -f paths lists, copied with xargs cp beside the program: the copy checks clean on its own"
else
	fail "the DLLs -f paths lists, copied with xargs cp beside the program: the copy checks clean on its own" "$(tr '\n' '|' <dist.out)"
fi
"$D" --deps -f paths miss/p.exe >missp.out 2>missp.err
rc=$?
if [ "$rc" = 1 ] && [ "$(cat missp.out)" = "miss/a.dll" ] &&
   grep -qx 'miss/p.exe: error: b.dll: not found (needed by a.dll)' missp.err; then
	ok "-f paths of a program that will not load: exit 1, the problem on stderr"
else
	fail "-f paths of a program that will not load: exit 1, the problem on stderr" "exit $rc: $(cat missp.out missp.err | tr '\n' '|')"
fi

# ---- JSON and TSV ----
"$D" --deps -f json lack/p.exe >lack.json 2>/dev/null
rc=$?
if [ "$rc" = 1 ] && python3 - lack.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["deps"]
assert d["machine"] == "x86-64" and d["will_load"] is False and d["load_problems"] == 1, d
names = [x["name"] for x in d["dlls"]]
assert names == ["KERNEL32.dll", "msvcrt.dll", "a.dll", "b.dll"], names
b = d["dlls"][3]
assert b["status"] == "found" and b["needed_by"] == "a.dll" and b["path"] == "lack/b.dll", b
assert b["kind"] == "load" and b["machine"] == "x86-64", b
p = d["problems"]
assert len(p) == 1 and p[0]["what"] == "name" and p[0]["function"] == "b_two", p
assert p[0]["importer"] == "a.dll" and p[0]["dll"] == "b.dll" and p[0]["delay"] is False, p
PY
then
	ok "-f json: the DLLs and the problem, exit 1"
else
	fail "-f json: the DLLs and the problem, exit 1" "exit $rc: $(head -c 400 lack.json)"
fi
"$D" --deps -f tsv mach/p.exe >mach.tsv 2>mach.err
rc=$?
printf 'dll\tstatus\tkind\tneeded_by\tpath\tmachine\nKERNEL32.dll\tsystem\tload\tp.exe\t\t\nmsvcrt.dll\tsystem\tload\tp.exe\t\t\na.dll\tfound\tload\tp.exe\tmach/a.dll\tx86-64\nb.dll\twrong machine\tload\ta.dll\tmach/b.dll\ti386\n' >mach.want
if [ "$rc" = 1 ] && same_bytes mach.want mach.tsv && grep -q 'error: b.dll: mach/b.dll is for i386' mach.err; then
	ok "-f tsv: one row per DLL with the columns the man page names; the problem on stderr"
else
	fail "-f tsv: one row per DLL with the columns the man page names; the problem on stderr" "exit $rc: $(diff mach.want mach.tsv | tr '\n\t' '| ')"
fi

# ---- i386 ----
mkdir -p w32
if i686-w64-mingw32-gcc -shared -o w32/b.dll b.c -Wl,--out-implib,w32/libb.a 2>cc.err &&
   i686-w64-mingw32-gcc -shared -o w32/a.dll a.c w32/libb.a -Wl,--out-implib,w32/liba.a 2>>cc.err &&
   i686-w64-mingw32-gcc -o w32/p32.exe p.c w32/liba.a 2>>cc.err; then
	folder i386 w32/p32.exe w32/a.dll w32/b.dll
	printf 'i386/p32.exe: i386 program, 4 DLLs\nwill load\n' >want
	check "an i386 chain: will load" 0 want --deps i386/p32.exe
	folder i386x w32/p32.exe w32/a.dll b.dll
	printf '  b.dll: i386x/b.dll is for x86-64, a.dll is for i386: Windows stops with 0xc000007b\n' >want
	check "an x86-64 b.dll in an i386 chain: wrong machine, exit 1" 1 want --deps i386x/p32.exe
else
	fail "i386 fixtures" "$(head -c 400 cc.err)"
fi

# ---- ARM64 and ARM64X (clang-22, lld-link 22) ----
# An ARM64X DLL has two export tables: an ARM64 client must find its
# imports in the native one, an ARM64EC client in the EC one, an ARM64X
# client (one import table for both) in either.
LLVM=/usr/lib/llvm-22/bin
if need "--deps on ARM64 and ARM64X" clang-22 "$LLVM/lld-link" "$LLVM/llvm-mc"; then
	mkdir -p arm && cd arm || exit 1
	echo 'int both(int a) { return a + 2; } int ecfunc(int a) { return a; }' >ec.c
	echo 'int both(int a) { return a + 3; } int natfunc(int a) { return a; }' >native.c
	cat >lc_ec.c <<'C'
extern const unsigned __chpe_metadata[];
struct load_config { unsigned size; unsigned char before[196]; const void *chpe_metadata; unsigned char after[0x140 - 208]; };
const struct load_config _load_config_used = { sizeof(struct load_config), { 0 }, __chpe_metadata, { 0 } };
__asm__(".section .rdata,\"dr\"\n.globl __chpe_metadata\n.p2align 3\n__chpe_metadata:\n.long 1\n"
	".rva __hybrid_code_map\n.long __hybrid_code_map_count\n.fill 0x80, 1, 0\n");
void *__os_arm64x_dispatch_ret, *__os_arm64x_dispatch_call_no_redirect, *__os_arm64x_check_icall,
	*__os_arm64x_dispatch_icall, *__os_arm64x_check_call, *__os_arm64x_dispatch_call;
C
	cat >lc_native.c <<'C'
struct load_config { unsigned size; unsigned char rest[0x140 - 4]; };
const struct load_config _load_config_used = { sizeof(struct load_config), { 0 } };
C
	printf 'LIBRARY pair.dll\nEXPORTS\n    both\n    ecfunc\n' >ec.def
	printf 'LIBRARY pair.dll\nEXPORTS\n    both\n    natfunc\n' >native.def
	echo '__declspec(dllimport) int natfunc(int); __declspec(dllimport) int both(int); int entry(void) { return natfunc(1) + both(1); }' >cn.c
	echo '__declspec(dllimport) int ecfunc(int); __declspec(dllimport) int both(int); int entry(void) { return ecfunc(1) + both(1); }' >ce.c
	printf '.text\n.globl "#__icall_helper_arm64ec"\n"#__icall_helper_arm64ec":\nret\n.globl __icall_helper_arm64ec\n__icall_helper_arm64ec:\nret\n' >icall.s
	LL="$LLVM/lld-link -nologo -dll -noentry -nodefaultlib"
	if clang-22 --target=arm64ec-pc-windows-msvc -O2 -c ec.c -o ec.obj 2>cc.err &&
	   clang-22 --target=arm64ec-pc-windows-msvc -O2 -c lc_ec.c -o lc_ec.obj 2>>cc.err &&
	   clang-22 --target=aarch64-pc-windows-msvc -O2 -c native.c -o native.obj 2>>cc.err &&
	   clang-22 --target=aarch64-pc-windows-msvc -O2 -c lc_native.c -o lc_native.obj 2>>cc.err &&
	   clang-22 --target=aarch64-pc-windows-msvc -O2 -c cn.c -o cn.obj 2>>cc.err &&
	   clang-22 --target=arm64ec-pc-windows-msvc -O2 -c ce.c -o ce.obj 2>>cc.err &&
	   "$LLVM/llvm-mc" --triple=arm64ec-pc-windows-msvc -filetype=obj -o icall.obj icall.s 2>>cc.err &&
	   $LL -machine:arm64x -def:ec.def -defarm64native:native.def -out:pair.dll -implib:pair.lib \
		ec.obj native.obj lc_ec.obj lc_native.obj >>cc.err 2>&1 &&
	   $LL -machine:arm64 -export:entry -out:cn.dll cn.obj pair.lib >>cc.err 2>&1 &&
	   $LL -machine:arm64ec -export:entry -out:ce.dll ce.obj lc_ec.obj icall.obj pair.lib >>cc.err 2>&1 &&
	   $LL -machine:arm64x -export:entry -out:cx.dll ce.obj cn.obj lc_ec.obj lc_native.obj icall.obj pair.lib >>cc.err 2>&1 &&
	   $LL -machine:arm64 -export:natfunc -out:nat_only.dll native.obj >>cc.err 2>&1 &&
	   $CC -shared -o x64.dll ../b.c 2>>cc.err; then
		cd .. || exit 1
		folder a64 arm/cn.dll arm/ce.dll arm/cx.dll arm/pair.dll
		printf '  pair.dll  found          load   cn.dll     a64/pair.dll\nwill load\n' >want
		check "an ARM64 DLL importing from an ARM64X DLL's native view: will load" 0 want --deps a64/cn.dll
		printf '  pair.dll  found          load   ce.dll     a64/pair.dll\nwill load\n' >want
		check "an ARM64EC DLL importing from an ARM64X DLL's EC view: will load" 0 want --deps a64/ce.dll
		printf 'a64/cx.dll: arm64ec DLL, 1 DLL\n  pair.dll  found          load   cx.dll     a64/pair.dll\nwill load\n' >want
		check "an ARM64X DLL importing from both views of an ARM64X DLL: will load" 0 want --deps a64/cx.dll
		# pair.dll replaced by one with the native view's exports only
		# (plain ARM64): the ARM64EC client cannot load it.
		folder a64n arm/cn.dll arm/ce.dll arm/nat_only.dll:pair.dll
		printf '  pair.dll: a64n/pair.dll is for arm64, ce.dll is for arm64ec: Windows stops with 0xc000007b\n' >want
		check "an ARM64EC DLL beside a plain ARM64 DLL: wrong machine, exit 1" 1 want --deps a64n/ce.dll
		printf '  pair.dll: no export "both" (imported by cn.dll)\nwill not load: 1 problem\n' >want
		check "an ARM64 DLL beside an ARM64 DLL that lacks a function: named, exit 1" 1 want --deps a64n/cn.dll
		folder a64x arm/cn.dll arm/x64.dll:pair.dll
		printf '  pair.dll: a64x/pair.dll is for x86-64, cn.dll is for arm64: Windows stops with 0xc000007b\n' >want
		check "an ARM64 DLL beside an x86-64 DLL: wrong machine, exit 1" 1 want --deps a64x/cn.dll
		folder a64ec arm/ce.dll arm/x64.dll:pair.dll
		printf '  pair.dll      found          load   ce.dll     a64ec/pair.dll\n' >want
		check "an ARM64EC DLL loads an x86-64 DLL (its functions checked: it lacks them)" 1 want --deps a64ec/ce.dll
	else
		cd .. || exit 1
		fail "ARM64 fixtures" "$(head -c 400 arm/cc.err)"
	fi
fi

# ---- bad input and usage: one line, exit 2 ----
echo "text" >text.exe
refuse() {
	local name=$1 pattern=$2
	shift 2
	"$D" "$@" >bad.out 2>bad.err
	local rc=$?
	if [ "$rc" = 2 ] && [ "$(wc -l <bad.err)" = 1 ] && grep -q -- "$pattern" bad.err && [ ! -s bad.out ]; then
		ok "$name"
	else
		fail "$name" "exit $rc: $(cat bad.err bad.out | tr '\n' '|' | head -c 300)"
	fi
}
refuse "--deps of a missing file: one line naming it, exit 2" '^nothere.exe: ' --deps nothere.exe
refuse "--deps of a text file: not a PE image, exit 2" '^text.exe: error: not a PE image' --deps text.exe
refuse "--deps of an import library: not a PE image, exit 2" '^liba.a: error: not a PE image (a import library)' --deps liba.a
refuse "--deps takes one program" 'takes one program' --deps ok/p.exe ok/a.dll
refuse "-L without --deps is a usage error" '-L is for --deps' -L . ok/a.dll
refuse "-f paths without --deps is a usage error" 'paths is for --deps' -f paths ok/a.dll
refuse "--deps with -f def is a usage error" 'not def' --deps -f def ok/p.exe
refuse "--deps with --view is a usage error" 'view' --deps --view ec ok/p.exe
refuse "--deps with --imports is a usage error" 'do not go together' --deps --imports ok/p.exe
