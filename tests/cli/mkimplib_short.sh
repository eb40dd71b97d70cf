#!/bin/bash
# mkimplib --format short beside llvm-dlltool 22 (-m i386|i386:x86-64|arm64|
# arm64ec|arm) on the same .def files, generated here: hundreds of names,
# every .def feature (DATA, CONSTANT, PRIVATE, NONAME, ordinals as hints,
# forwarders, = internal, == import names with and without another import
# to alias, EXPORTAS), i386 decorated and C++ names, names and DLL names
# long enough for the long-name member.
#   - byte-identical archives (cmp) wherever the two agree on the names;
#   - where they do not (llvm-dlltool's --no-leading-underscore imports a
#     '_name' as 'name'), member by member: same members, symbols, types
#     and hints, and the loader name each side asks for, the case named;
#   - --dialect msvc beside llvm-lib /def (link.exe naming);
#   - deterministic: the same bytes whatever the output path and working
#     folder, and nothing of either inside;
#   - lld-link links no-CRT arm64 and x86-64 clients (and an arm64ec image)
#     against them, importing what the .def says.
. "$(dirname "$0")/../lib.sh"
MKIMPLIB=${MKIMPLIB:-$BIN/mkimplib}
LLVM=/usr/lib/llvm-22/bin
DLLTOOL=$LLVM/llvm-dlltool
AR=$LLVM/llvm-ar
NM=$LLVM/llvm-nm
built "mkimplib --format short" "$MKIMPLIB" || exit 0
need "mkimplib --format short beside llvm-dlltool, llvm-lib and lld-link" "$DLLTOOL" "$AR" "$NM" "$LLVM/llvm-lib" \
	"$LLVM/llvm-mc" "$LLVM/lld-link" "$LLVM/llvm-readobj" clang x86_64-w64-mingw32-gcc x86_64-w64-mingw32-ld || exit 0
cd "$T" || exit 1

MACHINES="i386 x86-64 arm64 arm64ec arm"
llvm_m() { case $1 in x86-64) echo i386:x86-64 ;; *) echo "$1" ;; esac; }

# ------------------------------------------------------------------
# .def files
# ------------------------------------------------------------------

# features.def: each feature once, with a DLL name too long for a member
# header (so every member goes through "//").
cat >features.def <<'EOF'
LIBRARY "a_rather_long_library_name_for_tests.dll"
EXPORTS
    add
    counter DATA
    konst CONSTANT
    hidden PRIVATE
    by_ordinal @42 NONAME
    hinted @7
    hinted_data @8 DATA
    fwd = other.func
    fwd_ordinal = other.#3
    alias = internal_name
    renamed == real_name
    aliased == add
    aliased_data == counter DATA
    same == same
    ea EXPORTAS ea_real_name
    ea_data DATA EXPORTAS ea_data_real
    sfunc@8
    sfunc_hint@12 @9
    @ffunc@8
    vfunc@@16
    _under
    __two_under
    ?cpp@@YAHH@Z
    ??0Widget@ns@@QEAA@XZ
    ?method@Widget@ns@@QEBAHH@Z
    stdcall_import@4 == stdcall_import
    a_very_long_export_name_that_goes_on_and_on_well_past_any_header_field_0123456789_0123456789_0123456789_0123456789
EOF

