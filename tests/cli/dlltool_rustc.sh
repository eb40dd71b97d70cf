#!/bin/bash
# rustc's raw-dylib import libraries (windows-gnu targets) through
# dllkit-dlltool.  rustc writes a .def (no LIBRARY line; `name` or
# `name @N NONAME`) and runs
#   dlltool -d X.def -D X.dll -l X.lib -m i386:x86-64 -f --64 \
#           --no-leading-underscore --temp-prefix P
# (-m i386 -f --32 on i686), and takes ANY output on standard error for a
# failure (rust#103939, #140704).  So:
#   - each form prints nothing on stderr, exits 0, leaves nothing at the
#     temporary prefix, and gives a library with GNU dlltool's symbols and
#     names imported (also the older i386 form with -k, and -m arm64
#     beside llvm-dlltool);
#   - when a rustc is installed, rustc itself links an x86-64 and an i686
#     program through dllkit-dlltool, and they import what the same
#     programs linked through GNU dlltool import.
. "$(dirname "$0")/../lib.sh"
DT=$BIN/dllkit-dlltool
DE=$BIN/dumpexports
LLVM_DLLTOOL=/usr/lib/llvm-22/bin/llvm-dlltool
built "dllkit-dlltool" "$DT" "$DE" || exit 0
need "rustc's dlltool invocations" "$LLVM_DLLTOOL" llvm-nm llvm-readobj x86_64-w64-mingw32-dlltool \
	i686-w64-mingw32-dlltool x86_64-w64-mingw32-gcc i686-w64-mingw32-gcc || exit 0
cd "$T" || exit 1

ext_syms() {
	llvm-nm -g --defined-only "$1" 2>/dev/null | awk 'NF == 3 { print $3 }' |
		sed -E 's/^_*head_[A-Za-z0-9_]*$/HEAD/; s/^_*[A-Za-z0-9_]*_iname$/INAME/' | LC_ALL=C sort
}
loader_view() { "$DE" --format def "$1" 2>&1 | LC_ALL=C sort; }

# The .def files as rustc writes them (i686: its decorated names for
# MinGW: cdecl f, stdcall f@8, fastcall @f@8; data plain).
printf 'EXPORTS\nGetLastError\nExitProcess\nSetLastError\nbyord @7 NONAME\nsome_data' >k64.def
printf 'EXPORTS\nadd\nGetLastError@0\nExitProcess@4\n@ffunc@8\nbyord @7 NONAME\nsome_data' >k32.def

