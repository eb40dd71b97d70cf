#!/bin/bash
# dumpexports --deps against the real loader: programs and DLL chains built
# here (src/deps/), each run under Wine, and --deps' verdict (exit 0 "will
# load", 1 "will not") held to what Wine did.
#
# The chain: prog.exe imports a_twice and a_fwd (an export of a.dll
# forwarded to b.dll's b_add) from a.dll, b_version by name and b_five by
# ordinal 5 (NONAME) from b.dll; a.dll imports b_add from b.dll.  Cases:
#   complete       everything there: loads, prints deps-ok
#   lacking        b.dll without b_version (b-lacking.def)
#   noord          b.dll's b_five at ordinal 6, not 5 (b-noord.def)
#   missing        no b.dll
#   forwarder      a.dll's a_fwd forwarded to gone.dll, which is nowhere
#   machine        an i686 b.dll beside the x86-64 program and a.dll
#   delay-*        prog.exe also delay-loads d.dll (never called, never
#                  built) through a `mkimplib --delay` library and through
#                  a GNU `dlltool -y` one: must run, --deps exit 0
#   search-path    b.dll in a folder of its own: -L for --deps, WINEPATH
#                  for Wine
#   search-order   two such folders, the first holding the lacking b.dll:
#                  the first one found wins, for both
# and on i686 (PE32, the 32-bit loader): complete, lacking, missing.
# Packaging, x86-64 and i686: a C++ program (src/deps/pkg.cpp, MinGW g++
# posix) that needs libstdc++-6.dll, the libgcc DLL and, through it,
# libwinpthread-1.dll from the compiler's folders: run with those folders
# as -L / WINEPATH; copied with `--deps -f paths | xargs cp -t dist/`, the
# folder runs alone and checks clean; less libwinpthread-1.dll, refused.
#
# What Wine shows (WINEDEBUG=+loaddll,err+module,warn+module): a missing
# DLL is "err:module:import_dll Library b.dll (which is needed by ...) not
# found" and exit status 53 (0xC0000135); a DLL of the wrong machine is
# "Loading library b.dll ... failed (error c000007b)", then the same 53.
# A missing function, ordinal or forward target does NOT stop Wine: it
# logs "warn:module:import_dll No implementation for b.dll.b_version
# imported from ..." (ordinals: "b.dll.5"; forwarders first "module not
# found for forward 'gone.gone_add'"), starts the program anyway and
# aborts at the first call, where Windows refuses to start it
# (0xC0000139, entry point not found).  So Wine's verdict here is "will not
# load" on any such line or on a program that never printed its first line
# ("deps: started"), and "will load" on the first line, exit 0, deps-ok and
# none of those lines.  When it loads, the DLLs Wine loaded natively from
# the program's folder and the search folders (its loaddll trace, in the
# program's thread) must be exactly `--deps -f paths`.
. "$(dirname "$0")/lib/harness.sh"
cd "$T" || exit 1
SRC=$TOP/tests/interop/src/deps
DUMP=$BIN/dumpexports
STARTED="deps: started"
OKLINE=deps-ok

built "dumpexports --deps under Wine" "$MKIMPLIB" "$DUMP" || exit 0
need "dumpexports --deps under Wine" x86_64-w64-mingw32-gcc i686-w64-mingw32-gcc \
	x86_64-w64-mingw32-dlltool || exit 0

log_of() { head -c 600 "$1" | tr '\n' '|'; }

# Does this dumpexports know --deps at all?  (Without it every prediction
# is a FAIL; the Wine half still runs, so that its verdicts are seen.)
HAVE_DEPS=yes
"$DUMP" --help >"$T/probe.err" 2>&1
if ! grep -q -- '--deps' "$T/probe.err"; then
	HAVE_DEPS=no
	echo "dumpexports --help does not mention --deps" >"$T/probe.err"
fi
WV= WV_WHY=