# cxx.def: MSVC C++ names (what clang --target=x86_64-pc-windows-msvc makes
# of templates, operators, nested and local names), for ARM64EC's '$$h'.
cat >cxx.def <<'EOF'
LIBRARY cxx.dll
EXPORTS
    ??0S@inner@ns@@QEAA@XZ
    ??1S@inner@ns@@QEAA@XZ
    ??4S@inner@ns@@QEAAAEAU012@$$QEAU012@@Z
    ??4S@inner@ns@@QEAAAEAU012@AEBU012@@Z
    ??8S@inner@ns@@QEBA_NAEBU012@@Z
    ??BS@inner@ns@@QEBA_NXZ
    ??RS@inner@ns@@QEAAHH@Z
    ?m@S@inner@ns@@QEBAHH@Z
    ?v@S@inner@ns@@UEAAXXZ
    ??$tm@H@S@inner@ns@@QEAAHH@Z
    ??$tm@U?$vector@HU?$allocator@H@std2@@@std2@@@S@inner@ns@@QEAA?AU?$vector@HU?$allocator@H@std2@@@std2@@U34@@Z
    ??$ta@$MD0GD@@@YAXXZ
    ??$ta@$MH04@@YAXXZ
    ??$tf@$1?g0@@YAXXZ@@YAXXZ
    ??$tpm@$0A@@@YAXXZ
    ??$tpmf@$1??_9S@inner@ns@@$BA@AA@@YAXXZ
    ??$tv@$02HDUS@inner@ns@@@@YAXHDUS@inner@ns@@@Z
    ??$tv@$0?6$$V@@YAXXZ
    ?f1@@YAXAEBU?$vector@U?$basic_string@DU?$traits@D@std2@@@std2@@U?$allocator@U?$basic_string@DU?$traits@D@std2@@@std2@@@2@@std2@@AEAU?$map@HU?$vector@HU?$allocator@H@std2@@@std2@@@2@@Z
    ?f2@@YAXP6AHHD@ZP8S@inner@ns@@EAAXXZPEQ345@H@Z
    ?f3@@YAXAEAY133H$$QEAHZZ
    ?f4@@YA?AU?$unique_ptr@US@inner@ns@@@std2@@U?$function@$$A6AHH@Z@2@@Z
    ?f5@@YAAEAHXZ
    ?f6@@YAPEDPEBDPEBQEDH@Z
    ?f7@@YAHQEAHPEAY05HPEIAUS@inner@ns@@@Z
    ?f9@@YAP6AHD@ZH@Z
    ?fa@@YAXPEAUAnon@?A0x12345678@@@Z
    ?fn@@YAX$$T_W_S_U_N_J_KO_Q@Z
    ?fvc@@YAXMN@Z
    ?g0@@YAXXZ
    ?make@Outer@@SA?AU1@XZ
    ?x@Inner@Outer@@QEAAXXZ
    ?y@Outer@@QEAAXW4E@1@PEAUInner@1@@Z
    ?q@?$TT@H@@QEAAXPEAHAEAHAEBH@Z
    ?val@?$TT@H@@2HA
    ?st@S@inner@ns@@2HA
    ?x@?1??f5@@YAAEAHXZ@4HA
    ??2@YAPEAX_KH@Z
    ??3@YAXPEAXH@Z
    ??__K_x@@YAOO@Z
    ??_7S@inner@ns@@6B@
    ??_GV1@@UEAAPEAXI@Z
    ?a@D@@UEAAXXZ
    ?b@D@@W7EAAXXZ
    ?a@VD@@UEAAXXZ
EOF

# big.def: 700 exports, every kind mixed, from a fixed pseudo-random
# sequence (the same file every run).
awk 'BEGIN {
	print "LIBRARY bigdll.dll"; print "EXPORTS"
	seed = 12345
	for (i = 0; i < 700; i++) {
		seed = (seed * 1103515245 + 12345) % 2147483648
		r = int(seed / 65536) % 100
		pad = substr("yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy", 1, (seed / 7) % 40)
		n = sprintf("fn%03d_%s", i, pad)
		if (r < 20) line = n
		else if (r < 27) line = n " DATA"
		else if (r < 30) line = n " CONSTANT"
		else if (r < 33) line = n " PRIVATE"
		else if (r < 38) line = n " @" (1000 + i) " NONAME"
		else if (r < 43) line = n " @" (3000 + i)
		else if (r < 47) line = n " = other.func" i
		else if (r < 50) line = n " = internal" i
		else if (r < 54) line = n " == real" i
		else if (r < 57) line = n " EXPORTAS ea" i
		else if (r < 64) line = n "@" (4 * (i % 6))
		else if (r < 68) line = "@" n "@" (4 * (i % 6))
		else if (r < 70) line = n "@@" (4 * (i % 6))
		else if (r < 74) line = "_" n
		else if (r < 76) line = n "@8 DATA"
		else if (r < 78) line = n "@12 == " n
		else if (r < 80) line = n " == " prev
		else if (r < 82) line = n " @" (5000 + i) " == " prev " DATA"
		else line = n
		if (line !~ /PRIVATE|NONAME|@/) prev = n
		print "    " line
	}
}' >big.def

