#!/bin/bash
# mkimplib --exp: export objects.  Deterministic bytes for each machine,
# written with the import library or alone (both or neither); what
# dumpexports lists of one (every format) is what the .def says; the
# export table GNU objdump interprets in it, and the relocation types
# llvm-readobj shows; GNU dlltool -e's objects read the same; refusals,
# and damaged objects, get one line and leave nothing behind.  Linking
# DLLs with them is tests/interop/exp_link.sh.
. "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1
MKIMPLIB=$BIN/mkimplib
DUMP=$BIN/dumpexports
built "mkimplib --exp" "$MKIMPLIB" "$DUMP" || exit 0
need "mkimplib --exp" "$READOBJ" x86_64-w64-mingw32-objdump x86_64-w64-mingw32-dlltool i686-w64-mingw32-dlltool || exit 0

cat >t.def <<'D'
LIBRARY t.dll
EXPORTS
    sfunc@8
    add @3
    counter DATA
    hidden @7 NONAME
    fwd = kernel32.GetTickCount
    other = add
D

# ---- bytes: the same twice, with or without the library beside it
for m in x86-64 i386 arm64 arm; do
	"$MKIMPLIB" -m $m --exp a-$m.exp t.def 2>err.txt &&
		"$MKIMPLIB" -m $m -o b-$m.lib --exp b-$m.exp t.def 2>>err.txt &&
		"$MKIMPLIB" -m $m -o c-$m.lib t.def 2>>err.txt
	if [ -s err.txt ]; then
		fail "$m: --exp alone, -o with --exp, -o alone" "$(head -3 err.txt | tr '\n' '|')"
		continue
	fi
	same_bytes a-$m.exp b-$m.exp && same_bytes b-$m.lib c-$m.lib &&
		ok "$m: the same .exp alone or with -o; -o the same library with --exp" ||
		fail "$m: the same .exp alone or with -o" "bytes differ, or none written"
	"$MKIMPLIB" -m $m --exp d-$m.exp t.def
	same_bytes a-$m.exp d-$m.exp && ok "$m: .exp bytes are deterministic" ||
		fail "$m: .exp bytes are deterministic" "two runs differ"
	# The .exp names its machine and has one .edata of the machine's RVA type.
	case $m in
	x86-64) fmt=COFF-x86-64 rel=IMAGE_REL_AMD64_ADDR32NB ;;
	i386) fmt=COFF-i386 rel=IMAGE_REL_I386_DIR32NB ;;
	arm64) fmt=COFF-ARM64 rel=IMAGE_REL_ARM64_ADDR32NB ;;
	arm) fmt=COFF-ARM rel=IMAGE_REL_ARM_ADDR32NB ;;
	esac
	"$READOBJ" -r --sections a-$m.exp >ro-$m.txt 2>&1
	types=$(awk '/^ *0x[0-9A-F]+ IMAGE_REL/ { print $2 }' ro-$m.txt | sort -u | tr '\n' ' ')
	# 4 directory + 6 addresses (3..8) + 5 names = 15; one section.
	nrel=$(grep -c '^ *0x[0-9A-F]* IMAGE_REL' ro-$m.txt)
	nsec=$(grep -c '^ *Section {' ro-$m.txt)
	if grep -q "^Format: $fmt\$" ro-$m.txt && [ "$types" = "$rel " ] && [ "$nrel" = 15 ] && [ "$nsec" = 1 ] &&
	   grep -q 'Name: \.edata' ro-$m.txt; then
		ok "$m: llvm-readobj: $fmt, one .edata, 15 relocations, all $rel"
	else
		fail "$m: llvm-readobj: $fmt, one .edata, 15 relocations" "format $(sed -n 's/^Format: //p' ro-$m.txt), types '$types', $nrel relocations, $nsec sections"
	fi
	# What dumpexports lists of it is what the .def says.
	if "$DUMP" --check t.def a-$m.exp >chk-$m.txt 2>&1; then
		ok "$m: dumpexports --check t.def a-$m.exp"
	else
		fail "$m: dumpexports --check t.def a-$m.exp" "$(head -5 chk-$m.txt | tr '\n' '|')"
	fi
