#!/bin/bash
# mkimplib as a command: inputs, defaults, errors, and how it writes.
. "$(dirname "$0")/../lib.sh"
fixtures
cd "$T"
MKIMPLIB=$BIN/mkimplib
api=$FIX/mingw64/api.o

refuse() { refuse_with "$MKIMPLIB" out.lib "$@"; }

printf 'LIBRARY api.dll\nEXPORTS\n    add\n    counter DATA\n' >good.def
printf 'EXPORTS\n    add\n' >noname.def
printf 'LIBRARY x.dll\nEXPORTS\n    a @3\n    b @3\n' >clash.def
printf 'LIBRARY x.dll\nEXPORTS\n    a @ x\n' >bad.def
{ printf 'LIBRARY big.dll\nEXPORTS\n'; seq -f '    f%g' 1 65536; } >toomany.def
x86_64-w64-mingw32-gcc -shared -o some.dll "$api"

refuse "unknown machine names the choices" 'unknown machine "vax": give i386, x86-64, arm64, arm64ec or arm' -m vax good.def
refuse "a .def names no machine: error naming the choices" '^good\.def: error: a \.def file names no machine; give -m i386, x86-64, arm64, arm64ec or arm' good.def
refuse "--recover-stdcall with a .def" '^mkimplib: error: --recover-stdcall reads the code of one i386 DLL given alone; good\.def is not one' --recover-stdcall -m i386 good.def
refuse "no DLL name" 'no DLL name: noname\.def has no LIBRARY or NAME line; give -D NAME' -m x86-64 noname.def
refuse "two exports on one ordinal" 'ordinal 3 is given to both "a".*"b"' -m x86-64 clash.def
refuse "more than 65535 exports" '65536 exports: a DLL cannot have more than 65535' -m x86-64 toomany.def
refuse "malformed .def: file, line and column" '^bad\.def:3:[0-9]+: error: ' -m x86-64 bad.def
refuse "missing input" '^missing\.def: error: cannot open' -m x86-64 missing.def
refuse "a DLL and objects together" 'some\.dll: error: is a PE image, but objects are given too' some.dll "$api"
refuse "two .def files" 'clash\.def: error: a second input besides good\.def' -m x86-64 good.def clash.def
refuse "a .def and objects together" 'give one or the other' good.def "$api"
refuse "bad --format" '^mkimplib: error: --format takes short or long' --format medium -m x86-64 good.def
refuse "bad --archive" '^mkimplib: error: --archive takes gnu or coff' --archive zip -m x86-64 good.def
refuse "-m disagrees with the objects" 'api\.o: error: is for x86-64, but -m says i386' -m i386 -D api.dll "$api"
head -c 60 "$api" >short.o
refuse "truncated object" '^short\.o: error: truncated or corrupt COFF object' -D a.dll short.o
"$MKIMPLIB" -m x86-64 good.def >out.txt 2>err.txt; rc=$?
error_ok "-o is required" 'give the import library to write with -o FILE' $rc err.txt "$MKIMPLIB" &&
	ok "-o is required"

# A failed run leaves an existing library untouched.
printf 'keep me\n' >out.lib
"$MKIMPLIB" -m x86-64 -o out.lib bad.def 2>err.txt; rc=$?
error_ok "failed run leaves the old output untouched" '^bad\.def:3:' $rc err.txt "$MKIMPLIB" &&
	{ [ "$(cat out.lib)" = "keep me" ] && ok "failed run leaves the old output untouched" ||
		fail "failed run leaves the old output untouched" "changed"; }

# Defaults: the DLL name from LIBRARY (".dll" added when it has no suffix);
# the machine from the objects.
printf 'LIBRARY bare\nEXPORTS\n    f\n' >bare.def
"$MKIMPLIB" -m x86-64 -o bare.lib bare.def
if strings bare.lib | grep -qx 'bare.dll'; then ok "LIBRARY without a suffix names bare.dll"
else fail "LIBRARY without a suffix names bare.dll" "$(strings bare.lib | grep bare | head -3 | tr '\n' ' ')"; fi
"$MKIMPLIB" -D api.dll -o fromobj.lib "$api" && [ -s fromobj.lib ] &&
	"$BIN/dumpexports" fromobj.lib | grep -q '^fromobj\.lib: .*x86-64' && ok "the machine comes from the objects" ||
	fail "the machine comes from the objects" "$("$BIN/dumpexports" fromobj.lib 2>&1 | head -1)"

# From objects: the same bytes as from the .def mkdef writes for them.
"$MKDEF" --library api.dll -o api.def "$api"
"$MKIMPLIB" -m x86-64 -o fromdef.lib api.def
same_bytes fromdef.lib fromobj.lib && ok "objects give the library their .def gives" ||
	fail "objects give the library their .def gives" "bytes differ, or none written"
