#!/bin/bash
# dumpexports --imports on images built here, held to llvm-readobj 22
# --coff-imports and to what the source says they import.
#
# One program (tests/interop/src/deps/imp.c) imports from b.dll by name
# (b_add, b_version) and by ordinal 5 (b_five, `@5 NONAME` in b.def), a
# variable and a function from c.dll (c_data DATA, c_func), and d_never
# from d.dll as a delay-load import.  It is linked
#   - by GNU ld (x86_64- and i686-w64-mingw32-gcc) against a `mkimplib
#     --delay` library of d.dll and against a GNU `dlltool -y` one: neither
#     fills the delay-import directory, so llvm-readobj does not see d.dll
#     at all, and dumpexports must still list it, kind `delay`;
#   - by lld-link (clang --target=x86_64-, i686- and aarch64-windows-msvc,
#     no CRT) with -delayload:d.dll, which fills the delay-import directory;
# and a.dll (src/deps/a.c, importing b_add from b.dll) by GNU ld and by
# lld-link, x86-64 and i686.  The import libraries of b, c and d come
# from mkimplib.  For each image:
#   - the TSV header is `file dll kind ordinal hint name`;
#   - its rows equal llvm-readobj's, turned into the same rows
#     (tests/compat/imports_readobj.sh, readobj_rows), in the same order,
#     less d.dll's delay rows where no directory lists them;
#   - its rows for b.dll, c.dll and d.dll are those the source asks for
#     (dll, kind, ordinal, name; hints are the linker's);
#   - the JSON parses, says "thunks" or "directory" for d.dll as the link
#     made it, and the table names every DLL.
# Then the whole comparison on every Wine and MinGW image on the machine
# (tests/compat/imports_readobj.sh), which takes a few seconds.
. "$(dirname "$0")/../lib.sh"
D=$BIN/dumpexports
MKIMPLIB=$BIN/mkimplib
L22=/usr/lib/llvm-22/bin
RO=$L22/llvm-readobj
SRC=$TOP/tests/interop/src/deps
built "dumpexports --imports" "$D" "$MKIMPLIB" || exit 0
need "dumpexports --imports" "$RO" "$L22/lld-link" clang python3 x86_64-w64-mingw32-gcc i686-w64-mingw32-gcc \
	x86_64-w64-mingw32-dlltool i686-w64-mingw32-dlltool || exit 0
cd "$T" || exit 1
export LC_ALL=C
IMPORTS_READOBJ_LIB=1 . "$TOP/tests/compat/imports_readobj.sh"

log_of() { head -c 500 "$1" | tr '\n\t' '| '; }

# --- fixtures ----------------------------------------------------------------
# IMAGES: "NAME DELAYFOUND WANT" lines; NAME.exe/.dll in $T, DELAYFOUND is
# how d.dll's descriptors are found (thunks, directory, or - for none),
# WANT the file of expected rows.
IMAGES=()
add_image() { IMAGES+=("$1 $2 $3"); }

printf '%s\t%s\t%s\t%s\n' \
	b.dll import "" b_add  b.dll import "" b_version  b.dll import 5 "" \
	c.dll import "" c_data  c.dll import "" c_func  d.dll delay "" d_never | sort >want-prog
printf '%s\t%s\t%s\t%s\n' b.dll import "" b_add >want-a

for arch in x86-64 i386 arm64; do
	if ! { "$MKIMPLIB" -m $arch -o libb-$arch.a "$SRC/b.def" && "$MKIMPLIB" -m $arch -o libc-$arch.a "$SRC/c.def" &&
	       "$MKIMPLIB" -m $arch -o libd-$arch.a "$SRC/d.def" &&
	       "$MKIMPLIB" --delay -m $arch -o libd-delay-$arch.a "$SRC/d.def"; } >lib-$arch.log 2>&1; then
		fail "$arch: import libraries of b, c, d by mkimplib" "$(log_of lib-$arch.log)"
	fi
done

