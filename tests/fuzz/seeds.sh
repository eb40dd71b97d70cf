#!/bin/bash
# tests/fuzz/seeds.sh OUT - the seed corpora of the fuzz targets, made from
# what the tests build: the fixture objects (tests/fixtures.sh, every
# compiler), archives of them (GNU ar, llvm-lib), DLLs linked from them
# (GNU ld, lld-link; an i386 --kill-at one for stdcall recovery), import
# libraries (mkimplib short and long for every machine, llvm-dlltool, GNU
# dlltool, a few from the MinGW sysroot), .def files (mingw-w64's in
# tests/data, mkdef's and dumpexports' output, one using every statement)
# and .drectve sections.  Nothing here is committed: all is made at fuzz
# time.  A tool that is missing leaves its seeds out.
#
#   OUT/<target>/      seeds of fuzz_<target> (libFuzzer reads them, never writes)
#   OUT/cli-files/     the files fuzz_cli's runs see (DK_FUZZ_FILES)
set -u
OUT=$1
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
case $OUT in /*) ;; *) OUT=$TOP/$OUT ;; esac
BIN=$BUILD/bin
FIX=$BUILD/fixtures
LLVM=$(ls -d /usr/lib/llvm-*/bin 2>/dev/null | sort -V | tail -1)
have() { command -v "$1" >/dev/null 2>&1; }

rm -rf "$OUT"
mkdir -p "$OUT"
cd "$OUT" || exit 1
for t in def drectve implib pe imports bfd archive roundtrip model diff exp cli cli-files; do mkdir -p "$t"; done
W=$OUT/.work
mkdir -p "$W"

if ! bash "$TOP/tests/fixtures.sh" "$FIX" >"$W/fixtures.log" 2>&1; then
	echo "seeds: the fixtures did not build (see $W/fixtures.log); objects left out" >&2
fi

# put TARGET NAME PREFIX FILE: a seed made of the byte PREFIX (octal, or
# "" for none) and FILE.
put() {
	if [ -n "$3" ]; then
		{ printf "\\$3"; cat "$4"; } >"$1/$2"
	else
		cp "$4" "$1/$2"
	fi
}

# ---------------------------------------------------------------- .def files
defs=$W/defs
mkdir -p "$defs"
cat >"$defs/full.def" <<'EOF'
; every statement and export form the parser knows
LIBRARY "full lib.dll" BASE=0x10000000
DESCRIPTION "a description"
STACKSIZE 0x100000,0x1000
HEAPSIZE 65536, 4096
VERSION 1.2
STUB 'stub.exe'
SECTIONS
    .shared READ WRITE SHARED
    .text EXECUTE READ
IMPORTS
    internal=kernel32.GetTickCount
    user32.#4
EXPORTS
    plain
    data_item DATA
    konst CONSTANT
    by_ord @5 NONAME
    hinted @7
    private_one PRIVATE
    renamed = internal_sym
    forwarded = kernel32.GetTickCount
    by_ord_fwd = other.#12
    ea EXPORTAS real_ea
    sfunc@8 == sfunc
    _msvc@12
    @fast@8
    vec@@16
    ?cpp@@YAHH@Z
    "quoted name" @9
    'single quoted'
    #ecname
    a_very_long_export_name_that_goes_on_and_on_well_past_any_header_field_0123456789
EOF
cat >"$defs/exe.def" <<'EOF'
NAME prog.exe
EXPORTS
    main_hook @1
    cb = impl_cb @2 PRIVATE
EOF
cat >"$defs/stdcall.def" <<'EOF'
LIBRARY std.dll
EXPORTS
    sfunc@8
    _under@4
    @ffunc@8
    vfunc@@16
    plain
    killed = killed@12
