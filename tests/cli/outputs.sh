#!/bin/bash
# Outputs never destroy anything (issue 8): a device or FIFO named by -o is
# written in place; a symbolic link is written through; an output that is
# an input is refused; the output and its depfile land together or not at
# all; a signal in the middle of a write leaves no temporary file; a write
# error on standard output is an error with one message, in every tool and
# mode.  Run as root (as CI and containers do), the cases that need it make
# their device nodes in the test folder; the system's /dev/null and
# /dev/full are only written to once the same case passed on a node of our
# own, so that a tool that would replace them is caught before it can.
. "$(dirname "$0")/../lib.sh"
fixtures
cd "$T"
MKIMPLIB=$BIN/mkimplib
DUMP=$BIN/dumpexports
api=$FIX/mingw64/api.o
"$MKDEF" --library api.dll -o api.def "$api"
"$MKDEF" --library api.dll "$api" >api.ref
"$MKIMPLIB" -m x86-64 -o api.ref.lib api.def
# The references every written output is compared with: a tool that wrote
# nothing twice must not pass.
[ "$(def_names api.ref | wc -l)" -eq 8 ] && [ -s api.ref.lib ] ||
	fail "the reference outputs (api.ref, api.ref.lib)" "not written: $(empty_of api.ref api.ref.lib)"

no_temp() { ! ls -a "${1:-.}" | grep -q '^\.dllkit-'; }

# run CMD...: run it with a timeout (a FIFO nobody opens must not hang the
# suite); status in $rc, standard error in run.err.
run() {
	timeout 120 "$@" >run.out 2>run.err
	rc=$?
}

# one_line NAME PATTERN: run.err is exactly one line, matching PATTERN.
one_line() {
	if [ "$(wc -l <run.err)" -ne 1 ]; then fail "$1" "$(wc -l <run.err) lines on stderr: $(head -3 run.err | tr '\n' '|')"; return 1; fi
	if ! grep -Eq -- "$2" run.err; then fail "$1" "message '$(cat run.err)' does not match /$2/"; return 1; fi
	return 0
}

# ---- devices and FIFOs: written in place ----

nodes=no
if mknod null c 1 3 2>/dev/null && mknod full c 1 7 2>/dev/null; then nodes=yes; fi
dev_ok=no
if [ $nodes = yes ]; then
	run "$MKDEF" -o null "$api"
	r1=$rc; c1=$([ -c null ] && echo c)
	run "$MKIMPLIB" -m x86-64 -o null api.def
	# (that the bytes go into the device, the full one below shows)
	if [ $r1 = 0 ] && [ "$c1" = c ] && [ $rc = 0 ] && [ -c null ] && no_temp; then
		ok "-o a null device: exit 0, the node stays (mkdef, mkimplib)"; dev_ok=yes
	else fail "-o a null device: exit 0, the node stays" "exit $r1/$rc, now: $(ls -l null)"; fi
	run "$MKDEF" -o full "$api"
	if [ $rc != 1 ] || [ ! -c full ]; then fail "-o a full device" "exit $rc, now: $(ls -l full)"
	elif ! no_temp; then fail "-o a full device" "a temporary file was left behind"
	elif one_line "-o a full device" '^full: error: cannot write: No space left on device$'; then
		ok "-o a full device: exit 1, one message, the node stays"; fi
else
	skip "-o a character device" "mknod is not allowed here"
fi
if [ $dev_ok = yes ]; then
	run "$MKDEF" -o /dev/null "$api"; r1=$rc
	run "$MKIMPLIB" -m x86-64 -o /dev/null -M null.d api.def
	if [ $r1 = 0 ] && [ $rc = 0 ] && [ -c /dev/null ] && no_temp /dev && grep -q '^/dev/null: ' null.d; then
		ok "-o /dev/null: /dev/null stays a character device (and the depfile lands)"
	else fail "-o /dev/null" "exit $r1/$rc, $(ls -l /dev/null)"; fi
	run "$MKIMPLIB" -m x86-64 -o /dev/full api.def
	if [ $rc != 1 ] || [ ! -c /dev/full ]; then fail "-o /dev/full" "exit $rc, now: $(ls -l /dev/full)"
	elif one_line "-o /dev/full" '^/dev/full: error: cannot write: No space left on device$'; then
		ok "-o /dev/full: exit 1 with one message, /dev/full stays"; fi
fi