done
cmp -s a-x86-64.exp a-arm64.exp && fail "machines differ" "x86-64 and arm64 .exp are the same bytes" ||
	ok "machines differ: x86-64 and arm64 .exp are not the same bytes"

# ---- the listing, in every format
"$DUMP" --format def a-x86-64.exp >exp.def 2>err.txt
cat >exp.expected <<'D'
LIBRARY "t.dll"
EXPORTS
    add @3
    counter @4 DATA
    fwd = kernel32.GetTickCount @5
    hidden @7 NONAME
    other = add @6
    sfunc@8 @8
D
same "dumpexports --format def of the .exp: names, ordinals, NONAME, DATA, forwarder, internal name" exp.expected exp.def
"$DUMP" a-x86-64.exp >exp.table
if grep -q '^a-x86-64.exp: .*x86-64, 6 exports' exp.table && grep -Eq '^ +7 +hidden +NONAME' exp.table &&
   grep -Eq '^ +4 +counter +DATA' exp.table && grep -q 'forwarded to kernel32.GetTickCount' exp.table; then
	ok "dumpexports table of the .exp"
else
	fail "dumpexports table of the .exp" "$(head -12 exp.table | tr '\n' '|')"
fi
"$DUMP" --format json a-x86-64.exp >exp.json
if python3 -c '
import json, sys
d = json.load(open("exp.json"))["files"][0]
e = {x["name"]: x for x in d["exports"]}
assert d["dll"] == "t.dll" and d["machine"] == "x86-64" and d["kind"] == "export-object", d
assert sorted(e) == ["add", "counter", "fwd", "hidden", "other", "sfunc@8"], sorted(e)
assert e["hidden"]["ordinal"] == 7 and e["hidden"]["noname"], e["hidden"]
assert e["counter"]["kind"] == "data" and e["add"]["kind"] == "code", e["counter"]
assert e["fwd"]["forward"] == "kernel32.GetTickCount", e["fwd"]
' 2>json.err; then ok "dumpexports --format json of the .exp"
else fail "dumpexports --format json of the .exp" "$(tail -1 json.err)"; fi
"$DUMP" --format tsv a-x86-64.exp >exp.tsv
if [ "$(grep -c . exp.tsv)" -ge 6 ] && grep -q 'kernel32.GetTickCount' exp.tsv && grep -P -q '\thidden\t|hidden' exp.tsv; then
	ok "dumpexports --format tsv of the .exp"
else
	fail "dumpexports --format tsv of the .exp" "$(head -8 exp.tsv | tr '\n' '|')"
fi
# A .def that differs is a difference (the check can fail).
sed 's/hidden @7 NONAME/hidden @9 NONAME/' t.def >t9.def
"$DUMP" --check t9.def a-x86-64.exp >/dev/null 2>&1; rc=$?
[ $rc = 1 ] && ok "--check against a .def with another NONAME ordinal exits 1" ||
	fail "--check against a .def with another NONAME ordinal exits 1" "exit $rc"

# ---- i386: -k exports sfunc from _sfunc@8
"$MKIMPLIB" -m i386 -k --exp k.exp t.def && "$DUMP" --format def k.exp >k.def
grep -q '^    sfunc = sfunc@8 @8$' k.def && ! grep -q '^    sfunc@8' k.def &&
	ok "i386 -k: the .exp exports sfunc, from the symbol _sfunc@8" ||
	fail "i386 -k: the .exp exports sfunc" "$(tr '\n' '|' <k.def)"
"$READOBJ" --symbols a-i386.exp | grep -q 'Name: _sfunc@8' && "$READOBJ" --symbols a-i386.exp | grep -q 'Name: _add$' &&
	ok "i386: symbols _add and _sfunc@8" || fail "i386: symbols _add and _sfunc@8" "not found"

