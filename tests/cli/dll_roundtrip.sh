#!/bin/bash
# DLL -> .def -> import library -> client, on real DLLs and DLLs built here:
#   - `mkdef foo.dll` gives every export its real ordinal (@N), keeps NONAME,
#     marks forwarders `name = dll.func` and data DATA: beside
#     llvm-readobj 22 --coff-exports and the section flags (--sections);
#   - `mkimplib -m M foo.lib foo.def` and `mkimplib direct.lib foo.dll`: a
#     client pointing at every __imp_ symbol of each, linked by lld-link in
#     MSVC mode without a CRT, imports every named export by its name and
#     every NONAME export by its ordinal, from the DLL's own name
#     (llvm-readobj --coff-imports), and nothing else;
#   - both libraries define the symbols a C caller links by (i386: `_f`,
#     `_f@8`, `@f@8`), and for the DLLs built here a C client using
#     __declspec(dllimport) links against both and imports every export;
#   - DLLs built here from objects without .drectve and a .def (GNU ld and
#     lld-link, x86-64 and i686: NONAME, DATA, forwarders by name and by
#     ordinal, an ordinal base above 1, a gap, stdcall and fastcall names,
#     a `_`-prefixed stdcall name, --kill-at): relinked from the .def mkdef
#     writes of them, they export the same ordinals, names and forward
#     targets.
. "$(dirname "$0")/../lib.sh"
LLVM=/usr/lib/llvm-22/bin
RO=$LLVM/llvm-readobj
NM=$LLVM/llvm-nm
MC=$LLVM/llvm-mc
LLD=$LLVM/lld-link
MKIMPLIB=$BIN/mkimplib
cd "$T" || exit 1
export LC_ALL=C

built "DLL round trip" "$MKDEF" "$MKIMPLIB" || exit 0
need "DLL round trip" "$RO" "$NM" "$MC" "$LLD" "$LLVM/llvm-objcopy" clang python3 \
	x86_64-w64-mingw32-gcc x86_64-w64-mingw32-objcopy i686-w64-mingw32-gcc i686-w64-mingw32-objcopy || exit 0
OBJDUMP=objdump
objdump -i 2>/dev/null | grep -q pei-i386 || OBJDUMP=x86_64-w64-mingw32-objdump

# exports DLL: "ORDINAL<TAB>NAME<TAB>FORWARD<TAB>RVA" per non-empty slot,
# as llvm-readobj 22 --coff-exports shows them (NAME empty for NONAME)
exports() {
	"$RO" --coff-exports "$1" | awk '
		/^ *Export \{/ { o = ""; n = ""; r = ""; fw = ""; next }
		/^ *Ordinal: / { o = $2; next }
		/^ *Name: / { n = substr($0, index($0, "Name: ") + 6); next }
		/^ *RVA: / { r = $2; next }
		/^ *ForwardedTo: / { fw = substr($0, index($0, "ForwardedTo: ") + 13); next }
		/^ *\}/ { if (o != "" && (fw != "" || r != "0x0")) print o "\t" n "\t" fw "\t" r; o = "" }'
}
# sections DLL: "VA<TAB>EXTENT<TAB>EXECUTABLE" (hex, hex, 0/1)
sections() {
	"$RO" --sections "$1" | awk '
		/^ *Section \{/ { va = ""; vs = ""; rs = ""; x = 0; next }
		/^ *VirtualSize: / { vs = $2; next }
		/^ *VirtualAddress: / { va = $2; next }
		/^ *RawDataSize: / { rs = sprintf("0x%X", $2); next }
		/IMAGE_SCN_MEM_EXECUTE/ { x = 1; next }
		/^  \}/ { print va "\t" (vs != "0x0" ? vs : rs) "\t" x }'
}

# defcheck.py DEF EXPORTS SECTIONS: what the .def says beside the image;
# prints the differences, then one "counts" line
cat >defcheck.py <<'EOF'
import sys
def words(line):
    out, i = [], 0
    while i < len(line):
        c = line[i]
        if c in ' \t':
            i += 1
        elif c in '"\'':
            j = line.index(c, i + 1)
            out.append(line[i + 1:j]); i = j + 1
        elif c == '=':
            if line[i:i + 2] == '==':
                out.append('=='); i += 2
            else:
                out.append('='); i += 1
        else:
            j = i
            while j < len(line) and line[j] not in ' \t=' and not (line[j] == '@' and j > i and line[j - 1] in ' \t'):
                j += 1
            out.append(line[i:j]); i = j
    return out
