#!/bin/bash
# Import libraries for the ARM machines, link only (no Wine runs them here):
# arm64 and arm (armnt) with the no-CRT client compiled by clang for
# *-pc-windows-msvc and linked by lld-link; arm64ec with a list of __imp_
# references assembled by llvm-mc (no clang here compiles C for ARM64EC) and
# linked as a DLL by an lld-link that knows arm64ec.  Each image must import
# from interop.dll every name, by_ordinal by ordinal 42, and kernel32's four
# functions.
#
# Each cell has its own folder under $BUILD/test-work/implib_arm/.
. "$(dirname "$0")/lib/harness.sh"
cd "$T" || exit 1

built "ARM import libraries" "$MKIMPLIB" || exit 0
need "ARM import libraries" /usr/lib/llvm-22/bin/lld-link /usr/lib/llvm-22/bin/llvm-mc "$READOBJ" clang || exit 0
mapfile -t LLDS < <(lld_versions)
def=$ISRC/interop.def
k32=$ISRC/kernel32.def

for arch in arm64 arm arm64ec; do
	obj=$T/$arch/obj
	mkdir -p "$obj"
	if [ "$arch" = arm64ec ]; then
		o=$obj/refs.obj
		"$LLVM_BIN/llvm-mc" -triple=arm64ec-pc-windows-msvc -filetype=obj -o "$o" "$ISRC/refs-arm64ec.s" >"$obj/build.log" 2>&1
	else
		o=$obj/nocrt.obj
		clang --target="$(msvc_triple "$arch")" -O2 -c -o "$o" "$ISRC/nocrt.c" >"$obj/build.log" 2>&1
	fi
	if [ $? -ne 0 ]; then
		fail "$arch: client object" "cannot build it: $(head -c 300 "$obj/build.log" | tr '\n' '|')"
		continue
	fi

	for format in short long; do
		tag="$arch $(implib_label "$format")"
		lib=$T/$arch/$format
		mkdir -p "$lib"
		# GNU tools have no ARM64EC: mkimplib refuses the long format for it
		# with one clear error and writes nothing.
		if [ "$arch" = arm64ec ] && [ "$format" = long ]; then
			if ! make_implib long arm64ec "$def" "$lib/interop.lib" >"$lib/implib.log" 2>&1 &&
			   grep -q 'long format does not support arm64ec' "$lib/implib.log" &&
			   [ "$(wc -l <"$lib/implib.log")" = 1 ] && [ ! -e "$lib/interop.lib" ]; then
				ok "$tag: refused with one error, nothing written"
			else
				fail "$tag: refused with one error, nothing written" "$(head -c 300 "$lib/implib.log")"
			fi
			continue
		fi
		if make_implib "$format" "$arch" "$def" "$lib/interop.lib" >"$lib/implib.log" 2>&1 &&
		   make_implib "$format" "$arch" "$k32" "$lib/kernel32.lib" >>"$lib/implib.log" 2>&1; then
			ok "$tag: import libraries from interop.def and kernel32.def"
		else
			fail "$tag: import libraries from interop.def" "$(head -c 600 "$lib/implib.log" | tr '\n' '|')"
			continue
		fi
		check_implib "$tag: interop.lib is $format-format, for $arch" "$lib/interop.lib" "$format" "$arch" "$def"
		for l in "${LLDS[@]}"; do
			lv=${l%% *} lldlink=${l#* }
			d=$lib/$lv
			name="$tag: $lv lld-link -machine:$arch"
			mkdir -p "$d"
			if [ "$arch" = arm64ec ]; then
				set -- "$lldlink" -nologo -dll -noentry -nodefaultlib -machine:arm64ec -out:c.exe \
					"$o" "$lib/interop.lib" "$lib/kernel32.lib"
			else
				set -- "$lldlink" -nologo -nodefaultlib -entry:start -subsystem:console -machine:"$arch" \
					-out:c.exe "$o" "$lib/interop.lib" "$lib/kernel32.lib"
			fi
			if ! (cd "$d" && "$@") >"$d/link.log" 2>&1; then
				if grep -q 'unknown /machine argument' "$d/link.log"; then
					skip "$name: links" "$lv does not know -machine:$arch"
				else
					fail "$name: links" "$(head -c 700 "$d/link.log" | tr '\n' '|')"
				fi
				continue
			fi
			ok "$name: links"
			check_imports "$name: imports by name, by_ordinal by ordinal 42" "$d/c.exe" "$arch" nocrt
		done
	done
done
exit 0
