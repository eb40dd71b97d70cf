#!/bin/bash
# bench/run.sh - time dllkit beside its peers on the same inputs, in one run
# (`make bench`; the goals are issue 13's).  Not a test: the figures depend on
# the machine and its load; the ratios, taken in the same run, much less.
#
# How to read it
#   Every figure is a median over several runs, after one run that is not
#   counted (cold caches): 5 (BENCH_RUNS), 3 for a command whose uncounted
#   run takes over 5 s, 11 (2 * BENCH_RUNS + 1) for one whose uncounted run
#   takes under 1 s, and 1 where the output says so (GNU dlltool at 60,000
#   exports: 30 s to minutes and 3 GB a run, not run twice).  The runs of
#   dllkit and of its peer alternate (A B A B ...), so that a change in the
#   machine's load falls on both.  "time" is wall time; "peak RSS" is the
#   kernel's peak resident set of the process (ru_maxrss from wait4, what
#   /usr/bin/time prints as %M), measured by bench/runtime.c; "cpu" is user
#   plus system time, which a loaded machine moves much less than the wall
#   time: when the two ratios disagree, the machine was busy.  A tool's line
#   shows the median time, peak RSS and cpu, the number of runs and the
#   fastest and slowest run.
#   A ratio is dllkit's figure over the peer's: 0.25x means a quarter of the
#   peer's time (or memory).  "goal" is the issue's limit, "met" or "NOT met",
#   judged on the wall time; the cpu ratio is printed beside it.
#   "not measured" when a tool is missing or failed (then the reason).
#   The curve prints mkimplib's time and peak RSS from 1,000 to 65,535
#   exports, per export; "above start-up" subtracts the peak RSS of a
#   one-export library, so that linear growth shows as a flat column.  The
#   verdict is the largest time per export over the smallest (sizes of
#   4,000 and more, where start-up no longer dominates): 1.00 is perfectly
#   linear; beside it the same for the cpu time, for each size's fastest
#   run (a busy machine only adds time), and for the time above a
#   one-export run's (start-up taken out, as for the memory: the time per
#   export of small sizes carries start-up, which makes the plain ratio
#   above 1 even when the growth is linear).  On a very busy machine all three
#   wander by tens of percent: run the curve again on a quiet one
#   (BENCH_ONLY=curve) before calling growth non-linear.
#   The checks after each comparison ("same bytes", export counts) make sure
#   no tool was fast because it did less: when one fails, that comparison's
#   goals say "not counted".
#   The last section repeats every goal in one table: that is the part to
#   quote.
#
# Knobs: BUILD (the tools' build folder), BENCH_EXPORTS (60000),
# BENCH_RUNS (5), BENCH_ONLY="short long wine mkdef one curve" (the
# sections to run, all by default), BENCH_QUICK=1 (3 runs, GNU dlltool
# once and not at 60,000, the curve only to 16,000: a try-out, not figures
# to quote).  A peer that is not installed is "not measured", the rest runs.
set -u
BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
BIN=$BUILD/bin
W=$BUILD/bench
N=${BENCH_EXPORTS:-60000}
QUICK=${BENCH_QUICK:-0}
[ "$QUICK" = 0 ] && QUICK=
RUNS=${BENCH_RUNS:-$([ -n "$QUICK" ] && echo 3 || echo 5)}
RUNS_SHORT=$((2 * RUNS + 1))   # commands of a few milliseconds: more runs
mkdir -p "$W"
for t in mkimplib mkdef dumpexports; do
	[ -x "$BIN/$t" ] || { echo "bench: $BIN/$t is missing: run make first" >&2; exit 2; }
done
RT=$W/runtime
${CC:-cc} -std=c11 -O2 -Wall -Wextra -o "$RT" "$TOP/bench/runtime.c" ||
	{ echo "bench: cannot build bench/runtime.c" >&2; exit 2; }
cd "$W" || exit 2   # GNU dlltool writes its temporary files into the cwd

