#!/bin/bash
# dumpexports, the tool, beside its peers:
#   1. every PE image here (MinGW runtime DLLs, Wine's x86_64 and i386 PE
#      DLLs): `--format tsv`, many files per call, gives the ordinals,
#      names, RVAs and forward targets llvm-readobj 22 --coff-exports
#      prints (GNU objdump -p for the images llvm-readobj refuses), and
#      code/data as the section flags (llvm-readobj --sections) say;
#      `--format json` holds the same rows;
#   2. every import library of the mingw-w64 sysroots: the imports (symbol,
#      DLL) llvm-nm and dlltool -I see; the plain static archives list
#      nothing (they have no .drectve) and no error; json as tsv;
#   3. the formats: the table (header beside objdump -p, aligned columns),
#      json for every kind of input, `--format def` of a DLL giving the
#      import library `mkimplib DLL` gives, -C beside c++filt, MSVC names
#      marked; several names on one ordinal;
#   4. --diff and --check on DLLs built here in two versions: exact lines
#      and exit status;
#   5. a run over good and bad files: one error line per bad file, the good
#      ones listed, a non-zero exit.
. "$(dirname "$0")/../lib.sh"
LLVM=/usr/lib/llvm-22/bin
RO=$LLVM/llvm-readobj
NM=$LLVM/llvm-nm
MC=$LLVM/llvm-mc
LLD=$LLVM/lld-link
DX=$BIN/dumpexports
MKIMPLIB=$BIN/mkimplib
cd "$T" || exit 1
export LC_ALL=C

built "dumpexports" "$DX" "$MKIMPLIB" || exit 0
need "dumpexports beside llvm-readobj, llvm-nm, objdump, dlltool and c++filt" "$RO" "$NM" "$MC" "$LLD" \
	clang clang++ python3 objdump x86_64-w64-mingw32-gcc x86_64-w64-mingw32-ar x86_64-w64-mingw32-c++filt \
	x86_64-w64-mingw32-dlltool i686-w64-mingw32-dlltool || exit 0
OBJDUMP=objdump
objdump -i 2>/dev/null | grep -q pei-i386 || OBJDUMP=x86_64-w64-mingw32-objdump

# sanitizer reports in a run's stderr (for SAN= builds)
sanitized() { grep -q 'ERROR: AddressSanitizer\|runtime error:\|LeakSanitizer' "$1"; }

# --format json -> the rows --format tsv prints, to compare the two.
cat >json2tsv.py <<'EOF'
import json, sys
def esc(s):
    return '' if s is None else s.replace('\\', '\\\\').replace('\t', '\\t').replace('\n', '\\n')
demangle = len(sys.argv) > 2 and sys.argv[2] == '-C'
doc = json.load(open(sys.argv[1], encoding='utf-8', errors='surrogateescape'))
out = sys.stdout
out.write('file\tdll\tordinal\thint\trva\tname\tkind\tflags\tforward\tsymbol\n')
for f in doc['files']:
    if 'error' in f:
        sys.stderr.write('error entry: %s\n' % f['path'])
        continue
    for e in f['exports']:
        name = e['name']
        if demangle and e['demangled'] is not None:
            name = e['demangled']
        elif demangle and e['mangling'] == 'msvc':
            name = name + '  [MSVC C++]'
        flags = ' '.join(w for w, on in (('NONAME', e['noname']), ('PRIVATE', e['private'])) if on)
        out.write('\t'.join([esc(f['path']), esc(e['dll']),
            '' if e['ordinal'] is None else str(e['ordinal']),
            '' if e['hint'] is None else str(e['hint']),
            '' if e['rva'] is None else '0x%08x' % e['rva'],
            esc(name), e['kind'], flags, esc(e['forward']), esc(e['symbol'])]) + '\n')
EOF

# json_same LABEL JSON TSV [-C]: the json file parses (json.tool; for big
# files json.load alone, in json2tsv.py, as json.tool takes seconds to
# print them) and gives the tsv file's rows.
json_same() {
	local label=$1 j=$2 t=$3
	if [ ! -s "$t" ] || [ "$(wc -l <"$t")" -lt 2 ]; then
		fail "$label" "nothing to compare: no row in $t"
	elif [ "$(wc -c <"$j")" -lt 1000000 ] && ! python3 -m json.tool "$j" >/dev/null 2>"$j.parse-err"; then
		fail "$label" "does not parse: $(head -c 300 "$j.parse-err")"
	elif ! python3 json2tsv.py "$j" ${4:-} >"$j.tsv" 2>"$j.err"; then
		fail "$label" "does not load or has an unexpected shape: $(tail -3 "$j.err" | tr '\n' '|')"
	elif ! cmp -s "$j.tsv" "$t"; then
		fail "$label" "json and tsv differ: $(diff "$t" "$j.tsv" | head -6 | tr '\n' '|')"
	else
		ok "$label ($(($(wc -l <"$t") - 1)) rows)"
	fi
}

# ------------------------------------------------------------------
# 1. Every PE image on this machine, beside llvm-readobj
# ------------------------------------------------------------------

# dumpexports tsv -> the same lines; the first name of each ordinal only
# (llvm-readobj shows one), and RVAs as llvm-readobj writes them.
cat >ours.awk <<'EOF'
BEGIN { FS = OFS = "\t" }
NR == 1 { next }
$3 == "" { next }
seen[$1 "\t" $3]++ { next }
{
	if ($9 != "") { print $1, $3, $6, "-> " $9; next }
	r = toupper(substr($5, 3)); sub(/^0+/, "", r); if (r == "") r = "0"
	print $1, $3, $6, "0x" r
}
EOF
# llvm-readobj --sections -> "FILE<TAB>VA<TAB>EXTENT<TAB>EXEC" (decimal)
cat >sections.awk <<'EOF'
function hex(s,   i, c, v) { s = toupper(s); sub(/^0X/, "", s); v = 0
	for (i = 1; i <= length(s); i++) { c = index("0123456789ABCDEF", substr(s, i, 1)) - 1; v = v * 16 + c }
	return v }
/^File: / { f = substr($0, 7); next }
/^ *Section \{/ { va = 0; vs = 0; rs = 0; x = 0; next }
/^ *VirtualSize: / { vs = hex($2); next }
/^ *VirtualAddress: / { va = hex($2); next }
/^ *RawDataSize: / { rs = $2; next }
/IMAGE_SCN_MEM_EXECUTE/ { x = 1; next }
/^  \}/ { print f "\t" va "\t" (vs ? vs : rs) "\t" x }
EOF
# code/data of every non-forwarded export by the section its RVA is in:
# our tsv and the sections -> "FILE<TAB>ORDINAL<TAB>ours<TAB>theirs" where they differ
cat >kinds.awk <<'EOF'
function hex(s,   i, c, v) { s = toupper(s); sub(/^0X/, "", s); v = 0
	for (i = 1; i <= length(s); i++) { c = index("0123456789ABCDEF", substr(s, i, 1)) - 1; v = v * 16 + c }
	return v }
BEGIN { FS = OFS = "\t" }
FILENAME == ARGV[1] { n[$1]++; va[$1, n[$1]] = $2; ext[$1, n[$1]] = $3; x[$1, n[$1]] = $4; next }
FNR == 1 || $9 != "" || $5 == "" { next }
{
	r = hex($5); k = "data"
	for (i = 1; i <= n[$1]; i++)
		if (r >= va[$1, i] && r < va[$1, i] + ext[$1, i]) { if (x[$1, i]) k = "code"; break }
	checked++
	if (k != $7) print $1, $3, $7, k
}
END { print checked > "/dev/stderr" }
EOF

