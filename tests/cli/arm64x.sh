#!/bin/bash
# ARM64X: one DLL, two export tables (the native ARM64 one in the export
# data directory, the ARM64EC one reached through the ARM64X dynamic value
# relocations), and import libraries that hold both views.
#   - mkimplib -m arm64ec --native-def N.def EC.def: byte-identical to
#     llvm-dlltool 22 -m arm64ec -d EC.def -N N.def on several pairs of
#     .def files, and with --dialect msvc to llvm-lib /defArm64Native:;
#   - an ARM64X DLL built here (clang-22, lld-link -machine:arm64x):
#     dumpexports lists both views as llvm-readobj --coff-exports does
#     (its HybridObject is the EC view), labelled in table, JSON and TSV;
#     mkdef writes both .def files (and refuses to write one of two);
#     mkimplib x.dll writes what llvm-dlltool -N writes from those .defs,
#     and lld-link links ARM64, ARM64EC and ARM64X clients against it,
#     each importing from its own view;
#   - damaged ARM64X data (the DVRT's version, sizes, section, fixup
#     types) is one error line with a file offset, never a crash or a
#     silent half.
. "$(dirname "$0")/../lib.sh"
MKIMPLIB=$BIN/mkimplib
DUMP=$BIN/dumpexports
LLVM=/usr/lib/llvm-22/bin
built "arm64x" "$MKIMPLIB" "$MKDEF" "$DUMP" || exit 0
need "arm64x: beside llvm-dlltool, llvm-lib, llvm-readobj, clang-22 and lld-link 22" \
	"$LLVM/llvm-dlltool" "$LLVM/llvm-lib" "$LLVM/llvm-readobj" "$LLVM/lld-link" clang-22 || exit 0
cd "$T" || exit 1

# ------------------------------------------------------------------
# Import libraries from two .def files, beside llvm-dlltool -N
# ------------------------------------------------------------------

# Pairs of EC and native .def files: C names, names on one side only or
# on both with other ordinals, DATA, CONSTANT, PRIVATE, NONAME, ordinals,
# forwarders, internal names, `== name` with and without an import to
# alias, EXPORTAS, C++ names (which ARM64EC mangles with $$h), and names
# and a DLL name too long for a member header.
cat >c_ec.def <<'EOF'
LIBRARY pair.dll
EXPORTS
    func
    both
    ec_only DATA
    konst CONSTANT
    hidden PRIVATE
    by_ordinal @42 NONAME
    hinted @7
    fwd = kernel32.GetTickCount
    alias = internal_name
    renamed == real_name
    aliased == func
    ea EXPORTAS ea_real
EOF
cat >c_native.def <<'EOF'
LIBRARY pair.dll
EXPORTS
    both @7
    native_only
    native_data DATA
    by_ordinal @42 NONAME
    fwd = kernel32.GetTickCount
    renamed == real_name
    aliased == both
    aliased_data == native_data DATA
    ea EXPORTAS ea_real
EOF
cat >cxx_ec.def <<'EOF'
LIBRARY cxx.dll
EXPORTS
    ??0S@inner@ns@@QEAA@XZ
    ?m@S@inner@ns@@QEBAHH@Z
    ?v@S@inner@ns@@UEAAXXZ
    ??$tm@H@S@inner@ns@@QEAAHH@Z
    ?val@?$TT@H@@2HA DATA
    ?g0@@YAXXZ
    plain_c
EOF
cat >cxx_native.def <<'EOF'
LIBRARY cxx.dll
EXPORTS
    ??0S@inner@ns@@QEAA@XZ
    ?m@S@inner@ns@@QEBAHH@Z
    ?native@@YAHXZ
    ?val@?$TT@H@@2HA DATA
    plain_c @3