defs, in_exports = [], False
for raw in open(sys.argv[1], encoding='utf-8', errors='surrogateescape'):
    line = raw.split(';')[0].rstrip('\n')
    if not line.strip():
        continue
    if not line[0].isspace():
        in_exports = line.split()[0] == 'EXPORTS'
        continue
    if not in_exports:
        continue
    w = words(line)
    e = {'name': w[0], 'ord': None, 'noname': False, 'data': False, 'fwd': None, 'internal': None, 'line': line.strip()}
    k = 1
    if k < len(w) and w[k] == '=':
        t = w[k + 1]; k += 2
        if '.' in t: e['fwd'] = t
        else: e['internal'] = t
    while k < len(w):
        x = w[k]
        if x.startswith('@') and x[1:].isdigit(): e['ord'] = int(x[1:])
        elif x == '@' and k + 1 < len(w): e['ord'] = int(w[k + 1]); k += 1
        elif x == 'NONAME': e['noname'] = True
        elif x == 'DATA': e['data'] = True
        k += 1
    defs.append(e)
secs = [(int(a, 16), int(b, 16), x == '1') for a, b, x in (l.rstrip('\n').split('\t') for l in open(sys.argv[3]))]
def is_code(rva):
    for va, ext, x in secs:
        if va <= rva < va + ext:
            return x
    return False
img = {}
for l in open(sys.argv[2], encoding='utf-8', errors='surrogateescape'):
    o, n, f, r = l.rstrip('\n').split('\t')
    img[int(o)] = (n, f, int(r, 16) if r else 0)
bad = []
seen = set()
nn = nf = nd = 0
for e in defs:
    o = e['ord']
    if o is None:
        bad.append('no @N: ' + e['line']); continue
    if o not in img:
        bad.append('@%d is not in the image: %s' % (o, e['line'])); continue
    if o in seen:
        bad.append('@%d twice' % o)
    seen.add(o)
    n, f, r = img[o]
    if (n == '') != e['noname']:
        bad.append('@%d: NONAME %s, image name "%s": %s' % (o, e['noname'], n, e['line']))
    if n and n != e['name']:
        bad.append('@%d: name %s, image %s' % (o, e['name'], n))
    if (f or None) != e['fwd']:
        bad.append('@%d: forward %s, image %s: %s' % (o, e['fwd'], f or None, e['line']))
    if e['internal']:
        bad.append('@%d: internal name %s' % (o, e['internal']))
    if not f and e['data'] == is_code(r):
        bad.append('@%d: DATA %s, but its section is %sexecutable: %s' % (o, e['data'], '' if is_code(r) else 'not ', e['line']))
    nn += e['noname']; nf += bool(f); nd += e['data']
for o in sorted(set(img) - seen):
    bad.append('@%d (%s) missing' % (o, img[o][0] or 'NONAME'))
for b in bad[:8]:
    print(b)
print('counts %d %d %d %d' % (len(defs), nn, nf, nd))
EOF

# link_imports LIB MACHINE OUT: a no-CRT DLL pointing at every __imp_ symbol
# LIB defines, linked by lld-link in MSVC mode; prints what it imports,
# "DLL NAME" or "DLL #ORDINAL", sorted
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
		/^  Symbol: / { s = $0; sub(/^  Symbol: /, "", s)
			if (s ~ /^ \([0-9]+\)$/) { gsub(/[ ()]/, "", s); print dll " #" s }
			else { sub(/ \([0-9]+\)$/, "", s); print dll " " s } }' | sort
}