# images LABEL LIST: our tsv (one call) beside llvm-readobj, objdump and
# the section table; our json beside our tsv.
images() {
	local label=$1 list=$2 d
	d=$T/img-$(printf '%s' "$1" | tr -c 'A-Za-z0-9' _)
	mkdir -p "$d"
	local files n
	mapfile -t files <"$list"
	n=${#files[@]}
	if [ "$n" -eq 0 ]; then
		missing "$label" "none on this machine"
		return
	fi
	"$DX" --format tsv "${files[@]}" >"$d/ours.tsv" 2>"$d/ours.err"
	local rc=$?
	if [ $rc -ne 0 ] || [ -s "$d/ours.err" ]; then
		fail "$label: dumpexports --format tsv reads all $n" "exit $rc: $(head -5 "$d/ours.err" | tr '\n' '|')"
		return
	fi
	if [ "$(grep -c '^file	dll	ordinal	' "$d/ours.tsv")" -ne 1 ]; then
		fail "$label: one tsv header" "$(grep -c '^file	' "$d/ours.tsv") header lines"
	fi
	"$DX" --format json "${files[@]}" >"$d/ours.json" 2>"$d/json.err" ||
		fail "$label: --format json" "exit $?: $(head -3 "$d/json.err" | tr '\n' '|')"

	# llvm-readobj stops at the first image it refuses: read the rest again
	: >"$d/llvm.raw"
	: >"$d/llvm.err"
	cp "$list" "$d/todo"
	while [ -s "$d/todo" ]; do
		xargs -d '\n' -n 200 "$RO" --coff-exports <"$d/todo" >>"$d/llvm.raw" 2>>"$d/llvm.err"
		{ sed -n 's/^File: //p' "$d/llvm.raw"; sed -n "s/^.*error: '\(.*\)': .*/\1/p" "$d/llvm.err"; } |
			sort -u >"$d/done"
		sort "$d/todo" | comm -23 - "$d/done" >"$d/todo2"
		[ "$(wc -l <"$d/todo2")" -lt "$(wc -l <"$d/todo")" ] || break
		mv "$d/todo2" "$d/todo"
	done
	sed -n "s/^.*error: '\(.*\)': .*/\1/p" "$d/llvm.err" | sort -u >"$d/refused"

	awk -f ours.awk "$d/ours.tsv" >"$d/ours.all"
	awk -F'\t' 'FILENAME == ARGV[1] { r[$0] = 1; next } !($1 in r)' "$d/refused" "$d/ours.all" | sort >"$d/ours.cmp"
	awk -F'\t' 'FILENAME == ARGV[1] { r[$0] = 1; next } !($1 in r)' "$d/refused" \
		<(awk -f "$TOP/tests/awk/readobj_exports.awk" "$d/llvm.raw") | sort >"$d/llvm.cmp"
	: >"$d/ours-refused.cmp"
	: >"$d/objdump.cmp"
	if [ -s "$d/refused" ]; then
		# (objdump has no names for them: ours are left out too)
		awk -F'\t' -v OFS='\t' 'FILENAME == ARGV[1] { r[$0] = 1; next } ($1 in r) { $3 = ""; print }' \
			"$d/refused" "$d/ours.all" | sort >"$d/ours-refused.cmp"
		xargs -d '\n' "$OBJDUMP" -p <"$d/refused" 2>/dev/null | awk -f "$TOP/tests/awk/objdump_exports.awk" | sort >"$d/objdump.cmp"
	fi
	{
		comm -3 "$d/ours.cmp" "$d/llvm.cmp"
		comm -3 "$d/ours-refused.cmp" "$d/objdump.cmp"
	} | sed 's/^\t//' | cut -f1 | sort -u >"$d/bad"
	local nbad nref nrows ncmp
	nbad=$(wc -l <"$d/bad")
	nref=$(wc -l <"$d/refused")
	nrows=$(($(wc -l <"$d/ours.tsv") - 1))
	ncmp=$(($(wc -l <"$d/llvm.cmp") + $(wc -l <"$d/objdump.cmp")))
	if [ "$ncmp" -eq 0 ] || [ "$nrows" -le 0 ]; then
		fail "$label: dumpexports --format tsv beside llvm-readobj" "nothing compared: $nrows rows, $ncmp from the peers (see $d)"
	elif [ "$nbad" -eq 0 ]; then
		local more=""
		[ "$nref" -gt 0 ] && more="; the $nref llvm-readobj refuses (empty name table at RVA 0) agree with GNU objdump -p"
		ok "$label: dumpexports --format tsv of all $n in one run agrees with llvm-readobj 22 --coff-exports ($nrows exports; $ncmp ordinals, names, RVAs and forward targets compared$more)"
	else
		fail "$label: dumpexports --format tsv beside llvm-readobj" \
			"$nbad of $n disagree: $(head -5 "$d/bad" | tr '\n' ' ')(see $d: ours.cmp vs llvm.cmp)"
	fi

	# code or data: by the flags of the section the RVA is in
	xargs -d '\n' -n 200 "$RO" --sections <"$list" 2>/dev/null | awk -f sections.awk >"$d/sections"
	awk -f kinds.awk "$d/sections" "$d/ours.tsv" >"$d/kinds.bad" 2>"$d/kinds.n"
	local nk; nk=$(cat "$d/kinds.n")
	if [ -s "$d/kinds.bad" ]; then
		fail "$label: code/data beside the section flags" "$(wc -l <"$d/kinds.bad") exports differ: $(head -4 "$d/kinds.bad" | tr '\n' '|')"
	elif [ "${nk:-0}" -eq 0 ]; then
		fail "$label: code/data beside the section flags" "nothing checked"
	else
		ok "$label: code/data of all $nk non-forwarded exports is what llvm-readobj --sections says (executable or not) of the section they are in"
	fi

	json_same "$label: --format json parses and holds the tsv rows" "$d/ours.json" "$d/ours.tsv"
}

find /usr/lib/gcc/*-w64-mingw32 /usr/*-w64-mingw32 -name '*.dll' 2>/dev/null | sort >mingw.list
images "MinGW runtime DLLs" mingw.list
pe_files() {
	[ -d "$1" ] && find "$1" -maxdepth 1 -type f | sort
}
pe_files /usr/lib/x86_64-linux-gnu/wine/x86_64-windows >wine64.list
images "x86_64 Wine PE images" wine64.list
WINE32=${DLLKIT_WINE32:-/var/cache/dllkit/wine32}/usr/lib/i386-linux-gnu/wine/i386-windows
pe_files "$WINE32" >wine32.list
if [ -s wine32.list ]; then
	images "i386 Wine PE images" wine32.list
else
	missing "i386 Wine PE images" "$WINE32/*.dll (make deps unpacks them with tests/interop/lib/setup-wine32.sh)"
fi

# ------------------------------------------------------------------
# 2. Every import library of the mingw-w64 sysroots
# ------------------------------------------------------------------

# sysroot ARCH TRIPLET DLLTOOL
sysroot() {
	local arch=$1 dir=/usr/$2/lib dlltool=$3 d=$T/sysroot-$1 libs n
	mkdir -p "$d"
	libs=("$dir"/lib*.a)
	n=${#libs[@]}
	if [ ! -e "${libs[0]}" ]; then
		missing "$arch sysroot" "$dir/lib*.a (mingw-w64)"
		return
	fi
	"$DX" --format tsv "${libs[@]}" >"$d/ours.tsv" 2>"$d/ours.err"
	local rc=$?
	if [ $rc -ne 0 ] || [ -s "$d/ours.err" ]; then
		fail "$arch sysroot: dumpexports --format tsv reads all $n libraries" "exit $rc: $(head -5 "$d/ours.err" | tr '\n' '|')"
		return
	fi
	# imports: ours, and llvm-nm's __imp_ symbols defined in an import
	# section ('I'; the __imp_ pointers of ordinary objects, mingw-w64's
	# redirectors, are data, not imports)
	awk -F'\t' 'NR > 1 && $10 != "" { print $1 "\t" $10 }' "$d/ours.tsv" | sort >"$d/ours.syms"
	"$NM" -A --defined-only "${libs[@]}" 2>/dev/null >"$d/nm.out"
	awk '$(NF-1) == "I" && $NF ~ /^__imp_/ { f = $1; sub(/:.*/, "", f); print f "\t" substr($NF, 7) }' \
		"$d/nm.out" | sort >"$d/nm.syms"
	# code, data or const: GNU long-format members define the thunk (T)
	# for code only; llvm-nm's 'I' for the plain symbol is a constant
	awk '{ m = $1; sub(/:[^:]*$/, "", m); sub(/:$/, "", m); c[m "\t" $NF] = $(NF-1) }
		$(NF-1) == "I" && $NF ~ /^__imp_/ { imp[m "\t" substr($NF, 7)] = 1 }
		END { for (k in imp) { split(k, p, "\t"); f = p[1]; sub(/:.*/, "", f); t = c[k]
			print f "\t" p[2] "\t" (t == "T" ? "code" : t == "I" ? "const" : "data") } }' "$d/nm.out" |
		sort >"$d/nm.kinds"
	awk -F'\t' 'NR > 1 && $10 != "" { print $1 "\t" $10 "\t" $7 }' "$d/ours.tsv" | sort >"$d/ours.kinds"
	# DLLs: ours, and dlltool -I's
	awk -F'\t' 'NR > 1 && $10 != "" { print $1 "\t" $2 }' "$d/ours.tsv" | sort -u >"$d/ours.dlls"
	# (one file per library: two processes writing to one pipe can split
	# each other's lines)
	mkdir -p "$d/dlltool"
	printf '%s\n' "${libs[@]}" | xargs -P 2 -I{} sh -c \
		'"$0" -I "$1" 2>/dev/null | sed "s|^|$1	|" >"$2/$(basename "$1")"' "$dlltool" {} "$d/dlltool"
	cat "$d"/dlltool/* | sort -u >"$d/dlltool.dlls"
	{
		diff "$d/nm.syms" "$d/ours.syms"
		diff "$d/dlltool.dlls" "$d/ours.dlls"
	} | sed -n 's/^[<>] \([^\t]*\)\t.*/\1/p' | sort -u >"$d/disagree"
	local bad nimp ndll
	bad=$(wc -l <"$d/disagree")
	nimp=$(wc -l <"$d/ours.syms")
	ndll=$(cut -f2 "$d/ours.dlls" | sort -fu | wc -l)
	if [ "$bad" -eq 0 ] && [ "$nimp" -gt 0 ]; then
		ok "$arch sysroot: dumpexports --format tsv of all $n libraries in one run lists the imports llvm-nm sees, from the DLLs dlltool -I names ($nimp imports from $ndll DLLs)"
	else
		local why="" lib
		while read -r lib; do
			why="$why $(basename "$lib"): nm/dlltool '$(grep -F "$lib	" "$d/nm.syms" "$d/dlltool.dlls" | head -2 | cut -f2 | tr '\n' ' ')' ours '$(grep -F "$lib	" "$d/ours.syms" "$d/ours.dlls" | head -2 | cut -f2 | tr '\n' ' ')';"
		done < <(head -6 "$d/disagree")
		fail "$arch sysroot: imports beside llvm-nm and dlltool -I" "$bad of $n libraries disagree:$why"
	fi
	if [ ! -s "$d/nm.kinds" ] || [ ! -s "$d/ours.kinds" ]; then
		fail "$arch sysroot: code/data/const beside llvm-nm" "nothing to compare: $(empty_of "$d/nm.kinds" "$d/ours.kinds")"
	elif cmp -s "$d/nm.kinds" "$d/ours.kinds"; then
		ok "$arch sysroot: code/data/const of every import as llvm-nm sees the members ($(grep -c '	data$' "$d/ours.kinds") data, $(grep -c '	const$' "$d/ours.kinds") const)"
	else
		fail "$arch sysroot: code/data/const beside llvm-nm" "$(diff "$d/nm.kinds" "$d/ours.kinds" | head -6 | tr '\n' '|')"
	fi

	# the plain static archives: no import, nothing listed, no error;
	# what they could list are their .drectve exports, and they have none
	cut -f1 "$d/ours.syms" | sort -u >"$d/with-imports"
	printf '%s\n' "${libs[@]}" | sort | comm -23 - "$d/with-imports" >"$d/plain"
	cut -f1 "$d/nm.syms" | sort -u | comm -12 - "$d/plain" >"$d/plain-but-nm"
	local np ndr
	np=$(wc -l <"$d/plain")
	xargs -d '\n' "$RO" --coff-directives <"$d/plain" >"$d/plain.readobj" 2>"$d/plain.readobj.err"
	local rrc=$?
	tr -d '\000' <"$d/plain.readobj" | grep -io -- '[-/]export:[^ ]*' >"$d/plain.directives"
	ndr=$(wc -l <"$d/plain.directives")
	local listed; listed=$(awk -F'\t' 'FILENAME == ARGV[1] { p[$0] = 1; next } FNR > 1 && ($1 in p)' "$d/plain" "$d/ours.tsv" | wc -l)
	if [ "$np" -eq 0 ]; then
		fail "$arch sysroot: plain static archives" "none found (libmingwex.a should be one)"
	elif [ $rrc -ne 0 ] || [ "$(grep -c '^File: ' "$d/plain.readobj")" -lt "$np" ]; then
		fail "$arch sysroot: plain static archives" "llvm-readobj --coff-directives exited $rrc: $(head -c 300 "$d/plain.readobj.err" | tr '\n' '|')"
	elif [ -s "$d/plain-but-nm" ]; then
		fail "$arch sysroot: plain static archives" "llvm-nm sees imports in $(head -3 "$d/plain-but-nm" | tr '\n' ' ')"
	elif [ "$listed" -ne "$ndr" ]; then
		fail "$arch sysroot: plain static archives list their dllexport directives" "$listed listed, llvm-readobj --coff-directives shows $ndr: $(head -3 "$d/plain.directives" | tr '\n' ' ')"
	else
		ok "$arch sysroot: the $np plain static archives (libmingwex.a, ...) read without error and list their $ndr dllexport directives"
	fi

	# json: the import libraries and three plain archives, as tsv says
	{ cat "$d/with-imports"; head -3 "$d/plain"; } | sort >"$d/json.list"
	mapfile -t libs <"$d/json.list"
	"$DX" --format json "${libs[@]}" >"$d/ours.json" 2>"$d/json.err"
	"$DX" --format tsv "${libs[@]}" >"$d/json-ref.tsv" 2>/dev/null
	json_same "$arch sysroot: --format json parses and holds the tsv rows" "$d/ours.json" "$d/json-ref.tsv"
	python3 - "$d/ours.json" "$d/plain" >"$d/kinds.err" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
