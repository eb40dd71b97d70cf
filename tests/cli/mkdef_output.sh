#!/bin/bash
# How mkdef writes: the LIBRARY name, stdout, atomic write-if-changed
# output, depfiles, @file response files, archives of both kinds,
# --merge keeping ordinals stable, --kill-at and --add-stdcall-alias
# proven with the linkers.
. "$(dirname "$0")/../lib.sh"
fixtures
cd "$T"
api=$FIX/mingw64/api.o

# LIBRARY from the output name; --library overrides; none on stdout.
"$MKDEF" -o libfoo.def "$api"
[ "$(head -1 libfoo.def)" = 'LIBRARY "libfoo.dll"' ] || [ "$(head -1 libfoo.def)" = 'LIBRARY libfoo.dll' ] &&
	ok "LIBRARY named after the output file" || fail "LIBRARY named after the output file" "$(head -1 libfoo.def)"
"$MKDEF" --library bar.dll -o libfoo.def "$api"
grep -q '^LIBRARY "*bar.dll"*$' libfoo.def && ok "--library names it" || fail "--library names it" "$(head -1 libfoo.def)"
# (The .def on stdout must be there for its missing LIBRARY to mean anything.)
"$MKDEF" "$api" >stdout.def 2>stdout.err; rc=$?
if [ $rc -ne 0 ] || ! grep -q '^EXPORTS$' stdout.def || ! grep -qx '    add' stdout.def; then
	fail "no LIBRARY on stdout without --library" "exit $rc, no .def with add on stdout: $(head -c 300 stdout.err)"
elif grep -q '^LIBRARY' stdout.def; then fail "no LIBRARY on stdout without --library" "$(head -1 stdout.def)"
else ok "no LIBRARY on stdout without --library"; fi
"$MKDEF" -o - "$api" >dash.def
same "-o - is standard output" stdout.def dash.def

# Write-if-changed: a second identical run leaves the file (and its time) alone.
"$MKDEF" -o same.def "$api"
touch -d '2001-01-01 00:00:00' same.def
ino=$(stat -c %i same.def)
"$MKDEF" -o same.def "$api"; rc=$?
if [ $rc -ne 0 ] || ! grep -qx '    add' same.def; then fail "unchanged output is left untouched" "exit $rc, or no .def"
elif [ "$(stat -c %Y same.def)" = "$(date -d '2001-01-01 00:00:00' +%s)" ] && [ "$(stat -c %i same.def)" = "$ino" ]; then
	ok "unchanged output is left untouched (make does not rebuild)"
else fail "unchanged output is left untouched" "mtime or inode changed"; fi
"$MKDEF" -o same.def "$api" "$FIX/mingw64/plain.o" --export-all 2>/dev/null
if ! grep -qx '    plain_greeting' same.def; then fail "changed output is rewritten" "no plain_greeting: $(tr '\n' '|' <same.def)"
elif [ "$(stat -c %Y same.def)" != "$(date -d '2001-01-01 00:00:00' +%s)" ]; then ok "changed output is rewritten"
else fail "changed output is rewritten" "mtime unchanged"; fi
# (rewritten once more: the --export-all .def becomes the plain one again)
chmod 640 same.def; "$MKDEF" -o same.def "$api"; rc=$?
"$MKDEF" --library same.dll -o same-want.def "$api"
if [ $rc -ne 0 ] || ! same_bytes same.def same-want.def; then fail "rewriting keeps the file's mode" "exit $rc, or not rewritten"
elif [ "$(stat -c %a same.def)" = 640 ]; then ok "rewriting keeps the file's mode"
else fail "rewriting keeps the file's mode" "$(stat -c %a same.def)"; fi
"$MKDEF" -o fresh.def "$api"
[ "$(stat -c %a fresh.def)" = "$(printf '%o' $((0666 & ~$(umask))))" ] && ok "a new file gets 0666 less umask" ||
	fail "a new file gets 0666 less umask" "$(stat -c %a fresh.def)"

# Deterministic: the same inputs give the same bytes, whatever the order of
# the command line (the .def is sorted).
"$MKDEF" --library o.dll -o o1.def "$api" "$FIX/mingw64/cls.o"
"$MKDEF" --library o.dll -o o2.def "$FIX/mingw64/cls.o" "$api"
same "output does not depend on input order" o1.def o2.def

# Depfile: every input, response files too, with make's escaping.
mkdir -p "dir with space"
cp "$api" "dir with space/a#1.o"
printf '"dir with space/a#1.o"\n' >in.rsp
"$MKDEF" -o dep.def -M dep.d @in.rsp
cat >expect.d <<'EOD'
dep.def: \
  in.rsp \
  dir\ with\ space/a\#1.o

in.rsp:

