#!/bin/bash
# i386 kill-at and ordinals that must not move, and --check by exported name.
#
# (a) `mkdef -k --merge OLD.def`: OLD.def describes a released DLL (v1)
#     linked by GNU ld with --kill-at and explicit, scattered ordinals; it
#     exports plain names (f, f2, f10, ab, abc, fast, plain, counter).
#     v2 adds two stdcall functions (f3, and a, a prefix of ab and abc).
#     The merged .def writes `f = f@4 @7`; v2.dll linked from it by GNU ld
#     and by lld exports every old name at its old ordinal (llvm-readobj of
#     both DLLs, name by name), and the new names at new ordinals above the
#     old ones.  OLD.def in three forms: `mkdef v1.dll` (`f @7`), what
#     `ld --kill-at --output-def` writes (`f = f@4 @7`) and the old mkdef -k
#     form (`f@4 @7 == f`).
# (b) `dumpexports --check k.def k.dll` (matching by the name the DLL
#     exports; the cases marked "--check by exported name" need lib/diff.c's
#     dk_export_public_name matching): exit 0 for k.def from `mkdef -k`
#     against the DLL GNU ld and lld link from it and against a DLL linked
#     with `ld --kill-at`; exit 1 when the DLL lacks a function, or exports
#     the decorated f@4 instead of f.
. "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1
export LC_ALL=C
CC=i686-w64-mingw32-gcc
LLVM22=/usr/lib/llvm-22/bin
RO=$LLVM22/llvm-readobj
LDLLD=$LLVM22/ld.lld
DUMPEXPORTS=$BIN/dumpexports

built "i386 kill-at --merge and --check" "$MKDEF" "$DUMPEXPORTS" || exit 0
need "i386 kill-at --merge and --check" "$RO" "$LDLLD" "$CC" clang || exit 0
GCCLIB=$(dirname "$("$CC" -print-libgcc-file-name)")
lld_cc() { clang --target=i686-w64-mingw32 -fuse-ld=lld --ld-path="$LDLLD" -L"$GCCLIB" "$@"; }
gnu_cc() { "$CC" "$@"; }
log_of() { head -c 600 "$1" | tr '\n' '|'; }

# ords DLL: "NAME ORDINAL" per named export, by name (llvm-readobj 22).
ords() {
	"$RO" --coff-exports "$1" | awk '
		/^ *Export \{/ { o=""; n="" }
		/^ *Ordinal: / { o=$2 }
		/^ *Name: / { n=$2 }
		/^ *\}/ { if (n != "") print n, o }' | sort
}

cat >k.c <<'EOF'
int __stdcall f(int a) { return a + 1; }
int __stdcall f2(int a, int b) { return a + b; }
int __stdcall f10(int a, int b, int c) { return a + b + c; }
int __stdcall ab(int a, int b) { return a - b; }
#ifndef NO_ABC
int __stdcall abc(void) { return 3; }
#endif
int __fastcall fast(int a, int b) { return a * b; }
int plain(int a) { return a; }
int counter = 1;
#ifdef V2
int __stdcall f3(int a, int b, int c) { return a * b * c; }
int __stdcall a(int x) { return x; }
#endif
EOF
# v1 as released: decorated names, scattered ordinals, --kill-at.
cat >v1-src.def <<'EOF'
LIBRARY k.dll
EXPORTS
    f@4 @7
    f2@8 @3
    f10@12 @12
    ab@8 @5
    abc@0 @20
    @fast@8 @2
    plain @9
    counter @4 DATA
EOF
if ! { "$CC" -O2 -c -o v1.o k.c && "$CC" -O2 -DV2 -c -o v2.o k.c &&
	"$CC" -O2 -DNO_ABC -c -o noabc.o k.c &&
	gnu_cc -shared -Wl,--kill-at -Wl,--output-def,old-ld.def -o v1.dll v1-src.def v1.o; } >build.log 2>&1; then
	fail "i386 kill-at: build v1.dll (ld --kill-at, explicit ordinals)" "$(log_of build.log)"
	exit 0
fi
ords v1.dll >v1.ords
printf '%s\n' "ab 5" "abc 20" "counter 4" "f 7" "f10 12" "f2 3" "fast 2" "plain 9" >v1.expected
same "i386 kill-at: v1.dll (ld --kill-at) exports plain names at the ordinals of its .def" v1.expected v1.ords

