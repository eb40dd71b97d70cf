#!/bin/bash
# dk_read_implib beside the peers, through tests/tools/implib-dump (built
# here from build/libdllkit.a):
#   - every library the mingw-w64 packages install (x86_64 and i686): the
#     imports we read are the __imp_ symbols llvm-nm shows defined in
#     import sections, from the DLLs `dlltool -I` names; the plain static
#     libraries (libmingwex.a, ...) import nothing and dk_is_implib says no;
#   - libraries made here by GNU dlltool (x86-64, i386, i386 -k), ld
#     --out-implib, llvm-dlltool 22 and llvm-lib 22 (/def:) for all five
#     machines, EXPORTAS and NONAME included, and mkimplib (short and long):
#     the symbols (llvm-nm), import types and loader names (llvm-readobj on
#     short members, llvm-nm on long ones), the DLL (the .def's, and
#     dlltool -I's on x86);
#   - the loader names, hints and ordinals an image really imports: a
#     no-CRT DLL referencing every __imp_ symbol, linked by lld-link 22,
#     read with llvm-readobj --coff-imports (every library made here and a
#     sample of the sysroot's).
. "$(dirname "$0")/../lib.sh"
LLVM=/usr/lib/llvm-22/bin
NM=$LLVM/llvm-nm
RO=$LLVM/llvm-readobj
MC=$LLVM/llvm-mc
LLD=$LLVM/lld-link
LDLLTOOL=$LLVM/llvm-dlltool
LLIB=$LLVM/llvm-lib
MKIMPLIB=${MKIMPLIB:-$BIN/mkimplib}
DUMP=$BUILD/tests/tools/implib-dump
cd "$T" || exit 1
export LC_ALL=C

# ------------------------------------------------------------------
# The driver
# ------------------------------------------------------------------
built "dk_read_implib beside its peers" "$BUILD/libdllkit.a" "$MKIMPLIB" "$BIN/dumpexports" || exit 0
need "dk_read_implib beside its peers" "$NM" "$RO" "$MC" "$LLD" "$LDLLTOOL" "$LLIB" \
	x86_64-w64-mingw32-dlltool i686-w64-mingw32-dlltool x86_64-w64-mingw32-gcc i686-w64-mingw32-gcc || exit 0
mkdir -p "$(dirname "$DUMP")"
CC=${CC:-cc}
built=
for bfd in -lbfd-multiarch -lbfd; do
	for san in "" "-fsanitize=address,undefined"; do
		if $CC -std=c11 -O1 -g $san -I"$TOP/lib" -o "$DUMP" "$TOP/tests/tools/implib-dump.c" \
			"$BUILD/libdllkit.a" $bfd 2>cc.err; then
			built=1
			break 2
		fi
	done
done
if [ -z "$built" ]; then
	fail "build tests/tools/implib-dump" "$(head -c 400 cc.err)"
	exit 0
fi

# ------------------------------------------------------------------
# Linking: what an image imports from a library
# ------------------------------------------------------------------

# link_imports LIB MACHINE OUT SYMBOLS: a no-CRT DLL whose data points at
# __imp_S for every S in the file SYMBOLS, linked by lld-link against LIB;
# prints its imports, "dll name (hint)" or "dll  (ordinal)", sorted, unique.
link_imports() {
	local lib=$1 m=$2 out=$3 syms=$4 triple lm dir=.quad
	case $m in
	i386) triple=i686-pc-windows-msvc lm=x86 dir=.long ;;
	x86-64) triple=x86_64-pc-windows-msvc lm=x64 ;;
	arm64) triple=aarch64-pc-windows-msvc lm=arm64 ;;
	arm64ec) triple=arm64ec-pc-windows-msvc lm=arm64ec ;;
	arm) triple=thumbv7-pc-windows-msvc lm=arm dir=.long ;;
	esac
	{
		printf '\t.section .rdata,"dr"\n\t.globl refs\nrefs:\n'
		awk -v d=$dir '{ printf "\t%s \"__imp_%s\"\n", d, $0 }' "$syms"
		if [ "$m" = arm64ec ]; then
			# the EC thunks call the CRT's __icall_helper_arm64ec: a stand-in
			printf '\t.text\n\t.globl "#__icall_helper_arm64ec"\n"#__icall_helper_arm64ec":\n\tret\n'
			printf '\t.globl __icall_helper_arm64ec\n__icall_helper_arm64ec:\n\tret\n'
		fi
	} >"$out.s"
	"$MC" --triple=$triple -filetype=obj -o "$out.obj" "$out.s" 2>"$out.err" || return 1
	"$LLD" -nologo -machine:$lm -dll -noentry -nodefaultlib -safeseh:no -out:"$out.dll" \
		"$out.obj" "$lib" >>"$out.err" 2>&1 || return 1
	"$RO" --coff-imports "$out.dll" | awk '
		/^  Name: / { dll = $2 }
		/^  Symbol: / { s = $0; sub(/^  Symbol: /, "", s); print dll " " s }' | sort -u
}