plain = set(open(sys.argv[2]).read().split('\n'))
for f in doc['files']:
    want = 'objects' if f['path'] in plain else 'import-library'
    if f.get('kind') != want:
        print('%s: kind %s, not %s' % (f['path'], f.get('kind'), want))
PY
	if [ -s "$d/kinds.err" ]; then
		fail "$arch sysroot: json says import-library or objects" "$(head -3 "$d/kinds.err" | tr '\n' '|')"
	else
		ok "$arch sysroot: json calls the import libraries import-library and the plain archives objects"
	fi
}
sysroot x86_64 x86_64-w64-mingw32 x86_64-w64-mingw32-dlltool
sysroot i686 i686-w64-mingw32 i686-w64-mingw32-dlltool

# ------------------------------------------------------------------
# 3. The formats
# ------------------------------------------------------------------
mkdir -p fmt
W64=/usr/lib/x86_64-linux-gnu/wine/x86_64-windows
GCC64=$(ls -d /usr/lib/gcc/x86_64-w64-mingw32/*-win32 2>/dev/null | sort -V | tail -1)
GCC32=$(ls -d /usr/lib/gcc/i686-w64-mingw32/*-win32 2>/dev/null | sort -V | tail -1)
STDCXX64=$GCC64/libstdc++-6.dll
STDCXX32=$GCC32/libstdc++-6.dll

# dumpexports --format tsv, then its table -> what differs (nothing).
cat >table-rows.awk <<'EOF'
function trim(s) { gsub(/^ +| +$/, "", s); return s }
FILENAME == ARGV[1] { if (FNR > 1) { n++; ord[n] = $3; hint[n] = $4; rva[n] = toupper(substr($5, 3))
	nm[n] = ($8 ~ /NONAME/ ? "[NONAME]" : $6) ($9 != "" ? "  (forwarded to " $9 ")" : $7 == "data" ? "  DATA" : "") }
	next }
FNR < 8 { next }
FNR == 8 {
	if ($0 !~ /^ +ordinal +hint  RVA +name$/) { print "heading: " $0; exit }
	oe = index($0, "ordinal") + 6; he = index($0, "hint") + 3; rs = index($0, "RVA"); col = index($0, "name")
	next
}
{
	i++
	o = substr($0, 1, oe); h = substr($0, oe + 1, he - oe); r = substr($0, rs, 8); rest = substr($0, col)
	if (substr($0, oe + 1, 2) != "  " || substr($0, he + 1, 2) != "  " || substr($0, rs + 8, 2) != "  " ||
	    substr(o, oe, 1) == " " || (hint[i] != "" && substr(h, length(h), 1) == " ") || substr(rest, 1, 1) == " ") {
		print "row " i ": not in the columns: " $0; exit
	}
	if (trim(o) != ord[i] || trim(h) != hint[i] || trim(r) != rva[i] || rest != nm[i]) {
		print "row " i ": " $0 " | tsv: " ord[i] " " hint[i] " " rva[i] " " nm[i]; exit
	}
}
END { if (i != n) print i " rows in the table, " n " in tsv" }
EOF

# The table of a real DLL: the header beside objdump -p and llvm-readobj,
# and every row's fields in their columns, the name column the same for all.
# table_check DLL [-C]
table_check() {
	local dll=$1 c=${2:-} b
	b=fmt/$(basename "$dll" .dll)${c:+-C}-$(printf '%s' "$dll" | cksum | cut -d' ' -f1)
	if [ ! -f "$dll" ]; then
		missing "table of $dll" "$dll"
		return
	fi
	"$DX" $c "$dll" >"$b.table" 2>"$b.err" && "$DX" $c --format tsv "$dll" >"$b.tsv" 2>>"$b.err" || {
		fail "table of $dll" "$(head -3 "$b.err")"
		return
	}
	"$OBJDUMP" -p "$dll" >"$b.objdump" 2>/dev/null
	"$RO" --coff-exports "$dll" >"$b.ro" 2>/dev/null
	local fmt mach pe want
	fmt=$(sed -n 's/.*file format //p' "$b.objdump" | head -1)
	case $fmt in
	pei-x86-64) mach="x86-64 (PE32+)" ;;
	pei-i386) mach="i386 (PE32)" ;;
	*) mach="? ($fmt)" ;;
	esac
	want=$(awk -v dll="$dll" -v mach="$mach" '
		FILENAME == ARGV[1] {
			if ($1 == "Time/Date") ts = tolower($3)
			else if ($1 == "Major/Minor") { split($2, v, "/"); ver = sprintf("%u.%02u", v[1], v[2]) }
			else if ($1 == "Name" && name == "") name = $3
			else if ($1 == "Ordinal" && $2 == "Base" && base == "") base = $3
			next
		}
		/^ *Export \{/ { o = ""; n = ""; r = ""; fw = 0; next }
		/^ *Ordinal: / { o = $2; next }
		/^ *Name: / { n = substr($0, index($0, "Name: ") + 6); next }
		/^ *RVA: / { r = $2; next }
		/^ *ForwardedTo: / { fw = 1; next }
		/^ *\}/ { if (o != "" && (fw || r != "0x0")) { total++; if (n != "") named++; else noname++; if (fw) fwd++ } }
		END {
			printf "%s: PE image, %s, DLL\n", dll, mach
			printf "  name          %s\n  timestamp     0x%s\n  version       %s\n  ordinal base  %s\n", name, ts, ver, base
			printf "  exports       %d (%d by name, %d by ordinal only, %d forwarded, ", total, named, noname, fwd
		}' "$b.objdump" "$b.ro")
	# (the data count: the section flags, checked in part 1 row by row)
	want="$want$(awk -F'\t' 'NR > 1 && $7 == "data" && $9 == ""' "$b.tsv" | wc -l) data)"
	if [ "$(head -6 "$b.table")" != "$want" ]; then
		fail "table of $(basename "$dll")${c:+ with $c}: header" "$(diff <(printf '%s\n' "$want") <(head -6 "$b.table") | tr '\n' '|')"
		return
	fi
	# rows: the columns the heading sets (ordinal and hint right-aligned,
	# the RVA and the name left-aligned, where their headings start); each
	# field what tsv says
	local bad
	bad=$(awk -F'\t' -f table-rows.awk "$b.tsv" "$b.table" 2>&1)
	[ $? -ne 0 ] && bad="awk failed: $bad"
	if [ -n "$bad" ]; then
		fail "table of $(basename "$dll")${c:+ with $c}: rows" "$bad"
	else
		ok "table of $dll${c:+ with $c}: header as objdump -p and llvm-readobj say; all $(($(wc -l <"$b.tsv") - 1)) rows in aligned columns (names at column $(awk 'NR == 8 { print index($0, "  name") + 2 }' "$b.table")), each field as tsv"
	fi
}
table_check "$STDCXX64"
table_check "$STDCXX64" -C
table_check "$STDCXX32"
table_check "$W64/kernel32.dll"
table_check "$W64/comctl32.dll"
table_check "$W64/msvcrt.dll"
table_check "$WINE32/ntdll.dll"

# --format json for every kind of input in one run, a bad file among them.
cat >fmt/api.c <<'EOF2'
__declspec(dllexport) int add(int a, int b) { return a + b; }
__declspec(dllexport) int counter = 5;
__declspec(dllexport) const char *api_name(void) { return "api"; }
EOF2
cat >fmt/more.c <<'EOF2'
__declspec(dllexport) int __stdcall sfunc(int a, int b) { return a - b; }
__declspec(dllexport) int table[3] = { 1, 2, 3 };
EOF2
cat >fmt/all.def <<'EOF2'
LIBRARY "every.dll"
EXPORTS
    plain
    byord @5 NONAME
    counter @6 DATA
    konst CONSTANT
    hidden PRIVATE
    renamed = real_name
    fwd = kernel32.GetTickCount
    "?cpp@@YAHH@Z"
    _ZN2ns3fooEi
EOF2
objs_ok=
if x86_64-w64-mingw32-gcc -O2 -c -o fmt/api.o fmt/api.c 2>fmt/cc.err &&
   clang --target=i686-pc-windows-msvc -O2 -c -o fmt/more.obj fmt/more.c 2>>fmt/cc.err &&
   x86_64-w64-mingw32-gcc -O2 -c -o fmt/more.o fmt/more.c 2>>fmt/cc.err &&
   x86_64-w64-mingw32-ar rcs fmt/libapi.a fmt/api.o fmt/more.o 2>>fmt/cc.err &&
   x86_64-w64-mingw32-gcc -shared -o fmt/api.dll fmt/api.o fmt/more.o 2>>fmt/cc.err &&
   "$MKIMPLIB" -m x86-64 -o fmt/all.lib fmt/all.def 2>>fmt/cc.err; then
	objs_ok=1
else
	fail "json: build the inputs" "$(head -5 fmt/cc.err | tr '\n' '|')"
fi
if [ -n "$objs_ok" ]; then
	head -c 700 fmt/api.dll >fmt/cut.dll
	KINDS="fmt/api.dll /usr/x86_64-w64-mingw32/lib/libkernel32.a fmt/all.lib fmt/cut.dll fmt/api.o fmt/more.obj fmt/libapi.a fmt/all.def $W64/comctl32.dll"
	"$DX" --format json $KINDS >fmt/kinds.json 2>fmt/kinds.err; rc=$?
	"$DX" --format tsv $KINDS >fmt/kinds.tsv 2>fmt/kinds-tsv.err; rc2=$?
	if [ $rc -eq 0 ] || [ $rc2 -eq 0 ] || [ $rc -ge 128 ] || [ $rc2 -ge 128 ]; then
		fail "json and tsv of every kind, fmt/cut.dll truncated" "exit statuses $rc (json) and $rc2 (tsv): want non-zero"
	elif [ "$(wc -l <fmt/kinds.err)" -ne 1 ] || ! grep -q '^fmt/cut\.dll.*: error: ' fmt/kinds.err; then
		fail "json of every kind: one error line, for fmt/cut.dll" "$(head -3 fmt/kinds.err | tr '\n' '|')"
	else
		ok "json and tsv of every kind: one error line (for the truncated DLL) and exit status $rc"
	fi
	python3 - fmt/kinds.json $KINDS >fmt/kinds.check 2>&1 <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
want = {'fmt/api.dll': 'image', 'fmt/all.lib': 'import-library', 'fmt/api.o': 'objects',
        'fmt/more.obj': 'objects', 'fmt/libapi.a': 'objects', 'fmt/all.def': 'def'}
paths = sys.argv[2:]
got = [f['path'] for f in doc['files']]
if got != paths:
    print('files %s, not %s' % (got, paths))
for f in doc['files']:
    p = f['path']
    if p == 'fmt/cut.dll':
        if not f.get('error') or 'exports' in f:
            print('%s: no error entry: %s' % (p, f))
        continue
    if 'error' in f:
        print('%s: error entry' % p)
        continue
    k = want.get(p, 'image' if p.endswith('.dll') else 'import-library')
    if f['kind'] != k:
        print('%s: kind %s, not %s' % (p, f['kind'], k))
    if not f['exports']:
        print('%s: no exports' % p)
    for e in f['exports']:
        if set(e) != {'name', 'ordinal', 'hint', 'rva', 'kind', 'noname', 'private', 'forward',
                      'internal', 'symbol', 'dll', 'by', 'delay', 'import_name', 'export_as', 'demangled', 'mangling'}:
            print('%s: keys %s' % (p, sorted(e)))
            break
d = {f['path']: f for f in doc['files']}
ex = {e['name']: e for e in d['fmt/all.def']['exports']}
checks = [(ex['byord']['ordinal'], 5), (ex['byord']['noname'], True), (ex['counter']['kind'], 'data'),
          (ex['konst']['kind'], 'const'), (ex['hidden']['private'], True),
          (ex['renamed']['internal'], 'real_name'), (ex['fwd']['forward'], 'kernel32.GetTickCount'),
          (ex['?cpp@@YAHH@Z']['mangling'], 'msvc'), (ex['_ZN2ns3fooEi']['mangling'], 'itanium'),
          (d['fmt/all.def']['dll'], 'every.dll'), (d['fmt/api.dll']['machine'], 'x86-64'),
          (d['fmt/more.obj']['machine'], 'i386'), (d['fmt/all.lib']['machine'], 'x86-64')]
for i, (a, b) in enumerate(checks):
    if a != b:
        print('check %d: %r, not %r' % (i, a, b))
lib = {e['symbol']: e for e in d['fmt/all.lib']['exports']}
if lib['byord']['ordinal'] != 5 or lib['byord']['by'] != 'ordinal' or lib['byord']['name'] is not None:
    print('all.lib byord: %s' % lib['byord'])
if 'hidden' in lib:
    print('all.lib imports the PRIVATE export')
PY
	if [ -s fmt/kinds.check ]; then
		fail "json of every kind: files in order, the right kind, the bad one an error entry, the .def's attributes" "$(head -5 fmt/kinds.check | tr '\n' '|')"
	else
		ok "json of every kind (image, import library long and short, object, MSVC object, archive, .def): files in order, each its kind, the truncated DLL an \"error\" entry, the .def's NONAME/DATA/CONSTANT/PRIVATE/internal/forward kept"
	fi
	json_same "json of every kind parses and holds the tsv rows" fmt/kinds.json fmt/kinds.tsv
	# objects: the directives llvm-readobj shows
	for o in fmt/api.o fmt/more.obj fmt/libapi.a; do
		"$RO" --coff-directives "$o" | tr -d '\000' | grep -io -- '[-/]export:[^ ]*' |
			sed 's/^[-\/][eE][xX][pP][oO][rR][tT]://; s/,.*//; s/"//g' | sort >"$o.directives"
		awk -F'\t' -v f="$o" '$1 == f { print $6 }' fmt/kinds.tsv | sort >"$o.listed"
	done
	# (the MSVC dialect's raw i386 symbols _add, _sfunc@8 are .def names add, _sfunc@8)
	sed -i 's/^_\([^@]*\)$/\1/' fmt/more.obj.directives
	sort -u fmt/libapi.a.directives -o fmt/libapi.a.directives
	bad=
	for o in fmt/api.o fmt/more.obj fmt/libapi.a; do
		if [ ! -s "$o.directives" ]; then bad="$bad $o: llvm-readobj shows no export directive;"
		elif ! cmp -s "$o.directives" "$o.listed"; then bad="$bad $o: $(diff "$o.directives" "$o.listed" | tr '\n' ' ');"; fi
	done
	if [ -n "$bad" ]; then
		fail "objects and archives list their dllexport directives (llvm-readobj --coff-directives)" "$bad"
	else
		ok "objects and archives (GNU and MSVC dialect) list their dllexport directives as llvm-readobj --coff-directives shows them"
	fi
fi

# --format def of a DLL, made an import library by mkimplib, gives the
# imports `mkimplib DLL` gives: the members llvm-readobj shows, and what an
# image linked by lld-link against each imports (names, NONAME ordinals).
# lib_members LIB: "DLL TYPE NAME-TYPE EXPORT-NAME SYMBOL" per import member
lib_members() {
	"$RO" "$1" 2>/dev/null | awk '
		/^File: / { f = substr($0, 7); t = ""; nt = ""; e = ""; s = "" }
		/^Type: / { t = $2 }
		/^Name type: / { nt = $3 }
		/^Export name: / { e = substr($0, 14) }
		/^Symbol: __imp_/ && s == "" { s = substr($0, 9); print f "\t" t "\t" nt "\t" e "\t" s }' | sort
}
# link_imports LIB MACHINE OUT: a no-CRT DLL pointing at every __imp_ symbol
# LIB defines, linked by lld-link; prints its imports "dll name (hint)" or
# "dll  (ordinal)", sorted
link_imports() {
	local lib=$1 m=$2 out=$3 triple lm dir=.quad
	case $m in
	i386) triple=i686-pc-windows-msvc lm=x86 dir=.long ;;
	x86-64) triple=x86_64-pc-windows-msvc lm=x64 ;;
	esac
	{
		printf '\t.section .rdata,"dr"\n\t.globl refs\nrefs:\n'
		"$NM" --defined-only -j "$lib" 2>/dev/null | grep '^__imp_' | sort -u | awk -v d=$dir '{ printf "\t%s \"%s\"\n", d, $0 }'
	} >"$out.s"
	"$MC" --triple=$triple -filetype=obj -o "$out.obj" "$out.s" 2>"$out.err" || return 1
	"$LLD" -nologo -machine:$lm -dll -noentry -nodefaultlib -safeseh:no -out:"$out.dll" \
		"$out.obj" "$lib" >>"$out.err" 2>&1 || return 1
	"$RO" --coff-imports "$out.dll" | awk '
		/^  Name: / { dll = $2 }
		/^  Symbol: / { s = $0; sub(/^  Symbol: /, "", s); print dll " " s }' | sort
}
# def_roundtrip DLL MACHINE
def_roundtrip() {
	local dll=$1 m=$2 b
	b=fmt/rt-$(basename "$dll" .dll)-$m
	if [ ! -f "$dll" ]; then
		missing "--format def of $dll" "$dll"
		return
	fi
	if ! "$DX" --format def "$dll" >"$b.def" 2>"$b.err" ||
	   ! "$MKIMPLIB" -m "$m" -o "$b.lib" "$b.def" 2>>"$b.err" ||
	   ! "$MKIMPLIB" -o "$b.direct.lib" "$dll" 2>>"$b.err"; then
		fail "--format def of $dll, then mkimplib" "$(head -3 "$b.err" | tr '\n' '|')"
		return
	fi
	lib_members "$b.lib" >"$b.members"
	lib_members "$b.direct.lib" >"$b.direct.members"
	local why="" n nn
	n=$(wc -l <"$b.members")
	cmp -s "$b.members" "$b.direct.members" ||
		why="members (llvm-readobj) differ: $(diff "$b.direct.members" "$b.members" | head -4 | tr '\n' ' ');"
	if [ -x "$MC" ] && [ -x "$LLD" ]; then
		if link_imports "$b.lib" "$m" "$b.client" >"$b.imports" && link_imports "$b.direct.lib" "$m" "$b.direct.client" >"$b.direct.imports"; then
			cmp -s "$b.imports" "$b.direct.imports" ||
				why="$why linked imports differ: $(diff "$b.direct.imports" "$b.imports" | head -4 | tr '\n' ' ');"
			[ "$(wc -l <"$b.imports")" -eq "$n" ] || why="$why $(wc -l <"$b.imports") imports linked, $n members;"
		else
			why="$why lld-link: $(head -c 300 "$b.client.err" "$b.direct.client.err" | tr '\n' ' ');"
		fi
	fi
	nn=$(grep -c '	ordinal	' "$b.members")
	if [ -n "$why" ]; then
		fail "--format def of $(basename "$dll") ($m), then mkimplib" "$why"
	elif [ "$n" -eq 0 ]; then
		fail "--format def of $(basename "$dll") ($m), then mkimplib" "no imports"
	else
		ok "--format def of $dll, then mkimplib -m $m: the $n imports ($nn NONAME) of mkimplib DLL, as llvm-readobj and an lld-link image see them$(cmp -s "$b.lib" "$b.direct.lib" && echo '; the same bytes')"
	fi
}
def_roundtrip "$STDCXX64" x86-64
def_roundtrip "$STDCXX32" i386
def_roundtrip "$W64/kernel32.dll" x86-64
def_roundtrip "$W64/comctl32.dll" x86-64
def_roundtrip "$W64/msvcrt.dll" x86-64
def_roundtrip "$WINE32/comctl32.dll" i386
def_roundtrip "$WINE32/kernel32.dll" i386
[ -n "$objs_ok" ] && def_roundtrip fmt/api.dll x86-64

