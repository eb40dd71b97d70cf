#!/bin/bash
# dllkit-dlltool's own behaviour: -I and --identify-strict print what GNU
# dlltool and llvm-dlltool print; -V, --help and -v; warnings only with -v;
# what it refuses (one line naming the file, status 1, nothing written),
# among them a broken .def, which GNU dlltool takes with exit 0.
. "$(dirname "$0")/../lib.sh"
DT=$BIN/dllkit-dlltool
LLVM_DLLTOOL=/usr/lib/llvm-22/bin/llvm-dlltool
built "dllkit-dlltool" "$DT" || exit 0
need "dllkit-dlltool -I beside GNU dlltool and llvm-dlltool" "$LLVM_DLLTOOL" x86_64-w64-mingw32-dlltool \
	x86_64-w64-mingw32-gcc || exit 0
cd "$T" || exit 1

printf 'LIBRARY t.dll\nEXPORTS\n    plain\n    var DATA\n' >t.def
printf 'LIBRARY u.dll\nEXPORTS\n    other\n' >u.def
"$DT" -d t.def -l t.a && "$DT" -d u.def -l u.a || fail "libraries for -I" "not written"
"$LLVM_DLLTOOL" -m i386:x86-64 -d t.def -l t-short.lib
# Two DLLs in one library: GNU dlltool's t.dll members, then u.dll's.
x86_64-w64-mingw32-dlltool -d t.def -l two.a && x86_64-w64-mingw32-dlltool -d u.def -l u-g.a &&
	mkdir -p ux && (cd ux && ar x ../u-g.a) && ar q two.a ux/* && ar s two.a
echo 'int f(void) { return 1; }' >obj.c && x86_64-w64-mingw32-gcc -c obj.c -o obj.o
rm -f objs.a && ar rcs objs.a obj.o
cc -c -x c /dev/null -o elf.o

# ---------------------------------------------------------------------------
# -I, --identify-strict: stdout and status as both peers give them.
for lib in t.a t-short.lib two.a /usr/x86_64-w64-mingw32/lib/libkernel32.a obj.o objs.a t.def; do
	[ -e "$lib" ] || continue
	for strict in "" --identify-strict; do
		tag="-I $(basename "$lib")${strict:+ $strict}"
		x86_64-w64-mingw32-dlltool $strict -I "$lib" >g.out 2>/dev/null; grc=$?
		"$LLVM_DLLTOOL" $strict -I "$lib" >v.out 2>/dev/null; vrc=$?
		"$DT" $strict -I "$lib" >o.out 2>o.err; orc=$?
		# Statuses as 0 or "failed"; GNU dlltool says nothing on stdout when it fails.
		g=$([ $grc = 0 ] && cat g.out || echo "failed")
		v=$([ $vrc = 0 ] && cat v.out || echo "failed")
		o=$([ $orc = 0 ] && cat o.out || echo "failed")
		if [ "$g" != "$v" ]; then
			# The peers disagree (only GNU dlltool reads short libraries
			# its own way): ours must give one of the two.
			[ "$o" = "$g" ] || [ "$o" = "$v" ] && ok "$tag: as one of the peers" ||
				fail "$tag: as one of the peers" "GNU '$g', llvm '$v', ours '$o'"
		elif [ "$o" = "$g" ]; then
			ok "$tag: $(echo "$o" | tr '\n' ' ')"
		else
			fail "$tag" "GNU and llvm-dlltool '$g', ours '$o' $(head -2 o.err)"
		fi
		if [ $orc != 0 ] && ! error_ok "$tag: the error" "$(basename "$lib")" $orc o.err mkimplib; then :; fi
		[ $orc = 0 ] && [ -s o.err ] && fail "$tag: quiet" "$(cat o.err)"
	done
done
"$DT" -I two.a >/dev/null 2>&1 && [ "$("$DT" -I two.a | wc -l)" = 2 ] &&
	ok "-I of a library of two DLLs prints both" || fail "-I of a library of two DLLs prints both" "$("$DT" -I two.a 2>&1)"
"$DT" --identify-strict -I two.a >/dev/null 2>strict.err
error_ok "--identify-strict with two DLLs" 'two.a.*2 DLLs.*t.dll, u.dll' $? strict.err mkimplib && ok "--identify-strict with two DLLs: one line naming them"

# ---------------------------------------------------------------------------
# -V, --help, -v.
"$DT" -V >v.txt 2>v.err && grep -q '^dllkit-dlltool (dllkit) ' v.txt && [ ! -s v.err ] &&
	ok "-V prints the version on stdout" || fail "-V prints the version on stdout" "$(cat v.txt v.err)"
"$DT" --help >h.txt 2>h.err && [ ! -s h.err ] && grep -q -- '--output-lib' h.txt && grep -q -- '--identify-strict' h.txt &&
	ok "--help lists the options on stdout" || fail "--help lists the options on stdout" "$(head -3 h.txt h.err)"
"$DT" -v -d t.def -l vv.a >vv.out 2>vv.err && grep -q 'import library vv.a' vv.err && [ ! -s vv.out ] &&
	ok "-v says what is written, on stderr" || fail "-v says what is written, on stderr" "$(cat vv.err)"
"$DT" -d t.def -l nv.a >nv.out 2>nv.err && [ ! -s nv.err ] && [ ! -s nv.out ] && cmp -s vv.a nv.a &&
	ok "without -v: nothing printed, the same library" || fail "without -v: nothing printed, the same library" "$(cat nv.err)"

# Warnings only with -v: a .def the parser warns about (EXETYPE, ignored)
# gives its library silently, and the warning with -v.
printf 'LIBRARY w.dll\nEXETYPE WINDOWS\nEXPORTS\n    plain\n' >w.def
"$BIN/mkimplib" -m x86-64 -o w-mk.lib w.def 2>w-mk.err
grep -q 'w.def:2.*warning.*EXETYPE' w-mk.err && ok "the .def gives a warning (mkimplib shows it)" ||
	fail "the .def gives a warning (mkimplib shows it)" "$(cat w-mk.err)"
"$DT" -d w.def -l w.a >w.out 2>w.err; rc=$?
"$DT" -v -d w.def -l w2.a 2>w2.err
if [ $rc = 0 ] && [ ! -s w.err ] && [ ! -s w.out ] && [ -s w.a ] && grep -q 'w.def:2.*warning.*EXETYPE' w2.err; then
	ok "a warning is shown with -v only"
else
	fail "a warning is shown with -v only" "exit $rc; without -v: $(cat w.err); with: $(cat w2.err)"
fi

# ---------------------------------------------------------------------------
# Refusals: one line, status 1, nothing written.
# refuse NAME PATTERN OUT ARGS...
refuse() {
	local name=$1 pat=$2 out=$3
	shift 3
	rm -f "$out"
	"$DT" "$@" >r.out 2>r.err
	if error_ok "$name" "$pat" $? r.err mkimplib; then
		if [ -e "$out" ]; then fail "$name" "$out was written"
		elif ls -a | grep -q '^\.dllkit-'; then fail "$name" "a temporary file was left"
		else ok "$name"; fi
	fi
}
printf 'LIBRARY b.dll\nEXPORTS\n    good\n    bad @ @\n    later\n' >broken.def
# GNU dlltool takes it with exit 0 and drops what follows the error.
if x86_64-w64-mingw32-dlltool -d broken.def -l g-broken.a >/dev/null 2>&1; then
	ok "GNU dlltool takes the broken .def with exit 0 (the difference dllkit-dlltool(1) states)"
else
	ok "GNU dlltool refuses the broken .def too (dllkit-dlltool(1) says it does not)"
fi
refuse "a broken .def: file and line named" 'broken.def:4' broken.a -d broken.def -l broken.a
refuse "a missing .def" 'nosuch.def' ns.a -d nosuch.def -l ns.a
refuse "an object given as -d" 'obj.o.*not a .def' od.a -d obj.o -l od.a
refuse "an ELF file given as -d" 'elf.o' ed.a -d elf.o -l ed.a
refuse "an ELF file as an object" 'elf.o' elf.a -l elf.a -D e.dll elf.o
refuse "a .def given as an object" 't.def.*-d' td.a -l td.a t.def
refuse "-x (--no-idata4)" 'no-idata4.*hname' x.a -x -d t.def -l x.a
refuse "-c (--no-idata5)" 'no-idata5.*fthunk' c.a -c -d t.def -l c.a
# Why: GNU dlltool's own -x and -c libraries do not link (dllkit-dlltool(1)).
printf 'int main(void){return 0;}\n' >xc-main.c
for o in x c; do
	sym=hname; [ $o = c ] && sym=fthunk
	name="GNU dlltool -$o writes a library that does not link (undefined $sym)"
	if ! x86_64-w64-mingw32-dlltool -$o -d t.def -l g-$o.a 2>/dev/null; then
		fail "$name" "GNU dlltool -$o failed"
	elif x86_64-w64-mingw32-gcc -o xc-$o.exe xc-main.c -Wl,--whole-archive g-$o.a \
		-Wl,--no-whole-archive >xc-$o.err 2>&1; then
		fail "$name" "it linked"
	elif grep -q "undefined reference to \`$sym'" xc-$o.err; then
		ok "$name"
	else
		fail "$name" "$(head -2 xc-$o.err | tr '\n' '|')"
	fi
done
refuse "-b (--base-file)" 'base-file' b.a -b base -d t.def -l b.a
refuse "-p (--ext-prefix-alias)" 'ext-prefix-alias' p.a -p pre -d t.def -l p.a
refuse "-a (--add-indirect)" 'add-indirect' a.a -a -d t.def -l a.a
refuse "an unknown option" "unknown|unrecognized|--frobnicate" f.a --frobnicate -d t.def -l f.a
refuse "an unknown machine" 'unknown machine "mcore"' m.a -m mcore -d t.def -l m.a
refuse "nothing to write" 'nothing to write' none.a -d t.def
refuse "no exports" 'no exports' ne.a -l ne.a
refuse "-l and -e naming one file" 'same file' same.a -d t.def -l same.a -e same.a
cp t.def over.def
refuse "the library written over the .def" 'same as' no-such.a -d over.def -l over.def
refuse "-I with other work" 'give it alone' t2.a -I t.a -d t.def -l t2.a
refuse "--identify-strict without -I" 'goes with -I' t3.a --identify-strict -d t.def -l t3.a
refuse "no DLL name" 'no DLL name' nd.a --export-all-symbols -l nd.a obj.o
refuse "--leading-underscore on x86-64" 'leading-underscore' lu.a --leading-underscore -m x86-64 -d t.def -l lu.a
refuse "objects that export nothing" 'obj.o.*exports nothing' oe.a -D o.dll -l oe.a obj.o
refuse "-N without -m arm64ec" '-N makes an ARM64X' n.a -N u.def -d t.def -l n.a
# Outputs land all or none: -e fails (arm64ec has no export objects), so
# the library asked for with it is not written either.
refuse "-l with an -e that cannot be written: neither lands" 'arm64ec|export' both.a -m arm64ec -d t.def -l both.a -e both.exp
[ -e both.exp ] && fail "-e that cannot be written" "both.exp written"
cmp -s t.def over.def && ok "the .def refused as an output is untouched" || fail "the .def refused as an output is untouched" "changed"

# ---------------------------------------------------------------------------
# make install: dllkit-dlltool and its target-prefixed names, which pick
# their machine; make uninstall removes them.
ROOT=$T/root
if make -C "$TOP" -s BUILD="$BUILD" install DESTDIR="$ROOT" PREFIX=/usr >inst.out 2>&1; then
	b=$ROOT/usr/bin
	if [ -x "$b/dllkit-dlltool" ] && [ "$(stat -c %i "$b/dllkit-dlltool")" = "$(stat -c %i "$b/mkimplib")" ] &&
		[ -f "$ROOT/usr/share/man/man1/dllkit-dlltool.1" ]; then
		ok "make install: dllkit-dlltool (a hard link to mkimplib) and its page"
	else
		fail "make install: dllkit-dlltool (a hard link to mkimplib) and its page" "$(ls -li "$b" | tr '\n' '|')"
	fi
	printf 'LIBRARY s.dll\nEXPORTS\n    sfunc@8\n' >inst.def
	"$b/i686-w64-mingw32-dllkit-dlltool" -d inst.def -l inst32.a 2>inst.err &&
		"$b/x86_64-w64-mingw32-dllkit-dlltool" -d inst.def -l inst64.a 2>>inst.err &&
		"$DT" -m i386 -d inst.def -l inst32-m.a && "$DT" -m x86-64 -d inst.def -l inst64-m.a &&
		same_bytes inst32.a inst32-m.a && same_bytes inst64.a inst64-m.a &&
		ok "the installed target-prefixed names write for their machines" ||
		fail "the installed target-prefixed names write for their machines" "$(cat inst.err)"
	make -C "$TOP" -s BUILD="$BUILD" uninstall DESTDIR="$ROOT" PREFIX=/usr >uninst.out 2>&1
	left=$(ls "$ROOT/usr/bin" 2>/dev/null | grep dlltool)
	[ -z "$left" ] && ok "make uninstall removes them" || fail "make uninstall removes them" "$left"
else
	fail "make install" "$(tail -3 inst.out | tr '\n' '|')"
fi

# -y with no function to delay-load (mingw-w64-crt's empty .def files with
# --enable-delay-import-libs; a .def of DATA only): both libraries written,
# silently, the delay-load one an archive with no member, which GNU ld
# links against like any library that is not needed.
printf 'LIBRARY api-ms-win-core-rtlsupport-l1-2-1\nEXPORTS\n' >empty.def
printf 'LIBRARY v.dll\nEXPORTS\n    var DATA\n    cst CONSTANT\n' >dataonly.def
printf 'int main(void){return 0;}\n' >ye-main.c
for d in empty dataonly; do
	name="-y with no function ($d.def): both libraries, quiet, an empty delay library that links"
	rm -f ye-$d.a ye-$d.delay.a
	if "$DT" -m i386 -k -d $d.def -l ye-$d.a -y ye-$d.delay.a >ye-$d.err 2>&1 && [ ! -s ye-$d.err ] &&
		[ -s ye-$d.a ] && [ "$(cat ye-$d.delay.a)" = '!<arch>' ] &&
		i686-w64-mingw32-gcc -o ye-$d.exe ye-main.c ye-$d.delay.a ye-$d.a >ye-$d.log 2>&1; then
		ok "$name"
	else
		fail "$name" "$(cat ye-$d.err ye-$d.log 2>/dev/null | head -3 | tr '\n' '|')"
	fi
done
"$DT" -v -m i386 -d empty.def -y ye-v.a 2>&1 | grep -q 'no function to delay-load' &&
	ok "-y with no function: said with -v" || fail "-y with no function: said with -v" "no note"

# -y refusals: a machine without delay-load libraries, and nothing written
# beside it.
refuse "-y for arm: the machine named" 'delay-load.*not arm' ya.a -m arm -d t.def -y ya.a
refuse "-y and -l naming one file" 'same file' yb.a -d t.def -l yb.a -y yb.a
rm -f yl.a
"$DT" -m arm -d t.def -l yl.a -y yd.a 2>/dev/null
[ ! -e yl.a ] && ok "-y that cannot be written: the -l beside it is not written either" ||
	fail "-y that cannot be written: the -l beside it is not written either" "yl.a written"