# GNU ld: the delay-load d.dll through a library (no directory).
for arch in x86-64 i386; do
	case $arch in x86-64) cc=x86_64-w64-mingw32-gcc; dt=x86_64-w64-mingw32-dlltool ;;
	              i386) cc=i686-w64-mingw32-gcc; dt=i686-w64-mingw32-dlltool ;; esac
	if $dt -d "$SRC/d.def" -y libd-dlltool-$arch.a >dlltool-$arch.log 2>&1 &&
	   $cc -O2 -o gnu-$arch-dlltool.exe "$SRC/imp.c" libb-$arch.a libc-$arch.a libd-dlltool-$arch.a >>dlltool-$arch.log 2>&1; then
		add_image gnu-$arch-dlltool.exe thunks want-prog
	else
		fail "$arch: GNU ld links the program against a dlltool -y library" "$(log_of dlltool-$arch.log)"
	fi
	if $cc -O2 -o gnu-$arch-mkimplib.exe "$SRC/imp.c" libb-$arch.a libc-$arch.a libd-delay-$arch.a >gnu-$arch.log 2>&1; then
		add_image gnu-$arch-mkimplib.exe thunks want-prog
	else
		fail "$arch: GNU ld links the program against a mkimplib --delay library" "$(log_of gnu-$arch.log)"
	fi
	if $cc -O2 -shared -o gnu-$arch-a.dll "$SRC/a.c" "$SRC/a.def" libb-$arch.a >gnu-$arch-a.log 2>&1; then
		add_image gnu-$arch-a.dll - want-a
	else
		fail "$arch: GNU ld links a.dll" "$(log_of gnu-$arch-a.log)"
	fi
done

# lld-link, MSVC mode, no CRT: -delayload fills the delay-import directory.
for arch in x86-64 i386 arm64; do
	case $arch in x86-64) t=x86_64 m=x64 ;; i386) t=i686 m=x86 ;; arm64) t=aarch64 m=arm64 ;; esac
	extra=
	[ "$arch" = i386 ] && extra=-safeseh:no
	if clang --target=$t-windows-msvc -DNOCRT -O2 -c -o imp-$arch.obj "$SRC/imp.c" >lld-$arch.log 2>&1 &&
	   "$L22/lld-link" -nologo -machine:$m -out:lld-$arch.exe imp-$arch.obj libb-$arch.a libc-$arch.a libd-$arch.a \
		-delayload:d.dll -nodefaultlib -entry:main -subsystem:console $extra >>lld-$arch.log 2>&1; then
		add_image lld-$arch.exe directory want-prog
	else
		fail "$arch: lld-link links the program with -delayload:d.dll" "$(log_of lld-$arch.log)"
	fi
done
for arch in x86-64 i386; do
	case $arch in x86-64) t=x86_64 m=x64 extra= ;; i386) t=i686 m=x86 extra=-safeseh:no ;; esac
	if clang --target=$t-windows-msvc -O2 -c -o a-$arch.obj "$SRC/a.c" >lld-a-$arch.log 2>&1 &&
	   "$L22/lld-link" -nologo -machine:$m -dll -noentry -nodefaultlib -def:"$SRC/a.def" -out:lld-$arch-a.dll \
		a-$arch.obj libb-$arch.a $extra >>lld-a-$arch.log 2>&1; then
		add_image lld-$arch-a.dll - want-a
	else
		fail "$arch: lld-link links a.dll" "$(log_of lld-a-$arch.log)"
	fi
done

