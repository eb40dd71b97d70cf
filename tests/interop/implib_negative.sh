#!/bin/bash
# The interop harness can fail: cases that pass only when a failure is
# observed.
#
#  - run_wine itself: a program that exits 0 without the sentinel, one that
#    prints the sentinel and exits non-zero, and a client whose DLL is
#    missing (exit 53) are all failures.
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

# expect_failure NAME ARCH DIR EXE REGEX: EXE, run under Wine, must fail
# (non-zero exit or no sentinel), and the way it fails must match REGEX
# (an output line, or "exit N").
expect_failure() {
	local name=$1 arch=$2 dir=$3 exe=$4 re=$5
	if ! wine_ready "$(wine_arch "$arch")"; then
		wine_unavailable "$name" "$WINE_WHY"
		return
	fi
	if run_wine "$dir" "$exe" "$SENTINEL"; then
		fail "$name" "exited 0 with '$SENTINEL': the failure was not observed"
		return
	fi
	if { tr -d '\r' <"$dir/${exe%.exe}.out"; echo "exit $WINE_RC"; } | grep -qE -- "$re"; then
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
		expect_failure "$arch: run_wine: a client whose DLL is missing fails with 53" "$arch" "$d" c.exe '^exit 53$'
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
