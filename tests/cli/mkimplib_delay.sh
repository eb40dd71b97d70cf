#!/bin/bash
# mkimplib --delay: delay-load import libraries (lib/write_implib_delay.c),
# without running anything (tests/interop/delay_run.sh runs them).
#   - for x86-64, i386 and arm64, from a .def: every function imported as
#     the ordinary long-format library imports it (dumpexports lists the
#     same name, ordinal, hint and symbol, flagged DELAY), the DATA and
#     CONSTANT exports left out with one warning naming them;
#   - the symbols are the functions' and their __imp_ slots, and the head's
#     three (two on i386); the code is what the writer means it to be
#     (llvm-objdump 22 disassembles the thunk and the lazy entry);
#   - the bytes depend on the input only, not on where they are written;
#   - from a DLL and from objects, as plain mkimplib;
#   - what cannot be done is refused with one line and nothing written.
. "$(dirname "$0")/../lib.sh"
MKIMPLIB=$BIN/mkimplib
D=$BIN/dumpexports
OBJDUMP=/usr/lib/llvm-22/bin/llvm-objdump
NM=/usr/lib/llvm-22/bin/llvm-nm
built "mkimplib --delay" "$MKIMPLIB" "$D" || exit 0
need "mkimplib --delay" "$OBJDUMP" "$NM" x86_64-w64-mingw32-gcc || exit 0
cd "$T" || exit 1
export LC_ALL=C

cat >d.def <<'DEF'
LIBRARY d.dll
EXPORTS
    add
    sfunc@8
    byord @3 NONAME
    ren = inner
    counter DATA
    konst CONSTANT
    hidden PRIVATE
DEF

for arch in x86-64 i386 arm64; do
	if ! "$MKIMPLIB" --delay -m "$arch" -o "$arch.a" d.def 2>"$arch.err"; then
		fail "$arch: mkimplib --delay" "$(head -c 300 "$arch.err")"
		continue
	fi
	if [ "$(wc -l <"$arch.err")" -eq 1 ] &&
	   grep -qx "$arch.a: warning: 2 DATA exports cannot be delay-loaded and are left out of the library: counter, konst" "$arch.err"; then
		ok "$arch: one warning names the DATA and CONSTANT exports left out"
	else
		fail "$arch: one warning names the DATA and CONSTANT exports left out" "stderr: $(head -3 "$arch.err" | tr '\n' '|')"
	fi

	# The imports: those of the long-format library, functions only, DELAY.
	"$MKIMPLIB" --format long -m "$arch" -o "$arch-long.a" d.def
	"$D" -f tsv "$arch-long.a" | sed 1d | cut -f2- | awk -F'\t' 'BEGIN { OFS = "\t" }
		$6 == "code" { $7 = ($7 == "" ? "DELAY" : $7 " DELAY"); print }' | sort >"$arch.want"
	"$D" -f tsv "$arch.a" | sed 1d | cut -f2- | sort >"$arch.got"
	if same_bytes "$arch.want" "$arch.got"; then
		ok "$arch: dumpexports lists the functions of the long library, flagged DELAY ($(wc -l <"$arch.got") imports)"
	else
		fail "$arch: dumpexports lists the functions of the long library, flagged DELAY" "$(diff "$arch.want" "$arch.got" | grep '^[<>]' | head -4 | tr '\n\t' '| ')"
	fi
	if "$D" "$arch.a" | head -1 | grep -q "long format, delay-load$" &&
	   "$D" "$arch.a" | grep -qx "  d.dll (delay-load: loaded at the first call)" &&
	   [ "$("$D" -f json "$arch.a" | grep -c '"delay": true')" -eq 4 ] &&
	   ! "$D" -f json "$arch.a" | grep -q '"delay": false'; then
		ok "$arch: the table and JSON say delay-load"
	else
		fail "$arch: the table and JSON say delay-load" "$("$D" "$arch.a" | head -3 | tr '\n' '|')"
	fi

	# Symbols: SYM and __imp_SYM per function, and the head's.
	u=; [ "$arch" = i386 ] && u=_
	{
		for s in add sfunc@8 byord ren; do echo "$u$s"; echo "__imp_$u$s"; done
		echo "${u}__delay_d_dll_handle"; echo "${u}__delay_d_dll_iname"
		[ "$arch" != i386 ] && echo "__delay_d_dll_merge"
	} | sort >"$arch.syms.want"
	"$NM" -g --defined-only "$arch.a" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort >"$arch.syms"
	if same_bytes "$arch.syms.want" "$arch.syms"; then
		ok "$arch: the defined symbols are the functions', their slots' and the head's"
	else
		fail "$arch: the defined symbols are the functions', their slots' and the head's" "$(diff "$arch.syms.want" "$arch.syms" | grep '^[<>]' | tr '\n' ' ')"
	fi

	# The code of the first import (add): the thunk, then the lazy entry.
	"$OBJDUMP" -d --no-show-raw-insn "$arch.a" 2>/dev/null | awk '/\(d_dll_y000001\.o\)/ { p = 1; next } /\(d_dll_y000002\.o\)/ { p = 0 } p' |
		sed -n 's/^ *[0-9a-f]*:[[:space:]]*//p' | sed 's/[[:space:]]*\(# \|\/\/\).*//; s/[[:space:]]\+/ /g; s/ $//' >"$arch.code"
	case $arch in
	x86-64) want='jmpq *(%rip)|leaq (%rip), %rax|leaq (%rip), %r11|jmp 0x19' ;;
	i386) want='jmpl *0x0|pushl %ecx|pushl %edx|pushl $0x0|pushl $0x0|calll 0x17|popl %edx|popl %ecx|jmpl *%eax' ;;
	arm64) want='adrp x16, 0x0|ldr x16, [x16]|br x16|adrp x9, 0x0|add x9, x9, #0x0|adrp x10, 0x0|add x10, x10, #0x0|b 0x1c' ;;
	esac
	got=$(grep -v '^nop$\|^int3$' "$arch.code" | sed 's/<[^>]*>//g; s/ $//' | tr '\n' '|' | sed 's/|$//')
	if [ "$got" = "$want" ]; then
		ok "$arch: llvm-objdump disassembles the thunk and the lazy entry as meant"
	else
		fail "$arch: llvm-objdump disassembles the thunk and the lazy entry as meant" "got '$got', want '$want'"
	fi

	# The same bytes again, whatever the output is called and wherever it is.
	mkdir -p "sub/$arch"
	"$MKIMPLIB" --delay -m "$arch" -o "sub/$arch/other-name.lib" d.def 2>/dev/null
	if same_bytes "$arch.a" "sub/$arch/other-name.lib"; then
		ok "$arch: the bytes depend on the input only"
	else
		fail "$arch: the bytes depend on the input only" "cmp $T/$arch.a $T/sub/$arch/other-name.lib"
	fi
