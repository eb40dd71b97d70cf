#!/bin/bash
# mkimplib --format long: GNU long-format import libraries.
#   - the symbol set is GNU dlltool's (its output-path names aside), and the
#     loader names and ordinals an image gets from it are dlltool's;
#   - the helper names come from the DLL name, as ld --out-implib makes them,
#     and the bytes do not depend on where the library is written;
#   - real programs linked by GNU ld, lld-link (MSVC mode, no CRT) and lld
#     (MinGW mode) import exactly what the .def says, on x86-64, i386,
#     arm64 and arm, through thunks that load the right address-table slot.
. "$(dirname "$0")/../lib.sh"
MKIMPLIB=${MKIMPLIB:-$BIN/mkimplib}
LLD_LINK=$(command -v lld-link-22 || command -v lld-link)
LD_LLD=$(command -v ld.lld-22 || command -v ld.lld)
LLVM_DLLTOOL=/usr/lib/llvm-22/bin/llvm-dlltool
built "mkimplib --format long" "$MKIMPLIB" || exit 0
need "mkimplib --format long beside GNU dlltool, ld and lld" "$LLVM_DLLTOOL" lld-link ld.lld llvm-nm llvm-readobj \
	llvm-objdump llvm-ar clang x86_64-w64-mingw32-gcc x86_64-w64-mingw32-dlltool i686-w64-mingw32-gcc \
	i686-w64-mingw32-dlltool || exit 0
cd "$T" || exit 1

triple() { case $1 in x86-64) echo x86_64-pc-windows-msvc ;; i386) echo i686-pc-windows-msvc ;;
	arm64) echo aarch64-pc-windows-msvc ;; arm) echo thumbv7-pc-windows-msvc ;; esac; }
lldm() { case $1 in x86-64) echo x64 ;; i386) echo x86 ;; arm64) echo arm64 ;; arm) echo arm ;; esac; }
mingw() { case $1 in x86-64) echo x86_64-w64-mingw32 ;; i386) echo i686-w64-mingw32 ;; esac; }
ptrdir() { case $1 in x86-64 | arm64) echo .quad ;; *) echo .long ;; esac; }

# The defined external symbols of an archive, one per line, sorted, with
# the head and iname symbols of STEM written HEAD and INAME.
ext_syms() {
	llvm-nm -g --defined-only "$1" 2>/dev/null | awk 'NF == 3 { print $3 }' |
		sed -E "s/^_*head_$2\$/HEAD/; s/^_*$2_iname\$/INAME/" | LC_ALL=C sort
}