# ---- GNU objdump reads the export table in it as dlltool's
x86_64-w64-mingw32-objdump -p a-x86-64.exp >od.txt 2>&1
# (in table order: the loader's binary search needs it sorted)
awk '/^\[Ordinal\/Name Pointer\] Table/ { t=1; next } t && /^\t\[/ { print $NF }' od.txt >od.names
printf '%s\n' add counter fwd other sfunc@8 >od.expected
if grep -q 'Ordinal Base.*3' od.txt && grep -q 'Name .*t\.dll' od.txt; then
	same "objdump -p: the name table of the .exp, sorted" od.expected od.names
else
	fail "objdump -p: the name table of the .exp" "$(grep -iE 'base|name ' od.txt | head -3 | tr '\n' '|')"
fi

# ---- GNU dlltool -e's .exp reads as the same exports (its symbols are
# untyped: no DATA is knowable, so kinds are not compared)
(x86_64-w64-mingw32-dlltool -m i386:x86-64 -d "$T/t.def" -e "$T/gnu.exp") >dlltool.log 2>&1
if [ -s gnu.exp ]; then
	"$DUMP" --diff --ignore-kind --ordinals gnu.exp a-x86-64.exp >gnu.diff 2>&1 && ok "dlltool -e's .exp lists as ours (--diff --ignore-kind --ordinals)" ||
		fail "dlltool -e's .exp lists as ours" "$(head -5 gnu.diff | tr '\n' '|')"
	"$DUMP" --format def gnu.exp | grep -q DATA && fail "dlltool's .exp: no DATA claimed" "a DATA export was guessed" ||
		ok "dlltool's .exp: no DATA claimed (its symbols carry no type)"
else
	fail "dlltool -e's .exp" "dlltool wrote none: $(head -c 300 dlltool.log)"
fi

for k in "" -k; do
	rm -f gnu32.exp
	(i686-w64-mingw32-dlltool $k -d "$T/t.def" -e "$T/gnu32.exp") >dlltool32.log 2>&1
	"$MKIMPLIB" -m i386 $k --exp ours32.exp t.def
	if [ -s gnu32.exp ] && "$DUMP" --diff --ignore-kind --ordinals gnu32.exp ours32.exp >gnu32.diff 2>&1; then
		ok "i386${k:+ $k}: dlltool -e's .exp lists as ours (names, ordinals)"
	else
		fail "i386${k:+ $k}: dlltool -e's .exp lists as ours" "$(head -c 300 dlltool32.log gnu32.diff | tr '\n' '|')"
	fi
done

# ---- mkdef and mkimplib read a .exp as the DLL it describes
"$MKDEF" a-x86-64.exp >mkdef.def 2>&1
"$DUMP" --check t.def mkdef.def >/dev/null 2>&1 && ok "mkdef of a .exp writes its .def" ||
	fail "mkdef of a .exp writes its .def" "$(tr '\n' '|' <mkdef.def)"
"$MKIMPLIB" -o fromexp.lib a-x86-64.exp 2>err.txt && "$DUMP" --diff c-x86-64.lib fromexp.lib >/dev/null 2>&1 &&
	ok "mkimplib from a .exp: the import library of the .def" ||
	fail "mkimplib from a .exp" "$(head -2 err.txt)"

# ---- from objects: the .exp their .def gives (mkdef's), for each compiler
bash "$TOP/tests/fixtures.sh" "$FIX" >/dev/null 2>&1
for cfg in mingw64 mingw32 msvc32 msvcarm64; do
	o=$FIX/$cfg/api.o
	if [ ! -s "$o" ]; then
		missing "from objects ($cfg)" "the $cfg fixture (its compiler)"
		continue
	fi
	"$MKDEF" --library api.dll -o obj-$cfg.def "$o" 2>/dev/null
	case $cfg in msvc32) dia=(--dialect msvc) ;; *) dia=() ;; esac
	m=$("$DUMP" -f json "$o" | python3 -c 'import json,sys; print(json.load(sys.stdin)["files"][0]["machine"])')
	if "$MKIMPLIB" -D api.dll --exp obj-$cfg.exp "$o" 2>err.txt &&
	   "$MKIMPLIB" -m "$m" "${dia[@]}" --exp def-$cfg.exp obj-$cfg.def 2>>err.txt &&
	   same_bytes obj-$cfg.exp def-$cfg.exp; then
		ok "from objects ($cfg, $m): the .exp of the .def mkdef writes for them"
	else
		fail "from objects ($cfg)" "bytes differ or none written: $(head -2 err.txt | tr '\n' '|')"
	fi