newest() { ls /usr/lib/llvm-*/bin/"$1" 2>/dev/null | sort -V | tail -1; }
LLVM_DLLTOOL=$(newest llvm-dlltool)
LLVM_READOBJ=$(newest llvm-readobj)
LLVM_V=$(echo "$LLVM_DLLTOOL" | sed -n 's|.*/llvm-\([0-9]*\)/.*|\1|p')
have() { [ -n "$1" ] && command -v "$1" >/dev/null 2>&1; }
fmt_n() { echo "$1" | sed -e :a -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e ta; }
export LC_NUMERIC=C

# --- the measuring engine ------------------------------------------------
# tool KEY "NAME" MAXRUNS CMD... registers a command; measure runs all the
# registered commands interleaved and sets T[KEY] (median seconds) and
# M[KEY] (median peak RSS, KB), or ERR[KEY]; show prints them.
declare -A CMD NAME LIM TS MS CS NR ERR T M C TMIN
KEYS=()
tool() {
	local key=$1 name=$2 max=$3; shift 3
	KEYS+=("$key"); NAME[$key]=$name; LIM[$key]=$max
	TS[$key]=""; MS[$key]=""; CS[$key]=""; NR[$key]=0; ERR[$key]=""; T[$key]=""; M[$key]=""; C[$key]=""
	if ! have "$1"; then ERR[$key]="$1 not found"; return; fi
	CMD[$key]=$(printf '%q ' "$@")
}
# missing KEY "NAME" "why": a peer that is not installed.
missing() { KEYS+=("$1"); NAME[$1]=$2; ERR[$1]="$3"; T[$1]=""; M[$1]=""; NR[$1]=0; }