# roundtrip LABEL DLL MACHINE: the .def mkdef writes of DLL beside the
# image, and the two import libraries beside a linked client
roundtrip() {
	local label=$1 dll=$2 m=$3 b why="" counts
	b=$T/rt/$(printf '%s' "$label" | tr -c 'A-Za-z0-9_.-' _)
	mkdir -p "$b"
	if [ ! -f "$dll" ]; then
		missing "$label" "$dll"
		return
	fi
	exports "$dll" >"$b/exports"
	sections "$dll" >"$b/sections"
	local name
	name=$("$OBJDUMP" -p "$dll" 2>/dev/null | awk '/^Name / { print $3; exit }')
	if ! "$MKDEF" "$dll" -o "$b/foo.def" 2>"$b/mkdef.err" || [ -s "$b/mkdef.err" ]; then
		fail "$label: mkdef" "$(head -3 "$b/mkdef.err" | tr '\n' '|')"
		return
	fi
	python3 "$T/defcheck.py" "$b/foo.def" "$b/exports" "$b/sections" >"$b/defcheck" 2>&1
	counts=$(sed -n 's/^counts //p' "$b/defcheck")
	set -- $counts
	local n=${1:-0} nn=${2:-0} nf=${3:-0} nd=${4:-0}
	if [ -z "$counts" ] || [ "$(wc -l <"$b/defcheck")" -ne 1 ]; then
		fail "$label: mkdef writes every export's ordinal, NONAME, forward target and DATA" "$(grep -v '^counts' "$b/defcheck" | head -6 | tr '\n' '|')"
	elif [ "$n" -eq 0 ] || [ ! -s "$b/exports" ]; then
		fail "$label: mkdef writes every export's ordinal, NONAME, forward target and DATA" "nothing to compare: $n exports in the .def, $(wc -l <"$b/exports") in llvm-readobj's listing"
	else
		ok "$label: mkdef gives all $n exports their ordinals ($nn NONAME kept, $nf forwarders as name = dll.func, $nd DATA), as llvm-readobj and the section flags say"
	fi
	if ! grep -qx "LIBRARY \"\\?$name\"\\?" "$b/foo.def"; then
		fail "$label: LIBRARY is the DLL's own name ($name)" "$(grep -m1 LIBRARY "$b/foo.def")"
	fi

	# what a client must import: every export, by name or (NONAME) ordinal
	awk -F'\t' -v dll="$name" '{ print dll " " ($2 == "" ? "#" $1 : $2) }' "$b/exports" | sort -u >"$b/want"
	local lib kind
	for kind in def direct; do
		if [ $kind = def ]; then
			# A .def in link.exe's naming says so, and is read so.
			local dialect=
			grep -q '^; i386 names as link.exe' "$b/foo.def" && dialect="--dialect msvc"
			"$MKIMPLIB" -m "$m" $dialect -o "$b/$kind.lib" "$b/foo.def" 2>"$b/$kind.err"
		else
			"$MKIMPLIB" -o "$b/$kind.lib" "$dll" 2>"$b/$kind.err"
		fi
		if [ $? -ne 0 ]; then
			fail "$label: mkimplib ($kind)" "$(head -3 "$b/$kind.err" | tr '\n' '|')"
			continue
		fi
		"$NM" --defined-only -j "$b/$kind.lib" 2>/dev/null | grep '^__imp_' | sort -u >"$b/$kind.syms"
		if ! link_imports "$b/$kind.lib" "$m" "$b/$kind.client" >"$b/$kind.imports"; then
			fail "$label: a client of mkimplib's library ($kind) links" "$(head -c 400 "$b/$kind.client.err" | tr '\n' '|')"
			continue
		fi
		local what="mkimplib -m $m foo.lib foo.def"
		[ $kind = direct ] && what="mkimplib direct.lib $(basename "$dll")"
		if [ ! -s "$b/want" ]; then
			fail "$label: $what: a client imports every export from $name" "no export to import"
		elif cmp -s "$b/want" "$b/$kind.imports"; then
			ok "$label: $what: an lld-link client of every __imp_ symbol imports all $(wc -l <"$b/want") exports ($nn by ordinal) from $name"
		else
			fail "$label: $what: a client imports every export from $name" \
				"$(diff "$b/want" "$b/$kind.imports" | grep '^[<>]' | head -6 | tr '\n' '|') ($(diff "$b/want" "$b/$kind.imports" | grep -c '^[<>]') lines differ)"
		fi
	done
	# the symbols a C caller links by: __imp_ and the name as the compiler
	# decorates it (i386: `_f`, `_f@8`, `@f@8`, `?f@@...`; a NONAME
	# export's ord_N likewise); a `_f@8` export is left out, as it is
	# link.exe's `f` or GNU ld's `_f`, and the DLL does not say which
	awk -F'\t' -v m="$m" '{
		n = $2 == "" ? "ord_" $1 : $2
		if (m == "i386") {
			if (n ~ /^_.*@[0-9]+$/) next
			if (n !~ /^[?@]/) n = "_" n
		}
		print "__imp_" n }' "$b/exports" | sort -u >"$b/c.syms"
	for kind in def direct; do
		[ -f "$b/$kind.syms" ] || continue
		local what="mkimplib -m $m foo.lib foo.def"
		[ $kind = direct ] && what="mkimplib direct.lib $(basename "$dll")"
		comm -23 "$b/c.syms" "$b/$kind.syms" >"$b/$kind.missing"
		if [ ! -s "$b/c.syms" ]; then
			fail "$label: $what defines the symbols C callers link by" "no export, no symbol to look for"
		elif [ -s "$b/$kind.missing" ]; then
			fail "$label: $what defines the symbols C callers link by" \
				"$(wc -l <"$b/$kind.missing") of $(wc -l <"$b/c.syms") missing: $(head -4 "$b/$kind.missing" | tr '\n' ' ')(it has: $(comm -13 "$b/c.syms" "$b/$kind.syms" | head -4 | tr '\n' ' '))"
		else
			ok "$label: $what defines the $(wc -l <"$b/c.syms") symbols C callers link by"
		fi
	done
}

