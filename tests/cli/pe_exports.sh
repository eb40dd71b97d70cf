#!/bin/bash
# The PE export-directory reader (dk_read_image, lib/read_image.c) through a small
# driver, tests/tools/pe-dump.c:
#   - every PE DLL on this machine (the MinGW runtime DLLs, zlib1.dll, Wine's
#     x86_64 PE DLLs/EXEs/drivers and, once unpacked by `make deps`, its i386
#     ones): ordinals, names, RVAs and forward targets equal to what
#     llvm-readobj 22 --coff-exports prints, one line per group.  llvm-readobj
#     shows one name per ordinal (the first in the name table), so our extra
#     names for one ordinal are left out of the comparison; it refuses images
#     whose export name table is empty and at RVA 0, which the loader accepts,
#     and for those GNU objdump -p is the reference;
#   - DLLs built here (MinGW gcc x86_64/i686, clang + lld-link x64/x86/arm64/
#     arm, an ARM64EC one from llvm-mc) with NONAME, DATA, forwarders by name
#     and by ordinal, an ordinal base above 1 and an empty slot: every field,
#     the header facts beside GNU objdump -p;
#   - what is not a PE image is refused in one line.
. "$(dirname "$0")/../lib.sh"
LLVM=/usr/lib/llvm-22/bin
RO=$LLVM/llvm-readobj
LIBA=$BUILD/libdllkit.a
# (llvm-readobj 22: older ones do not show forwarders)
built "PE export reader" "$LIBA" || exit 0
need "PE export reader beside llvm-readobj 22" "$RO" cc python3 || exit 0
cd "$T" || exit 1

# The driver, built against the library as it is (sanitized when it is).
PEDUMP=$T/pe-dump
SANF=
nm "$LIBA" 2>/dev/null | grep -q '__asan_' && SANF="-fsanitize=address,undefined"
if ! cc -std=c11 -Wall -Wextra -I"$TOP/lib" $SANF -o "$PEDUMP" "$TOP/tests/tools/pe-dump.c" "$LIBA" -lbfd-multiarch 2>cc.err &&
   ! cc -std=c11 -Wall -Wextra -I"$TOP/lib" $SANF -o "$PEDUMP" "$TOP/tests/tools/pe-dump.c" "$LIBA" -lbfd 2>>cc.err; then
	fail "build tests/tools/pe-dump.c" "$(head -5 cc.err | tr '\n' '|')"
	exit 1
fi

# GNU objdump that reads every PE machine here (binutils-multiarch), else MinGW's.
OBJDUMP=objdump
objdump -i 2>/dev/null | grep -q pei-aarch64 || OBJDUMP=x86_64-w64-mingw32-objdump

# llvm-readobj and objdump listings are turned into comparable lines by
# tests/awk/readobj_exports.awk and tests/awk/objdump_exports.awk.