EOF
printf 'EXPORTS\n' >"$defs/empty.def"
for f in "$TOP"/tests/data/mingw-w64/*/*.def.in; do
	[ -f "$f" ] || continue
	cp "$f" "$defs/mingw-$(basename "$(dirname "$f")")-$(basename "$f" .def.in).def"
	# and as the mingw-w64 build uses it: through the C preprocessor
	if have cpp; then
		cpp -P -I"$TOP/tests/data/mingw-w64/def-include" -D__i386__ "$f" \
			>"$defs/cpp32-$(basename "$f" .def.in).def" 2>/dev/null ||
			rm -f "$defs/cpp32-$(basename "$f" .def.in).def"
	fi
done
# What mkdef writes from the fixtures, both ways.
for o in "$FIX"/*/*.o; do
	[ -f "$o" ] || continue
	n=$(basename "$(dirname "$o")")-$(basename "$o" .o)
	"$BIN/mkdef" -o "$defs/mkdef-$n.def" "$o" 2>/dev/null || rm -f "$defs/mkdef-$n.def"
	"$BIN/mkdef" --export-all -o "$defs/mkdef-all-$n.def" "$o" 2>/dev/null ||
		rm -f "$defs/mkdef-all-$n.def"
done
"$BIN/mkdef" -k -A -o "$defs/mkdef-kA-mingw32.def" "$FIX/mingw32/api.o" 2>/dev/null ||
	rm -f "$defs/mkdef-kA-mingw32.def"
find "$defs" -size 0 -delete

