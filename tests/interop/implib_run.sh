#!/bin/bash
# Import libraries made from a hand-written .def, proven end to end: for
# x86-64 and i386, in the short and the long format, a client is linked
# against the import library by GNU ld (MinGW gcc), lld in MinGW mode
# (clang) and lld-link in MSVC mode (a client without a C runtime), with
# every lld installed; the image must import what it should (names, and the
# NONAME export by ordinal) and, run under Wine beside the real DLL, must
# call every export, read and write the DATA export from both sides, go
# through both forwarders, print "interop-ok" and exit 0.
#
# Each cell has its own folder under $BUILD/test-work/implib_run/.  The
# import libraries come from make_implib (tests/interop/lib/harness.sh):
# mkimplib, always.
. "$(dirname "$0")/lib/harness.sh"
cd "$T" || exit 1

built "import libraries run under Wine" "$MKIMPLIB" || exit 0
need "import libraries run under Wine" /usr/lib/llvm-22/bin/lld-link /usr/lib/llvm-22/bin/ld.lld "$READOBJ" clang \
	x86_64-w64-mingw32-gcc i686-w64-mingw32-gcc || exit 0
mapfile -t LLDS < <(lld_versions)

for arch in x86-64 i386; do
	def=$(def_of "$arch")
	cc=$(mingw_cc "$arch")
	dlls=$T/$arch/dll
	if ! build_dlls "$arch" "$dlls"; then
		fail "$arch: build interop.dll from $(basename "$def")" "$(head -c 600 "$dlls/build.log" | tr '\n' '|')"
		continue
	fi
	check_dll "$arch: the fixture interop.dll (GNU ld) exports what $(basename "$def") says" "$dlls/interop.dll" "$arch"

	# Client objects, compiled once per compiler and kind of client.
	obj=$T/$arch/obj
	mkdir -p "$obj"
	gcclib=$(mingw_gcc_libdir "$arch")
	if ! { "$cc" -O2 -c -o "$obj/gcc-dllimport.o" "$ISRC/client.c" &&
		"$cc" -O2 -DAUTO_IMPORT -c -o "$obj/gcc-auto.o" "$ISRC/client.c" &&
		clang --target="$(mingw_triple "$arch")" -O2 -c -o "$obj/clang-dllimport.o" "$ISRC/client.c" &&
		clang --target="$(mingw_triple "$arch")" -O2 -DAUTO_IMPORT -c -o "$obj/clang-auto.o" "$ISRC/client.c" &&
		clang --target="$(msvc_triple "$arch")" -O2 -c -o "$obj/nocrt.obj" "$ISRC/nocrt.c"; } >"$obj/build.log" 2>&1; then
		fail "$arch: compile the clients" "$(head -c 600 "$obj/build.log" | tr '\n' '|')"
		continue
	fi

	for format in short long; do
		tag="$arch $(implib_label "$format")"
		lib=$T/$arch/$format
		mkdir -p "$lib"
		if make_implib "$format" "$arch" "$def" "$lib/interop.lib" >"$lib/implib.log" 2>&1 &&
		   make_implib "$format" "$arch" "$(k32def_of "$arch")" "$lib/kernel32.lib" -k >>"$lib/implib.log" 2>&1; then
			ok "$tag: import libraries from $(basename "$def") and $(basename "$(k32def_of "$arch")")"
		else
			fail "$tag: import libraries from $(basename "$def")" "$(head -c 600 "$lib/implib.log" | tr '\n' '|')"
			continue
		fi
		check_implib "$tag: interop.lib is $format-format, for $arch" "$lib/interop.lib" "$format" "$arch" "$def"

		# cell NAME DIR KIND LINK-COMMAND...: link, check the imports, run.
		# KIND is "nocrt" for the no-CRT client (kernel32 imports checked too).
		cell() {
			local name=$1 dir=$2 kind=$3
			shift 3
			mkdir -p "$dir"
			cp "$dlls/interop.dll" "$dlls/interop2.dll" "$dir/"
			link_step "$name: links" "$dir" "$@" || return
			check_imports "$name: imports by name, by_ordinal by ordinal 42" "$dir/c.exe" "$arch" "$kind"
			run_step "$name: runs under Wine" "$arch" "$dir" c.exe interop.dll interop2.dll
		}

		for client in dllimport auto; do
			desc="dllimport client"
			[ $client = auto ] && desc="auto-import client"
			cell "$tag: GNU ld, $desc" "$lib/ld-$client" crt \
				"$cc" -o c.exe "$obj/gcc-$client.o" "$lib/interop.lib"
		done
		for l in "${LLDS[@]}"; do
			lv=${l%% *} lldlink=${l#* }
			for client in dllimport auto; do
				desc="dllimport client"
				[ $client = auto ] && desc="auto-import client"
				cell "$tag: $lv MinGW mode, $desc" "$lib/$lv-mingw-$client" crt \
					clang --target="$(mingw_triple "$arch")" -fuse-ld=lld --ld-path="$(dirname "$lldlink")/ld.lld" \
					-L"$gcclib" -o c.exe "$obj/clang-$client.o" "$lib/interop.lib"
			done
			cell "$tag: $lv lld-link MSVC mode, no-CRT client" "$lib/$lv-link" nocrt \
				"$lldlink" -nologo -nodefaultlib -entry:start -subsystem:console \
				-machine:"$(link_machine "$arch")" -out:c.exe "$obj/nocrt.obj" "$lib/interop.lib" "$lib/kernel32.lib"
		done
	done
done
exit 0
