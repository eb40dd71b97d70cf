# tests/interop/lib/harness.sh - sourced by tests/interop/*.sh: import
# libraries made from hand-written .def files, linked by real linkers, run
# under Wine.
#
# Architectures are named as mkimplib -m names them: x86-64, i386, arm64,
# arm64ec, arm.  Formats: short (Microsoft/LLVM short-import members) and
# long (GNU dlltool style).
. "$(dirname "${BASH_SOURCE[0]}")/../../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/wine.sh"

# ---------------------------------------------------------------------------
# make_implib FORMAT ARCH DEF OUT [-k]
#
# The one place an import library is made: by $BIN/mkimplib, always (each
# script asks for it with `built`), so that every pass here is a pass of
# mkimplib.  Before mkimplib existed GNU dlltool and llvm-dlltool stood in
# for it, and DLLKIT_IMPLIB=standin could force them back: a run that tested
# the peers and counted their passes as dllkit's.  Nothing needs that any
# more, and it is gone; to see what a peer's library does in a case, make
# one by hand in the case's folder and link it with the command in link.log.
LLVM_BIN=/usr/lib/llvm-22/bin
MKIMPLIB=$BIN/mkimplib
READOBJ=$LLVM_BIN/llvm-readobj
[ -x "$READOBJ" ] || READOBJ=llvm-readobj

make_implib() {
	local format=$1 arch=$2 def=$3 out=$4
	shift 4
	case $def in /*) ;; *) def=$PWD/$def ;; esac
	"$MKIMPLIB" --format "$format" -m "$arch" "$@" -o "$out" "$def"
}

# implib_label FORMAT: "short, mkimplib": the writer, in every test name.
implib_label() { echo "$1, mkimplib"; }

# ---------------------------------------------------------------------------
# Toolchains, per architecture.
ISRC=$TOP/tests/interop/src
SENTINEL=interop-ok

mingw_cc() { case $1 in x86-64) echo x86_64-w64-mingw32-gcc ;; i386) echo i686-w64-mingw32-gcc ;; esac; }
mingw_triple() { case $1 in x86-64) echo x86_64-w64-mingw32 ;; i386) echo i686-w64-mingw32 ;; esac; }
msvc_triple() {
	case $1 in
	x86-64) echo x86_64-pc-windows-msvc ;; i386) echo i686-pc-windows-msvc ;;
	arm64) echo aarch64-pc-windows-msvc ;; arm64ec) echo arm64ec-pc-windows-msvc ;;
	arm) echo thumbv7-pc-windows-msvc ;;
	esac
}
link_machine() { case $1 in x86-64) echo x64 ;; i386) echo x86 ;; *) echo "$1" ;; esac; }
wine_arch() { case $1 in x86-64) echo x86_64 ;; i386) echo i686 ;; *) echo "$1" ;; esac; }
def_of() { case $1 in i386) echo "$ISRC/interop-i386.def" ;; *) echo "$ISRC/interop.def" ;; esac; }
k32def_of() { case $1 in i386) echo "$ISRC/kernel32-i386.def" ;; *) echo "$ISRC/kernel32.def" ;; esac; }
# clang needs the MinGW gcc's library folder (libgcc) to link with lld.
mingw_gcc_libdir() { dirname "$("$(mingw_cc "$1")" -print-libgcc-file-name)"; }

# The lld versions to test, as "LABEL PATH-TO-lld-link" lines: Debian's
# default (on PATH) and LLVM 22 when installed; ld.lld is beside each.
lld_versions() {
	local p v seen=
	for p in "$(command -v lld-link)" /usr/lib/llvm-22/bin/lld-link; do
		[ -n "$p" ] && [ -x "$p" ] || continue
		# /usr/bin/lld-link -> lld-link-14 -> ../lib/llvm-14/bin/lld-link
		# -> lld: keep the name (lld picks its flavour from it), take the
		# folder, where ld.lld of the same version lives.
		p=$(dirname "$(readlink -f "$p")")/lld-link
		[ -x "$p" ] && [ -x "$(dirname "$p")/ld.lld" ] || continue
		v=$("$p" --version 2>/dev/null | sed -n 's/.*LLD \([0-9]*\)\..*/\1/p' | head -1)
		v=${v:-unknown}
		case " $seen " in *" $v "*) continue ;; esac
		seen="$seen $v"
		echo "lld-$v $p"
	done
}