# A .def without a LIBRARY line, one with a NAME (an EXE), one whose
# LIBRARY has no suffix.
printf 'EXPORTS\n    f\n    g DATA\n' >nolib.def
printf 'NAME prog\nEXPORTS\n    main_hook\n' >exe.def
printf 'LIBRARY bare\nEXPORTS\n    f\n' >bare.def

# ------------------------------------------------------------------
# Reading archives back: every member, decoded
# ------------------------------------------------------------------

# dump LIB: one line per member, in order.  Short imports as
#   import MACHINE TYPE NAMETYPE HINT SYMBOL DLL -> LOADER-NAME
# (the loader name worked out from the name type, "#N" by ordinal);
# other members as "object MACHINE SIZE".
dump() {
	od -An -v -tu1 "$1" | awk '
	{ for (i = 1; i <= NF; i++) b[n++] = $i }
	function u16(p) { return b[p] + 256 * b[p + 1] }
	function u32(p) { return u16(p) + 65536 * u16(p + 2) }
	function str(p,   s) { s = ""; while (p < n && b[p] != 0) s = s sprintf("%c", b[p++]); return s }
	function hdrname(p,   s, k) { s = ""; for (k = 0; k < 16; k++) s = s sprintf("%c", b[p + k]); sub(/ +$/, "", s); return s }
	END {
		split("code data const", T, " "); split("ordinal name noprefix undecorate exportas", NT, " ")
		p = 8
		while (p + 60 <= n) {
			name = hdrname(p); size = 0
			for (k = 48; k < 58 && b[p + k] != 32; k++) size = size * 10 + b[p + k] - 48
			d = p + 60
			if (name != "/" && name != "//" && name != "/<ECSYMBOLS>/") {
				if (u16(d) == 0 && u16(d + 2) == 65535) {
					ti = u16(d + 18); ty = ti % 4; nt = int(ti / 4) % 8
					sym = str(d + 20); dll = str(d + 20 + length(sym) + 1)
					ld = sym
					if (nt == 0) ld = "#" u16(d + 16)
					else if (nt == 2 || nt == 3) {
						if (ld ~ /^[?@_]/) ld = substr(ld, 2)
						if (nt == 3) sub(/@.*/, "", ld)
					} else if (nt == 4) ld = str(d + 20 + length(sym) + 1 + length(dll) + 1)
					printf "import %x %s %s %d %s %s -> %s\n", u16(d + 6), T[ty + 1], NT[nt + 1], u16(d + 16), sym, dll, ld
				} else printf "object %x %d\n", u16(d), size
			}
			p = d + size + size % 2
		}
	}'
}

# loader names only: "SYMBOL -> LOADER" per short import, sorted.
loaders() { dump "$1" | awk '$1 == "import" { print $6, $8, $9 }' | LC_ALL=C sort; }

# ------------------------------------------------------------------
# Beside llvm-dlltool
# ------------------------------------------------------------------

# both NAME MACHINE DEF [OPTS...]: make ours.lib and llvm.lib in a folder
# of their own; returns non-zero (after a FAIL) when either tool fails.
both() {
	local name=$1 m=$2 def=$3
	shift 3
	d=$T/$(echo "$name" | tr -c 'A-Za-z0-9_.-' '_')
	mkdir -p "$d"
	if ! "$DLLTOOL" -m "$(llvm_m "$m")" "$@" -d "$def" -l "$d/llvm.lib" >"$d/llvm.err" 2>&1; then
		fail "$name" "llvm-dlltool failed: $(head -c 300 "$d/llvm.err")"
		return 1
	fi
	if ! "$MKIMPLIB" --format short -m "$m" "$@" -o "$d/ours.lib" "$def" >"$d/ours.err" 2>&1; then
		fail "$name" "mkimplib failed: $(head -c 300 "$d/ours.err")"
		return 1
	fi
}

