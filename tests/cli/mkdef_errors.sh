#!/bin/bash
# Bad input is normal input: every malformed file, option or .def line gets
# one clear error line naming where, a non-zero exit, no crash, and no
# output file created or changed.
. "$(dirname "$0")/../lib.sh"
fixtures
cd "$T"
api=$FIX/mingw64/api.o

refuse() { refuse_with "$MKDEF" out.def "$@"; }

head -c 60 "$api" >short.o
s=$(stat -c %s "$api"); head -c $((s - 200)) "$api" >cut.o
printf 'not an object\n' >text.o
: >empty.o
printf 'int f(void) { return 1; }\n' >elf.c && cc -c elf.c -o elf.o
ar rcs elf.a elf.o
x86_64-w64-mingw32-ar rcs good.a "$api" "$FIX/mingw64/plain.o"
s=$(stat -c %s good.a); head -c $((s - 300)) good.a >cut.a
x86_64-w64-mingw32-gcc -shared -o some.dll "$api"

refuse "missing file" '^missing\.o: error: cannot open: No such file' missing.o
refuse "empty file" '^empty\.o: error: empty file, not a COFF object' empty.o
refuse "text file" '^text\.o: error: not a COFF object, archive, PE image or \.def file' text.o
refuse "ELF object" '^elf\.o: error: an ELF file, not a COFF object' elf.o
refuse "archive with an ELF member names the member" '^elf\.a\(elf\.o\): error: not a COFF object' elf.a
refuse "truncated object (header only)" '^short\.o: error: truncated or corrupt COFF object' short.o
refuse "truncated object (tail cut)" '^cut\.o: error: truncated or corrupt COFF object' cut.o
refuse "truncated archive names the member" '^cut\.a\(plain\.o\):0x[0-9a-f]+: error: damaged archive: a member size that runs past the end of the file$' cut.a
refuse "a DLL among objects" '^mkdef: error: some\.dll is a PE image, read on its own; give it alone' some.dll "$api"
refuse "objects for two machines" "api\.o: error: is for i386, but earlier inputs are for x86-64" "$api" "$FIX/mingw32/api.o"
refuse "--recover-stdcall with objects" '^mkdef: error: --recover-stdcall reads the code of one i386 DLL given alone; .*api\.o is not one' --recover-stdcall "$api"
refuse "--recover-stdcall with a DLL and objects" '^mkdef: error: some\.dll is a PE image, read on its own; give it alone' --recover-stdcall some.dll "$api"
refuse "--recover-stdcall on an x86-64 DLL" '^some\.dll: error: --recover-stdcall reads i386 code; this image is for x86-64' --recover-stdcall some.dll
refuse "unknown option" "^mkdef: error: unknown option --frobnicate" --frobnicate "$api"
refuse "option without its argument" "^mkdef: error: option --library needs an argument" "$api" --library
refuse "bad --dialect" '^mkdef: error: --dialect takes gnu or msvc' --dialect borland "$api"
refuse "--library with an empty name" '^mkdef: error: --library takes the DLL.s name \(foo\.dll\), not ""' --library "" "$api"
# --library over a DLL's own name (the name read from the image is freed:
# the ASan run's leak check saw it kept).
if "$MKDEF" --library other.dll some.dll >renamed.def 2>renamed.err && grep -qx 'LIBRARY "other.dll"' renamed.def &&
   [ ! -s renamed.err ]; then
	ok "--library renames a DLL's .def"
else
	fail "--library renames a DLL's .def" "$(head -3 renamed.err renamed.def | tr '\n' '|')"
fi
refuse "no inputs" '^mkdef: error: no input files'
refuse "missing response file" "^mkdef: error: nosuch\.rsp: cannot open response file" @nosuch.rsp
printf '%s "unterminated\n' "$api" >bad.rsp
refuse "unterminated quote in a response file" '^mkdef: error: bad\.rsp: unterminated " quote' @bad.rsp

# Link-time-optimisation objects hold no exports yet: said, not silently empty.
printf '__declspec(dllexport) int lto_fn(void) { return 1; }\n' >lto.c
x86_64-w64-mingw32-gcc -flto -c lto.c -o lto.o
clang --target=x86_64-w64-mingw32 -flto -c lto.c -o bitcode.o
llvm-ar rcs bitcode.a bitcode.o
refuse "GCC -flto object (slim)" '^lto\.o: error: a GCC LTO object without machine code .*-ffat-lto-objects' lto.o
refuse "clang -flto object (LLVM bitcode)" '^bitcode\.o: error: LLVM bitcode \(clang -flto\)' bitcode.o
refuse "LLVM bitcode in an archive names the member" '^bitcode\.a\(bitcode\.o\): error: LLVM bitcode' bitcode.a
x86_64-w64-mingw32-gcc -flto -ffat-lto-objects -c lto.c -o fat.o
"$MKDEF" fat.o 2>/dev/null | grep -q '^    lto_fn$' && ok "GCC fat LTO object: its exports are read" ||
	fail "GCC fat LTO object: its exports are read" "$("$MKDEF" fat.o 2>&1)"

