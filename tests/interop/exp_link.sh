#!/bin/bash
# Export objects (mkimplib --exp) proven by linkers and Wine.  interop.c
# has no __declspec(dllexport): the DLL exports only what the .exp says.
#
#   x86-64, i386: interop.dll linked from interop.o + interop.exp by GNU ld,
#     by lld in MinGW mode and by lld-link (MSVC mode, no CRT), with every
#     lld installed, exports exactly what interop.def says (names, by_ordinal
#     as ordinal 42 without a name, both forwarders, DATA) and the same as
#     the DLL GNU ld links from the .def itself; clients linked by GNU ld
#     against mkimplib's import library of the same .def run under Wine
#     beside it.  i386 -k: the .exp exports sfunc for _sfunc@8, and a client
#     of the -k import library runs; i386 --dialect msvc (_sfunc@8) by
#     lld-link as from the .def.  Two DLLs that import from each other,
#     each linked from its object, its .exp and the other's import library.
#   40000 exports: the relocation count overflows the section header; GNU ld
#     and lld-link read it.
#   arm64, arm: linked by lld-link; the exports are checked (no Wine here).
#   Control: GNU ld without the .exp exports something else (the export
#   check can fail).
#
# Each cell has its own folder under $BUILD/test-work/exp_link/.
. "$(dirname "$0")/lib/harness.sh"
cd "$T" || exit 1
DUMP=$BIN/dumpexports

built "export objects linked" "$MKIMPLIB" "$DUMP" || exit 0
need "export objects linked" /usr/lib/llvm-22/bin/lld-link /usr/lib/llvm-22/bin/ld.lld "$READOBJ" clang \
	x86_64-w64-mingw32-gcc i686-w64-mingw32-gcc || exit 0
mapfile -t LLDS < <(lld_versions)

# exports_step NAME DLL ARCH REF: DLL exports what the .def says
# (check_dll) and what REF (the DLL linked from the .def) exports.
exports_step() {
	local name=$1 dll=$2 arch=$3 ref=$4
	check_dll "$name: exports what $(basename "$(def_of "$arch")") says" "$dll" "$arch" &&
		ok "$name: exports what $(basename "$(def_of "$arch")") says"
	if "$DUMP" --diff "$ref" "$dll" >"$dll.diff" 2>&1; then
		ok "$name: dumpexports --diff with the DLL linked from the .def: none (DATA too)"
	elif [ "$arch" = arm ] && awk '
		# lld-link (14 and 22) -def: on arm gives forwarder RVAs the Thumb
		# bit: "kernel32.X" reads "ernel32.X" there.  Only that may differ.
		/^~ [^ ]+: forward / { if (substr($6, 2) != $4) bad = 1; n++; next }
		{ bad = 1 }
		END { exit bad || !n }' "$dll.diff"; then
		ok "$name: dumpexports --diff with the DLL linked from the .def: none but lld's own forwarder bug (its strings one byte late)"
	else
		fail "$name: dumpexports --diff with the DLL linked from the .def" "$(head -5 "$dll.diff" | tr '\n' '|')"
	fi
}