dir\ with\ space/a\#1.o:
EOD
same "depfile lists the inputs and the response file, escaped" expect.d dep.d
printf 'all: dep.def\ndep.def:\n\t@true\ninclude dep.d\n' >Makefile.test
make -s -f Makefile.test >/dev/null 2>&1 && ok "make reads the depfile" || fail "make reads the depfile" "make failed"
"$MKDEF" -M x.d "$api" >x.out 2>err.txt; rc=$?
error_ok "-M without -o is refused" '^mkdef: error: --depfile needs -o FILE to name the rule.s target' $rc err.txt "$MKDEF" &&
	{ [ ! -e x.d ] && ok "-M without -o is refused" || fail "-M without -o is refused" "x.d was written"; }

# Response files: GNU quoting, nesting, options inside.
printf -- "--library 'q lib.dll'\n@in2.rsp\n" >outer.rsp
printf '%s\n' "$api" >in2.rsp
"$MKDEF" -o rsp.def @outer.rsp && grep -q 'q lib.dll' rsp.def && def_names rsp.def | grep -q add &&
	ok "nested response files with quoting and options" || fail "nested response files" "$(cat rsp.def)"

# Archives: GNU (ar) and Microsoft (llvm-lib) kinds give the objects' .def.
"$MKDEF" "$FIX/msvc64/api.o" "$FIX/msvc64/cls.o" >objs.def
llvm-lib -out:ms.lib "$FIX/msvc64/api.o" "$FIX/msvc64/cls.o"
"$MKDEF" ms.lib >mslib.def
same "Microsoft-kind archive (llvm-lib)" objs.def mslib.def
llvm-ar --format=gnu rcs gnu.a "$FIX/msvc64/api.o" "$FIX/msvc64/cls.o"
"$MKDEF" gnu.a >gnulib.def
same "GNU-kind archive (ar)" objs.def gnulib.def
x86_64-w64-mingw32-ar rcs thin.a "$api"
"$MKDEF" thin.a >thin.def
same "MinGW ar archive: the object's .def" stdout.def thin.def
# Import-library members in a static library (one that bundles an import
# library beside the DLL's objects) are skipped, never exported; the
# objects' exports are all there.
x86_64-w64-mingw32-dlltool -d objs.def -l imp.a 2>/dev/null
llvm-ar qcsL bundle.a "$api" imp.a
printf '%s\n' add api_name cfunc counter ffunc internal_only scale sfunc table >imp.want
"$MKDEF" --export-all bundle.a >imp.def 2>imp.err
def_names imp.def >imp.got
same "import-library members are not exported (--export-all), the objects' symbols are" imp.want imp.got
grep -v internal_only imp.want >imp.want2
"$MKDEF" bundle.a >imp2.def 2>imp.err
def_names imp2.def >imp.got2
same "import-library members are not exported (directives), the objects' exports are" imp.want2 imp.got2

# --merge: ordinals stay put; new names go above the old maximum.
cat >old.def <<'EOD'
LIBRARY api.dll
EXPORTS
    add @1
    retired_fn @2
    counter @3 DATA
    sfunc @7 NONAME
EOD
"$MKDEF" --merge old.def -o merged.def "$api"
for want in '    add @1' '    counter @3 DATA' '    sfunc @7 NONAME' '    api_name @8' '    cfunc @9' '    ffunc @10' '    scale @11' '    table @12 DATA'; do
	grep -qxF "$want" merged.def && ok "--merge: '${want#    }'" || fail "--merge: '${want#    }'" "$(tr '\n' '|' <merged.def)"
done
# (on the eight exports of the merged .def: an empty one reuses nothing)
if [ "$(def_names merged.def | wc -l)" -ne 8 ]; then
	fail "--merge: retired ordinal 2 is not reused" "the merged .def does not list 8 exports: $(tr '\n' '|' <merged.def)"
elif grep -q '@2\b' merged.def; then fail "--merge: retired ordinal 2 is not reused" "reused: $(grep '@2\b' merged.def)"
else ok "--merge: retired ordinal 2 is not reused"; fi
grep -q '^LIBRARY "*api.dll' merged.def && ok "--merge keeps the old LIBRARY" || fail "--merge keeps the old LIBRARY" "$(head -1 merged.def)"
x86_64-w64-mingw32-gcc -shared -o merged.dll merged.def "$(llvm-objcopy -R .drectve "$api" nod.o && echo nod.o)"
llvm-readobj --coff-exports merged.dll | grep -A1 'Ordinal: 3$' | grep -q 'Name: counter' &&
	ok "--merge: the linked DLL has counter at ordinal 3" || fail "--merge: linked DLL ordinals" "$(llvm-readobj --coff-exports merged.dll | head -30 | tr '\n' ' ')"