# --merge with a malformed .def: file:line:column.
printf 'LIBRARY x.dll\nEXPORTS\n  add @\n' >bad.def
refuse "malformed --merge .def names line and column" '^bad\.def:3:[0-9]+: error: ' --merge bad.def "$api"
refuse "missing --merge .def" '^nosuch\.def: error: ' --merge nosuch.def "$api"

# Two objects giving one export two ordinals.
printf '#pragma comment(linker, "/EXPORT:shared_fn,@1")\nint shared_fn(void) { return 1; }\n' >o1.c
printf '#pragma comment(linker, "/EXPORT:shared_fn,@2")\nint shared_fn2(void) { return 1; }\n' >o2.c
clang --target=x86_64-pc-windows-msvc -c o1.c -o o1.o && clang --target=x86_64-pc-windows-msvc -c o2.c -o o2.o
refuse "one export, two ordinals: both origins named" 'shared_fn.*ordinal 1 in .*o1\.o but 2 in .*o2\.o' o1.o o2.o
printf '#pragma comment(linker, "/EXPORT:a_fn,@5")\n#pragma comment(linker, "/EXPORT:b_fn,@5")\nint a_fn(void){return 1;}\nint b_fn(void){return 2;}\n' >o3.c
clang --target=x86_64-pc-windows-msvc -c o3.c -o o3.o
refuse "two exports on one ordinal" 'ordinal 5 is given to both "a_fn".*"b_fn"' o3.o

# A malformed directive: error with the member and an offset.
printf ' /EXPORT:"never_closed' >dr.bin
llvm-objcopy --add-section .drectve=dr.bin "$FIX/msvc64/plain.o" baddr.o
refuse "malformed .drectve directive" '^baddr\.o:0x[0-9a-f]+: error: unterminated quote in directive' baddr.o

# An existing output file is left as it was when the run fails.
printf 'keep me\n' >out.def
"$MKDEF" -o out.def missing.o 2>err.txt; rc=$?
if error_ok "failed run leaves the old output untouched" '^missing\.o: error: cannot open' $rc err.txt "$MKDEF"; then
	if [ "$(cat out.def)" = "keep me" ] && ! ls -a | grep -q '^\.dllkit-'; then ok "failed run leaves the old output untouched"
	else fail "failed run leaves the old output untouched" "$(cat out.def)"; fi
fi
# The output folder does not exist: one error, nothing written.
"$MKDEF" -o no/such/dir/out.def "$api" 2>err.txt; rc=$?
error_ok "unwritable output: one error" '^no/such/dir/out\.def: error: ' $rc err.txt "$MKDEF" &&
	ok "unwritable output: one error"

# Damaged objects never crash it: every single-byte change in the headers
# and tables, and a spread of random ones, give success or a clean error.
# A tool that reads nothing crashes on nothing: the intact object must give
# its .def, and the damage must be seen (some of it refused, a machine
# field with either byte set to 0xff at least).
crashes=0 tried=0 refused=0 read=0
size=$(stat -c %s "$api")
mutate() { # mutate OFFSET BYTE
	cp "$api" mut.o
	printf "$(printf '\\%03o' "$2")" | dd of=mut.o bs=1 seek="$1" conv=notrunc status=none
	"$MKDEF" mut.o >mut.out 2>mut.err; local rc=$?
	tried=$((tried + 1))
	if [ -n "$(crash_of $rc mut.err)" ] || [ $rc -ge 2 ] || { [ $rc -ne 0 ] && [ "$(wc -l <mut.err)" -ne 1 ]; } ||
	   { [ $rc -eq 0 ] && ! grep -q '^EXPORTS$' mut.out; }; then
		crashes=$((crashes + 1)); cp mut.o "crash-$1-$2.o"
	elif [ $rc -eq 0 ]; then read=$((read + 1))
	else refused=$((refused + 1)); fi
}
"$MKDEF" "$api" >intact.def 2>intact.err
mutate 0 255; mutate 1 255
machine_refused=$refused
for off in $(seq 0 2 80); do mutate "$off" 255; mutate "$off" 0; done
RANDOM=7
for i in $(seq 1 150); do mutate $((RANDOM % size)) $((RANDOM % 256)); done
if [ "$(def_names intact.def | wc -l)" -ne 8 ]; then
	fail "damaged objects: no crash, at most one error line each" "the intact object does not give its 8 exports: $(head -c 300 intact.err)"
elif [ $crashes -ne 0 ]; then
	fail "damaged objects: no crash, at most one error line each" "$crashes of $tried crashed, said too much or wrote no .def (kept as $T/crash-*.o)"
elif [ $machine_refused -ne 2 ]; then
	fail "damaged objects: no crash, at most one error line each" "an object whose machine field has a byte set to 0xff was read: the damage is not seen"
else
	ok "$tried damaged objects: no crash, at most one error line each ($refused refused, $read read)"
fi