# What an image imports: "dll name" or "dll #ordinal" per line, sorted.
imports() {
	llvm-readobj --coff-imports "$1" | awk '
		/^Import \{/ { in_imp = 1; next }
		/^\}/ { in_imp = 0; next }
		in_imp && /^  Name: / { dll = $2; next }
		in_imp && /^  Symbol: / {
			if ($2 ~ /^\(/) { o = $2; gsub(/[()]/, "", o); print dll " #" o }
			else print dll " " $2
		}' | LC_ALL=C sort
}

# ref_image LIB ARCH OUT: a DLL whose data points at every __imp_ symbol
# LIB defines (no CRT, lld-link), so that its import table shows what
# the loader would be asked for.
ref_image() {
	local lib=$1 arch=$2 out=$3
	{
		printf '\t.data\n'
		llvm-nm -g --defined-only "$lib" | awk 'NF == 3 && $3 ~ /^__imp_/ { print $3 }' |
			LC_ALL=C sort -u | while read -r s; do printf '\t%s "%s"\n' "$(ptrdir "$arch")" "$s"; done
	} >"$out.s"
	clang --target="$(triple "$arch")" -c -o "$out.o" "$out.s" &&
		"$LLD_LINK" -nologo -dll -noentry -nodefaultlib -machine:"$(lldm "$arch")" -safeseh:no \
			-out:"$out.dll" "$out.o" "$lib" >"$out.log" 2>&1
}

# thunk_target IMAGE SYM ARCH: the address the thunk SYM jumps through (hex,
# no 0x), decoded from the disassembly of an image linked with a symbol table.
thunk_target() {
	local n1 n2
	read -r n1 n2 < <(llvm-objdump -d "$1" | awk -v sym="$2" -v arch="$3" '
		$0 ~ "^[0-9a-f]+ <" sym ">:$" { n = 1; next }
		n >= 1 && n <= 2 { line[n++] = $0; if (n <= 2) next
			if (arch == "x86-64") { match(line[1], /# 0x[0-9a-f]+/); print substr(line[1], RSTART + 2, RLENGTH - 2), 0 }
			else if (arch == "i386") { match(line[1], /\*[0-9]+/); print substr(line[1], RSTART + 1, RLENGTH - 1), 0 }
			else {
				# arm64: adrp page + ldr offset; arm: movw low + movt high.
				if (arch == "arm64") { match(line[1], /0x[0-9a-f]+/); a = substr(line[1], RSTART, RLENGTH) }
				else { match(line[1], /#[0-9]+/); a = substr(line[1], RSTART + 1, RLENGTH - 1) }
				match(line[2], /#[0-9]+/); b = substr(line[2], RSTART + 1, RLENGTH - 1)
				print a, b
			}
			exit
		}')
	[ -n "${n1:-}" ] || return 0
	case $3 in
	arm) printf '%x\n' $((n2 * 65536 + n1)) ;;
	*) printf '%x\n' $((n1 + n2)) ;;
	esac
}

# The instructions of thunk SYM without addresses, bytes or numbers.
thunk_insns() {
	llvm-objdump -d --no-show-raw-insn "$1" | awk -v sym="$2" -v n="$3" '
		$0 ~ "^[0-9a-f]+ <" sym ">:$" { k = n; next }
		k > 0 { sub(/^ *[0-9a-f]+:[ \t]*/, ""); sub(/[ \t]*(#|\/\/|@).*$/, ""); gsub(/0x[0-9a-f]+|[0-9]+/, "N"); print; k-- }'
}

sym_addr() { llvm-nm "$1" | awk -v s="$2" '$3 == s { print $1; exit }' | sed 's/^0*//'; }

# ---------------------------------------------------------------------------
# A big .def: many names and every kind of line.
{
	echo "LIBRARY big.dll"
	echo "EXPORTS"
	for i in $(seq 1 1000); do echo "    fn_$i"; done
	cat <<'EOF'
    var1 DATA
    var2 @777 DATA
    cst CONSTANT
    priv PRIVATE
    byo @9 NONAME
    byod @10 NONAME DATA
    fwd = other.func
    ext = internal_impl
    alias == realname
    ord @300
    sfunc@8
    @ffunc@8
    stdd@4 DATA
    ?f@@YAHH@Z
    ??0C@@QAE@XZ
EOF
} >big.def

for arch in x86-64 i386; do
	pre=$(mingw $arch)
	for k in "" -k; do
		tag="$arch${k:+ $k}"
		w=$T/big-$arch$k
		mkdir -p "$w"
		# -k is an i386 matter, as in llvm-dlltool (GNU dlltool applies it
		# everywhere): on x86-64 the reference is dlltool without it.
		kk=$k; [ $arch = i386 ] || kk=
		(cd "$w" && "$pre-dlltool" $kk -d "$T/big.def" -l gd.a) ||
			{ fail "$tag: dlltool" "failed"; continue; }
		if ! "$MKIMPLIB" --format long -m $arch $k -o "$w/ours.a" big.def 2>"$w/err"; then
			fail "$tag: mkimplib --format long" "$(head -3 "$w/err")"
			continue
		fi
		ext_syms "$w/gd.a" gd_a >"$w/gd.txt"
		ext_syms "$w/ours.a" big_dll >"$w/ours.txt"
		same "$tag: symbol set is dlltool's ($(wc -l <"$w/ours.txt") symbols)" "$w/gd.txt" "$w/ours.txt"
		if ref_image "$w/gd.a" $arch "$w/rg" && ref_image "$w/ours.a" $arch "$w/ro"; then
			imports "$w/rg.dll" >"$w/rg.txt"
			imports "$w/ro.dll" >"$w/ro.txt"
			same "$tag: an image asks the loader for what dlltool's library makes it ask" \
				"$w/rg.txt" "$w/ro.txt"
		else
			fail "$tag: reference images link" "$(head -3 "$w"/r*.log)"
		fi
	done
done
w=$T/big-i386-k
grep -qx 'big.dll sfunc' "$w/ro.txt" && grep -qx 'big.dll ffunc' "$w/ro.txt" && grep -qx 'big.dll stdd' "$w/ro.txt" &&
	grep -qx 'big.dll realname' "$w/ro.txt" && grep -qx 'big.dll #9' "$w/ro.txt" &&
	! grep -q priv "$w/ro.txt" && ok "i386 -k: loader names lose @N; == names, NONAME ordinals; PRIVATE left out" ||
	fail "i386 -k: loader names" "$(grep -E 'func|stdd|real|#|priv' "$w/ro.txt" | tr '\n' ' ')"
llvm-readobj --coff-imports "$T/big-x86-64/ro.dll" | grep -q 'Symbol: ord (300)' &&
	ok "the hint of a named import is its ordinal" || fail "the hint of a named import is its ordinal" "no 'ord (300)'"

# ---------------------------------------------------------------------------
# Members and helper names: derived from the DLL name, as ld --out-implib
# names them; head first, tail last, in member-name order (linkers sort the
# .idata$N pieces of an archive by member name).
cat >k.c <<'EOF'
int add(int a, int b) { return a + b; }
int counter = 3;
EOF
printf 'LIBRARY k.dll\nEXPORTS\n    add\n    counter DATA\n' >k.def
for arch in x86-64 i386; do
	pre=$(mingw $arch)
	w=$T/names-$arch
	mkdir -p "$w"
	"$pre-gcc" -shared -o "$w/k.dll" k.c k.def -Wl,--out-implib,"$w/ld.a" >"$w/ld.log" 2>&1 ||
		fail "$arch: the reference library (ld --out-implib)" "$(head -c 400 "$w/ld.log" | tr '\n' '|')"
	"$MKIMPLIB" --format long -m $arch -o "$w/ours.a" k.def
	llvm-nm "$w/ld.a" | grep -E '(head|iname)' | awk '{ print $NF }' | LC_ALL=C sort -u >"$w/ld.txt"
	llvm-nm "$w/ours.a" | grep -E '(head|iname)' | awk '{ print $NF }' | LC_ALL=C sort -u >"$w/ours.txt"
	same "$arch: head and iname symbols are named as ld --out-implib names them" "$w/ld.txt" "$w/ours.txt"
	llvm-ar t "$w/ours.a" >"$w/members.txt"
	printf 'k_dll_d000000.o\nk_dll_d000001.o\nk_dll_d000002.o\nk_dll_d000003.o\n' >"$w/members.want"
	same "$arch: members named after the DLL, head first and tail last" "$w/members.want" "$w/members.txt"
	id=$("$pre-dlltool" -I "$w/ours.a" 2>&1)
	[ "$id" = k.dll ] && ok "$arch: dlltool --identify reads the DLL name" ||
		fail "$arch: dlltool --identify reads the DLL name" "$id"
done

# --no-leading-underscore: i386 names without the C prefix.
"$MKIMPLIB" --format long -m i386 --no-leading-underscore -o nou.a k.def
ext_syms nou.a k_dll >nou.txt
llvm-nm -g --defined-only nou.a | awk 'NF == 3 { print $3 }' | LC_ALL=C sort >nou-raw.txt
printf '__imp_add\n__imp_counter\n_head_k_dll\nadd\nk_dll_iname\n' | LC_ALL=C sort >nou.want
same "i386 --no-leading-underscore: no '_' prefix anywhere" nou.want nou-raw.txt

# ---------------------------------------------------------------------------
# Real programs.  One client source for every linker; what each may use.
cat >small.def <<'EOF'
LIBRARY small.dll
EXPORTS
    add
    counter DATA
    autovar DATA
    cval CONSTANT
    byord @5 NONAME
    hidden PRIVATE
    fwd = other.func
    alias == realname
    unused
EOF
cat small.def >small32.def
printf '    sfunc@8\n    @ffunc@8\n    ?f@@YAHH@Z\n' >>small32.def
cat >client.c <<'EOF'
__declspec(dllimport) int add(int, int);
__declspec(dllimport) extern int counter;
extern int cval;            /* CONSTANT: the address-table slot itself */
int byord(void);            /* by ordinal, through the thunk */
int fwd(void);
int alias(void);
#ifdef AUTO
extern int autovar;         /* MinGW auto-import (GNU ld, lld in MinGW mode) */
#endif
#ifdef I386
int __stdcall sfunc(int, int);
int __fastcall ffunc(int, int);
#endif
#ifdef CPP
int cppf(int) __asm__("?f@@YAHH@Z"); /* an MSVC C++ name (clang only: GNU as cannot take it) */
#endif
int *volatile cval_slot;
int use(void);
int use(void)
{
	int r = add(1, 2) + counter + byord() + fwd() + alias();
	cval_slot = &cval;
#ifdef AUTO
	r += autovar;
#endif
#ifdef I386
	r += sfunc(1, 2) + ffunc(3, 4);
#endif
#ifdef CPP
	r += cppf(5);
#endif
	return r;
}
int main(void) { return use(); }
EOF
expect_imports() { # FILE [auto] [i386] [k] [cpp]
	local f=$1
	shift
	{
		printf 'small.dll %s\n' '#5' add counter cval fwd realname
		case " $* " in *" auto "*) echo "small.dll autovar" ;; esac
		case " $* " in *" cpp "*) echo "small.dll ?f@@YAHH@Z" ;; esac
		case " $* " in
		*" k "*) printf 'small.dll %s\n' sfunc ffunc ;;
		*" i386 "*) printf 'small.dll %s\n' 'sfunc@8' '@ffunc@8' ;;
		esac
	} | LC_ALL=C sort >"$f"
}

for arch in x86-64 i386; do
	for k in "" -k; do
		[ $arch = x86-64 ] && [ -n "$k" ] && continue
		pre=$(mingw $arch)
		tag="$arch${k:+ $k}"
		w=$T/prog-$arch$k
		mkdir -p "$w"
		def=small.def defs=() want=()
		[ $arch = i386 ] && { def=small32.def; defs=(-DI386); want=(i386); }
		[ -n "$k" ] && want+=(k)
		for archive in gnu coff; do
			lib=$w/small-$archive.a
			"$MKIMPLIB" --format long --archive $archive -m $arch $k -o "$lib" $def 2>"$w/err" ||
				{ fail "$tag: mkimplib ($archive archive)" "$(head -3 "$w/err")"; continue; }
			# GNU ld, with the MinGW runtime and auto-import.
			if "$pre-gcc" -O1 -DAUTO "${defs[@]}" -o "$w/gnu-$archive.exe" client.c "$lib" 2>"$w/gnu.err"; then
				imports "$w/gnu-$archive.exe" | grep '^small\.dll ' >"$w/gnu.txt"
				expect_imports "$w/gnu.want" auto "${want[@]}"
				same "$tag: GNU ld links a program with the library ($archive archive); exact imports" \
					"$w/gnu.want" "$w/gnu.txt"
			else
				fail "$tag: GNU ld links a program ($archive archive)" "$(head -5 "$w/gnu.err")"
			fi
			# lld-link, MSVC mode, no CRT (i386: the members carry @feat.00,
			# so /safeseh, the default, accepts them).
			clang --target="$(triple $arch)" -O1 "${defs[@]}" ${defs:+-DCPP} -c -o "$w/client.obj" client.c
			if "$LLD_LINK" -nologo -nodefaultlib -entry:use -subsystem:console -machine:"$(lldm $arch)" \
				-debug:symtab -out:"$w/lld-$archive.exe" "$w/client.obj" "$lib" >"$w/lld.err" 2>&1; then
				imports "$w/lld-$archive.exe" >"$w/lld.txt"
				expect_imports "$w/lld.want" "${want[@]}" ${defs:+cpp}
				same "$tag: lld-link (MSVC mode, no CRT) links it ($archive archive); exact imports" \
					"$w/lld.want" "$w/lld.txt"
			else
				fail "$tag: lld-link links it ($archive archive)" "$(head -5 "$w/lld.err")"
			fi
		done
		# The thunk jumps through the right slot.
		u=; [ $arch = i386 ] && u=_
		img=$w/lld-gnu.exe
		if [ -f "$img" ]; then
			t=$(thunk_target "$img" "${u}byord" $arch) a=$(sym_addr "$img" "__imp_${u}byord")
			[ -n "$t" ] && [ "$t" = "$a" ] && ok "$tag: the byord thunk jumps through __imp_${u}byord" ||
				fail "$tag: the byord thunk jumps through __imp_${u}byord" "thunk uses $t, slot at $a"
		fi
	done
done

# lld in MinGW mode (clang driver), x86-64, auto-import included.
w=$T/prog-mingw-lld
mkdir -p "$w"
gccdir=$(dirname "$(x86_64-w64-mingw32-gcc -print-libgcc-file-name)")
"$MKIMPLIB" --format long -m x86-64 -o "$w/small.a" small.def
if clang --target=x86_64-w64-mingw32 -fuse-ld=lld -L"$gccdir" -O1 -DAUTO -o "$w/c.exe" client.c "$w/small.a" 2>"$w/err"; then
	imports "$w/c.exe" | grep '^small\.dll ' >"$w/got.txt"
	expect_imports "$w/want.txt" auto
	same "x86-64: lld in MinGW mode links a program with auto-import; exact imports" "$w/want.txt" "$w/got.txt"
else
	fail "x86-64: lld in MinGW mode links a program" "$(head -5 "$w/err")"
fi

# Two DLLs in one link: each library's table pieces stay together.
printf 'LIBRARY one.dll\nEXPORTS\n    f1\n    g1\n    d1 DATA\n' >one.def
printf 'LIBRARY two.dll\nEXPORTS\n    f2\n    g2 @4 NONAME\n    d2 DATA\n' >two.def
cat >two.c <<'EOF'
int f1(void); int g1(void); int f2(void); int g2(void);
__declspec(dllimport) extern int d1, d2;
int use(void);
int use(void) { return f1() + f2() + g1() + g2() + d1 + d2; }
int main(void) { return use(); }
EOF
printf 'one.dll %s\n' d1 f1 g1 >two.want
printf 'two.dll %s\n' '#4' d2 f2 >>two.want
LC_ALL=C sort -o two.want two.want
for arch in x86-64 i386; do
	pre=$(mingw $arch)
	"$MKIMPLIB" --format long -m $arch -o one-$arch.a one.def
	"$MKIMPLIB" --format long -m $arch -o two-$arch.a two.def
	"$pre-gcc" -O1 -o two-gnu-$arch.exe two.c one-$arch.a two-$arch.a &&
		imports two-gnu-$arch.exe | grep -E '^(one|two)\.dll ' >two-gnu-$arch.txt &&
		same "$arch: GNU ld, two long libraries in one link: each import under its DLL" two.want two-gnu-$arch.txt ||
		fail "$arch: GNU ld, two long libraries in one link" "link failed"
	clang --target="$(triple $arch)" -O1 -c -o two-$arch.obj two.c &&
		"$LLD_LINK" -nologo -nodefaultlib -entry:use -subsystem:console -machine:"$(lldm $arch)" \
			-out:two-lld-$arch.exe two-$arch.obj one-$arch.a two-$arch.a &&
		imports two-lld-$arch.exe >two-lld-$arch.txt &&
		same "$arch: lld-link, two long libraries in one link: each import under its DLL" two.want two-lld-$arch.txt ||
		fail "$arch: lld-link, two long libraries in one link" "link failed"
done

# arm64 and arm: lld-link (MSVC mode) and ld.lld (MinGW mode); the thunks
# are the instructions lld itself makes for a short import, and jump
# through the right slot.
for arch in arm64 arm; do
	w=$T/prog-$arch
	mkdir -p "$w"
	case $arch in arm64) emu=arm64pe ;; arm) emu=thumb2pe ;; esac
	if ! "$MKIMPLIB" --format long -m $arch -o "$w/small.a" small.def 2>"$w/err"; then
		fail "$arch: mkimplib --format long" "$(head -3 "$w/err")"
		continue
	fi
	clang --target="$(triple $arch)" -O1 -c -o "$w/client.obj" client.c
	expect_imports "$w/want.txt"
	if "$LLD_LINK" -nologo -nodefaultlib -entry:use -subsystem:console -machine:"$(lldm $arch)" -debug:symtab \
		-out:"$w/c.exe" "$w/client.obj" "$w/small.a" >"$w/lld.err" 2>&1; then
		imports "$w/c.exe" >"$w/got.txt"
		same "$arch: lld-link links a program with the library; exact imports" "$w/want.txt" "$w/got.txt"
		t=$(thunk_target "$w/c.exe" byord $arch) a=$(sym_addr "$w/c.exe" __imp_byord)
		[ -n "$t" ] && [ "$t" = "$a" ] && ok "$arch: the byord thunk jumps through __imp_byord" ||
			fail "$arch: the byord thunk jumps through __imp_byord" "thunk uses $t, slot at $a"
	else
		fail "$arch: lld-link links a program with the library" "$(head -5 "$w/lld.err")"
	fi
	if "$LD_LLD" -m $emu --entry use -o "$w/m.exe" "$w/client.obj" "$w/small.a" >"$w/ldlld.err" 2>&1; then
		imports "$w/m.exe" >"$w/got-m.txt"
		same "$arch: ld.lld -m $emu links it; exact imports" "$w/want.txt" "$w/got-m.txt"
	else
		fail "$arch: ld.lld -m $emu links it" "$(head -5 "$w/ldlld.err")"
	fi
	# The same client against llvm-dlltool's short library: lld's own thunk.
	if "$LLVM_DLLTOOL" -m "$([ $arch = arm ] && echo arm || echo arm64)" -d small.def -l "$w/short.lib" 2>/dev/null &&
		"$LLD_LINK" -nologo -nodefaultlib -entry:use -subsystem:console -machine:"$(lldm $arch)" -debug:symtab \
			-out:"$w/s.exe" "$w/client.obj" "$w/short.lib" >/dev/null 2>&1; then
		thunk_insns "$w/s.exe" byord 3 >"$w/lld-thunk.txt"
		thunk_insns "$w/c.exe" byord 3 >"$w/our-thunk.txt"
		[ -s "$w/our-thunk.txt" ] && same "$arch: the thunk is the one lld makes for a short import" \
			"$w/lld-thunk.txt" "$w/our-thunk.txt" ||
			fail "$arch: the thunk is the one lld makes" "no thunk found"
	else
		fail "$arch: the thunk is the one lld makes" "the reference (llvm-dlltool's short library, linked by lld-link) could not be made"
	fi
done

# arm64ec: GNU tools have no ARM64EC; the long format refuses it.
if "$MKIMPLIB" --format long -m arm64ec -o ec.a small.def 2>ec.err; then
	fail "arm64ec: long format refused" "exit 0"
elif grep -q 'long format does not support arm64ec; use --format short' ec.err && [ ! -e ec.a ]; then
	ok "arm64ec: long format refused, pointing at --format short, nothing written"
else
	fail "arm64ec: long format refused" "$(cat ec.err)"
fi

# ---------------------------------------------------------------------------
# Determinism: the same bytes wherever and under whatever name the library is
# written, for both archive kinds; no path inside.
for archive in gnu coff; do
	mkdir -p det1 "det2/some where/deeper"
	"$MKIMPLIB" --format long --archive $archive -m i386 -o det1/libbig.dll.a big.def
	(cd "det2/some where/deeper" && "$MKIMPLIB" --format long --archive $archive -m i386 -o other.a "$T/big.def")
	same "$archive archive: same bytes wherever written" det1/libbig.dll.a "det2/some where/deeper/other.a"
	e=$(empty_of det1/libbig.dll.a "det2/some where/deeper/other.a")
	if [ -n "$e" ]; then
		fail "$archive archive: no output path inside" "nothing to look in: $e"
	elif grep -q -a -e 'det1' -e 'libbig' -e 'deeper' -e 'other' det1/libbig.dll.a "det2/some where/deeper/other.a"; then
		fail "$archive archive: no output path inside" "found a path fragment"
	else ok "$archive archive: no output path inside"; fi
done
# The COFF kind has Microsoft's two linker members ("/" twice), the GNU kind one.
ar_header() { dd if="$1" bs=1 skip="$2" count=60 2>/dev/null; }
second_name() {
	local h1 size
	h1=$(ar_header "$1" 8)
	size=$(echo "${h1:48:10}" | tr -d ' ')
	ar_header "$1" $((8 + 60 + size + size % 2)) | cut -c1-16
}
"$MKIMPLIB" --format long --archive coff -m x86-64 -o coff.a k.def
"$MKIMPLIB" --format long -m x86-64 -o gnu.a k.def
[ "$(second_name coff.a)" = "/               " ] && [ "$(second_name gnu.a)" != "/               " ] &&
	ok "--archive coff: two linker members; the GNU kind (the default) one" ||
	fail "--archive coff: two linker members" "second members: '$(second_name coff.a)' '$(second_name gnu.a)'"