# build ARCH: the pieces of every case, in $T/ARCH/parts.
build() {
	local arch=$1 p=$T/$1/parts cc
	cc=$(mingw_cc "$arch")
	mkdir -p "$p"
	(
		cd "$p" || exit 1
		set -e
		"$MKIMPLIB" -m "$arch" -o libb.a "$SRC/b.def"
		"$MKIMPLIB" -m "$arch" -o liba.a "$SRC/a.def"
		"$MKIMPLIB" --delay -m "$arch" -o libd-mkimplib.a "$SRC/d.def" 2>/dev/null
		$cc -O2 -shared -Wl,--no-insert-timestamp -o b.dll "$SRC/b.c" "$SRC/b.def"
		mkdir -p lacking noord gone
		$cc -O2 -shared -Wl,--no-insert-timestamp -o lacking/b.dll "$SRC/b.c" "$SRC/b-lacking.def"
		$cc -O2 -shared -Wl,--no-insert-timestamp -o noord/b.dll "$SRC/b.c" "$SRC/b-noord.def"
		$cc -O2 -shared -Wl,--no-insert-timestamp -o a.dll "$SRC/a.c" "$SRC/a.def" libb.a
		$cc -O2 -shared -Wl,--no-insert-timestamp -o gone/a.dll "$SRC/a.c" "$SRC/a-gone.def" libb.a
		$cc -O2 -o prog.exe "$SRC/prog.c" liba.a libb.a
		$cc -O2 -DDELAY -o prog-delay-mkimplib.exe "$SRC/prog.c" liba.a libb.a libd-mkimplib.a
		if [ "$arch" = x86-64 ]; then
			# GNU dlltool -y libraries run with GNU ld on x86-64 only
			# (INTEROP.md); they leave the delay-import directory empty.
			x86_64-w64-mingw32-dlltool -d "$SRC/d.def" -y libd-dlltool.a
			$cc -O2 -DDELAY -o prog-delay-dlltool.exe "$SRC/prog.c" liba.a libb.a libd-dlltool.a
			mkdir -p i686
			i686-w64-mingw32-gcc -O2 -shared -Wl,--no-insert-timestamp -o i686/b.dll "$SRC/b.c" "$SRC/b.def"
		fi
	) >"$T/$arch/build.log" 2>&1
}

# case_dir ARCH NAME EXE FILE...: a fresh folder $T/ARCH/NAME holding EXE
# and each FILE (paths under $T/ARCH/parts/); prints the folder.
case_dir() {
	local arch=$1 name=$2 exe=$3 d f
	d=$T/$arch/$name
	shift 3
	rm -rf "$d"
	mkdir -p "$d"
	cp "$T/$arch/parts/$exe" "$d/"
	for f in "$@"; do cp "$T/$arch/parts/$f" "$d/"; done
	echo "$d"
}

# wine_dir DIR: DIR as Wine writes it, lower case (z:\...).
wine_dir() { _wine_windir "$1"; }

# wine_verdict DIR EXE [SEARCH...]: run DIR/EXE under Wine with DIR as the
# current folder and the SEARCH folders on Wine's PATH (WINEPATH).  Sets
# WV ("loads" or "refused"), WV_WHY (Wine's own words) and WINE_RC.
wine_verdict() {
	local dir=$1 exe=$2 out wp= s
	shift 2
	out=$dir/${exe%.exe}.out
	for s in "$@"; do wp="$wp${wp:+;}$(wine_dir "$s")"; done
	(cd "$dir" && WINEDEBUG=-all,+loaddll,err+module,warn+module WINEPATH=$wp \
		WINEDLLOVERRIDES="$WINEDLLOVERRIDES;a,b,d,gone=n,b" \
		exec timeout -k 5 "$WINE_TIMEOUT" wine "./$exe" </dev/null >"$out" 2>&1)
	WINE_RC=$?
	tr -d '\r' <"$out" >"$out.txt"
	WV_WHY=$(grep -aE 'err:module:(import_dll|find_forwarded_export)|warn:module:import_dll No implementation' "$out.txt" |
		sed 's/^[0-9a-f]*://; s/L"[^"]*\\\([^"\\]*\)"/\1/g' | head -4 | tr '\n' '|')
	if grep -aqxF "$STARTED" "$out.txt" && [ -z "$WV_WHY" ] && [ "$WINE_RC" -eq 0 ] &&
	   grep -aqxF "$OKLINE" "$out.txt"; then
		WV=loads
	else
		WV=refused
		grep -aqxF "$STARTED" "$out.txt" || WV_WHY="${WV_WHY}never started (exit $WINE_RC: $(wine_status_meaning "$WINE_RC"))"
		[ -n "$WV_WHY" ] || WV_WHY="started, exit $WINE_RC ($(wine_status_meaning "$WINE_RC")), no $OKLINE line"
	fi
}