done

# From a DLL and from objects, as plain mkimplib.
cat >api.c <<'SRC'
__declspec(dllexport) int add(int a, int b) { return a + b; }
__declspec(dllexport) int twice(int a) { return 2 * a; }
__declspec(dllexport) int counter = 5;
SRC
if x86_64-w64-mingw32-gcc -O2 -c api.c -o api.o && x86_64-w64-mingw32-gcc -shared -o api.dll api.o; then
	for input in api.dll api.o; do
		extra=; [ "$input" = api.o ] && extra="-D api.dll"
		if "$MKIMPLIB" --delay $extra -o "from-$input.a" "$input" 2>"from-$input.err" &&
		   grep -q "warning: 1 DATA export .*: counter$" "from-$input.err" &&
		   [ "$("$D" -f tsv "from-$input.a" | sed 1d | cut -f2,6,8,10 | tr '\t' ' ' | tr '\n' '|')" = "api.dll add DELAY add|api.dll twice DELAY twice|" ]; then
			ok "from $input: a delay-load library of its functions"
		else
			fail "from $input: a delay-load library of its functions" "$(head -c 300 "from-$input.err"; "$D" -f tsv "from-$input.a" 2>&1 | head -4 | tr '\n\t' '| ')"
		fi
	done
else
	fail "from a DLL and objects" "x86_64-w64-mingw32-gcc could not build api.dll"
fi

# More DATA exports than the warning names.
{ echo "LIBRARY v.dll"; echo EXPORTS; for v in a b c d e f g; do echo "    $v DATA"; done; echo "    fn"; } >many.def
if "$MKIMPLIB" --delay -m x86-64 -o many.a many.def 2>many.err &&
   grep -qx "many.a: warning: 7 DATA exports cannot be delay-loaded and are left out of the library: a, b, c, d, e and 2 more" many.err; then
	ok "the warning names five DATA exports and counts the rest"
else
	fail "the warning names five DATA exports and counts the rest" "$(cat many.err)"
fi

# Refused, with one line and nothing written.
printf 'LIBRARY v.dll\nEXPORTS\n    a DATA\n    b CONSTANT\n' >data.def
printf 'LIBRARY v.dll\nEXPORTS\n    f @0\n' >bad.def
refuse_with "$MKIMPLIB" out.a "--delay --format short: refused" "takes no --format short" --delay --format short -m x86-64 d.def
refuse_with "$MKIMPLIB" out.a "--delay -m arm64ec: refused" "delay-load libraries are written for i386, x86-64 and arm64, not arm64ec" --delay -m arm64ec d.def
refuse_with "$MKIMPLIB" out.a "--delay -m arm: refused" "delay-load libraries are written for i386, x86-64 and arm64, not arm" --delay -m arm d.def
refuse_with "$MKIMPLIB" out.a "--delay with DATA exports only: refused" "nothing to delay-load: every export is DATA" --delay -m x86-64 data.def
refuse_with "$MKIMPLIB" out.a "--delay with a bad .def: refused, naming the line" "^bad\.def:3:" --delay -m x86-64 bad.def
