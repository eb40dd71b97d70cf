#!/bin/bash
# dllkit-dlltool from a .def file, beside GNU dlltool 2.40 and llvm-dlltool 22:
#   - every naming option (-k, -A, -U, --add-stdcall-underscore,
#     --no-leading-underscore) gives the symbols GNU dlltool's library
#     defines and the loader names it imports, on i386 and x86-64;
#   - llvm-dlltool's options give what llvm-dlltool's library imports, on
#     i386, x86-64, arm64 and arm, and its bytes for -m arm64ec with -N;
#   - programs linked against ours and against GNU dlltool's by GNU ld
#     import the same (llvm-readobj --coff-imports);
#   - the long option spellings and the ignored assembler options change
#     nothing; -e writes the export object GNU dlltool writes;
#   - a target prefix picks the default machine; no output on stderr.
. "$(dirname "$0")/../lib.sh"
DT=$BIN/dllkit-dlltool
DE=$BIN/dumpexports
LLVM_DLLTOOL=/usr/lib/llvm-22/bin/llvm-dlltool
built "dllkit-dlltool" "$DT" "$DE" || exit 0
need "dllkit-dlltool beside GNU dlltool and llvm-dlltool" "$LLVM_DLLTOOL" llvm-nm llvm-readobj \
	x86_64-w64-mingw32-gcc x86_64-w64-mingw32-dlltool i686-w64-mingw32-gcc i686-w64-mingw32-dlltool || exit 0
cd "$T" || exit 1

gnu() { case $1 in i386) echo i686-w64-mingw32 ;; x86-64) echo x86_64-w64-mingw32 ;; esac; }
mname() { case $1 in i386) echo i386 ;; x86-64) echo i386:x86-64 ;; *) echo "$1" ;; esac; }

# The defined external symbols of a library, sorted, with the head and
# iname symbols (GNU dlltool names them after the output file, dllkit
# after the DLL) written HEAD and INAME.
ext_syms() {
	llvm-nm -g --defined-only "$1" 2>/dev/null | awk 'NF == 3 { print $3 }' |
		sed -E 's/^_*head_[A-Za-z0-9_]*$/HEAD/; s/^_*[A-Za-z0-9_]*_iname$/INAME/' | LC_ALL=C sort
}
# What a library makes the loader look for: its .def listing, sorted.
# CONSTANT reads as code from GNU dlltool's members and as CONSTANT from
# ours (dllkit-dlltool(1), DIFFERENCES); the names are compared.
loader_view() { "$DE" --format def "$1" 2>&1 | sed 's/ CONSTANT//' | LC_ALL=C sort; }

# quiet NAME ERRFILE: a run that succeeded printed nothing on stderr.
quiet_fail=0
quiet() { [ -s "$2" ] && { fail "$1: quiet on success" "$(head -3 "$2" | tr '\n' '|')"; quiet_fail=1; }; }

cat >t.def <<'EOF'
LIBRARY t.dll
EXPORTS
    plain
    sfunc@8
    @ffunc@8
    var DATA
    stdd@4 DATA
    cst CONSTANT
    priv PRIVATE
    byo @5 NONAME
    ord @300
    fwd = other.func
    ext = internal_impl
    alias == realname
EOF

# i386 vectorcall names get no '_' here, as in llvm-dlltool and link.exe
# (GNU dlltool gives them one: dllkit-dlltool(1), DIFFERENCES); they are
# compared with llvm-dlltool's below.
sed 's/^    @ffunc@8$/&\n    vfunc@@16/' t.def >tv.def

