#!/bin/sh
# run-wine.sh PREFIX DIR EXE SENTINEL [DLL...] - run the sample's client under Wine,
# headless, the way dllkit's own interop tests do (tests/interop/lib/wine.sh).
#
# PREFIX  the Wine prefix to use; made on first use (wineboot -i, a few
#         seconds), under a lock so that make -j is safe.
# DIR     the folder holding EXE and its DLLs: Wine looks for DLLs in the
#         current folder, so the program runs there.
# SENTINEL  a line the program must print.
# DLL     the DLLs under test (sample.dll): each must be the file in DIR,
#         not a Wine builtin of the same name.  Wine ships its own build of
#         many DLLs and by default prefers it to the one beside the program
#         (a zlib1.dll client prints the same line with no zlib1.dll at
#         all), so the run sets WINEDLLOVERRIDES=NAME=n,b (the folder's
#         file first) and reads Wine's loader trace (WINEDEBUG=+loaddll):
#         each DLL must be 'Loaded L"Z:\\...\\DIR\\NAME" ...: native'.
#         The trace stays in DIR/EXE.out; it is not printed.
#
# Wine's output goes to DIR/EXE.out, never through a pipe or $(...): Wine
# leaves wineserver running in the background, holding any pipe open.  The
# run passes only when the exit status is 0 AND the sentinel line was
# printed: a 32-bit program on a Wine without its 32-bit part exits 0 and
# prints nothing.  On success DIR/EXE.out is kept (make's target); on
# failure it is renamed DIR/EXE.out.failed and the exit status is 1.
#
# 32-bit programs: Debian's wine64 runs them in wow64 mode when it finds the
# i386 Windows DLLs of libwine:i386 through WINEDLLPATH; dllkit's `make deps`
# unpacks them into /var/cache/dllkit/wine32 (or $DLLKIT_WINE32).  The
# prefix must be made with WINEDLLPATH already set, so it is remade when
# that changes.
set -u
prefix=$1 dir=$2 exe=$3 sentinel=$4
shift 4
out=$dir/${exe%.exe}.out

export WINEPREFIX="$prefix"
export WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree,mshtml=;winedbg.exe=d"   # no Mono/Gecko dialogs; a crash exits non-zero
export WINEARCH=win64
unset DISPLAY WAYLAND_DISPLAY WINELOADER WINESERVER

wine32=${DLLKIT_WINE32:-/var/cache/dllkit/wine32}
if [ -f "$wine32/usr/lib/i386-linux-gnu/wine/i386-windows/kernel32.dll" ]; then
	export WINEDLLPATH="$wine32/usr/lib/i386-linux-gnu/wine"
	stamp="wine32=$wine32 $(cat "$wine32/VERSION" 2>/dev/null)"
else
	unset WINEDLLPATH
	stamp="wine32=none"
fi
stamp="$stamp $(wine --version 2>/dev/null </dev/null)"

dedupe() {
	[ -d "$1" ] && [ -d "$2" ] || return 0
	find "$1" -type f | while IFS= read -r f; do
		b=$2/${f##*/}
		[ -f "$b" ] && cmp -s "$f" "$b" && ln -sf "$b" "$f"
	done
}

# Make the prefix once.  fd 9 holds the lock; Wine's processes must not
# inherit it (wineserver outlives this script and would keep it).
mkdir -p "$(dirname "$prefix")"
(
	flock 9
	[ "$(cat "$prefix/.sample-stamp" 2>/dev/null)" = "$stamp" ] && exit 0
	echo "run-wine.sh: making the Wine prefix $prefix (once)"
	[ -d "$prefix" ] && wineserver -k </dev/null >/dev/null 2>&1 9>&-
	rm -rf "$prefix"
	wineboot -i </dev/null >"$prefix.log" 2>&1 9>&-
	wineserver -w </dev/null >>"$prefix.log" 2>&1 9>&-
	[ -f "$prefix/system.reg" ] || { echo "run-wine.sh: wineboot made no prefix; see $prefix.log" >&2; exit 1; }
	# wineboot copies Wine's own DLLs into the prefix (about 1.3 GB with the
	# 32-bit part); link to the installed files instead.  Safe because
	# wineboot never rewrites them once .update-timestamp says "disable",
	# and a changed Wine remakes the prefix (the stamp holds its version).
	dedupe "$prefix/drive_c/windows/system32" "$(dirname "$(command -v wine)")/../lib/x86_64-linux-gnu/wine/x86_64-windows"
	[ -n "${WINEDLLPATH:-}" ] && dedupe "$prefix/drive_c/windows/syswow64" "$WINEDLLPATH/i386-windows"
	echo disable >"$prefix/.update-timestamp"
	echo "$stamp" >"$prefix/.sample-stamp"
) 9>"$prefix.lock" || exit 1

ovr=
for d in "$@"; do ovr="$ovr${ovr:+,}${d%.dll}"; done
[ -n "$ovr" ] && WINEDLLOVERRIDES="$WINEDLLOVERRIDES;$ovr=n,b"
rm -f "$out" "$out.failed"
(cd "$dir" && WINEDEBUG=-all,+loaddll exec timeout -k 5 60 wine "./$exe" </dev/null >"${exe%.exe}.out" 2>&1)
rc=$?
# Each DLL under test, as Wine's loader names it: DIR in Windows form, with
# the doubled backslashes of the trace; ": native", since Wine names the
# folder's file even when it maps its builtin instead.
windir=$(cd "$dir" && pwd -P | sed 's|/|\\\\|g')
notloaded=
for d in "$@"; do
	grep -aiqF "Loaded L\"Z:$windir\\\\$d\" at " "$out" &&
		grep -aiF "Loaded L\"Z:$windir\\\\$d\" at " "$out" | grep -aq ': native$' ||
		notloaded="$notloaded $d"
done
# Wine's msvcrt writes CRLF; compare lines without the CR.
if [ $rc -eq 0 ] && [ -z "$notloaded" ] && tr -d '\r' <"$out" | grep -aqxF -- "$sentinel"; then
	tr -d '\r' <"$out" | grep -av ':trace:loaddll:'
	for d in "$@"; do
		echo "run-wine.sh: $d loaded from $dir (Wine: $(grep -aiF "\\\\$d\" at " "$out" | sed 's/.*Loaded //' | tr -d '\r'))"
	done
	exit 0
fi
mv "$out" "$out.failed"
case $rc in
0) if [ -n "$notloaded" ]; then
	why="printed '$sentinel', but not with the DLL in $dir:$notloaded (a Wine builtin, or nothing; the loaddll lines are in $out.failed)"
   else
	why="exited 0 but did not print '$sentinel' (a 32-bit program without Wine's 32-bit DLLs does that)"
   fi ;;
5) why="access violation" ;;
53) why="DLL not found" ;;
124) why="timed out" ;;
*) why="exit status $rc" ;;
esac
echo "run-wine.sh: $dir/$exe: $why; its output is in $out.failed" >&2
exit 1