# Ours, in the same form, for the symbols in the file SYMBOLS.
our_imports() {
	awk -F'\t' 'FILENAME == ARGV[1] { want[$0] = 1; next }
		NF > 3 && ($3 in want) { if ($4 ~ /^#/) print $2 "  (" substr($4, 2) ")"; else print $2 " " $4 " (" $6 ")" }' \
		"$2" "$1" | sort -u
}

# ------------------------------------------------------------------
# The mingw-w64 sysroot
# ------------------------------------------------------------------

# sysroot ARCH TRIPLET DLLTOOL MACHINE SAMPLE...
sysroot() {
	local arch=$1 dir=/usr/$2/lib dlltool=$3 m=$4; shift 4
	local name="$arch sysroot: every library's imports are llvm-nm's __imp_ symbols, from dlltool -I's DLLs"
	local d=$T/sysroot-$arch libs
	mkdir -p "$d"
	libs=("$dir"/lib*.a)
	if [ ! -e "${libs[0]}" ]; then
		missing "$name" "$dir/lib*.a (mingw-w64)"
		return
	fi
	"$DUMP" "${libs[@]}" >"$d/ours" 2>"$d/err"
	if [ -s "$d/err" ]; then
		fail "$arch sysroot: every library reads without a diagnostic" "$(head -5 "$d/err" | tr '\n' '|')"
	else
		ok "$arch sysroot: all ${#libs[@]} libraries read without a diagnostic"
	fi
	# symbols: ours, and llvm-nm's __imp_ defined in an import section ('I')
	awk -F'\t' 'NF > 3 { print $1 "\t" $3 }' "$d/ours" | sort >"$d/ours.syms"
	"$NM" -A --defined-only "${libs[@]}" 2>/dev/null |
		awk '$(NF-1) == "I" && $NF ~ /^__imp_/ { f = $1; sub(/:.*/, "", f); print f "\t" substr($NF, 7) }' |
		sort >"$d/nm.syms"
	# the __imp_ pointers of ordinary objects (mingw-w64's redirectors):
	# data, not imports
	"$NM" -A --defined-only "${libs[@]}" 2>/dev/null |
		awk '$(NF-1) != "I" && $NF ~ /^__imp_/' >"$d/nm.notimports"
	# DLLs: ours, and dlltool -I's (nothing when it finds none)
	awk -F'\t' 'NF > 3 { print $1 "\t" $2 }' "$d/ours" | sort -u >"$d/ours.dlls"
	# One file per library: two processes writing one pipe may interleave.
	mkdir -p "$d/dt"
	printf '%s\n' "${libs[@]}" | xargs -P 2 -I{} sh -c \
		'"$0" -I "$1" 2>/dev/null | sed "s|^|$1	|" >"$2/$(basename "$1").dll"' \
		"$dlltool" {} "$d/dt"
	cat "$d/dt"/*.dll 2>/dev/null | sort -u >"$d/dlltool.dlls"
	{
		diff "$d/nm.syms" "$d/ours.syms"
		diff "$d/dlltool.dlls" "$d/ours.dlls"
	} | sed -n 's/^[<>] \([^\t]*\)\t.*/\1/p' | sort -u >"$d/disagree"
	local n=${#libs[@]} bad imports dlls plain
	bad=$(wc -l <"$d/disagree")
	imports=$(wc -l <"$d/ours.syms")
	dlls=$(cut -f2 "$d/ours.dlls" | sort -fu | wc -l)
	plain=$(awk -F'\t' '$2 == "(no imports)"' "$d/ours" | wc -l)
	if [ "$bad" -eq 0 ]; then
		ok "$arch sysroot: $((n - bad)) of $n libraries agree with llvm-nm and dlltool -I, $imports imports from $dlls DLLs; $plain plain static libraries import nothing"
	else
		local why=""
		while read -r lib; do
			why="$why $(basename "$lib"): nm/dlltool '$(grep -F "$lib	" "$d/nm.syms" "$d/dlltool.dlls" | head -2 | cut -f2 | tr '\n' ' ')' ours '$(grep -F "$lib	" "$d/ours.syms" "$d/ours.dlls" | head -2 | cut -f2 | tr '\n' ' ')';"
		done < <(head -10 "$d/disagree")
		fail "$arch sysroot: $((n - bad)) of $n libraries agree with llvm-nm and dlltool -I" "$why"
	fi
	# ... and the __imp_ pointers of ordinary objects are not among ours
	awk '{ f = $1; sub(/:.*/, "", f); print f "\t" substr($NF, 7) }' "$d/nm.notimports" | sort -u >"$d/notimports.syms"
	comm -12 "$d/notimports.syms" "$d/ours.syms" >"$d/notimports.read"
	local nni
	nni=$(wc -l <"$d/notimports.syms")
	if [ "$nni" -lt 100 ]; then
		fail "$arch sysroot: __imp_ pointers of ordinary objects are not read as imports" "llvm-nm finds only $nni (libmingwex.a alone has some): $(head -c 300 "$d/nm.notimports" | tr '\n' '|')"
	elif [ -s "$d/notimports.read" ]; then
		fail "$arch sysroot: __imp_ pointers of ordinary objects are not read as imports" "$(wc -l <"$d/notimports.read") are: $(head -3 "$d/notimports.read" | tr '\n\t' '| ')"
	else
		ok "$arch sysroot: none of the $nni __imp_ pointers of ordinary objects (llvm-nm: defined outside an import section) is read as an import"
	fi

	# the plain static libraries: no imports, and dk_is_implib agrees
	"$DUMP" -i "${libs[@]}" | awk -F'\t' '$3 == 0 { print $1 }' | sort >"$d/not-implib"
	awk -F'\t' '$2 == "(no imports)" { print $1 }' "$d/ours" | sort >"$d/no-imports"
	if [ ! -s "$d/no-imports" ] || ! grep -qx "$dir/libmingwex.a" "$d/no-imports"; then
		fail "$arch sysroot: libmingwex.a imports nothing" "$(grep -F "$dir/libmingwex.a" "$d/ours" | head -3 | tr '\n' '|')"
	elif ! cmp -s "$d/not-implib" "$d/no-imports"; then
		fail "$arch sysroot: dk_is_implib says no exactly for the libraries without imports" \
			"$(diff "$d/not-implib" "$d/no-imports" | head -5 | tr '\n' '|')"
	else
		ok "$arch sysroot: libmingwex.a and the other $((plain - 1)) plain static libraries import nothing, and dk_is_implib says no for them only"
	fi

	# loader names: a sample linked by lld-link
	local total=0 nlib=0 why="" lib s
	for s in "$@"; do
		lib=$dir/lib$s.a
		[ -f "$lib" ] || { why="$why lib$s.a is not in $dir;"; continue; }
		grep -F "$lib	" "$d/ours" >"$d/$s.ours"
		# symbols one member defines (a symbol two DLLs of one library
		# both define is linked from one of them only)
		awk -F'\t' 'NF > 3 { print $3 }' "$d/$s.ours" | sort | uniq -u >"$d/$s.syms"
		if ! link_imports "$lib" "$m" "$d/$s" "$d/$s.syms" >"$d/$s.theirs"; then
			why="$why lib$s.a: $(head -c 200 "$d/$s.err" | tr '\n' ' ');"
			continue
		fi
		our_imports "$d/$s.ours" "$d/$s.syms" >"$d/$s.mine"
		if [ ! -s "$d/$s.mine" ]; then
			why="$why lib$s.a: no imports read;"
		elif ! cmp -s "$d/$s.theirs" "$d/$s.mine"; then
			why="$why lib$s.a: $(diff "$d/$s.theirs" "$d/$s.mine" | head -4 | tr '\n' ' ');"
		fi
		total=$((total + $(wc -l <"$d/$s.mine")))
		nlib=$((nlib + 1))
	done
	if [ -n "$why" ]; then
		fail "$arch sysroot: lld-link imports our loader names and hints" "$why"
	else
		ok "$arch sysroot: lld-link imports our loader names and hints ($nlib libraries, $total imports)"
	fi
}

SAMPLE="kernel32 user32 msvcrt ws2_32 ntdll ole32 shell32 gdi32 advapi32 mincore"
sysroot x86_64 x86_64-w64-mingw32 x86_64-w64-mingw32-dlltool x86-64 $SAMPLE
sysroot i686 i686-w64-mingw32 i686-w64-mingw32-dlltool i386 $SAMPLE

# ------------------------------------------------------------------
# Libraries made here
# ------------------------------------------------------------------

# peer NAME LIB MACHINE DLL: ours against llvm-nm, llvm-readobj, dlltool -I
# (x86) and an lld-link image.
peer() {
	local name=$1 lib=$2 m=$3 dll=$4 d why="" n
	d=$T/peer/$(basename "$lib")
	mkdir -p "$d"
	if ! "$DUMP" "$lib" >"$d/ours" 2>"$d/err"; then
		fail "$name" "implib-dump: $(head -c 300 "$d/err")"
		return
	fi
	n=$(awk -F'\t' 'NF > 3' "$d/ours" | wc -l)
	# symbols (ARM64EC: less the __imp_aux_ of the auxiliary IAT)
	awk -F'\t' 'NF > 3 { print $3 }' "$d/ours" | sort >"$d/ours.syms"
	"$NM" --defined-only -j "$lib" 2>/dev/null | grep '^__imp_' |
		{ if [ "$m" = arm64ec ]; then grep -v '^__imp_aux_'; else cat; fi } |
		sed 's/^__imp_//' | sort >"$d/nm.syms"
	cmp -s "$d/nm.syms" "$d/ours.syms" ||
		why="$why symbols beside llvm-nm: $(diff "$d/nm.syms" "$d/ours.syms" | head -4 | tr '\n' ' ');"
	# the DLL
	awk -F'\t' -v dll="$dll" 'NF > 3 && $2 != dll { print "DLL " $2 " for " $3 }' "$d/ours" | head -3 >"$d/baddll"
	[ -s "$d/baddll" ] && why="$why $(tr '\n' ' ' <"$d/baddll");"
	case $m in
	i386 | x86-64)
		local tool=x86_64-w64-mingw32-dlltool
		[ "$m" = i386 ] && tool=i686-w64-mingw32-dlltool
		local said
		said=$($tool -I "$lib" 2>/dev/null)
		[ "$said" = "$dll" ] || why="$why dlltool -I says '$said';"
		;;
	esac
	# types and loader names: llvm-readobj for short members (the weak
	# aliases are objects: llvm-nm's W), llvm-nm for long ones
	if grep -q '	short	' "$d/ours"; then
		"$NM" --defined-only "$lib" 2>/dev/null | awk '$2 == "W" && $3 ~ /^__imp_/ { print substr($3, 7) }' |
			sort >"$d/weak"
		"$RO" "$lib" 2>/dev/null | awk '
			/^File: / { t = ""; e = "#"; s = "" }
			/^Type: / { t = $2 }
			/^Export name: / { e = $0; sub(/^Export name: /, "", e) }
			/^Symbol: __imp_/ && s == "" { s = $0; sub(/^Symbol: __imp_/, "", s); print s "\t" e "\t" t }' |
			sort >"$d/ro.names"
		awk -F'\t' 'FILENAME == ARGV[1] { w[$0] = 1; next }
			NF > 3 && !($3 in w) { print $3 "\t" ($4 ~ /^#/ ? "#" : $4) "\t" $5 }' "$d/weak" "$d/ours" |
			sort >"$d/ours.names"
		cmp -s "$d/ro.names" "$d/ours.names" ||
			why="$why names and types beside llvm-readobj: $(diff "$d/ro.names" "$d/ours.names" | head -4 | tr '\n' ' ');"
	else
		"$NM" -A --defined-only "$lib" 2>/dev/null | awk '
			{ mem = $1; l[mem "\t" $NF] = $(NF-1) }
			$(NF-1) == "I" && $NF ~ /^__imp_/ { imp[mem "\t" substr($NF, 7)] = 1 }
			END { for (k in imp) { split(k, p, "\t"); c = l[k]
				print p[2] "\t" (c == "T" ? "code" : c == "I" ? "const" : "data") } }' |
			sort >"$d/nm.types"
		awk -F'\t' 'NF > 3 { print $3 "\t" $5 }' "$d/ours" | sort >"$d/ours.types"
		cmp -s "$d/nm.types" "$d/ours.types" ||
			why="$why types beside llvm-nm: $(diff "$d/nm.types" "$d/ours.types" | head -4 | tr '\n' ' ');"
	fi
	# what an image linked against it imports
	sort -u "$d/ours.syms" >"$d/link.syms"
	if ! link_imports "$lib" "$m" "$d/link" "$d/link.syms" >"$d/theirs"; then
		why="$why lld-link: $(head -c 300 "$d/link.err" | tr '\n' ' ');"
	else
		our_imports "$d/ours" "$d/link.syms" >"$d/mine"
		cmp -s "$d/theirs" "$d/mine" ||
			why="$why lld-link imports: $(diff "$d/theirs" "$d/mine" | head -6 | tr '\n' ' ');"
	fi
	if [ -n "$why" ]; then
		fail "$name" "$why"
	elif [ "$n" -lt "${MIN_IMPORTS:-1}" ]; then
		fail "$name" "only $n imports read"
	else
		ok "$name: $n imports agree, and with what an lld-link image imports"
	fi
}

# The .def files: every feature each tool knows, a long name, and enough
# plain names to make the library more than a toy.
{
	printf 'LIBRARY peer.dll\nEXPORTS\n'
	printf '    %s\n' add 'counter DATA' 'konst CONSTANT' 'byord @5 NONAME' 'byord_data @6 NONAME DATA' \
		'hinted @7' 'hinted_data @8 DATA' 'renamed == real_name' 'aliased == add' \
		'?cpp@@YAHH@Z' '?method@Widget@ns@@QEBAHH@Z' \
		'a_very_long_export_name_that_goes_on_and_on_well_past_any_archive_header_field_0123456789'
	for i in $(seq 1 150); do printf '    func_%03d\n' "$i"; done
} >gnu.def
{
	cat gnu.def
	# (GNU dlltool 2.40 knows no EXPORTAS, and takes `== name` last:
	# `x == y DATA` is a syntax error to it, after which it drops the
	# rest of the file and exits 0)
	printf '    %s\n' 'ea EXPORTAS real_ea' 'ea_data DATA EXPORTAS real_ea_data' \
		'aliased_data == counter DATA'
} >llvm.def
{
	cat llvm.def
	printf '    %s\n' 'sfunc@8' '@ffunc@8' 'vfunc@@16' _under
} >llvm-i386.def
{
	cat gnu.def
	printf '    %s\n' 'sfunc@8' _under
} >gnu-i386.def
MIN_IMPORTS=150

MACHINES="i386 x86-64 arm64 arm64ec arm"
llvm_m() { case $1 in x86-64) echo i386:x86-64 ;; *) echo "$1" ;; esac; }
lib_m() { case $1 in i386) echo x86 ;; x86-64) echo x64 ;; *) echo "$1" ;; esac; }
def_for() { [ "$1" = i386 ] && echo "$2-i386.def" || echo "$2.def"; }

