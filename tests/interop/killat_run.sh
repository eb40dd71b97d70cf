#!/bin/bash
# i386 kill-at, end to end: `mkdef -k` -> DLL (GNU ld and lld) -> `mkimplib
# -k` (short and long format) -> stdcall client (GNU ld and lld) -> Wine.
#
# The DLL (src/killat_dll.c) has stdcall functions whose names are
# prefixes of one another (f, f2, f10; ab, abc), a fastcall one, a cdecl
# one and a DATA export, built twice: with __declspec(dllexport) (the
# objects carry -export: directives) and without (the .def alone decides;
# `mkdef -k --export-all`).  `mkdef -k` writes `f = f@4`, as
# `ld --kill-at --output-def` does.  The old form, `f@4 == f`, made GNU ld
# 2.40 write an unsorted name table (sorted by f10@12, f2@8, f@4 but
# holding f10, f2, f), so the loader's binary search missed names:
# GetProcAddress(h, "f") was NULL and a client died with "Unimplemented
# function k.dll.f".
#
# Every DLL is checked: it exports every undecorated name (llvm-readobj 22
# --coff-exports) and its name pointer table is in byte order (objdump -p
# prints that table in its own order; llvm-readobj shows exports by
# ordinal).  That check is shown to catch the old bug: the old form, made
# by hand from k.def, linked by GNU ld, must FAIL it.
#
# Every client (src/killat_client.c, compiled with and without
# __declspec(dllimport), both in one program) imports the undecorated
# names, calls everything, checks GetProcAddress finds every name and
# prints "killat-ok" under Wine: 2 object variants x 2 DLL linkers x 2
# formats x 2 client linkers.  Then the peer reference: a DLL linked with
# `-Wl,--kill-at`, its .def from `--output-def`, `mkimplib -k` on that.
# Then --recover-stdcall: the same objects linked with --kill-at (GNU ld,
# lld), mkdef's decorations read from the code beside ld's --output-def,
# and mkimplib --recover-stdcall libraries the clients link and run with
# (and fail to link without).  The zlib-shaped DLL below gets one too.
. "$(dirname "$0")/lib/harness.sh"
cd "$T" || exit 1
export LC_ALL=C
SENTINEL=killat-ok
arch=i386
CC=i686-w64-mingw32-gcc
LLVM22=/usr/lib/llvm-22/bin
RO=$LLVM22/llvm-readobj
LDLLD=$LLVM22/ld.lld
OBJDUMP=i686-w64-mingw32-objdump
command -v "$OBJDUMP" >/dev/null 2>&1 || OBJDUMP=objdump
# Every export of k.dll, by the name the loader is asked for.
NAMES="ab abc counter f f10 f2 fast get_counter plain"

built "i386 kill-at" "$MKDEF" "$MKIMPLIB" || exit 0
need "i386 kill-at" "$RO" "$LDLLD" "$CC" clang || exit 0
if ! "$OBJDUMP" -i 2>/dev/null | grep -q pei-i386; then
	missing "i386 kill-at" "an objdump that reads pei-i386 (binutils-mingw-w64-i686)"
	exit 0
fi
GCCLIB=$(mingw_gcc_libdir i386)
lld_cc() { clang --target=i686-w64-mingw32 -fuse-ld=lld --ld-path="$LDLLD" -L"$GCCLIB" "$@"; }
gnu_cc() { "$CC" "$@"; }
linker_label() { case $1 in gnu) echo "GNU ld" ;; lld) echo "lld-22 MinGW mode" ;; esac; }

# log_of FILE: the first lines of a log, on one line.
log_of() { head -c 600 "$1" | tr '\n' '|'; }

# name_table DLL: the export name pointer table, in the order it is stored.
name_table() {
	"$OBJDUMP" -p "$1" | awk '
		/^\[Ordinal\/Name Pointer\] Table/ { t=1; next }
		t && /^[ \t]*$/ { t=0 }
		t { print $NF }'
}

