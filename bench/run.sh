#!/bin/bash
# bench/run.sh - time dllkit beside its peers on the same inputs, in one run.
# Prints wall time and peak RSS of each tool and the ratios.  Not a test:
# numbers depend on the machine; ratios are what to compare.
set -u
BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
BIN=$BUILD/bin
W=$BUILD/bench
N=${BENCH_EXPORTS:-60000}
mkdir -p "$W"
cd "$W" || exit 1   # GNU dlltool writes its temporary files into the cwd
LLVM_DLLTOOL=$(ls /usr/lib/llvm-*/bin/llvm-dlltool 2>/dev/null | sort -V | tail -1)
[ -n "$LLVM_DLLTOOL" ] || LLVM_DLLTOOL=llvm-dlltool

# measure NAME CMD... -> sets T (seconds) and M (peak RSS, MB); best of 3 runs
# (1 run when it takes over 5 s).
measure() {
	local name=$1; shift
	local best_t="" best_m="" t m i
	for i in 1 2 3; do
		/usr/bin/time -f '%e %M' -o "$W/time.txt" "$@" >/dev/null 2>"$W/$name.err" ||
			{ echo "  $name FAILED: $(tail -2 "$W/$name.err")"; T=nan; M=nan; return; }
		read -r t m <"$W/time.txt"
		if [ -z "$best_t" ] || awk "BEGIN{exit !($t < $best_t)}"; then best_t=$t; best_m=$m; fi
		awk "BEGIN{exit !($t > 5)}" && break
	done
	T=$best_t
	M=$(awk "BEGIN{printf \"%.1f\", $best_m/1024}")
	printf '  %-34s %8.3f s %9s MB\n' "$name" "$T" "$M"
}

ratio() { awk "BEGIN{ if ($2 > 0) printf \"%.1f\", $1/$2; else print \"inf\" }"; }

echo "== import library from a .def with $N exports (mixed code, DATA, NONAME)"
for arch in x64 i386; do
	m=$([ $arch = x64 ] && echo x86-64 || echo i386)
	lm=$([ $arch = x64 ] && echo i386:x86-64 || echo i386)
	gd=$([ $arch = x64 ] && echo x86_64-w64-mingw32-dlltool || echo i686-w64-mingw32-dlltool)
	sh "$TOP/bench/gen_def.sh" "$N" $arch >"$W/bench-$arch.def"
	echo "-- $arch"
	measure "mkimplib --format short" "$BIN/mkimplib" -m $m --format short -o "$W/s.lib" "$W/bench-$arch.def"
	ts=$T ms=$M
	measure "llvm-dlltool ($(basename "$(dirname "$(dirname "$LLVM_DLLTOOL")")"))" "$LLVM_DLLTOOL" -m $lm -d "$W/bench-$arch.def" -l "$W/l.lib"
	tl=$T ml=$M
	measure "mkimplib --format long" "$BIN/mkimplib" -m $m --format long -o "$W/g.a" "$W/bench-$arch.def"
	tg=$T mg=$M
	measure "GNU dlltool" $gd -d "bench-$arch.def" -l gd.a
	td=$T md=$M
	echo "   ratios: short vs llvm-dlltool: $(ratio "$tl" "$ts")x faster, $(ratio "$ml" "$ms")x less memory"
	echo "           long vs GNU dlltool:   $(ratio "$td" "$tg")x faster, $(ratio "$md" "$mg")x less memory"
done

# repeat NAME N CMD...: mean wall time over N runs (short commands) and the
# peak RSS of one; sets T and M like measure.
repeat() {
	local name=$1 n=$2; shift 2
	local s e
	/usr/bin/time -f '%e %M' -o "$W/time.txt" "$@" >/dev/null 2>"$W/rep.err" ||
		{ echo "  $name FAILED: $(tail -2 "$W/rep.err")"; T=nan; M=nan; return; }
	read -r _ M <"$W/time.txt"
	M=$(awk "BEGIN{printf \"%.1f\", $M/1024}")
	s=$(date +%s%N)
	for _ in $(seq "$n"); do "$@" >/dev/null 2>&1; done
	e=$(date +%s%N)
	T=$(awk "BEGIN{printf \"%.4f\", ($e - $s) / 1e9 / $n}")
	printf '  %-34s %8.4f s %9s MB\n' "$name" "$T" "$M"
}

echo
echo "== listing exports (mean of 10 runs; output to /dev/null)"
OBJDUMP=x86_64-w64-mingw32-objdump
READOBJ=$(ls /usr/lib/llvm-*/bin/llvm-readobj 2>/dev/null | sort -V | tail -1)
sh "$TOP/bench/gen_dll.sh" "$N" "$W/gen.dll" "$W" || { echo "could not build the generated DLL"; exit 1; }
BIG=$(x86_64-w64-mingw32-g++ -print-file-name=libstdc++-6.dll)
for dll in "$BIG" "$W/gen.dll"; do
	echo "-- $(basename "$dll") ($("$BIN/dumpexports" -f tsv "$dll" | tail -n +2 | wc -l) exports)"
	repeat "dumpexports" 10 "$BIN/dumpexports" "$dll"; td=$T md=$M
	repeat "objdump -p" 10 $OBJDUMP -p "$dll"; to=$T mo=$M
	repeat "llvm-readobj --coff-exports" 10 "$READOBJ" --coff-exports "$dll"; tr=$T mr=$M
	echo "   ratios: vs objdump -p: $(ratio "$to" "$td")x faster, $(ratio "$mo" "$md")x less memory;" \
	     "vs llvm-readobj: $(ratio "$tr" "$td")x faster, $(ratio "$mr" "$md")x less memory"
done
