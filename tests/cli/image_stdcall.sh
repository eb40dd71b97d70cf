#!/bin/bash
# dk_image_recover_stdcall on real code, through tests/tools/recover-stdcall
# (built here against the library as it is, sanitized when it is):
#   - i386 DLLs built here from one C source of stdcall, fastcall, cdecl and
#     varargs functions with known argument sizes, by i686 MinGW gcc (-O0,
#     -O2, -Os, linked with --kill-at) and clang for i686-pc-windows-msvc
#     (-O0, -O1, -O2, -Os, linked by lld-link from a .def that undecorates):
#     every decision must be the decoration the object's symbol has, and
#     the functions whose code shows it must be decided;
#   - Wine's i386 PE DLLs beside mingw-w64's lib32 import libraries (built
#     from its lib32 .def files): no crash, no sanitizer report, and the
#     decisions on names both know agree (Wine's prototypes differ from
#     Windows' for a few functions, and mingw-w64's .def has a few wrong
#     entries: a handful of differences is allowed, each listed in the log).
. "$(dirname "$0")/../lib.sh"
LIBA=$BUILD/libdllkit.a
built "recover stdcall" "$LIBA" || exit 0
need "recover stdcall" llvm-nm lld-link clang i686-w64-mingw32-gcc x86_64-w64-mingw32-gcc || exit 0
cd "$T" || exit 1

DRV=$T/recover-stdcall
SANF=
nm "$LIBA" 2>/dev/null | grep -q '__asan_' && SANF="-fsanitize=address,undefined"
if ! cc -std=c11 -Wall -Wextra -I"$TOP/lib" $SANF -o "$DRV" "$TOP/tests/tools/recover-stdcall.c" "$LIBA" -lbfd-multiarch 2>cc.err &&
   ! cc -std=c11 -Wall -Wextra -I"$TOP/lib" $SANF -o "$DRV" "$TOP/tests/tools/recover-stdcall.c" "$LIBA" -lbfd 2>>cc.err; then
	fail "build tests/tools/recover-stdcall.c" "$(head -5 cc.err | tr '\n' '|')"
	exit 1
fi

cat >cc.c <<'EOF'
typedef struct big { int a[8]; } big;
typedef struct pair { int a, b; } pair;
typedef __builtin_va_list va_list;
int __stdcall s0(void) { return 1; }
int __stdcall s4(int a) { return a + 1; }
int __stdcall s8(int a, int b) { return a * b; }
double __stdcall s12(double a, int b) { return a * b; }
long long __stdcall s16(long long a, long long b) { return a - b; }
int __stdcall s20(int a, int b, int c, int d, int e) { return a ? b + c : d - e; }
int __stdcall s_sw(int a, int b)
{
	switch (a) {
	case 0: return b; case 1: return b * 3; case 2: return b + 7;
	case 3: return b ^ 5; case 4: return -b; case 5: return b * b;
	default: return 0;
	}
}
big __stdcall s_big(int a) { big r = {{a}}; return r; }
pair __stdcall s_pair(int a, int b) { pair r = {a, b}; return r; }
int __stdcall s_calls(int a, int b, int c) { return s8(a, b) + s4(c); }
int __stdcall s_frame(int a, int b) { volatile char buf[8192]; buf[a & 8191] = (char)b; return buf[(a + b) & 8191]; }
int *__stdcall s_retarg(int *p, int v) { *p = v; return p; }
int __fastcall f4(int a) { return a + 1; }
int __fastcall f8(int a, int b) { return a * b; }
int __fastcall f12(int a, int b, int c) { return a * b + c; }
int __fastcall f16(int a, int b, int c, int d) { return (a ? b : c) + d; }
int __fastcall f8c(char a, short b) { return a * b; }
long long __fastcall f12ll(int a, long long b) { return a + b; }
int __fastcall f_pass(int a, int b, int c) { return f8(a, b) + c; }
int __fastcall f_frame(int a, int b, int c) { volatile char buf[8192]; buf[a & 8191] = (char)b; return buf[(c + b) & 8191]; }
void __fastcall f_store(int *p, int v) { *p = v; }
int __cdecl c0(void) { return 3; }
int __cdecl c8(int a, int b) { return a - b; }
big __cdecl c_big(int a) { big r = {{a}}; return r; }
int __cdecl v(int n, ...)
{
	va_list ap; int s = 0;
	__builtin_va_start(ap, n);
	while (n--) s += __builtin_va_arg(ap, int);
	__builtin_va_end(ap);
	return s;
}
int counter = 5;
#ifdef _MSC_VER
int _fltused;
#endif
EOF
# Decided in every configuration: their code shows the decoration.
MUST="s4 s8 s12 s16 s20 s_calls s_frame f8 f12 f16 f8c f_pass f_frame f_store"