# -C: Itanium names as c++filt writes them, in every format
for dll in "$STDCXX64" "$STDCXX32"; do
	[ -f "$dll" ] || { missing "-C on $dll" "$dll (g++-mingw-w64)"; continue; }
	b=fmt/dm-$(basename "$(dirname "$(dirname "$dll")")")
	"$DX" --format tsv "$dll" | awk -F'\t' 'NR > 1 { print $6 }' >"$b.names"
	"$DX" -C --format tsv "$dll" >"$b.tsv"
	awk -F'\t' 'NR > 1 { print $6 }' "$b.tsv" >"$b.ours"
	x86_64-w64-mingw32-c++filt <"$b.names" >"$b.cxxfilt"
	nd=$(paste -d'\t' "$b.names" "$b.cxxfilt" | awk -F'\t' '$1 != $2' | wc -l)
	if cmp -s "$b.ours" "$b.cxxfilt" && [ "$nd" -gt 1000 ]; then
		ok "-C on $dll: all $(wc -l <"$b.ours") names as x86_64-w64-mingw32-c++filt writes them ($nd demangled)"
	else
		fail "-C on $dll: names as c++filt writes them" "$(diff "$b.cxxfilt" "$b.ours" | grep -c '^>') of $(wc -l <"$b.ours") differ ($nd demangled): $(diff "$b.cxxfilt" "$b.ours" | grep -m4 '^[<>]' | tr '\n' '|')"
	fi
	"$DX" -C --format json "$dll" >"$b.json"
	json_same "-C --format json of $(basename "$dll"): demangled as tsv shows" "$b.json" "$b.tsv" -C
