#!/bin/bash
# imports_readobj.sh - `dumpexports --imports` held to llvm-readobj 22
# --coff-imports on every Wine and MinGW PE image on this machine (issue 12:
# "--imports agrees with llvm-readobj --coff-imports on every Wine and MinGW
# image on the machine, delay imports included").
#
# Both listings are turned into the same rows, `file dll kind ordinal hint
# name` (dumpexports' TSV; llvm-readobj's `Import { Name: D  Symbol: N (H) }`
# and `DelayImport { Name: D  Import { Symbol: N (H) } }`, where a symbol
# with an empty name is an import by ordinal, the number in parentheses its
# ordinal, and otherwise the number is the hint), and compared row by row,
# in order within each image (the order of the descriptors and of their
# tables).  A row only one of them has is a difference; each must have a
# known cause, or the run fails:
#   thunks   a delay-load DLL whose descriptors no data directory lists (GNU
#            `dlltool -y` libraries, mkimplib --delay, Wine's winebuild
#            delay imports): dumpexports finds them by their shape
#            ("found": "thunks" in its JSON), llvm-readobj reads only the
#            delay-import directory and cannot see them.  Ours only.
# Anything else is unexplained and printed.
#
# Images: Wine's x86_64-windows and i386-windows folders (the 32-bit ones
# also from $DLLKIT_WINE32, as make deps unpacks them), and the MinGW
# sysroots and compiler folders (/usr/*-w64-mingw32, /usr/lib/gcc/*-w64-mingw32):
# every file there that starts with "MZ".  IMAGES_EXTRA="DIR..." adds more.
#
#   tests/compat/imports_readobj.sh          (BUILD=build; dumpexports from it)
# Prints the figures and one "ok -" or "FAIL -" line per group (the form
# tests/run.sh counts: tests/cli/imports.sh runs this script in make check).
# Work files in $BUILD/test-work/imports_readobj/: per group ours.tsv,
# readobj.tsv, thunks.tsv, diff.txt.  Exit 0 when every difference is
# explained and every image was read by both.

