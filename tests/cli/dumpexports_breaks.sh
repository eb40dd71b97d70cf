#!/bin/bash
# dumpexports --diff/--check: what is an ABI break and what is noise, and
# export name tables the loader cannot search.  On DLLs built here from a
# few lines of C:
#   - v2 adds a function in the middle of the alphabet: GNU ld numbers the
#     exports of a DLL without a .def (or of a .def without ordinals) in
#     name order, so every export after it moves.  Clients import by name,
#     so only the addition is printed (exit 1), with one note on stderr;
#     --ordinals lists the moves (what a Lua 5.4.6 -> 5.5 diff taught:
#     147 ordinal lines around 8 real changes);
#   - a move is a break where a client can have bound to the ordinal: an
#     export made NONAME, an ordinal the old .def pinned with @N;
#   - a .def is matched by the names the DLL exports: `f = f@4` (mkdef -k,
#     ld --kill-at --output-def) and the older `f@4 == f` both check clean
#     against an ld --kill-at DLL;
#   - GNU ld 2.40 links `f@4 == f` lines into an unsorted name table
#     (f10, f2, f): the listing warns once on stderr and still exits 0,
#     JSON says "name_table": "unsorted", --check fails, mkdef warns.
. "$(dirname "$0")/../lib.sh"
DX=$BIN/dumpexports
cd "$T" || exit 1
export LC_ALL=C

built "dumpexports breaks" "$DX" "$MKDEF" || exit 0
need "dumpexports breaks" x86_64-w64-mingw32-gcc i686-w64-mingw32-gcc python3 || exit 0

# run LABEL STATUS WANT-STDOUT WANT-STDERR ARGS...: exact stdout and stderr
# ("*" for the stderr: anything), and the exit status.
run() {
	local label=$1 st=$2 want=$3 werr=$4; shift 4
	"$DX" "$@" >out 2>err
	local rc=$?
	if [ $rc -ne "$st" ]; then
		fail "$label" "exit status $rc, not $st: $(head -c 300 out err | tr '\n' '|')"
	elif ! printf '%s' "$want" | cmp -s - out; then
		fail "$label" "stdout: want '$(printf '%s' "$want" | tr '\n' '|')', got '$(head -c 600 out | tr '\n' '|')'"
	elif [ "$werr" != "*" ] && ! printf '%s' "$werr" | cmp -s - err; then
		fail "$label" "stderr: want '$(printf '%s' "$werr" | tr '\n' '|')', got '$(head -c 600 err | tr '\n' '|')'"
	else
		ok "$label"
	fi
}

# ------------------------------------------------------------------
# 1. An added function moves the ordinals after it
# ------------------------------------------------------------------
cat >v1.c <<'EOF'
int apple(void) { return 1; }
int banana(void) { return 2; }
int cherry(void) { return 3; }
int kiwi(void) { return 4; }
int lemon(void) { return 5; }
int mango(void) { return 6; }
EOF
{ cat v1.c; echo 'int date(void) { return 7; }'; } >v2.c
if x86_64-w64-mingw32-gcc -O2 -shared -o v1.dll v1.c 2>build.err &&
   x86_64-w64-mingw32-gcc -O2 -shared -o v2.dll v2.c 2>>build.err; then
	note='dumpexports: note: 3 exports moved to other ordinals; clients importing by name do not notice (--ordinals lists them)
'
	run "--diff v1.dll v2.dll (date added between cherry and kiwi): '+ date @4' and one note, exit 1" 1 \
		"+ date @4
" "$note" --diff v1.dll v2.dll
	run "--diff --ordinals v1.dll v2.dll: the three moves listed, no note, exit 1" 1 \
		"+ date @4
~ kiwi: ordinal 4 -> 5
~ lemon: ordinal 5 -> 6
~ mango: ordinal 6 -> 7
" "" --diff --ordinals v1.dll v2.dll
	run "--diff v2.dll v1.dll: '- date @4' and the note, exit 1" 1 "- date @4