# --- each image --------------------------------------------------------------
HEADER=$(printf 'file\tdll\tkind\tordinal\thint\tname')
for spec in "${IMAGES[@]}"; do
	set -- $spec
	img=$1 found=$2 want=$3
	"$D" --imports -f tsv "$img" >"$img.tsv" 2>"$img.err"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "$img: dumpexports --imports -f tsv" "exit $rc: $(log_of "$img.err")"
		continue
	fi
	if [ "$(head -1 "$img.tsv")" = "$HEADER" ]; then
		ok "$img: TSV header file dll kind ordinal hint name"
	else
		fail "$img: TSV header file dll kind ordinal hint name" "got '$(head -1 "$img.tsv" | tr '\t' ' ')'"
	fi
	sed 1d "$img.tsv" >"$img.ours"
	"$RO" --coff-imports "$img" 2>"$img.ro.err" | readobj_rows >"$img.readobj"

	# llvm-readobj's rows, in order; where d.dll is delay-loaded through
	# thunks, readobj has no d.dll at all and ours has its delay rows.
	if [ "$found" = thunks ]; then
		awk -F'\t' '!(tolower($2) == "d.dll" && $3 == "delay")' "$img.ours" >"$img.ours-dir"
		same "$img: the rows of llvm-readobj --coff-imports, in its order ($(wc -l <"$img.readobj") rows; d.dll's delay rows aside)" \
			"$img.readobj" "$img.ours-dir"
		if grep -qi 'd\.dll' "$img.readobj"; then
			fail "$img: d.dll (no delay-import directory) listed by dumpexports, not by llvm-readobj" \
				"llvm-readobj lists it: has a newer llvm-readobj learnt thunks? $(grep -i 'd\.dll' "$img.readobj" | head -2 | tr '\n\t' '| ')"
		elif awk -F'\t' 'tolower($2) == "d.dll" && $3 == "delay" && $6 == "d_never" { f = 1 } END { exit !f }' "$img.ours"; then
			ok "$img: d.dll (no delay-import directory) listed by dumpexports as delay, not by llvm-readobj"
		else
			fail "$img: d.dll (no delay-import directory) listed by dumpexports as delay" "rows: $(grep -i 'd\.dll' "$img.ours" | tr '\n\t' '| ')"
		fi
	else
		same "$img: the rows of llvm-readobj --coff-imports, in its order ($(wc -l <"$img.readobj") rows)" \
			"$img.readobj" "$img.ours"
	fi

	# What the source says: b.dll, c.dll and d.dll rows (hints aside).
	awk -F'\t' 'BEGIN { OFS = "\t" } tolower($2) ~ /^[bcd]\.dll$/ { print tolower($2), $3, $4, $6 }' "$img.ours" | sort >"$img.src"
	case $want in
	want-a) what="b_add from b.dll" ;;
	*) what="by name, by ordinal 5, data, delay" ;;
	esac
	same "$img: imports what the source asks for ($what)" "$want" "$img.src"

	# JSON: parses; d.dll found as the link made it; kinds; the table.
	"$D" --imports -f json "$img" >"$img.json" 2>>"$img.err"
	if ! python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$img.json" 2>"$img.json.err"; then
		fail "$img: --imports -f json parses" "$(log_of "$img.json.err")"
	else
		python3 - "$img.json" "$img" >"$img.json.check" 2>&1 <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
bad = []
if doc.get("dumpexports") != 1: bad.append("no \"dumpexports\": 1")
files = doc.get("files", [])
if len(files) != 1 or not files[0].get("path", "").endswith(sys.argv[2]): bad.append("files[0].path")
elif files[0].get("kind") != "image": bad.append("kind %r" % files[0].get("kind"))
elif not files[0].get("machine"): bad.append("no machine")
else:
    for d in files[0].get("imports", []):
        if d.get("kind") not in ("import", "delay"): bad.append("%s kind %r" % (d.get("dll"), d.get("kind")))
        if d.get("dll", "").lower() == "d.dll": print("d.dll", d.get("kind"), d.get("found"))
        if not d.get("functions"): bad.append("%s has no functions" % d.get("dll"))
for b in bad: print("BAD", b)
PY
		if grep -q '^BAD' "$img.json.check"; then
			fail "$img: --imports -f json has the documented shape" "$(grep '^BAD' "$img.json.check" | tr '\n' '|')"
		elif [ "$found" = - ]; then
			ok "$img: --imports -f json parses and has the documented shape"
		elif grep -qx "d.dll delay $found" "$img.json.check"; then
			ok "$img: --imports -f json parses, has the documented shape, d.dll delay found by $found"
		else
			fail "$img: --imports -f json says how d.dll was found ($found)" "$(tr '\n' '|' <"$img.json.check")"
		fi
	fi
	"$D" --imports "$img" >"$img.table" 2>>"$img.err"
	missing_dlls=
	for dll in $(cut -f2 "$img.ours" | sort -u); do
		grep -qiF -- "$dll" "$img.table" || missing_dlls="$missing_dlls $dll"
	done
	if [ ! -s "$img.table" ] || [ ! -s "$img.ours" ]; then
		fail "$img: the table names every DLL" "empty listing"
	elif [ -n "$missing_dlls" ]; then
		fail "$img: the table names every DLL" "not named:$missing_dlls"
	else
		ok "$img: the table names every DLL ($(cut -f2 "$img.ours" | sort -u | wc -l))"
	fi
done

# --- every Wine and MinGW image on the machine -------------------------------
bash "$TOP/tests/compat/imports_readobj.sh" >readobj-all.log 2>&1
rc=$?
grep -E '^(ok|FAIL|skip) - ' readobj-all.log
grep -vE '^(ok|FAIL|skip) - ' readobj-all.log | sed 's/^/# /'
if [ "$rc" -ne 0 ] && ! grep -q '^FAIL - ' readobj-all.log; then
	fail "tests/compat/imports_readobj.sh" "exit $rc: $(tail -3 readobj-all.log | tr '\n' '|')"
fi