# compare LABEL LIST [PACKAGE]: pe-dump and llvm-readobj over the images in
# LIST.  An empty LIST is a skip, or, when PACKAGE (which make deps
# installs) should have put images there, `missing` (a FAIL on CI).
compare() {
	local label=$1 list=$2 pkg=${3:-} d
	d=$T/cmp-$(printf '%s' "$1" | tr -c 'A-Za-z0-9' _)
	mkdir -p "$d"
	local n; n=$(wc -l <"$list")
	if [ "$n" -eq 0 ]; then
		if [ -n "$pkg" ]; then missing "$label" "$pkg"
		else skip "$label" "none on this machine"; fi
		return
	fi
	xargs -d '\n' "$PEDUMP" -l <"$list" >"$d/ours.all" 2>"$d/ours.err"
	grep -q 'ERROR: AddressSanitizer\|runtime error' "$d/ours.err" &&
		{ fail "$label" "sanitizer: $(grep -m3 'ERROR\|runtime error' "$d/ours.err" | tr '\n' '|')"; return; }

	# llvm-readobj stops at the first image it refuses, so a batch is
	# read again from there until every image is read or refused.
	: >"$d/llvm.raw"
	: >"$d/llvm.err"
	cp "$list" "$d/todo"
	while [ -s "$d/todo" ]; do
		xargs -d '\n' -n 100 "$RO" --coff-exports <"$d/todo" >>"$d/llvm.raw" 2>>"$d/llvm.err"
		{ sed -n 's/^File: //p' "$d/llvm.raw"; sed -n "s/^.*error: '\(.*\)': .*/\1/p" "$d/llvm.err"; } |
			LC_ALL=C sort -u >"$d/done"
		LC_ALL=C sort "$d/todo" | LC_ALL=C comm -23 - "$d/done" >"$d/todo2"
		[ "$(wc -l <"$d/todo2")" -lt "$(wc -l <"$d/todo")" ] || break
		mv "$d/todo2" "$d/todo"
	done
	sed -n "s/^.*error: '\(.*\)': .*/\1/p" "$d/llvm.err" | LC_ALL=C sort -u >"$d/refused"

	# One line per ordinal on our side too: its first name.
	awk -F'\t' 'FILENAME == ARGV[1] { r[$0] = 1; next } !($1 in r) && !seen[$1 "\t" $2]++' \
		"$d/refused" "$d/ours.all" | LC_ALL=C sort >"$d/ours.tsv"
	awk -F'\t' 'FILENAME == ARGV[1] { r[$0] = 1; next } !($1 in r)' \
		"$d/refused" <(awk -f "$TOP/tests/awk/readobj_exports.awk" "$d/llvm.raw") | LC_ALL=C sort >"$d/llvm.tsv"
	# Images llvm-readobj refuses, beside GNU objdump.
	: >"$d/ours-refused.tsv"
	: >"$d/objdump.tsv"
	if [ -s "$d/refused" ]; then
		awk -F'\t' 'FILENAME == ARGV[1] { r[$0] = 1; next } ($1 in r)' "$d/refused" "$d/ours.all" |
			LC_ALL=C sort >"$d/ours-refused.tsv"
		xargs -d '\n' "$OBJDUMP" -p <"$d/refused" 2>"$d/objdump.err" | awk -f "$TOP/tests/awk/objdump_exports.awk" |
			LC_ALL=C sort >"$d/objdump.tsv"
	fi
	{
		LC_ALL=C comm -3 "$d/ours.tsv" "$d/llvm.tsv"
		LC_ALL=C comm -3 "$d/ours-refused.tsv" "$d/objdump.tsv"
	} | sed 's/^\t//' | cut -f1 >"$d/bad"
	sed -n 's/^\(.*\):0x[0-9a-f]*: error: .*/\1/p; s/^\([^:]*\): error: .*/\1/p' "$d/ours.err" >>"$d/bad"
	LC_ALL=C sort -u -o "$d/bad" "$d/bad"
	local nbad nref nexp
	nbad=$(wc -l <"$d/bad")
	nref=$(wc -l <"$d/refused")
	nexp=$(wc -l <"$d/ours.all")
	local ncmp=$(($(wc -l <"$d/llvm.tsv") + $(wc -l <"$d/objdump.tsv")))
	if [ "$ncmp" -eq 0 ] && [ "$nexp" -gt 0 ]; then
		fail "$label" "nothing compared: llvm-readobj and objdump showed no exports (see $d)"
	elif [ "$nbad" -eq 0 ]; then
		local more=""
		[ "$nref" -gt 0 ] && more="; $nref that llvm-readobj refuses (empty name table at RVA 0) agree with GNU objdump -p"
		ok "$label: $n of $n agree with llvm-readobj 22 ($nexp exports, $ncmp ordinals compared$more)"
	else
		fail "$label" "$nbad of $n disagree: $(head -8 "$d/bad" | tr '\n' ' ')(see $d: ours.tsv vs llvm.tsv)"
	fi
}

# ------------------------------------------------------------------
# Every DLL on this machine
# ------------------------------------------------------------------

