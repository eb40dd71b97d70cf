#!/bin/bash
# mkdef --export-all: every external defined symbol, less what the
# toolchain made.  MinGW: the same names GNU ld's --export-all-symbols
# exports from the same objects.  MSVC: the filters pinned, and the names
# beside CMake's own export-all (`cmake -E __create_def`, what
# WINDOWS_EXPORT_ALL_SYMBOLS runs), every difference pinned and explained;
# a DLL linked from the .def exports exactly its names.
. "$(dirname "$0")/../lib.sh"
need "mkdef --export-all beside ld, lld-link and CMake" llvm-objcopy llvm-nm lld-link clang cmake \
	x86_64-w64-mingw32-gcc x86_64-w64-mingw32-g++ x86_64-w64-mingw32-ar i686-w64-mingw32-gcc i686-w64-mingw32-g++ ||
	exit 0
built "mkdef --export-all" "$MKDEF" || exit 0
fixtures

# strip_obj IN OUT: OUT is IN without its .drectve; on failure STRIP_WHY says why.
strip_obj() {
	STRIP_WHY=
	llvm-objcopy -R .drectve "$1" "$2" 2>"$T/strip.err" && [ -s "$2" ] ||
		{ STRIP_WHY="llvm-objcopy -R .drectve $1 failed: $(head -c 300 "$T/strip.err" | tr '\n' '|')"; return 1; }
}
# has_names DEF: the .def lists at least one export.
has_names() { [ -n "$(def_names "$1" 2>/dev/null)" ]; }

# MinGW: compare with ld --export-all-symbols on the objects, drectve removed.
for cfg in mingw64 mingw32; do
	pre=$( [ $cfg = mingw64 ] && echo x86_64 || echo i686)-w64-mingw32
	for unit in c cxx; do
		w=$T/$cfg-$unit; mkdir -p "$w"
		if [ $unit = c ]; then srcs=(plain api); drv=$pre-gcc; else srcs=(cls cls2); drv=$pre-g++; fi
		objs=()
		for s in "${srcs[@]}"; do strip_obj "$FIX/$cfg/$s.o" "$w/$s.o" || break; objs+=("$w/$s.o"); done
		if [ -n "$STRIP_WHY" ]; then
			fail "$cfg $unit: strip .drectve from the objects" "$STRIP_WHY"
			continue
		fi
		if ! $drv -shared -Wl,--export-all-symbols -o "$w/ld.dll" "${objs[@]}" >"$w/ld.log" 2>&1; then
			fail "$cfg $unit: the reference DLL (ld --export-all-symbols)" "$(head -c 400 "$w/ld.log" | tr '\n' '|')"
			continue
		fi
		dll_exports "$w/ld.dll" >"$w/ld.txt"
		if ! "$MKDEF" --export-all -o "$w/x.def" "${objs[@]}" 2>"$w/err"; then
			fail "$cfg $unit: mkdef --export-all" "$(head -3 "$w/err" | tr '\n' '|')"
			continue
		fi
		def_names "$w/x.def" >"$w/ours.txt"
		same "$cfg $unit: same names as ld --export-all-symbols" "$w/ld.txt" "$w/ours.txt"
		# And the DLL linked from the .def exports the same.
		$drv -shared -o "$w/def.dll" "$w/x.def" "${objs[@]}" >"$w/def.log" 2>&1 ||
			{ fail "$cfg $unit: DLL from the .def exports it" "link: $(head -c 400 "$w/def.log" | tr '\n' '|')"; continue; }
		dll_exports "$w/def.dll" >"$w/def.txt"
		same "$cfg $unit: DLL from the .def exports it" "$w/ld.txt" "$w/def.txt"
	done
done

