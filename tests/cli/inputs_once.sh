#!/bin/bash
# Nothing lost without a word, on the input side: every input is read once
# (pipes, FIFOs), a directory is called one, damaged archives and objects
# are refused in dllkit's words (libbfd's never reach stderr raw), an
# archive that bundles an import library with a DLL's objects gives the
# objects' exports, and an input that exports nothing is said to.
. "$(dirname "$0")/../lib.sh"
fixtures
cd "$T"
MKIMPLIB=$BIN/mkimplib
DUMP=$BIN/dumpexports
api=$FIX/mingw64/api.o
LLVM_AR=llvm-ar
# A sanitized build cannot run under `ulimit -v`.
sanitized=0
ldd "$MKDEF" 2>/dev/null | grep -q -e libasan -e libubsan && sanitized=1

"$MKDEF" -o api.def "$api"
def_names api.def >api.names
[ "$(wc -l <api.names)" -eq 8 ] || fail "fixture: api.def" "$(cat api.def)"

# ok_if NAME COND... ; the reason is the last command's stderr
check() {
	local name=$1; shift
	if "$@"; then ok "$name"; else fail "$name" "$(head -c 400 err.txt 2>/dev/null | tr '\n' '|')"; fi
}

# ---- 1. every input is read once ---------------------------------------

"$MKIMPLIB" -m x86-64 -D x.dll -o file.lib api.def
"$MKIMPLIB" -m x86-64 -D x.dll -o pipe.lib <(cat api.def) 2>err.txt
check "a .def through a pipe: mkimplib imports every export (the same bytes as from the file)" \
	same_bytes file.lib pipe.lib

# (and, so that a tool that reads nothing does not pass, against the file
# less its "add": that one difference, exit 1)
grep -vx '    add' api.def >less.def
"$DUMP" --diff <(cat api.def) less.def >diff-less.txt 2>err.txt; rc_less=$?
"$DUMP" --diff <(cat api.def) api.def >diff.txt 2>>err.txt; rc=$?
check "--diff of a pipe and the file it copies: no difference, exit 0" \
	eval '[ $rc -eq 0 ] && [ ! -s diff.txt ] && [ $rc_less -eq 1 ] && [ "$(cat diff-less.txt)" = "- add" ]'
"$DUMP" --check <(cat less.def) file.lib >diff-less.txt 2>err.txt; rc_less=$?
"$DUMP" --check <(cat api.def) file.lib >diff.txt 2>>err.txt; rc=$?
check "--check of a .def through a pipe against its library: exit 0" \
	eval '[ $rc -eq 0 ] && [ $rc_less -eq 1 ] && grep -qx "+ add" diff-less.txt'

"$MKDEF" <(cat "$api") >pipe.def 2>err.txt
"$MKDEF" "$api" >file.def
check "an object through a pipe gives the object's .def" same_bytes file.def pipe.def

x86_64-w64-mingw32-gcc -shared -o api.dll "$api"
"$DUMP" api.dll >dll.txt
"$DUMP" <(cat api.dll) 2>err.txt | sed 1d >pipe.txt
sed 1d dll.txt >file.txt
check "a DLL through a pipe lists what the file lists" same_bytes file.txt pipe.txt
"$DUMP" <(cat file.lib) 2>err.txt | sed 1d >pipe.txt
"$DUMP" file.lib | sed 1d >file.txt
check "an import library through a pipe lists what the file lists" \
	eval '[ -s file.txt ] && cmp -s file.txt pipe.txt'