median() {
	tr ' ' '\n' | grep . | sort -g | awk '{ a[NR] = $1 }
		END { if (NR == 0) print ""; else if (NR % 2) print a[(NR + 1) / 2];
		      else printf "%.6f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# run_once KEY: one run of KEY's command; sets t m st c, or ERR[KEY].
run_once() {
	local key=$1
	rm -f "$W/rt.txt"
	eval "\"\$RT\" \"\$W/rt.txt\" ${CMD[$key]}" </dev/null >/dev/null 2>"$W/$key.err"
	if ! read -r t m st c 2>/dev/null <"$W/rt.txt"; then
		ERR[$key]="could not be run: $(tail -1 "$W/$key.err")"; return 1
	fi
	if [ "$st" != 0 ]; then
		ERR[$key]="FAILED (exit $st): $(grep . "$W/$key.err" | tail -1)"; return 1
	fi
}

measure() {
	local key t m st c more=1
	# First one run of each command that is not counted: the first run of
	# a section pays for cold caches (the input just written, the tool's
	# own pages), which once gave a first run of 0.20 s among runs of
	# 0.06 s.  Its time picks the number of runs: over 5 s, 3 are enough;
	# under 1 s, 2 * RUNS + 1: a scheduler's hiccup is a large part of a
	# short run, and llvm-dlltool's 0.4 s runs spread from 0.36 to 0.59 s
	# on a quiet machine, enough to move a median of 5 by a sixth.  A
	# command measured once (GNU dlltool at 60,000 exports: half a
	# minute and 3 GB) is not warmed up.
	for key in "${KEYS[@]}"; do
		[ -z "${ERR[$key]}" ] && [ "${LIM[$key]}" -gt 1 ] || continue
		run_once "$key" || continue
		if [ "${LIM[$key]}" = "$RUNS" ]; then
			if awk "BEGIN { exit !($t > 5) }"; then [ "$RUNS" -gt 3 ] && LIM[$key]=3
			elif awk "BEGIN { exit !($t < 1) }"; then LIM[$key]=$RUNS_SHORT; fi
		fi
	done
	while [ $more = 1 ]; do   # one run of each command a round
		more=0
		for key in "${KEYS[@]}"; do
			[ -z "${ERR[$key]}" ] && [ "${NR[$key]}" -lt "${LIM[$key]}" ] || continue
			more=1
			run_once "$key" || continue
			TS[$key]+="$t "; MS[$key]+="$m "; CS[$key]+="$c "; NR[$key]=$((NR[$key] + 1))
		done
	done
	for key in "${KEYS[@]}"; do
		[ -z "${ERR[$key]}" ] || continue
		T[$key]=$(echo "${TS[$key]}" | median)
		M[$key]=$(echo "${MS[$key]}" | median)
		C[$key]=$(echo "${CS[$key]}" | median)
		TMIN[$key]=$(echo "${TS[$key]}" | tr ' ' '\n' | grep . | sort -g | head -1)
	done
}

show() {
	local key lo hi
	printf '  %-38s %10s %11s %10s\n' "" "time" "peak RSS" "cpu"
	for key in "${KEYS[@]}"; do
		if [ -n "${ERR[$key]}" ]; then
			printf '  %-38s not measured: %s\n' "${NAME[$key]}" "${ERR[$key]}"; continue
		fi
		lo=${TMIN[$key]}
		hi=$(echo "${TS[$key]}" | tr ' ' '\n' | grep . | sort -g | tail -1)
		printf '  %-38s %8.4f s %8.1f MB %8.4f s  %d run%s' "${NAME[$key]}" "${T[$key]}" \
			"$(awk "BEGIN { print ${M[$key]} / 1024 }")" "${C[$key]}" "${NR[$key]}" \
			"$([ "${NR[$key]}" = 1 ] || echo s)"
		[ "${NR[$key]}" -gt 1 ] && printf ' (%.4f..%.4f)' "$lo" "$hi"
		echo
	done
}

# BAD: set by a section's check when a tool's output is wrong or short: the
# goals of that comparison are then "not counted" (fast because it did less).
reset() { KEYS=(); BAD=""; }

# goal "WHAT" OURS PEER time|memory LIMIT, LIMIT as "<=0.15" or "<1":
# prints the ratio and whether the goal is met, and keeps a summary line.
SUMMARY=()
goal() {
	local what=$1 a=$2 b=$3 kind=$4 lim=$5 op num va vb r cr verdict unit
	op=${lim%%[0-9.]*}; num=${lim#"$op"}
	if [ -n "${ERR[$a]}" ] || [ -n "${ERR[$b]}" ]; then
		verdict="not measured: ${ERR[$a]:-${ERR[$b]}}"
		printf '  %-7s %38s goal %s%sx  %s\n' "$kind" "" "$op" "$num" "$verdict"
		SUMMARY+=("$(printf '  %-50s %11s %11s %8s %7s  %-7s %s' "$what, $kind" - - - - "$op${num}x" "not measured")")
		return
	fi
	if [ -n "$BAD" ]; then
		printf '  %-7s %38s goal %s%sx  not counted: %s\n' "$kind" "" "$op" "$num" "$BAD"
		SUMMARY+=("$(printf '  %-50s %11s %11s %8s %7s  %-7s %s' "$what, $kind" - - - - "$op${num}x" "not counted: $BAD")")
		return
	fi
	if [ "$kind" = time ]; then va=${T[$a]} vb=${T[$b]} unit="%.4f s"
	else va=$(awk "BEGIN { print ${M[$a]} / 1024 }") vb=$(awk "BEGIN { print ${M[$b]} / 1024 }") unit="%.1f MB"; fi
	r=$(awk "BEGIN { printf \"%.3f\", $va / $vb }")
	cr=-
	[ "$kind" = time ] && cr=$(awk -v a="${C[$a]}" -v b="${C[$b]}" 'BEGIN { if (b > 0) printf "%.3fx", a / b; else print "-" }')
	if awk "BEGIN { r = $va / $vb; exit !(\"$op\" == \"<\" ? r < $num : r <= $num) }"; then
		verdict=met
	else verdict="NOT met"; fi
	printf '  %-7s %6.3fx %-30s goal %s%sx  %s%s\n' "$kind" "$r" "(${NAME[$a]%% *} / ${NAME[$b]%% *})" "$op" "$num" "$verdict" \
		"$([ "$cr" = - ] || echo " (cpu: $cr)")"
	# shellcheck disable=SC2059
	SUMMARY+=("$(printf '  %-50s %11s %11s %7.3fx %7s  %-7s %s' "$what, $kind" \
		"$(printf "$unit" "$va")" "$(printf "$unit" "$vb")" "$r" "$cr" "$op${num}x" "$verdict")")
}

# ratio_line OURS PEER: time and memory ratios where there is no goal.
ratio_line() {
	[ -z "${ERR[$1]}" ] && [ -z "${ERR[$2]}" ] || return
	awk -v a="${T[$1]}" -v b="${T[$2]}" -v c="${M[$1]}" -v d="${M[$2]}" -v e="${C[$1]}" -v f="${C[$2]}" \
		-v n="${NAME[$2]}" 'BEGIN { printf "  vs %-30s time %.3fx, memory %.3fx, cpu %s\n", n ":", a / b, c / d,
			(f > 0 ? sprintf("%.3fx", e / f) : "-") }'
}

exports_in() { "$BIN/dumpexports" -f tsv "$@" 2>/dev/null | tail -n +2 | wc -l; }
def_exports() { awk '/^EXPORTS/ { e = 1; next } e && NF && $1 !~ /^;/ { n++ } END { print n + 0 }' "$1"; }

# --- the run -------------------------------------------------------------
echo "dllkit bench, $(date -u '+%Y-%m-%d %H:%M UTC')${QUICK:+, QUICK (BENCH_QUICK=1: a try-out, not figures to quote)}"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) cores," \
     "$(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo);" \
     "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "dllkit: $BIN ($(git -C "$TOP" describe --always --dirty 2>/dev/null || echo '?'));" \
     "llvm: ${LLVM_V:-none}; GNU binutils: $(x86_64-w64-mingw32-dlltool --version 2>/dev/null | head -1 | sed 's/.* //')"
echo "medians of $RUNS runs ($RUNS_SHORT under 1 s, 3 over 5 s) after one uncounted run, unless said otherwise; ratios are dllkit / peer"

GD64=x86_64-w64-mingw32-dlltool
declare -A MM=([x64]=x86-64 [i386]=i386)
declare -A LM=([x64]=i386:x86-64 [i386]=i386)

# 1. Short import library: mkimplib vs llvm-dlltool.
section_short() {
	for arch in x64 i386; do
		echo
		echo "== short import library, $(fmt_n "$N") exports, ${MM[$arch]}: mkimplib vs llvm-dlltool ${LLVM_V:-(none)}"
		sh "$TOP/bench/gen_def.sh" "$N" $arch >"$W/bench-$arch.def"
		reset
		tool ours "mkimplib --format short" "$RUNS" "$BIN/mkimplib" -m "${MM[$arch]}" --format short -o "$W/s.lib" "$W/bench-$arch.def"
		if [ -n "$LLVM_DLLTOOL" ]; then
			tool peer "llvm-dlltool $LLVM_V" "$RUNS" "$LLVM_DLLTOOL" -m "${LM[$arch]}" -d "$W/bench-$arch.def" -l "$W/l.lib"
		else missing peer "llvm-dlltool" "no /usr/lib/llvm-*/bin/llvm-dlltool"; fi
		measure; show
		if [ -z "${ERR[ours]}" ] && [ -z "${ERR[peer]}" ]; then
			if cmp -s "$W/s.lib" "$W/l.lib"; then echo "  check: mkimplib's library has the same bytes as llvm-dlltool's"
			else echo "  check: DIFFERENT bytes from llvm-dlltool's ($(cmp "$W/s.lib" "$W/l.lib" 2>&1 | head -1))"
				BAD="mkimplib's library differs from llvm-dlltool's"; fi
		fi
		goal "short $(fmt_n "$N") ${MM[$arch]} vs llvm-dlltool" ours peer time "<=0.15"
		goal "short $(fmt_n "$N") ${MM[$arch]} vs llvm-dlltool" ours peer memory "<=0.5"
	done
}

# 2. Long import library: mkimplib --format long vs GNU dlltool (x86-64).
section_long() {
	for n in 10000 "$N"; do
		echo
		echo "== long import library, $(fmt_n "$n") exports, x86-64: mkimplib --format long vs GNU dlltool"
		sh "$TOP/bench/gen_def.sh" "$n" x64 >"$W/long-$n.def"
		reset
		tool ours "mkimplib --format long" "$RUNS" "$BIN/mkimplib" -m x86-64 --format long -o "$W/g.a" "$W/long-$n.def"
		gdruns=$RUNS
		if [ "$n" -ge 30000 ]; then
			gdruns=1; echo "  (GNU dlltool: one run, of half a minute or more and 3 GB)"
		elif [ -n "$QUICK" ]; then gdruns=1; echo "  (GNU dlltool: one run, QUICK)"; fi
		if [ -n "$QUICK" ] && [ "$n" -ge 30000 ]; then
			missing peer "GNU dlltool" "left out in QUICK mode"
		else
			tool peer "GNU dlltool" "$gdruns" $GD64 -d "long-$n.def" -l gd.a
		fi
		measure; show
		if [ -z "${ERR[ours]}" ]; then
			have=$(exports_in "$W/g.a") want=$(def_exports "$W/long-$n.def")
			echo "  check: exports in mkimplib's library: $have of $want" \
			     "$([ -z "${ERR[peer]}" ] && echo "(GNU dlltool's: $(exports_in "$W/gd.a"))")"
			[ "$have" = "$want" ] || BAD="mkimplib's library has $have of the $want exports"
		fi
		goal "long $(fmt_n "$n") x86-64 vs GNU dlltool" ours peer time "<=0.01"
		goal "long $(fmt_n "$n") x86-64 vs GNU dlltool" ours peer memory "<=0.05"
		rm -f "$W/gd.a"
	done
}

# 3. Listing every x86-64 Wine DLL in one invocation.
section_wine() {
	echo
	WINE=/usr/lib/x86_64-linux-gnu/wine/x86_64-windows
	mapfile -t DLLS < <(ls "$WINE"/*.dll 2>/dev/null)
	echo "== listing the exports of every x86-64 Wine DLL in one invocation (${#DLLS[@]} in $WINE; output to /dev/null)"
	if [ ${#DLLS[@]} = 0 ]; then
		echo "  no Wine DLLs (the wine64 package): left out"
		SUMMARY+=("$(printf '  %-50s %11s %11s %8s %7s  %-7s %s' "Wine DLLs listed, time" - - - - "" "not measured (no Wine DLLs)")")
	else
		# A file one tool refuses stops llvm-readobj there: list only what all read.
		if [ -n "$LLVM_READOBJ" ] && ! "$LLVM_READOBJ" --coff-exports "${DLLS[@]}" >/dev/null 2>&1; then
			keep=() refused=()
			for f in "${DLLS[@]}"; do
				if "$LLVM_READOBJ" --coff-exports "$f" >/dev/null 2>"$W/ro.err"; then keep+=("$f")
				else refused+=("$(basename "$f")"); why=$(head -1 "$W/ro.err" | sed 's/.*: //'); fi
			done
			echo "  llvm-readobj refuses ${#refused[@]} of them (${refused[*]}; \"$why\") and stops there:" \
			     "all three tools list the other ${#keep[@]}"
			DLLS=("${keep[@]}")
		fi
		reset
		tool ours "dumpexports" "$RUNS" "$BIN/dumpexports" "${DLLS[@]}"
		if [ -n "$LLVM_READOBJ" ]; then tool readobj "llvm-readobj --coff-exports ($LLVM_V)" "$RUNS" "$LLVM_READOBJ" --coff-exports "${DLLS[@]}"
		else missing readobj "llvm-readobj" "no /usr/lib/llvm-*/bin/llvm-readobj"; fi
		tool objdump "objdump -p" "$RUNS" x86_64-w64-mingw32-objdump -p "${DLLS[@]}"
		measure; show
		if [ -z "${ERR[ours]}" ] && [ -z "${ERR[readobj]}" ]; then
			# llvm-readobj also lists the empty slots of the ordinal table (RVA 0)
			have=$(exports_in "${DLLS[@]}")
			want=$("$LLVM_READOBJ" --coff-exports "${DLLS[@]}" 2>/dev/null |
				awk '/^ *RVA: 0x0*$/ { next } /^ *(RVA|ForwardedTo): / { n++ } END { print n + 0 }')
			echo "  check: exports listed: dumpexports $have, llvm-readobj $want" \
			     "(less the empty slots of the ordinal table it also lists)"
			[ "$have" = "$want" ] || BAD="dumpexports listed $have exports, llvm-readobj $want"
		fi
		goal "Wine DLLs listed vs llvm-readobj" ours readobj time "<=0.33"
		goal "Wine DLLs listed vs objdump -p" ours objdump time "<1"
		ratio_line ours readobj; ratio_line ours objdump
	fi
}

# 4. mkdef --export-all on libstdc++.a vs dlltool --export-all-symbols -z.
section_mkdef() {
	echo
	LIBSTDCXX=$(x86_64-w64-mingw32-g++ -print-file-name=libstdc++.a 2>/dev/null)
	echo "== .def of everything in libstdc++.a ($LIBSTDCXX): mkdef --export-all vs GNU dlltool --export-all-symbols -z"
	reset
	if [ -f "$LIBSTDCXX" ]; then
		tool ours "mkdef --export-all --keep-runtime-libs" "$RUNS" "$BIN/mkdef" --export-all --keep-runtime-libs -o "$W/m.def" "$LIBSTDCXX"
		tool peer "GNU dlltool" "$RUNS" $GD64 --export-all-symbols -z "$W/d.def" "$LIBSTDCXX"
	else
		missing ours "mkdef --export-all" "no libstdc++.a (g++-mingw-w64)"; missing peer "GNU dlltool" "no libstdc++.a"
	fi
	measure; show
	if [ -z "${ERR[ours]}" ] && [ -z "${ERR[peer]}" ]; then
		have=$(def_exports "$W/m.def") want=$(def_exports "$W/d.def")
		echo "  check: exports written: mkdef $have, GNU dlltool $want" \
		     "(mkdef leaves out what mkdef(1) says --export-all leaves out)"
		# today 97%: under 90% means mkdef skipped work
		[ $((have * 10)) -ge $((want * 9)) ] || BAD="mkdef wrote $have exports, under 90% of GNU dlltool's $want"
	fi
	goal "mkdef --export-all libstdc++.a vs GNU dlltool" ours peer time "<=0.35"
	ratio_line ours peer
}

# 5. Listings of one DLL (no goal): libstdc++-6.dll and a generated DLL.
section_one() {
	echo
	echo "== listing one DLL (no goal; medians of $RUNS_SHORT runs, output to /dev/null)"
	BIG=$(x86_64-w64-mingw32-g++ -print-file-name=libstdc++-6.dll 2>/dev/null)
	ONE=()
	[ -f "$BIG" ] && ONE+=("$BIG")
	if sh "$TOP/bench/gen_dll.sh" "$N" "$W/gen.dll" "$W" >/dev/null 2>"$W/gen_dll.err"; then ONE+=("$W/gen.dll")
	else echo "  could not build the generated DLL: $(tail -1 "$W/gen_dll.err")"; fi
	for dll in "${ONE[@]}"; do
		echo "-- $(basename "$dll") ($(exports_in "$dll") exports)"
		reset
		tool ours "dumpexports" "$RUNS_SHORT" "$BIN/dumpexports" "$dll"
		tool objdump "objdump -p" "$RUNS_SHORT" x86_64-w64-mingw32-objdump -p "$dll"
		if [ -n "$LLVM_READOBJ" ]; then tool readobj "llvm-readobj --coff-exports" "$RUNS_SHORT" "$LLVM_READOBJ" --coff-exports "$dll"
		else missing readobj "llvm-readobj" "no /usr/lib/llvm-*/bin/llvm-readobj"; fi
		measure; show
		ratio_line ours objdump; ratio_line ours readobj
	done
}

# 6. The curve: mkimplib from 1,000 to 65,535 exports.
section_curve() {
	echo
	if [ -n "$QUICK" ]; then SIZES="1000 2000 4000 8000 16000"
	else SIZES="1000 2000 4000 8000 16000 32000 64000 65535"; fi
	echo "== curve: mkimplib, x86-64, time and peak RSS by number of exports (medians)"
	sh "$TOP/bench/gen_def.sh" 1 x64 >"$W/curve-1.def"
	reset
	tool s "short" "$RUNS" "$BIN/mkimplib" -m x86-64 --format short -o "$W/c.lib" "$W/curve-1.def"
	tool l "long" "$RUNS" "$BIN/mkimplib" -m x86-64 --format long -o "$W/c.a" "$W/curve-1.def"
	measure
	declare -A BASE=([s]=${M[s]:-0} [l]=${M[l]:-0}) BASET=([s]=${T[s]:-0} [l]=${T[l]:-0})
	awk -v ts="${T[s]:-0}" -v ms="${M[s]:-0}" -v tl="${T[l]:-0}" -v ml="${M[l]:-0}" 'BEGIN {
		printf "  one export (start-up): short %.4f s, %.1f MB; long %.4f s, %.1f MB\n", ts, ms / 1024, tl, ml / 1024 }'
	printf '  %7s  %s   %s\n' "" "--------------- short -----------------" "---------------- long -----------------"
	printf '  %7s  %8s %8s %7s %6s %6s   %8s %8s %7s %6s %6s\n' exports "time s" "us/exp" "RSS MB" "KB/exp" "above" \
		"time s" "us/exp" "RSS MB" "KB/exp" "above"
	CURVE=""
	for n in $SIZES; do
		sh "$TOP/bench/gen_def.sh" "$n" x64 >"$W/curve.def"
		reset
		tool s "short" "$RUNS" "$BIN/mkimplib" -m x86-64 --format short -o "$W/c.lib" "$W/curve.def"
		tool l "long" "$RUNS" "$BIN/mkimplib" -m x86-64 --format long -o "$W/c.a" "$W/curve.def"
		measure
		line=$(printf '  %7d ' "$n")
		for k in s l; do
			if [ -n "${ERR[$k]}" ]; then line+=$(printf '  %-44s' "not measured: ${ERR[$k]}"); continue; fi
			line+=$(awk -v n="$n" -v t="${T[$k]}" -v m="${M[$k]}" -v b="${BASE[$k]}" \
				'BEGIN { printf " %8.4f %8.3f %7.1f %6.2f %6.2f  ", t, t * 1e6 / n, m / 1024, m / n, (m - b) / n }')
			CURVE+="$k $n ${T[$k]} ${M[$k]} ${C[$k]} ${TMIN[$k]}"$'\n'
		done
		echo "$line" | sed 's/ *$//'
	done
	echo "  (us/exp: microseconds per export; KB/exp: peak RSS per export; above: (peak RSS - start-up's) per export)"
	for k in s l; do
		echo "$CURVE" | awk -v k=$k -v name="$([ $k = s ] && echo short || echo long)" -v b="${BASE[$k]}" \
			-v bt="${BASET[$k]}" '
			$1 == k && $2 >= 4000 { t = $3 / $2; m = ($4 - b) / $2; u = $5 / $2; f = $6 / $2
				a = ($3 - bt) / $2; if (c == 0 || a > amax) amax = a; if (c == 0 || a < amin) amin = a
				if (c == 0 || f > fmax) fmax = f; if (c == 0 || f < fmin) fmin = f
				if (!c++ || t > tmax) tmax = t; if (c == 1 || t < tmin) tmin = t
				if (c == 1 || u > umax) umax = u; if (c == 1 || u < umin) umin = u
				if (c == 1 || m > mmax) mmax = m; if (c == 1 || m < mmin) mmin = m }
			END { if (c < 2) { printf "  verdict %s: too few sizes >= 4,000\n", name; exit }
			      printf "  verdict %s (sizes >= 4,000): time per export, largest / smallest %.2f", name, tmax / tmin
				      printf " (cpu %s, fastest runs %.2f);", (umin > 0 ? sprintf("%.2f", umax / umin) : "-"), fmax / fmin
			      printf " time above start-up per export, largest / smallest %s;", (amin > 0 ? sprintf("%.2f", amax / amin) : "-")
			      printf " memory above start-up per export, largest / smallest %.2f\n", mmax / mmin }'
	done
}

SECTIONS=${BENCH_ONLY:-short long wine mkdef one curve}
for s in $SECTIONS; do
	declare -F "section_$s" >/dev/null ||
		{ echo "bench: no section $s (short long wine mkdef one curve)" >&2; exit 2; }
done
for s in $SECTIONS; do "section_$s"; done
echo
echo "== goals of issue 13, this run (medians: dllkit, peer, dllkit / peer, the same for cpu time, goal)"
[ ${#SUMMARY[@]} -gt 0 ] || echo "  (no goal in the sections run: $SECTIONS)"
for l in "${SUMMARY[@]}"; do echo "$l"; done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
