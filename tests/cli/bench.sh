#!/bin/bash
# The measuring instrument of `make bench` (bench/run.sh, bench/runtime.c):
#   1. runtime's clocks and peak RSS are right: a 0.3 s sleep takes at
#      least 0.3 s and almost no cpu; a process that fills 64 MB peaks at
#      64 MB or more, the figure /usr/bin/time prints as %M, and uses cpu;
#   2. runtime passes the command's exit status on (127: not found);
#   3. run.sh end to end, small: the curve's rows and its verdicts;
#   4. a tool that fails is "not measured", never a goal met; a tool that
#      is fast because it wrote nothing is caught by the byte check and
#      its goals are "not counted";
#   5. each command runs once before the runs that are counted (a cold
#      first run once made a median of 5 a sixth too slow).
. "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1

RT=$T/runtime
if ${CC:-cc} -std=c11 -O2 -Wall -Wextra -Werror -o "$RT" "$TOP/bench/runtime.c" 2>cc.err; then
	ok "bench/runtime.c builds without a warning"
else fail "bench/runtime.c builds" "$(head -3 cc.err)"; fi

"$RT" sleep.txt sleep 0.3; rc=$?
read -r t m st c <sleep.txt
if [ $rc = 0 ] && [ "$st" = 0 ] && awk "BEGIN { exit !($t >= 0.3 && $t < 5 && $c < 0.1) }"; then
	ok "runtime: sleep 0.3 takes $t s and $c s of cpu"
else fail "runtime: sleep 0.3" "rc=$rc $(cat sleep.txt)"; fi

# awk fills a 64 MB string: the peak RSS must be at least that.
fill='BEGIN { s = "x"; while (length(s) < 67108864) s = s s; print length(s) }'
"$RT" fill.txt awk "$fill" >fill.out
read -r t m st c <fill.txt
if [ "$st" = 0 ] && [ "$(cat fill.out)" = 67108864 ] && [ "$m" -ge 65536 ] && awk "BEGIN { exit !($c > 0.005) }"; then
	ok "runtime: a process filling 64 MB peaks at $m KB, $c s of cpu"
else fail "runtime: peak RSS of a 64 MB process" "$(cat fill.txt) $(cat fill.out)"; fi
if need "runtime's peak RSS is /usr/bin/time's %M" /usr/bin/time; then
	/usr/bin/time -f '%M' -o time.txt awk "$fill" >/dev/null
	mt=$(tail -1 time.txt)
	# the same program twice: within 5% of each other
	if awk "BEGIN { d = $m - $mt; if (d < 0) d = -d; exit !(d <= $mt / 20) }"; then
		ok "runtime's peak RSS is /usr/bin/time's %M ($m KB, $mt KB)"
	else fail "runtime's peak RSS is /usr/bin/time's %M" "$m KB against $mt KB"; fi
fi

"$RT" st.txt sh -c 'exit 3'; rc=$?
"$RT" nf.txt ./no-such-program 2>nf.err; rc2=$?
if [ $rc = 3 ] && [ "$(cut -d' ' -f3 st.txt)" = 3 ] && [ $rc2 = 127 ] && [ "$(cut -d' ' -f3 nf.txt)" = 127 ] &&
   grep -q 'no-such-program' nf.err; then
	ok "runtime passes the exit status on (3; 127 for a missing program, named)"
else fail "runtime's exit status" "rc=$rc $(cat st.txt); rc2=$rc2 $(cat nf.txt) $(cat nf.err)"; fi