# A FIFO: the reader gets the bytes, the FIFO stays.  (A tool that renames
# over it leaves the reader waiting: it is then stopped at once.)
fifo_case() {
	local name=$1 ref=$2; shift 2
	rm -f out.fifo got
	mkfifo out.fifo
	timeout 120 cat out.fifo >got &
	local reader=$!
	run "$@"
	if [ -p out.fifo ]; then wait $reader; else kill $reader 2>/dev/null; wait $reader 2>/dev/null; fi
	if [ $rc = 0 ] && [ -p out.fifo ] && same_bytes got "$ref" && no_temp; then ok "$name"
	else fail "$name" "exit $rc ($(head -1 run.err)), out.fifo: $(stat -c %F out.fifo), $(wc -c <got) bytes read"; fi
}
fifo_case "-o a FIFO: mkdef writes into it, the FIFO stays" api.ref "$MKDEF" --library api.dll -o out.fifo "$api"
fifo_case "-o a FIFO: mkimplib writes into it, the FIFO stays" api.ref.lib "$MKIMPLIB" -m x86-64 -o out.fifo api.def
fifo_case "-o a FIFO with -M: both written" api.ref "$MKDEF" --library api.dll -o out.fifo -M fifo.d "$api"
grep -q '^out.fifo: ' fifo.d 2>/dev/null && ok "-o a FIFO with -M: the depfile names the FIFO" ||
	fail "-o a FIFO with -M: the depfile names the FIFO" "$(cat fifo.d 2>&1)"

# A pipe reached through /proc/self/fd: a link whose text is no path.  Only
# once that works is /dev/stdout (a link to it) tried: a tool that renames
# over the name would replace the system's /dev/stdout.
run bash -c "set -o pipefail; \"$MKDEF\" --library api.dll -o /proc/self/fd/1 \"$api\" | cat >got"
if [ $rc = 0 ] && same_bytes got api.ref; then
	ok "-o /proc/self/fd/1 (a pipe) is written in place"
	run bash -c "set -o pipefail; \"$MKDEF\" --library api.dll -o /dev/stdout \"$api\" | cat >got"
	[ $rc = 0 ] && same_bytes got api.ref && [ -L /dev/stdout ] && ok "-o /dev/stdout (a pipe) is written in place" ||
		fail "-o /dev/stdout (a pipe) is written in place" "exit $rc: $(head -2 run.err)"
else fail "-o /proc/self/fd/1 (a pipe) is written in place" "exit $rc: $(head -2 run.err)"; fi

# ---- symbolic links: written through ----

printf 'old\n' >real.def
ln -s real.def link.def
run "$MKDEF" --library api.dll -o link.def "$api"
if [ $rc = 0 ] && [ -L link.def ] && [ "$(readlink link.def)" = real.def ] && same_bytes real.def api.ref; then
	ok "-o a symlink: the link stays, the file it names gets the output"
else fail "-o a symlink" "exit $rc, link.def: $(stat -c %F link.def), real.def: $(head -1 real.def)"; fi
touch -d '2001-01-01 00:00:00' real.def
run "$MKDEF" --library api.dll -o link.def "$api"
[ $rc = 0 ] && same_bytes real.def api.ref && [ "$(stat -c %Y real.def)" = "$(date -d '2001-01-01 00:00:00' +%s)" ] && [ -L link.def ] &&
	ok "-o a symlink to an unchanged file: nothing is touched" || fail "-o a symlink to an unchanged file" "exit $rc, or rewritten"

mkdir -p sub/deeper
printf 'old\n' >sub/deeper/lib.a
ln -s deeper/lib.a sub/rel1      # relative to the link's own folder
ln -s sub/rel1 rel2
run "$MKIMPLIB" -m x86-64 -o rel2 -M rel2.d api.def
if [ $rc = 0 ] && [ -L rel2 ] && [ -L sub/rel1 ] && same_bytes sub/deeper/lib.a api.ref.lib && no_temp sub/deeper && no_temp; then
	ok "-o a chain of relative symlinks (mkimplib): written through to the last file"
else fail "-o a chain of relative symlinks" "exit $rc $(head -1 run.err); rel2: $(stat -c %F rel2)"; fi

ln -s newdir-file.def dangling.def
run "$MKDEF" --library api.dll -o dangling.def "$api"
[ $rc = 0 ] && [ -L dangling.def ] && same_bytes newdir-file.def api.ref && ok "-o a dangling symlink creates the file it names" ||
	fail "-o a dangling symlink creates the file it names" "exit $rc, $(stat -c %F dangling.def)"

printf 'old dep\n' >real.d
ln -s real.d link.d
run "$MKDEF" -o plain.def -M link.d "$api"
[ $rc = 0 ] && [ -L link.d ] && grep -q '^plain.def: ' real.d && ok "-M a symlink: written through" ||
	fail "-M a symlink: written through" "exit $rc, link.d: $(stat -c %F link.d)"