done

# MSVC C++ names: kept, and marked with -C (table), "msvc" in json
cat >fmt/w.cpp <<'EOF2'
namespace ns {
struct __declspec(dllexport) Widget {
	int v;
	int get(int k) const { return v + k; }
	static int count;
};
int Widget::count = 1;
}
__declspec(dllexport) int plain_cpp(int a) { return a; }
extern "C" __declspec(dllexport) int c_name(int a) { return a + 1; }
EOF2
if clang++ --target=x86_64-pc-windows-msvc -O2 -c -o fmt/w.obj fmt/w.cpp 2>fmt/w.err &&
   "$LLD" -nologo -dll -noentry -nodefaultlib -out:fmt/w.dll fmt/w.obj >>fmt/w.err 2>&1; then
	"$DX" fmt/w.dll >fmt/w.table
	"$DX" -C fmt/w.dll >fmt/w-C.table
	"$DX" -C --format json fmt/w.dll >fmt/w-C.json
	"$RO" --coff-exports fmt/w.dll | sed -n 's/^ *Name: //p' | sort >fmt/w.names
	# the rows' names (after the RVA), with -C the mark before any DATA
	names_col() { awk 'NR == 8 { c = index($0, "name") } NR > 8 { print substr($0, c) }' "$1" | sed 's/  DATA$//' | sort; }
	names_col fmt/w.table >fmt/w.shown
	names_col fmt/w-C.table >fmt/w-C.shown
	sed 's/^?.*/&  [MSVC C++]/' fmt/w.names >fmt/w-C.want
	python3 -c '
