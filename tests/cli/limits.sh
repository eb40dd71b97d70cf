#!/bin/bash
# Limits and messages (issue 8):
#   1. arrays grow by doubling, not one element per realloc (counted with
#      tests/tools/realloc-count.c, for each of the six places that grew
#      one by one: 5,000 elements were 5,000 reallocs);
#   2. response files: nesting depth, files read and arguments are limited,
#      with an error naming the file;
#   3. 65,532 to 65,535 exports: the short library is what llvm-dlltool 22
#      writes (the GNU kind of archive once the COFF kind's 65,534 members
#      are not enough), and --archive coff says what to do instead;
#   4. every error about a file names it;
#   5. an ambiguous option prefix is called ambiguous, with its candidates;
#   6. control bytes and invalid UTF-8 from untrusted files are escaped in
#      messages and listings; JSON keeps invalid UTF-8 lossless;
#   7. three names on one function; empty names; a .def listing a name
#      twice, --check against the library made from it.
. "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1
DX=$BIN/dumpexports
MKIMPLIB=$BIN/mkimplib
LLVM=/usr/lib/llvm-22/bin

# one_error NAME PATTERN CMD...: CMD is refused as error_ok (tests/lib.sh)
# says: no crash, the tool's error status, exactly one stderr line,
# matching PATTERN.
one_error() {
	local name=$1 pat=$2; shift 2
	"$@" >one.out 2>one.err; local rc=$?
	error_ok "$name" "$pat" $rc one.err "$@" && ok "$name"
}

# names.py DLL NAME WHAT OUT: change the export NAME of DLL in its name
# table: WHAT is an ordinal to point it at (GNU ld and lld-link never give
# one ordinal two names; the loader does not mind), "empty", or "hex:..."
# new bytes of the same length.
cat >names.py <<'EOF2'
import struct, sys
src, want, what, dst = sys.argv[1], sys.argv[2].encode(), sys.argv[3], sys.argv[4]
d = bytearray(open(src, 'rb').read())
pe = struct.unpack_from('<I', d, 0x3c)[0]
nsec, optsize = struct.unpack_from('<H', d, pe + 6)[0], struct.unpack_from('<H', d, pe + 20)[0]
dirs = pe + 24 + (112 if struct.unpack_from('<H', d, pe + 24)[0] == 0x20b else 96)
sections = [struct.unpack_from('<IIII', d, pe + 24 + optsize + 40 * i + 8) for i in range(nsec)]
def at(rva):
    for vsize, va, rsize, raw in sections:
        if va <= rva < va + max(vsize, rsize):
            return raw + rva - va
    raise SystemExit('RVA %#x is in no section' % rva)
exp = at(struct.unpack_from('<I', d, dirs)[0])
base, nfunc, nname, funcs, names, ords = struct.unpack_from('<6I', d, exp + 16)
hit = 0
for i in range(nname):
    p = at(struct.unpack_from('<I', d, at(names) + 4 * i)[0])
    if bytes(d[p:d.index(0, p)]) != want:
        continue
    if what == 'empty':
        d[p] = 0
    elif what.startswith('hex:'):
        new = bytes.fromhex(what[4:])
        if len(new) != len(want):
            raise SystemExit('the new name must be as long as the old')
        d[p:p + len(new)] = new
    else:
        struct.pack_into('<H', d, at(ords) + 2 * i, int(what) - base)
    hit += 1
if not hit:
    raise SystemExit('no export named %s' % want.decode())
open(dst, 'wb').write(d)
EOF2

# ------------------------------------------------------------------
# 1. Growth: reallocs per element
# ------------------------------------------------------------------
N=5000
if ! cc -shared -fPIC -o count.so "$TOP/tests/tools/realloc-count.c" -ldl 2>count.err; then
	fail "build tests/tools/realloc-count.c" "$(head -3 count.err | tr '\n' '|')"