# readobj_rows: llvm-readobj --coff-imports output on stdin, rows out.
readobj_rows() {
	awk 'BEGIN { OFS = "\t" }
		/^File: / { file = substr($0, 7) }
		/^Import \{/ { kind = "import"; dll = "" }
		/^DelayImport \{/ { kind = "delay"; dll = "" }
		/^  Name: / { dll = substr($0, 9) }
		/^ *Symbol: / {
			s = $0; sub(/^ *Symbol: /, "", s)
			num = ""
			if (match(s, / \([0-9]+\)$/)) { num = substr(s, RSTART + 2, RLENGTH - 3); s = substr(s, 1, RSTART - 1) }
			if (s == "") print file, dll, kind, num, "", ""
			else print file, dll, kind, "", num, s
		}'
}
[ "${IMPORTS_READOBJ_LIB:-}" = 1 ] && return 0

set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
DUMP=$BUILD/bin/dumpexports
READOBJ=${READOBJ22:-/usr/lib/llvm-22/bin/llvm-readobj}
W=$BUILD/test-work/imports_readobj
WINE32=${DLLKIT_WINE32:-/var/cache/dllkit/wine32}
export LC_ALL=C
rm -rf "$W"
mkdir -p "$W"

for t in "$DUMP" "$READOBJ"; do
	if [ ! -x "$t" ]; then echo "FAIL - imports vs llvm-readobj: $t is missing"; exit 1; fi
done
command -v python3 >/dev/null 2>&1 || { echo "FAIL - imports vs llvm-readobj: python3 is not installed"; exit 1; }

# pe_files DIR...: the regular files under DIR that start with "MZ", sorted.
pe_files() {
	local d
	for d in "$@"; do
		[ -d "$d" ] && find "$d" -type f -size +63c
	done | sort -u | while IFS= read -r f; do
		[ "$(head -c 2 "$f" 2>/dev/null | tr -d '\0')" = MZ ] && printf '%s\n' "$f"
	done
}

GROUPS_DONE=0 BAD=0
T_IMAGES=0 T_DLLS=0 T_ROWS=0 T_SAME=0 T_THUNK=0 T_UNEXPL=0 T_UNREAD=0

# group NAME DIR...: compare every image of the group.
group() {
	local name=$1 g=$W/$1 n f rc
	shift
	mkdir -p "$g"
	pe_files "$@" >"$g/files"
	n=$(wc -l <"$g/files")
	if [ "$n" -eq 0 ]; then
		echo "skip - imports vs llvm-readobj, $name: no images in $*"
		return
	fi
	: >"$g/ours.tsv"; : >"$g/unread.txt"; : >"$g/thunks.tsv"
	# dumpexports, one run per image: an image it cannot read is named.
	while IFS= read -r f; do
		"$DUMP" --imports -f tsv "$f" >"$g/one.tsv" 2>"$g/one.err"
		rc=$?
		if [ "$rc" -ne 0 ]; then
			printf '%s\texit %s: %s\n' "$f" "$rc" "$(head -1 "$g/one.err")" >>"$g/unread.txt"
			continue
		fi
		sed 1d "$g/one.tsv" >>"$g/ours.tsv"
	done <"$g/files"
	# the DLLs dumpexports found through thunks (its JSON's "found")
	xargs -d '\n' -n 200 "$DUMP" --imports -f json <"$g/files" 2>/dev/null | python3 -c '
import json, sys
dec = json.JSONDecoder()
text = sys.stdin.read()
i = 0
while i < len(text):
    while i < len(text) and text[i].isspace():
        i += 1
    if i >= len(text):
        break
    doc, i = dec.raw_decode(text, i)
    for f in doc["files"]:
        for d in f.get("imports", []):
            if d.get("found") == "thunks":
                print("%s\t%s\t%s" % (f["path"], d["dll"], d["kind"]))' >"$g/thunks.tsv" 2>"$g/json.err"
	xargs -d '\n' -n 200 "$READOBJ" --coff-imports <"$g/files" 2>"$g/readobj.err" | readobj_rows >"$g/readobj.tsv"

	# Row by row, in order: diff of the two lists; every row one side has
	# alone is classified.
	diff "$g/ours.tsv" "$g/readobj.tsv" | grep '^[<>]' >"$g/diff.txt"
	awk -F'\t' -v thunks="$g/thunks.tsv" -v unread="$g/unread.txt" '
		BEGIN { while ((getline l < thunks) > 0) { split(l, a, "\t"); th[a[1] "\t" a[2] "\t" a[3]] = 1 }
			while ((getline l < unread) > 0) { split(l, a, "\t"); ur[a[1]] = 1 } }
		{
			side = substr($0, 1, 1); row = substr($0, 3); split(row, c, "\t")
			if (side == "<" && c[3] == "delay" && ((c[1] "\t" c[2] "\t" c[3]) in th)) { print "thunks\t" row; next }
			if (side == ">" && (c[1] in ur)) { print "unread\t" row; next }
			print "UNEXPLAINED " (side == "<" ? "dumpexports only" : "llvm-readobj only") "\t" row
		}' "$g/diff.txt" >"$g/classified.txt"

	local rows dlls same thunk unexpl unread images_diff
	rows=$(cat "$g/ours.tsv" "$g/readobj.tsv" | sort -u | wc -l)
	dlls=$(cat "$g/ours.tsv" "$g/readobj.tsv" | cut -f1-3 | sort -u | wc -l)
	same=$(comm -12 <(sort "$g/ours.tsv") <(sort "$g/readobj.tsv") | wc -l)
	thunk=$(grep -c '^thunks' "$g/classified.txt")
	unexpl=$(grep -c '^UNEXPLAINED' "$g/classified.txt")
	unread=$(wc -l <"$g/unread.txt")
	images_diff=$(cut -f2 "$g/classified.txt" | sort -u | wc -l)
	echo "$name: $n images ($unread not read by dumpexports), $dlls DLL rows, $rows function rows:" \
		"$same identical, $thunk only dumpexports (delay-load by thunks, $(cut -f1-3 "$g/thunks.tsv" | sort -u | wc -l) DLL rows), $unexpl unexplained;" \
		"images with a difference: $images_diff"
	T_IMAGES=$((T_IMAGES + n)); T_DLLS=$((T_DLLS + dlls)); T_ROWS=$((T_ROWS + rows))
	T_SAME=$((T_SAME + same)); T_THUNK=$((T_THUNK + thunk)); T_UNEXPL=$((T_UNEXPL + unexpl)); T_UNREAD=$((T_UNREAD + unread))
	if [ -s "$g/json.err" ]; then
		BAD=1
		echo "FAIL - imports vs llvm-readobj, $name: the JSON listings did not parse: $(head -3 "$g/json.err" | tr '\n' '|')"
	elif [ "$unexpl" -ne 0 ] || [ "$unread" -ne 0 ] || [ "$same" -eq 0 ]; then
		BAD=1
		echo "FAIL - imports vs llvm-readobj, $name: $unexpl unexplained rows, $unread images not read, $same identical rows (see $g/classified.txt, $g/unread.txt)"
		grep '^UNEXPLAINED' "$g/classified.txt" | head -10 | sed 's/^/    /'
		head -5 "$g/unread.txt" | sed 's/^/    unread: /'
	else
		echo "ok - imports vs llvm-readobj, $name: $n images, $same rows identical, $thunk more found through thunks, 0 unexplained"
	fi
	GROUPS_DONE=$((GROUPS_DONE + 1))
}

WINE_LIB=/usr/lib/x86_64-linux-gnu/wine
group wine-x86_64 "$WINE_LIB/x86_64-windows"
group wine-i386 "$WINE_LIB/i386-windows" "$WINE32/usr/lib/i386-linux-gnu/wine/i386-windows"
group mingw /usr/x86_64-w64-mingw32 /usr/i686-w64-mingw32 /usr/lib/gcc/x86_64-w64-mingw32 /usr/lib/gcc/i686-w64-mingw32
[ -n "${IMAGES_EXTRA:-}" ] && group extra $IMAGES_EXTRA

echo "total: $T_IMAGES images ($T_UNREAD not read), $T_DLLS DLL rows, $T_ROWS function rows: $T_SAME identical," \
	"$T_THUNK only in dumpexports (delay-load by thunks, invisible to llvm-readobj), $T_UNEXPL unexplained"
[ "$BAD" -eq 0 ] && [ "$GROUPS_DONE" -gt 0 ]