# build_dlls ARCH DIR: interop.dll (from the hand-written .def) and
# interop2.dll (the forwarder's target), with MinGW gcc and GNU ld.
build_dlls() {
	local arch=$1 dir=$2 cc
	cc=$(mingw_cc "$arch")
	mkdir -p "$dir"
	$cc -O2 -shared -static-libgcc -Wl,--no-insert-timestamp -o "$dir/interop2.dll" \
		"$ISRC/interop2.c" "$ISRC/interop2.def" >"$dir/build.log" 2>&1 &&
	$cc -O2 -shared -static-libgcc -Wl,--no-insert-timestamp -o "$dir/interop.dll" \
		"$ISRC/interop.c" "$(def_of "$arch")" >>"$dir/build.log" 2>&1
}

# check_implib NAME LIB FORMAT ARCH DEF: LIB is what FORMAT means (short:
# one short-import member per export of DEF; long: none, only COFF objects)
# and every member is for ARCH.
check_implib() {
	local name=$1 lib=$2 format=$3 arch=$4 def=$5 fm nshort nexp re bad
	fm=$("$READOBJ" "$lib" 2>&1 | sed -n 's/^Format: //p')
	nshort=$(printf '%s\n' "$fm" | grep -c '^COFF-import-file')
	nexp=$(def_names "$def" | wc -l)
	case $arch in
	x86-64) re='^COFF-(import-file-)?x86-64$' ;;
	i386) re='^COFF-(i386|import-file|import-file-i386)$' ;;
	arm64) re='^COFF-(import-file-)?ARM64$' ;;
	arm) re='^COFF-(import-file-)?ARM$' ;;
	arm64ec) re='^COFF-(ARM64|ARM64EC|ARM64X|import-file-ARM64EC)$' ;;
	esac
	bad=$(printf '%s\n' "$fm" | grep -vE "$re" | sort -u | tr '\n' ' ')
	if [ -z "$fm" ]; then
		fail "$name" "llvm-readobj finds no members in $lib"
	elif [ -n "$bad" ]; then
		fail "$name" "members not for $arch: $bad"
	elif [ "$format" = short ] && [ "$nshort" != "$nexp" ]; then
		fail "$name" "$nshort short-import members for $nexp exports"
	elif [ "$format" = long ] && [ "$nshort" != 0 ]; then
		fail "$name" "$nshort short-import members in a long-format library"
	else
		ok "$name"
	fi
}

# check_dll NAME DLL ARCH: the DLL built from the hand-written .def exports
# what the .def says: names, by_ordinal as ordinal 42 without a name, the
# two forwarders with their targets.  A check of the fixture (GNU ld's
# work), not of dllkit: silent when it holds, a FAIL (status 1) when not.
check_dll() {
	local name=$1 dll=$2 arch=$3 d s=sfunc t=fwd_tick note=
	d=$(dirname "$dll")
	[ "$arch" = i386 ] && { s=sfunc@8; t=fwd_tick@0; }
	"$READOBJ" --coff-exports "$dll" >"$d/exports.readobj" 2>&1
	awk '/^ *Export \{/ { o=""; n=""; f="" }
		/^ *Ordinal: / { o=$2 }
		/^ *Name: / { n=$2 }
		/^ *ForwardedTo: / { f=$2 }
		/^ *\}/ { print (n == "" ? "#" o : n) (f == "" ? "" : " -> " f) }' "$d/exports.readobj" |
		LC_ALL=C sort >"$d/exports.txt"
	printf '%s\n' "#42" add bump counter "$t -> kernel32.GetTickCount" "fwd_twice -> interop2.twice" \
		get_counter mul "$s" table | LC_ALL=C sort >"$d/exports.expected"
	if ! grep -q 'ForwardedTo:' "$d/exports.readobj"; then
		# llvm-readobj 14 does not print forward targets.
		sed -i 's/ -> .*//' "$d/exports.expected"
		note=" (forward targets not checked: $READOBJ does not show them)"
	fi
	if ! cmp -s "$d/exports.txt" "$d/exports.expected"; then
		fail "$name$note" "exports (< expected, > got): $(diff "$d/exports.expected" "$d/exports.txt" | grep '^[<>]' | tr '\n' ' ')"
		return 1
	fi
}