# A named FIFO: opened once, so the writer is not left behind and the
# reader does not wait for a second writer.
fifo() { # NAME EXPECT-FILE SOURCE TOOL ARGS...  (the FIFO is the last argument)
	local name=$1 want=$2 src=$3; shift 3
	rm -f ff; mkfifo ff
	cat "$src" >ff 2>/dev/null &
	local writer=$!
	timeout 20 "$@" ff >got.txt 2>err.txt; local rc=$?
	kill "$writer" 2>/dev/null; wait "$writer" 2>/dev/null
	if [ $rc -eq 124 ]; then fail "$name" "still waiting after 20 s"
	elif [ $rc -ne 0 ]; then fail "$name" "exit $rc: $(head -c 300 err.txt)"
	elif [ ! -s "$want" ] || [ ! -s got.txt ]; then fail "$name" "nothing to compare: $(empty_of "$want" got.txt)"
	elif ! cmp -s "$want" got.txt; then fail "$name" "$(diff "$want" got.txt | head -5 | tr '\n' '|')"
	else ok "$name"; fi
}
"$MKDEF" "$api" >want.def
fifo "mkdef reads an object from a named FIFO" want.def "$api" "$MKDEF"
"$DUMP" api.def | sed 's/^api\.def:/ff:/' >want.txt
fifo "dumpexports reads a .def from a named FIFO" want.txt api.def "$DUMP"
"$DUMP" file.lib | sed 's/^file\.lib:/ff:/' >want.txt
fifo "dumpexports reads an import library from a named FIFO" want.txt file.lib "$DUMP"

# A directory is called one, wherever it is given.
mkdir -p dir
refuse_with "$MKDEF" out.def "mkdef: a directory is called a directory" '^dir: error: is a directory$' dir
refuse_with "$MKIMPLIB" out.lib "mkimplib: a directory is called a directory" '^dir: error: is a directory$' -m x86-64 dir
"$DUMP" dir >/dev/null 2>err.txt; rc=$?
check "dumpexports: a directory is called a directory (exit 2)" \
	eval '[ $rc -eq 2 ] && grep -qx "dir: error: is a directory" err.txt'
refuse_with "$MKDEF" out.def "@dir (a response file that is a directory) is an error" \
	'^mkdef: error: dir: response file is a directory$' @dir "$api"
refuse_with "$MKDEF" out.def "--merge of a directory is an error" '^dir: error: is a directory$' \
	--merge dir "$api"

# --merge /dev/zero: reading stops at the size limit, or at the first
# allocation that fails, with one line; never reads on for ever.
timeout 120 "$MKDEF" -o out.def --merge /dev/zero "$api" >/dev/null 2>err.txt; rc=$?
check "--merge /dev/zero ends with an error at the size limit" \
	eval '[ $rc -eq 1 ] && [ "$(wc -l <err.txt)" -eq 1 ] && grep -q "^/dev/zero: error: more than 1024 MiB" err.txt && [ ! -e out.def ]'
if [ $sanitized = 1 ]; then
	skip "--merge /dev/zero under a memory limit" "a sanitized build cannot run under ulimit -v"
else
	(ulimit -v 300000; timeout 120 "$MKDEF" -o out.def --merge /dev/zero "$api") >/dev/null 2>err.txt; rc=$?
	check "--merge /dev/zero under a memory limit stops at the allocation that fails" \
		eval '[ $rc -eq 1 ] && grep -q "^/dev/zero: error: out of memory after reading [0-9]* bytes$" err.txt'
fi

# ---- 2. damaged archives are refused, in arread's words ----------------