# identical NAME MACHINE DEF [OPTS...]
identical() {
	local name=$1
	both "$@" || return
	if cmp -s "$d/llvm.lib" "$d/ours.lib"; then
		ok "$name"
	else
		dump "$d/llvm.lib" >"$d/llvm.dump"
		dump "$d/ours.lib" >"$d/ours.dump"
		fail "$name" "$(cmp "$d/llvm.lib" "$d/ours.lib" | head -1); members: $(diff "$d/llvm.dump" "$d/ours.dump" | head -6 | tr '\n' '|')"
	fi
}

for m in $MACHINES; do
	for def in features.def big.def cxx.def nolib.def exe.def bare.def; do
		[ "$def" = nolib.def ] && continue # needs -D, below
		identical "$m $def: byte-identical to llvm-dlltool" "$m" "$def"
		identical "$m $def -k: byte-identical to llvm-dlltool" "$m" "$def" -k
	done
	identical "$m -D with a path and a long name: byte-identical to llvm-dlltool" \
		"$m" nolib.def -D sub/dir/another_long_dll_name.dll
	# No '_' names: --no-leading-underscore changes nothing else.
	grep -v '^    _' features.def >features-nou.def
	identical "$m --no-leading-underscore (no '_' names): byte-identical to llvm-dlltool" \
		"$m" features-nou.def --no-leading-underscore
	identical "$m --no-leading-underscore -k (no '_' names): byte-identical to llvm-dlltool" \
		"$m" features-nou.def --no-leading-underscore -k
done

# i386 --no-leading-underscore with '_' names: llvm-dlltool still gives
# `_under` NOPREFIX, which makes the loader ask for "under"; we ask for
# "_under", the name the .def gives.  Everything else is the same.
name="i386 --no-leading-underscore, '_under' and '__two_under': same members, symbols, types and hints; loader asks for '_under' (llvm-dlltool: 'under', a NOPREFIX with no prefix to drop)"
if both "$name" i386 features.def --no-leading-underscore; then
	dump "$d/llvm.lib" | awk '{ $NF = ""; $4 = ""; print }' >"$d/llvm.shape"
	dump "$d/ours.lib" | awk '{ $NF = ""; $4 = ""; print }' >"$d/ours.shape"
	loaders "$d/llvm.lib" | grep -v '^_' >"$d/llvm.rest"
	loaders "$d/ours.lib" | grep -v '^_' >"$d/ours.rest"
	got=$(loaders "$d/ours.lib" | grep '^_' | tr '\n' ' ')
	want="__two_under -> __two_under _under -> _under "
	llvm_got=$(loaders "$d/llvm.lib" | grep '^_' | tr '\n' ' ')
	if ! cmp -s "$d/llvm.shape" "$d/ours.shape"; then
		fail "$name" "members differ: $(diff "$d/llvm.shape" "$d/ours.shape" | head -6 | tr '\n' '|')"
	elif ! cmp -s "$d/llvm.rest" "$d/ours.rest"; then
		fail "$name" "other loader names differ: $(diff "$d/llvm.rest" "$d/ours.rest" | head -6 | tr '\n' '|')"
	elif [ "$got" != "$want" ]; then
		fail "$name" "ours: $got; wanted: $want"
	elif [ "$llvm_got" != "__two_under -> _two_under _under -> under " ]; then
		fail "$name" "llvm-dlltool changed: $llvm_got (update this test)"
	else
		ok "$name"
	fi
fi

# Every archive member is named after the DLL; the index lists the
# helpers, and each import's __imp_ symbol.
d=$T/members
mkdir -p "$d"
"$MKIMPLIB" -m x86-64 -o "$d/f.lib" features.def
names=$("$AR" t "$d/f.lib" | sort -u)
[ "$names" = a_rather_long_library_name_for_tests.dll ] && ok "every member is named after the DLL" ||
	fail "every member is named after the DLL" "$names"
