#!/bin/bash
# tests/fixtures.sh OUT - compile tests/src/* with every compiler the tests
# compare against, into OUT/<config>/<source>.o.  Rebuilt when a source or
# this script is newer than OUT/.stamp.
#
#   config         compiler                                   dialect
#   mingw64        x86_64-w64-mingw32-gcc/g++                 GNU
#   mingw32        i686-w64-mingw32-gcc/g++                   GNU
#   clang-mingw64  clang --target=x86_64-w64-mingw32 (C)      GNU
#   clang-mingw32  clang --target=i686-w64-mingw32 (C)        GNU
#   msvc64         clang --target=x86_64-pc-windows-msvc      MSVC
#   msvc32         clang --target=i686-pc-windows-msvc        MSVC
#   msvcarm64      clang --target=aarch64-pc-windows-msvc     MSVC
#
# A configuration whose compiler is not installed is left out, not a
# failure: OUT/.missing then lists it ("CONFIG TOOL" lines), and tests/lib.sh's
# fixtures() skips the scripts that need it (a FAIL on CI).  A compiler that
# is installed and fails is a failure (exit 1).  Rebuilt on every run while
# something is missing, so that installing the compiler is enough.
set -eu
OUT=$1
SRC=$(cd "$(dirname "$0")" && pwd)/src
stamp=$OUT/.stamp
if [ -f "$stamp" ] && [ ! -s "$OUT/.missing" ] && [ -z "$(find "$SRC" "$0" -newer "$stamp" 2>/dev/null)" ]; then
	exit 0
fi
rm -rf "$OUT"
mkdir -p "$OUT"

cc_of() {
	case $1 in
	mingw64) echo "x86_64-w64-mingw32-gcc" ;;
	mingw32) echo "i686-w64-mingw32-gcc" ;;
	clang-mingw64) echo "clang --target=x86_64-w64-mingw32" ;;
	clang-mingw32) echo "clang --target=i686-w64-mingw32" ;;
	msvc64) echo "clang --target=x86_64-pc-windows-msvc" ;;
	msvc32) echo "clang --target=i686-pc-windows-msvc" ;;
	msvcarm64) echo "clang --target=aarch64-pc-windows-msvc" ;;
	esac
}
cxx_of() {
	case $1 in
	mingw64) echo "x86_64-w64-mingw32-g++" ;;
	mingw32) echo "i686-w64-mingw32-g++" ;;
	msvc64) echo "clang++ --target=x86_64-pc-windows-msvc" ;;
	msvc32) echo "clang++ --target=i686-pc-windows-msvc" ;;
	msvcarm64) echo "clang++ --target=aarch64-pc-windows-msvc" ;;
	*) echo "" ;;
	esac
}

# absent CFG TOOL...: the first TOOL (a command's first word) not installed,
# recorded in OUT/.missing; status 0 when one was absent.
absent() {
	local cfg=$1 t
	shift
	for t in "$@"; do
		[ -n "$t" ] || continue
		command -v "${t%% *}" >/dev/null 2>&1 && continue
		echo "$cfg ${t%% *}" >>"$OUT/.missing"
		return 0
	done
	return 1
}
: >"$OUT/.missing"

for cfg in mingw64 mingw32 clang-mingw64 clang-mingw32 msvc64 msvc32 msvcarm64; do
	cc=$(cc_of $cfg)
	cxx=$(cxx_of $cfg)
	absent $cfg "$cc" "$cxx" && continue
	mkdir -p "$OUT/$cfg"
	for s in "$SRC"/*.c; do
		$cc -O2 -c "$s" -o "$OUT/$cfg/$(basename "$s" .c).o"
	done
	if [ -n "$cxx" ]; then
		for s in "$SRC"/*.cpp; do
			$cxx -O2 -c "$s" -o "$OUT/$cfg/$(basename "$s" .cpp).o"
		done
	fi
	# _fltused: what the MSVC CRT would provide, so no-CRT links of
	# floating-point code succeed.
	case $cfg in msvc*) echo 'int _fltused = 1;' | $cc -x c -c - -o "$OUT/$cfg/fltused.obj" ;; esac
done
# A big-object (pe-bigobj-x86-64) variant.
[ -d "$OUT/mingw64" ] && x86_64-w64-mingw32-gcc -O2 -Wa,-mbig-obj -c "$SRC/api.c" -o "$OUT/mingw64/api-bigobj.o"
touch "$stamp"