import json, sys
for e in json.load(open(sys.argv[1]))["files"][0]["exports"]:
    m = "msvc" if e["name"].startswith("?") else "none"
    if e["mangling"] != m or e["demangled"] is not None:
        print(e)' fmt/w-C.json >fmt/w-C.json.bad
	if [ "$(grep -c '^?' fmt/w.names)" -lt 4 ]; then
		fail "MSVC C++ names" "the DLL exports only $(grep -c '^?' fmt/w.names): $(tr '\n' ' ' <fmt/w.names)"
	elif ! cmp -s fmt/w.names fmt/w.shown; then
		fail "MSVC C++ names kept as they are" "$(diff fmt/w.names fmt/w.shown | tr '\n' '|')"
	elif ! cmp -s fmt/w-C.want fmt/w-C.shown; then
		fail "MSVC C++ names kept and marked with -C" "$(diff fmt/w-C.want fmt/w-C.shown | tr '\n' '|')"
	elif [ -s fmt/w-C.json.bad ]; then
		fail "MSVC C++ names in json: mangling msvc, not demangled" "$(head -3 fmt/w-C.json.bad)"
	else
		ok "MSVC C++ names (clang++ + lld-link DLL, $(grep -c '^?' fmt/w.names) of them): kept as llvm-readobj shows them, marked [MSVC C++] by -C, \"mangling\": \"msvc\" and no demangled form in json"
	fi
else
	fail "MSVC C++ names: build the DLL (clang++, lld-link)" "$(head -3 fmt/w.err | tr '\n' '|')"
fi

# Several names on one ordinal (the loader accepts it; GNU ld and lld-link
# never write it): a DLL whose name table points "bdd" at add's ordinal 1,
# leaving ordinal 2 without a name.  Every format lists bdd at ordinal 1.
cat >fmt/names.py <<'EOF2'
import struct, sys
src, name, ordinal, dst = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
d = bytearray(open(src, 'rb').read())
pe = struct.unpack_from('<I', d, 0x3c)[0]
nsec, optsize = struct.unpack_from('<H', d, pe + 6)[0], struct.unpack_from('<H', d, pe + 20)[0]
dd = pe + 24 + (112 if struct.unpack_from('<H', d, pe + 24)[0] == 0x20b else 96)
secs = [struct.unpack_from('<8sIIII', d, pe + 24 + optsize + 40 * i) for i in range(nsec)]
def off(rva):
    for _, vs, va, rs, rp in secs:
        if va <= rva < va + max(vs, rs):
            return rva - va + rp
e = off(struct.unpack_from('<I', d, dd)[0])
base, nfun, nnames, fa, na, oa = struct.unpack_from('<IIIIII', d, e + 16)
for i in range(nnames):
    p = off(struct.unpack_from('<I', d, off(na) + 4 * i)[0])
    if d[p:d.index(0, p)].decode() == name:
        struct.pack_into('<H', d, off(oa) + 2 * i, ordinal - base)
open(dst, 'wb').write(d)
EOF2
printf 'int add(int a, int b) { return a + b; }\nint sub(int a, int b) { return a - b; }\n' >fmt/al.c
printf 'LIBRARY al.dll\nEXPORTS\n    add @1\n    bdd = add @2\n    sub @3\n' >fmt/al.def
if x86_64-w64-mingw32-gcc -shared -o fmt/al1.dll fmt/al.c fmt/al.def 2>fmt/al.err &&
   python3 fmt/names.py fmt/al1.dll bdd 1 fmt/al.dll 2>>fmt/al.err; then
	# objdump -p lists the name table: bdd beside add
	"$OBJDUMP" -p fmt/al.dll | sed -n '/^\[Ordinal\/Name Pointer\] Table/,/^$/p' | tr -s ' \t' ' ' >fmt/al.objdump
	printf '%s\n' '1	0	add	' '1	1	bdd	' '2			NONAME' '3	2	sub	' >fmt/al.want
	"$DX" --format tsv fmt/al.dll | awk -F'\t' -v OFS='\t' 'NR > 1 { print $3, $4, $6, $8 }' >fmt/al.tsv
	"$DX" --format json fmt/al.dll | python3 -c '
