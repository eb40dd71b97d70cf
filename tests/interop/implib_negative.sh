#!/bin/bash
# The interop harness can fail: cases that pass only when a failure is
# observed.
#
#  - run_wine itself: a program that exits 0 without the sentinel, one that
#    prints the sentinel and exits non-zero, and a client whose DLL is
#    missing (exit 53) are all failures.
#  - The DLL under test, not Wine's builtin of the same name: a client of
#    zlib1.dll (a name Wine ships, with zlibVersion) run beside a zlib1.dll
#    made here, whose zlibVersion says "dllkit-test".  Without the DLL
#    Wine's builtin answers, the client prints the sentinel and exits 0,
#    and run_wine must still fail, naming the builtin it loaded; with
#    Wine's default load order (WINE_PREFER_NATIVE=no) it must fail too,
#    the DLL beside the client notwithstanding; with both, it passes and
#    the client prints "dllkit-test".
#  - A misspelt import: the import library is made from the hand-written
#    .def plus one line, "no_such_fn", which interop.dll does not export; a
#    client that calls it links, and under Wine fails (Wine loads the image
#    and aborts at the call; Windows would refuse to load it).
#  - A .def that forgot DATA on "counter": the import library then gives
#    "counter" a code thunk, and a client using MinGW auto-import (no
#    __declspec(dllimport)) reads the thunk's bytes and faults writing them.
#    A dllimport client does not notice (it goes through __imp_counter), so
#    it must still pass: only the auto-import client catches a missing DATA.
#
# Each case has its own folder under $BUILD/test-work/implib_negative/.
. "$(dirname "$0")/lib/harness.sh"
cd "$T" || exit 1

built "the interop harness can fail" "$MKIMPLIB" || exit 0
need "the interop harness can fail" /usr/lib/llvm-22/bin/lld-link /usr/lib/llvm-22/bin/ld.lld "$READOBJ" clang \
	x86_64-w64-mingw32-gcc i686-w64-mingw32-gcc || exit 0