EOF
awk 'BEGIN {
	print "LIBRARY a_library_name_long_enough_for_the_long_name_member.dll"; print "EXPORTS"
	for (i = 0; i < 300; i++) {
		n = sprintf("ec_function_with_a_rather_long_name_%03d", i)
		if (i % 7 == 0) print "    " n " DATA"
		else if (i % 11 == 0) print "    " n " @" (1000 + i) " NONAME"
		else print "    " n
	}
}' >long_ec.def
awk 'BEGIN {
	print "LIBRARY a_library_name_long_enough_for_the_long_name_member.dll"; print "EXPORTS"
	for (i = 0; i < 300; i += 2) {
		n = sprintf("ec_function_with_a_rather_long_name_%03d", i)
		if (i % 3 == 0) print "    " n " DATA"
		else print "    " n
	}
	for (i = 0; i < 40; i++) printf "    native_side_%03d\n", i
}' >long_native.def
# The native view empty but for one name; the EC view one name.
printf 'LIBRARY one.dll\nEXPORTS\n    f\n' >one_ec.def
printf 'LIBRARY one.dll\nEXPORTS\n    g DATA\n' >one_native.def

for pair in c cxx long one; do
	name="mkimplib -m arm64ec --native-def ($pair): byte-identical to llvm-dlltool -N"
	if ! "$LLVM/llvm-dlltool" -m arm64ec -d ${pair}_ec.def -N ${pair}_native.def -l llvm_$pair.lib 2>llvm.err; then
		fail "$name" "llvm-dlltool failed: $(head -c 300 llvm.err)"
	elif ! "$MKIMPLIB" -m arm64ec --native-def ${pair}_native.def -o ours_$pair.lib ${pair}_ec.def 2>ours.err; then
		fail "$name" "mkimplib failed: $(head -c 300 ours.err)"
	elif same_bytes ours_$pair.lib llvm_$pair.lib; then ok "$name"
	else fail "$name" "$(cmp ours_$pair.lib llvm_$pair.lib 2>&1)"; fi

	name="mkimplib -m arm64ec --native-def --dialect msvc ($pair): byte-identical to llvm-lib /defArm64Native"
	if ! "$LLVM/llvm-lib" /machine:arm64ec /def:${pair}_ec.def /defArm64Native:${pair}_native.def /out:llvmlib_$pair.lib >llvm.err 2>&1; then
		fail "$name" "llvm-lib failed: $(head -c 300 llvm.err)"
	elif ! "$MKIMPLIB" --dialect msvc -m arm64ec --native-def ${pair}_native.def -o ourslib_$pair.lib ${pair}_ec.def 2>ours.err; then
		fail "$name" "mkimplib failed: $(head -c 300 ours.err)"
	elif same_bytes ourslib_$pair.lib llvmlib_$pair.lib; then ok "$name"
	else fail "$name" "$(cmp ourslib_$pair.lib llvmlib_$pair.lib 2>&1)"; fi
done

# The library says both views: the native imports are ARM64 members in
# the regular symbol map only, the EC ones ARM64EC members.
"$DUMP" -f tsv ours_c.lib >c.tsv 2>/dev/null
if awk -F'\t' 'NR > 1 && $6 == "native_only" && $11 == "native" { n = 1 }
	NR > 1 && $6 == "ec_only" && $11 == "ec" { e = 1 }
	NR > 1 && $6 == "both" { b[$11] = 1 }
	END { exit !(n && e && b["ec"] && b["native"]) }' c.tsv; then
	ok "dumpexports of an ARM64X import library: each import labelled with its view"
else
	fail "dumpexports of an ARM64X import library: each import labelled with its view" "$(head -5 c.tsv | tr '\n' '|')"
fi
"$MKDEF" -o back_ec.def --native-def back_native.def ours_c.lib 2>/dev/null; touch back_ec.def back_native.def
if [ "$(def_names back_native.def | tr '\n' ' ')" = "$(def_names c_native.def | tr '\n' ' ')" ] &&
	grep -q 'native_only' back_native.def && ! grep -q 'native_only' back_ec.def &&
	grep -q 'ec_only' back_ec.def && ! grep -q 'ec_only' back_native.def; then
	ok "mkdef of an ARM64X import library: the EC view to -o, the native one to --native-def"