# ---------------------------------------------------------------------------
# The naming options, beside GNU dlltool.
for arch in i386 x86-64; do
	for opts in "" "-k" "-A" "-U" "--add-stdcall-underscore" "--no-leading-underscore" "-U -k" \
		"--add-stdcall-underscore -k" "-k --no-leading-underscore"; do
		tag="$arch ${opts:-(no option)}"
		w=$T/n-$arch${opts// /}
		mkdir -p "$w"
		# shellcheck disable=SC2086  # the options are words
		(cd "$w" && "$(gnu $arch)-dlltool" $opts -d "$T/t.def" -l g.a) ||
			{ fail "$tag: GNU dlltool" "failed"; continue; }
		# shellcheck disable=SC2086
		if ! "$DT" $opts -m "$(mname $arch)" -d t.def -l "$w/o.a" 2>"$w/err"; then
			fail "$tag: dllkit-dlltool" "$(head -3 "$w/err")"
			continue
		fi
		quiet "$tag" "$w/err"
		ext_syms "$w/g.a" >"$w/g.syms"
		ext_syms "$w/o.a" >"$w/o.syms"
		same "$tag: the symbols GNU dlltool's library defines ($(wc -l <"$w/o.syms"))" \
			"$w/g.syms" "$w/o.syms"
		loader_view "$w/g.a" >"$w/g.view"
		loader_view "$w/o.a" >"$w/o.view"
		same "$tag: the names GNU dlltool's library imports" "$w/g.view" "$w/o.view"
	done
done
# The checks above compare something: -k and -U do change what is imported.
if grep -q 'sfunc@8 == sfunc$' "$T/n-x86-64-k/o.view" && grep -q 'plain == _plain' "$T/n-i386-U/o.view" &&
	grep -q 'sfunc@8 == _sfunc$' "$T/n-i386-U-k/o.view" && ! grep -q 'plain ==' "$T/n-i386--add-stdcall-underscore/o.view"; then
	ok "-k, -U and --add-stdcall-underscore change the names imported, as in GNU dlltool"
else
	fail "-k, -U and --add-stdcall-underscore change the names imported, as in GNU dlltool" \
		"$(tr '\n' '|' <"$T/n-i386-U-k/o.view")"
fi

# ---------------------------------------------------------------------------
# Programs linked by GNU ld against GNU dlltool's library and ours import
# the same names from the same DLL.
cat >client.c <<'EOF'
#ifdef __i386__
#define STD __stdcall
#define FAST __fastcall
#else
#define STD
#define FAST
#endif
__declspec(dllimport) int plain(void);
__declspec(dllimport) int STD sfunc(int, int);
__declspec(dllimport) int FAST ffunc(int, int);
__declspec(dllimport) extern int var;
int realname(void);
int main(void) { return plain() + sfunc(1, 2) + ffunc(3, 4) + var; }
EOF
# On x86-64 the decorated .def names are plain C names.
sed 's/^    sfunc@8$/    sfunc/; s/^    @ffunc@8$/    ffunc/; s/^    stdd@4 DATA$/    stdd DATA/' t.def >t64.def
sed 's/^    sfunc@8$/    sfunc/; s/^    @ffunc@8$/    ffunc/; s/^    stdd@4 DATA$/    stdd DATA/' tv.def >t64v.def
imports() {
	llvm-readobj --coff-imports "$1" | awk '/^  Name: / { dll = $2 } /^  Symbol: / { print dll " " $2 }' | LC_ALL=C sort
}
for arch in i386 x86-64; do
	def=t.def; [ $arch = x86-64 ] && def=t64.def
	for k in "" -k; do
		tag="$arch${k:+ $k}"
		w=$T/l-$arch$k
		mkdir -p "$w"
		pre=$(gnu $arch)
		(cd "$w" && "$pre-dlltool" $k -d "$T/$def" -l libg.a) || { fail "$tag: GNU dlltool" failed; continue; }
		"$DT" $k -m "$(mname $arch)" -d $def -l "$w/libo.a" 2>"$w/err" || { fail "$tag: ours" "$(cat "$w/err")"; continue; }
		quiet "$tag: link" "$w/err"
		if "$pre-gcc" -O1 -o "$w/g.exe" client.c "$w/libg.a" >"$w/g.log" 2>&1 &&
			"$pre-gcc" -O1 -o "$w/o.exe" client.c "$w/libo.a" >"$w/o.log" 2>&1; then
			imports "$w/g.exe" | grep '^t\.dll' >"$w/g.imp"
			imports "$w/o.exe" | grep '^t\.dll' >"$w/o.imp"
			same "$tag: a program linked by GNU ld imports what GNU dlltool's library gives ($(wc -l <"$w/o.imp"))" \
				"$w/g.imp" "$w/o.imp"
		else
			fail "$tag: programs link" "$(head -3 "$w"/*.log | tr '\n' '|')"
		fi
	done
done
grep -qx 't.dll sfunc' "$T/l-i386-k/o.imp" && grep -qx 't.dll sfunc@8' "$T/l-i386/o.imp" &&
	ok "i386: -k makes the program import sfunc, without it sfunc@8" ||
	fail "i386: -k makes the program import sfunc, without it sfunc@8" "$(tr '\n' '|' <"$T/l-i386-k/o.imp")"

# ---------------------------------------------------------------------------
# Beside llvm-dlltool: its options, its machines (short format there, long
# here: the names imported are compared).
for arch in i386 x86-64 arm64 arm; do
	for opts in "" "-k" "--no-leading-underscore"; do
		[ $arch != i386 ] && [ -n "$opts" ] && [ "$opts" != -k ] && continue
		tag="llvm-dlltool -m $(mname $arch) ${opts:-(no option)}"
		w=$T/v-$arch${opts// /}
		mkdir -p "$w"
		def=tv.def; [ $arch = i386 ] || def=t64v.def
		# -k on vectorcall names outside i386: llvm-dlltool keeps f@@16
		# whole, GNU dlltool (followed here) cuts it to f@.
		[ "$opts" = -k ] && [ $arch != i386 ] && def=t64.def
		# shellcheck disable=SC2086
		"$LLVM_DLLTOOL" $opts -m "$(mname $arch)" -d $def -l "$w/v.lib" 2>"$w/verr" ||
			{ fail "$tag: llvm-dlltool" "$(head -2 "$w/verr")"; continue; }
		# shellcheck disable=SC2086
		"$DT" $opts -m "$(mname $arch)" -d $def -l "$w/o.a" 2>"$w/err" ||
			{ fail "$tag: dllkit-dlltool" "$(head -2 "$w/err")"; continue; }
		quiet "$tag" "$w/err"
		loader_view "$w/v.lib" | sed 's/ CONSTANT$/ DATA/' >"$w/v.view"
		loader_view "$w/o.a" | sed 's/ CONSTANT$/ DATA/' >"$w/o.view"
		same "$tag: the names llvm-dlltool's library imports" "$w/v.view" "$w/o.view"
		# --format short: llvm-dlltool's bytes (but for -k outside i386,
		# where the names imported are compared above).
		[ "$opts" = -k ] && [ $arch != i386 ] && continue
		# shellcheck disable=SC2086
		"$DT" $opts --format short -m "$(mname $arch)" -d $def -l "$w/s.lib" 2>"$w/err" &&
			same "$tag --format short: llvm-dlltool's bytes" "$w/v.lib" "$w/s.lib"
	done
done

# ARM64X: -m arm64ec with -N (the short format, as llvm-dlltool writes it).
printf 'LIBRARY x.dll\nEXPORTS\n    ecfunc\n    both\n    ecdata DATA\n' >ec.def
printf 'LIBRARY x.dll\nEXPORTS\n    natfunc\n    both\n' >nat.def
if "$LLVM_DLLTOOL" -m arm64ec -d ec.def -N nat.def -l v-x.lib 2>v-x.err; then
	"$DT" -m arm64ec -d ec.def -N nat.def -l o-x.lib 2>o-x.err
	quiet "-m arm64ec -N" o-x.err
	same "-m arm64ec -N: llvm-dlltool's ARM64X library, byte for byte" v-x.lib o-x.lib
else
	fail "-m arm64ec -N: llvm-dlltool" "$(head -2 v-x.err)"
fi

# ---------------------------------------------------------------------------
# Spellings: long options, option=value, and what only an assembler-based
# dlltool needs change nothing.
"$DT" -m i386 -k -d t.def -D t.dll -l short.a 2>e1
"$DT" --machine=i386 --kill-at --input-def t.def --dllname=t.dll --output-lib long.a 2>e2
"$DT" -m i386 -k -d t.def -D t.dll -l asm.a -S /no/such/as -f --32 --as-flags=--32 -t tmpx --temp-prefix tmpy -C -n \
	--compat-implib --no-delete --deterministic-libraries 2>e3
quiet "spellings" e1; quiet "spellings" e2; quiet "spellings" e3
if same_bytes short.a long.a; then ok "long option spellings give the same library"
else fail "long option spellings give the same library" "the bytes differ"; fi
if same_bytes short.a asm.a; then ok "-S, -f, -t, -C, -n and --deterministic-libraries are accepted and change nothing"
else fail "-S, -f, -t, -C, -n and --deterministic-libraries are accepted and change nothing" "the bytes differ or a run failed: $(cat e3)"; fi
# -D names the DLL the library imports from, over the .def's LIBRARY.
"$DT" -m i386:x86-64 -d t64.def -D other.dll -l d.a 2>e4
if loader_view d.a | grep -q '^LIBRARY "other.dll"'; then ok "-D names the DLL imported from"
else fail "-D names the DLL imported from" "$(loader_view d.a | head -2 | tr '\n' '|')"; fi

# ---------------------------------------------------------------------------
# -e: the export object GNU dlltool writes (exports, ordinals and names as
# dumpexports reads them back), plain and with -k.
printf 'LIBRARY e.dll\nEXPORTS\n    plain\n    sfunc@8\n    var DATA\n    byo @5 NONAME\n    ord @300\n' >e.def
for arch in i386 x86-64; do
	for k in "" -k; do
		tag="-e, $arch${k:+ $k}"
		w=$T/e-$arch$k
		mkdir -p "$w"
		(cd "$w" && "$(gnu $arch)-dlltool" $k -d "$T/e.def" -e g.exp) || { fail "$tag: GNU dlltool" failed; continue; }
		"$DT" $k -m "$(mname $arch)" -d e.def -e "$w/o.exp" -l "$w/o.a" 2>"$w/err" ||
			{ fail "$tag: dllkit-dlltool" "$(cat "$w/err")"; continue; }
		quiet "$tag" "$w/err"
		# An export table does not say what is data; dumpexports guesses
		# it from the symbols, which differ: DATA is left out.
		"$DE" --format def "$w/g.exp" 2>&1 | sed 's/ DATA$//' >"$w/g.view"
		"$DE" --format def "$w/o.exp" 2>&1 | sed 's/ DATA$//' >"$w/o.view"
		same "$tag: the export table GNU dlltool's export object holds" "$w/g.view" "$w/o.view"
		[ -s "$w/o.a" ] && ok "$tag: the library is written with it" || fail "$tag: the library is written with it" "no $w/o.a"
	done
done

# ---------------------------------------------------------------------------
# -y: the delay-load library mkimplib --delay writes, with GNU dlltool -y's
# symbols for the functions (DATA cannot be delay-loaded: left out, and
# said with -v), linked by GNU ld into a program that imports
# nothing from t.dll at load time.
dsyms() {
	llvm-nm -g --defined-only "$1" 2>/dev/null | awk 'NF == 3 { print $3 }' |
		grep -Ev '_DELAY_IMPORT_DESCRIPTOR_|_iname$|__tailMerge_|^_*_delay_|(^|_)var$|(^|_)stdd(@4)?$|(^|_)cst$' | LC_ALL=C sort
}
for arch in i386 x86-64; do
	def=t.def; [ $arch = x86-64 ] && def=t64.def
	w=$T/y-$arch
	mkdir -p "$w"
	(cd "$w" && "$(gnu $arch)-dlltool" -d "$T/$def" -y g.a) || { fail "-y $arch: GNU dlltool" failed; continue; }
	if ! "$DT" -m "$(mname $arch)" -d $def -y "$w/o.a" -l "$w/ol.a" 2>"$w/err"; then
		fail "-y $arch: dllkit-dlltool" "$(head -3 "$w/err")"
		continue
	fi
	[ ! -s "$w/err" ] && ok "-y $arch: quiet without -v (DATA left out)" ||
		fail "-y $arch: quiet without -v (DATA left out)" "$(cat "$w/err")"
	"$DT" -v -m "$(mname $arch)" -d $def -y "$w/ov.a" >"$w/verr" 2>&1
	grep -q 'DATA exports\? cannot be delay-loaded.*var' "$w/verr" &&
		ok "-y $arch: the DATA left out is said with -v" ||
		fail "-y $arch: the DATA left out is said with -v" "$(cat "$w/verr")"
	"$BIN/mkimplib" --delay -m $arch -o "$w/mk.a" $def 2>/dev/null
	same "-y $arch: the library mkimplib --delay writes" "$w/mk.a" "$w/o.a"
	dsyms "$w/g.a" >"$w/g.syms"
	dsyms "$w/o.a" >"$w/o.syms"
	same "-y $arch: GNU dlltool -y's symbols for the functions ($(wc -l <"$w/o.syms"))" "$w/g.syms" "$w/o.syms"
	pre=$(gnu $arch)
	printf '__declspec(dllimport) int plain(void);\nint main(void) { return plain(); }\n' >"$w/c.c"
	if "$pre-gcc" -o "$w/c.exe" "$w/c.c" "$w/o.a" >"$w/c.log" 2>&1; then
		if llvm-readobj --coff-imports "$w/c.exe" | grep -q 'Name: t.dll'; then
			fail "-y $arch: a program linked with it loads t.dll only when called" "t.dll is in its import table"
		else
			ok "-y $arch: a program linked with it by GNU ld loads t.dll only when called"
		fi
	else
		fail "-y $arch: a program links with it" "$(head -3 "$w/c.log" | tr '\n' '|')"
	fi
done

# ---------------------------------------------------------------------------
# The machine a target prefix names, when -m does not say.
mkdir -p pbin
# (Also GNU dlltool's own name, a versioned name and a copy's suffix:
# whatever follows "dlltool" is ignored.)
for p in x86_64-w64-mingw32:x86-64 i686-w64-mingw32:i386 aarch64-w64-mingw32:arm64 armv7-w64-mingw32:arm \
	as-gnu:x86-64 versioned:i386 snap:x86-64; do
	pre=${p%%:*} m=${p#*:}
	name=$pre-dllkit-dlltool
	case $pre in
	as-gnu) name=x86_64-w64-mingw32-dlltool ;;
	versioned) name=i686-w64-mingw32-dlltool-2.40 ;;
	snap) name=dllkit-dlltool.snap ;;
	esac
	ln -sf "$DT" "pbin/$name"
	def=t.def; [ "$m" = i386 ] || def=t64.def
	"pbin/$name" -d $def -l "p-$name.a" 2>"p-$name.err"
	"$DT" -m "$m" -d $def -l "p-$name-m.a" 2>>"p-$name.err"
	quiet "$name" "p-$name.err"
	if same_bytes "p-$name.a" "p-$name-m.a"; then ok "$name without -m writes for $m"
	else fail "$name without -m writes for $m" "$(cat "p-$name.err")"; fi