# check_killat_dll NAME DLL: DLL exports every name of $NAMES (as
# llvm-readobj sees them), its name table holds the same names as
# llvm-readobj shows, and that table is in byte order (the loader
# binary-searches it).  Returns 1, with the reason in WHY, when not.
check_killat_dll() {
	local dll=$1 d missing n
	d=$(dirname "$dll")
	WHY=
	dll_exports "$dll" >"$d/exports.txt"
	name_table "$dll" >"$d/nametable.txt"
	missing=
	for n in $NAMES; do
		grep -qxF "$n" "$d/exports.txt" || missing="$missing $n"
	done
	if [ -n "$missing" ]; then
		WHY="llvm-readobj shows no export named:$missing (exports: $(tr '\n' ' ' <"$d/exports.txt"))"
	elif ! sort "$d/nametable.txt" | cmp -s - "$d/exports.txt"; then
		WHY="the name table ($OBJDUMP -p) holds other names than llvm-readobj shows: $(tr '\n' ' ' <"$d/nametable.txt")"
	elif ! sort -c "$d/nametable.txt" 2>/dev/null; then
		WHY="the name table is not in byte order: $(tr '\n' ' ' <"$d/nametable.txt")"
	fi
	[ -z "$WHY" ]
}

# Client objects, once: the dllimport part (with main) and the thunk part.
mkdir -p obj
if ! { "$CC" -O2 -c -o obj/gcc-dllimport.o "$ISRC/killat_client.c" &&
	"$CC" -O2 -DNO_DLLIMPORT -c -o obj/gcc-thunk.o "$ISRC/killat_client.c" &&
	clang --target=i686-w64-mingw32 -O2 -c -o obj/clang-dllimport.o "$ISRC/killat_client.c" &&
	clang --target=i686-w64-mingw32 -O2 -DNO_DLLIMPORT -c -o obj/clang-thunk.o "$ISRC/killat_client.c"; } >obj/build.log 2>&1; then
	fail "i386 kill-at: compile the client" "$(log_of obj/build.log)"
	exit 0
fi

# client_cells TAG DLLDIR LIBDIR: for each import library LIBDIR/k-FORMAT.lib
# and each client linker, link the client, check it imports the undecorated
# names from k.dll, and run it under Wine beside DLLDIR/k.dll.
client_cells() {
	local tag=$1 dlldir=$2 libdir=$3 format cl dir name
	for format in short long; do
		for cl in gnu lld; do
			name="$tag: $format-format library, client by $(linker_label $cl)"
			dir=$dlldir/run-$format-$cl
			mkdir -p "$dir"
			cp "$dlldir/k.dll" "$dir/"
			if [ $cl = gnu ]; then
				link_step "$name: links" "$dir" gnu_cc -o c.exe "$T/obj/gcc-dllimport.o" "$T/obj/gcc-thunk.o" "$libdir/k-$format.lib"
			else
				link_step "$name: links" "$dir" lld_cc -o c.exe "$T/obj/clang-dllimport.o" "$T/obj/clang-thunk.o" "$libdir/k-$format.lib"
			fi || continue
			exe_imports "$dir/c.exe" k.dll >"$dir/imports.txt"
			if [ "$(tr '\n' ' ' <"$dir/imports.txt")" = "$NAMES " ]; then
				ok "$name: imports the undecorated names"
			else
				fail "$name: imports the undecorated names" "k.dll imports: $(tr '\n' ' ' <"$dir/imports.txt"), want $NAMES"
			fi
			run_step "$name: runs under Wine" i386 "$dir" c.exe k.dll
		done
	done
}

# make_libs TAG DEF LIBDIR: mkimplib -m i386 -k, both formats.
make_libs() {
	local tag=$1 def=$2 libdir=$3 format rc=0
	mkdir -p "$libdir"
	for format in short long; do
		if "$MKIMPLIB" -m i386 -k --format $format -D k.dll -o "$libdir/k-$format.lib" "$def" >"$libdir/implib-$format.log" 2>&1; then
			ok "$tag: mkimplib -m i386 -k --format $format"
		else
			fail "$tag: mkimplib -m i386 -k --format $format" "$(log_of "$libdir/implib-$format.log")"
			rc=1
		fi
	done
	return $rc
}