# llvm-dlltool 22 and llvm-lib 22
for m in $MACHINES; do
	if "$LDLLTOOL" -m "$(llvm_m $m)" -d "$(def_for $m llvm)" -l "llvm-dlltool-$m.lib" 2>err.txt; then
		peer "llvm-dlltool -m $(llvm_m $m) (EXPORTAS, NONAME, == aliases)" "llvm-dlltool-$m.lib" $m peer.dll
	else
		fail "llvm-dlltool -m $(llvm_m $m)" "$(head -c 300 err.txt)"
	fi
	if "$LLIB" -nologo /def:"$(def_for $m llvm)" /machine:"$(lib_m $m)" /out:"llvm-lib-$m.lib" >err.txt 2>&1; then
		peer "llvm-lib /def: /machine:$(lib_m $m)" "llvm-lib-$m.lib" $m peer.dll
	else
		fail "llvm-lib /def: /machine:$(lib_m $m)" "$(head -c 300 err.txt)"
	fi
done

# mkimplib: short for every machine, long for all but arm64ec
{
	for m in $MACHINES; do
		for f in short long; do
			[ "$f" = long ] && [ "$m" = arm64ec ] && continue
			def=$(def_for $m llvm)
			[ "$f" = long ] && def=$(def_for $m gnu) # (EXPORTAS needs no long-format check of its own)
			if "$MKIMPLIB" -m $m --format $f -o "mkimplib-$f-$m.lib" "$def" 2>err.txt; then
				peer "mkimplib -m $m --format $f" "mkimplib-$f-$m.lib" $m peer.dll
			else
				fail "mkimplib -m $m --format $f" "$(head -c 300 err.txt)"
			fi
		done
	done
	for f in short long; do
		if "$MKIMPLIB" -m i386 -k --format $f -o "mkimplib-$f-i386-k.lib" gnu-i386.def 2>err.txt; then
			peer "mkimplib -m i386 -k --format $f" "mkimplib-$f-i386-k.lib" i386 peer.dll
		else
			fail "mkimplib -m i386 -k --format $f" "$(head -c 300 err.txt)"
		fi
	done
}