# MSVC: the filters, pinned.
for cfg in msvc64 msvc32; do
	m=$( [ $cfg = msvc64 ] && echo x64 || echo x86)
	w=$T/$cfg; mkdir -p "$w"
	if ! strip_obj "$FIX/$cfg/plain.o" "$w/plain.o" || ! strip_obj "$FIX/$cfg/cls.o" "$w/cls.o"; then
		fail "$cfg: strip .drectve from the objects" "$STRIP_WHY"
		continue
	fi
	# Without directives nothing in an object tells link.exe naming from
	# ld naming: the user says which.
	if ! "$MKDEF" --export-all --dialect msvc -o "$w/x.def" "$w/plain.o" "$w/cls.o" 2>"$w/err" ||
	   ! has_names "$w/x.def"; then
		fail "$cfg: mkdef --export-all --dialect msvc" "$(head -3 "$w/err" | tr '\n' '|')"
		continue
	fi
	if ! llvm-nm "$w/plain.o" "$w/cls.o" >"$w/nm.txt" 2>"$w/nm.err" || [ ! -s "$w/nm.txt" ]; then
		fail "$cfg: llvm-nm the objects" "$(head -3 "$w/nm.err" | tr '\n' '|')"
		continue
	fi
	for kind in '__real@' '??_C@' '??_G'; do
		if grep -qF -- "$kind" "$w/nm.txt" && ! grep -qF -- "$kind" "$w/x.def"; then
			ok "$cfg: $kind symbols in the object are left out"
		else
			fail "$cfg: $kind symbols in the object are left out" "not in nm or still in the .def"
		fi
	done
	if grep -q DllMain "$w/nm.txt" && ! grep -q DllMain "$w/x.def"; then ok "$cfg: DllMain left out"
	else fail "$cfg: DllMain left out" "$(grep DllMain "$w/x.def")"; fi
	for d in plain_counter plain_factors plain_common; do
		if grep -Eq "^    $d DATA\$" "$w/x.def"; then ok "$cfg: $d is DATA"
		else fail "$cfg: $d is DATA" "$(grep "$d" "$w/x.def")"; fi
	done
	for f in plain_greeting plain_scale plain_uses_static; do
		if grep -Eq "^    $f\$" "$w/x.def"; then ok "$cfg: function $f kept as code"
		else fail "$cfg: function $f kept as code" "missing"; fi
	done
	if grep -q plain_static "$w/x.def"; then fail "$cfg: static functions are not exported" "found"
	else ok "$cfg: static functions are not exported"; fi
	if lld-link -nologo -dll -noentry -nodefaultlib -force:unresolved -machine:$m -def:"$w/x.def" \
		-out:"$w/x.dll" "$w/plain.o" "$w/cls.o" "$FIX/$cfg/fltused.obj" >"$w/link.log" 2>&1; then
		dll_exports "$w/x.dll" >"$w/dll.txt"
		def_names "$w/x.def" >"$w/def.txt"
		same "$cfg: lld-link exports every name of the .def under that name" "$w/def.txt" "$w/dll.txt"
	else
		fail "$cfg: lld-link links the DLL from the .def" "$(head -c 400 "$w/link.log" | tr '\n' '|')"
	fi

	# Beside CMake's export-all: `cmake -E __create_def DEF LIST` is what
	# WINDOWS_EXPORT_ALL_SYMBOLS runs on the objects before the link.  The
	# two agree but for these names, each pinned with its reason:
	#   CMake keeps, mkdef leaves out:
	#     ??_G...    the scalar deleting destructor: compiler-made, reached
	#                through the vftable; a dllexport class does not export
	#                it (nor does GNU ld's --export-all-symbols);
	#     DllMain    the entry point (_DllMain@12 on i386), as GNU ld leaves
	#                it out;
	#   mkdef keeps, CMake leaves out (CMake takes data only from sections
	#   that are writable and hold initialized data):
	#     ??_7Shape@@6B@   the vftable, in .rdata: what the dllexport class
	#                      exports (clang's /EXPORT: directive says so);
	#     ??_R1... ??_R2... ??_R3... ??_R4...   RTTI descriptors, in .rdata
	#                      (CMake keeps the type descriptor ??_R0, in .data);
	#                      external data the user's class defines, harmless
	#                      to export, needed by no client;
	#     ?count@Shape@@2HA  a static data member, zero-initialized (.bss):
	#                      the dllexport class exports it;
	#     plain_common     a common symbol (`int plain_common;`);
	#     plain_factors    the user's `extern const` data, in .rdata.
	#   CMake 3.25 writes i386 names as the raw symbols (`_c_entry`, and
	#   lld-link then exports "_c_entry"); mkdef writes link.exe's names
	#   (`c_entry`, `_plain_std@8`): CMake's are compared without the '_'
	#   of a name that is not stdcall-decorated.
	name="$cfg: mkdef --export-all beside CMake's export-all (cmake -E __create_def): the same names but for 10, each pinned"
	realpath "$w/plain.o" "$w/cls.o" >"$w/objs.list"
	if ! cmake -E __create_def "$w/cmake.def" "$w/objs.list" >"$w/cmake.log" 2>&1 || [ ! -s "$w/cmake.def" ]; then
		fail "$name" "cmake -E __create_def failed: $(head -c 300 "$w/cmake.log" | tr '\n' '|')"
	else
		awk '/^EXPORTS/ { e = 1; next } e && NF { print $1 }' "$w/cmake.def" |
			{ if [ $cfg = msvc32 ]; then sed -E '/^_.*@[0-9]+$/! s/^_//'; else cat; fi } | LC_ALL=C sort >"$w/cmake.txt"
		dd=DllMain gd='??_GShape@@UEAAPEAXI@Z'
		[ $cfg = msvc32 ] && dd=_DllMain@12 gd='??_GShape@@UAEPAXI@Z'
		printf 'cmake only: %s\n' "$gd" "$dd" >"$w/pinned.txt"
		printf 'mkdef only: %s\n' '??_7Shape@@6B@' '??_R1A@?0A@EA@Shape@@8' '??_R2Shape@@8' '??_R3Shape@@8' \
			'??_R4Shape@@6B@' '?count@Shape@@2HA' plain_common plain_factors >>"$w/pinned.txt"
		{
			LC_ALL=C comm -23 "$w/cmake.txt" "$w/def.txt" | sed 's/^/cmake only: /'
			LC_ALL=C comm -13 "$w/cmake.txt" "$w/def.txt" | sed 's/^/mkdef only: /'
		} >"$w/differ.txt"
		both=$(LC_ALL=C comm -12 "$w/cmake.txt" "$w/def.txt" | wc -l)
		if [ "$both" -lt 10 ]; then
			fail "$name" "only $both names in common (cmake.def: $(head -c 300 "$w/cmake.def" | tr '\n\t' '| '))"
		elif ! cmp -s "$w/pinned.txt" "$w/differ.txt"; then
			fail "$name" "differences not pinned (< pinned, > now): $(diff "$w/pinned.txt" "$w/differ.txt" | grep '^[<>]' | tr '\n' '|')"
		else
			ok "$cfg: mkdef --export-all beside CMake's export-all (cmake -E __create_def): $both names in common; the 10 differences are the pinned ones (deleting destructor and DllMain only CMake's; vftable, RTTI, .bss, common and const data only mkdef's)"
		fi
	fi