for arch in x86-64 i386; do
	def=$(def_of "$arch")
	cc=$(mingw_cc "$arch")
	ref=$T/$arch/ref
	if ! build_dlls "$arch" "$ref"; then
		fail "$arch: reference interop.dll from $(basename "$def")" "$(head -c 600 "$ref/build.log" | tr '\n' '|')"
		continue
	fi
	obj=$T/$arch/obj
	mkdir -p "$obj"
	gcclib=$(mingw_gcc_libdir "$arch")
	if ! { "$cc" -O2 -c -o "$obj/interop.o" "$ISRC/interop.c" &&
		clang --target="$(msvc_triple "$arch")" -O2 -c -o "$obj/interop.obj" "$ISRC/interop.c" &&
		"$cc" -O2 -c -o "$obj/gcc-dllimport.o" "$ISRC/client.c" &&
		"$cc" -O2 -DAUTO_IMPORT -c -o "$obj/gcc-auto.o" "$ISRC/client.c"; } >"$obj/build.log" 2>&1; then
		fail "$arch: compile interop.c and the clients" "$(head -c 600 "$obj/build.log" | tr '\n' '|')"
		continue
	fi
	lib=$T/$arch/lib
	mkdir -p "$lib"
	if "$MKIMPLIB" -m "$arch" -o "$lib/interop.lib" --exp "$lib/interop.exp" "$def" >"$lib/mkimplib.log" 2>&1; then
		ok "$arch: mkimplib -o interop.lib --exp interop.exp $(basename "$def")"
	else
		fail "$arch: mkimplib --exp" "$(head -c 600 "$lib/mkimplib.log" | tr '\n' '|')"
		continue
	fi

	# cell NAME DIR LINK-COMMAND...: interop.dll linked in DIR, its exports
	# checked, then both clients linked by GNU ld and run under Wine.
	cell() {
		local name=$1 dir=$2
		shift 2
		link_step "$name: links interop.dll from interop.o + interop.exp" "$dir" "$@" || return
		exports_step "$name" "$dir/interop.dll" "$arch" "$ref/interop.dll"
		cp "$ref/interop2.dll" "$dir/"
		for client in dllimport auto; do
			local cdir=$dir/$client
			mkdir -p "$cdir"
			cp "$dir/interop.dll" "$dir/interop2.dll" "$cdir/"
			link_step "$name: $client client linked against mkimplib's interop.lib" "$cdir" \
				"$cc" -o c.exe "$obj/gcc-$client.o" "$lib/interop.lib" || continue
			run_step "$name: $client client runs under Wine" "$arch" "$cdir" c.exe interop.dll interop2.dll
		done
	}
	cell "$arch GNU ld" "$T/$arch/ld" \
		"$cc" -shared -static-libgcc -Wl,--no-insert-timestamp -o interop.dll "$obj/interop.o" "$lib/interop.exp"
	for l in "${LLDS[@]}"; do
		lv=${l%% *} lldlink=${l#* }
		cell "$arch $lv MinGW mode" "$T/$arch/$lv-mingw" \
			clang --target="$(mingw_triple "$arch")" -fuse-ld=lld --ld-path="$(dirname "$lldlink")/ld.lld" \
			-L"$gcclib" -shared -o interop.dll "$obj/interop.o" "$lib/interop.exp"
		cell "$arch $lv lld-link" "$T/$arch/$lv-link" \
			"$lldlink" -nologo -dll -noentry -nodefaultlib -machine:"$(link_machine "$arch")" \
			-out:interop.dll "$obj/interop.obj" "$lib/interop.exp"
	done

	# Control: without the .exp, GNU ld exports every symbol (or none):
	# not what the .def says, and the checks above would have said so.
	d=$T/$arch/control
	mkdir -p "$d"
	if (cd "$d" && "$cc" -shared -o interop.dll "$obj/interop.o") >"$d/link.log" 2>&1; then
		if (check_dll "control" "$d/interop.dll" "$arch") >/dev/null 2>&1; then
			fail "$arch control: GNU ld without the .exp" "its exports pass the check: the check cannot fail"
		else
			ok "$arch control: GNU ld without the .exp exports something else (the check can fail)"
		fi
	else
		fail "$arch control: GNU ld without the .exp" "$(head -c 300 "$d/link.log")"
	fi
done

# ---- i386 -k: "sfunc" and "fwd_tick" exported, the client of the -k
# import library (which imports sfunc for _sfunc@8) runs.
k=$T/i386-k
mkdir -p "$k"
if "$MKIMPLIB" -m i386 -k -o "$k/interop.lib" --exp "$k/interop.exp" "$(def_of i386)" >"$k/mkimplib.log" 2>&1 &&
   link_step "i386 -k GNU ld: links interop.dll from interop.o + the -k .exp" "$k" \
	i686-w64-mingw32-gcc -shared -static-libgcc -o interop.dll "$T/i386/obj/interop.o" "$k/interop.exp"; then
	dll_exports "$k/interop.dll" | sed 's/ -> .*//' >"$k/exports.txt"
	printf '%s\n' add bump counter fwd_tick fwd_twice get_counter mul sfunc table | LC_ALL=C sort >"$k/exports.expected"
	same "i386 -k: the DLL exports sfunc and fwd_tick without @N" "$k/exports.expected" "$k/exports.txt"
	cp "$T/i386/ref/interop2.dll" "$k/"
	link_step "i386 -k: client linked against the -k import library" "$k" \
		i686-w64-mingw32-gcc -o c.exe "$T/i386/obj/gcc-dllimport.o" "$k/interop.lib" &&
		run_step "i386 -k: the client runs under Wine" i386 "$k" c.exe interop.dll interop2.dll
else
	[ -s "$k/mkimplib.log" ] && fail "i386 -k: mkimplib --exp" "$(head -c 300 "$k/mkimplib.log")"
fi

# ---- i386 in link.exe's naming (--dialect msvc, `_sfunc@8`): lld-link
# exports from the .exp what it exports from the .def itself.
ms=$T/i386-msvc
mkdir -p "$ms"
cat >"$ms/ms.def" <<'D'
LIBRARY interop.dll
EXPORTS
    add
    _sfunc@8
    by_ordinal @42 NONAME
    counter DATA
D
# (no forwarder here: lld-link 14's own table from -def: gives an i386
# forward target a C '_', "_interop2.twice"; forwarders are checked above)
if "$MKIMPLIB" -m i386 --dialect msvc --exp "$ms/ms.exp" "$ms/ms.def" >"$ms/mkimplib.log" 2>&1; then
	for l in "${LLDS[@]}"; do
		lv=${l%% *} lldlink=${l#* }
		if (cd "$ms" && "$lldlink" -nologo -dll -noentry -nodefaultlib -machine:x86 -def:ms.def \
			-out:ref-$lv.dll "$T/i386/obj/interop.obj" &&
		    "$lldlink" -nologo -dll -noentry -nodefaultlib -machine:x86 -out:exp-$lv.dll \
			"$T/i386/obj/interop.obj" ms.exp) >"$ms/link-$lv.log" 2>&1 &&
		   "$DUMP" --diff "$ms/ref-$lv.dll" "$ms/exp-$lv.dll" >"$ms/diff-$lv.txt" 2>&1 &&
		   "$DUMP" "$ms/exp-$lv.dll" | grep -q ' _sfunc@8$'; then
			ok "i386 --dialect msvc, $lv lld-link: the .exp exports _sfunc@8 and the rest as -def: does"
		else
			fail "i386 --dialect msvc, $lv lld-link" "$(head -c 300 "$ms/link-$lv.log" "$ms/diff-$lv.txt" | tr '\n' '|')"
		fi
	done
else
	fail "i386 --dialect msvc: mkimplib --exp" "$(head -c 300 "$ms/mkimplib.log")"
fi

# ---- two DLLs that import from each other
for arch in x86-64 i386; do
	cc=$(mingw_cc "$arch")
	m=$T/$arch/mutual
	mkdir -p "$m"
	if ! { "$MKIMPLIB" -m "$arch" -o "$m/libping.dll.a" --exp "$m/exp_ping.exp" "$ISRC/exp_ping.def" &&
		"$MKIMPLIB" -m "$arch" -o "$m/libpong.dll.a" --exp "$m/exp_pong.exp" "$ISRC/exp_pong.def"; } >"$m/mkimplib.log" 2>&1; then
		fail "$arch: mkimplib --exp for exp_ping and exp_pong" "$(head -c 300 "$m/mkimplib.log" | tr '\n' '|')"
		continue
	fi
	link_step "$arch: exp_ping.dll and exp_pong.dll, each from its .exp and the other's import library" "$m" \
		sh -c "$cc -O2 -shared -o exp_ping.dll '$ISRC/exp_ping.c' exp_ping.exp libpong.dll.a &&
		       $cc -O2 -shared -o exp_pong.dll '$ISRC/exp_pong.c' exp_pong.exp libping.dll.a &&
		       $cc -O2 -o c.exe '$ISRC/exp_client.c' libping.dll.a libpong.dll.a" || continue
	if "$DUMP" --check "$ISRC/exp_ping.def" "$m/exp_ping.dll" >"$m/check.txt" 2>&1 &&
	   "$DUMP" --check "$ISRC/exp_pong.def" "$m/exp_pong.dll" >>"$m/check.txt" 2>&1 &&
	   "$READOBJ" --coff-imports "$m/exp_pong.dll" | grep -q 'Name: exp_ping.dll' &&
	   "$READOBJ" --coff-imports "$m/exp_ping.dll" | grep -q 'Name: exp_pong.dll'; then
		ok "$arch: each DLL exports what its .def says and imports from the other"
	else
		fail "$arch: each DLL exports what its .def says and imports from the other" "$(head -5 "$m/check.txt" | tr '\n' '|')"
	fi
	run_step "$arch: a client calls through both under Wine" "$arch" "$m" c.exe exp_ping.dll exp_pong.dll
done

# ---- 40000 exports: 80004 relocations in .edata, more than a section
# header's 16-bit count (the count overflows into the first relocation).
b=$T/big
mkdir -p "$b"
{ echo "LIBRARY big.dll"; echo EXPORTS; seq -f '    f%g' 1 40000; } >"$b/big.def"
awk 'BEGIN { for (i = 1; i <= 40000; i++) printf ".globl f%d\nf%d: ret\n", i, i }' >"$b/big.s"
if x86_64-w64-mingw32-as -o "$b/big.o" "$b/big.s" >"$b/build.log" 2>&1 &&
   "$MKIMPLIB" -m x86-64 --exp "$b/big.exp" "$b/big.def" >>"$b/build.log" 2>&1; then
	cells=("GNU ld|x86_64-w64-mingw32-gcc -shared -nostdlib -Wl,-e,0 -o big.dll big.o big.exp")
	for l in "${LLDS[@]}"; do
		cells+=("${l%% *} lld-link|${l#* } -nologo -dll -noentry -nodefaultlib -machine:x64 -out:big.dll big.o big.exp")
	done
	for c in "${cells[@]}"; do
		name=${c%%|*} cmd=${c#*|}
		rm -f "$b/big.dll"
		if (cd "$b" && $cmd) >"$b/link.log" 2>&1 && "$DUMP" --check "$b/big.def" "$b/big.dll" >"$b/check.txt" 2>&1; then
			ok "40000 exports (80004 relocations): $name links a DLL that exports them all"
		else
			fail "40000 exports (80004 relocations): $name" "$(head -c 300 "$b/link.log" "$b/check.txt" | tr '\n' '|')"
		fi
	done
else
	fail "40000 exports: object and .exp" "$(head -c 300 "$b/build.log" | tr '\n' '|')"
fi

# ---- arm64, arm: lld-link, exports only
for arch in arm64 arm; do
	d=$T/$arch
	mkdir -p "$d"
	if ! { clang --target="$(msvc_triple "$arch")" -O2 -c -o "$d/interop.obj" "$ISRC/interop.c" &&
		"$MKIMPLIB" -m "$arch" --exp "$d/interop.exp" "$ISRC/interop.def"; } >"$d/build.log" 2>&1; then
		fail "$arch: interop.obj and interop.exp" "$(head -c 300 "$d/build.log" | tr '\n' '|')"
		continue
	fi
	for l in "${LLDS[@]}"; do
		lv=${l%% *} lldlink=${l#* }
		c=$d/$lv
		mkdir -p "$c/ref"
		if ! (cd "$c/ref" && "$lldlink" -nologo -dll -noentry -nodefaultlib -machine:"$arch" \
			-def:"$ISRC/interop.def" -out:interop.dll "$d/interop.obj") >"$c/ref/link.log" 2>&1; then
			fail "$arch $lv: reference DLL from interop.def" "$(head -c 300 "$c/ref/link.log")"
			continue
		fi
		link_step "$arch $lv lld-link: links interop.dll from interop.obj + interop.exp" "$c" \
			"$lldlink" -nologo -dll -noentry -nodefaultlib -machine:"$arch" -out:interop.dll \
			"$d/interop.obj" "$d/interop.exp" || continue
		exports_step "$arch $lv lld-link" "$c/interop.dll" "$arch" "$c/ref/interop.dll"
		# arm: code addresses carry the Thumb bit, as in the DLL from the .def.
		if [ "$arch" = arm ]; then
			a=$("$READOBJ" --coff-exports "$c/interop.dll" | grep -A2 'Name: add$' | sed -n 's/.*RVA: //p')
			case $a in *[13579bBdDfF]) ok "arm $lv: add's RVA $a has the Thumb bit" ;;
			*) fail "arm $lv: add's RVA has the Thumb bit" "RVA '$a'" ;; esac
		fi
	done
done
exit 0