mapfile -t LLDS < <(lld_versions)
LLD=${LLDS[${#LLDS[@]}-1]}          # the newest lld: "LABEL PATH"
lv=${LLD%% *} lldlink=${LLD#* }

# expect_failure NAME ARCH DIR EXE REGEX [DLL...]: EXE, run under Wine,
# must fail (non-zero exit, no sentinel, or a DLL under test not loaded
# from DIR), and the way it fails must match REGEX (an output line, "exit
# N", or "why: " and run_wine's reason).
expect_failure() {
	local name=$1 arch=$2 dir=$3 exe=$4 re=$5
	shift 5
	if ! wine_ready "$(wine_arch "$arch")"; then
		wine_unavailable "$name" "$WINE_WHY"
		return
	fi
	if run_wine "$dir" "$exe" "$SENTINEL" "$@"; then
		fail "$name" "exited 0 with '$SENTINEL': the failure was not observed"
		return
	fi
	if { tr -d '\r' <"$dir/${exe%.exe}.out"; echo "exit $WINE_RC"; echo "why: $WINE_WHY"; } | grep -aqE -- "$re"; then
		ok "$name (exit $WINE_RC: $(wine_status_meaning "$WINE_RC"))"
	else
		fail "$name" "failed, but not in the expected way /$re/: $WINE_WHY"
	fi
}

# --- run_wine's own verdicts -------------------------------------------------
d=$T/self
mkdir -p "$d"
printf '#include <stdio.h>\nint main(void){puts("interop-okay");puts("not the sentinel");return 0;}\n' >"$d/nosentinel.c"
printf '#include <stdio.h>\nint main(void){puts("interop-ok");return 3;}\n' >"$d/badexit.c"
if x86_64-w64-mingw32-gcc -o "$d/nosentinel.exe" "$d/nosentinel.c" &&
   x86_64-w64-mingw32-gcc -o "$d/badexit.exe" "$d/badexit.c"; then
	expect_failure "run_wine: exit 0 without the sentinel line is a failure" x86-64 "$d" nosentinel.exe '^exit 0$'
	expect_failure "run_wine: the sentinel with exit 3 is a failure" x86-64 "$d" badexit.exe '^exit 3$'
else
	fail "run_wine self-test programs" "could not compile"
fi

# --- the DLL under test, not Wine's builtin of the same name ----------------
d=$T/builtin
mkdir -p "$d/missing" "$d/default-order" "$d/ours"
printf 'const char *zlibVersion(void) { return "dllkit-test"; }\n' >"$d/zlib1.c"
printf '#include <stdio.h>\n__declspec(dllimport) const char *zlibVersion(void);\nint main(void){printf("zlibVersion %%s\\n", zlibVersion());puts("interop-ok");return 0;}\n' >"$d/zc.c"
printf 'LIBRARY "zlib1.dll"\nEXPORTS\n    zlibVersion\n' >"$d/zlib1.def"
if { x86_64-w64-mingw32-gcc -O2 -shared -o "$d/zlib1.dll" "$d/zlib1.c" "$d/zlib1.def" &&
	"$MKIMPLIB" -m x86-64 -o "$d/libzlib1.dll.a" "$d/zlib1.def" &&
	x86_64-w64-mingw32-gcc -O2 -o "$d/zc.exe" "$d/zc.c" "$d/libzlib1.dll.a"; } >"$d/build.log" 2>&1; then
	cp "$d/zc.exe" "$d/missing/"
	cp "$d/zc.exe" "$d/zlib1.dll" "$d/default-order/"
	cp "$d/zc.exe" "$d/zlib1.dll" "$d/ours/"
	if [ ! -f /usr/lib/x86_64-linux-gnu/wine/x86_64-windows/zlib1.dll ]; then
		skip "run_wine: a builtin zlib1.dll in the DLL's place is a failure" "this Wine ships no zlib1.dll to stand in"
	else
		expect_failure "run_wine: zlib1.dll missing, Wine's builtin answers: a failure naming the builtin" \
			x86-64 "$d/missing" zc.exe '^why: .*zlib1\.dll loaded as c:.windows.system32.zlib1\.dll \(builtin\)' zlib1.dll
		if [ "$WINE_RC" = 0 ] && tr -d '\r' <"$d/missing/zc.out" | grep -aqx "$SENTINEL" &&
		   tr -d '\r' <"$d/missing/zc.out" | grep -aqx 'zlibVersion 1\..*'; then
			ok "run_wine: ... and without the check that run would have passed (the builtin printed '$(tr -d '\r' <"$d/missing/zc.out" | grep -ax 'zlibVersion 1\..*')' and the sentinel)"
		else
			fail "run_wine: ... and without the check that run would have passed" "the builtin did not answer (exit $WINE_RC): $(grep -av ':trace:' "$d/missing/zc.out" | tr '\n' '|' | head -c 300)"
		fi
		# (Wine then names the file beside the client, with "builtin": a
		# check of the path alone, GetModuleFileName's, would pass.)
		WINE_PREFER_NATIVE=no expect_failure "run_wine: Wine's default load order takes the builtin over the DLL beside the client: a failure" \
			x86-64 "$d/default-order" zc.exe '^why: .*zlib1\.dll loaded as .*zlib1\.dll \(builtin\)' zlib1.dll
	fi
	if ! wine_ready x86_64; then
		wine_unavailable "run_wine: the zlib1.dll beside the client is the one loaded" "$WINE_WHY"
	elif run_wine "$d/ours" zc.exe "$SENTINEL" zlib1.dll && tr -d '\r' <"$d/ours/zc.out" | grep -aqx 'zlibVersion dllkit-test'; then
		ok "run_wine: the zlib1.dll beside the client is the one loaded (zlibVersion dllkit-test)"
	else
		fail "run_wine: the zlib1.dll beside the client is the one loaded" "${WINE_WHY:-ran, but did not print 'zlibVersion dllkit-test'}"
	fi
else
	fail "run_wine: builtin self-test programs" "could not build: $(head -c 400 "$d/build.log" | tr '\n' '|')"
fi

for arch in x86-64 i386; do
	def=$(def_of "$arch")
	cc=$(mingw_cc "$arch")
	dlls=$T/$arch/dll
	if ! build_dlls "$arch" "$dlls"; then
		fail "$arch: build interop.dll" "$(head -c 600 "$dlls/build.log" | tr '\n' '|')"
		continue
	fi
	obj=$T/$arch/obj
	mkdir -p "$obj"
	gcclib=$(mingw_gcc_libdir "$arch")
	if ! { "$cc" -O2 -DNEG_MISSING -c -o "$obj/gcc-missing.o" "$ISRC/client.c" &&
		"$cc" -O2 -c -o "$obj/gcc-dllimport.o" "$ISRC/client.c" &&
		"$cc" -O2 -DAUTO_IMPORT -c -o "$obj/gcc-auto.o" "$ISRC/client.c" &&
		clang --target="$(mingw_triple "$arch")" -O2 -DAUTO_IMPORT -c -o "$obj/clang-auto.o" "$ISRC/client.c" &&
		clang --target="$(msvc_triple "$arch")" -O2 -DNEG_MISSING -c -o "$obj/nocrt-missing.obj" "$ISRC/nocrt.c"; } >"$obj/build.log" 2>&1; then
		fail "$arch: compile the clients" "$(head -c 600 "$obj/build.log" | tr '\n' '|')"
		continue
	fi

	# The two broken .def files, each one line away from the real one.
	sed 's/^    add$/&\n    no_such_fn/' "$def" >"$T/$arch/missing.def"
	sed 's/^    counter DATA$/    counter/' "$def" >"$T/$arch/nodata.def"
	[ "$(diff "$def" "$T/$arch/missing.def" | grep -c '^>')" = 1 ] &&
	[ "$(diff "$def" "$T/$arch/nodata.def" | grep -c '^>')" = 1 ] ||
		{ fail "$arch: derive the broken .def files" "sed changed nothing; was $(basename "$def") edited?"; continue; }

	# A DLL that is not there: exit 53, whatever the import library.
	d=$T/$arch/nodll
	mkdir -p "$d"
	if make_implib short "$arch" "$def" "$d/interop.lib" >"$d/implib.log" 2>&1 &&
	   "$cc" -o "$d/c.exe" "$obj/gcc-dllimport.o" "$d/interop.lib" >"$d/link.log" 2>&1; then
		expect_failure "$arch: run_wine: a client whose DLL is missing fails with 53" "$arch" "$d" c.exe '^exit 53$' interop.dll interop2.dll
	else
		fail "$arch: client for the missing-DLL case" "$(cat "$d/implib.log" "$d/link.log" | head -c 600 | tr '\n' '|')"
	fi

	for format in short long; do
		tag="$arch $(implib_label "$format")"
		lib=$T/$arch/$format
		mkdir -p "$lib"
		if ! { make_implib "$format" "$arch" "$T/$arch/missing.def" "$lib/missing.lib" &&
			make_implib "$format" "$arch" "$T/$arch/nodata.def" "$lib/nodata.lib" &&
			make_implib "$format" "$arch" "$(k32def_of "$arch")" "$lib/kernel32.lib" -k; } >"$lib/implib.log" 2>&1; then
			fail "$tag: import libraries from the broken .def files" "$(head -c 600 "$lib/implib.log" | tr '\n' '|')"
			continue
		fi

		# neg NAME DIR EXPECT-REGEX LINK-COMMAND...: link (must work),
		# then run (must fail as EXPECT-REGEX says).
		neg() {
			local name=$1 dir=$2 re=$3
			shift 3
			mkdir -p "$dir"
			cp "$dlls/interop.dll" "$dlls/interop2.dll" "$dir/"
			link_step "$name: links" "$dir" "$@" || return
			expect_failure "$name: fails under Wine" "$arch" "$dir" c.exe "$re"
		}

		# Misspelt import: Wine aborts at the call ("unimplemented function
		# interop.dll.no_such_fn"); a loader that checks at load time would
		# exit 57 (entry point not found).
		missing_re='interop\.dll\.no_such_fn|^exit 57$'
		neg "$tag: client calls no_such_fn (listed in the .def, not in the DLL), GNU ld" \
			"$lib/missing-ld" "$missing_re" \
			"$cc" -o c.exe "$obj/gcc-missing.o" "$lib/missing.lib"
		neg "$tag: client calls no_such_fn (listed in the .def, not in the DLL), $lv lld-link" \
			"$lib/missing-link" "$missing_re" \
			"$lldlink" -nologo -nodefaultlib -entry:start -subsystem:console \
			-machine:"$(link_machine "$arch")" -out:c.exe "$obj/nocrt-missing.obj" "$lib/missing.lib" "$lib/kernel32.lib"
		if exe_imports "$lib/missing-ld/c.exe" interop.dll 2>/dev/null | grep -qx no_such_fn; then
			ok "$tag: the misspelt client imports no_such_fn by name"
		else
			fail "$tag: the misspelt client imports no_such_fn by name" "$(exe_imports "$lib/missing-ld/c.exe" interop.dll 2>&1 | tr '\n' ' ')"
		fi

		# DATA forgotten: the auto-import client reads the thunk's code as
		# the counter's value, then faults writing to it.
		nodata_re='^interop-FAIL: counter|^exit 5$'
		neg "$tag: .def without DATA, auto-import client, GNU ld" \
			"$lib/nodata-ld-auto" "$nodata_re" \
			"$cc" -o c.exe "$obj/gcc-auto.o" "$lib/nodata.lib"
		neg "$tag: .def without DATA, auto-import client, $lv MinGW mode" \
			"$lib/nodata-lld-auto" "$nodata_re" \
			clang --target="$(mingw_triple "$arch")" -fuse-ld=lld --ld-path="$(dirname "$lldlink")/ld.lld" \
			-L"$gcclib" -o c.exe "$obj/clang-auto.o" "$lib/nodata.lib"
		# ... and the dllimport client does not notice.
		d=$lib/nodata-ld-dllimport
		mkdir -p "$d"
		cp "$dlls/interop.dll" "$dlls/interop2.dll" "$d/"
		link_step "$tag: .def without DATA, dllimport client, GNU ld: links" "$d" \
			"$cc" -o c.exe "$obj/gcc-dllimport.o" "$lib/nodata.lib" &&
		run_step "$tag: .def without DATA, dllimport client, GNU ld: still runs (only auto-import catches it)" \
			"$arch" "$d" c.exe
	done
done
exit 0
