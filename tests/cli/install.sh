#!/bin/bash
# The library as a product: `make install` into a DESTDIR, then a program
# outside the tree (the example of dllkit(3), taken from the page itself)
# built with `pkg-config --cflags --libs dllkit` alone, run on a .def it
# writes; the installed library shows only the public functions; `make
# uninstall` leaves no file behind.
. "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1

command -v pkg-config >/dev/null || { missing "install" "pkg-config"; exit 0; }
ROOT=$T/root
if ! make -C "$TOP" -s BUILD="$BUILD" install DESTDIR="$ROOT" PREFIX=/usr >make.out 2>&1; then
	fail "make install" "$(tail -3 make.out | tr '\n' '|')"
	exit 0
fi
for f in usr/lib/libdllkit.a usr/include/dllkit.h usr/lib/pkgconfig/dllkit.pc \
	usr/bin/mkdef usr/bin/mkimplib usr/bin/dumpexports usr/share/man/man3/dllkit.3; do
	if [ -f "$ROOT/$f" ]; then ok "installed $f"; else fail "installed $f" "missing"; fi
done

# The example program, from the page (mdoc's \e is a backslash).
sed -n '/^\.Bd -literal/,/^\.Ed/p' "$TOP/man/dllkit.3" | sed '1d;$d' | sed 's/\\e/\\/g' >defdemo.c
if ! grep -q 'int main' defdemo.c; then
	fail "example from dllkit(3)" "no program found in the page"
	exit 0
fi

# A build that sees only the installed tree: no -I or -L of ours, pkg-config
# pointed into DESTDIR (SYSROOT_DIR prefixes the paths it prints).
export PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR=$ROOT/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$ROOT
flags=$(pkg-config --cflags --libs dllkit 2>pc.err)
echo "pkg-config --cflags --libs dllkit: $flags"
case $flags in
*-ldllkit*) ok "pkg-config gives -ldllkit" ;;
*) fail "pkg-config gives -ldllkit" "got '$flags' $(cat pc.err)" ;;
esac
case $flags in
*-lbfd*) ok "pkg-config gives the libbfd the library needs" ;;
*) fail "pkg-config gives the libbfd the library needs" "got '$flags'" ;;
esac
# A sanitizer build (make SAN=...) installs an instrumented library: the
# program is then built with the same runtime, and nothing else is added.
san=
if nm "$ROOT/usr/lib/libdllkit.a" 2>/dev/null | grep -q '__asan_\|__ubsan_'; then
	san="-fsanitize=address,undefined"
fi
# shellcheck disable=SC2086  # the flags are words
if (cd / && cc -Wall -Wextra -Werror $san -o "$T/defdemo" "$T/defdemo.c" $flags) >cc.out 2>&1; then
	ok "example builds against the installed library with pkg-config alone"
else
	fail "example builds against the installed library with pkg-config alone" "$(head -5 cc.out | tr '\n' '|')"
	exit 0
fi
if ./defdemo "$T/hello.def" >run.out 2>run.err; then
	ok "example runs"
else
	fail "example runs" "exit $?: $(tr '\n' '|' <run.err)"
fi
cat run.out
want_version=$(sed -n 's/^#define DK_VERSION "\(.*\)"/\1/p' "$TOP/lib/dllkit.h")
if grep -qx "dllkit $want_version (header $want_version)" run.out &&
	grep -qx 'hello.dll exports 2 names' run.out && grep -qx '  counter DATA' run.out &&
	grep -qx '  hello' run.out; then
	ok "example reads back the .def it wrote"
else
	fail "example reads back the .def it wrote" "$(tr '\n' '|' <run.out)"
fi
if grep -q '^LIBRARY "\?hello.dll"\?' hello.def && grep -q 'counter.*DATA' hello.def; then
	ok "example's .def has its LIBRARY and DATA export"
else
	fail "example's .def has its LIBRARY and DATA export" "$(tr '\n' '|' <hello.def)"
fi
# The tools the example did not use agree with it.
if "$ROOT/usr/bin/dumpexports" hello.def 2>&1 | grep -q counter; then
	ok "installed dumpexports reads the example's .def"
else
	fail "installed dumpexports reads the example's .def" "$("$ROOT/usr/bin/dumpexports" hello.def 2>&1 | head -3)"
fi

# Only what dllkit.h declares is global in the installed library.
nm -g --defined-only "$ROOT/usr/lib/libdllkit.a" | awk 'NF == 3 { print $3 }' | sort -u >globals
grep -oE '\bdk_[a-z0-9_]+[[:space:]]*\(' "$ROOT/usr/include/dllkit.h" | sed 's/[[:space:]]*($//' | sort -u >declared
extra=$(comm -23 globals declared | tr '\n' ' ')
if [ -z "$extra" ] && [ "$(wc -l <globals)" -gt 30 ]; then
	ok "installed library: only the $(wc -l <globals) declared functions are global"
else
	fail "installed library: only the declared functions are global" "also: $extra ($(wc -l <globals) globals)"
fi
if nm "$ROOT/usr/lib/libdllkit.a" | grep -q ' t dk_strdup$'; then
	ok "an internal helper (dk_strdup) is a local symbol"
else
	fail "an internal helper (dk_strdup) is a local symbol" "$(nm "$ROOT/usr/lib/libdllkit.a" | grep dk_strdup)"
fi

if ! make -C "$TOP" -s BUILD="$BUILD" uninstall DESTDIR="$ROOT" PREFIX=/usr >make.out 2>&1; then
	fail "make uninstall" "$(tail -3 make.out | tr '\n' '|')"
	exit 0
fi
left=$(cd "$ROOT" && find . ! -type d | tr '\n' ' ')
if [ -z "$left" ]; then ok "make uninstall leaves no file"
else fail "make uninstall leaves no file" "left: $left"; fi