# truth OBJ: "name<TAB>decorated" from the object's symbols, GNU .def naming
truth() {
	llvm-nm -g --defined-only "$1" | awk '$2 == "T" { s = $3
		if (s ~ /^@/) { n = s; sub(/^@/, "", n); sub(/@[0-9]+$/, "", n); print n "\t" s }
		else if (s ~ /^_.*@[0-9]+$/) { n = substr(s, 2); d = n; sub(/@[0-9]+$/, "", n); print n "\t" d }
		else if (s ~ /^_/) print substr(s, 2) "\tcdecl" }' | LC_ALL=C sort
}

# judge LABEL DLL OBJ
judge() {
	local label=$1 dll=$2 obj=$3
	if ! "$DRV" "$dll" >"$label.out" 2>"$label.err"; then
		fail "$label" "recover-stdcall failed: $(head -c 300 "$label.err")"
		return
	fi
	if grep -q 'ERROR: AddressSanitizer\|runtime error' "$label.err"; then
		fail "$label" "sanitizer: $(grep -m2 'ERROR\|runtime error' "$label.err" | tr '\n' '|')"
		return
	fi
	truth "$obj" >"$label.truth"
	local bad
	bad=$(awk -F'\t' 'NR == FNR { t[$1] = $2; next }
		$2 != "?" && t[$1] != $2 { printf "%s: %s, truth %s; ", $1, $2, t[$1] }' \
		"$label.truth" "$label.out")
	local missing="" n
	for n in $MUST; do
		grep -q "^$n	[^?]" "$label.out" || missing="$missing $n"
	done
	local dec und
	dec=$(awk -F'\t' '$2 != "?"' "$label.out" | wc -l)
	und=$(awk -F'\t' '$2 == "?"' "$label.out" | wc -l)
	if [ -n "$bad" ]; then fail "$label: decisions match the symbols" "$bad"
	elif [ -n "$missing" ]; then fail "$label: decides what the code shows" "undecided:$missing ($(grep -E "^(${missing// /|})	" "$label.out" | head -3 | tr '\n\t' '| '))"
	else ok "$label: $dec decided, all right; $und undecided"; fi
}

{
	for o in O0 O2 Os; do
		if i686-w64-mingw32-gcc -$o -c cc.c -o gcc-$o.o 2>cc.err &&
		   i686-w64-mingw32-gcc -shared -Wl,--kill-at,--export-all-symbols -o gcc-$o.dll gcc-$o.o 2>>cc.err; then
			judge "gcc -$o --kill-at" gcc-$o.dll gcc-$o.o
		else
			fail "gcc -$o --kill-at" "build: $(head -c 300 cc.err)"
		fi
	done
}

{
	for o in O0 O1 O2 Os; do
		if ! clang --target=i686-pc-windows-msvc -mstack-probe-size=100000 -$o -c cc.c -o clang-$o.o 2>cc.err; then
			fail "clang -$o" "compile: $(head -c 300 cc.err)"
			continue
		fi
		# a .def that undecorates: `s8 = _s8@8`, as Windows' own DLLs are linked
		{ echo "LIBRARY clang-$o.dll"; echo EXPORTS
		  llvm-nm -g --defined-only clang-$o.o | awk '$2 == "T" || $2 == "D" || $2 == "B" { s = $3
			if (s == "__fltused") next
			n = s; sub(/^[_@]/, "", n); sub(/@[0-9]+$/, "", n)
			if ($2 != "T") print n " DATA"; else if (s ~ /@/) print n " = " s; else print n }'
		} >clang-$o.def
		if lld-link -dll -noentry -nodefaultlib -machine:x86 -def:clang-$o.def -out:clang-$o.dll clang-$o.o >cc.err 2>&1; then
			judge "clang -$o, lld-link .def" clang-$o.dll clang-$o.o
		else
			fail "clang -$o, lld-link .def" "link: $(head -c 300 cc.err)"
		fi
	done
}

# The library's own arguments: nothing for x86-64, already decorated names left alone.
if x86_64-w64-mingw32-gcc -O2 -shared -o x64.dll cc.c 2>x64.cc.err; then
	"$DRV" x64.dll >x64.out 2>x64.err
	rc=$?
	if [ $rc -ne 0 ] || [ -s x64.out ] || [ -s x64.err ]; then fail "x86-64 DLL untouched" "exit $rc: $(head -3 x64.out x64.err | tr '\n' '|')"
	else ok "x86-64 DLL untouched"; fi
else
	fail "x86-64 DLL untouched: build x64.dll" "$(head -c 300 x64.cc.err)"
fi
# An i386 DLL that keeps its decorations (no --kill-at): only the names
# without @N (cdecl, data) are looked at, and they stay as they are.
if [ -f gcc-O2.o ] && i686-w64-mingw32-gcc -shared -o deco.dll gcc-O2.o 2>deco.cc.err; then
	"$DRV" deco.dll >deco.out 2>deco.err
	rc=$?
	if [ $rc -ne 0 ] || [ -s deco.err ]; then fail "decorated names untouched" "exit $rc: $(head -3 deco.err | tr '\n' '|')"
	elif grep -q '@.*	' deco.out; then fail "decorated names untouched" "$(grep -m3 '@.*	' deco.out | tr '\n' '|')"
	elif ! grep -q '^c0	' deco.out; then fail "decorated names untouched" "the cdecl c0 was not looked at: $(head -3 deco.out | tr '\n\t' '| ')"
	else ok "decorated names untouched ($(wc -l <deco.out) undecorated looked at)"; fi
else
	fail "decorated names untouched: build deco.dll" "$(head -c 300 deco.cc.err 2>/dev/null)"
fi

# Wine's i386 PE DLLs beside mingw-w64's lib32 import libraries.
WINE32=""
for d in /usr/lib/i386-linux-gnu/wine/i386-windows /usr/lib/wine/i386-windows \
	 /var/cache/dllkit/wine32/usr/lib/i386-linux-gnu/wine/i386-windows; do
	[ -f "$d/kernel32.dll" ] && { WINE32=$d; break; }
done
SYSROOT=/usr/i686-w64-mingw32/lib
if [ -z "$WINE32" ]; then
	missing "Wine i386 DLLs" "Wine's i386 PE DLLs (make deps unpacks them with tests/interop/lib/setup-wine32.sh)"
elif [ ! -d "$SYSROOT" ]; then
	missing "Wine i386 DLLs" "the mingw-w64 i686 sysroot $SYSROOT"
else
	ls "$WINE32"/*.dll >wine.list
	xargs -d '\n' "$DRV" <wine.list >wine.out 2>wine.err
	if grep -q 'ERROR: AddressSanitizer\|runtime error' wine.err; then
		fail "Wine i386 DLLs" "sanitizer: $(grep -m2 'ERROR\|runtime error' wine.err | tr '\n' '|')"
	elif [ -s wine.err ]; then
		fail "Wine i386 DLLs" "errors: $(head -3 wine.err | tr '\n' '|')"
	else
		# truth: __imp__Name@N / __imp_@Name@N in lib<dll>.a, for the DLLs with one
		: >wine.truth
		for dll in $(cut -f1 wine.out | sort -u); do
			b=$(basename "$dll" .dll | tr 'A-Z' 'a-z')
			[ -f "$SYSROOT/lib$b.a" ] || continue
			llvm-nm "$SYSROOT/lib$b.a" 2>/dev/null | awk -v dll="$b" '$2 == "I" && $3 ~ /^__imp_/ {
				s = substr($3, 7)
				if (s ~ /^@.*@[0-9]+$/) { n = substr(s, 2); sub(/@[0-9]+$/, "", n); print dll "\t" n "\t" s }
				else if (s ~ /^_.*@[0-9]+$/) { s = substr(s, 2); n = s; sub(/@[0-9]+$/, "", n); print dll "\t" n "\t" s }
				else if (s ~ /^_/ && s !~ /@/) print dll "\t" substr(s, 2) "\t" substr(s, 2) }'
		done | LC_ALL=C sort -u >wine.truth
		awk -F'\t' 'NR == FNR { t[$1 "\t" $2] = $3; next }
			{ n = split($1, p, "/"); dll = tolower(p[n]); sub(/\.dll$/, "", dll)
			  k = dll "\t" $2; if (!(k in t)) { other++; next }
			  if ($3 == "?") { und++; next }
			  if ($3 == t[k]) agree++; else { dis++; print "differs: " dll " " $2 " " $3 ", mingw-w64 " t[k] > "/dev/stderr" } }
			END { printf "%d %d %d %d\n", agree, dis, und, other }' wine.truth wine.out 2>wine.diff >wine.figures
		read -r agree dis und other <wine.figures
		cat wine.diff
		total=$(wc -l <wine.out)
		# allowed: under 1% of what both know (Wine prototypes, .def errors,
		# stdcall functions mingw-w64 lists plain, an older mingw-w64)
		if [ "$agree" -gt 1000 ] && [ $((dis * 100)) -lt "$agree" ]; then
			ok "Wine i386 DLLs: $total code exports, $agree decided as mingw-w64 says, $dis otherwise (listed above), $und undecided, $other not in mingw-w64"
		else
			fail "Wine i386 DLLs" "$agree agree, $dis differ, $und undecided (see $T/wine.diff)"
		fi
	fi
fi
