# tests/interop/lib/wine.sh - run Windows programs under Wine, headless and
# deterministic.  Sourced (after tests/lib.sh, which sets BUILD) by the
# interop tests through tests/interop/lib/harness.sh.
#
#   wine_ready ARCH      0 when programs of ARCH (x86_64, i686) can run; else
#                        WINE_WHY says why.  Sets up the prefix on first use.
#   run_wine DIR EXE SENTINEL [DLL...]
#                        run DIR/EXE with DIR as the current folder (Wine
#                        looks for DLLs there), stdin from /dev/null, output
#                        to DIR/EXE.out; 0 only when the exit status is 0 AND
#                        a line equal to SENTINEL was printed AND every DLL
#                        under test was loaded from DIR (see below).  Sets
#                        WINE_RC (exit status) and, on failure, WINE_WHY.
#                        The DLLs under test are the DLL arguments, or, when
#                        none is given, every *.dll in DIR.
#   wine_unavailable NAME REASON
#                        a case that cannot run: FAIL when CI=true (the CI
#                        machine must be able to run everything), skip
#                        otherwise.
#
# The prefix is private to the build folder ($BUILD/wineprefix) and made
# once, by `wineboot -i`, under a lock; it is remade when Wine or the 32-bit
# part changes.  Never capture Wine's output with $(...): wineserver stays
# behind holding the pipe open and the capture hangs.  Output goes to files.
#
# The DLL under test, not a Wine builtin of the same name: Wine ships its own
# builds of many DLLs (zlib1.dll among them) and by default loads them in
# preference to a DLL in the program's folder, so a client can print the
# right line without ever loading the DLL a test made.  run_wine therefore
# (1) sets WINEDLLOVERRIDES=NAME=n,b for each DLL under test, so that Wine
# looks for the DLL in the folder first, and (2) runs with
# WINEDEBUG=+loaddll and reads the loader's own record: in the program's
# thread, each DLL under test must be 'Loaded L"<DIR>\\NAME" ...: native'.
# ": native" matters: with the default load order Wine names the file in
# the folder and still maps its builtin ("Loaded L"Z:\\...\\zlib1.dll" ...:
# builtin"), so a check of the path alone (GetModuleFileName) would pass.
# (2) is the verdict: a DLL under test that is missing makes Wine fall back
# to its builtin, and run_wine fails naming the file that was loaded.  Not
# "NAME=n" alone: Wine's own DLLs use some of these names (user32.dll
# imports zlib1.dll), and native-only then breaks Wine's background
# processes, which inherit the variable.  The trace lines stay in
# DIR/EXE.out.  WINE_PREFER_NATIVE=no drops (1), to show that the default
# load order takes the builtin and (2) catches it
# (tests/interop/implib_negative.sh).
#
# 32-bit programs: Debian's wine64 runs them in wow64 mode when it finds the
# i386 Windows DLLs of libwine:i386 through WINEDLLPATH.  Tests never
# download anything; tests/interop/lib/setup-wine32.sh (run by `make deps`)
# unpacks them into WINE32_DIR.  Without them Wine runs a 32-bit program as
# a no-op that exits 0 and prints nothing, which is why every run checks a
# sentinel line.

WINE_TIMEOUT=${WINE_TIMEOUT:-60}
WINE32_DIR=${DLLKIT_WINE32:-/var/cache/dllkit/wine32}
WINE_WHY=
WINE_RC=0
_wine_state=        # "", "ok" or "broken"
_wine32=            # "yes" when the 32-bit DLLs are usable
_wine32_why=
_wine_broken_why=

# What a Windows exit status (the low byte of an NTSTATUS when a process
# dies) means.
wine_status_meaning() {
	case $1 in
	0) echo "success" ;;
	1) echo "the program reported failure, or Wine aborted on an unimplemented import" ;;
	5) echo "access violation (0xC0000005)" ;;
	29) echo "illegal instruction (0xC000001D)" ;;
	53) echo "DLL not found (0xC0000135)" ;;
	57) echo "entry point not found (0xC0000139)" ;;
	123) echo "bad image or invalid import (0xC000007B)" ;;
	124) echo "timed out after ${WINE_TIMEOUT}s" ;;
	127) echo "delay-load procedure not found (0xC06D007F)" ;;
	137) echo "killed" ;;
	253) echo "stack overflow (0xC00000FD)" ;;
	*) echo "the program's own status, or an NTSTATUS not listed here" ;;
	esac
}

# The installed 64-bit Wine's Debian version (empty when unknown).
_wine_pkg_version() {
	dpkg-query -W -f='${Version}' libwine:amd64 2>/dev/null || true
}