else
	fail "mkdef of an ARM64X import library: the EC view to -o, the native one to --native-def" \
		"$(tr '\n' ' ' <back_ec.def) / $(tr '\n' ' ' <back_native.def)"
fi

# Refusals: one line, no output.
refuse_with "$MKIMPLIB" r.lib "--native-def with --archive gnu is refused (one index would mix the views)" \
	'needs the COFF archive kind' -m arm64ec --archive gnu --native-def c_native.def c_ec.def
refuse_with "$MKIMPLIB" r.lib "--native-def with another machine is refused" 'give -m arm64ec' \
	-m arm64 --native-def c_native.def c_ec.def
printf 'LIBRARY pair.dll\nEXPORTS\n    f @0\n' >bad_native.def
refuse_with "$MKIMPLIB" r.lib "--native-def: a broken native .def is named with its line" \
	'^bad_native\.def:3:' -m arm64ec --native-def bad_native.def c_ec.def
cp c_native.def keep.def
"$MKIMPLIB" -m arm64ec --native-def keep.def -o keep.def c_ec.def >/dev/null 2>e.err; rc=$?
if error_ok "--native-def: the output may not be the native .def" 'same' $rc e.err "$MKIMPLIB" &&
	cmp -s keep.def c_native.def; then
	ok "--native-def: the output may not be the native .def"
fi

# ------------------------------------------------------------------
# An ARM64X DLL
# ------------------------------------------------------------------

# The EC side and the native side each export their own set; `both` is
# in both with another ordinal.  lld-link needs an EC load configuration
# whose CHPE metadata pointer is set (and the dispatch pointers the
# compiler's thunks call through); a native one keeps it from warning.
cat >ec.c <<'EOF'
int func(int a) { return a + 1; }
int both(int a) { return a + 2; }
int ecdata = 7;
int by_ord(void) { return 42; }
int a_long_export_name_for_the_ec_side_only_0123456789(void) { return 1; }
EOF
cat >native.c <<'EOF'
int both(int a) { return a + 3; }
int natfunc(int a) { return a + 4; }
int natdata = 8;
int nat_noname(void) { return 5; }
EOF
cat >lc_ec.c <<'EOF'
/* A minimal ARM64EC load configuration: its size and, at offset 200, the
 * CHPE metadata pointer, which tells lld-link (and the loader) that the
 * image has an EC side. */
extern const unsigned __chpe_metadata[];
struct load_config {
	unsigned size;
	unsigned char before[196];
	const void *chpe_metadata;
	unsigned char after[0x140 - 208];
};
const struct load_config _load_config_used = { sizeof(struct load_config), { 0 }, __chpe_metadata, { 0 } };
__asm__(".section .rdata,\"dr\"\n"
	".globl __chpe_metadata\n"
	".p2align 3\n"
	"__chpe_metadata:\n"
	".long 1\n"
	".rva __hybrid_code_map\n"
	".long __hybrid_code_map_count\n"
	".fill 0x80, 1, 0\n");
/* What the compiler's entry and exit thunks call through; the loader fills them in. */
void *__os_arm64x_dispatch_ret, *__os_arm64x_dispatch_call_no_redirect, *__os_arm64x_check_icall,
	*__os_arm64x_dispatch_icall, *__os_arm64x_check_call, *__os_arm64x_dispatch_call;
EOF
cat >lc_native.c <<'EOF'
struct load_config { unsigned size; unsigned char rest[0x140 - 4]; };
const struct load_config _load_config_used = { sizeof(struct load_config), { 0 } };
EOF
cat >pair_ec.def <<'EOF'
LIBRARY pair.dll
EXPORTS
    func
    both @3
    ecdata DATA
    by_ord @9 NONAME
    fwd_ec = kernel32.GetTickCount
    a_long_export_name_for_the_ec_side_only_0123456789
EOF
cat >pair_native.def <<'EOF'
LIBRARY pair.dll
EXPORTS
    both
    natfunc @2
    natdata DATA
    nat_noname @7 NONAME
    fwd_native = kernel32.GetTickCount