import json, sys
for e in json.load(sys.stdin)["files"][0]["exports"]:
    print("\t".join("" if v is None else str(v) for v in (e["ordinal"], e["hint"], e["name"], "NONAME" if e["noname"] else "")))' >fmt/al.json
	"$DX" fmt/al.dll | sed -n '9,$p' | awk '{ print $1 "\t" $2 "\t" $NF }' >fmt/al.table
	printf '%s\n' '1	0	add' '1	1	bdd' '2	00001370	[NONAME]' '3	2	sub' >fmt/al.table-want
	sed -i 's/\t00001[0-9A-F]*\t/\t00001370\t/' fmt/al.table
	if ! grep -q '\[ *0\] bdd' fmt/al.objdump || ! grep -q '\[ *0\] add' fmt/al.objdump; then
		fail "several names on one ordinal: patch the DLL" "the patched DLL is not what was meant: $(tr '\n' '|' <fmt/al.objdump)"
	else
		for f in tsv json table; do
			w=fmt/al.want
			[ $f = table ] && w=fmt/al.table-want
			if cmp -s "$w" fmt/al.$f; then
				ok "several names on one ordinal: --format $f lists bdd, as add, at ordinal 1"
			else
				fail "several names on one ordinal: --format $f lists bdd at ordinal 1 (objdump -p: $(grep bdd fmt/al.objdump))" \
					"$(diff "$w" fmt/al.$f | tr '\t\n' ' |')"
			fi
		done
	fi
else
	fail "several names on one ordinal: build the DLL" "$(head -3 fmt/al.err | tr '\n' '|')"
fi

# ------------------------------------------------------------------
# 4. --diff OLD NEW and --check FILE.def BINARY
# ------------------------------------------------------------------
mkdir -p diff
cat >diff/v.c <<'EOF2'
int add(int a, int b) { return a + b; }
int sub(int a, int b) { return a - b; }
int mul(int a, int b) { return a * b; }
int gone(void) { return 1; }
int fresh(void) { return 2; }
int thing_fn(void) { return 3; }
int thing_var = 4;
int hidden(void) { return 5; }
EOF2
base_def() {
	printf '%s\n' 'LIBRARY v.dll' EXPORTS '    add @1' '    sub @2' '    mul @3' '    gone @4' \
		'    thing = thing_fn @5' '    fwd = kernel32.GetTickCount @6' '    hidden @7'
}
# variant NAME SED-SCRIPT: diff/NAME.def and diff/NAME.dll (GNU ld)
variant() {
	base_def | sed "$2" >"diff/$1.def"
	x86_64-w64-mingw32-gcc -shared -o "diff/$1.dll" diff/v.c "diff/$1.def" 2>>diff/build.err
}
diff_ok=1
variant base '' &&
	variant added '$a\    fresh @8' &&
	variant removed '/gone/d' &&
	variant ordinal 's/mul @3/mul @9/' &&
	variant kind 's/thing = thing_fn @5/thing = thing_var @5 DATA/' &&
	variant forward 's/GetTickCount @6/GetTickCount64 @6/' &&
	variant noname-added '$a\    extra = fresh @8 NONAME' &&
	variant to-noname 's/hidden @7/hidden @7 NONAME/' &&
	variant all '/gone/d; s/mul @3/mul @9/; s/thing = thing_fn @5/thing = thing_var @5 DATA/; s/GetTickCount @6/GetTickCount64 @6/; s/hidden @7/hidden @7 NONAME/; $a\    fresh @10\n    extra = fresh @8 NONAME' ||
	diff_ok=
if [ -z "$diff_ok" ]; then
	fail "--diff: build the DLLs" "$(head -3 diff/build.err | tr '\n' '|')"
fi

# want_diff LABEL WANT-LINES-FILE|-(empty) STATUS ARGS...: exact stdout
# (order aside when SORTED=1), nothing on stderr, the exit status
want_diff() {
	local label=$1 want=$2 st=$3; shift 3
	"$DX" "$@" >"$T/diff/out" 2>"$T/diff/err"
	local rc=$?
	if [ "${SORTED:-}" = 1 ]; then sort -o "$T/diff/out" "$T/diff/out"; fi
	if [ $rc -ne "$st" ]; then
		fail "$label" "exit status $rc, not $st: $(head -c 300 "$T/diff/out" "$T/diff/err" | tr '\n' '|')"
	elif ! printf '%s' "$want" | cmp -s - "$T/diff/out"; then
		fail "$label" "want '$(printf '%s' "$want" | tr '\n' '|')', got '$(tr '\n' '|' <"$T/diff/out")'"
	elif [ "$st" -ne 2 ] && [ -s "$T/diff/err" ] && [ "${CHECK:-}" != 1 ]; then
		fail "$label" "stderr: $(head -3 "$T/diff/err" | tr '\n' '|')"
	else
		ok "$label"
	fi
}
if [ -n "$diff_ok" ]; then
	cd diff || exit 1
	for k in dll def; do
		want_diff "--diff base.$k base.$k: no output, exit 0" "" 0 --diff base.$k base.$k
		want_diff "--diff base.$k added.$k: '+ fresh @8', exit 1" "+ fresh @8
" 1 --diff base.$k added.$k
		want_diff "--diff base.$k removed.$k: '- gone @4', exit 1" "- gone @4
" 1 --diff base.$k removed.$k
		want_diff "--diff base.$k kind.$k: a function turned into data, exit 1" "~ thing: code -> data
" 1 --diff base.$k kind.$k
		want_diff "--diff --ignore-kind base.$k kind.$k: nothing, exit 0" "" 0 --diff --ignore-kind base.$k kind.$k
		want_diff "--diff base.$k forward.$k: a changed forward target, exit 1" "~ fwd: forward kernel32.GetTickCount -> kernel32.GetTickCount64
" 1 --diff base.$k forward.$k
		want_diff "--diff base.$k removed.$k, the other way: '+ gone @4'" "+ gone @4
" 1 --diff removed.$k base.$k
	done
	# a moved ordinal: a break where the old .def pinned it; between two
	# DLLs only a note (clients importing by name do not notice), unless
	# --ordinals (see tests/cli/dumpexports_breaks.sh for more)
	want_diff "--diff base.def ordinal.def: ordinal 3 -> 9 (pinned by the old .def), exit 1" "~ mul: ordinal 3 -> 9
" 1 --diff base.def ordinal.def
	want_diff "--diff base.def ordinal.dll: ordinal 3 -> 9 (pinned by the old .def), exit 1" "~ mul: ordinal 3 -> 9
" 1 --diff base.def ordinal.dll
	want_diff "--diff --ordinals base.dll ordinal.dll: ordinal 3 -> 9, exit 1" "~ mul: ordinal 3 -> 9
" 1 --diff --ordinals base.dll ordinal.dll
	CHECK=1 want_diff "--diff base.dll ordinal.dll: no line, exit 0" "" 0 --diff base.dll ordinal.dll
	if [ "$(cat err)" = "dumpexports: note: 1 export moved to other ordinals; clients importing by name do not notice (--ordinals lists them)" ]; then
		ok "--diff base.dll ordinal.dll: the note on stderr"
	else
		fail "--diff base.dll ordinal.dll: the note on stderr" "$(tr '\n' '|' <err)"
	fi
	# a NONAME export added: a DLL does not have its name
	want_diff "--diff base.dll noname-added.dll: '+ ord_8 (@8 NONAME)', exit 1" "+ ord_8 (@8 NONAME)
" 1 --diff base.dll noname-added.dll
	want_diff "--diff base.def noname-added.def: '+ extra (@8 NONAME)', exit 1" "+ extra (@8 NONAME)
" 1 --diff base.def noname-added.def
	# a named export made NONAME, same ordinal: one change, not a removal
	# and an addition (dllkit.h: DK_CHANGE_NONAME, "exported by name in
	# one, by ordinal only in the other")
	for k in def dll; do
		want_diff "--diff base.$k to-noname.$k: '~ hidden: named -> NONAME', exit 1" "~ hidden: named -> NONAME
" 1 --diff base.$k to-noname.$k
	done
	SORTED=1 CHECK=1 want_diff "--diff base.dll all.dll: every change, one line each" "+ fresh @10