# GNU dlltool
for t in "x86_64-w64-mingw32-dlltool x86-64 gnu.def" "i686-w64-mingw32-dlltool i386 gnu-i386.def" \
	"i686-w64-mingw32-dlltool i386 gnu-i386.def -k"; do
	set -- $t
	tool=$1 m=$2 def=$3 k=${4:-}
	name="GNU $tool${k:+ $k}"
	out=gnu-$m$k.a
	if "$tool" $k -d "$def" -l "$out" 2>err.txt; then
		peer "$name" "$out" $m peer.dll
	else
		fail "$name" "$(head -c 300 err.txt)"
	fi
done

# ld --out-implib: a DLL built by MinGW gcc from C
cat >dll.c <<'EOF'
int add(int a, int b) { return a + b; }
int counter = 1;
int byord(void) { return 5; }
int hinted(void) { return 7; }
int __stdcall sfunc(int a, int b) { return a - b; }
EOF
for i in $(seq 1 150); do printf 'int func_%03d(void) { return %d; }\n' "$i" "$i"; done >>dll.c
{
	printf 'LIBRARY ldpeer.dll\nEXPORTS\n    add\n    counter DATA\n    byord @5 NONAME\n    hinted @7\n    renamed = add\n'
	for i in $(seq 1 150); do printf '    func_%03d\n' "$i"; done
} >ld.def
cp ld.def ld-i386.def
echo '    sfunc@8' >>ld-i386.def
for t in "x86_64-w64-mingw32-gcc x86-64 ld.def" "i686-w64-mingw32-gcc i386 ld-i386.def" \
	"i686-w64-mingw32-gcc i386 ld-i386.def -Wl,--kill-at"; do
	set -- $t
	gcc=$1 m=$2 def=$3 k=${4:-}
	name="ld --out-implib ($gcc${k:+ $k})"
	out=libldpeer-$m${k:+-k}.dll.a
	if "$gcc" -shared -o "ldpeer-$m${k:+-k}.dll" dll.c "$def" $k -Wl,--out-implib,"$out" 2>err.txt; then
		peer "$name" "$out" $m ldpeer.dll
	else
		fail "$name" "$(head -c 300 err.txt)"
	fi