nm=$("$NM" --print-armap "$d/f.lib" 2>/dev/null | sed -n '/^Archive map/,/^$/p')
listed=0
for s in __IMPORT_DESCRIPTOR_a_rather_long_library_name_for_tests __NULL_IMPORT_DESCRIPTOR \
	__imp_add add __imp_counter __imp_ea ea __imp_aliased aliased; do
	echo "$nm" | grep -q "^$s in " || { fail "the archive index lists $s" "$(echo "$nm" | head -5 | tr '\n' '|')"; continue; }
	listed=$((listed + 1))
done
# (what is left out is looked for in an index that lists the rest)
if [ $listed -ne 9 ]; then
	fail "PRIVATE exports are left out; DATA imports have no thunk symbol" "no archive index to look in"
else
	ok "the archive index lists the descriptors, each import's __imp_ symbol and each function's thunk"
	echo "$nm" | grep -q "hidden" && fail "PRIVATE exports are left out" "hidden in the index" ||
		ok "PRIVATE exports are left out"
	echo "$nm" | grep -q "^counter in" && fail "DATA imports have no thunk symbol" "counter in the index" ||
		ok "DATA imports have no thunk symbol"
fi

# An ARM64EC C++ name that is not one: both refuse it.
printf 'LIBRARY x.dll\nEXPORTS\n    ?weird\n' >bad-cxx.def
if "$DLLTOOL" -m arm64ec -d bad-cxx.def -l llvm-bad.lib 2>/dev/null; then
	skip "arm64ec: an invalid C++ name is refused" "llvm-dlltool accepted it"
elif "$MKIMPLIB" -m arm64ec -o ours-bad.lib bad-cxx.def 2>bad.err; then
	fail "arm64ec: an invalid C++ name is refused, as by llvm-dlltool" "mkimplib accepted ?weird"
elif [ -e ours-bad.lib ]; then
	fail "arm64ec: an invalid C++ name is refused, as by llvm-dlltool" "output written anyway"
else
	grep -q '?weird' bad.err && ok "arm64ec: an invalid C++ name is refused, as by llvm-dlltool" ||
		fail "arm64ec: an invalid C++ name is refused, as by llvm-dlltool" "$(cat bad.err)"
fi

# ------------------------------------------------------------------
# --dialect msvc beside llvm-lib /def (link.exe naming: `_sfunc@8` is the
# symbol and the loader name)
# ------------------------------------------------------------------
{
	# llvm-lib imports a forwarder `fwd = other.func` as "_fwd" (NAME);
	# link.exe exports it as "fwd", which we import: left out here.
	grep -v ' = other\.' features.def | sed 's/^    sfunc@8$/    _sfunc@8/' >msvc.def
	for m in i386 x86-64 arm64; do
		lm=$(case $m in i386) echo x86 ;; x86-64) echo x64 ;; *) echo "$m" ;; esac)
		d=$T/msvc-$m
		mkdir -p "$d"
		name="$m --dialect msvc: byte-identical to llvm-lib /def"
		if ! "$LLVM/llvm-lib" /def:msvc.def /machine:"$lm" /out:"$d/llvm.lib" >"$d/llvm.err" 2>&1; then
			fail "$name" "llvm-lib failed: $(head -c 300 "$d/llvm.err")"
		elif ! "$MKIMPLIB" -m "$m" --dialect msvc -o "$d/ours.lib" msvc.def 2>"$d/ours.err"; then
			fail "$name" "mkimplib failed: $(head -c 300 "$d/ours.err")"
		else
			same "$name" "$d/llvm.lib" "$d/ours.lib"
		fi
	done
	l=$(loaders "$T/msvc-i386/ours.lib" | grep -E '^(_sfunc@8|_add|@ffunc@8) ' | tr '\n' ' ')
	[ "$l" = "@ffunc@8 -> @ffunc@8 _add -> add _sfunc@8 -> _sfunc@8 " ] &&
		ok "i386 --dialect msvc: _sfunc@8 imported as written, add as add" ||
		fail "i386 --dialect msvc: _sfunc@8 imported as written, add as add" "$l"
}