EOF
name="an ARM64X DLL built with clang-22 and lld-link -machine:arm64x"
if clang-22 --target=arm64ec-pc-windows-msvc -O2 -c ec.c -o ec.obj 2>cc.err &&
	clang-22 --target=arm64ec-pc-windows-msvc -O2 -c lc_ec.c -o lc_ec.obj 2>>cc.err &&
	clang-22 --target=aarch64-pc-windows-msvc -O2 -c native.c -o native.obj 2>>cc.err &&
	clang-22 --target=aarch64-pc-windows-msvc -O2 -c lc_native.c -o lc_native.obj 2>>cc.err &&
	"$LLVM/lld-link" -nologo -dll -noentry -nodefaultlib -machine:arm64x -def:pair_ec.def \
		-defarm64native:pair_native.def -out:pair.dll -implib:lld.lib \
		ec.obj native.obj lc_ec.obj lc_native.obj >cc.err 2>&1 && [ ! -s cc.err ]; then
	ok "$name"
else
	fail "$name" "$(head -c 400 cc.err)"
	exit 0
fi

# What llvm-readobj sees: "VIEW ORDINAL NAME RVA-or->FORWARD" per used
# ordinal; the top-level exports are the native view, the HybridObject's
# the EC view.
"$LLVM/llvm-readobj" --coff-exports pair.dll | awk '
	/HybridObject/ { v = "ec" }
	/^ *Export \{/ { o = ""; n = ""; r = ""; f = "" }
	/^ *Ordinal: / { o = $2 }
	/^ *Name: / { n = $2 }
	/^ *RVA: / { r = $2 }
	/^ *ForwardedTo: / { f = $2 }
	/^ *\}/ && o != "" { if (n == "") n = "-"
		if (f != "") print (v ? v : "native"), o, n, "->" f
		else if (r != "0x0") print (v ? v : "native"), o, n, r; o = "" }' | LC_ALL=C sort >readobj.txt
"$DUMP" -f tsv pair.dll 2>dump.err | awk -F'\t' 'NR > 1 {
	r = $5; sub(/^0x0*/, "0x", r)
	print $11, $3, ($6 != "" ? $6 : "-"), ($9 != "" ? "->" $9 : r) }' | LC_ALL=C sort >ours.txt
same "dumpexports -f tsv of an ARM64X DLL: both views, as llvm-readobj --coff-exports shows them" ours.txt readobj.txt
if grep -q '^ec ' readobj.txt && grep -q '^native ' readobj.txt; then
	ok "llvm-readobj shows two export tables (the comparison above has both)"
else
	fail "llvm-readobj shows two export tables (the comparison above has both)" "$(cat readobj.txt | tr '\n' '|')"
fi

# TSV: the ten columns stay; ARM64X rows add the view.
if [ "$("$DUMP" -f tsv pair.dll | head -1)" = "$(printf 'file\tdll\tordinal\thint\trva\tname\tkind\tflags\tforward\tsymbol')" ] &&
	"$DUMP" -f tsv pair.dll | awk -F'\t' 'NR > 1 && NF != 11 { bad = 1 } END { exit bad }'; then
	ok "dumpexports -f tsv: the header unchanged, every ARM64X row with an eleventh field"
else
	fail "dumpexports -f tsv: the header unchanged, every ARM64X row with an eleventh field" "$("$DUMP" -f tsv pair.dll | head -3 | tr '\n' '|')"
fi

# The table: two labelled views.
"$DUMP" pair.dll >table.txt 2>&1
if grep -q 'ARM64X' table.txt && grep -q '^  view  *EC (arm64ec)$' table.txt &&
	grep -q '^  view  *native (arm64)$' table.txt && grep -q 'natfunc' table.txt &&
	grep -q 'a_long_export_name_for_the_ec_side_only_0123456789' table.txt; then
	ok "dumpexports table of an ARM64X DLL: both views, labelled"
else
	fail "dumpexports table of an ARM64X DLL: both views, labelled" "$(head -20 table.txt | tr '\n' '|')"
fi