for variant in dllexport plain; do
	vdir=$T/$variant
	mkdir -p "$vdir"
	cflags=
	allflag=--export-all
	if [ $variant = dllexport ]; then
		cflags=-DKILLAT_DLLEXPORT
		allflag=
	fi
	vtag="i386 kill-at, $variant objects"
	if ! "$CC" -O2 $cflags -c -o "$vdir/k.o" "$ISRC/killat_dll.c" >"$vdir/build.log" 2>&1; then
		fail "$vtag: compile killat_dll.c" "$(log_of "$vdir/build.log")"
		continue
	fi
	# mkdef -k (plain objects: --export-all, nothing marks an export)
	if "$MKDEF" -k $allflag -o "$vdir/k.def" "$vdir/k.o" >"$vdir/mkdef.log" 2>&1; then
		ok "$vtag: mkdef -k ${allflag:+$allflag }-o k.def"
	else
		fail "$vtag: mkdef -k ${allflag:+$allflag }-o k.def" "$(log_of "$vdir/mkdef.log")"
		continue
	fi
	if [ "$(def_names "$vdir/k.def" | tr '\n' ' ')" = "$NAMES " ] &&
	   grep -qxE '    f = f@4' "$vdir/k.def" && grep -qxE '    f10 = f10@12' "$vdir/k.def"; then
		ok "$vtag: k.def exports the undecorated names as 'f = f@4'"
	else
		fail "$vtag: k.def exports the undecorated names as 'f = f@4'" "$(tr '\n' '|' <"$vdir/k.def")"
	fi

	# The old form, by hand: every `X = Y` line as `Y == X`.  GNU ld's DLL
	# of it must fail the name-table check, or the check proves nothing.
	sed -E 's/^    ([^ ]+) = ([^ ]+)$/    \2 == \1/' "$vdir/k.def" >"$vdir/old.def"
	mkdir -p "$vdir/old-gnu"
	if ! grep -q ' f@4 == f$' "$vdir/old.def"; then
		fail "$vtag: the old 'f@4 == f' form, by hand" "no 'f@4 == f' line made from k.def: $(tr '\n' '|' <"$vdir/old.def")"
	elif ! gnu_cc -O2 -shared -o "$vdir/old-gnu/k.dll" "$vdir/old.def" "$vdir/k.o" >"$vdir/old-gnu/link.log" 2>&1; then
		fail "$vtag: GNU ld links the old 'f@4 == f' form" "$(log_of "$vdir/old-gnu/link.log")"
	elif check_killat_dll "$vdir/old-gnu/k.dll"; then
		fail "$vtag: the name-table check catches GNU ld's DLL of the old 'f@4 == f' form" "it passed: $(tr '\n' ' ' <"$vdir/old-gnu/nametable.txt")"
	elif [ $variant = plain ] && ! sort -c "$vdir/old-gnu/nametable.txt" 2>/dev/null &&
	     [ "$(sort "$vdir/old-gnu/nametable.txt" | tr '\n' ' ')" = "$NAMES " ]; then
		# the very bug: every name there, in an order the loader cannot search
		ok "$vtag: the name-table check catches GNU ld's DLL of the old 'f@4 == f' form ($WHY)"
	elif [ $variant = plain ]; then
		fail "$vtag: the name-table check catches GNU ld's DLL of the old 'f@4 == f' form" "it failed, but not by the order of a table holding every name: $WHY"
	elif grep -qxF 'f@4' "$vdir/old-gnu/exports.txt" && ! grep -qxF f "$vdir/old-gnu/exports.txt"; then
		# with -export: directives GNU ld exports only f@4 for `f@4 == f`
		ok "$vtag: the name-table check catches GNU ld's DLL of the old 'f@4 == f' form ($WHY)"
	else
		fail "$vtag: the name-table check catches GNU ld's DLL of the old 'f@4 == f' form" "it failed, but not because f@4 is exported in f's place: $WHY"
	fi

	make_libs "$vtag" "$vdir/k.def" "$vdir/lib" || continue

	# ... and the client must fail against that DLL, or the run proves
	# nothing about the name table.
	if [ -f "$vdir/old-gnu/k.dll" ]; then
		name="$vtag: the client fails under Wine against GNU ld's DLL of the old form"
		dir=$vdir/old-gnu/run
		mkdir -p "$dir"
		cp "$vdir/old-gnu/k.dll" "$dir/"
		if ! gnu_cc -o "$dir/c.exe" obj/gcc-dllimport.o obj/gcc-thunk.o "$vdir/lib/k-short.lib" >"$dir/link.log" 2>&1; then
			fail "$name" "the client does not link: $(log_of "$dir/link.log")"
		elif ! wine_ready i686; then
			wine_unavailable "$name" "$WINE_WHY"
		elif run_wine "$dir" c.exe "$SENTINEL" k.dll; then
			fail "$name" "it printed $SENTINEL and exited 0"
		elif tr -d '\r' <"$dir/c.out" | grep -qiE 'unimplemented function k\.dll\.|FAIL GetProcAddress'; then
			ok "$name ($(tr -d '\r' <"$dir/c.out" | grep -iE 'unimplemented function k\.dll\.|FAIL ' | head -1))"
		else
			fail "$name" "it failed, but not for a name the loader did not find: $WINE_WHY"
		fi
	fi
	for dl in gnu lld; do
		dtag="$vtag, DLL by $(linker_label $dl)"
		ddir=$vdir/dll-$dl
		mkdir -p "$ddir"
		if ! ${dl}_cc -O2 -shared -o "$ddir/k.dll" "$vdir/k.def" "$vdir/k.o" >"$ddir/link.log" 2>&1; then
			fail "$dtag: links from k.def" "$(log_of "$ddir/link.log")"
			continue
		fi
		ok "$dtag: links from k.def"
		if check_killat_dll "$ddir/k.dll"; then
			ok "$dtag: exports the undecorated names in a sorted name table"
		else
			fail "$dtag: exports the undecorated names in a sorted name table" "$WHY"
		fi
		client_cells "$dtag" "$ddir" "$vdir/lib"
	done