" "$note" --diff v2.dll v1.dll
	# the .def mkdef reads off v1.dll pins every ordinal: the moves break it
	"$MKDEF" -o v1.def v1.dll 2>>build.err || fail "mkdef -o v1.def v1.dll" "$(tail -3 build.err | tr '\n' '|')"
	run "--check v1.def v2.dll (mkdef of v1.dll pins the ordinals): the moves are breaks, exit 1" 1 \
		"+ date @4
~ kiwi: ordinal 4 -> 5
~ lemon: ordinal 5 -> 6
~ mango: ordinal 6 -> 7
" "dumpexports: v2.dll does not export what v1.def says (4 differences)
" --check v1.def v2.dll
	# ... and mkdef --merge keeps them: only the addition is left
	x86_64-w64-mingw32-gcc -O2 -c -o v2.o v2.c 2>>build.err &&
		"$MKDEF" --merge v1.def --export-all -o v2.def v2.o 2>>build.err &&
		x86_64-w64-mingw32-gcc -O2 -shared -o v2m.dll v2.o v2.def 2>>build.err ||
		fail "v2m.dll from mkdef --merge v1.def" "$(tail -3 build.err | tr '\n' '|')"
	run "--diff v1.dll v2m.dll (linked from mkdef --merge): '+ date @7' only, exit 1" 1 "+ date @7
" "" --diff v1.dll v2m.dll
	run "--check v1.def v1.dll: exit 0" 0 "" "" --check v1.def v1.dll
else
	fail "build v1.dll and v2.dll" "$(head -3 build.err | tr '\n' '|')"
fi

# ------------------------------------------------------------------
# 2. Breaks: an export made NONAME, a pinned ordinal moved
# ------------------------------------------------------------------
printf 'LIBRARY p.dll\nEXPORTS\n    apple @1\n    banana @2\n    cherry @3\n' >p1.def
sed 's/cherry @3/cherry @3 NONAME/' p1.def >p2.def
sed 's/cherry @3/cherry @9/' p1.def >p3.def
if x86_64-w64-mingw32-gcc -O2 -shared -o p1.dll v1.c p1.def 2>build.err &&
   x86_64-w64-mingw32-gcc -O2 -shared -o p2.dll v1.c p2.def 2>>build.err &&
   x86_64-w64-mingw32-gcc -O2 -shared -o p3.dll v1.c p3.def 2>>build.err; then
	run "--diff p1.dll p2.dll (cherry made NONAME): a break, exit 1" 1 "~ cherry: named -> NONAME
" "" --diff p1.dll p2.dll
	run "--diff p1.def p3.dll (the old .def pinned cherry @3, now @9): a break, exit 1" 1 \
		"~ cherry: ordinal 3 -> 9
" "" --diff p1.def p3.dll
	run "--diff p1.def p3.def: a break, exit 1" 1 "~ cherry: ordinal 3 -> 9
" "" --diff p1.def p3.def
	run "--check p1.def p3.dll: a break, exit 1" 1 "~ cherry: ordinal 3 -> 9
" "*" --check p1.def p3.dll
	run "--diff p1.dll p3.dll (two DLLs: the linker's numbers): a note, exit 0" 0 "" \
		"dumpexports: note: 1 export moved to other ordinals; clients importing by name do not notice (--ordinals lists them)
" --diff p1.dll p3.dll
	run "--diff --ordinals p1.dll p3.dll: the move, exit 1" 1 "~ cherry: ordinal 3 -> 9
" "" --diff --ordinals p1.dll p3.dll
	# a .def without ordinals pins none: a DLL that moves them passes
	printf 'LIBRARY p.dll\nEXPORTS\n    apple\n    banana\n    cherry\n' >nopin.def
	run "--check nopin.def p3.dll (no @N in the .def): exit 0" 0 "" "" --check nopin.def p3.dll
else
	fail "build p1.dll, p2.dll, p3.dll" "$(head -3 build.err | tr '\n' '|')"
fi