else
	# An ASan build wants its runtime first; the counter goes first.
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
	# counted NAME CHECK CMD...: CMD's own reallocs of existing blocks stay
	# below N/10, and CHECK (a shell test of its output) holds, so that
	# a run that stopped early does not pass.
	counted() {
		local name=$1 check=$2; shift 2
		rm -f count.txt
		REALLOC_COUNT=$T/count.txt LD_PRELOAD=$T/count.so "$@" >counted.out 2>counted.err
		local c; c=$(cat count.txt 2>/dev/null)
		if [ -z "$c" ]; then fail "$name" "no count written: $(head -3 counted.err | tr '\n' '|')"
		elif [ "$c" -eq 0 ]; then
			# Every case grows an array at least once: 0 means the tool's
			# realloc is its own (clang links ASan statically), not ours.
			skip "$name" "the counter saw no realloc: the tool's realloc cannot be interposed (a static sanitizer runtime?)"
		elif ! eval "$check"; then fail "$name" "unexpected output: $(head -c 300 counted.err; head -3 counted.out | tr '\n' '|')"
		elif [ "$c" -ge $((N / 10)) ]; then fail "$name" "$c reallocs for $N elements (one per element?)"
		else ok "$name: $c reallocs for $N elements"; fi
	}
	# An object exporting N functions; one excluding N symbols.
	awk -v n=$N 'BEGIN { print "\t.text"
		for (i = 0; i < n; i++) printf "\t.globl f%d\nf%d:\tret\n", i, i
		print "\t.section .drectve,\"yn\""
		for (i = 0; i < n; i++) printf "\t.ascii \" -export:f%d\"\n", i }' >many.s
	awk -v n=$N 'BEGIN { printf "\t.text\n\t.globl f0\nf0:\tret\n\t.section .drectve,\"yn\"\n\t.ascii \" -export:f0 -exclude-symbols:"
		for (i = 0; i < n; i++) printf "%sx%d", i ? "," : "", i
		print "\"" }' >excl.s
	printf '\t.text\n\t.globl one\none:\tret\n\t.section .drectve,"yn"\n\t.ascii " -export:one"\n' >one.s
	x86_64-w64-mingw32-as -o many.o many.s && x86_64-w64-mingw32-as -o excl.o excl.s &&
		x86_64-w64-mingw32-as -o one.o one.s ||
		fail "assemble the growth objects" "x86_64-w64-mingw32-as failed"
	counted "directives: $N -export: in one object" '[ "$(grep -c "^    f" counted.out)" -eq $N ]' "$MKDEF" many.o
	counted "directives: $N -exclude-symbols: names" 'grep -q "^    f0$" counted.out' "$MKDEF" excl.o
	awk -v n=$N 'BEGIN { print "LIBRARY x.dll\nEXPORTS\n  f\nIMPORTS"; for (i = 0; i < n; i++) printf "  i%d = m.e%d\n", i, i }' >imports.def
	counted ".def: $N IMPORTS lines" 'grep -q "1 export" counted.out' "$DX" imports.def
	awk -v n=$N 'BEGIN { print "LIBRARY x.dll\nSECTIONS"; for (i = 0; i < n; i++) printf "  s%d READ\n", i; print "EXPORTS\n  f" }' >sections.def
	counted ".def: $N SECTIONS lines" 'grep -q "1 export" counted.out' "$DX" sections.def
	{ printf -- '--exclude '; awk -v n=$N 'BEGIN { for (i = 0; i < n; i++) printf "%sy%d", i ? "," : "", i }'; echo; } >exclude.rsp
	counted "--exclude with $N names" '[ "$(grep -c "^    f" counted.out)" -eq $N ]' "$MKDEF" @exclude.rsp many.o
	# N distinct paths of one object, for the depfile's list.
	mkdir -p p && (cd p && mkdir -p $(seq -f 'd%g' 0 99))
	awk -v n=$N 'BEGIN { for (i = 0; i < n / 100; i++) for (j = 0; j < 100; j++) printf "p/d%d/../d%d/../../one.o\n", i, j }' >paths.rsp
	counted "depfile listing $N inputs" '[ "$(grep -c "^  p/.*one\.o" deps.d)" -eq $N ]' "$MKDEF" -o deps.def -M deps.d @paths.rsp
fi