# JSON: the EC view is the file's entry, the native one its "native".
"$DUMP" -f json pair.dll >pair.json 2>/dev/null
if python3 - pair.json readobj.txt <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))["files"][0]
want = {}
for line in open(sys.argv[2]):
    v, o, n = line.split()[:3]
    want.setdefault(v, set()).add((int(o), n))
def got(e):
    return {(x["ordinal"], x["name"] or "-") for x in e["exports"]}
ok = (d["view"] == "ec" and d["machine"] == "arm64ec" and d["native"]["view"] == "native"
      and d["native"]["machine"] == "arm64" and got(d) == want["ec"]
      and got(d["native"]) == want["native"]
      and all(x["view"] == "ec" for x in d["exports"])
      and all(x["view"] == "native" for x in d["native"]["exports"]))
sys.exit(0 if ok else 1)
EOF
then ok "dumpexports -f json of an ARM64X DLL: EC entry, \"native\" object, each row's view"
else fail "dumpexports -f json of an ARM64X DLL: EC entry, \"native\" object, each row's view" "$(head -c 400 pair.json)"; fi

# A plain DLL's JSON says no view.
if "$DUMP" -f json pair_ec.def 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin)["files"][0]; sys.exit(0 if d["view"] is None and d["native"] is None else 1)'; then
	ok "dumpexports -f json of a one-view input: \"view\" and \"native\" null"
else
	fail "dumpexports -f json of a one-view input: \"view\" and \"native\" null" "$("$DUMP" -f json pair_ec.def 2>&1 | head -c 300)"
fi

# --view picks one; on a one-view input it is an error.
"$DUMP" --view native -f def pair.dll >v_native.def 2>v.err
"$DUMP" --view ec -f def pair.dll >v_ec.def 2>>v.err
if [ ! -s v.err ] && grep -q natfunc v_native.def && ! grep -q '^    func' v_native.def && grep -q '^    func' v_ec.def && ! grep -q natfunc v_ec.def; then
	ok "dumpexports --view ec|native: one view each, no warning"
else
	fail "dumpexports --view ec|native: one view each, no warning" "$(cat v.err v_native.def | tr '\n' '|')"
fi
"$DUMP" -f def pair.dll >d.def 2>d.err; rc=$?
if [ $rc -eq 0 ] && grep -q '^    func' d.def && grep -q -- '--view native' d.err; then
	ok "dumpexports -f def of an ARM64X DLL: the EC view, and a warning naming --view"
else
	fail "dumpexports -f def of an ARM64X DLL: the EC view, and a warning naming --view" "status $rc: $(cat d.err)"
fi
"$DUMP" --view native pair_ec.def >/dev/null 2>e.err; rc=$?
if error_ok "dumpexports --view on a one-view input is refused" 'one export view' $rc e.err "$DUMP"; then
	ok "dumpexports --view on a one-view input is refused"
fi
"$DUMP" --check pair_ec.def pair.dll >/dev/null 2>e.err; rc=$?
if error_ok "dumpexports --check of an ARM64X DLL without --view is refused" '--view ec or --view native' $rc e.err "$DUMP"; then
	ok "dumpexports --check of an ARM64X DLL without --view is refused"
fi
if "$DUMP" --view ec --check pair_ec.def pair.dll >chk.out 2>&1 &&
	"$DUMP" --view native --check pair_native.def pair.dll >>chk.out 2>&1; then
	ok "dumpexports --view ec|native --check: each view exports what its .def says"
else
	fail "dumpexports --view ec|native --check: each view exports what its .def says" "$(tr '\n' '|' <chk.out)"
fi
if ! "$DUMP" --view native --check pair_ec.def pair.dll >chk.out 2>&1 && grep -q '^- func' chk.out; then
	ok "dumpexports --view native --check against the EC .def finds the differences"
else
	fail "dumpexports --view native --check against the EC .def finds the differences" "$(tr '\n' '|' <chk.out)"
fi

# mkdef: both .def files, or an error naming --native-def.
refuse_with "$MKDEF" one.def "mkdef of an ARM64X DLL without --native-def is refused, naming it" \
	'--native-def FILE' pair.dll