done

# The peer reference: GNU ld --kill-at links the DLL from the dllexport
# objects and writes its .def (`f = f@4 @4`, no LIBRARY line); mkimplib -k
# on that .def.
rtag="i386 kill-at, peer reference: ld --kill-at --output-def"
rdir=$T/ld-kill-at/dll
mkdir -p "$rdir"
if "$CC" -O2 -DKILLAT_DLLEXPORT -c -o "$rdir/k.o" "$ISRC/killat_dll.c" >"$rdir/link.log" 2>&1 &&
   gnu_cc -O2 -shared -Wl,--kill-at -Wl,--output-def,"$rdir/k.def" -o "$rdir/k.dll" "$rdir/k.o" >>"$rdir/link.log" 2>&1; then
	# (GNU ld's DLL: a check of the reference, silent when it holds)
	check_killat_dll "$rdir/k.dll" ||
		fail "$rtag: k.dll (the reference) exports the undecorated names in a sorted name table" "$WHY"
	make_libs "$rtag" "$rdir/k.def" "$T/ld-kill-at/lib" &&
		client_cells "$rtag" "$rdir" "$T/ld-kill-at/lib"
else
	fail "$rtag: links k.dll and writes k.def" "$(log_of "$rdir/link.log")"
fi

# ---------------------------------------------------------------------------
# --recover-stdcall: the DLL alone.  A DLL linked with --kill-at (by GNU ld
# and by lld) has lost every @N; mkdef --recover-stdcall must give back the
# decorations `ld --kill-at --output-def` wrote for the same objects (read
# from the code: f = f@4, fast = @fast@8; plain and abc/get_counter, whose
# code returns with a plain ret, stay as they are and are named in a note),
# and mkimplib --recover-stdcall, without -k, must make import libraries a
# stdcall client links against and runs with.
for dl in gnu lld; do
	qtag="i386 --recover-stdcall, DLL linked with --kill-at by $(linker_label $dl)"
	qdir=$T/recover-$dl/dll
	mkdir -p "$qdir" "$T/recover-$dl/lib"
	if ! ${dl}_cc -O2 -shared -Wl,--kill-at -o "$qdir/k.dll" "$rdir/k.o" >"$qdir/link.log" 2>&1; then
		fail "$qtag: links k.dll" "$(log_of "$qdir/link.log")"
		continue
	fi
	if "$MKDEF" --recover-stdcall -o "$qdir/k.def" "$qdir/k.dll" 2>"$qdir/mkdef.err"; then
		# name = internal pairs, ordinals and DATA left out, beside ld's.
		pairs() { sed -n 's/^ *\([^ ;]*\) = \([^ ]*\).*/\1 = \2/p' "$1" | sort; }
		pairs "$qdir/k.def" >"$qdir/got.txt"
		pairs "$rdir/k.def" >"$qdir/want.txt"
		# The code cannot tell stdcall without arguments from cdecl.
		grep -v -e '^abc = ' -e '^get_counter = ' "$qdir/want.txt" >"$qdir/want-decidable.txt"
		if [ ! -s "$qdir/want-decidable.txt" ]; then
			fail "$qtag: mkdef writes ld --output-def's decorations" "nothing to compare: no 'name = internal' line in ld's $rdir/k.def"
		elif cmp -s "$qdir/got.txt" "$qdir/want-decidable.txt"; then
			ok "$qtag: mkdef writes ld --output-def's decorations ($(tr '\n' ',' <"$qdir/got.txt"))"
		else
			fail "$qtag: mkdef writes ld --output-def's decorations" "got $(tr '\n' ',' <"$qdir/got.txt"), want $(tr '\n' ',' <"$qdir/want-decidable.txt")"
		fi
		if grep -q 'keep their names: abc, get_counter, plain' "$qdir/mkdef.err"; then
			ok "$qtag: the note names the exports left as they are"
		else
			fail "$qtag: the note names the exports left as they are" "$(log_of "$qdir/mkdef.err")"
		fi
	else
		fail "$qtag: mkdef --recover-stdcall" "$(log_of "$qdir/mkdef.err")"
	fi
	qlibs=1
	for format in short long; do
		if "$MKIMPLIB" -m i386 --recover-stdcall --format $format -o "$T/recover-$dl/lib/k-$format.lib" "$qdir/k.dll" >"$qdir/implib-$format.log" 2>&1; then
			ok "$qtag: mkimplib --recover-stdcall --format $format"
		else
			fail "$qtag: mkimplib --recover-stdcall --format $format" "$(log_of "$qdir/implib-$format.log")"
			qlibs=
		fi
	done
	[ -n "$qlibs" ] && client_cells "$qtag" "$qdir" "$T/recover-$dl/lib"
	# What the option is for: from the DLL's names alone, the client
	# does not link.
	"$MKIMPLIB" -m i386 -o "$qdir/names-only.lib" "$qdir/k.dll" >"$qdir/names-only.log" 2>&1
	if gnu_cc -o "$qdir/names-only.exe" "$T/obj/gcc-dllimport.o" "$T/obj/gcc-thunk.o" "$qdir/names-only.lib" >>"$qdir/names-only.log" 2>&1; then
		fail "$qtag: without --recover-stdcall the client does not link" "it linked"
	elif grep -q "undefined reference to \`_imp__f@4'" "$qdir/names-only.log"; then
		ok "$qtag: without --recover-stdcall the client does not link (undefined _imp__f@4)"
	else
		fail "$qtag: without --recover-stdcall the client does not link" "$(log_of "$qdir/names-only.log")"
	fi
