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

# expect NAME CMD...: the command must succeed.
expect() {
	local name=$1; shift
	if "$@" >"$T/.out" 2>"$T/.err"; then ok "$name"
	else fail "$name" "'$*' exited $?: $(head -c 600 "$T/.err")"; fi
}

# same NAME FILE1 FILE2: the files must be equal (shows a diff otherwise).
same() {
	if cmp -s "$2" "$3"; then ok "$1"
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

# Build the fixtures once per build folder.
fixtures() {
	bash "$TOP/tests/fixtures.sh" "$FIX" || { echo "FAIL - fixtures: could not build fixtures"; exit 1; }
}

# refuse TOOL OUT NAME PATTERN ARGS...: `TOOL -o OUT ARGS` must fail with
# exactly one stderr line matching PATTERN, not crash, and leave neither OUT
# nor a temporary file behind (run it in the folder OUT would be written to).
refuse_with() {
	local tool=$1 out=$2 name=$3 pat=$4; shift 4
	rm -f "$out"
	"$tool" -o "$out" "$@" >stdout.txt 2>stderr.txt; local rc=$?
	local lines; lines=$(wc -l <stderr.txt)
	if [ $rc -eq 0 ]; then fail "$name" "exit status 0"
	elif [ $rc -ge 128 ]; then fail "$name" "crashed (status $rc): $(head -3 stderr.txt)"
	elif [ "$lines" -ne 1 ]; then fail "$name" "$lines lines on stderr: $(head -3 stderr.txt | tr '\n' '|')"
	elif ! grep -Eq -- "$pat" stderr.txt; then fail "$name" "message '$(cat stderr.txt)' does not match /$pat/"
	elif [ -e "$out" ]; then fail "$name" "$out was created"
	elif ls -a | grep -q '^\.dllkit-'; then fail "$name" "a temporary file was left behind"
	else ok "$name"; fi
}