cp "$FIX/msvc64/api.o" mapi.o
cp "$FIX/msvc64/cls.o" mcls.o
llvm-lib -out:ms.lib mapi.o mcls.o
# Member offsets: "offset name size" per member, the index members too.
members() {
	python3 - "$1" <<'PY'
import sys
b = open(sys.argv[1], 'rb').read()
pos = 8
while pos + 60 <= len(b):
    size = int(b[pos + 48:pos + 58])
    name = b[pos:pos + 16].decode('latin-1').rstrip()
    print(pos, name if name in ('/', '//') else name.rstrip('/'), size)
    pos += 60 + size
    pos += pos & 1
PY
}
members ms.lib >ms.members
first=$(awk '$2 != "/" && $2 != "//" { print $1; exit }' ms.members)
second=$(awk '$2 == "mcls.o" { print $1 }' ms.members)
[ -n "$second" ] && [ -n "$first" ] || fail "fixture: ms.lib members" "$(tr '\n' '|' <ms.members)"
head -c "$first" ms.lib >cut-index.lib      # the symbol index, no member
head -c "$second" ms.lib >cut-boundary.lib  # one member whole, the next gone
head -c 1000 ms.lib >cut-1000.lib
for f in cut-index cut-boundary cut-1000; do
	refuse_with "$MKDEF" out.def "mkdef: an llvm-lib archive cut short ($f) is refused" \
		"^$f\\.lib(\\([^)]*\\))?:0x[0-9a-f]+: error: damaged archive: " $f.lib
	"$DUMP" $f.lib >/dev/null 2>err.txt; rc=$?
	check "dumpexports: an llvm-lib archive cut short ($f) is refused" \
		eval '[ $rc -eq 2 ] && grep -q "damaged archive" err.txt'
done
python3 - ms.lib "$second" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read()); at = int(sys.argv[2])
size = int(b[at + 48:at + 58])
b[at + 48:at + 58] = b'%-10d' % (size + 100)
open('bigsize.lib', 'wb').write(b)
PY
refuse_with "$MKDEF" out.def "a member whose size runs past the end is refused, naming it" \
	'^bigsize\.lib\([^)]*mcls\.o\):0x[0-9a-f]+: error: damaged archive: a member size that runs past the end of the file$' bigsize.lib

# GNU ar's kind, cut between two members: only its symbol index tells.
x86_64-w64-mingw32-ar rcs gnu.a "$api" "$FIX/mingw64/cls.o"
at=$(members gnu.a | awk '$2 == "cls.o" { print $1 }')
head -c "$at" gnu.a >gnucut.a
refuse_with "$MKDEF" out.def "a GNU archive cut between two members is refused" \
	'^gnucut\.a:0x[0-9a-f]+: error: damaged archive: a symbol index that points past the end of the file' gnucut.a

# An import library cut between two members: not "5 imports", exit 0.
at=$(members file.lib | awk 'NR == 10 { print $1 }')
head -c "$at" file.lib >impcut.lib
"$DUMP" impcut.lib >/dev/null 2>err.txt; rc=$?
check "dumpexports: an import library cut between two members is refused" \
	eval '[ $rc -eq 2 ] && grep -q "^impcut\.lib:0x[0-9a-f]*: error: damaged archive: a symbol index that points past the end" err.txt'
refuse_with "$MKIMPLIB" out.lib "mkimplib: an import library cut between two members is refused" \
	'^impcut\.lib:0x[0-9a-f]+: error: damaged archive: ' impcut.lib

# ---- 3. sections are checked against the file before anything is allocated

patch_section() { # IN OUT SECTION SIZE PTR|keep [FLAGS]
	python3 - "$@" <<'PY'
import struct, sys
src, dst, name, size, ptr = sys.argv[1:6]
flags = sys.argv[6] if len(sys.argv) > 6 else None
b = bytearray(open(src, 'rb').read())
nsec = struct.unpack_from('<H', b, 2)[0]; opt = struct.unpack_from('<H', b, 16)[0]
for i in range(nsec):
    h = 20 + opt + 40 * i
    if b[h:h + 8].rstrip(b'\0') == name.encode():
        if size != 'keep': struct.pack_into('<I', b, h + 16, int(size, 0))
        if ptr != 'keep': struct.pack_into('<I', b, h + 20, int(ptr, 0))
        if flags: struct.pack_into('<I', b, h + 36, struct.unpack_from('<I', b, h + 36)[0] | int(flags, 0))
        break
else:
    sys.exit('no section ' + name)
open(dst, 'wb').write(b)
PY
}
patch_section "$api" big.o .drectve 0x80000000 0
for opt in "" --export-all; do
	start=$(date +%s%N)
	r=$(refuse_with "$MKDEF" out.def "a .drectve header claiming 2 GiB with no data is refused ${opt:-(directives)}" \
		'^big\.o: error: truncated or corrupt COFF object: section [0-9]+ \(\.drectve\) claims 2147483648 bytes but has no data in the file$' $opt big.o)
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	echo "$r"
	# (how fast it was refused means something once it was)
	case $r in
	ok*) [ $ms -lt 3000 ] && ok "... and at once, nothing allocated for it ($ms ms)" ||
		fail "... and at once, nothing allocated for it" "$ms ms" ;;
	esac