ln -s loop.def loop.def
run "$MKDEF" -o loop.def "$api"
if [ $rc != 1 ] || [ ! -L loop.def ]; then fail "-o a symlink loop" "exit $rc, loop.def: $(stat -c %F loop.def)"
elif ! no_temp; then fail "-o a symlink loop" "a temporary file was left behind"
elif one_line "-o a symlink loop" '^loop.def: error: cannot write: Too many levels of symbolic links$'; then
	ok "-o a symlink loop: refused, the link stays"; fi

# ---- an output that is an input: refused ----

cp "$api" in.o
cp in.o in.o.orig
refused() {
	local name=$1 file=$2 pat=$3
	if [ $rc != 1 ] || ! cmp -s "$file" "$file.orig"; then fail "$name" "exit $rc, $file changed: $(cmp "$file" "$file.orig" 2>&1 | head -1)"
	elif ! no_temp; then fail "$name" "a temporary file was left behind"
	elif one_line "$name" "$pat"; then ok "$name"; fi
	cp "$file.orig" "$file"
}
run "$MKDEF" -o in.o in.o
refused "mkdef -o a.o a.o: refused, the input kept" in.o '^in.o: error: input file is the same as output file \(-o in.o\)$'
run "$MKDEF" -o ./in.o "$T/in.o"
refused "-o the input spelled otherwise: refused" in.o 'input file is the same as output file \(-o \./in\.o\)$'
ln -s in.o in-link.o
run "$MKDEF" -o in-link.o in.o
refused "-o a symlink to the input: refused" in.o 'input file is the same as output file \(-o in-link\.o\)$'
ln in.o in-hard.o
run "$MKDEF" -o in-hard.o in.o
refused "-o a hard link of the input: refused" in.o 'input file is the same as output file \(-o in-hard\.o\)$'
printf 'in.o\n' >in.rsp
cp in.rsp in.rsp.orig
run "$MKDEF" -o in.o @in.rsp
refused "-o an input named in a response file: refused" in.o '^in.o: error: input file is the same as output file'
run "$MKDEF" -o in.rsp @in.rsp
refused "-o the response file itself: refused" in.rsp '^in.rsp: error: response file is the same as output file \(-o in.rsp\)$'
run "$MKDEF" -o x.def -M in.o in.o
r=$rc
refused "-M the input: refused" in.o '^in.o: error: input file is the same as depfile \(-M in.o\)$'
[ $r = 1 ] && [ ! -e x.def ] && ok "-M the input: no output written either" ||
	fail "-M the input: no output written either" "exit $r, x.def: $(ls x.def 2>&1)"
cp api.def old.def
cp old.def old.def.orig
run "$MKDEF" --merge old.def -o new.def -M old.def "$api"
refused "-M the --merge file: refused" old.def '^old.def: error: --merge file is the same as depfile \(-M old.def\)$'
cp api.def same.def
cp same.def same.def.orig
run "$MKDEF" -o same.def -M same.def "$api"
refused "-M the output: refused" same.def '^same.def: error: output file is the same as depfile \(-M same.def\)$'
cp api.def g.def
cp g.def g.def.orig
run "$MKIMPLIB" -m x86-64 -o g.def g.def
refused "mkimplib -o X.def X.def: refused" g.def '^g.def: error: input file is the same as output file \(-o g.def\)$'
run "$MKIMPLIB" -m x86-64 -o g.lib -M g.def g.def
refused "mkimplib -M the input: refused" g.def '^g.def: error: input file is the same as depfile \(-M g.def\)$'
cp api.ref.lib lib.lib
cp lib.lib lib.lib.orig
run "$MKIMPLIB" -o lib.lib lib.lib
refused "mkimplib -o L.lib L.lib (an import library as input): refused" lib.lib 'input file is the same as output file \(-o lib.lib\)$'
# The documented exception: mkdef reads its old .def with --merge and rewrites it.
cp api.def merge-self.def
run "$MKDEF" --merge merge-self.def -o merge-self.def -M merge-self.d "$api"
[ $rc = 0 ] && grep -q '^EXPORTS' merge-self.def && ok "--merge X -o X stays allowed" ||
	fail "--merge X -o X stays allowed" "exit $rc: $(cat run.err)"

# ---- the output and its depfile: both or neither ----