done

# ---------------------------------------------------------------------------
# zlib's naming shape: the 89 public functions of zlib 1.3.1 built with
# ZLIB_WINAPI, same names and argument sizes (src/killat_zshape.h), as
# zlibwapi.dll.  `mkdef -k --export-all` -> GNU ld and lld DLLs with sorted
# name tables -> mkimplib -k -> a client calling all 89 and looking each up.
# With zlib's internal names beside them (what --export-all exports from
# zlib's objects) the .def is the one mkdef -k --export-all writes for
# zlib 1.3.1 itself, and the old form loses the same 10 names the real
# zlibwapi.dll lost.
ztag="i386 kill-at, zlib-shaped zlibwapi.dll (89 functions)"
zdir=$T/zshape
mkdir -p "$zdir"
ZNAMES=$(sed -n 's/^[ZC]([0-9]*, \([A-Za-z0-9_]*\).*/\1/p' "$ISRC/killat_zshape.h" | sort | tr '\n' ' ')
ZLOST_OLD="adler32_combine64 compress crc32_combine crc32_combine_gen gzoffset gzopen gzseek gztell64 inflateReset2 uncompress2"
if ! { "$CC" -O2 -c -o "$zdir/z.o" "$ISRC/killat_zshape_dll.c" &&
	"$CC" -O2 -c -o "$zdir/client-gcc.o" "$ISRC/killat_zshape_client.c" &&
	clang --target=i686-w64-mingw32 -O2 -c -o "$zdir/client-clang.o" "$ISRC/killat_zshape_client.c"; } >"$zdir/build.log" 2>&1; then
	fail "$ztag: compile" "$(log_of "$zdir/build.log")"