done
patch_section "$api" nodata.o .data 0x100 0
refuse_with "$MKDEF" out.def "a data section claiming bytes it does not have is refused" \
	'^nodata\.o: error: truncated or corrupt COFF object: section [0-9]+ \(\.data\) claims 256 bytes of data but has none in the file$' nodata.o

# ---- 4. libbfd's words never reach stderr raw -------------------------

# only_ours FILE: every stderr line is dllkit's, naming the file.
only_ours() { ! grep -v -e "^$1" -e '^mkdef: ' err.txt | grep -q .; }
# Flags libbfd 2.40 prints about while it probes the format (past any
# error handler): refused before it sees them.
patch_section "$api" notpaged.o .text keep keep 0x08000000
patch_section "$api" lnkother.o .text keep keep 0x100
for f in notpaged lnkother; do
	"$MKDEF" $f.o >/dev/null 2>err.txt; rc=$?
	check "$f.o: refused in dllkit's words, no libbfd text" \
		eval '[ $rc -eq 1 ] && only_ours $f.o && grep -q "^$f\.o: error: truncated or corrupt COFF object: section [0-9]* (\.text) has the flag" err.txt'
done
# A COMDAT section whose section symbol has another name (libbfd: "warning:
# COMDAT symbol ... does not match section name").
python3 - "$FIX/msvc64/cls.o" comdat.o <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
nsec = struct.unpack_from('<H', b, 2)[0]
symptr, nsyms = struct.unpack_from('<II', b, 8)
for i in range(nsec):
    h = 20 + 40 * i
    if struct.unpack_from('<I', b, h + 36)[0] & 0x1000 and b[h] != ord('/'):
        k = 0
        while k < nsyms:
            r = symptr + 18 * k
            if struct.unpack_from('<h', b, r + 12)[0] == i + 1:
                b[r + 1] ^= 0x20          # '.rdata' -> '.Rdata'
                break
            k += 1 + b[r + 17]
        break
open(sys.argv[2], 'wb').write(b)
PY
"$MKDEF" comdat.o >/dev/null 2>err.txt; rc=$?
check "a COMDAT section symbol of another name: refused in dllkit's words, no libbfd text" \
	eval '[ $rc -eq 1 ] && only_ours comdat.o && grep -q "^comdat\.o: error: truncated or corrupt COFF object: COMDAT section" err.txt'
# What libbfd says after it has taken the file reaches dllkit's sink: a
# symbol of a storage class libbfd does not know fails the input.
python3 - "$api" class.o <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
symptr, nsyms = struct.unpack_from('<II', b, 8)
strtab = symptr + 18 * nsyms
k = 0
while k < nsyms:
    r = symptr + 18 * k
    name = b[r:r + 8].rstrip(b'\0') if b[r:r + 4] != b'\0\0\0\0' else \
        b[strtab + struct.unpack_from('<I', b, r + 4)[0]:].split(b'\0')[0]
    if name == b'cfunc':
        b[r + 16] = 181
        break
    k += 1 + b[r + 17]
open(sys.argv[2], 'wb').write(b)
PY
"$MKDEF" --export-all class.o >/dev/null 2>err.txt; rc=$?
check "a symbol libbfd cannot read fails the input, its message in dllkit's sink" \
	eval '[ $rc -eq 1 ] && only_ours class.o && grep -q "^class\.o: error: libbfd: unrecognized storage class 181" err.txt'