# ---------------------------------------------------------------------------
# What a client image imports from DLL, as llvm-readobj sees it: one name per
# line, "#N" for an import by ordinal N; sorted.
exe_imports() {
	"$READOBJ" --coff-imports "$1" | awk -v dll="$2" '
		/^ *Import \{/ { inb=0 }
		/^ *Name: / { inb = (tolower($2) == tolower(dll)) }
		inb && /^ *Symbol: / {
			line=$0; sub(/^ *Symbol: /, "", line)
			n=line; sub(/ *\([0-9]*\)$/, "", n)
			o=line; sub(/^.*\(/, "", o); sub(/\).*$/, "", o)
			print (n == "" ? "#" o : n)
		}
		/^ *\}/ { inb=0 }' | LC_ALL=C sort
}

# The imports every client must make from interop.dll on ARCH: names, and
# by_ordinal by ordinal 42 only.
expected_imports() {
	local s=sfunc t=fwd_tick
	[ "$1" = i386 ] && { s=sfunc@8; t=fwd_tick@0; }
	printf '%s\n' "#42" add bump counter "$t" fwd_twice get_counter mul "$s" table | LC_ALL=C sort
}
expected_k32_imports() { printf '%s\n' ExitProcess GetStdHandle GetTickCount WriteFile; }

# check_imports NAME EXE ARCH [nocrt]: the image imports exactly what it
# should (and, for the no-CRT client, kernel32's undecorated names).
check_imports() {
	local name=$1 exe=$2 arch=$3 d
	d=$(dirname "$exe")
	exe_imports "$exe" interop.dll >"$d/imports.txt"
	expected_imports "$arch" >"$d/imports.expected"
	if [ "${4:-}" = nocrt ]; then
		exe_imports "$exe" kernel32.dll >"$d/k32imports.txt"
		expected_k32_imports >"$d/k32imports.expected"
		if ! cmp -s "$d/k32imports.txt" "$d/k32imports.expected"; then
			fail "$name" "kernel32.dll imports: $(diff "$d/k32imports.expected" "$d/k32imports.txt" | grep '^[<>]' | tr '\n' ' ')"
			return 1
		fi
	fi
	if cmp -s "$d/imports.txt" "$d/imports.expected"; then
		ok "$name"
	else
		fail "$name" "interop.dll imports (< expected, > got): $(diff "$d/imports.expected" "$d/imports.txt" | grep '^[<>]' | tr '\n' ' ')"
		return 1
	fi
}

# link_step NAME DIR CMD...: run the link in DIR (log in DIR/link.log).
# "ok - NAME" and 0 on success; a FAIL and 1 otherwise.
link_step() {
	local name=$1 dir=$2
	shift 2
	mkdir -p "$dir"
	if (cd "$dir" && "$@") >"$dir/link.log" 2>&1; then
		ok "$name"
		return 0
	fi
	fail "$name" "$(head -c 700 "$dir/link.log" | tr '\n' '|')"
	return 1
}

# run_step NAME ARCH DIR EXE [DLL...]: EXE prints the sentinel and exits 0
# under Wine, and loaded each DLL under test from DIR (run_wine's check: the
# DLL arguments, or every *.dll in DIR).
run_step() {
	local name=$1 arch=$2 dir=$3 exe=$4
	shift 4
	if ! wine_ready "$(wine_arch "$arch")"; then
		wine_unavailable "$name" "$WINE_WHY"
		return 1
	fi
	if run_wine "$dir" "$exe" "$SENTINEL" "$@"; then
		ok "$name"
	else
		fail "$name" "$WINE_WHY"
		return 1
	fi
}