# ------------------------------------------------------------------
# Determinism
# ------------------------------------------------------------------
d=$T/determinism
mkdir -p "$d/a/deeper/still" "$d/b"
cp big.def "$d/b/in.def"
for m in $MACHINES; do
	"$MKIMPLIB" -m "$m" -o "$d/a/deeper/still/one.lib" big.def
	(cd "$d/b" && "$MKIMPLIB" -m "$m" -o two.lib in.def)
	"$MKIMPLIB" -m "$m" -o "$d/three.lib" "$d/b/in.def"
	e=$(empty_of "$d/a/deeper/still/one.lib" "$d/b/two.lib" "$d/three.lib")
	if [ -n "$e" ]; then
		fail "$m: same bytes whatever the output path and working folder" "mkimplib wrote nothing: $e"
	elif cmp -s "$d/a/deeper/still/one.lib" "$d/b/two.lib" && cmp -s "$d/b/two.lib" "$d/three.lib"; then
		ok "$m: same bytes whatever the output path and working folder"
	else
		fail "$m: same bytes whatever the output path and working folder" "outputs differ"
	fi
	if [ -n "$e" ]; then
		fail "$m: nothing of the paths inside the library" "nothing to look in"
	elif grep -aq -e deeper -e determinism -e "$TOP" "$d/a/deeper/still/one.lib"; then
		fail "$m: nothing of the paths inside the library" "a path is in the bytes"
	else
		ok "$m: nothing of the paths inside the library"
	fi
done

# ------------------------------------------------------------------
# lld-link: no-CRT clients linked against the libraries
# ------------------------------------------------------------------
LLD_LINK=$LLVM/lld-link

cat >link.def <<'EOF'
LIBRARY linkme.dll
EXPORTS
    add
    counter DATA
    by_ordinal @42 NONAME
    hinted @7
    fwd = other.func
    renamed == real_name
    alias_of_add == add
    ea EXPORTAS ea_real
    never_used
EOF
cat >client.c <<'EOF'
int add(int, int);
int by_ordinal(void);
int hinted(void);
int fwd(void);
int renamed(void);
int alias_of_add(int, int);
int ea(void);
__declspec(dllimport) extern int counter;
int start(void)
{
	return add(1, 2) + by_ordinal() + hinted() + fwd() + renamed() + alias_of_add(3, 4) + ea() +
	       counter;
}
EOF
# What an image imports: "dll name (hint)" per line ("dll  (N)" by
# ordinal), sorted.
imports() {
	"$LLVM/llvm-readobj" --coff-imports "$1" | awk '
		/^  Name: / { dll = $2 }
		/^  Symbol: / { s = $0; sub(/^  Symbol: /, "", s); print dll " " s }' | LC_ALL=C sort
}
printf '%s\n' 'linkme.dll  (42)' 'linkme.dll add (0)' 'linkme.dll counter (0)' \
	'linkme.dll ea_real (0)' 'linkme.dll fwd (0)' 'linkme.dll hinted (7)' \
	'linkme.dll real_name (0)' | LC_ALL=C sort >link.expect

for t in "arm64 aarch64-pc-windows-msvc arm64" "x86-64 x86_64-pc-windows-msvc x64"; do
	set -- $t
	m=$1 triple=$2 lm=$3
	name="lld-link links a no-CRT $m client; its imports are the .def's (hint 7, ordinal 42, EXPORTAS and == names, the alias sharing add's slot)"
	d=$T/link-$m
	mkdir -p "$d"
	if ! clang --target="$triple" -O1 -c -o "$d/client.obj" client.c 2>"$d/cc.err"; then
		fail "$name" "clang: $(head -c 300 "$d/cc.err")"
	elif ! "$MKIMPLIB" -m "$m" -o "$d/linkme.lib" link.def 2>"$d/mk.err"; then
		fail "$name" "mkimplib: $(head -c 300 "$d/mk.err")"
	elif ! "$LLD_LINK" -nologo -machine:"$lm" -entry:start -subsystem:console -nodefaultlib \
		-out:"$d/client.exe" "$d/client.obj" "$d/linkme.lib" >"$d/link.err" 2>&1; then
		fail "$name" "lld-link: $(head -c 300 "$d/link.err")"
	else
		imports "$d/client.exe" >"$d/imports"
		same "$name" link.expect "$d/imports"
	fi