rm -f e.def n.def
if "$MKDEF" -o e.def --native-def n.def pair.dll 2>mk.err &&
	[ "$(def_names e.def | grep -v '^ord_' | tr '\n' ' ')" = "$(grep '^ec ' readobj.txt | awk '$3 != "-" { print $3 }' | LC_ALL=C sort | tr '\n' ' ')" ] &&
	[ "$(def_names n.def | grep -v '^ord_' | tr '\n' ' ')" = "$(grep '^native ' readobj.txt | awk '$3 != "-" { print $3 }' | LC_ALL=C sort | tr '\n' ' ')" ] &&
	grep -q 'NONAME' e.def && grep -q 'NONAME' n.def && grep -q 'fwd_native = kernel32.GetTickCount' n.def; then
	ok "mkdef --native-def of an ARM64X DLL: the EC .def to -o, the native one to --native-def"
else
	fail "mkdef --native-def of an ARM64X DLL: the EC .def to -o, the native one to --native-def" "$(cat mk.err e.def n.def | tr '\n' '|')"
fi
refuse_with "$MKDEF" x.def "mkdef --native-def with a one-view input is refused" 'one export view' \
	--native-def y.def pair_ec.def
[ ! -e y.def ] || fail "mkdef --native-def with a one-view input writes no native .def" "y.def was written"

# mkimplib x.dll: both views, the imports llvm-dlltool -N writes from the
# .defs mkdef gives (every import: view, type, name type, hint, name and
# symbol; the members come in the DLL's ordinal order rather than the
# .defs' name order, as for a DLL with one view).  From the .defs
# themselves mkimplib writes llvm-dlltool's bytes.
name="mkimplib of an ARM64X DLL: the imports llvm-dlltool -N writes from mkdef's two .defs"
if ! "$MKIMPLIB" -o fromdll.lib pair.dll 2>mi.err; then
	fail "$name" "mkimplib failed: $(cat mi.err)"
elif ! "$LLVM/llvm-dlltool" -m arm64ec -d e.def -N n.def -l fromdefs.lib 2>mi.err; then
	fail "$name" "llvm-dlltool failed: $(cat mi.err)"
else
	"$DUMP" -f tsv fromdll.lib | cut -f2- >fromdll.tsv
	"$DUMP" -f tsv fromdefs.lib | cut -f2- >fromdefs.tsv
	same "$name" fromdll.tsv fromdefs.tsv
fi
name="mkimplib -m arm64ec --native-def of mkdef's two .defs: byte-identical to llvm-dlltool -N"
if "$MKIMPLIB" -m arm64ec --native-def n.def -o fromdefs_ours.lib e.def 2>mi.err &&
	same_bytes fromdefs_ours.lib fromdefs.lib; then ok "$name"
else fail "$name" "$(cat mi.err; cmp fromdefs_ours.lib fromdefs.lib 2>&1)"; fi
if "$DUMP" -f tsv fromdll.lib 2>/dev/null | awk -F'\t' '$6 == "natfunc" && $11 == "native" { n = 1 } $6 == "func" && $11 == "ec" { e = 1 } END { exit !(n && e) }'; then
	ok "mkimplib of an ARM64X DLL: the library has the native imports (not the EC ones only)"
else
	fail "mkimplib of an ARM64X DLL: the library has the native imports (not the EC ones only)" "$("$DUMP" fromdll.lib 2>&1 | head -12 | tr '\n' '|')"