done

# ---- refusals: one line, nothing written (neither file)
refuse_exp() {
	local name=$1 pat=$2
	shift 2
	rm -f out.lib out.exp
	"$MKIMPLIB" "$@" >stdout.txt 2>stderr.txt; local rc=$?
	if ! error_ok "$name" "$pat" $rc stderr.txt "$MKIMPLIB"; then :
	elif [ -e out.lib ] || [ -e out.exp ]; then fail "$name" "an output was written"
	elif ls -a | grep -q '^\.dllkit-'; then fail "$name" "a temporary file was left behind"
	else ok "$name"; fi
}
refuse_exp "arm64ec: refused, and the import library not written either" \
	'^out\.exp: error: export objects are written for i386, x86-64, arm64 and arm, not for arm64ec' \
	-m arm64ec -o out.lib --exp out.exp t.def
refuse_exp "--exp -" '^mkimplib: error: --exp needs a file of its own' -m x86-64 --exp - t.def
refuse_exp "--exp the same as -M" '^mkimplib: error: --exp needs a file of its own' -m x86-64 --exp out.exp -M out.exp t.def
refuse_exp "--exp the same as -o" '^mkimplib: error: --exp needs a file of its own' -m x86-64 -o out.exp --exp out.exp t.def
cp t.def in.exp
refuse_exp "--exp over an input" 'in\.exp: error: .*same as' -m x86-64 --exp in.exp in.exp
printf 'LIBRARY t.dll\nEXPORTS\n    g EXPORTAS f\n    f\n' >twice.def
refuse_exp "two exports of one name" '^out\.exp: error: "f" is exported twice' -m x86-64 --exp out.exp twice.def
refuse_exp "neither -o nor --exp" 'give the import library to write with -o FILE' -m x86-64 t.def

# ---- -M: the rule names the import library, or the .exp when it is alone
"$MKIMPLIB" -m x86-64 -o dep.lib --exp dep.exp -M both.d t.def &&
	"$MKIMPLIB" -m x86-64 --exp dep2.exp -M alone.d t.def
grep -q '^dep\.lib: ' both.d && grep -q '^dep2\.exp: ' alone.d && grep -q '^  t\.def$' alone.d &&
	ok "-M with --exp: the rule's target is -o, or the .exp alone" ||
	fail "-M with --exp" "$(cat both.d alone.d | tr '\n' '|')"

# ---- damaged .exp files: one line naming the file and the offset, exit 2
cp a-x86-64.exp good.exp
size=$(stat -c %s good.exp)
head -c 300 good.exp >cut.exp
"$DUMP" cut.exp >/dev/null 2>err.txt; rc=$?
error_ok "a cut .exp" '^cut\.exp:0x[0-9a-f]+: error: ' $rc err.txt "$DUMP" && ok "a cut .exp: one line with its offset"
# the directory's function count made huge
cp good.exp big.exp
edata=$(( $(od -An -tu4 -j $((20 + 20)) -N4 good.exp) ))
printf '\xff\xff\x00\x00' | dd of=big.exp bs=1 seek=$((edata + 20)) conv=notrunc 2>/dev/null
"$DUMP" big.exp >/dev/null 2>err.txt; rc=$?
error_ok "a .exp whose address table runs past .edata" "^big\.exp:0x$(printf '%x' $((edata + 16))): error: ordinals 3 to" $rc err.txt "$DUMP" &&
	ok "a .exp whose address table runs past .edata: one line with its offset"
"$MKIMPLIB" -o x.lib big.exp >/dev/null 2>err.txt; rc=$?
error_ok "mkimplib from a damaged .exp" '^big\.exp:0x[0-9a-f]+: error: ' $rc err.txt "$MKIMPLIB" && [ ! -e x.lib ] &&
	ok "mkimplib from a damaged .exp: one line, nothing written"
[ "$size" -gt 300 ] || fail "fixture" "good.exp is only $size bytes"
exit 0
