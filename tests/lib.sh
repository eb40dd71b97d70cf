# tests/lib.sh - sourced by tests/cli/*.sh and tests/interop/*.sh.
# A case prints "ok - NAME" or "FAIL - NAME: why"; the runner counts them.
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
BIN=$BUILD/bin
MKDEF=$BIN/mkdef
FIX=$BUILD/fixtures
SCRIPT=$(basename "$0" .sh)
T=$BUILD/test-work/$SCRIPT
rm -rf "$T"
mkdir -p "$T"

ok() { echo "ok - $1"; }
fail() { echo "FAIL - $1: $2"; }
skip() { echo "skip - $1: $2"; }

# on_ci: true on the CI machine, which must run every case: CI=true, as CI
# services and .ci/run set it (tests/interop/lib/wine.sh asks the same).
on_ci() { [ "${CI:-}" = true ]; }

# missing NAME WHY: NAME cannot run because a tool it needs is not
# installed.  A FAIL on CI; elsewhere a skip marked "NOT INSTALLED", which
# tests/run.sh lists again above its summary line.
missing() {
	if on_ci; then fail "$1" "$2: not installed on CI (make deps installs it)"
	else skip "$1" "NOT INSTALLED: $2 (make deps installs it; on CI this is a FAIL)"; fi
}

# need NAME TOOL...: every TOOL (a path, or a command looked up in PATH)
# must be installed; a `missing` line for each that is not, and status 1.
need() {
	local name=$1 t rc=0
	shift
	for t in "$@"; do
		case $t in
		/*) [ -x "$t" ] ;;
		*) command -v "$t" >/dev/null 2>&1 ;;
		esac || { missing "$name" "$t"; rc=1; }
	done
	return $rc
}

# built NAME FILE...: every FILE dllkit's build makes must be there: a FAIL
# (never a skip) for each that is not, and status 1.
built() {
	local name=$1 f rc=0
	shift
	for f in "$@"; do
		[ -e "$f" ] || { fail "$name" "$f is not built (make all)"; rc=1; }
	done
	return $rc
}

# expect NAME CMD...: the command must succeed.
expect() {
	local name=$1; shift
	if "$@" >"$T/.out" 2>"$T/.err"; then ok "$name"
	else fail "$name" "'$*' exited $?: $(head -c 600 "$T/.err")"; fi
}

# empty_of FILE...: "FILE is empty" or "FILE is missing" for each FILE that
# has no bytes (nothing when every one has some).
empty_of() {
	local f
	for f in "$@"; do
		if [ ! -e "$f" ]; then printf '%s is missing; ' "$f"
		elif [ ! -s "$f" ]; then printf '%s is empty; ' "$f"; fi
	done
}

# same NAME FILE1 FILE2: the files must be equal (shows a diff otherwise),
# and neither may be empty or missing: two empty listings agree on nothing
# (a peer that failed, or a tool that wrote nothing, must not pass).
same() {
	local e
	e=$(empty_of "$2" "$3")
	if [ -n "$e" ]; then fail "$1" "nothing to compare: $e"
	elif cmp -s "$2" "$3"; then ok "$1"
	else fail "$1" "$(diff "$2" "$3" | head -15 | tr '\n' '|')"; fi
}

# The exported names of a PE image, one per line, sorted, as llvm-readobj sees
# them; forwarders shown as "name -> target".
READOBJ=$(ls /usr/lib/llvm-*/bin/llvm-readobj 2>/dev/null | sort -V | tail -1)
READOBJ=${READOBJ:-llvm-readobj}   # the newest: version 14 does not show forward targets
dll_exports() {
	"$READOBJ" --coff-exports "$1" | awk '
		/^ *Export \{/ { n=""; f="" }
		/^ *Name: / { n=$2 }
		/^ *ForwardedTo: / { f=$2 }
		/^ *\}/ { if (n != "") print (f != "" ? n " -> " f : n); n="" }' | LC_ALL=C sort
}

# The export names of a .def file (first word of each EXPORTS line), sorted.
def_names() {
	awk '/^EXPORTS/ { e=1; next } /^[A-Z]+( |$)/ && !/^    / { e=0 } e && NF { n=$1; gsub(/"/, "", n); print n }' "$1" | LC_ALL=C sort
}