fi
# Clients linked by lld-link against that library: an ARM64 one imports
# from the native view (its hints), an ARM64EC one from the EC view, an
# ARM64X one from both.
cat >client_native.c <<'EOF'
__declspec(dllimport) int natfunc(int);
__declspec(dllimport) int both(int);
__declspec(dllimport) extern int natdata;
int entry(void) { return natfunc(natdata) + both(1); }
EOF
cat >client_ec.c <<'EOF'
__declspec(dllimport) int func(int);
__declspec(dllimport) int both(int);
__declspec(dllimport) extern int ecdata;
int entry(void) { return func(ecdata) + both(1); }
EOF
# (the EC call checker the CRT would bring: a stand-in)
printf '.text\n.globl "#__icall_helper_arm64ec"\n"#__icall_helper_arm64ec":\nret\n.globl __icall_helper_arm64ec\n__icall_helper_arm64ec:\nret\n' >icall.s
# imports DLL: "VIEW SYMBOL (HINT)" per import, sorted.
imports() {
	"$LLVM/llvm-readobj" --coff-imports "$1" | awk '/HybridObject/ { v = "ec" }
		/^ *Symbol: / { print (v ? v : "'"$2"'"), $2, $3 }' | LC_ALL=C sort
}
name="lld-link links ARM64, ARM64EC and ARM64X clients against mkimplib's ARM64X library"
if clang-22 --target=aarch64-pc-windows-msvc -O2 -c client_native.c -o client_native.obj 2>ln.err &&
	clang-22 --target=arm64ec-pc-windows-msvc -O2 -c client_ec.c -o client_ec.obj 2>>ln.err &&
	"$LLVM/llvm-mc" --triple=arm64ec-pc-windows-msvc -filetype=obj -o icall.obj icall.s 2>>ln.err &&
	"$LLVM/lld-link" -nologo -machine:arm64 -dll -noentry -nodefaultlib -export:entry \
		-out:cn.dll client_native.obj fromdll.lib >>ln.err 2>&1 &&
	"$LLVM/lld-link" -nologo -machine:arm64ec -dll -noentry -nodefaultlib -export:entry \
		-out:ce.dll client_ec.obj lc_ec.obj icall.obj fromdll.lib >>ln.err 2>&1 &&
	"$LLVM/lld-link" -nologo -machine:arm64x -dll -noentry -nodefaultlib -export:entry \
		-out:cx.dll client_ec.obj client_native.obj lc_ec.obj lc_native.obj icall.obj fromdll.lib >>ln.err 2>&1; then
	{ imports cn.dll native; imports ce.dll ec; } | LC_ALL=C sort >got_imports.txt
	imports cx.dll native >got_imports_x.txt
	printf '%s\n' 'ec both (3)' 'ec ecdata (11)' 'ec func (12)' \
		'native both (8)' 'native natdata (10)' 'native natfunc (2)' >want_imports.txt
	same "$name: each imports from its own view (names and hints)" got_imports.txt want_imports.txt
	# (lld-link shares one import entry for a name both sides import,
	# with the EC side's hint, whichever library: names only here)
	cut -d' ' -f1,2 got_imports_x.txt >got_x_names.txt
	cut -d' ' -f1,2 want_imports.txt >want_x_names.txt
	same "$name: the ARM64X client imports from both views" got_x_names.txt want_x_names.txt
else
	fail "$name" "$(head -c 600 ln.err)"
fi

refuse_with "$MKIMPLIB" r.lib "mkimplib --native-def with an ARM64X DLL is refused (it has one)" \
	'already has a native' -m arm64ec --native-def pair_native.def pair.dll

# ------------------------------------------------------------------
# Damaged ARM64X data: one error with an offset, no crash
# ------------------------------------------------------------------