for cfg in mingw32 msvc32; do
	"$MKDEF" --library api.dll -o "$cfg.def" "$FIX/$cfg/api.o"
	"$MKIMPLIB" -m i386 $( [ $cfg = msvc32 ] && echo --dialect msvc) -o "$cfg-def.lib" "$cfg.def"
	"$MKIMPLIB" -D api.dll -o "$cfg-obj.lib" "$FIX/$cfg/api.o"
	same_bytes "$cfg-def.lib" "$cfg-obj.lib" && ok "$cfg objects give the library their .def gives" ||
		fail "$cfg objects give the library their .def gives" "bytes differ, or none written"
done

# Names come from the DLL name, never the output path; the bytes are the
# same wherever the library is written, and no path is inside.
mkdir -p a/deep/dir
"$MKIMPLIB" -m x86-64 -o a/deep/dir/other-name.lib good.def
(cd a && "$MKIMPLIB" -m x86-64 -o ../second.lib ../good.def)
"$MKIMPLIB" -m x86-64 -o first.lib good.def
if same_bytes first.lib a/deep/dir/other-name.lib && same_bytes first.lib second.lib; then ok "same bytes wherever written"
else fail "same bytes wherever written" "differ, or none written"; fi
# (in a library that imports add and counter: an empty one holds no path either)
for fmt in short long; do
	"$MKIMPLIB" -m x86-64 --format $fmt -o "$T/pathcheck-$fmt.lib" good.def
	names=$("$BIN/dumpexports" -f tsv "$T/pathcheck-$fmt.lib" 2>&1 | awk -F'\t' 'NR > 1 { print $6 }' | LC_ALL=C sort | tr '\n' ' ')
	if [ "$names" != "add counter " ]; then fail "$fmt: no path inside" "no library importing add and counter: $names"
	elif grep -aq -e "$T" -e 'pathcheck' "$T/pathcheck-$fmt.lib"; then fail "$fmt: no path inside" "found"
	else ok "$fmt: no path inside"; fi
done

# Write-if-changed, atomic; depfile; @file.
touch -d '2001-01-01 00:00:00' first.lib
"$MKIMPLIB" -m x86-64 -o first.lib good.def; rc=$?
if [ $rc -ne 0 ] || ! same_bytes first.lib second.lib; then fail "unchanged library is left untouched" "exit $rc, or not the library"
elif [ "$(stat -c %Y first.lib)" = "$(date -d '2001-01-01 00:00:00' +%s)" ]; then ok "unchanged library is left untouched"
else fail "unchanged library is left untouched" "rewritten"; fi
printf -- '-m x86-64\ngood.def\n' >args.rsp
"$MKIMPLIB" -o dep.lib -M dep.d @args.rsp
printf 'dep.lib: \\\n  args.rsp \\\n  good.def\n\nargs.rsp:\n\ngood.def:\n' >dep.want
same "depfile lists the inputs and the response file" dep.want dep.d

# The EXPORTAS warning, once, naming the way out.
printf 'LIBRARY x.dll\nEXPORTS\n    a\n    b == c\n    d EXPORTAS e\n' >ea.def
"$MKIMPLIB" -m x86-64 -o ea.lib ea.def 2>ea.err
if [ "$(wc -l <ea.err)" = 1 ] && grep -q 'warning: 2 imports (first "d") are written as EXPORTAS members or' ea.err &&
   grep -q -- '--format long' ea.err; then ok "EXPORTAS members are warned about once"
else fail "EXPORTAS members are warned about once" "$(cat ea.err)"; fi
"$MKIMPLIB" -m x86-64 --format long -o ea.a ea.def 2>ea2.err; rc=$?
[ $rc = 0 ] && [ -s ea.a ] && [ ! -s ea2.err ] && ok "no warning with --format long" ||
	fail "no warning with --format long" "exit $rc: $(cat ea2.err)"

printf 'LIBRARY a.dll\nEXPORTS\n    add\n    x == add\n' >alias.def
"$MKIMPLIB" -m x86-64 -o alias.lib alias.def 2>alias.err
grep -q '1 import (first "x") is written as EXPORTAS members or .==. weak aliases' alias.err &&
	ok "'==' weak aliases are warned about too (GNU ld does not resolve them)" ||
	fail "'==' weak aliases are warned about too" "$(cat alias.err)"
refuse "--export-all with a .def input" 'choose what objects export; good\.def is a module-definition file' --export-all -m x86-64 good.def
printf '\377\376L\000I\000' >utf16.def
refuse "a UTF-16 .def says so" '^utf16\.def: error: UTF-16 text: save a \.def file as UTF-8' -m x86-64 utf16.def
refuse "objects without -D" 'no DLL name: objects do not name their DLL; give -D NAME' "$api"

# --help, --version.
"$MKIMPLIB" --help | grep -q -- '--format short|long' && ok "--help lists the options" || fail "--help" "no"
"$MKIMPLIB" --version | grep -q 'mkimplib (dllkit)' && ok "--version" || fail "--version" "no"