elif ! "$MKDEF" -k --export-all -o "$zdir/zlibwapi.def" "$zdir/z.o" >"$zdir/mkdef.log" 2>&1; then
	fail "$ztag: mkdef -k --export-all" "$(log_of "$zdir/mkdef.log")"
else
	ok "$ztag: mkdef -k --export-all"
	def_names "$zdir/zlibwapi.def" >"$zdir/def-names.txt"
	missing=
	for n in $ZNAMES; do grep -qxF "$n" "$zdir/def-names.txt" || missing="$missing $n"; done
	if [ -z "$missing" ] && [ "$(echo $ZNAMES | wc -w)" = 89 ] && [ "$(wc -l <"$zdir/def-names.txt")" = 106 ] &&
	   grep -qx '    compress2 = compress2@20' "$zdir/zlibwapi.def" && grep -qx '    gzprintf' "$zdir/zlibwapi.def"; then
		ok "$ztag: the .def lists zlib's 106 names (the 89 and the internal ones), stdcall ones as 'compress2 = compress2@20'"
	else
		fail "$ztag: the .def lists zlib's 106 names, stdcall ones as 'compress2 = compress2@20'" "missing:${missing:- none}; $(wc -l <"$zdir/def-names.txt") names: $(tr '\n' '|' <"$zdir/zlibwapi.def" | head -c 600)"
	fi
	zlibs_ok=1
	for format in short long; do
		if "$MKIMPLIB" -m i386 -k --format $format -o "$zdir/z-$format.lib" "$zdir/zlibwapi.def" >"$zdir/implib-$format.log" 2>&1; then
			ok "$ztag: mkimplib -m i386 -k --format $format"
		else
			fail "$ztag: mkimplib -m i386 -k --format $format" "$(log_of "$zdir/implib-$format.log")"
			zlibs_ok=
		fi
	done
	NAMES_SAVED=$NAMES
	NAMES=$ZNAMES
	# The old form, by hand: GNU ld's DLL of it, and what the loader finds.
	sed -E 's/^    ([^ ]+) = ([^ ]+)$/    \2 == \1/' "$zdir/zlibwapi.def" >"$zdir/old.def"
	mkdir -p "$zdir/old"
	if gnu_cc -O2 -shared -o "$zdir/old/zlibwapi.dll" "$zdir/old.def" "$zdir/z.o" >"$zdir/old/link.log" 2>&1; then
		if check_killat_dll "$zdir/old/zlibwapi.dll"; then
			fail "$ztag: the name-table check catches GNU ld's DLL of the old form" "it passed"
		elif sort -c "$zdir/old/nametable.txt" 2>/dev/null || [ ! -s "$zdir/old/exports.txt" ]; then
			fail "$ztag: the name-table check catches GNU ld's DLL of the old form" "it failed, but not by an unsorted name table: $WHY"
		else
			ok "$ztag: the name-table check catches GNU ld's DLL of the old form (${WHY:0:160}...)"
		fi
		name="$ztag: under Wine the old form loses zlib's 10 names"
		if [ -n "$zlibs_ok" ] && gnu_cc -o "$zdir/old/lookup.exe" "$zdir/client-gcc.o" "$zdir/z-short.lib" >"$zdir/old/link-client.log" 2>&1; then
			if ! wine_ready i686; then
				wine_unavailable "$name" "$WINE_WHY"
			elif ! run_wine "$zdir/old" lookup.exe zshape-lookup-done zlibwapi.dll; then
				fail "$name" "$WINE_WHY"
			else
				lost=$(tr -d '\r' <"$zdir/old/lookup.out" | sed -n 's/^not found: *//p' | tr ' ' '\n' | sort | tr '\n' ' ')
				if [ "$lost" = "$ZLOST_OLD " ]; then
					ok "$name: $lost"
				else
					fail "$name" "not found: '$lost', want '$ZLOST_OLD'"
				fi
			fi
		else
			fail "$name" "the client does not link: $(log_of "$zdir/old/link-client.log")"
		fi
	else
		fail "$ztag: GNU ld links the old form" "$(log_of "$zdir/old/link.log")"
	fi
	for dl in gnu lld; do
		dtag="$ztag, DLL by $(linker_label $dl)"
		ddir=$zdir/dll-$dl
		mkdir -p "$ddir"
		if ! ${dl}_cc -O2 -shared -o "$ddir/zlibwapi.dll" "$zdir/zlibwapi.def" "$zdir/z.o" >"$ddir/link.log" 2>&1; then
			fail "$dtag: links from zlibwapi.def" "$(log_of "$ddir/link.log")"
			continue
		fi
		if check_killat_dll "$ddir/zlibwapi.dll"; then
			ok "$dtag: exports the 89 undecorated names in a sorted name table"
		else
			fail "$dtag: exports the 89 undecorated names in a sorted name table" "$WHY"
		fi
		[ -n "$zlibs_ok" ] || continue
		# short library + GNU ld client, long library + lld client
		for pair in short-gnu long-lld; do
			format=${pair%-*} cl=${pair#*-}
			name="$dtag: $format-format library, client by $(linker_label $cl)"
			dir=$ddir/run-$pair
			mkdir -p "$dir"
			cp "$ddir/zlibwapi.dll" "$dir/"
			if [ $cl = gnu ]; then
				link_step "$name: links" "$dir" gnu_cc -o c.exe "$zdir/client-gcc.o" "$zdir/z-$format.lib"
			else
				link_step "$name: links" "$dir" lld_cc -o c.exe "$zdir/client-clang.o" "$zdir/z-$format.lib"
			fi || continue
			if [ "$(exe_imports "$dir/c.exe" zlibwapi.dll | tr '\n' ' ')" = "$ZNAMES" ]; then
				ok "$name: imports the 89 undecorated names"
			else
				fail "$name: imports the 89 undecorated names" "$(exe_imports "$dir/c.exe" zlibwapi.dll | tr '\n' ' ')"
			fi
			if ! wine_ready i686; then
				wine_unavailable "$name: runs under Wine, every name found" "$WINE_WHY"
			elif run_wine "$dir" c.exe zshape-ok zlibwapi.dll; then
				ok "$name: runs under Wine, every name found"
			else
				fail "$name: runs under Wine, every name found" "$WINE_WHY"
			fi
		done
		# From the DLL alone: mkimplib --recover-stdcall, a GNU ld client.
		name="$dtag: mkimplib --recover-stdcall from the DLL alone, client by GNU ld"
		dir=$ddir/run-recovered
		mkdir -p "$dir"
		cp "$ddir/zlibwapi.dll" "$dir/"
		if ! "$MKIMPLIB" --recover-stdcall -o "$dir/z.lib" "$ddir/zlibwapi.dll" >"$dir/implib.log" 2>&1; then
			fail "$name" "$(log_of "$dir/implib.log")"
			continue
		fi
		link_step "$name: links" "$dir" gnu_cc -o c.exe "$zdir/client-gcc.o" "$dir/z.lib" || continue
		if ! wine_ready i686; then
			wine_unavailable "$name: runs under Wine" "$WINE_WHY"
		elif run_wine "$dir" c.exe zshape-ok zlibwapi.dll; then
			ok "$name: runs under Wine"
		else
			fail "$name: runs under Wine" "$WINE_WHY"
		fi
	done
	NAMES=$NAMES_SAVED
fi
exit 0
