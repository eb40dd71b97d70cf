#!/bin/bash
# Limits and messages (issue 8):
#   1. arrays grow by doubling, not one element per realloc (counted with
#      tests/tools/realloc-count.c, for each of the six places that grew
#      one by one: 5,000 elements were 5,000 reallocs);
#   2. response files: nesting depth, files read and arguments are limited,
#      with an error naming the file;
#   3. 65,532 to 65,535 exports: the short library is what llvm-dlltool 22
#      writes (the GNU kind of archive once the COFF kind's 65,534 members
#      are not enough), and --archive coff says what to do instead;
#   4. every error about a file names it;
#   5. an ambiguous option prefix is called ambiguous, with its candidates;
#   6. control bytes and invalid UTF-8 from untrusted files are escaped in
#      messages and listings; JSON keeps invalid UTF-8 lossless;
#   7. three names on one function; empty names; a .def listing a name
#      twice, --check against the library made from it.
. "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1
DX=$BIN/dumpexports
MKIMPLIB=$BIN/mkimplib
LLVM=/usr/lib/llvm-22/bin

# one_error NAME PATTERN CMD...: CMD fails (not a crash) with exactly one
# stderr line, matching PATTERN.
one_error() {
	local name=$1 pat=$2; shift 2
	"$@" >one.out 2>one.err; local rc=$?
	local lines; lines=$(wc -l <one.err)
	if [ $rc -eq 0 ]; then fail "$name" "exit status 0"
	elif [ $rc -ge 128 ]; then fail "$name" "crashed (status $rc): $(head -3 one.err)"
	elif [ "$lines" -ne 1 ]; then fail "$name" "$lines lines on stderr: $(head -3 one.err | tr '\n' '|')"
	elif ! grep -Eq -- "$pat" one.err; then fail "$name" "message '$(cat one.err)' does not match /$pat/"
	else ok "$name"; fi
}

# ------------------------------------------------------------------
# 1. Growth: reallocs per element
# ------------------------------------------------------------------
N=5000
if ! cc -shared -fPIC -o count.so "$TOP/tests/tools/realloc-count.c" -ldl 2>count.err; then
	fail "build tests/tools/realloc-count.c" "$(head -3 count.err | tr '\n' '|')"
else
	# An ASan build wants its runtime first; the counter goes first.
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
	# counted NAME CHECK CMD...: CMD's own reallocs of existing blocks stay
	# below N/10, and CHECK (a shell test of its output) holds, so that
	# a run that stopped early does not pass.
	counted() {
		local name=$1 check=$2; shift 2
		rm -f count.txt
		REALLOC_COUNT=$T/count.txt LD_PRELOAD=$T/count.so "$@" >counted.out 2>counted.err
		local c; c=$(cat count.txt 2>/dev/null)
		if [ -z "$c" ]; then fail "$name" "no count written: $(head -3 counted.err | tr '\n' '|')"
		elif ! eval "$check"; then fail "$name" "unexpected output: $(head -c 300 counted.err; head -3 counted.out | tr '\n' '|')"
		elif [ "$c" -ge $((N / 10)) ]; then fail "$name" "$c reallocs for $N elements (one per element?)"
		else ok "$name: $c reallocs for $N elements"; fi
	}
	# An object exporting N functions; one excluding N symbols.
	awk -v n=$N 'BEGIN { print "\t.text"
		for (i = 0; i < n; i++) printf "\t.globl f%d\nf%d:\tret\n", i, i
		print "\t.section .drectve,\"yn\""
		for (i = 0; i < n; i++) printf "\t.ascii \" -export:f%d\"\n", i }' >many.s
	awk -v n=$N 'BEGIN { printf "\t.text\n\t.globl f0\nf0:\tret\n\t.section .drectve,\"yn\"\n\t.ascii \" -export:f0 -exclude-symbols:"
		for (i = 0; i < n; i++) printf "%sx%d", i ? "," : "", i
		print "\"" }' >excl.s
	printf '\t.text\n\t.globl one\none:\tret\n\t.section .drectve,"yn"\n\t.ascii " -export:one"\n' >one.s
	x86_64-w64-mingw32-as -o many.o many.s && x86_64-w64-mingw32-as -o excl.o excl.s &&
		x86_64-w64-mingw32-as -o one.o one.s ||
		fail "assemble the growth objects" "x86_64-w64-mingw32-as failed"
	counted "directives: $N -export: in one object" '[ "$(grep -c "^    f" counted.out)" -eq $N ]' "$MKDEF" many.o
	counted "directives: $N -exclude-symbols: names" 'grep -q "^    f0$" counted.out' "$MKDEF" excl.o
	awk -v n=$N 'BEGIN { print "LIBRARY x.dll\nEXPORTS\n  f\nIMPORTS"; for (i = 0; i < n; i++) printf "  i%d = m.e%d\n", i, i }' >imports.def
	counted ".def: $N IMPORTS lines" 'grep -q "1 export" counted.out' "$DX" imports.def
	awk -v n=$N 'BEGIN { print "LIBRARY x.dll\nSECTIONS"; for (i = 0; i < n; i++) printf "  s%d READ\n", i; print "EXPORTS\n  f" }' >sections.def
	counted ".def: $N SECTIONS lines" 'grep -q "1 export" counted.out' "$DX" sections.def
	{ printf -- '--exclude '; awk -v n=$N 'BEGIN { for (i = 0; i < n; i++) printf "%sy%d", i ? "," : "", i }'; echo; } >exclude.rsp
	counted "--exclude with $N names" '[ "$(grep -c "^    f" counted.out)" -eq $N ]' "$MKDEF" @exclude.rsp many.o
	# N distinct paths of one object, for the depfile's list.
	mkdir -p p && (cd p && mkdir -p $(seq -f 'd%g' 0 99))
	awk -v n=$N 'BEGIN { for (i = 0; i < n / 100; i++) for (j = 0; j < 100; j++) printf "p/d%d/../d%d/../../one.o\n", i, j }' >paths.rsp
	counted "depfile listing $N inputs" '[ "$(grep -c "^  p/.*one\.o" deps.d)" -eq $N ]' "$MKDEF" -o deps.def -M deps.d @paths.rsp
fi