done
"$DT" -d t64.def -l p-plain.a 2>p-plain.err && "$DT" -m x86-64 -d t64.def -l p-plain-m.a &&
	same_bytes p-plain.a p-plain-m.a && ok "dllkit-dlltool without a prefix or -m writes for x86-64" ||
	fail "dllkit-dlltool without a prefix or -m writes for x86-64" "$(cat p-plain.err)"
"pbin/i686-w64-mingw32-dllkit-dlltool" -m i386:x86-64 -d t64.def -l p-over.a 2>p-over.err &&
	same_bytes p-over.a p-plain-m.a && ok "-m wins over the prefix" || fail "-m wins over the prefix" "$(cat p-over.err)"
ln -sf "$DT" pbin/mips-linux-gnu-dllkit-dlltool
pbin/mips-linux-gnu-dllkit-dlltool -d t64.def -l p-mips.a >/dev/null 2>p-mips.err
if error_ok "a prefix naming no machine dllkit knows is refused without -m" 'names no machine.*give -m' $? p-mips.err \
	mkimplib; then
	[ -e p-mips.a ] && fail "a prefix naming no machine is refused" "p-mips.a written" ||
		ok "a prefix naming no machine dllkit knows is refused without -m"
fi

# mkimplib takes dlltool's machine spellings too.
if "$BIN/mkimplib" -m i386:x86-64 -o mk.lib t64.def 2>mk.err && "$BIN/mkimplib" -m x86-64 -o mk2.lib t64.def &&
	same_bytes mk.lib mk2.lib; then ok "mkimplib -m i386:x86-64 is -m x86-64"
else fail "mkimplib -m i386:x86-64 is -m x86-64" "$(cat mk.err)"; fi

[ $quiet_fail = 0 ] && ok "every run above that succeeded printed nothing on stderr"