find /usr/lib/gcc/*-w64-mingw32 /usr/*-w64-mingw32 -name '*.dll' ! -name zlib1.dll 2>/dev/null |
	LC_ALL=C sort >mingw.list
compare "MinGW runtime DLLs" mingw.list "gcc-mingw-w64 (its runtime DLLs)"

{ find /usr/*-w64-mingw32 -name zlib1.dll 2>/dev/null; ls /usr/lib/x86_64-linux-gnu/wine/i386-windows/zlib1.dll 2>/dev/null; } |
	LC_ALL=C sort >zlib.list
compare "zlib1.dll (MinGW, Wine)" zlib.list

# Wine's folders hold PE images (DLLs, EXEs, drivers, 16-bit thunks, type
# libraries), and with libwine-dev or wine64-tools also import libraries
# (230 lib*.a in x86_64-windows): the images are picked by their bytes, an
# MZ header whose e_lfanew points at a PE signature, whatever their names.
pe_files() {
	[ -d "$1" ] || return 0
	find "$1" -maxdepth 1 -type f -print0 | python3 -c '
import struct, sys
for path in sys.stdin.buffer.read().split(b"\0"):
    if not path:
        continue
    try:
        with open(path, "rb") as f:
            head = f.read(64)
            if len(head) < 64 or head[:2] != b"MZ":
                continue
            f.seek(struct.unpack_from("<I", head, 0x3c)[0])
            if f.read(4) == b"PE\0\0":
                sys.stdout.buffer.write(path + b"\n")
    except OSError:
        pass' | LC_ALL=C sort
}
# ... shown on a folder of every kind: only the DLL and the type library
# (a PE image) are picked; the import library, an MZ stub without a PE
# header, a text file and an empty file are not.
mkdir -p pick
cp "$(command -v x86_64-w64-mingw32-gcc >/dev/null && find /usr/lib/gcc/x86_64-w64-mingw32 /usr/x86_64-w64-mingw32 -name '*.dll' 2>/dev/null | head -1)" pick/a.dll 2>/dev/null
cp pick/a.dll pick/stdole.tlb 2>/dev/null
cp /usr/x86_64-w64-mingw32/lib/libkernel32.a pick/libkernel32.a 2>/dev/null
{ printf 'MZ'; head -c 126 /dev/zero; } >pick/stub.exe # e_lfanew 0: no PE header
printf 'not a PE image\n' >pick/readme.txt
: >pick/empty.dll
if [ -s pick/a.dll ] && [ -s pick/libkernel32.a ]; then
	got=$(pe_files pick | sed 's|.*/||' | tr '\n' ' ')
	[ "$got" = "a.dll stdole.tlb " ] &&
		ok "PE images are picked by their bytes (not lib*.a, an MZ stub, text, an empty file)" ||
		fail "PE images are picked by their bytes" "picked: $got"
else
	fail "PE images are picked by their bytes" "no MinGW DLL or libkernel32.a to try it on"
fi
pe_files /usr/lib/x86_64-linux-gnu/wine/x86_64-windows >wine64.list
compare "x86_64 Wine PE images" wine64.list "wine64 (its PE DLLs in /usr/lib/x86_64-linux-gnu/wine/x86_64-windows)"
pe_files /var/cache/dllkit/wine32/usr/lib/i386-linux-gnu/wine/i386-windows >wine32.list
compare "i386 Wine PE images" wine32.list \
	"libwine:i386, unpacked into /var/cache/dllkit/wine32 by tests/interop/lib/setup-wine32.sh"

# ------------------------------------------------------------------
# DLLs built here: every field
# ------------------------------------------------------------------

cat >pet.c <<'EOF'
int counter = 5;
const int konst = 7;
int add(int a, int b) { return a + b; }
int sub(int a, int b) { return a - b; }
int mul(int a, int b) { return a * b; }
EOF
# Base 3, ordinal 9 left empty; "other.#3" quoted for GNU ld's parser.
cat >pet.def <<'EOF'
LIBRARY pet.dll
VERSION 2.5
EXPORTS
    add @3
    sub @4 NONAME
    counter @5 DATA
    konst @6 DATA
    fwd = kernel32.GetTickCount @7
    fwd2 = "other.#3" @8
    mul @10
EOF

LLD=$LLVM/lld-link
: >built.list
# build NAME CMD...: build NAME/pet.dll (the command runs in NAME/), the
# fixture of NAME's cells below.  A compiler that is installed and cannot
# build it is a FAIL (its cells are not run: they must not pass quietly by
# their absence); one that is not installed is `need`'s line, before.
build() {
	local name=$1; shift
	mkdir -p "$name"
	if (cd "$name" && "$@") >"$name/build.log" 2>&1 && [ -f "$name/pet.dll" ]; then
		echo "$T/$name/pet.dll" >>built.list
	else
		fail "$name: build pet.dll (its cells are not run)" "$(head -3 "$name/build.log" | tr '\n' '|')"
	fi
}
gnu() { "$1" -O2 -shared -o pet.dll ../pet.c ../pet.def; }
lld() {
	clang --target="$1" -O2 -c -o pet.obj ../pet.c &&
		"$LLD" -nologo -dll -noentry -nodefaultlib -machine:"$2" -def:../pet.def -out:pet.dll pet.obj
}
for cell in "gnu-x86_64 x86_64-w64-mingw32-gcc" "gnu-i686 i686-w64-mingw32-gcc"; do
	set -- $cell
	need "$1: pet.dll and its cells" "$2" && build "$1" gnu "$2"