# le16/le32 FILE OFFSET; poke FILE OFFSET BYTE...
le() { od -An -t u$2 -j "$3" -N "$2" "$1" | tr -d ' '; }
poke() {
	local f=$1 off=$2; shift 2
	printf "$(printf '\\x%02x' "$@")" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
}
lfanew=$(le pair.dll 4 60)
opt=$((lfanew + 24))
lc_rva=$(le pair.dll 4 $((opt + 112 + 8 * 10)))
# The load configuration is in .rdata: its file offset from the section table.
nsec=$(le pair.dll 2 $((lfanew + 6)))
optsize=$(le pair.dll 2 $((lfanew + 20)))
rva2off() {
	local rva=$1 i h va vs raw
	for ((i = 0; i < nsec; i++)); do
		h=$((opt + optsize + 40 * i))
		va=$(le pair.dll 4 $((h + 12))); vs=$(le pair.dll 4 $((h + 8))); raw=$(le pair.dll 4 $((h + 20)))
		if [ "$rva" -ge "$va" ] && [ "$rva" -lt $((va + vs)) ]; then echo $((raw + rva - va)); return; fi
	done
}
lc=$(rva2off "$lc_rva")
dvrt_sec=$(le pair.dll 2 $((lc + 0xe4)))
dvrt_in=$(le pair.dll 4 $((lc + 0xe0)))
h=$((opt + optsize + 40 * (dvrt_sec - 1)))
dvrt=$(( $(le pair.dll 4 $((h + 20))) + dvrt_in ))
if [ -n "$lc" ] && [ "$dvrt_sec" -gt 0 ] && [ "$(le pair.dll 4 "$dvrt")" = 1 ]; then
	ok "the ARM64X DLL's DVRT found by hand (load config 0x$(printf %x "$lc"), DVRT 0x$(printf %x "$dvrt"))"
else
	fail "the ARM64X DLL's DVRT found by hand" "lc=$lc section=$dvrt_sec dvrt=$dvrt"
fi

# damaged NAME PATTERN OFFSET BYTE...: a copy of pair.dll with BYTEs at
# OFFSET must be refused by dumpexports and mkimplib with one line naming
# the file and an offset.
damaged() {
	local name=$1 pat=$2 off=$3 rc; shift 3
	cp pair.dll bad.dll
	poke bad.dll "$off" "$@"
	"$DUMP" bad.dll >/dev/null 2>e.err; rc=$?
	error_ok "dumpexports: $name" "^bad\.dll:0x[0-9a-f]+: error: .*$pat" $rc e.err "$DUMP" &&
		ok "dumpexports: $name"
	refuse_with "$MKIMPLIB" r.lib "mkimplib: $name" "^bad\.dll:0x[0-9a-f]+: error: .*$pat" bad.dll
}
damaged "a DVRT of version 2 is an error, not a DLL without EC exports" 'version 2' "$dvrt" 2
damaged "a DVRT larger than its section" 'runs past the end' $((dvrt + 4)) 0xff 0xff 0 0
damaged "a DVRT in a section the image lacks" 'section 99' $((lc + 0xe4)) 99 0
damaged "a DVRT offset past its section's data" 'not in the file' $((lc + 0xe0)) 0 0xf0 0 0
# The first record: Symbol (8 bytes), then its size; then the first block.
damaged "a DVRT record larger than the table" 'record of' $((dvrt + 16)) 0xff 0xff 0 0
damaged "an ARM64X block size past its record" 'block size' $((dvrt + 8 + 12 + 4)) 0xff 0 0 0
damaged "an ARM64X block size below its header" 'block size' $((dvrt + 8 + 12 + 4)) 4 0 0 0
damaged "an ARM64X fixup of type 3" 'type 3' $((dvrt + 8 + 12 + 8 + 1)) 0x30
# The EC export directory moved out of the image by its fixup: the entry
# patching RVA 0x100 + the export directory's offset is found and its
# value made absurd.
ent=$((opt + 112))
p=$((dvrt + 8 + 12 + 8))
end=$((dvrt + 8 + 12 + $(le pair.dll 4 $((dvrt + 8 + 12 + 4)))))
hit=
while [ $p -lt $end ]; do
	e=$(le pair.dll 2 $p)
	off=$((e & 0xfff)); type=$(((e >> 12) & 3)); size=$((1 << (e >> 14)))
	if [ $type = 1 ] && [ $off = $ent ]; then hit=$((p + 2)); break; fi
	p=$((p + 2 + (type == 1 ? size : type == 2 ? 2 : 0)))
done
if [ -n "$hit" ]; then
	damaged "an EC export directory patched outside the image" 'export directory.*not in the file' "$hit" 0 0 0 0x7f
else
	fail "the ARM64X fixup of the export directory entry found by hand" "none at header offset $ent"
fi