depfile_case() {
	local name=$1 out=$2 dep=$3; shift 3
	printf 'keep me\n' >keep.txt
	cp keep.txt "$out"
	run "$@" -o "$out" -M "$dep"
	if [ $rc != 1 ] || ! cmp -s keep.txt "$out"; then fail "$name" "exit $rc, $out: $(head -c 40 "$out" | tr -c '[:print:]' '.')"
	elif ! no_temp; then fail "$name" "a temporary file was left behind"
	elif one_line "$name" "^$dep: error: "; then ok "$name"; fi
	rm -f "$out"
	run "$@" -o "$out" -M "$dep"
	[ $rc = 1 ] && [ ! -e "$out" ] && no_temp && ok "$name (no old output: none created)" ||
		fail "$name (no old output: none created)" "exit $rc, $(ls -l "$out" 2>&1)"
}
depfile_case "mkdef: a depfile that cannot be written leaves the old output" dl.def nodir/dl.d "$MKDEF" "$api"
depfile_case "mkimplib: a depfile that cannot be written leaves the old output" dl.lib nodir/dl.d "$MKIMPLIB" -m x86-64 api.def
mkdir -p depdir
depfile_case "mkdef: a depfile that is a folder leaves the old output" dd.def depdir "$MKDEF" "$api"

# ---- signals in the middle of a write ----

SIGAT=$BUILD/tests/tools/signal-at
mkdir -p "$BUILD/tests/tools"
# (building the tool is no pass of dllkit: a FAIL when it fails, else silent)
cc -std=c11 -Wall -Wextra -O1 -o "$SIGAT" "$TOP/tests/tools/signal-at.c" 2>cc.err ||
	fail "build tests/tools/signal-at.c" "$(head -3 cc.err | tr '\n' '|')"
sh "$TOP/bench/gen_def.sh" 60000 >big.def
if [ -x "$SIGAT" ] && "$SIGAT" 15 write:.dllkit- true >/dev/null 2>&1; [ $? = 125 ]; then
	for sig in TERM INT HUP; do
		n=$(kill -l $sig)
		mkdir -p "sig-$sig"
		printf 'old library\n' >"sig-$sig/big.a"
		"$SIGAT" "$n" write:.dllkit- "$MKIMPLIB" -m x86-64 --format long -o "sig-$sig/big.a" -M "sig-$sig/big.d" big.def >caught.txt 2>run.err
		rc=$?
		size=$(awk '/^caught/ { print $3 }' caught.txt)
		if [ $rc = $((128 + n)) ] && [ "${size:-0}" -gt 10000000 ] && no_temp "sig-$sig" &&
		   [ "$(cat "sig-$sig/big.a")" = "old library" ] && [ ! -e "sig-$sig/big.d" ]; then
			ok "SIG$sig while writing a ${size}-byte library: no temporary file, the old library kept"
		else fail "SIG$sig while writing a library" "status $rc, caught: $(cat caught.txt), left: $(ls -a "sig-$sig" | tr '\n' ' ') $(head -2 run.err)"; fi
	done
	# Between the two renames of a commit: the output already replaced is put back.
	mkdir -p sig-commit
	printf 'old library\n' >sig-commit/x.lib
	printf 'old depfile\n' >sig-commit/x.d
	"$SIGAT" 15 rename:1 "$MKIMPLIB" -m x86-64 -o sig-commit/x.lib -M sig-commit/x.d api.def >caught.txt 2>run.err
	rc=$?
	if [ $rc = 143 ] && grep -q '^caught rename:1' caught.txt && no_temp sig-commit &&
	   [ "$(cat sig-commit/x.lib)" = "old library" ] && [ "$(cat sig-commit/x.d)" = "old depfile" ]; then
		ok "SIGTERM between the output's and the depfile's rename: both old files are back"
	else fail "SIGTERM between the two renames" "status $rc, $(cat caught.txt), x.lib: $(head -c 20 sig-commit/x.lib | tr -c '[:print:]' '.'), left: $(ls -a sig-commit | tr '\n' ' ')"; fi
	"$SIGAT" 15 rename:1 "$MKDEF" -o sig-commit/new.def -M sig-commit/new.d "$api" >caught.txt 2>run.err
	rc=$?
	[ $rc = 143 ] && [ ! -e sig-commit/new.def ] && [ ! -e sig-commit/new.d ] && no_temp sig-commit &&
		ok "SIGTERM between the two renames of new files: neither is left" ||
		fail "SIGTERM between the two renames of new files" "status $rc, left: $(ls -a sig-commit | tr '\n' ' ')"
	# A signal the caller ignores (nohup) stays ignored: the run completes.
	(trap '' HUP; "$SIGAT" -k 1 write:.dllkit- "$MKDEF" --library api.dll -o nohup.def "$api") >caught.txt 2>run.err
	rc=$?
	[ $rc = 0 ] && same_bytes nohup.def api.ref && no_temp && ok "an ignored SIGHUP (nohup) stays ignored" ||
		fail "an ignored SIGHUP (nohup) stays ignored" "status $rc $(head -2 run.err)"