# ------------------------------------------------------------------
# Real DLLs
# ------------------------------------------------------------------
GCC64=$(ls -d /usr/lib/gcc/x86_64-w64-mingw32/*-win32 2>/dev/null | sort -V | tail -1)
GCC32=$(ls -d /usr/lib/gcc/i686-w64-mingw32/*-win32 2>/dev/null | sort -V | tail -1)
W64=/usr/lib/x86_64-linux-gnu/wine/x86_64-windows
W32=${DLLKIT_WINE32:-/var/cache/dllkit/wine32}/usr/lib/i386-linux-gnu/wine/i386-windows
roundtrip "libstdc++-6.dll (x86-64)" "$GCC64/libstdc++-6.dll" x86-64
roundtrip "libgcc_s_seh-1.dll" "$GCC64/libgcc_s_seh-1.dll" x86-64
roundtrip "zlib1.dll (x86-64)" /usr/x86_64-w64-mingw32/lib/zlib1.dll x86-64
roundtrip "Wine shlwapi.dll (x86-64: NONAME, forwarders)" "$W64/shlwapi.dll" x86-64
roundtrip "Wine kernel32.dll (x86-64: forwarders)" "$W64/kernel32.dll" x86-64
roundtrip "Wine msvcp120_app.dll (x86-64: MSVC C++ names forwarded)" "$W64/msvcp120_app.dll" x86-64
roundtrip "Wine msvcrt.dll (x86-64: data)" "$W64/msvcrt.dll" x86-64
roundtrip "libstdc++-6.dll (i686)" "$GCC32/libstdc++-6.dll" i386
roundtrip "libgcc_s_dw2-1.dll" "$GCC32/libgcc_s_dw2-1.dll" i386
roundtrip "zlib1.dll (i686)" /usr/i686-w64-mingw32/lib/zlib1.dll i386
if [ -f "$W32/kernel32.dll" ]; then
	roundtrip "Wine kernel32.dll (i386: NONAME, forwarders)" "$W32/kernel32.dll" i386
	roundtrip "Wine shlwapi.dll (i386)" "$W32/shlwapi.dll" i386
	roundtrip "Wine mapi32.dll (i386: f and f@N side by side)" "$W32/mapi32.dll" i386
	roundtrip "Wine msvcrt.dll (i386: _names, data, MSVC C++)" "$W32/msvcrt.dll" i386
else
	missing "Wine i386 DLLs" "$W32/*.dll (make deps unpacks them with tests/interop/lib/setup-wine32.sh)"
fi

# ------------------------------------------------------------------
# DLLs built here, and relinked from the .def mkdef writes of them
# ------------------------------------------------------------------
mkdir -p built
cd built || exit 1
# No __declspec(dllexport): the objects have no .drectve, the .def alone
# says what is exported.  An image keeps no name for a NONAME export, so
# mkdef calls it ord_N: the function has that name here, for the relink.
cat >rt.c <<'EOF2'
int add(int a, int b) { return a + b; }
int sub(int a, int b) { return a - b; }
int mul(int a, int b) { return a * b; }
int ord_6(void) { return 6; }
int counter = 5;
const int konst = 7;
#ifdef __i386__
int __stdcall sfunc(int a, int b) { return a - b; }
int __fastcall ffunc(int a, int b) { return a * b; }
int __stdcall _under(int a) { return a; }
#endif
EOF2
# Ordinals from 3 (the base), 9 left empty, NONAME, DATA, a forwarder.
cat >gnu64.def <<'EOF2'
LIBRARY rt.dll
EXPORTS
    add @3
    sub @4
    counter @5 DATA
    ord_6 @6 NONAME
    konst @7 DATA
    fwd = kernel32.GetTickCount @8
    mul @10
EOF2
# i386: stdcall and fastcall, in each linker's naming
{ cat gnu64.def; printf '    sfunc@8 @12\n    @ffunc@8 @13\n'; } >gnu32.def
{ cat gnu64.def; printf '    _sfunc@8 @12\n    @ffunc@8 @13\n'; } >msvc32.def
# GNU ld exports the stdcall _under as _under@4: a name link.exe's
# naming would also give, which must not make the others link.exe's
{ cat gnu32.def; printf '    _under@4 @14\n'; } >gnu32u.def
# A forwarder to an ordinal (GNU ld reads "other.#3" only quoted)
{ cat gnu64.def; printf '    fwd2 = "other.#3" @11\n'; } >ordfwd.def

# A C client of every export, as a compiler calls them (__declspec(dllimport))
cat >client.c <<'EOF2'
__declspec(dllimport) int add(int, int);
__declspec(dllimport) int sub(int, int);
__declspec(dllimport) int mul(int, int);
__declspec(dllimport) int ord_6(void);
__declspec(dllimport) int fwd(void);
__declspec(dllimport) extern int counter;
__declspec(dllimport) extern const int konst;
#ifdef ORDFWD
__declspec(dllimport) int fwd2(void);
#endif
#ifdef UNDER
__declspec(dllimport) int __stdcall _under(int);
#endif
#ifdef __i386__
__declspec(dllimport) int __stdcall sfunc(int, int);
__declspec(dllimport) int __fastcall ffunc(int, int);
#endif
int use(void)
{
	int r = add(1, 2) + sub(3, 4) + mul(5, 6) + ord_6() + fwd() + counter + konst;
#ifdef ORDFWD
	r += fwd2();
#endif
#ifdef UNDER
	r += _under(1);
#endif
#ifdef __i386__
	r += sfunc(1, 2) + ffunc(3, 4);
#endif
	return r;
}
EOF2

# strip_drectve OBJCOPY OBJ: OBJ without its .drectve section (rt.c has no
# dllexport, so there is none: a belt to the braces, but one that must hold).
strip_drectve() { "$1" -R .drectve "$2" 2>>strip.err; }
# link CONFIG DEF OUT: the DLL, by the linker CONFIG names
link() {
	case $1 in
	gnu-x86_64*) x86_64-w64-mingw32-gcc -shared -o "$3" rt64.o "$2" ;;
	gnu-i686 | gnu-i686-under) i686-w64-mingw32-gcc -shared -o "$3" rt32.o "$2" ;;
	gnu-i686-kill-at) i686-w64-mingw32-gcc -shared -o "$3" rt32.o "$2" -Wl,--kill-at ;;
	lld-x64*) "$LLD" -nologo -dll -noentry -nodefaultlib -machine:x64 -def:"$2" -out:"$3" rt64.obj ;;
	lld-x86) "$LLD" -nologo -dll -noentry -nodefaultlib -machine:x86 -safeseh:no -def:"$2" -out:"$3" rt32.obj ;;
	esac
}
if ! { x86_64-w64-mingw32-gcc -O2 -c -o rt64.o rt.c && i686-w64-mingw32-gcc -O2 -c -o rt32.o rt.c &&
	clang --target=x86_64-pc-windows-msvc -O2 -c -o rt64.obj rt.c &&
	clang --target=i686-pc-windows-msvc -O2 -c -o rt32.obj rt.c; } 2>cc.err; then
	fail "DLLs built here: compile rt.c" "$(head -3 cc.err | tr '\n' '|')"
else
	strip_drectve x86_64-w64-mingw32-objcopy rt64.o &&
		strip_drectve i686-w64-mingw32-objcopy rt32.o &&
		strip_drectve "$LLVM/llvm-objcopy" rt64.obj &&
		strip_drectve "$LLVM/llvm-objcopy" rt32.obj ||
		fail "DLLs built here: strip .drectve from rt.c's objects" "$(head -3 strip.err | tr '\n' '|')"
	for c in "gnu-x86_64 gnu64.def x86-64" "gnu-i686 gnu32.def i386" "gnu-i686-kill-at gnu32.def i386" \
		"gnu-i686-under gnu32u.def i386" \
		"lld-x64 gnu64.def x86-64" "lld-x86 msvc32.def i386" \
		"gnu-x86_64-ordfwd ordfwd.def x86-64" "lld-x64-ordfwd ordfwd.def x86-64"; do
		set -- $c
		cfg=$1 def=$2 m=$3
		mkdir -p "$cfg"
		if ! link "$cfg" "$def" "$cfg/rt.dll" >"$cfg/link.log" 2>&1; then
			fail "$cfg: rt.dll from $def" "$(head -3 "$cfg/link.log" | tr '\n' '|')"
			continue
		fi
		roundtrip "$cfg rt.dll (built here from $def)" "$T/built/$cfg/rt.dll" "$m"
		b=$T/rt/$(printf '%s' "$cfg rt.dll (built here from $def)" | tr -c 'A-Za-z0-9_.-' _)
		[ -f "$b/foo.def" ] || continue
		# a C client, by clang for MSVC (whose __imp_ symbols are MinGW
		# gcc's too); not for --kill-at, whose DLL names sfunc without the
		# @8 a caller's symbol has
		if [ "$cfg" != gnu-i686-kill-at ]; then
			tgt=x86_64-pc-windows-msvc lm=x64
			[ "$m" = i386 ] && tgt=i686-pc-windows-msvc lm=x86
			cdefs=
			case $cfg in *ordfwd) cdefs=-DORDFWD ;; *under) cdefs=-DUNDER ;; esac
			clang --target=$tgt $cdefs -O2 -c -o "$cfg/client.obj" client.c 2>"$cfg/client.err"
			for kind in def direct; do
				if "$LLD" -nologo -dll -noentry -nodefaultlib -safeseh:no -machine:$lm -out:"$cfg/client-$kind.dll" \
					"$cfg/client.obj" "$b/$kind.lib" >>"$cfg/client.err" 2>&1; then
					"$RO" --coff-imports "$cfg/client-$kind.dll" | awk '
						/^  Name: / { dll = $2 }
						/^  Symbol: / { s = $0; sub(/^  Symbol: /, "", s)
							if (s ~ /^ \([0-9]+\)$/) { gsub(/[ ()]/, "", s); print dll " #" s }
							else { sub(/ \([0-9]+\)$/, "", s); print dll " " s } }' | sort >"$cfg/client-$kind.imports"
					if cmp -s "$b/want" "$cfg/client-$kind.imports"; then
						ok "$cfg: a C client (clang, __declspec(dllimport)) links against the library from $([ $kind = def ] && echo "mkdef's .def" || echo "the DLL") and imports all $(wc -l <"$b/want") exports"
					else
						fail "$cfg: a C client imports every export through the library from $kind" "$(diff "$b/want" "$cfg/client-$kind.imports" | tr '\n' '|')"
					fi
				else
					fail "$cfg: a C client (clang, __declspec(dllimport)) links against the library from $([ $kind = def ] && echo "mkdef's .def" || echo "the DLL")" \
						"$(grep -v '^$' "$cfg/client.err" | head -3 | tr '\n' '|')"
				fi
			done
		fi
		# relink from mkdef's .def, by the same linker
		if ! link "$cfg" "$b/foo.def" "$cfg/new.dll" >"$cfg/relink.log" 2>&1; then
			fail "$cfg: relinked from mkdef's .def" "$(grep -v 'warning\|stdcall-fixup' "$cfg/relink.log" | head -3 | tr '\n' '|') (the .def: $(grep -m2 '#\|=' "$b/foo.def" | tr '\n' '|'))"
			continue
		fi
		exports "$cfg/rt.dll" | cut -f1-3 >"$cfg/old.exports"
		exports "$cfg/new.dll" | cut -f1-3 >"$cfg/new.exports"
		if [ ! -s "$cfg/old.exports" ]; then
			fail "$cfg: the DLL relinked from mkdef's .def exports the same ordinals, names and forward targets" "llvm-readobj lists no export of $cfg/rt.dll"
		elif cmp -s "$cfg/old.exports" "$cfg/new.exports"; then
			ok "$cfg: the DLL relinked from mkdef's .def exports the same $(wc -l <"$cfg/old.exports") ordinals, names and forward targets (llvm-readobj)"
		else
			fail "$cfg: the DLL relinked from mkdef's .def exports the same ordinals, names and forward targets" \
				"$(diff "$cfg/old.exports" "$cfg/new.exports" | tr '\t\n' ' |')"
		fi
	done
fi
cd "$T" || exit 1