done

# GNU dlltool -y (delay-load) libraries: no .idata$7; the lazy thunk's
# __tailMerge_ leads to the head's delay descriptor.  They list the same
# imports (DLL, symbol, name or ordinal, kind) as the ordinary library,
# except that dlltool -y writes a stdcall name without its @N
# (.idata$6 of its sfunc@8 member says "sfunc"): the reader shows that.
D=$BUILD/bin/dumpexports
printf 'LIBRARY dly.dll\nEXPORTS\n    add\n    counter DATA\n    byord @5 NONAME\n    fwd = other.f\n    sfunc@8\n' >"$T/dly.def"
for pre in x86_64-w64-mingw32 i686-w64-mingw32; do
	if ! (cd "$T" && "$pre-dlltool" -d dly.def -l "plain-$pre.a" && "$pre-dlltool" -d dly.def -y "delay-$pre.a") 2>"$T/dly.err"; then
		fail "$pre dlltool -y delay-load library" "$pre-dlltool: $(head -c 300 "$T/dly.err" | tr '\n' '|')"
		continue
	fi
	"$D" -f tsv "$T/plain-$pre.a" | cut -f2- | sed 1d | sort >"$T/plain-$pre.txt"
	"$D" -f tsv "$T/delay-$pre.a" | cut -f2- | sed 1d | sort >"$T/delay-$pre.txt"
	sed -i 's/\tsfunc@8\tcode\t/\tsfunc\tcode\t/' "$T/plain-$pre.txt"
	# (every import of the delay-load library says DELAY in its flags)
	if awk -F'\t' '$7 !~ /(^| )DELAY$/ { bad = 1 } END { exit bad }' "$T/delay-$pre.txt"; then
		ok "$pre dlltool -y delay-load library: every import flagged DELAY"
	else
		fail "$pre dlltool -y delay-load library: every import flagged DELAY" "$(head -3 "$T/delay-$pre.txt" | tr '\n\t' '| ')"
	fi
	sed -i 's/\tDELAY\t/\t\t/; s/ DELAY\t/\t/' "$T/delay-$pre.txt"
	same "$pre dlltool -y delay-load library: same imports as the ordinary one" "$T/plain-$pre.txt" "$T/delay-$pre.txt"
done