done
grep -q '_plain_std@8' "$T/msvc32/x.def" && ok "msvc32: stdcall keeps its '_' in MSVC naming" ||
	fail "msvc32: stdcall keeps its '_' in MSVC naming" "$(grep plain_std "$T/msvc32/x.def")"

"$MKDEF" --export-all "$T/msvc32/plain.o" >/dev/null 2>"$T/note.err"
grep -q 'dialect msvc' "$T/note.err" && ok "i386 without directives: a note says GNU naming was assumed" ||
	fail "i386 without directives: a note says GNU naming was assumed" "$(cat "$T/note.err")"

# The dialect of the first object with directives decides for all (i386).
"$MKDEF" --export-all "$FIX/msvc32/plain.o" "$FIX/msvc32/api.o" >"$T/mixed.def"
if grep -q '_plain_std@8' "$T/mixed.def" && grep -q '_sfunc@8' "$T/mixed.def"; then
	ok "i386 dialect decided before the first symbol is named"
else
	fail "i386 dialect decided before the first symbol is named" "$(grep -E 'std|sfunc' "$T/mixed.def" | tr '\n' '|')"
fi
"$MKDEF" --export-all --dialect gnu "$FIX/msvc32/plain.o" >"$T/gnu.def"
grep -Eq '^    plain_std@8$' "$T/gnu.def" && ok "--dialect gnu names stdcall as ld does" ||
	fail "--dialect gnu names stdcall as ld does" "$(grep plain_std "$T/gnu.def")"

# The user's own const data is kept, compiler constants are not (MinGW).
"$MKDEF" --export-all "$FIX/mingw64/plain.o" >"$T/m64.def"
grep -Eq '^    plain_factors DATA$' "$T/m64.def" && ok "extern const user data is exported as DATA" ||
	fail "extern const user data is exported as DATA" "missing"