# wine_native DIR EXE: the files Wine loaded natively (not its builtins) in
# the program's thread, EXE itself aside (wow64 names it twice), as Wine
# names them, lower case, sorted.
wine_native() {
	local exe=$2
	W_EXE=$(echo "$exe" | tr 'A-Z' 'a-z') awk '
		BEGIN { exe = ENVIRON["W_EXE"] }
		/^[0-9a-f]+:trace:loaddll:.* Loaded L"/ {
			tid = $0; sub(/:.*/, "", tid)
			p = $0; sub(/^[^"]*"/, "", p); sub(/".*/, "", p)
			gsub(/\\\\/, "\\", p); p = tolower(p)
			b = p; sub(/.*\\/, "", b)
			if (b == exe) { if (main == "") main = tid; next }
			if (tid == main && $NF == "native") print p
		}' "$1/${exe%.exe}.out.txt" | LC_ALL=C sort -u
}

# as_wine_paths: paths on stdin (Linux), as Wine names them, sorted.
as_wine_paths() {
	local p
	while IFS= read -r p; do
		[ -n "$p" ] || continue
		echo "$(wine_dir "$(dirname "$p")")\\$(basename "$p" | tr 'A-Z' 'a-z')"
	done | LC_ALL=C sort -u
}

# check NAME ARCH DIR EXE WANT RE [SEARCH...]: Wine's verdict on DIR/EXE
# must be WANT ("loads" or "refused", with Wine's words matching RE), and
# `dumpexports --deps` (-L for each SEARCH folder) must predict it: exit 0
# for loads, and `-f paths` exactly the DLLs Wine loaded from the folders;
# exit 1 for refused, and its report must name the problem: DEPS_RE must
# match a line of the table's "problems:" part or a row of -f tsv (its
# fields joined with "|": dll|status|kind|needed_by|path|machine).
check() {
	local name=$1 arch=$2 dir=$3 exe=$4 want=$5 re=$6 s largs=() rc
	shift 6
	for s in "$@"; do largs+=(-L "$s"); done
	if ! wine_ready "$(wine_arch "$arch")"; then
		wine_unavailable "$name: Wine" "$WINE_WHY"
	else
		wine_verdict "$dir" "$exe" "$@"
		if [ "$WV" != "$want" ]; then
			fail "$name: Wine $want" "Wine: $WV: $WV_WHY"
		elif [ "$want" = refused ] && ! printf '%s\n' "$WV_WHY" | grep -qE -- "$re"; then
			fail "$name: Wine refused it as expected" "Wine's words /$re/ not found: $WV_WHY"
		elif [ "$want" = refused ]; then
			ok "$name: Wine: $(printf '%s' "$WV_WHY" | cut -d'|' -f1 | cut -c1-150)"
		else
			ok "$name: Wine runs it (exit 0, $OKLINE)"
		fi
	fi
	if [ "$HAVE_DEPS" != yes ]; then
		fail "$name: --deps predicts it" "$DUMP does not know --deps: $(log_of "$T/probe.err")"
		return
	fi
	"$DUMP" --deps "${largs[@]}" "$dir/$exe" >"$dir/deps.txt" 2>"$dir/deps.err"
	rc=$?
	"$DUMP" --deps -f tsv "${largs[@]}" "$dir/$exe" >"$dir/deps.tsv" 2>>"$dir/deps.err"
	{ sed -n '/^problems:/,$p' "$dir/deps.txt" | sed 's/^ *//'; tr '\t' '|' <"$dir/deps.tsv"; } >"$dir/deps.facts"
	if [ "$want" = loads ]; then
		if [ "$rc" -ne 0 ]; then
			fail "$name: --deps says it will load (exit 0)" "exit $rc: $(log_of "$dir/deps.txt") $(log_of "$dir/deps.err")"
			return
		fi
		"$DUMP" --deps -f paths "${largs[@]}" "$dir/$exe" >"$dir/paths.txt" 2>>"$dir/deps.err"
		as_wine_paths <"$dir/paths.txt" >"$dir/paths.wine"
		if [ "$WV" = loads ] 2>/dev/null; then
			wine_native "$dir" "$exe" >"$dir/native.wine"
			if [ -s "$dir/paths.wine" ] && cmp -s "$dir/paths.wine" "$dir/native.wine"; then
				ok "$name: --deps exit 0, and -f paths lists exactly the DLLs Wine loaded ($(wc -l <"$dir/paths.wine"))"
			else
				fail "$name: --deps -f paths lists exactly the DLLs Wine loaded" \
					"(< --deps, > Wine) $(diff "$dir/paths.wine" "$dir/native.wine" | grep '^[<>]' | tr '\n' ' ')"
			fi
		else
			ok "$name: --deps exit 0 (Wine's run not available to compare paths)"
		fi
	else
		if [ "$rc" -ne 1 ]; then
			fail "$name: --deps says it will not load (exit 1)" "exit $rc: $(log_of "$dir/deps.txt") $(log_of "$dir/deps.err")"
		elif ! grep -qE -- "$DEPS_RE" "$dir/deps.facts"; then
			fail "$name: --deps names the problem" "/$DEPS_RE/ not in: $(log_of "$dir/deps.facts")"
		else
			ok "$name: --deps exit 1: $(grep -E -- "$DEPS_RE" "$dir/deps.facts" | head -1 | sed "s|$T/||g" | cut -c1-150)"
		fi
	fi
}

for arch in x86-64 i386; do
	if ! build "$arch"; then
		fail "$arch: build the programs and DLLs" "$(tail -c 600 "$T/$arch/build.log" | tr '\n' '|')"
		continue
	fi

	d=$(case_dir "$arch" complete prog.exe a.dll b.dll)
	check "$arch, complete chain prog.exe -> a.dll -> b.dll" "$arch" "$d" prog.exe loads ''

	d=$(case_dir "$arch" lacking prog.exe a.dll lacking/b.dll)
	DEPS_RE='^b\.dll:.*"?b_version'
	check "$arch, b.dll lacks b_version" "$arch" "$d" prog.exe refused 'No implementation for b\.dll\.b_version'

	d=$(case_dir "$arch" missing prog.exe a.dll)
	DEPS_RE='^b\.dll\|missing\|load\|'
	check "$arch, b.dll missing" "$arch" "$d" prog.exe refused 'Library b\.dll .*not found'

	[ "$arch" = x86-64 ] || continue

	d=$(case_dir "$arch" noord prog.exe a.dll noord/b.dll)
	DEPS_RE='^b\.dll:.*(#|ordinal |@)5([^0-9]|$)'
	check "$arch, b.dll has no ordinal 5" "$arch" "$d" prog.exe refused 'No implementation for b\.dll\.5'

	d=$(case_dir "$arch" forwarder prog.exe gone/a.dll b.dll)
	DEPS_RE='^gone\.dll\|missing\|load\|a\.dll'
	check "$arch, a.dll forwards a_fwd to gone.dll, which is missing" "$arch" "$d" prog.exe refused \
		"forward 'gone\.gone_add'"

	d=$(case_dir "$arch" machine prog.exe a.dll i686/b.dll)
	DEPS_RE='^b\.dll\|wrong machine\|load\|'
	check "$arch, an i686 b.dll beside the x86-64 program" "$arch" "$d" prog.exe refused \
		'Loading library b\.dll .*failed \(error c000007b\)'

	for lib in mkimplib dlltool; do
		d=$(case_dir "$arch" "delay-$lib" "prog-delay-$lib.exe" a.dll b.dll)
		check "$arch, d.dll delay-loaded ($lib library), missing, never called" "$arch" "$d" \
			"prog-delay-$lib.exe" loads ''
		if [ "$HAVE_DEPS" = yes ]; then
			if grep -qE '^d\.dll\|missing\|delay\|' "$d/deps.facts"; then
				ok "$arch, d.dll delay-loaded ($lib library): --deps reports d.dll and still exits 0"
			else
				fail "$arch, d.dll delay-loaded ($lib library): --deps reports d.dll" \
					"no row d.dll|missing|delay in: $(log_of "$d/deps.facts")"
			fi
		fi
	done

	d=$(case_dir "$arch" search-path prog.exe a.dll)
	mkdir -p "$d/bin"
	cp "$T/$arch/parts/b.dll" "$d/bin/"
	check "$arch, b.dll in a search folder (-L, WINEPATH)" "$arch" "$d" prog.exe loads '' "$d/bin"

	d=$(case_dir "$arch" search-order prog.exe a.dll)
	mkdir -p "$d/first" "$d/second"
	cp "$T/$arch/parts/lacking/b.dll" "$d/first/"
	cp "$T/$arch/parts/b.dll" "$d/second/"
	DEPS_RE='^b\.dll\|found\|load\|[^|]*\|.*/first/b\.dll\|'
	check "$arch, the first search folder's b.dll (lacking b_version) wins" "$arch" "$d" prog.exe refused \
		'No implementation for b\.dll\.b_version' "$d/first" "$d/second"
done

# Packaging: a C++ program whose runtime DLLs (libstdc++, libgcc, winpthread)
# are in the compiler's folders.  Run from its build folder with those
# folders as -L / WINEPATH; then `--deps -f paths | xargs cp` into an
# empty folder, which must run under Wine with nothing else and check clean
# with no -L; and that folder less libwinpthread-1.dll (needed by the libgcc
# DLL, not by the program) must be refused by both.
for arch in x86-64 i386; do
	case $arch in x86-64) gxx=x86_64-w64-mingw32-g++-posix ;; i386) gxx=i686-w64-mingw32-g++-posix ;; esac
	p=$T/$arch/pkg
	mkdir -p "$p/build" "$p/dist"
	if ! command -v "$gxx" >/dev/null 2>&1; then
		missing "$arch, packaging a C++ program" "$gxx"
		continue
	fi
	if ! "$gxx" -O2 -o "$p/build/pkg.exe" "$SRC/pkg.cpp" >"$p/build.log" 2>&1; then
		fail "$arch, packaging: build pkg.exe with $gxx" "$(log_of "$p/build.log")"
		continue
	fi
	gdir=$(dirname "$("$gxx" -print-file-name=libstdc++-6.dll)")
	tdir=$(dirname "$("$gxx" -print-file-name=libwinpthread-1.dll)")
	if [ ! -f "$gdir/libstdc++-6.dll" ] || [ ! -f "$tdir/libwinpthread-1.dll" ]; then
		fail "$arch, packaging: the runtime DLLs" "not found through $gxx -print-file-name ($gdir, $tdir)"
		continue
	fi
	check "$arch, C++ program, runtime DLLs in the compiler's folders (-L, WINEPATH)" "$arch" "$p/build" pkg.exe loads '' \
		"$gdir" "$tdir"
	[ "$HAVE_DEPS" = yes ] || continue
	if "$DUMP" --deps -L "$gdir" -L "$tdir" -f paths "$p/build/pkg.exe" 2>"$p/paths.err" | xargs -r cp -t "$p/dist/" &&
	   cp "$p/build/pkg.exe" "$p/dist/" && [ "$(ls "$p/dist" | wc -l)" -ge 4 ]; then
		ok "$arch, packaging: --deps -f paths | xargs cp -t dist/ copied $(ls "$p/dist" | grep -ci '\.dll$') DLLs ($(ls "$p/dist" | grep -i '\.dll$' | tr '\n' ' '))"
	else
		fail "$arch, packaging: --deps -f paths | xargs cp -t dist/" "dist holds: $(ls "$p/dist" | tr '\n' ' ') $(log_of "$p/paths.err")"
		continue
	fi
	check "$arch, packaging: the copied folder runs alone and checks clean" "$arch" "$p/dist" pkg.exe loads ''
	rm -rf "$p/short"
	cp -r "$p/dist" "$p/short"
	rm -f "$p/short/libwinpthread-1.dll"
	DEPS_RE='^libwinpthread-1\.dll\|missing\|load\|'
	check "$arch, packaging: the folder less libwinpthread-1.dll" "$arch" "$p/short" pkg.exe refused \
		'Library libwinpthread-1\.dll .*not found'
done