# ---------------------------------------------------------------------------
# (a) --merge keeps every ordinal.
if "$MKDEF" -o old-mkdef.def v1.dll 2>mkdef-v1.err; then
	if grep -qx '    f @7' old-mkdef.def && grep -qx '    f10 @12' old-mkdef.def; then
		ok "i386 kill-at: mkdef v1.dll writes the plain names with their ordinals"
	else
		fail "i386 kill-at: mkdef v1.dll writes the plain names with their ordinals" "$(tr '\n' '|' <old-mkdef.def)"
	fi
else
	fail "i386 kill-at: mkdef v1.dll" "$(log_of mkdef-v1.err)"
fi
# The old mkdef -k form, by hand (GNU order: the ordinal before `==`).
cat >old-eqeq.def <<'EOF'
LIBRARY "k.dll"
EXPORTS
    ab@8 @5 == ab
    abc@0 @20 == abc
    counter @4 DATA
    f@4 @7 == f
    f10@12 @12 == f10
    f2@8 @3 == f2
    @fast@8 @2 == fast
    plain @9
EOF
if ! grep -qx '    f = f@4 @7' old-ld.def; then
	fail "i386 kill-at: ld --output-def writes 'f = f@4 @7'" "$(tr '\n' '|' <old-ld.def)"
fi

for form in mkdef ld eqeq; do
	old=old-$form.def
	case $form in
	mkdef) what="OLD.def from mkdef v1.dll ('f @7')" ;;
	ld) what="OLD.def from ld --kill-at --output-def ('f = f@4 @7')" ;;
	eqeq) what="OLD.def in the old form ('f@4 @7 == f')" ;;
	esac
	tag="i386 kill-at --merge, $what"
	w=$T/merge-$form
	mkdir -p "$w"
	if ! "$MKDEF" -k --export-all --merge "$old" -o "$w/k2.def" v2.o >"$w/mkdef.log" 2>&1; then
		fail "$tag: mkdef -k --export-all --merge" "$(log_of "$w/mkdef.log")"
		continue
	fi
	if grep -qx '    f = f@4 @7' "$w/k2.def" && grep -qx '    f10 = f10@12 @12' "$w/k2.def"; then
		ok "$tag: the merged .def writes 'f = f@4 @7'"
	else
		fail "$tag: the merged .def writes 'f = f@4 @7'" "$(tr '\n' '|' <"$w/k2.def")"
	fi
	for l in gnu lld; do
		ltag="$tag, v2.dll by $([ $l = gnu ] && echo "GNU ld" || echo "lld-22")"
		if ! ${l}_cc -shared -o "$w/v2-$l.dll" "$w/k2.def" v2.o >"$w/link-$l.log" 2>&1; then
			why=
			if grep -q 'integer expected' "$w/link-$l.log" && grep -q 'BASE=0x' "$w/k2.def"; then
				why="LLVM's .def parser reads BASE= in decimal only, and the merged .def says $(grep -o 'BASE=0x[0-9a-fA-F]*' "$w/k2.def"): "
			fi
			fail "$ltag: links from the merged .def" "$why$(log_of "$w/link-$l.log")"
			continue
		fi
		ords "$w/v2-$l.dll" >"$w/v2-$l.ords"
		# every v1 export, at its v1 ordinal
		join -a1 v1.ords "$w/v2-$l.ords" | awk 'NF != 3 || $2 != $3 { print $1 ": v1 @" $2 ", v2 @" ($3 == "" ? "none" : $3) }' >"$w/moved-$l.txt"
		if [ -s "$w/moved-$l.txt" ]; then
			fail "$ltag: every v1 export keeps its ordinal" "$(tr '\n' ' ' <"$w/moved-$l.txt")"
		else
			ok "$ltag: every v1 export keeps its ordinal"
		fi
		# the new names: new ordinals, above the old ones, distinct
		maxold=$(awk '$2 > m { m = $2 } END { print m + 0 }' v1.ords)
		bad=
		for n in a f3; do
			o=$(awk -v n=$n '$1 == n { print $2 }' "$w/v2-$l.ords")
			if [ -z "$o" ]; then bad="$bad $n not exported;"
			elif [ "$o" -le "$maxold" ]; then bad="$bad $n @$o not above @$maxold;"
			fi
		done
		if [ "$(awk '{ print $2 }' "$w/v2-$l.ords" | sort | uniq -d)" != "" ]; then
			bad="$bad an ordinal used twice;"
		fi
		if [ "$(wc -l <"$w/v2-$l.ords")" -ne 10 ]; then
			bad="$bad $(wc -l <"$w/v2-$l.ords") exports, want 10: $(tr '\n' ' ' <"$w/v2-$l.ords");"
		fi
		if [ -z "$bad" ]; then
			ok "$ltag: the new functions a and f3 get new ordinals above @$maxold"
		else
			fail "$ltag: the new functions a and f3 get new ordinals above @$maxold" "$bad"
		fi
	done