if ! grep -q '^    plain_greeting$' "$T/m64.def"; then fail "no compiler-made names" "no .def: $(tr '\n' '|' <"$T/m64.def")"
elif grep -q 'refptr\|__real\|\.rdata' "$T/m64.def"; then fail "no compiler-made names" "$(grep -E 'refptr|real' "$T/m64.def")"
else ok "no compiler-made names"; fi

# --exclude takes shell patterns; -exclude-symbols directives are honoured.
"$MKDEF" --export-all --exclude 'plain_scale*,internal_only' "$FIX/mingw64/plain.o" "$FIX/mingw64/api.o" >"$T/ex.def"
if ! grep -q 'plain_scale\|internal_only' "$T/ex.def" && grep -q plain_greeting "$T/ex.def"; then
	ok "--exclude patterns"
else fail "--exclude patterns" "$(tr '\n' '|' <"$T/ex.def")"; fi
printf '%s\n' 'int hidden_fn(void) { return 1; }' 'int shown_fn(void) { return 2; }' >"$T/hid.c"
clang --target=x86_64-w64-mingw32 -c "$T/hid.c" -o "$T/hid.o"
llvm-objcopy --add-section .drectve=<(printf ' -exclude-symbols:hidden_fn') "$T/hid.o" "$T/hid2.o" 2>/dev/null ||
	{ printf ' -exclude-symbols:hidden_fn' >"$T/dr.bin"; llvm-objcopy --add-section .drectve="$T/dr.bin" "$T/hid.o" "$T/hid2.o"; }
"$MKDEF" --export-all "$T/hid2.o" >"$T/hid.def"
if grep -q shown_fn "$T/hid.def" && ! grep -q hidden_fn "$T/hid.def"; then ok "-exclude-symbols directive honoured"
else fail "-exclude-symbols directive honoured" "$(tr '\n' '|' <"$T/hid.def")"; fi

# --exclude-libs, and runtime archives and start-up objects.
mkdir -p "$T/libs"
x86_64-w64-mingw32-ar rcs "$T/libs/libplain.a" "$FIX/mingw64/plain.o"
"$MKDEF" --export-all --exclude-libs libplain "$T/libs/libplain.a" "$FIX/mingw64/api.o" >"$T/exl.def"
if ! grep -q plain_ "$T/exl.def" && grep -q api_name "$T/exl.def"; then ok "--exclude-libs leaves the archive's symbols out"
else fail "--exclude-libs leaves the archive's symbols out" "$(tr '\n' '|' <"$T/exl.def")"; fi
cp "$T/libs/libplain.a" "$T/libs/libgcc.a"
"$MKDEF" --export-all "$T/libs/libgcc.a" "$FIX/mingw64/api.o" >"$T/rt.def"
if grep -q plain_ "$T/rt.def"; then fail "runtime archive (libgcc.a) left out" "exported"
elif ! grep -q '^    api_name$' "$T/rt.def"; then fail "runtime archive (libgcc.a) left out" "api.o's exports are missing too: $(tr '\n' '|' <"$T/rt.def")"
else ok "runtime archive (libgcc.a) left out"; fi
"$MKDEF" --export-all --keep-runtime-libs "$T/libs/libgcc.a" >"$T/rt2.def"
grep -q plain_counter "$T/rt2.def" && ok "--keep-runtime-libs keeps it" || fail "--keep-runtime-libs keeps it" "missing"
# dllcrt2.o adds nothing to api.o's .def.
"$MKDEF" --export-all "$FIX/mingw64/api.o" >"$T/api.def"
"$MKDEF" --export-all /usr/x86_64-w64-mingw32/lib/dllcrt2.o "$FIX/mingw64/api.o" >"$T/crt.def" 2>"$T/crt.err"
same "start-up object dllcrt2.o left out: the .def of api.o alone" "$T/api.def" "$T/crt.def"

# libstdc++.a, a real archive: runs clean; its choices are explained.
L=$(x86_64-w64-mingw32-g++ -print-file-name=libstdc++.a)
DLL=$(dirname "$L")/libstdc++-6.dll
"$MKDEF" --export-all -o "$T/stdcxx0.def" "$L" 2>"$T/stdcxx0.err"; rc=$?
if [ $rc = 0 ] && [ "$(def_names "$T/stdcxx0.def" | wc -l)" = 0 ] && grep -q 'keep-runtime-libs' "$T/stdcxx0.err"; then
	ok "libstdc++.a alone: left out as a runtime library, with a warning naming the option"