done
for cell in "lld-x64 x86_64-pc-windows-msvc x64" "lld-x86 i686-pc-windows-msvc x86" \
	"lld-arm64 aarch64-pc-windows-msvc arm64" "lld-arm armv7-pc-windows-msvc arm"; do
	set -- $cell
	need "$1: pet.dll and its cells" clang "$LLD" && build "$1" lld "$2" "$3"
done

# An ARM64EC DLL: its COFF header says AMD64; the CHPE metadata pointer in
# its load configuration says what it is.  (No clang here compiles C for
# ARM64EC; llvm-mc 22 assembles this.)
cat >ec.s <<'EOF'
	.data
	.globl counter
counter:
	.long 5
	.text
	.globl "#add"
"#add":
	ret
	.globl __icall_helper_arm64ec
__icall_helper_arm64ec:
	ret
	.globl "#__icall_helper_arm64ec"
"#__icall_helper_arm64ec":
	ret
	.section .rdata,"dr"
	.globl _load_config_used
	.p2align 3
_load_config_used:
	.long 0x140
	.fill 0xc4, 1, 0
	.quad __chpe_metadata
	.fill 0x140 - 0xd0, 1, 0
	.globl __chpe_metadata
	.p2align 3
__chpe_metadata:
	.long 1
	.rva __hybrid_code_map
	.long __hybrid_code_map_count
	.fill 0x80, 1, 0
EOF
printf 'LIBRARY pet.dll\nEXPORTS\n    add @2\n    counter @3 DATA\n    fwd = kernel32.GetTickCount @4\n' >ec.def
ec() {
	"$LLVM/llvm-mc" -triple=arm64ec-pc-windows-msvc -filetype=obj -o ec.obj ../ec.s &&
		"$LLD" -nologo -dll -noentry -nodefaultlib -machine:arm64ec -def:../ec.def -out:pet.dll ec.obj
}
need "lld-arm64ec: pet.dll and its cells" "$LLVM/llvm-mc" "$LLD" && build lld-arm64ec ec