# form NAME GNU-DLLTOOL DEF ARGS...: the run prints nothing and agrees with GNU dlltool.
form() {
	local name=$1 gnu=$2 def=$3 w
	shift 3
	w=$T/${name//[^A-Za-z0-9]/_}
	mkdir -p "$w/g" "$w/o"
	(cd "$w/g" && "$gnu" -d "$T/$def" -D X.dll -l X.dll.a "$@" --temp-prefix "$w/g/P" >out 2>err)
	(cd "$w/o" && "$DT" -d "$T/$def" -D X.dll -l X.dll.a "$@" --temp-prefix "$w/o/P" >out 2>err)
	local rc=$?
	if [ $rc -ne 0 ] || [ -s "$w/o/err" ] || [ -s "$w/o/out" ]; then
		fail "$name: exit 0 and nothing printed" "exit $rc: $(cat "$w/o/err" "$w/o/out" | head -3 | tr '\n' '|')"
		return
	fi
	ok "$name: exit 0 and nothing printed"
	if ls "$w/o" | grep -q '^P'; then fail "$name: nothing left at the temporary prefix" "$(ls "$w/o")"
	else ok "$name: nothing left at the temporary prefix"; fi
	ext_syms "$w/g/X.dll.a" >"$w/g.syms"
	ext_syms "$w/o/X.dll.a" >"$w/o.syms"
	same "$name: GNU dlltool's symbols ($(wc -l <"$w/o.syms"))" "$w/g.syms" "$w/o.syms"
	loader_view "$w/g/X.dll.a" >"$w/g.view"
	loader_view "$w/o/X.dll.a" >"$w/o.view"
	same "$name: the names GNU dlltool's library imports" "$w/g.view" "$w/o.view"
}
form "rustc x86_64" x86_64-w64-mingw32-dlltool k64.def -m i386:x86-64 -f --64 --no-leading-underscore
form "rustc i686" i686-w64-mingw32-dlltool k32.def -m i386 -f --32 --no-leading-underscore
form "i686 with -k" i686-w64-mingw32-dlltool k32.def -m i386 -f --32 -k
# The i686 form reaches the loader names undecorated only with -k.
if grep -q 'GetLastError@0 == GetLastError$' "$T/i686_with__k/o.view" &&
	! grep -q 'GetLastError@0 ==' "$T/rustc_i686/o.view"; then
	ok "i686 -k imports GetLastError, without -k GetLastError@0"
else
	fail "i686 -k imports GetLastError, without -k GetLastError@0" "$(tr '\n' '|' <"$T/i686_with__k/o.view")"
fi

# aarch64: -m arm64 -f --64, beside llvm-dlltool (GNU dlltool 2.40 has no arm64).
mkdir -p a64
"$LLVM_DLLTOOL" -d k64.def -D X.dll -l a64/v.lib -m arm64 -f --64 --no-leading-underscore --temp-prefix a64/P 2>a64/verr
"$DT" -d k64.def -D X.dll -l a64/o.lib -m arm64 -f --64 --no-leading-underscore --temp-prefix a64/P 2>a64/err
if [ -s a64/err ]; then fail "rustc aarch64: nothing printed" "$(head -3 a64/err)"
else
	loader_view a64/v.lib >a64/v.view
	loader_view a64/o.lib >a64/o.view
	same "rustc aarch64: the names llvm-dlltool's library imports, nothing printed" a64/v.view a64/o.view
fi

# ---------------------------------------------------------------------------
# rustc itself, when it is installed: a no_core program (no target std
# needed) with raw-dylib imports, linked through each dlltool.
RUSTC=$(command -v rustc)
if [ -z "$RUSTC" ]; then
	skip "rustc links through dllkit-dlltool" "no rustc installed (not a make deps package)"
	exit 0
fi
cat >m.rs <<'EOF'
#![feature(no_core, lang_items)]
#![no_core]
#![no_main]
#[lang = "sized"] pub trait Sized {}
#[lang = "copy"] pub trait Copy {}
#[lang = "pointee_sized"] pub trait PointeeSized {}
#[lang = "meta_sized"] pub trait MetaSized: PointeeSized {}
#[link(name = "kernel32", kind = "raw-dylib")]
extern "system" { fn GetLastError() -> u32; fn ExitProcess(code: u32) -> !; }
#[link(name = "api", kind = "raw-dylib")]
extern "C" { fn add(a: i32, b: i32) -> i32; }
#[no_mangle]
pub extern "C" fn mainCRTStartup() -> ! { unsafe { let e = GetLastError(); add(1, 2); ExitProcess(e) } }
EOF
# i686 links rsbegin.o and rsend.o from the target's rust-std; empty ones do here.
echo 'static int rs_begin;' >rsb.c; echo 'static int rs_end;' >rse.c
i686-w64-mingw32-gcc -c -o rsbegin.o rsb.c && i686-w64-mingw32-gcc -c -o rsend.o rse.c
mkdir -p rbin
ln -sf "$DT" rbin/x86_64-w64-mingw32-dlltool
ln -sf "$DT" rbin/i686-w64-mingw32-dlltool
imports() { llvm-readobj --coff-imports "$1" | awk '/^  Name: / { d = $2 } /^  Symbol: / { print d, $2 }' | LC_ALL=C sort; }
for t in x86_64 i686; do
	entry=mainCRTStartup; [ $t = i686 ] && entry=_mainCRTStartup
	rs() {
		RUSTC_BOOTSTRAP=1 "$RUSTC" -A internal_features --target $t-pc-windows-gnu --crate-type bin -C panic=abort \
			-C dlltool="$1" -C linker=$t-w64-mingw32-gcc -C link-arg=-nostdlib -C link-arg=-nostartfiles \
			-C link-arg=-Wl,-e,$entry -o "$2" m.rs
	}
	if ! rs "/usr/bin/$t-w64-mingw32-dlltool" "r-$t-gnu.exe" >"r-$t-gnu.log" 2>&1; then
		skip "rustc $t links through dllkit-dlltool" "this rustc cannot build the no_core program with GNU dlltool either: $(grep -m1 error "r-$t-gnu.log")"
		continue
	fi
	if rs "$T/rbin/$t-w64-mingw32-dlltool" "r-$t.exe" >"r-$t.log" 2>&1; then
		ok "rustc $t links through dllkit-dlltool (it fails on any dlltool stderr)"
		imports "r-$t-gnu.exe" >"r-$t-gnu.imp"
		imports "r-$t.exe" >"r-$t.imp"
		same "rustc $t: the program imports what it imports through GNU dlltool ($(wc -l <"r-$t.imp"))" \
			"r-$t-gnu.imp" "r-$t.imp"
	else
		fail "rustc $t links through dllkit-dlltool" "$(grep -v '^ *= note:  "' "r-$t.log" | head -5 | tr '\n' '|')"
	fi
done