else fail "libstdc++.a alone: left out as a runtime library" "rc=$rc $(cat "$T/stdcxx0.err")"; fi
"$MKDEF" --export-all --keep-runtime-libs --explain -o "$T/stdcxx.def" "$L" 2>"$T/stdcxx.err"; rc=$?
n=$(def_names "$T/stdcxx.def" | wc -l)
if [ $rc = 0 ] && [ "$n" -gt 5000 ]; then ok "libstdc++.a --keep-runtime-libs: $n exports"
else fail "libstdc++.a --keep-runtime-libs" "rc=$rc n=$n $(tail -3 "$T/stdcxx.err")"; fi
if grep -q 'note: left out symbol ".refptr.' "$T/stdcxx.err" && grep -q 'exports written;' "$T/stdcxx.err"; then
	ok "libstdc++.a: --explain names each symbol left out and sums up"
else fail "libstdc++.a: --explain" "$(tail -3 "$T/stdcxx.err")"; fi
if [ -f "$DLL" ]; then
	dll_exports "$DLL" >"$T/stdcxx-dll.txt"
	def_names "$T/stdcxx.def" >"$T/stdcxx-ours.txt"
	have=$(LC_ALL=C comm -12 "$T/stdcxx-dll.txt" "$T/stdcxx-ours.txt" | wc -l)
	all=$(wc -l <"$T/stdcxx-dll.txt")
	# The DLL is built from the same sources: nearly all its exports must be found.
	if [ "$all" -gt 1000 ] && [ $((have * 100 / all)) -ge 98 ]; then ok "libstdc++.a covers $have of the $all exports of libstdc++-6.dll"
	else fail "libstdc++.a covers libstdc++-6.dll's exports" "$have of $all"; fi
else
	missing "libstdc++.a covers libstdc++-6.dll's exports" "$DLL (g++-mingw-w64)"
fi

# Directives still count with --export-all: an alias only a directive makes.
printf '%s\n' 'int real_impl(void) { return 3; }' \
	'__asm__(".section .drectve\n.ascii \" -export:alias_fn=real_impl\"\n.text");' >"$T/alias.c"
x86_64-w64-mingw32-gcc -c "$T/alias.c" -o "$T/alias.o"
"$MKDEF" --export-all "$T/alias.o" >"$T/alias.def"
if grep -q '^    alias_fn = real_impl$' "$T/alias.def" && grep -q '^    real_impl$' "$T/alias.def"; then
	ok "--export-all keeps what directives add (alias)"
else fail "--export-all keeps what directives add (alias)" "$(tr '\n' '|' <"$T/alias.def")"; fi
x86_64-w64-mingw32-gcc -shared -Wl,--export-all-symbols -o "$T/alias-ld.dll" "$T/alias.o"
llvm-objcopy -R .drectve "$T/alias.o" "$T/alias-nod.o"
x86_64-w64-mingw32-gcc -shared -o "$T/alias-def.dll" "$T/alias.def" "$T/alias-nod.o"
dll_exports "$T/alias-ld.dll" >"$T/alias-ld.txt"; dll_exports "$T/alias-def.dll" >"$T/alias-def.txt"
same "--export-all with a directive alias: same exports as ld" "$T/alias-ld.txt" "$T/alias-def.txt"

# -exclude-symbols: in one object applies to symbols of every object, as in ld.
printf 'int foo_excl(void) { return 1; }\nint bar_kept(void) { return 2; }\n' >"$T/h1.c"
printf 'int other_fn(void) { return 3; }\n__asm__(".section .drectve\\n.ascii \\" -exclude-symbols:foo_excl\\"\\n.text");\n' >"$T/h2.c"
x86_64-w64-mingw32-gcc -c "$T/h1.c" -o "$T/h1.o" && x86_64-w64-mingw32-gcc -c "$T/h2.c" -o "$T/h2.o"
"$MKDEF" --export-all "$T/h1.o" "$T/h2.o" >"$T/h.def"
x86_64-w64-mingw32-gcc -shared -Wl,--export-all-symbols -o "$T/h-ld.dll" "$T/h1.o" "$T/h2.o"
dll_exports "$T/h-ld.dll" >"$T/h-ld.txt"; def_names "$T/h.def" >"$T/h-ours.txt"
same "-exclude-symbols applies across objects, as ld does" "$T/h-ld.txt" "$T/h-ours.txt"