# ------------------------------------------------------------------
# 2. Response files
# ------------------------------------------------------------------
mkdir -p rsp
# 25 small files, each naming the next twice: 2^24 expansions unchecked.
for i in $(seq 0 24); do printf '@rsp/r%d.rsp @rsp/r%d.rsp\n' $((i + 1)) $((i + 1)) >rsp/r$i.rsp; done
echo one.o >rsp/r25.rsp
one_error "response files that fan out stop at 2000 files read, naming the file" \
	'^mkdef: error: rsp/r[0-9]+\.rsp: more than 2000 response files read \(rsp/r[0-9]+\.rsp names it; ' \
	timeout 20 "$MKDEF" @rsp/r0.rsp
# Below the limit all is read: 10 levels of two (1,023 files, 512 arguments).
for i in $(seq 0 8); do printf '@rsp/s%d.rsp @rsp/s%d.rsp\n' $((i + 1)) $((i + 1)) >rsp/s$i.rsp; done
echo one.o >rsp/s9.rsp
"$MKDEF" @rsp/s0.rsp >fan.def 2>fan.err && grep -qx '    one' fan.def &&
	ok "1,023 response files, 512 arguments: read" ||
	fail "1,023 response files, 512 arguments" "$(head -3 fan.err)"
# A loop, through another file and another spelling of the path.
echo '@rsp/b.rsp' >rsp/a.rsp
echo '@rsp/../rsp/a.rsp' >rsp/b.rsp
one_error "a response file that names itself: the chain is named" \
	'^mkdef: error: rsp/\.\./rsp/a\.rsp: a response file that names itself \(rsp/a\.rsp -> rsp/b\.rsp -> rsp/\.\./rsp/a\.rsp\)$' \
	timeout 20 "$MKDEF" @rsp/a.rsp
for i in $(seq 0 40); do echo "@rsp/d$((i + 1)).rsp" >rsp/d$i.rsp; done
one_error "response files nested 33 deep: refused, naming the file" \
	'^mkdef: error: rsp/d32\.rsp: response files nest more than 32 deep$' "$MKDEF" @rsp/d0.rsp
# A million arguments in all: two reads of a file of 600,000.
awk 'BEGIN { for (i = 0; i < 600000; i++) print "a" }' >rsp/big.rsp
printf '@rsp/big.rsp @rsp/big.rsp\n' >rsp/twice.rsp
one_error "more than 1,000,000 arguments: refused, naming the file" \
	'^mkdef: error: rsp/big\.rsp: more than 1000000 arguments, or 256 MiB of them, after expanding response files$' \
	timeout 20 "$MKDEF" @rsp/twice.rsp

# ------------------------------------------------------------------
# 3. 65,531 to 65,535 exports: the COFF kind of archive holds 65,534 members
# ------------------------------------------------------------------
mkdir -p big
bigdef() { awk -v n=$1 'BEGIN { print "LIBRARY big.dll\nEXPORTS"; for (i = 0; i < n; i++) printf "  f%d\n", i }' >big/e$1.def; }
# ar_kind LIB: "coff" (two linker members), "gnu" (one), from the second header.
ar_kind() {
	local size; size=$(dd if="$1" bs=1 skip=56 count=10 2>/dev/null | tr -d ' ')
	[ -n "$size" ] || { echo none; return; }
	local next=$((68 + size + size % 2))
	[ "$(dd if="$1" bs=1 skip=$next count=16 2>/dev/null | tr -d ' ')" = / ] && echo coff || echo gnu
}
if [ ! -x "$LLVM/llvm-dlltool" ]; then
	fail "65,531 to 65,535 exports beside llvm-dlltool 22" "$LLVM/llvm-dlltool is not installed (make deps)"