else
	# A container may forbid ptrace: that says nothing of dllkit.
	skip "signals in the middle of a write" "tests/tools/signal-at cannot trace a command here (ptrace not allowed?): $("$SIGAT" 15 write:x true 2>&1 | head -2)"
fi

# ---- write errors on standard output ----

if [ -w /dev/full ] && [ -c /dev/full ]; then
	printf 'LIBRARY x.dll\nEXPORTS\n    a\n    b\n' >a.def
	printf 'LIBRARY x.dll\nEXPORTS\n    a\n    c\n' >b.def
	# full NAME STATUS PATTERN CMD...: standard output is /dev/full.
	full() {
		local name=$1 want=$2 pat=$3; shift 3
		"$@" >/dev/full 2>run.err; rc=$?
		if [ $rc = "$want" ] && one_line "$name" "$pat"; then ok "$name"
		elif [ $rc != "$want" ]; then fail "$name" "exit $rc, not $want: $(head -2 run.err | tr '\n' '|')"; fi
	}
	msg='^(dumpexports|mkdef|mkimplib): error: cannot write to standard output: No space left on device$'
	full "dumpexports --diff > /dev/full: exit 2, not 1 (different)" 2 "$msg" "$DUMP" --diff a.def b.def
	"$DUMP" --check a.def b.def >/dev/full 2>run.err; rc=$?
	[ $rc = 2 ] && grep -Eq "$msg" run.err && [ "$(grep -c 'standard output' run.err)" = 1 ] &&
		ok "dumpexports --check > /dev/full: exit 2, not 1, with the message" ||
		fail "dumpexports --check > /dev/full" "exit $rc: $(tr '\n' '|' <run.err)"
	full "dumpexports (table) > /dev/full: exit 2" 2 "$msg" "$DUMP" a.def "$api"
	full "dumpexports --format json > /dev/full: exit 2" 2 "$msg" "$DUMP" -f json a.def "$api"
	full "dumpexports --format tsv > /dev/full: exit 2" 2 "$msg" "$DUMP" -f tsv a.def
	full "dumpexports --format def > /dev/full: exit 2" 2 "$msg" "$DUMP" -f def a.def
	full "dumpexports of a 60,000-export listing > /dev/full: exit 2, one message" 2 "$msg" "$DUMP" big.def
	full "dumpexports --help > /dev/full: exit 2" 2 "$msg" "$DUMP" --help
	full "dumpexports -V > /dev/full: exit 2" 2 "$msg" "$DUMP" -V
	full "mkdef (.def to standard output) > /dev/full: exit 1, one message" 1 "$msg" "$MKDEF" "$api"
	full "mkdef -o - > /dev/full: exit 1, one message" 1 "$msg" "$MKDEF" -o - "$api"
	full "mkdef --help > /dev/full: exit 1" 1 "$msg" "$MKDEF" --help
	full "mkdef -V > /dev/full: exit 1" 1 "$msg" "$MKDEF" -V
	full "mkimplib --help > /dev/full: exit 1" 1 "$msg" "$MKIMPLIB" --help
	full "mkimplib -V > /dev/full: exit 1" 1 "$msg" "$MKIMPLIB" -V
	# Nothing to write, nothing lost: the same two files still compare equal
	# (where two that differ do not).
	"$DUMP" --diff a.def b.def >/dev/null 2>&1; rc_ab=$?
	"$DUMP" --diff a.def a.def >/dev/full 2>run.err; rc=$?
	[ $rc = 0 ] && [ $rc_ab = 1 ] && [ ! -s run.err ] && ok "dumpexports --diff of equal files > /dev/full: exit 0 (nothing was lost)" ||
		fail "dumpexports --diff of equal files > /dev/full" "exit $rc (a.def against b.def: $rc_ab, not 1): $(cat run.err)"
	# A closed standard output is a failed write too.
	"$DUMP" a.def >&- 2>run.err; rc=$?
	[ $rc = 2 ] && grep -q 'cannot write to standard output' run.err && ok "dumpexports >&-: exit 2 with the message" ||
		fail "dumpexports >&-" "exit $rc: $(cat run.err)"
else
	skip "write errors on standard output" "no writable /dev/full"
fi