# --kill-at and --add-stdcall-alias, as ld and lld-link read them.
m32=$FIX/mingw32/api.o
llvm-objcopy -R .drectve "$m32" nod32.o
"$MKDEF" --kill-at -o k.def "$m32"
i686-w64-mingw32-gcc -shared -o k.dll k.def nod32.o -Wl,--out-implib,k.dll.a
dll_exports k.dll >k.txt
printf '%s\n' add api_name cfunc counter ffunc scale sfunc table >k.want
same "--kill-at (ld): exported without @N" k.want k.txt
grep -qx '    sfunc = sfunc@8' k.def && ok "--kill-at writes sfunc = sfunc@8, as ld --kill-at --output-def does" ||
	fail "--kill-at writes sfunc = sfunc@8, as ld --kill-at --output-def does" "$(grep sfunc k.def)"
"$BIN/mkimplib" -m i386 -k -o k.lib k.def
llvm-nm k.lib 2>/dev/null | grep -q ' T _sfunc@8$' && ok "--kill-at: mkimplib -k's library resolves _sfunc@8" ||
	fail "--kill-at: mkimplib -k's library resolves _sfunc@8" "$(llvm-nm k.lib | grep sfunc)"
"$MKDEF" --add-stdcall-alias -o a.def "$m32"
i686-w64-mingw32-gcc -shared -o a.dll a.def nod32.o
dll_exports a.dll >a.txt
printf '%s\n' @ffunc@8 add api_name cfunc counter ffunc scale sfunc sfunc@8 table | LC_ALL=C sort >a.want
same "--add-stdcall-alias (ld): both names" a.want a.txt
ms32=$FIX/msvc32/api.o
llvm-objcopy -R .drectve "$ms32" nodms.o
"$MKDEF" --kill-at -o km.def "$ms32"
lld-link -nologo -dll -noentry -nodefaultlib -machine:x86 -def:km.def -out:km.dll nodms.o "$FIX/msvc32/fltused.obj" >km.log 2>&1
dll_exports km.dll >km.txt
same "--kill-at (lld-link): exported without @N" k.want km.txt
"$MKDEF" --add-stdcall-alias -o am.def "$ms32"
lld-link -nologo -dll -noentry -nodefaultlib -machine:x86 -def:am.def -out:am.dll nodms.o "$FIX/msvc32/fltused.obj" >am.log 2>&1
dll_exports am.dll >am.txt
printf '%s\n' @ffunc@8 _sfunc@8 add api_name cfunc counter ffunc scale sfunc table | LC_ALL=C sort >am.want
same "--add-stdcall-alias (lld-link): both names" am.want am.txt

# --help and --version.
"$MKDEF" --help | grep -q -- '--export-all' && ok "--help lists the options" || fail "--help lists the options" "no"
"$MKDEF" --version | grep -Eq 'libbfd(-multiarch)? \((reads|does not read) ARM64' && ok "--version names the libbfd" ||
	fail "--version names the libbfd" "$("$MKDEF" --version)"

# --dialect rewrites directive names for the other linker.
"$MKDEF" --dialect msvc -o tomsvc.def "$m32"
lld-link -nologo -dll -noentry -nodefaultlib -force:unresolved -safeseh:no -machine:x86 -def:tomsvc.def -out:tomsvc.dll nod32.o >tomsvc.log 2>&1
dll_exports tomsvc.dll >tomsvc.txt
if grep -qx '_sfunc@8' tomsvc.txt && grep -qx 'add' tomsvc.txt && ! grep -q 'undefined' tomsvc.log; then
	ok "--dialect msvc: MinGW objects' .def links with lld-link"
else fail "--dialect msvc: MinGW objects' .def links with lld-link" "$(tr '\n' '|' <tomsvc.txt) $(head -3 tomsvc.log)"; fi
"$MKDEF" --dialect gnu -o tognu.def "$ms32"
if i686-w64-mingw32-gcc -shared -o tognu.dll tognu.def nodms.o >tognu.log 2>&1; then
	dll_exports tognu.dll >tognu.txt
	printf '%s\n' @ffunc@8 add api_name cfunc counter scale sfunc@8 table | LC_ALL=C sort >tognu.want
	same "--dialect gnu: MSVC objects' .def links with ld" tognu.want tognu.txt
else fail "--dialect gnu: MSVC objects' .def links with ld" "$(head -3 tognu.log)"; fi

# The output is no dependency of itself; an input named twice is listed once.
cp merged.def self.def
"$MKDEF" --merge self.def -o self.def -M self.d "$api" "$api"
if ! grep -q '^self.def:$' self.d && [ "$(grep -c "api.o:$" self.d)" = 1 ]; then ok "depfile: no self-dependency, no repeats"
else fail "depfile: no self-dependency, no repeats" "$(tr '\n' '|' <self.d)"; fi

# In a response file a backslash escapes inside single quotes too (libiberty).
printf -- "--library 'a\\\\b.dll' %s\n" "$api" >bs.rsp
"$MKDEF" @bs.rsp | head -1 | grep -qx 'LIBRARY "ab.dll"' && ok "response file: backslash escapes inside single quotes (libiberty)" ||
	fail "response file backslash handling" "$("$MKDEF" @bs.rsp | head -1)"