done

# arm64ec: an EC image whose data points at the imports (the EC thunks
# need the CRT's __icall_helper_arm64ec: a stand-in here).
name="lld-link links an arm64ec image against an arm64ec library"
d=$T/link-arm64ec
mkdir -p "$d"
{
	cat >"$d/refs.s" <<'EOF'
	.section .rdata,"dr"
	.globl refs
refs:
	.quad __imp_add
	.quad __imp_counter
	.quad __imp_by_ordinal
	.quad __imp_ea
	.quad __imp_renamed
	.text
	.globl "#__icall_helper_arm64ec"
"#__icall_helper_arm64ec":
	ret
	.globl __icall_helper_arm64ec
__icall_helper_arm64ec:
	ret
EOF
	if ! "$LLVM/llvm-mc" --triple=arm64ec-pc-windows-msvc -filetype=obj -o "$d/refs.obj" "$d/refs.s" 2>"$d/mc.err"; then
		fail "$name" "llvm-mc: $(head -c 300 "$d/mc.err")"
	elif ! "$MKIMPLIB" -m arm64ec -o "$d/linkme.lib" link.def 2>"$d/mk.err"; then
		fail "$name" "mkimplib: $(head -c 300 "$d/mk.err")"
	elif ! "$LLVM/lld-link" -nologo -machine:arm64ec -dll -noentry -nodefaultlib \
		-out:"$d/refs.dll" "$d/refs.obj" "$d/linkme.lib" >"$d/link.err" 2>&1; then
		fail "$name" "lld-link: $(head -c 300 "$d/link.err")"
	else
		imports "$d/refs.dll" >"$d/imports"
		printf '%s\n' 'linkme.dll  (42)' 'linkme.dll add (0)' 'linkme.dll counter (0)' \
			'linkme.dll ea_real (0)' 'linkme.dll real_name (0)' | LC_ALL=C sort >"$d/expect"
		same "$name" "$d/expect" "$d/imports"
	fi
}

# GNU ld reads short libraries of both archive kinds (binutils 2.40 knows
# no EXPORTAS name type, so this .def has none).
{
	d=$T/gnu-ld
	mkdir -p "$d"
	printf 'LIBRARY linkme.dll\nEXPORTS\n    add\n    counter DATA\n    by_ordinal @42 NONAME\n    hinted @7\n' >"$d/ld.def"
	printf 'int add(int, int);\nint by_ordinal(void);\nint hinted(void);\n__declspec(dllimport) extern int counter;\nint start(void) { return add(1, 2) + by_ordinal() + hinted() + counter; }\n' >"$d/c.c"
	printf '%s\n' 'linkme.dll  (42)' 'linkme.dll add (0)' 'linkme.dll counter (0)' 'linkme.dll hinted (7)' |
		LC_ALL=C sort >"$d/expect"
	x86_64-w64-mingw32-gcc -c -o "$d/c.o" "$d/c.c" 2>"$d/cc.err" || fail "GNU ld links against short libraries: compile the client" "$(head -c 300 "$d/cc.err")"
	for kind in coff gnu; do
		name="GNU ld links against an x86-64 short library in a $kind archive"
		if ! "$MKIMPLIB" -m x86-64 --archive "$kind" -o "$d/$kind.lib" "$d/ld.def" 2>"$d/mk.err"; then
			fail "$name" "mkimplib: $(head -c 300 "$d/mk.err")"
		elif ! x86_64-w64-mingw32-ld -e start -o "$d/$kind.exe" "$d/c.o" "$d/$kind.lib" 2>"$d/ld.err"; then
			fail "$name" "ld: $(head -c 300 "$d/ld.err")"
		else
			imports "$d/$kind.exe" >"$d/$kind.imports"
			same "$name" "$d/expect" "$d/$kind.imports"
		fi
	done
}