# Replace the prefix's copies of Wine's own DLLs with symbolic links to the
# installed files: wineboot copies about 1.2 GB of them into every prefix.
# Safe because .update-timestamp says "disable" (wineboot never rewrites
# them) and a changed Wine remakes the prefix.
_wine_dedupe() {
	local dir=$1 src=$2 f b
	[ -d "$dir" ] && [ -d "$src" ] || return 0
	find "$dir" -type f | while IFS= read -r f; do
		b=$src/${f##*/}
		[ -f "$b" ] && cmp -s "$f" "$b" && ln -sf "$b" "$f"
	done
}

_wine_setup() {
	local ver stamp dll64 have
	if ! command -v wine >/dev/null 2>&1 || ! command -v wineboot >/dev/null 2>&1; then
		WINE_WHY="Wine is not installed (make deps: wine64 wine)"
		return 1
	fi
	export WINEPREFIX=$BUILD/wineprefix
	export WINEDEBUG=-all
	export WINEDLLOVERRIDES="mscoree,mshtml=;winedbg.exe=d"
	export WINEARCH=win64
	unset DISPLAY WAYLAND_DISPLAY WINELOADER WINESERVER

	ver=$(_wine_pkg_version)
	dll64=$(dirname "$(command -v wine)")/../lib/x86_64-linux-gnu/wine/x86_64-windows
	_wine32=
	if [ -f "$WINE32_DIR/usr/lib/i386-linux-gnu/wine/i386-windows/kernel32.dll" ]; then
		have=$(cat "$WINE32_DIR/VERSION" 2>/dev/null)
		if [ -z "$ver" ] || [ "$have" = "$ver" ]; then
			_wine32=yes
			export WINEDLLPATH=$WINE32_DIR/usr/lib/i386-linux-gnu/wine
		else
			_wine32_why="$WINE32_DIR holds libwine:i386 $have but Wine is $ver; run make deps (tests/interop/lib/setup-wine32.sh)"
		fi
	else
		_wine32_why="no 32-bit Wine DLLs in $WINE32_DIR; run make deps (tests/interop/lib/setup-wine32.sh, as root)"
	fi
	[ -n "$_wine32" ] || unset WINEDLLPATH

	stamp="libwine=${ver:-unknown} wine32=${_wine32:-no} dir=$WINE32_DIR"
	mkdir -p "$BUILD"
	# fd 9 holds the lock; Wine's processes must not inherit it (wineserver
	# outlives the subshell and would keep the lock).
	(
		flock 9
		if [ "$(cat "$WINEPREFIX/.dllkit-stamp" 2>/dev/null)" = "$stamp" ]; then
			exit 0
		fi
		[ -d "$WINEPREFIX" ] && wineserver -k </dev/null >/dev/null 2>&1 9>&-
		rm -rf "$WINEPREFIX"
		wineboot -i </dev/null >"$BUILD/wineprefix.log" 2>&1 9>&-
		wineserver -w </dev/null >>"$BUILD/wineprefix.log" 2>&1 9>&-
		[ -f "$WINEPREFIX/system.reg" ] || exit 1
		_wine_dedupe "$WINEPREFIX/drive_c/windows/system32" "$dll64"
		[ -n "$_wine32" ] && _wine_dedupe "$WINEPREFIX/drive_c/windows/syswow64" "$WINEDLLPATH/i386-windows"
		echo disable >"$WINEPREFIX/.update-timestamp"
		echo "$stamp" >"$WINEPREFIX/.dllkit-stamp"
	) 9>"$BUILD/wineprefix.lock"
	if [ $? -ne 0 ]; then
		WINE_WHY="wineboot -i did not make a prefix in $WINEPREFIX; see $BUILD/wineprefix.log"
		return 1
	fi
	return 0
}

wine_ready() {
	if [ -z "$_wine_state" ]; then
		_wine_setup && _wine_state=ok || { _wine_state=broken; _wine_broken_why=$WINE_WHY; }
	fi
	if [ "$_wine_state" != ok ]; then
		WINE_WHY=$_wine_broken_why
		return 1
	fi
	case $1 in
	i686|i386|x86)
		if [ -z "$_wine32" ]; then
			WINE_WHY=$_wine32_why
			return 1
		fi ;;
	esac
	return 0
}

wine_unavailable() {
	if [ "${CI:-}" = true ]; then
		fail "$1" "cannot run under Wine on CI: $2"
	else
		skip "$1" "$2"
	fi
}

# _wine_windir DIR: DIR as Wine names it (Z: is /; symbolic links resolved,
# as the program's getcwd() sees them), lower case.
_wine_windir() {
	(cd "$1" && pwd -P) | sed 's|/|\\|g; s|^|z:|' | tr 'A-Z' 'a-z'
}