# 3. The curve, quick, one run a size.
built "bench: the curve" "$BIN/mkimplib" || exit 0
BENCH_QUICK=1 BENCH_RUNS=1 BENCH_ONLY=curve BUILD=$BUILD bash "$TOP/bench/run.sh" >curve.out 2>curve.err; rc=$?
rows=$(grep -cE '^ +(1000|2000|4000|8000|16000) +[0-9.]+ +[0-9.]+ ' curve.out)
if [ $rc = 0 ] && [ "$rows" = 5 ] && grep -q '^  verdict short (sizes >= 4,000): time per export, largest / smallest [0-9.]* (cpu [0-9.]*, fastest runs [0-9.]*);' curve.out &&
   grep -q '^  verdict long ' curve.out && ! grep -q 'not measured' curve.out; then
	ok "bench: the curve prints 5 sizes and both verdicts"
else fail "bench: the curve" "rc=$rc rows=$rows $(tail -3 curve.out) $(head -2 curve.err)"; fi

# 4. A build folder whose mkimplib fails, and one whose mkimplib writes
#    an empty file and exits 0.
if need "bench: a failing or idle tool is caught" /usr/lib/llvm-22/bin/llvm-dlltool; then
	for kind in failing idle; do
		mkdir -p "$kind/bin"
		cp "$BIN/mkdef" "$BIN/dumpexports" "$kind/bin/"
		case $kind in
		failing) printf '#!/bin/sh\necho "mkimplib: broken on purpose" >&2\nexit 2\n' ;;
		idle) printf '#!/bin/sh\nwhile [ $# -gt 1 ]; do [ "$1" = -o ] && : >"$2"; shift; done\n' ;;
		esac >"$kind/bin/mkimplib"
		chmod +x "$kind/bin/mkimplib"
		BENCH_RUNS=1 BENCH_EXPORTS=500 BENCH_ONLY=short BUILD=$T/$kind bash "$TOP/bench/run.sh" >"$kind.out" 2>&1
	done
	if grep -q 'mkimplib --format short .*not measured: FAILED (exit 2): mkimplib: broken on purpose' failing.out &&
	   [ "$(grep -c 'vs llvm-dlltool, .*not measured' failing.out)" = 4 ] && ! grep -qw met failing.out; then
		ok "bench: a failing tool is not measured, and its goals are not met"
	else fail "bench: a failing tool" "$(grep -E 'mkimplib|goal|met' failing.out | head -5)"; fi
	if [ "$(grep -c 'check: DIFFERENT bytes from llvm-dlltool' idle.out)" = 2 ] &&
	   [ "$(grep -c 'vs llvm-dlltool, .*not counted: mkimplib.s library differs' idle.out)" = 4 ] &&
	   ! grep -qw met idle.out; then
		ok "bench: a tool that writes nothing is caught by the byte check, its goals not counted"
	else fail "bench: a tool that writes nothing" "$(grep -E 'check|goal|met' idle.out | head -6)"; fi
fi

# 5. The uncounted first run: a mkimplib that logs each call and does the
#    real work; each short section runs it once more than it counts.
if need "bench: one uncounted run first" /usr/lib/llvm-22/bin/llvm-dlltool; then
	mkdir -p counting/bin
	cp "$BIN/mkdef" "$BIN/dumpexports" counting/bin/
	printf '#!/bin/sh\necho run >>"%s/calls.log"\nexec "%s/mkimplib" "$@"\n' "$T" "$BIN" >counting/bin/mkimplib
	chmod +x counting/bin/mkimplib
	: >calls.log
	BENCH_RUNS=2 BENCH_EXPORTS=500 BENCH_ONLY=short BUILD=$T/counting bash "$TOP/bench/run.sh" >counting.out 2>&1
	counted=$(sed -n 's/^  mkimplib --format short .* \([0-9][0-9]*\) runs .*/\1/p' counting.out | tr '\n' ' ')
	calls=$(grep -c run calls.log)
	if [ "$counted" = "5 5 " ] && [ "$calls" = 12 ] && grep -q 'after one uncounted run' counting.out; then
		ok "bench: each command runs once uncounted, then 5 counted runs (12 calls for 2 sections)"
	else fail "bench: one uncounted run first" "counted '$counted', calls $calls: $(grep -E 'medians|mkimplib --format' counting.out | head -3)"; fi
fi
