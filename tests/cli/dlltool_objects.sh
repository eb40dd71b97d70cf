#!/bin/bash
# dllkit-dlltool from objects, beside GNU dlltool 2.40: -z (the .def of
# what the objects export), -A, -k, --export-all-symbols,
# --exclude-symbols, --no-default-excludes, and -l from the same objects,
# on i386 and x86-64 objects from MinGW gcc, and an archive of them.
. "$(dirname "$0")/../lib.sh"
DT=$BIN/dllkit-dlltool
DE=$BIN/dumpexports
built "dllkit-dlltool" "$DT" "$DE" || exit 0
need "dllkit-dlltool -z beside GNU dlltool" llvm-nm x86_64-w64-mingw32-gcc x86_64-w64-mingw32-dlltool \
	i686-w64-mingw32-gcc i686-w64-mingw32-dlltool || exit 0
cd "$T" || exit 1

cat >api.c <<'EOF'
#ifdef __i386__
#define STD __stdcall
#define FAST __fastcall
#else
#define STD
#define FAST
#endif
__declspec(dllexport) int add(int a, int b) { return a + b; }
__declspec(dllexport) int STD sfunc(int a, int b) { return a - b; }
__declspec(dllexport) int FAST ffunc(int a, int b) { return a * b; }
__declspec(dllexport) int counter = 5;
int notexported(void) { return 1; }
int DllMain(void *h, unsigned r, void *p) { (void)h; (void)r; (void)p; return 1; }
EOF
cat >more.c <<'EOF'
__declspec(dllexport) int more_fn(void) { return 2; }
__declspec(dllexport) const char more_name[] = "more";
int more_hidden(void) { return 3; }
EOF

# A .def file's exports, ordinals left out (GNU dlltool numbers them all;
# dllkit invents none), sorted.
view() { "$DE" --format def "$1" 2>&1 | sed -n '/^EXPORTS/,$p' | sed '1d' | sed -E 's/ @[0-9]+( |$)/\1/; s/^ +//' | LC_ALL=C sort; }
ext_syms() {
	llvm-nm -g --defined-only "$1" 2>/dev/null | awk 'NF == 3 { print $3 }' |
		sed -E 's/^_*head_[A-Za-z0-9_]*$/HEAD/; s/^_*[A-Za-z0-9_]*_iname$/INAME/' | LC_ALL=C sort
}