# fixtures [CONFIG...]: build the fixtures once per build folder
# (tests/fixtures.sh).  A configuration whose compiler is not installed is
# left out of them; when one this script needs (the CONFIGs named, or any
# when none is named) is out, the script stops here: a `missing` line naming
# the compiler (a skip, a FAIL on CI) and exit 0.
fixtures() {
	local cfg tool gone=
	bash "$TOP/tests/fixtures.sh" "$FIX" || { echo "FAIL - fixtures: could not build fixtures"; exit 1; }
	while read -r cfg tool; do
		[ -n "$cfg" ] || continue
		if [ $# -eq 0 ] || case " $* " in *" $cfg "*) true ;; *) false ;; esac; then
			gone="$gone${gone:+, }$tool (fixtures $cfg)"
		fi
	done <"$FIX/.missing"
	if [ -n "$gone" ]; then
		missing "$SCRIPT" "$gone"
		exit 0
	fi
}

# error_status CMD...: the status the dllkit tool CMD runs (perhaps through
# timeout or env) exits with on an error, as its man page's EXIT STATUS
# says: 2 for dumpexports (whose 1 means "the two differ"), 1 for mkdef and
# mkimplib.
error_status() {
	local a
	for a in "$@"; do
		case ${a##*/} in
		dumpexports) echo 2; return ;;
		mkdef|mkimplib) echo 1; return ;;
		esac
	done
	echo 1
}

# crash_of RC ERRFILE [CMD...]: how a run that ended with status RC, its
# standard error in ERRFILE, crashed: killed by a signal (status 128 + N),
# stopped by a sanitizer (its report, whatever the status: ASan and UBSan
# exit 1 unless told to abort, LeakSanitizer 23), or still running when
# timeout (CMD's first word) stopped it (124).  Nothing when it ended on its
# own with no sanitizer's word.
crash_of() {
	local rc=$1 err=$2 sig
	shift 2
	if grep -Eq 'ERROR: [A-Za-z]*Sanitizer|^SUMMARY: [A-Za-z]*Sanitizer|: runtime error: ' "$err" 2>/dev/null; then
		echo "crashed: a sanitizer report (status $rc): $(grep -Em3 'Sanitizer|runtime error' "$err" | tr '\n' '|')"
	elif [ "$rc" -ge 128 ]; then
		sig=$(kill -l $((rc - 128)) 2>/dev/null) || sig=$((rc - 128))
		echo "crashed: killed by SIG$sig (status $rc): $(head -3 "$err" 2>/dev/null | tr '\n' '|')"
	elif [ "$rc" -eq 124 ] && [ "${1:-}" = timeout ]; then
		echo "did not end: stopped by timeout (status 124)"
	fi
}

# error_ok NAME PATTERN RC ERRFILE CMD...: CMD, which had to be refused,
# ended with status RC and standard error ERRFILE: no crash (crash_of), the
# tool's error status exactly (error_status; a crash or an exit(2) of
# mkdef is no clean refusal), and exactly one stderr line, matching
# PATTERN.  Silent with status 0 when so; one FAIL line and status 1 when
# not.
error_ok() {
	local name=$1 pat=$2 rc=$3 err=$4 want crash lines
	shift 4
	want=$(error_status "$@")
	crash=$(crash_of "$rc" "$err" "$@")
	lines=$(wc -l <"$err")
	if [ -n "$crash" ]; then fail "$name" "$crash"
	elif [ "$rc" -eq 0 ]; then fail "$name" "exit status 0"
	elif [ "$rc" -ne "$want" ]; then fail "$name" "exit status $rc, not $want (the tool's error status): $(head -3 "$err" | tr '\n' '|')"
	elif [ "$lines" -ne 1 ]; then fail "$name" "$lines lines on stderr: $(head -3 "$err" | tr '\n' '|')"
	elif ! grep -Eq -- "$pat" "$err"; then fail "$name" "message '$(cat "$err")' does not match /$pat/"
	else return 0; fi
	return 1
}

# refuse_with TOOL OUT NAME PATTERN ARGS...: `TOOL -o OUT ARGS` must be
# refused as error_ok says (no crash, the tool's error status, one stderr
# line matching PATTERN) and leave neither OUT nor a temporary file behind
# (run it in the folder OUT would be written to).
refuse_with() {
	local tool=$1 out=$2 name=$3 pat=$4; shift 4
	rm -f "$out"
	"$tool" -o "$out" "$@" >stdout.txt 2>stderr.txt; local rc=$?
	if ! error_ok "$name" "$pat" $rc stderr.txt "$tool"; then :
	elif [ -e "$out" ]; then fail "$name" "$out was created"
	elif ls -a | grep -q '^\.dllkit-'; then fail "$name" "a temporary file was left behind"
	else ok "$name"; fi
}

# same_bytes A B: A and B both hold bytes, and the same ones (cmp -s alone
# holds for two empty files: a tool that wrote nothing twice).
same_bytes() { [ -s "$1" ] && [ -s "$2" ] && cmp -s "$1" "$2"; }
