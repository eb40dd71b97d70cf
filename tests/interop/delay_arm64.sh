#!/bin/bash
# mkimplib --delay for arm64, link only (no Wine runs arm64 here): the
# client src/delay_arm64.c (no C runtime; __delayLoadHelper2 a stand-in,
# since mingw-w64 for arm64 is not installed) is linked against a
# delay-load library of src/delay.def by lld 22 in MinGW mode (ld.lld -m
# arm64pe) and by lld-link 22.  The image must not import delay.dll at
# start-up (llvm-readobj --coff-imports), and tests/tools/delay-walk must
# find a delay-import descriptor for each of its seven functions, whose
# thunk jumps through the slot, whose slot first holds an entry that hands
# that slot and that descriptor on, and whose merge calls code.  Neither
# linker fills the delay-import data directory from a library (see
# mkimplib(1)): the walker finds the descriptors by their shape, as the
# code that uses them does not need to.
. "$(dirname "$0")/lib/harness.sh"
cd "$T" || exit 1
LDLLD=$LLVM_BIN/ld.lld
LLDLINK=$LLVM_BIN/lld-link

built "arm64 delay-load libraries" "$MKIMPLIB" || exit 0
need "arm64 delay-load libraries" "$LDLLD" "$LLDLINK" "$READOBJ" clang cc || exit 0

if ! cc -std=c11 -Wall -Wextra -O1 -o delay-walk "$TOP/tests/tools/delay-walk.c" 2>walk.log; then
	fail "build tests/tools/delay-walk.c" "$(head -c 300 walk.log | tr '\n' '|')"
	exit 0
fi
if ! "$MKIMPLIB" --delay -m arm64 -o libdelay.a "$ISRC/delay.def" 2>mkimplib.err; then
	fail "arm64: mkimplib --delay" "$(head -c 300 mkimplib.err | tr '\n' '|')"
	exit 0
fi
if ! clang --target=aarch64-w64-mingw32 -O2 -c -o client.o "$ISRC/delay_arm64.c" 2>cc.log; then
	fail "arm64: compile the client" "$(head -c 300 cc.log | tr '\n' '|')"
	exit 0
fi
printf '%s\n' add sfunc ffunc '#5' renamed fsum sum6 | sed 's/^/delay.dll /; s/$/ thunk=ok lazy=ok merge=ok/' | LC_ALL=C sort >walk.expected

for linker in ld.lld lld-link; do
	dir=$T/$linker
	case $linker in
	ld.lld) link_step "arm64, lld-22 MinGW mode (ld.lld -m arm64pe): the client links" "$dir" \
			"$LDLLD" -m arm64pe -e start --subsystem console -o client.exe ../client.o ../libdelay.a || continue ;;
	lld-link) link_step "arm64, lld-link 22: the client links" "$dir" \
			"$LLDLINK" -nologo -machine:arm64 -entry:start -subsystem:console -nodefaultlib \
			-out:client.exe ../client.o ../libdelay.a || continue ;;
	esac
	if "$READOBJ" --coff-imports "$dir/client.exe" >"$dir/imports.txt" 2>&1 &&
	   ! grep -qi "delay.dll" "$dir/imports.txt"; then
		ok "arm64, $linker: the client does not import delay.dll at start-up"
	else
		fail "arm64, $linker: the client does not import delay.dll at start-up" "$(grep -i 'Name:' "$dir/imports.txt" | tr '\n' ' ')"
	fi
	./delay-walk "$dir/client.exe" >"$dir/walk.txt" 2>&1
	grep -v '^directory ' "$dir/walk.txt" | LC_ALL=C sort >"$dir/walk.sorted"
	if same_bytes walk.expected "$dir/walk.sorted"; then
		ok "arm64, $linker: a descriptor per function, its thunk, lazy entry and merge right (delay-walk)"
	else
		fail "arm64, $linker: a descriptor per function, its thunk, lazy entry and merge right (delay-walk)" \
			"$(diff walk.expected "$dir/walk.sorted" | grep '^[<>]' | head -4 | tr '\n' '|')"
	fi
done