# ------------------------------------------------------------------
# 3. i386 stdcall: -k-style .def files against an ld --kill-at DLL, and
#    the unsorted name table GNU ld 2.40 writes from `f@4 == f`
# ------------------------------------------------------------------
cat >s.c <<'EOF'
int __stdcall f(int a) { return a; }
int __stdcall f2(int a, int b) { return a + b; }
int __stdcall f10(int a, int b, int c) { return a + b + c; }
EOF
printf 'LIBRARY s.dll\nEXPORTS\n    f = f@4\n    f10 = f10@12\n    f2 = f2@8\n' >kill.def
printf 'LIBRARY s.dll\nEXPORTS\n    f@4 == f\n    f10@12 == f10\n    f2@8 == f2\n' >eqeq.def
if i686-w64-mingw32-gcc -O2 -c -o s.o s.c 2>build.err &&
   i686-w64-mingw32-gcc -shared -Wl,--kill-at -o killat.dll s.o 2>>build.err &&
   i686-w64-mingw32-gcc -shared -o eqeq.dll eqeq.def s.o 2>>build.err; then
	run "--check kill.def (f = f@4) killat.dll (ld --kill-at): exit 0" 0 "" "" --check kill.def killat.dll
	run "--check eqeq.def (f@4 == f) killat.dll: exit 0" 0 "" "" --check eqeq.def killat.dll
	run "--diff kill.def eqeq.def: the same exports, exit 0" 0 "" "" --diff kill.def eqeq.def
	# the DLL ld links from eqeq.def: names f10, f2, f in that order
	"$DX" eqeq.dll >out 2>err
	rc=$?
	why=
	[ $rc -eq 0 ] || why="exit $rc;"
	[ "$(wc -l <err)" -eq 1 ] || why="$why $(wc -l <err) lines on stderr;"
	grep -q '^eqeq\.dll: warning: the export name table is not sorted: "f2" (name 1) comes before "f" (name 2), 1 name out of order' err ||
		why="$why no warning naming eqeq.dll, f2 and f;"
	grep -q '^  name table    NOT SORTED' out || why="$why no 'name table' line in the table;"
	[ "$(grep -c '  f$\|  f2$\|  f10$' out)" -eq 3 ] || why="$why not the three exports;"
	if [ -z "$why" ]; then
		ok "dumpexports eqeq.dll (ld from f@4 == f: f10, f2, f): one warning on stderr, a line in the table, exit 0"
	else
		fail "dumpexports eqeq.dll: one warning, exit 0" "$why $(head -c 400 err | tr '\n' '|')"
	fi
	"$DX" -f json eqeq.dll killat.dll eqeq.def >out 2>err
	if python3 -c '
import json, sys
f = json.load(open("out"))["files"]
got = [(x.get("name_table"), x.get("names_out_of_order"), x.get("names_repeated")) for x in f]
sys.exit(0 if got == [("unsorted", 1, 0), ("sorted", 0, 0), (None, None, None)] else str(got))' 2>jerr; then
		ok "-f json: \"name_table\": \"unsorted\" / \"sorted\" / null for a .def, with the counts"
	else
		fail "-f json: name_table" "$(head -c 300 jerr)"
	fi
	run "--check eqeq.def eqeq.dll: the names match, but the loader cannot search the table: exit 1" 1 "" "*" \
		--check eqeq.def eqeq.dll
	grep -q '^dumpexports: eqeq\.dll does not export what eqeq\.def says: its export name table is not sorted' err &&
		ok "--check eqeq.def eqeq.dll: says why on stderr" ||
		fail "--check eqeq.def eqeq.dll: says why on stderr" "$(tr '\n' '|' <err)"
	run "--diff eqeq.def eqeq.dll: no difference in names, exit 0" 0 "" "*" --diff eqeq.def eqeq.dll
	"$MKDEF" -o eqeq-back.def eqeq.dll 2>err
	rc=$?
	if [ $rc -eq 0 ] && [ "$(wc -l <err)" -eq 1 ] && grep -q '^eqeq\.dll: warning: the export name table is not sorted' err; then
		ok "mkdef eqeq.dll: the same one warning, exit 0"
	else
		fail "mkdef eqeq.dll: the same one warning, exit 0" "exit $rc: $(head -c 300 err | tr '\n' '|')"
	fi
else
	fail "build the i386 stdcall DLLs" "$(head -3 build.err | tr '\n' '|')"
fi