# ---- 5. an archive that bundles an import library with the DLL's objects

x86_64-w64-mingw32-dlltool -d <(printf 'LIBRARY other.dll\nEXPORTS\n    other_fn\n    other_data DATA\n') \
	-l other.a 2>/dev/null
"$LLVM_AR" qcsL mixed.a "$api" other.a
"$MKDEF" mixed.a >mixed.def 2>err.txt; rc=$?
def_names mixed.def >mixed.names
check "mixed archive (GNU import members): the objects' exports, not the imports" \
	eval '[ $rc -eq 0 ] && same_bytes api.names mixed.names'
"$MKDEF" --export-all mixed.a >mixed-all.def 2>err.txt
def_names mixed-all.def >mixed-all.names
check "mixed archive with --export-all: the objects' symbols, no import symbol" \
	eval 'grep -qx add mixed-all.names && grep -qx internal_only mixed-all.names && ! grep -q -e other -e __imp_ -e _head_ -e _iname mixed-all.names'
"$DUMP" mixed.a >mixed.txt 2>err.txt
check "dumpexports: a mixed archive is the objects' exports" grep -q 'objects, x86-64, 8 exports' mixed.txt
"$MKIMPLIB" -m x86-64 -D other.dll -o short-other.lib <(printf 'EXPORTS\n    other_fn\n    other_data DATA\n')
"$LLVM_AR" qcsL mixed-short.lib "$FIX/msvc64/api.o" short-other.lib
"$MKDEF" "$FIX/msvc64/api.o" >want.def
"$MKDEF" mixed-short.lib >got.def 2>err.txt
check "mixed archive (short import members): the objects' exports, not the imports" same_bytes want.def got.def
# An archive of import members and objects that export nothing (the
# mingw-w64 sysroot's libmsvcrt.a) stays an import library.
"$LLVM_AR" qcsL implib-plus.a other.a "$FIX/mingw64/plain.o"
"$MKDEF" implib-plus.a >plus.def 2>err.txt
check "import members beside objects without exports: still an import library" \
	eval 'def_names plus.def | tr "\n" " " | grep -qx "other_data other_fn "'

# ---- 6. nothing exported is said --------------------------------------

"$MKDEF" -o plain.def "$FIX/mingw64/plain.o" 2>err.txt; rc=$?
check "objects without dllexport: a warning naming them and --export-all, exit 0" \
	eval '[ $rc -eq 0 ] && grep -qx EXPORTS plain.def && [ "$(wc -l <err.txt)" -eq 1 ] && grep -q "^mkdef: warning: nothing exported: .*plain\.o has no __declspec(dllexport) directive; --export-all exports" err.txt'
refuse_with "$MKIMPLIB" out.lib "mkimplib: objects without dllexport write no library" \
	'^mkimplib: error: nothing to import: .*plain\.o has no __declspec\(dllexport\) directive' -D p.dll "$FIX/mingw64/plain.o"
printf 'LIBRARY empty.dll\nEXPORTS\n' >empty.def
refuse_with "$MKIMPLIB" out.lib "mkimplib: a .def that exports nothing writes no library" \
	'^empty\.def: error: exports nothing: the import library would import nothing; none written$' -m x86-64 empty.def
printf 'int main(void) { return 0; }\n' >main.c
x86_64-w64-mingw32-gcc -o main.exe main.c
"$MKDEF" main.exe >exe.def 2>err.txt; rc=$?
check "an EXE without exports: mkdef warns, exit 0" \
	eval '[ $rc -eq 0 ] && grep -qx EXPORTS exe.def && grep -qx "main\.exe: warning: exports nothing: the \.def lists no export" err.txt'
refuse_with "$MKIMPLIB" out.lib "mkimplib: an EXE without exports writes no library" \
	'^main\.exe: error: exports nothing' main.exe