for arch in i386 x86-64; do
	case $arch in i386) pre=i686-w64-mingw32 ;; *) pre=x86_64-w64-mingw32 ;; esac
	mkdir -p "$arch"
	if ! "$pre-gcc" -O1 -c -o "$arch/api.o" api.c || ! "$pre-gcc" -O1 -c -o "$arch/more.o" more.c; then
		fail "$arch: objects" "$pre-gcc failed"
		continue
	fi
	rm -f "$arch/libmore.a"
	ar rcs "$arch/libmore.a" "$arch/more.o"
	for opts in "" "-A" "-k" "-k -A" "--export-all-symbols" "--export-all-symbols --no-default-excludes" \
		"--export-all-symbols --exclude-symbols=add,notexported" "--no-export-all-symbols"; do
		tag="$arch -z ${opts:-(no option)}"
		w=$T/$arch/z${opts// /}
		mkdir -p "$w"
		# shellcheck disable=SC2086  # the options are words
		(cd "$w" && "$pre-dlltool" $opts -z g.def "$T/$arch/api.o" "$T/$arch/libmore.a") ||
			{ fail "$tag: GNU dlltool" failed; continue; }
		# shellcheck disable=SC2086
		if ! "$DT" $opts -z "$w/o.def" "$arch/api.o" "$arch/libmore.a" 2>"$w/err"; then
			fail "$tag: dllkit-dlltool" "$(head -3 "$w/err")"
			continue
		fi
		[ -s "$w/err" ] && fail "$tag: quiet on success" "$(head -3 "$w/err" | tr '\n' '|')"
		view "$w/g.def" >"$w/g.view"
		view "$w/o.def" >"$w/o.view"
		# dllkit leaves DllMain out of --export-all-symbols (as GNU ld
		# does); GNU dlltool only DllMain@12.  GNU dlltool 2.40 on
		# x86-64 ignores --exclude-symbols (it looks for "_add").  Both
		# are in dllkit-dlltool(1), DIFFERENCES.
		grep -vx 'DllMain' "$w/g.view" >"$w/g.want"
		case "$arch $opts" in
		"x86-64 "*--exclude-symbols*) grep -vxE 'add|notexported' "$w/g.want" >"$w/g.w2"; mv "$w/g.w2" "$w/g.want" ;;
		esac
		same "$tag: the exports of GNU dlltool's .def ($(wc -l <"$w/o.view"))" "$w/g.want" "$w/o.view"
	done
	# The exceptions are real: the names are in GNU dlltool's .def.
	grep -qx 'DllMain' "$T/$arch/z--export-all-symbols/g.view" &&
		! grep -q DllMain "$T/$arch/z--export-all-symbols/o.view" &&
		ok "$arch: --export-all-symbols leaves DllMain out" ||
		fail "$arch: --export-all-symbols leaves DllMain out" "$(tr '\n' ' ' <"$T/$arch/z--export-all-symbols/o.view")"
	grep -qx 'notexported' "$T/$arch/z--export-all-symbols/o.view" &&
		! grep -qx 'notexported' "$T/$arch/z--export-all-symbols--exclude-symbols=add,notexported/o.view" &&
		ok "$arch: --exclude-symbols leaves the names out" ||
		fail "$arch: --exclude-symbols leaves the names out" "see $T/$arch"

	# -l from the same objects: GNU dlltool's symbols and names imported.
	for opts in "" "-A" "-k" "--export-all-symbols"; do
		tag="$arch -l from objects ${opts:-(no option)}"
		w=$T/$arch/l${opts// /}
		mkdir -p "$w"
		# shellcheck disable=SC2086
		(cd "$w" && "$pre-dlltool" $opts -D api.dll -l g.a "$T/$arch/api.o" "$T/$arch/libmore.a") ||
			{ fail "$tag: GNU dlltool" failed; continue; }
		# shellcheck disable=SC2086
		"$DT" $opts -D api.dll -l "$w/o.a" "$arch/api.o" "$arch/libmore.a" 2>"$w/err" ||
			{ fail "$tag: dllkit-dlltool" "$(head -3 "$w/err")"; continue; }
		ext_syms "$w/g.a" | grep -v 'DllMain' >"$w/g.syms"
		ext_syms "$w/o.a" >"$w/o.syms"
		same "$tag: the symbols of GNU dlltool's library ($(wc -l <"$w/o.syms"))" "$w/g.syms" "$w/o.syms"
		"$DE" --format def "$w/g.a" | grep -v DllMain | LC_ALL=C sort >"$w/g.view"
		"$DE" --format def "$w/o.a" | LC_ALL=C sort >"$w/o.view"
		same "$tag: the names GNU dlltool's library imports" "$w/g.view" "$w/o.view"
	done
done
# -A adds the undecorated names on i386 (and only there).
if grep -q '^ *sfunc = sfunc@8' "$T/i386/z-A/o.def" && grep -q '^ *ffunc = @ffunc@8' "$T/i386/z-A/o.def" &&
	! grep -q ' = ' "$T/x86-64/z-A/o.def"; then
	ok "-A: sfunc = sfunc@8 and ffunc = @ffunc@8 on i386, nothing on x86-64"
else
	fail "-A: sfunc = sfunc@8 and ffunc = @ffunc@8 on i386, nothing on x86-64" "$(tr '\n' '|' <"$T/i386/z-A/o.def")"
fi

# -D with -z: the LIBRARY line.
"$DT" -D api.dll -z named.def x86-64/api.o 2>/dev/null
grep -q '^LIBRARY "\?api.dll"\?' named.def && ok "-z with -D writes the LIBRARY line" ||
	fail "-z with -D writes the LIBRARY line" "$(head -2 named.def | tr '\n' '|')"
# -m that the objects contradict is refused.
"$DT" -m i386 -z bad.def x86-64/api.o >/dev/null 2>bad.err
if error_ok "-m i386 with x86-64 objects is refused" 'api.o.*x86-64.*-m says i386' $? bad.err mkimplib; then
	[ -e bad.def ] && fail "-m i386 with x86-64 objects is refused" "bad.def written" ||
		ok "-m i386 with x86-64 objects is refused"
fi