+ ord_8 (@8 NONAME)
- gone @4
~ fwd: forward kernel32.GetTickCount -> kernel32.GetTickCount64
~ hidden: named -> NONAME
~ thing: code -> data
" 1 --diff base.dll all.dll
	SORTED=1 want_diff "--diff base.def all.dll: every change, the pinned ordinal too" "+ fresh @10
+ ord_8 (@8 NONAME)
- gone @4
~ fwd: forward kernel32.GetTickCount -> kernel32.GetTickCount64
~ hidden: named -> NONAME
~ mul: ordinal 3 -> 9
~ thing: code -> data
" 1 --diff base.def all.dll
	# --check: the .def a DLL was linked from, against it and others
	want_diff "--check base.def base.dll: exit 0, no output" "" 0 --check base.def base.dll
	want_diff "--check all.def all.dll: exit 0, no output" "" 0 --check all.def all.dll
	CHECK=1 want_diff "--check base.def removed.dll: exit 1, '- gone @4'" "- gone @4
" 1 --check base.def removed.dll
	if [ "$(cat err)" = "dumpexports: removed.dll does not export what base.def says (1 difference)" ]; then
		ok "--check base.def removed.dll: one line on stderr naming both files"
	else
		fail "--check base.def removed.dll: one line on stderr naming both files" "$(tr '\n' '|' <err)"
	fi
	# lld-link from the same .def
	if clang --target=x86_64-pc-windows-msvc -O2 -c -o v.obj v.c 2>>build.err &&
	   "$LLD" -nologo -dll -noentry -nodefaultlib -machine:x64 -def:all.def -out:all-lld.dll v.obj >>build.err 2>&1; then
		want_diff "--check all.def all-lld.dll (lld-link): exit 0" "" 0 --check all.def all-lld.dll
		want_diff "--diff all.dll all-lld.dll (GNU ld and lld-link from one .def): exit 0" "" 0 --diff all.dll all-lld.dll
	else
		fail "--check: lld-link all.dll" "$(tail -3 build.err | tr '\n' '|')"
	fi
	# errors: exit 2, one line naming the file
	printf 'not a def\n' >text.txt
	head -c 500 base.dll >cut.dll
	for t in "missing.dll:cannot open" "text.txt:not a COFF object, archive, PE image or .def file" "cut.dll:" ; do
		f=${t%%:*} why=${t#*:}
		for args in "--diff base.dll $f" "--diff $f base.dll" "--check base.def $f"; do
			"$DX" $args >out 2>err
			rc=$?
			if [ $rc -eq 2 ] && [ ! -s out ] && [ "$(wc -l <err)" -eq 1 ] && grep -q "^$f[:(].*error: .*$why" err; then
				ok "dumpexports $args: exit 2, one error line naming $f"
			else
				fail "dumpexports $args: exit 2, one error line naming $f" "exit $rc: $(head -c 300 out err | tr '\n' '|')"
			fi
		done
	done
	# an import library naming several DLLs: --dll picks one
	MINCORE=/usr/x86_64-w64-mingw32/lib/libmincore.a
	if [ ! -f "$MINCORE" ]; then
		missing "--diff libmincore.a (many DLLs)" "$MINCORE (mingw-w64)"
	else
		"$DX" --diff "$MINCORE" base.dll >out 2>err
		rc=$?
		if [ $rc -eq 2 ] && [ ! -s out ] && [ "$(wc -l <err)" -eq 1 ] && grep -q "^$MINCORE: error: .*--dll" err; then
			ok "--diff libmincore.a (many DLLs) base.dll: exit 2, one line saying --dll picks one"
		else
			fail "--diff libmincore.a (many DLLs) base.dll: exit 2, one line saying --dll picks one" "exit $rc: $(head -c 300 out err | tr '\n' '|')"
		fi
		"$DX" --dll api-ms-win-core-synch-l1-2-0.dll --diff "$MINCORE" "$MINCORE" >out 2>err
		rc=$?
		[ $rc -eq 0 ] && [ ! -s out ] && [ ! -s err ] && ok "--dll NAME --diff libmincore.a libmincore.a: exit 0" ||
			fail "--dll NAME --diff libmincore.a libmincore.a: exit 0" "exit $rc: $(head -c 300 out err | tr '\n' '|')"
	fi
	for args in "--diff base.dll" "--diff a b c" "--check base.def" "--diff --check base.dll base.dll"; do
		"$DX" $args >out 2>err
		rc=$?
		if [ $rc -eq 2 ] && [ ! -s out ] && grep -q '^dumpexports: ' err; then
			ok "dumpexports $args: usage error, exit 2"
		else
			fail "dumpexports $args: usage error, exit 2" "exit $rc: $(head -c 300 out err | tr '\n' '|')"
		fi
	done
	cd "$T" || exit 1
fi

# ------------------------------------------------------------------
# 5. Good and bad files in one run
# ------------------------------------------------------------------
mkdir -p errs
cd errs || exit 1
x86_64-w64-mingw32-gcc -shared -o good.dll ../diff/v.c ../diff/base.def 2>/dev/null
cp ../diff/base.def good.def
head -c 64 good.dll >stub.dll          # the DOS header only
head -c 200 good.dll >pehead.dll       # cut inside the PE headers
head -c 1200 good.dll >nosect.dll      # the export directory's section cut off
cp /bin/true elf.bin
printf 'hello, world\n' >text.txt
: >empty.bin
printf 'LIBRARY x.dll\nEXPORTS\n    a @ x\n' >bad.def
BAD="missing.dll stub.dll pehead.dll nosect.dll elf.bin text.txt empty.bin bad.def"
for f in table tsv json def; do
	"$DX" --format $f good.dll missing.dll stub.dll pehead.dll good.def nosect.dll elf.bin text.txt empty.bin bad.def \
		>out.$f 2>err.$f
	rc=$?
	why=""
	[ $rc -eq 0 ] && why="exit status 0;"
	[ $rc -ge 128 ] && why="crashed ($rc);"
	sanitized err.$f && why="$why sanitizer: $(grep -m2 'ERROR\|runtime error' err.$f);"
	[ "$(wc -l <err.$f)" -eq 8 ] || why="$why $(wc -l <err.$f) lines on stderr, not 8;"
	for b in $BAD; do
		[ "$(grep -c "^$b[:(]" err.$f)" -eq 1 ] || why="$why no single error line for $b;"
	done
	grep -v ': error: ' err.$f | head -2 | grep -q . && why="$why stderr lines that are not errors: $(grep -v ': error: ' err.$f | head -2 | tr '\n' '|');"
	# the good ones are listed in full
	case $f in
	table) n=$(grep -c '^good\.dll: PE image\|^good\.def: module-definition file' out.$f)
	       [ "$n" -eq 2 ] || why="$why the table lists $n of the 2 good files;"
	       [ "$(grep -c '^ *[0-9]\+ .*\(add\|sub\|mul\|gone\|thing\|fwd\|hidden\)' out.$f)" -eq 14 ] || why="$why not every export of both;" ;;
	tsv) n=$(awk -F'\t' 'NR > 1 { print $1 }' out.$f | sort | uniq -c | awk '{ print $2 ":" $1 }' | tr '\n' ' ')
	     [ "$n" = "good.def:7 good.dll:7 " ] || why="$why rows per file: $n;" ;;
	json) python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["files"]
bad = sys.argv[2].split()
got = [(f["path"], len(f["exports"]) if "exports" in f else "error") for f in d]
want = [("good.dll", 7)] + [(b, "error") for b in bad[:3]] + [("good.def", 7)] + [(b, "error") for b in bad[3:]]
sys.exit(0 if got == want else "%s" % got)' out.json "$BAD" 2>jsonerr.txt || why="$why json: $(head -c 300 jsonerr.txt);" ;;
	def) [ "$(grep -c '^LIBRARY "\?v\.dll"\?$' out.$f)" -eq 2 ] || why="$why the .def of both good files: $(grep -c LIBRARY out.$f) LIBRARY lines;" ;;
	esac
	if [ -z "$why" ]; then
		ok "--format $f over 2 good and 8 bad files (missing, DOS stub, cut in the PE headers, cut before the exports, ELF, text, empty, bad .def): one error line each, the good ones listed, exit $rc"
	else
		fail "--format $f over good and bad files" "$why $(head -c 400 err.$f | tr '\n' '|')"
	fi
done
cd "$T" || exit 1