# _wine_loaded OUT EXE WINDIR DLL...: read the loaddll trace in OUT.  0 when,
# in the thread that loaded EXE, every DLL was loaded natively from WINDIR;
# else 1 with WINE_WHY saying what was loaded instead.
_wine_loaded() {
	local out=$1 exe=$2 windir=$3
	shift 3
	# (ENVIRON, not awk -v, which would read the backslashes as escapes)
	WINE_WHY=$(tr -d '\r' <"$out" | W_EXE=$exe W_DIR=$windir W_DLLS="$*" awk '
		BEGIN { exe = ENVIRON["W_EXE"]; dir = ENVIRON["W_DIR"]; dlls = ENVIRON["W_DLLS"] }
		/^[0-9a-f]+:trace:loaddll:.* Loaded L"/ {
			tid = $0; sub(/:.*/, "", tid)
			p = $0; sub(/^[^"]*"/, "", p); sub(/".*/, "", p)
			gsub(/\\\\/, "\\", p); p = tolower(p)
			kind = $NF
			b = p; sub(/.*\\/, "", b)
			d = p; sub(/\\[^\\]*$/, "", d)
			if (b == tolower(exe) && d == dir) { main = tid; next }
			if (main != "" && tid == main) { seen[b] = seen[b] (seen[b] == "" ? "" : ", ") p " (" kind ")"; if (d == dir && kind == "native") good[b] = 1 }
		}
		END {
			if (main == "") { print "no loaddll trace of " exe " loaded from " dir; exit }
			n = split(tolower(dlls), want, " ")
			for (i = 1; i <= n; i++) {
				if (!(want[i] in seen)) msg = msg sep want[i] " was never loaded"
				else if (!(want[i] in good) || index(seen[want[i]], ",")) msg = msg sep want[i] " loaded as " seen[want[i]] ", not natively from " dir
				else continue
				sep = "; "
			}
			print msg
		}')
	[ -z "$WINE_WHY" ]
}

run_wine() {
	local dir=$1 exe=$2 sentinel=$3 out has dlls f ovr windir loaded=1
	shift 3
	out=$dir/${exe%.exe}.out
	WINE_WHY=
	if [ $# -gt 0 ]; then
		dlls="$*"
	else
		dlls=
		for f in "$dir"/*.dll "$dir"/*.DLL; do
			[ -e "$f" ] && dlls="$dlls ${f##*/}"
		done
	fi
	ovr=$WINEDLLOVERRIDES
	if [ -n "${dlls// /}" ] && [ "${WINE_PREFER_NATIVE:-yes}" != no ]; then
		ovr="$ovr;$(for f in $dlls; do printf '%s,' "${f%.[dD][lL][lL]}"; done | sed 's/,$//')=n,b"
	fi
	_wine_go() {
		(cd "$dir" && WINEDEBUG=-all,+loaddll WINEDLLOVERRIDES=$ovr \
			exec timeout -k 5 "$WINE_TIMEOUT" wine "./$exe" </dev/null >"$out" 2>&1)
	}
	_wine_go
	WINE_RC=$?
	# Nothing at all from the program, not even its first line or a word
	# from Wine (loaddll trace lines aside): Wine did not get the program
	# started (seen once under heavy load, exit status 1).  One more try; a
	# program that ran and failed always says something, so this hides no
	# failure of ours.
	if [ "$WINE_RC" -ne 0 ] && ! grep -avq ':trace:loaddll:' "$out"; then
		_wine_go
		WINE_RC=$?
	fi
	# Wine's msvcrt writes CRLF; compare lines without the CR.
	if tr -d '\r' <"$out" | grep -aqxF -- "$sentinel"; then has=1; else has=0; fi
	if [ -n "${dlls// /}" ]; then
		windir=$(_wine_windir "$dir")
		_wine_loaded "$out" "$exe" "$windir" $dlls || loaded=0
	fi
	[ "$WINE_RC" -eq 0 ] && [ "$has" = 1 ] && [ "$loaded" = 1 ] && return 0
	if [ "$WINE_RC" -eq 0 ] && [ "$has" = 1 ]; then
		WINE_WHY="exit status 0 with '$sentinel', but not the DLL under test: $WINE_WHY"
	elif [ "$has" = 1 ]; then
		WINE_WHY="exit status $WINE_RC: $(wine_status_meaning "$WINE_RC")"
	else
		WINE_WHY="exit status $WINE_RC ($(wine_status_meaning "$WINE_RC")), no '$sentinel' line"
	fi
	WINE_WHY="$WINE_WHY; output: $(tr -d '\r' <"$out" | grep -av ':trace:loaddll:' | tail -n 6 | tr '\n' '|' | head -c 700)"
	return 1
}