# The expected listing, RVAs and time stamps aside (pe-dump prints them;
# llvm-readobj checks the RVAs below, objdump the time stamps).
# GNU ld writes the .def's VERSION into the export directory (and gives
# i386 images the image version 1.0); lld-link into the optional header.
expect_pet() { # MACHINE RAW PE32PLUS EXPORT-VERSION IMAGE-VERSION
	cat <<EOF
machine $1 raw $2 pe32plus $3 dll 1 exports 1
name pet.dll base 3 functions 8 names 6 version $4 image $5
module pet.dll
@3 hint=0 add
@4 hint=-1 ord_4 NONAME
@5 hint=1 counter DATA
@6 hint=4 konst DATA
@7 hint=2 fwd -> kernel32.GetTickCount
@8 hint=3 fwd2 -> other.#3
@10 hint=5 mul
EOF
}
expect_ec() {
	cat <<EOF
machine arm64ec raw 0x8664 pe32plus 1 dll 1 exports 1
name pet.dll base 2 functions 3 names 3 version 0.0 image 0.0
module pet.dll
@2 hint=0 add
@3 hint=1 counter DATA
@4 hint=2 fwd -> kernel32.GetTickCount
EOF
}
while read -r dll; do
	name=$(basename "$(dirname "$dll")")
	case $name in
	gnu-x86_64) expect_pet x86-64 0x8664 1 2.5 0.0 ;;
	gnu-i686) expect_pet i386 0x014c 0 2.5 1.0 ;;
	lld-x64) expect_pet x86-64 0x8664 1 0.0 2.5 ;;
	lld-x86) expect_pet i386 0x014c 0 0.0 2.5 ;;
	lld-arm64) expect_pet arm64 0xaa64 1 0.0 2.5 ;;
	lld-arm) expect_pet arm 0x01c4 0 0.0 2.5 ;;
	lld-arm64ec) expect_ec ;;
	esac >"$name/want.txt"
	"$PEDUMP" "$dll" >"$name/dump.txt" 2>"$name/dump.err"
	sed -e '/^file /d' -e 's/ timestamp [0-9]*//' -e 's/ rva=0x[0-9a-f]*//' "$name/dump.txt" >"$name/got.txt"
	same "$name: every export field (ordinal, name, NONAME, DATA, forward, hint) and header fact" \
		"$name/want.txt" "$name/got.txt"
	# The time stamp and both versions, beside objdump.
	"$OBJDUMP" -p "$dll" >"$name/objdump.txt" 2>/dev/null
	want=$(awk '/^Time\/Date stamp/ && ts == "" { ts = $3 }
		/^Major\/Minor/ { split($2, v, "/"); ev = v[1] "." v[2] }
		/^MajorImageVersion/ { im = $2 } /^MinorImageVersion/ { imn = $2 }
		END { if (ev != "") print ts " version " ev " image " im "." imn }' "$name/objdump.txt")
	[ -n "$want" ] && want="timestamp $((16#${want%% *})) ${want#* }"
	got=$(sed -n 's/.* \(timestamp [0-9]* version [0-9.]* image [0-9.]*\)$/\1/p' "$name/dump.txt")
	if [ -z "$want" ]; then
		# objdump cannot read ARM (Thumb-2) images: the image version
		# alone, beside llvm-readobj.
		want=$("$RO" --file-headers "$dll" | awk '/MajorImageVersion:/ { a = $2 } /MinorImageVersion:/ { b = $2 }
			END { print "image " a "." b }')
		got=$(sed -n 's/.* \(image [0-9.]*\)$/\1/p' "$name/dump.txt")
		[ "$want" = "$got" ] &&
			ok "$name: $want, as llvm-readobj says" ||
			fail "$name: image version beside llvm-readobj" "llvm-readobj '$want', pe-dump '$got'"
	elif [ "$want" = "$got" ]; then
		ok "$name: export $got, as objdump says"
	else
		fail "$name: time stamp and versions beside objdump" "objdump '$want', pe-dump '$got'"
	fi
done <built.list
# (a DLL that was not built has its FAIL or NOT INSTALLED line above)
[ -s built.list ] && compare "DLLs built here (RVAs, names, forwarders)" built.list

# ------------------------------------------------------------------
# Not PE images
# ------------------------------------------------------------------

# not_pe NAME FILE PATTERN: one error line matching PATTERN, exit 1, no
# crash (error_ok in tests/lib.sh).
not_pe() {
	"$PEDUMP" "$2" >np.out 2>np.err; local rc=$?
	error_ok "$1" "$3" $rc np.err "$PEDUMP" && ok "$1"
}
# (each case runs, or says why not: none drops out)
if [ -f lld-x64/pet.obj ]; then
	not_pe "a COFF object is refused" lld-x64/pet.obj '^.*pet\.obj: error: not a PE image \(a COFF object file\)$'
elif need "a COFF object is refused" clang "$LLD"; then
	fail "a COFF object is refused" "no COFF object: lld-x64/pet.obj was not built"
fi
implib=/usr/x86_64-w64-mingw32/lib/libkernel32.a
if [ -f "$implib" ]; then
	not_pe "an import library is refused" "$implib" 'error: not a PE image \(an ar archive: a static or import library\)$'
else
	missing "an import library is refused" "$implib (mingw-w64-x86-64-dev)"
fi
not_pe "a .def file is refused" pet.def '^pet\.def: error: not a PE image \(a text file\)$'
not_pe "an ELF file is refused" "$PEDUMP" 'error: not a PE image \(an ELF file\)$'
not_pe "a missing file is refused" nothere.dll '^nothere\.dll: error: cannot open: No such file or directory$'
first=$(head -1 built.list)
if [ -n "$first" ]; then
	head -c 700 "$first" >trunc.dll
	not_pe "a truncated DLL: one error with its offset" trunc.dll '^trunc\.dll:0x[0-9a-f]+: error: '
	head -c 100 "$first" >trunc2.dll
	not_pe "a DLL cut inside its headers" trunc2.dll '^trunc2\.dll:0x3c: error: not a PE image \(an MS-DOS program: no PE signature at offset 0x[0-9a-f]+\)$'
else
	fail "truncated DLLs are refused" "no DLL was built to cut (see the lines above)"
fi
exit 0