else
	for n in 65531 65532 65533 65534 65535; do
		bigdef $n
		"$LLVM/llvm-dlltool" -m i386:x86-64 -d big/e$n.def -l big/llvm$n.lib 2>big/llvm$n.err
		"$MKIMPLIB" -m x86-64 -o big/ours$n.lib big/e$n.def 2>big/ours$n.err
		kind=$(ar_kind big/llvm$n.lib)
		want_note=
		[ $n -ge 65532 ] && want_note=yes
		if [ ! -s big/llvm$n.lib ]; then
			fail "$n exports: llvm-dlltool 22 wrote nothing" "$(head -2 big/llvm$n.err)"
		elif ! cmp -s big/llvm$n.lib big/ours$n.lib; then
			fail "$n exports: the same bytes as llvm-dlltool 22 ($kind kind)" "$(head -2 big/ours$n.err | tr '\n' '|')$(cmp big/llvm$n.lib big/ours$n.lib 2>&1)"
		elif [ -n "$want_note" ] && ! grep -q "^big/ours$n\.lib: note: $((n + 3)) members are more than an archive of the COFF kind holds (65534): written as the GNU kind" big/ours$n.err; then
			fail "$n exports: a note says the GNU kind is written" "stderr: $(cat big/ours$n.err)"
		elif [ -z "$want_note" ] && [ -s big/ours$n.err ]; then
			fail "$n exports: nothing said" "stderr: $(cat big/ours$n.err)"
		else
			ok "$n exports ($((n + 3)) members): the same bytes as llvm-dlltool 22, $kind kind${want_note:+, and a note says so}"
		fi
	done
	# ARM64EC, whose symbols go to the EC map in the COFF kind only, and i386.
	for m in arm64ec:arm64ec i386:i386; do
		"$LLVM/llvm-dlltool" -m ${m%%:*} -d big/e65533.def -l big/llvm-${m#*:}.lib 2>/dev/null
		"$MKIMPLIB" -m ${m#*:} -o big/ours-${m#*:}.lib big/e65533.def 2>/dev/null
		[ -s big/llvm-${m#*:}.lib ] && cmp -s big/llvm-${m#*:}.lib big/ours-${m#*:}.lib &&
			ok "65533 exports, ${m#*:}: the same bytes as llvm-dlltool 22 ($(ar_kind big/ours-${m#*:}.lib) kind)" ||
			fail "65533 exports, ${m#*:}: the same bytes as llvm-dlltool 22" "$(cmp big/llvm-${m#*:}.lib big/ours-${m#*:}.lib 2>&1)"
	done
	refuse_with "$MKIMPLIB" big/x.lib "--archive coff with 65533 exports: refused, naming --archive gnu" \
		'^big/x\.lib: error: 65536 members are more than an archive of the COFF kind holds \(65534\); --archive gnu writes the GNU kind' \
		-m x86-64 --archive coff big/e65533.def
	refuse_with "$MKIMPLIB" big/x.lib "--format long --archive coff with 65533 exports: refused" \
		'^big/x\.lib: error: 65535 members are more than an archive of the COFF kind holds \(65534\); --archive gnu' \
		-m x86-64 --format long --archive coff big/e65533.def
	# The linkers take the GNU-kind library: the first and the last import.
	printf 'int f0(void);\nint f65534(void);\nint main(void) { return f0() + f65534(); }\n' >big/client.c
	if x86_64-w64-mingw32-gcc -o big/client.exe big/client.c big/ours65535.lib 2>big/link.err &&
	   x86_64-w64-mingw32-objdump -p big/client.exe | grep -q 'f65534$'; then
		ok "65535 exports, GNU kind: GNU ld links f0 and f65534 from it"
	else
		fail "65535 exports, GNU kind: GNU ld links a client" "$(head -3 big/link.err | tr '\n' '|')"
	fi
	if clang --target=x86_64-pc-windows-msvc -c -o big/client.obj big/client.c 2>big/link.err &&
	   "$LLVM/lld-link" -nologo -out:big/client2.exe -entry:main -subsystem:console -nodefaultlib big/client.obj big/ours65535.lib 2>>big/link.err &&
	   "$LLVM/llvm-readobj" --coff-imports big/client2.exe | grep -q 'f65534'; then
		ok "65535 exports, GNU kind: lld-link links f0 and f65534 from it"
	else
		fail "65535 exports, GNU kind: lld-link links a client" "$(head -3 big/link.err | tr '\n' '|')"
	fi
fi

# ------------------------------------------------------------------
# 4. Every error about a file names it
# ------------------------------------------------------------------
mkdir -p msg
printf 'int f(void) { return 1; }\n' >msg/f.c
printf 'LIBRARY m.dll\nEXPORTS\n  f @5\n  g = f @5\n' >msg/twice5.def
printf 'LIBRARY m.dll\nEXPORTS\n  f\n' >msg/nomach.def
x86_64-w64-mingw32-gcc -shared -o msg/m.dll msg/f.c 2>msg/build.err
# The same DLL with machine 0: a PE image of no machine dllkit knows.
python3 -c '
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
struct.pack_into("<H", d, struct.unpack_from("<I", d, 0x3c)[0] + 4, 0)
open(sys.argv[2], "wb").write(d)' msg/m.dll msg/m0.dll 2>>msg/build.err
one_error "mkimplib: a .def without a machine: the .def is named" \
	'^msg/nomach\.def: error: a \.def file names no machine; give -m i386, x86-64, arm64, arm64ec or arm$' \
	"$MKIMPLIB" -o msg/x.lib msg/nomach.def
one_error "mkimplib: a DLL of no known machine: the DLL is named (not called a .def)" \
	'^msg/m0\.dll: error: names no machine that dllkit knows; give -m ' "$MKIMPLIB" -o msg/x.lib msg/m0.dll
one_error "mkimplib: -m against the DLL's machine: the DLL is named" \
	'^msg/m\.dll: error: is for x86-64, but -m says i386$' "$MKIMPLIB" -m i386 -o msg/x.lib msg/m.dll
one_error "mkimplib: two exports on one ordinal in a .def: the .def is named" \
	'^msg/twice5\.def: error: ordinal 5 is given to both "f" \(msg/twice5\.def:3\) and "g" \(msg/twice5\.def:4\)$' \
	"$MKIMPLIB" -m x86-64 -o msg/x.lib msg/twice5.def
implib=/usr/x86_64-w64-mingw32/lib/libkernel32.a
if [ -f "$implib" ]; then
	one_error "mkdef --dll naming a DLL the import library does not import from: the library is named" \
		"^$implib: error: the library imports nothing from nosuch\\.dll$" "$MKDEF" --dll nosuch.dll "$implib"
	one_error "dumpexports -f def --dll ...: the library is named" \
		"^$implib: error: the library imports nothing from nosuch\\.dll$" "$DX" -f def --dll nosuch.dll "$implib"
else
	fail "import library errors name the library" "$implib is missing (mingw-w64)"
fi
# Out of memory: the file being written is named (not under ASan, whose
# shadow memory needs more address space than the limit leaves).
if nm "$MKIMPLIB" 2>/dev/null | grep -q __asan_init; then
	skip "out of memory names the file" "an ASan build cannot run under ulimit -v"
elif [ -f big/e65531.def ]; then
	provoked=0 bad=
	for v in 30000 45000 60000; do
		(ulimit -v $v; "$MKIMPLIB" -m x86-64 -o big/oom.lib big/e65531.def) >/dev/null 2>msg/oom.err; rc=$?
		[ $rc = 0 ] && continue
		provoked=$((provoked + 1))
		[ $rc = 1 ] && [ -z "$(crash_of $rc msg/oom.err)" ] &&
			grep -Eq '^big/(oom\.lib|e65531\.def(:[0-9]+:[0-9]+)?): error: out of memory' msg/oom.err &&
			[ "$(wc -l <msg/oom.err)" -eq 1 ] || bad="$bad [ulimit -v $v: exit $rc: $(tr '\n' '|' <msg/oom.err)]"
	done
	if [ "$provoked" -eq 0 ]; then fail "out of memory names the file" "no limit made mkimplib run out of memory"
	elif [ -n "$bad" ]; then fail "out of memory names the file" "$bad"
	else ok "out of memory names the file ($provoked limits of 3 ran out)"; fi
fi

# ------------------------------------------------------------------
# 5. Options: ambiguous prefixes, values where none is taken
# ------------------------------------------------------------------
one_error "mkdef --ex: ambiguous, with the options it could be" \
	'^mkdef: error: option --ex is ambiguous: it could be --export-all, --export-all-symbols, --exclude, --exclude-symbols, --exclude-libs or --explain \(mkdef --help lists the options\)$' \
	"$MKDEF" --ex one.o
one_error "dumpexports --di: ambiguous between --diff and --dialect" \
	'^dumpexports: error: option --di is ambiguous: it could be --diff or --dialect ' "$DX" --di one.o
one_error "mkimplib --d=x: ambiguous, a value or not" \
	'^mkimplib: error: option --d is ambiguous: it could be --dllname, --dll, --delay, --dialect or --depfile ' \
	"$MKIMPLIB" --d=x -o x.lib one.o
"$MKDEF" --export-a one.o >prefix.out 2>prefix.err && [ ! -s prefix.err ] && grep -qx '    one' prefix.out &&
	ok "mkdef --export-a: a prefix of two names of one option is that option" ||
	fail "mkdef --export-a: a prefix of two names of one option" "$(cat prefix.err)"
one_error "mkdef --explain=3: the option takes no argument" \
	'^mkdef: error: option --explain takes no argument \(given "3"\)' "$MKDEF" --explain=3 one.o
one_error "mkdef --frob: unknown" '^mkdef: error: unknown option --frob \(' "$MKDEF" --frob one.o
one_error "mkdef --explain -xk: the unknown short option is -x (not --explain)" \
	'^mkdef: error: unknown option -x \(' "$MKDEF" --explain -xk one.o
one_error "mkdef one.o --l: the abbreviation and the option it stands for need an argument" \
	'^mkdef: error: option --l \(--library\) needs an argument \(' "$MKDEF" one.o --l
one_error "mkdef one.o -ko: -o needs an argument" '^mkdef: error: option -o needs an argument \(' "$MKDEF" one.o -ko

# ------------------------------------------------------------------
# 6. Names from untrusted files never reach the terminal raw
# ------------------------------------------------------------------
mkdir -p esc
ESC=$(printf '\033')
# no_raw NAME FILE: FILE holds no control byte but tab and newline, and no
# byte that is not UTF-8.
no_raw() {
	if LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\t\n' <"$2"); then
		fail "$1" "a raw control byte (ESC, BEL...) in $2"
	elif ! iconv -f UTF-8 -t UTF-8 "$2" >/dev/null 2>&1; then
		fail "$1" "bytes that are not UTF-8 in $2"
	else
		return 0
	fi
	return 1
}
# A .def statement and a .drectve directive carrying an escape sequence.
printf 'LIBRARY e.dll\n\033[2JBOGUS\nEXPORTS\n  f\n' >esc/stmt.def
"$MKIMPLIB" -m x86-64 -o esc/x.lib esc/stmt.def 2>esc/stmt.err; rc=$?
no_raw "a .def statement with ESC [2J: the message escapes it" esc/stmt.err &&
	error_ok "a .def statement with ESC [2J: the message escapes it" . $rc esc/stmt.err "$MKIMPLIB" &&
	{ grep -q '^esc/stmt\.def:2:1: error: .*\\x1b\[2JBOGUS' esc/stmt.err &&
		ok "a .def statement with ESC [2J: the message escapes it (\\x1b)" ||
		fail "a .def statement with ESC [2J: the message shows \\x1b" "$(cat esc/stmt.err)"; }
printf '\t.section .drectve,"yn"\n\t.ascii " -export:\\"a\\033]0;owned\\007b\\",bogus"\n' >esc/d.s
if x86_64-w64-mingw32-as -o esc/d.o esc/d.s; then
	"$MKDEF" esc/d.o 2>esc/d.err >/dev/null; rc=$?
	no_raw "a .drectve export with OSC and BEL: the message escapes them" esc/d.err &&
		error_ok "a .drectve export with OSC and BEL: the message escapes them" . $rc esc/d.err "$MKDEF" &&
		{ grep -q 'a\\x1b\]0;owned\\x07b.*unknown attribute "bogus"' esc/d.err &&
			ok "a .drectve export with OSC and BEL: the message escapes them (\\x1b, \\x07)" ||
			fail "a .drectve export with OSC and BEL: escaped" "$(cat esc/d.err)"; }
else
	fail "a .drectve export with escape bytes" "could not assemble it"
fi
# A DLL exporting "z<ESC>[1m" and "z<0xFF><U+00FF>2" (patched over two
# names of the same length, the table still sorted).
printf 'int a1(void) { return 1; }\nint zesc1(void) { return 2; }\nint zff12(void) { return 3; }\n' >esc/e.c
if x86_64-w64-mingw32-gcc -shared -o esc/e0.dll esc/e.c 2>esc/build.err &&
   python3 names.py esc/e0.dll zesc1 hex:7a1b5b316d esc/e1.dll 2>>esc/build.err &&
   python3 names.py esc/e1.dll zff12 hex:7affc3bf32 esc/e.dll 2>>esc/build.err; then
	"$DX" esc/e.dll >esc/table.out 2>&1
	no_raw "table listing of a DLL with ESC and 0xFF in names: escaped" esc/table.out &&
		{ grep -q '  z\\x1b\[1m$' esc/table.out && grep -q '  z\\xffÿ2$' esc/table.out &&
			ok "table listing: ESC and the byte 0xFF as \\x1b and \\xff, a real U+00FF kept" ||
			fail "table listing: \\x1b and \\xff" "$(tail -3 esc/table.out | tr '\n' '|')"; }
	"$DX" -f tsv esc/e.dll >esc/tsv.out 2>&1
	no_raw "TSV listing of the same DLL: escaped" esc/tsv.out &&
		{ [ "$(cut -f6 esc/tsv.out | tail -2 | tr '\n' ' ')" = 'z\x1b[1m z\xffÿ2 ' ] &&
			ok "TSV listing: \\x1b and \\xff, a real U+00FF kept" ||
			fail "TSV listing: \\x1b and \\xff" "$(cut -f6 esc/tsv.out | tr '\n' '|')"; }
	"$DX" -f json esc/e.dll >esc/json.out 2>&1
	if python3 -c '
import json, sys
names = [e["name"].encode("utf-8", "surrogateescape") for e in json.load(open(sys.argv[1]))["files"][0]["exports"]]
want = [b"a1", b"z\x1b[1m", b"z\xff\xc3\xbf2"]
sys.exit(0 if names == want else "got %r" % names)' esc/json.out 2>esc/json.err; then
		grep -q '"z\\u001b\[1m"' esc/json.out && grep -q '"z\\udcffÿ2"' esc/json.out &&
			ok "JSON: ESC as \\u001b, the byte 0xFF as \\udcff (surrogateescape), U+00FF kept: the bytes come back exactly" ||
			fail "JSON: \\u001b and \\udcff" "$(grep -o '"name": "z[^"]*"' esc/json.out | tr '\n' '|')"
	else
		fail "JSON: the names decode back to their bytes" "$(cat esc/json.err)"
	fi
	"$DX" --diff esc/e0.dll esc/e.dll >esc/diff.out 2>&1
	no_raw "--diff listing of the renamed exports: escaped" esc/diff.out &&
		{ grep -q '^+ z\\x1b\[1m @2$' esc/diff.out && ok "--diff: + z\\x1b[1m" ||
			fail "--diff shows + z\\x1b[1m" "$(tr '\n' '|' <esc/diff.out)"; }
else
	fail "a DLL with ESC and 0xFF in export names" "could not build it: $(head -3 esc/build.err)"
fi

# ------------------------------------------------------------------
# 7. Three names on one function; empty names; a name listed twice
# ------------------------------------------------------------------
printf 'int f(void) { return 1; }\n' >tri.c
printf 'LIBRARY tri.dll\nEXPORTS\n  f @91\n  g = f @92\n  h = f @93\n  z = f @94\n' >tri.def
if x86_64-w64-mingw32-gcc -shared -o tri0.dll tri.c tri.def 2>tri.err &&
   python3 names.py tri0.dll g 91 tri1.dll 2>>tri.err && python3 names.py tri1.dll h 91 tri.dll 2>>tri.err; then
	if [ "$("$DX" -f tsv tri.dll | awk -F'\t' '$3 == 91 { n++ } END { print n }')" != 3 ]; then
		fail "three names on one function" "the patched DLL does not have f, g and h at ordinal 91: $("$DX" tri.dll | tr '\n' '|')"
	else
		"$MKDEF" -o tri-out.def tri.dll 2>tri-mkdef.err
		printf '%s\n' 'LIBRARY "tri.dll"' EXPORTS '    f @91' '    g = f' '    h = f' \
			'    ord_92 @92 NONAME' '    ord_93 @93 NONAME' '    z @94' >tri-want.def
		same "three names on one function: mkdef makes the second and third aliases of the first" tri-want.def tri-out.def
		if "$MKIMPLIB" -o libtri.a tri.dll 2>tri-mkimplib.err &&
		   "$DX" -f tsv libtri.a | awk -F'\t' 'NR > 1 && $8 == "" { print $6 }' | LC_ALL=C sort | tr '\n' ' ' >tri-imports &&
		   [ "$(cat tri-imports)" = "f g h z " ]; then
			ok "three names on one function: mkimplib imports f, g and h by name"
		else
			fail "three names on one function: mkimplib imports f, g and h by name" "$(head -3 tri-mkimplib.err) imports: $(cat tri-imports 2>/dev/null)"
		fi
	fi
	# A DLL export name that is empty: the DLL is refused, naming where.
	if python3 names.py tri0.dll z empty emptyname.dll 2>>tri.err; then
		one_error "an empty export name in a DLL: refused with file and offset" \
			'^emptyname\.dll:0x[0-9a-f]+: error: export name 3 \(ordinal 94\) is empty$' "$MKDEF" emptyname.dll
	else
		fail "an empty export name in a DLL" "could not patch it: $(tail -2 tri.err)"
	fi
else
	fail "three names on one function: build the DLL" "$(head -3 tri.err | tr '\n' '|')"
fi

# An empty name in a .def: refused with file:line:col, nothing written.
printf 'LIBRARY e.dll\nEXPORTS\n  f\n  ""\n' >empty1.def
printf 'LIBRARY e.dll\nEXPORTS\n  f == ""\n' >empty2.def
printf 'LIBRARY e.dll\nEXPORTS\n  f = ""\n' >empty3.def
printf 'LIBRARY e.dll\nEXPORTS\n  f EXPORTAS ""\n' >empty4.def
refuse_with "$MKIMPLIB" libempty.a 'an empty export name in a .def: file:line:col' \
	'^empty1\.def:4:3: error: the export name is empty$' -m x86-64 empty1.def
refuse_with "$MKIMPLIB" libempty.a 'an empty == name in a .def: file:line:col' \
	"^empty2\.def:3:8: error: the name after '==' is empty$" -m x86-64 empty2.def
refuse_with "$MKDEF" out.def 'an empty internal name in a .def: file:line:col' \
	"^empty3\.def:3:7: error: the name after '=' is empty$" empty3.def
refuse_with "$MKIMPLIB" libempty.a 'an empty EXPORTAS name in a .def: file:line:col' \
	'^empty4\.def:3:14: error: the name after EXPORTAS is empty$' -m x86-64 empty4.def
# ... and in a .drectve directive: file and offset.
printf '\t.section .drectve,"yn"\n\t.ascii " -export:f -export:\\"\\""\n' >emptyd.s
if x86_64-w64-mingw32-as -o emptyd.o emptyd.s; then
	refuse_with "$MKDEF" out.def 'an empty export name in a .drectve: file and offset' \
		'^emptyd\.o:0x[0-9a-f]+: error: export directive """" has an empty name$' emptyd.o
else
	fail "an empty export name in a .drectve" "could not assemble it"
fi

# A .def that lists a name twice, checked against the library made from it
# (and against one without g, which --check must tell: exit 1).
printf 'LIBRARY d.dll\nEXPORTS\n  f\n  g\n  f\n' >twice.def
printf 'LIBRARY d.dll\nEXPORTS\n  f\n' >twice-nog.def
if "$MKIMPLIB" -m x86-64 -o libtwice.a twice.def 2>twice.err &&
   "$MKIMPLIB" -m x86-64 -o libtwice-nog.a twice-nog.def 2>>twice.err; then
	"$DX" --check twice.def libtwice-nog.a >twice.out 2>>twice.err; rc_nog=$?
	"$DX" --check twice.def libtwice.a >twice.out 2>>twice.err; rc=$?
	[ $rc -eq 0 ] && [ $rc_nog -eq 1 ] && ok "--check: a .def listing a name twice against the library made from it: no difference" ||
		fail "--check: a .def listing a name twice against the library made from it" "exit $rc (without g: $rc_nog, not 1): $(cat twice.out twice.err | tr '\n' '|')"
else
	fail "--check: a .def listing a name twice" "mkimplib failed: $(head -2 twice.err)"
fi