for d in "$defs"/*.def; do
	n=$(basename "$d" .def)
	cp "$d" def/"$n"
	put roundtrip "$n" 000 "$d"
	put model "$n" 020 "$d"       # no old file
	{ cat "$d"; printf '\0'; cat "$defs/full.def"; } >diff/"$n"
done
# Option bytes on the ones that use them: kill-at, no underscore, MSVC
# naming, each archive kind; i386, kill-at, aliases for the model.
for n in full stdcall; do
	for b in 001 002 004 010 020 024; do put roundtrip "$n-$b" $b "$defs/$n.def"; done
	for b in 001 003 005 011 015; do
		{ printf "\\$b"; cat "$defs/$n.def"; printf '\0'; cat "$defs/full.def"; } >model/"$n-$b"
	done
done
# Old and new files of a real library (what --merge and --diff see).
a=$defs/mingw-lib-common-vcruntime140.def b=$defs/mingw-lib-common-vcruntime140-common.def
if [ -f "$a" ] && [ -f "$b" ]; then
	{ cat "$a"; printf '\0'; cat "$b"; } >diff/vcruntime
	{ printf '\000'; cat "$a"; printf '\0'; cat "$b"; } >model/vcruntime
fi
printf '\000EXPORTS\n f @1\n g\0EXPORTS\n f @3\n h @9 NONAME\n' >model/ordinals
printf 'EXPORTS\n f @1\n g DATA\n h @2 NONAME\0EXPORTS\n f @2\n g\n x @2\n' >diff/ordinals

# ---------------------------------------------------------------- objects, archives
objs=$W/objs
mkdir -p "$objs"
for o in "$FIX"/*/*.o "$FIX"/*/*.obj; do
	[ -f "$o" ] || continue
	n=$(basename "$(dirname "$o")")-$(basename "$o")
	cp "$o" "$objs/$n"
	put bfd "$n" 000 "$o"
	put bfd "all-$n" 001 "$o"
done
for d in "$FIX"/*/; do
	[ -d "$d" ] || continue
	cfg=$(basename "$d")
	ls "$d"/*.o >/dev/null 2>&1 || continue
	if have ar; then
		ar rcs "$W/gnu-$cfg.a" "$d"/*.o && {
			put bfd "gnu-$cfg.a" 000 "$W/gnu-$cfg.a"
			put bfd "gnu-all-$cfg.a" 001 "$W/gnu-$cfg.a"
			cp "$W/gnu-$cfg.a" archive/
		}
	fi
	if [ -x "$LLVM/llvm-lib" ]; then
		"$LLVM/llvm-lib" -out:"$W/ms-$cfg.lib" "$d"/*.o 2>/dev/null && {
			put bfd "ms-$cfg.lib" 000 "$W/ms-$cfg.lib"
			cp "$W/ms-$cfg.lib" archive/
		}
	fi
done
if [ -f "$W/gnu-mingw64.a" ]; then
	put bfd "runtime-mingw64.a" 041 "$W/gnu-mingw64.a" # named libstdc++.a, --export-all
	put bfd "excl-mingw64.a" 021 "$W/gnu-mingw64.a"
	put bfd "msvc-mingw32.a" 005 "$W/gnu-mingw32.a"
fi
if have ar && [ -f "$objs/mingw64-api.o" ]; then
	(cd "$W" && rm -f thin.a && ar rcsT thin.a objs/mingw64-api.o) && cp "$W/thin.a" archive/
fi

# .drectve sections, and directive texts of both dialects.
if [ -x "$LLVM/llvm-objcopy" ]; then
	for o in "$objs"/*; do
		n=$(basename "$o")
		"$LLVM/llvm-objcopy" --dump-section=.drectve="drectve/$n" "$o" "$W/scratch.o" \
			2>/dev/null || rm -f "drectve/$n"
	done
fi
printf ' -export:"add" -export:"counter",data -export:sfunc@8 -exclude-symbols:a,b' >drectve/gnu
printf '/EXPORT:_add /EXPORT:"_sfunc@8" /EXPORT:_counter,DATA /EXPORT:f,@7,NONAME /EXPORT:g=impl /EXPORT:p,PRIVATE /EXPORT:e,EXPORTAS,y /DEFAULTLIB:"uuid.lib"' >drectve/msvc
find drectve -size 0 -delete

# ---------------------------------------------------------------- DLLs
dlls=$W/dlls libs=$W/libs
mkdir -p "$dlls" "$libs"
if [ -x "$LLVM/lld-link" ]; then
	for cfg in msvc64 msvc32 msvcarm64; do
		[ -f "$FIX/$cfg/api.o" ] || continue
		m=; [ $cfg = msvc32 ] && m=-machine:x86
		"$LLVM/lld-link" -dll -noentry $m -out:"$dlls/$cfg.dll" "$FIX/$cfg/api.o" \
			"$FIX/$cfg/fltused.obj" >/dev/null 2>&1 || rm -f "$dlls/$cfg.dll"
	done
	if [ -f "$FIX/msvc64/api.o" ]; then
		printf 'LIBRARY fwd.dll\nEXPORTS\n add @3 NONAME\n counter DATA\n fwd = kernel32.GetTickCount\n ofwd = other.#12\n alias = add\n' >"$W/fwd.def"
		"$LLVM/lld-link" -dll -noentry -def:"$W/fwd.def" -out:"$dlls/fwd.dll" \
			"$FIX/msvc64/api.o" "$FIX/msvc64/fltused.obj" >/dev/null 2>&1 || rm -f "$dlls/fwd.dll"
	fi
fi
if have i686-w64-mingw32-gcc && [ -f "$FIX/mingw32/api.o" ]; then
	i686-w64-mingw32-gcc -shared -s -nostdlib -Wl,-e,0 -Wl,--kill-at -o "$dlls/killat32.dll" \
		"$FIX/mingw32/api.o" 2>/dev/null || rm -f "$dlls/killat32.dll"
	i686-w64-mingw32-gcc -shared -s -nostdlib -Wl,-e,0 -o "$dlls/gnu32.dll" \
		"$FIX/mingw32/api.o" 2>/dev/null || rm -f "$dlls/gnu32.dll"
fi
if have x86_64-w64-mingw32-gcc && [ -f "$FIX/mingw64/api.o" ]; then
	x86_64-w64-mingw32-gcc -shared -s -nostdlib -Wl,-e,0 -o "$dlls/gnu64.dll" \
		"$FIX/mingw64/api.o" 2>/dev/null || rm -f "$dlls/gnu64.dll"
	x86_64-w64-mingw32-gcc -s -nostdlib -Wl,-e,0 -Wl,--export-all-symbols -o "$dlls/prog.exe" \
		"$FIX/mingw64/api.o" 2>/dev/null || rm -f "$dlls/prog.exe"
fi
for d in "$dlls"/*.dll "$dlls"/*.exe; do
	[ -f "$d" ] && cp "$d" pe/ && cp "$d" imports/
done
# Programs that import at load and delay-load (the delay-load library
# mkimplib makes, whose descriptors no directory lists), and a Wine DLL
# with both kinds, when there is one.
if have x86_64-w64-mingw32-gcc && [ -x "$BUILD/bin/mkimplib" ]; then
	printf 'LIBRARY dly.dll\nEXPORTS\n f1\n f2 @7 NONAME\n' >"$dlls/dly.def"
	printf 'int f1(void); int f2(void);\nint main(void) { return f1() + f2(); }\n' >"$dlls/dly.c"
	"$BUILD/bin/mkimplib" -m x86-64 --delay -o "$dlls/libdly.a" "$dlls/dly.def" 2>/dev/null &&
		x86_64-w64-mingw32-gcc -s -o imports/delay.exe "$dlls/dly.c" "$dlls/libdly.a" 2>/dev/null
fi
for f in /usr/lib/x86_64-linux-gnu/wine/x86_64-windows/adsldp.dll; do
	[ -f "$f" ] && cp "$f" imports/wine-adsldp.dll
done
# ARM64X: the DLL and import libraries tests/cli/arm64x.sh builds (clang-22,
# lld-link), when make check has run in this build folder: two export
# views, the dynamic value relocations, two-view import libraries.
AX=$BUILD/test-work/arm64x
for f in pair.dll cx.dll; do
	[ -f "$AX/$f" ] && cp "$AX/$f" "pe/arm64x-$f"
done
for f in ours_c.lib ours_cxx.lib fromdll.lib; do
	[ -f "$AX/$f" ] && cp "$AX/$f" "implib/arm64x-$f"
done
mv "$dlls"/*.lib "$libs"/ 2>/dev/null # lld-link's import libraries

for m in i386 x86-64 arm64 arm64ec arm; do
	for f in short long; do
		[ $m = arm64ec ] && [ $f = long ] && continue
		"$BIN/mkimplib" -m $m --format $f -D full.dll -o "$libs/mk-$m-$f.lib" "$defs/full.def" \
			2>/dev/null || rm -f "$libs/mk-$m-$f.lib"
	done
	"$BIN/mkimplib" -m $m --archive gnu -D full.dll -o "$libs/mk-$m-gnu.lib" "$defs/full.def" \
		2>/dev/null || rm -f "$libs/mk-$m-gnu.lib"
done
"$BIN/mkimplib" -m i386 -k --format long -o "$libs/mk-i386-k-long.lib" "$defs/stdcall.def" \
	2>/dev/null || rm -f "$libs/mk-i386-k-long.lib"
"$BIN/mkimplib" -m i386 -k -o "$libs/mk-i386-k.lib" "$defs/stdcall.def" 2>/dev/null ||
	rm -f "$libs/mk-i386-k.lib"
# Delay-load libraries (read_delay_import in read_implib.c; dlltool -y's below).
for m in i386 x86-64 arm64; do
	"$BIN/mkimplib" --delay -m $m -D full.dll -o "$libs/mk-$m-delay.lib" "$defs/full.def" \
		2>/dev/null || rm -f "$libs/mk-$m-delay.lib"
done
if [ -x "$LLVM/llvm-dlltool" ]; then
	for m in i386 i386:x86-64 arm64 arm64ec arm; do
		"$LLVM/llvm-dlltool" -m $m -D full.dll -d "$defs/stdcall.def" \
			-l "$libs/llvm-${m/:/-}.lib" 2>/dev/null || rm -f "$libs/llvm-${m/:/-}.lib"
	done
fi
for p in i686 x86_64; do
	have $p-w64-mingw32-dlltool || continue
	(cd "$W" && $p-w64-mingw32-dlltool -D std.dll -d "$defs/stdcall.def" -l "$libs/gnu-$p.a" \
		2>/dev/null) || rm -f "$libs/gnu-$p.a"
	(cd "$W" && $p-w64-mingw32-dlltool -D std.dll -d "$defs/stdcall.def" -y "$libs/gnu-$p-delay.a" \
		2>/dev/null) || rm -f "$libs/gnu-$p-delay.a"
done
# Real ones: the smallest import libraries of the MinGW sysroot.
for dir in /usr/x86_64-w64-mingw32/lib /usr/i686-w64-mingw32/lib; do
	for f in $(ls -S "$dir"/lib*.a 2>/dev/null | tail -150 | head -3); do
		cp "$f" "$libs/sys-$(basename "$(dirname "$dir")")-$(basename "$f")"
	done
done
find "$libs" -size 0 -delete
for l in "$libs"/*; do
	[ -f "$l" ] || continue
	cp "$l" implib/
	cp "$l" archive/
	put bfd "$(basename "$l")" 000 "$l"
done

# ---------------------------------------------------------------- export objects
# mkimplib --exp for each machine (i386 also with -k), and GNU dlltool -e's.
for m in i386 x86-64 arm64 arm; do
	"$BIN/mkimplib" -m $m -D full.dll --exp "exp/mk-$m.exp" "$defs/full.def" 2>/dev/null ||
		rm -f "exp/mk-$m.exp"
done
"$BIN/mkimplib" -m i386 -k --exp exp/mk-i386-k.exp "$defs/stdcall.def" 2>/dev/null ||
	rm -f exp/mk-i386-k.exp
for p in i686 x86_64; do
	have $p-w64-mingw32-dlltool || continue
	(cd "$W" && $p-w64-mingw32-dlltool -D full.dll -d "$defs/full.def" -e "$OUT/exp/gnu-$p.exp" \
		2>/dev/null) || rm -f "exp/gnu-$p.exp"
done

# ---------------------------------------------------------------- command lines
# The files every fuzz_cli run sees (short names the fuzzer can find).
files=cli-files
[ -f "$defs/full.def" ] && cp "$defs/full.def" $files/a.def
printf 'LIBRARY full.dll\nEXPORTS\n    plain @3\n    gone @4\n' >$files/old.def
[ -f "$objs/mingw64-api.o" ] && cp "$objs/mingw64-api.o" $files/api.o
[ -f "$objs/mingw32-api.o" ] && cp "$objs/mingw32-api.o" $files/api32.o
[ -f "$objs/msvc32-api.o" ] && cp "$objs/msvc32-api.o" $files/ms32.o
[ -f "$W/gnu-mingw64.a" ] && cp "$W/gnu-mingw64.a" $files/lib.a
[ -f "$dlls/msvc64.dll" ] && cp "$dlls/msvc64.dll" $files/api.dll
[ -f "$dlls/killat32.dll" ] && cp "$dlls/killat32.dll" $files/k32.dll
[ -f imports/delay.exe ] && cp imports/delay.exe $files/prog.exe
[ -f "$libs/mk-x86-64-short.lib" ] && cp "$libs/mk-x86-64-short.lib" $files/api.lib
[ -f exp/mk-x86-64.exp ] && cp exp/mk-x86-64.exp $files/x.exp
[ -f "$libs/mk-i386-long.lib" ] && cp "$libs/mk-i386-long.lib" $files/long.a
printf 'a.def\n-o\nr.def\n' >$files/rsp

n=0
cli() { # cli ARG... [-- IN-CONTENT-FILE]: one seed
	local in=
	local args=()
	while [ $# -gt 0 ]; do
		if [ "$1" = -- ]; then in=$2; break; fi
		args+=("$1"); shift
	done
	n=$((n + 1))
	{
		printf '%s' "${args[0]}"
		for a in "${args[@]:1}"; do printf '\n%s' "$a"; done
		if [ -n "$in" ]; then printf '\0'; cat "$in"; fi
	} >cli/seed-$n
}
cli mkdef -o out.def api.o
cli mkdef api.o api32.o
cli mkdef --export-all --explain lib.a
cli mkdef --export-all --exclude 'add*' --exclude-libs ALL --keep-runtime-libs lib.a
cli mkdef --dialect msvc -k -A ms32.o
cli mkdef -k -A api32.o
cli mkdef --merge old.def -o new.def -M new.d api.o
cli mkdef --library x.dll api.o
cli mkdef api.dll
cli mkdef --recover-stdcall --explain k32.dll
cli mkdef --dll full.dll api.lib
cli mkdef long.a
cli mkdef a.def
cli mkdef @rsp
cli mkdef in -- "$objs/mingw64-plain.o"
cli mkdef --export-all in -- "$W/gnu-mingw32.a"
cli mkdef -o api.o api.o
cli mkdef --ex api.o
cli mkdef -h
cli mkdef -V
cli mkdef
cli mkimplib -m x86-64 -o x.lib a.def
cli mkimplib -m i386 -k --format long -o x.a a.def
cli mkimplib -m arm64ec --archive gnu -o x.lib -D y.dll a.def
cli mkimplib -m i386 -k -o x.lib --exp x.exp a.def
cli dumpexports -f json x.exp
cli mkimplib -m arm --no-leading-underscore -o x.lib a.def
cli mkimplib -o x.lib -M x.d api.dll
cli mkimplib --recover-stdcall -o x.lib k32.dll
cli mkimplib -o x.lib --dll full.dll api.lib
cli mkimplib -o x.lib --export-all -D api.dll lib.a
cli mkimplib --dialect msvc -o x.lib -D m.dll ms32.o
cli mkimplib -m i386 -o x.lib in -- "$defs/stdcall.def"
cli mkimplib -o x.lib in -- "$dlls/gnu32.dll"
cli mkimplib -m x86-64 -o a.def a.def
cli dllkit-dlltool -m i386 -k -d a.def -l x.a -e x.exp -y d.a
cli dllkit-dlltool --as-flags=--64 -m i386:x86-64 -k --output-lib x.a --temp-prefix x --input-def a.def
cli dllkit-dlltool -d in -D X.dll -l x.a -m i386 -f --32 --no-leading-underscore --temp-prefix P -- "$defs/stdcall.def"
cli dllkit-dlltool -A -U --export-all-symbols --exclude-symbols=add -z o.def -D api.dll -l x.a api32.o
cli dllkit-dlltool --identify-strict -I long.a
cli dllkit-dlltool -I in -- "$libs/mk-x86-64-short.lib"
cli dumpexports api.dll
cli dumpexports --imports -f tsv api.dll
cli dumpexports --imports -f json -C prog.exe api.dll
cli dumpexports --deps prog.exe
cli dumpexports --deps -f json -L . --system api.dll prog.exe
cli dumpexports --deps -f paths -L. api.dll
cli dumpexports -f json api.dll api.lib a.def api.o
cli dumpexports -f def long.a
cli dumpexports -f tsv -C lib.a
cli dumpexports --diff a.def api.lib
cli dumpexports --diff --ignore-kind --ordinals old.def a.def
cli dumpexports --check a.def api.lib
cli dumpexports --check --dll full.dll a.def api.lib
cli dumpexports --export-all --dialect msvc ms32.o
cli dumpexports -f json in -- "$dlls/fwd.dll"
cli dumpexports in -- "$defs/full.def"
find cli -size 0 -delete

rm -rf "$W"
for t in def drectve implib pe bfd archive roundtrip model diff cli; do
	printf '  seeds: %-10s %4d\n' "$t" "$(ls $t | wc -l)"
done
touch .stamp