done

# ---------------------------------------------------------------------------
# (b) dumpexports --check K.def K.dll, by the name the DLL exports.
# check_status NAME WANT DEF DLL: dumpexports --check exits WANT (0 or 1).
check_status() {
	local name=$1 want=$2 def=$3 dll=$4 rc
	"$DUMPEXPORTS" --check "$def" "$dll" >"check.out" 2>"check.err"
	rc=$?
	if [ $rc -eq "$want" ]; then
		ok "$name"
	else
		fail "$name" "exit $rc, want $want: $(cat check.out check.err | head -15 | tr '\n' '|')"
	fi
	return $rc
}
if ! "$MKDEF" -k --export-all -o k.def v1.o >mkdef-k.log 2>&1; then
	fail "i386 kill-at --check: mkdef -k --export-all -o k.def" "$(log_of mkdef-k.log)"
	exit 0
fi
ck="i386 kill-at, --check by exported name"
if gnu_cc -shared -o k-gnu.dll k.def v1.o >link.log 2>&1 &&
   lld_cc -shared -o k-lld.dll k.def v1.o >>link.log 2>&1 &&
   gnu_cc -shared -Wl,--kill-at -Wl,--export-all-symbols -o k-killat.dll v1.o >>link.log 2>&1 &&
   gnu_cc -shared -Wl,--kill-at -Wl,--export-all-symbols -o k-noabc.dll noabc.o >>link.log 2>&1 &&
   gnu_cc -shared -Wl,--export-all-symbols -o k-decorated.dll v1.o >>link.log 2>&1; then
	check_status "$ck: k.def (mkdef -k) against the DLL GNU ld links from it: exit 0" 0 k.def k-gnu.dll
	check_status "$ck: k.def (mkdef -k) against the DLL lld links from it: exit 0" 0 k.def k-lld.dll
	check_status "$ck: k.def (mkdef -k) against a DLL linked with ld --kill-at: exit 0" 0 k.def k-killat.dll
	check_status "$ck: k.def (mkdef -k) against the released v1.dll (ld --kill-at, ordinals): exit 0" 0 k.def v1.dll
	if check_status "$ck: a DLL that lacks abc fails: exit 1" 1 k.def k-noabc.dll; then :; else
		grep -qw abc check.out || fail "$ck: a DLL that lacks abc: the report names abc" "$(tr '\n' '|' <check.out)"
	fi
	check_status "$ck: a DLL exporting f@4 (no --kill-at) instead of f fails: exit 1" 1 k.def k-decorated.dll
	check_status "$ck: the old form ('f@4 @7 == f') against v1.dll: exit 0" 0 old-eqeq.def v1.dll
	# GNU ld 2.40 links the old form into a DLL whose name table is not
	# sorted (fast before ab): every name is there, the loader misses some.
	if gnu_cc -shared -o k-unsorted.dll old-eqeq.def v1.o >link-unsorted.log 2>&1; then
		check_status "$ck: the old form against GNU ld's DLL of it (name table not sorted): exit 1" 1 old-eqeq.def k-unsorted.dll
	else
		fail "$ck: GNU ld links the old form" "$(log_of link-unsorted.log)"
	fi
	check_status "$ck: the merged .def against v2.dll linked from it: exit 0" 0 merge-mkdef/k2.def merge-mkdef/v2-gnu.dll
	check_status "$ck: the merged .def against v1.dll (lacks a and f3): exit 1" 1 merge-mkdef/k2.def v1.dll
else
	fail "$ck: link the DLLs to check" "$(log_of link.log)"
fi
exit 0
