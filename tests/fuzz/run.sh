#!/bin/bash
# tests/fuzz/run.sh SECONDS TARGET... - run each libFuzzer target for
# SECONDS from its seeds (FUZZ_DIR/seeds/TARGET, read only) and its corpus
# (FUZZ_DIR/corpus/TARGET, which grows), FUZZ_PARALLEL at a time, and print
# one line per target: executions, coverage (cov: edges, ft: features),
# corpus, findings.  A finding (crash, broken promise, sanitizer report,
# leak, timeout > 10 s, out of memory > 1 GB) is saved in
# FUZZ_DIR/findings/TARGET/ and its report printed whole.  Exit status 1
# when anything was found.
#
# The targets:
#   def        .def parser and writer (write -> parse -> write)
#   drectve    .drectve directives, both dialects
#   implib     import-library reader, and a library as a module
#   pe         PE export directories; i386 stdcall recovery from the code
#   bfd        objects and archives through libbfd, then as mkdef goes on
#   archive    dllkit's own archive reader
#   roundtrip  .def -> every import-library writer (short, long, every
#              machine) -> dllkit's readers -> the same imports; .def
#              writer -> .def parser -> the same module
#   model      dedupe, stdcall kill-at/aliases, --merge, sort, check
#   diff       two .def files compared (as --diff and --check do)
#   exp        export objects (.exp): the reader, and what it reads rewritten
#   cli        mkdef, mkimplib and dumpexports command lines
set -u
SECONDS_EACH=$1
shift
D=${FUZZ_DIR:-build-fuzz}
P=${FUZZ_PARALLEL:-1}
mkdir -p "$D/logs"
D=$(cd "$D" && pwd) # fuzz_cli works in a folder of its own

run_one() {
	local t=$1 log=$D/logs/$1.log
	local dict=() env=()
	mkdir -p "$D/corpus/$t" "$D/findings/$t" "$D/seeds/$t"
	[ -f "tests/fuzz/$t.dict" ] && dict=(-dict="$PWD/tests/fuzz/$t.dict")
	[ "$t" = cli ] && env=(DK_FUZZ_FILES="$D/seeds/cli-files")
	# .def texts: the real ones run to 60 KB, which makes every run slow;
	# 16 KB keeps a thousand exports and the speed.
	local len=()
	case $t in def | roundtrip | model | diff) len=(-max_len=16384) ;; esac
	ls "$D/findings/$t" >"$D/logs/$t.before"
	env "${env[@]}" ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$D/fuzz_$t" -max_total_time="$SECONDS_EACH" -print_final_stats=1 -timeout=10 \
		-rss_limit_mb=1024 -artifact_prefix="$D/findings/$t/" "${dict[@]}" "${len[@]}" \
		"$D/corpus/$t" "$D/seeds/$t" >"$log" 2>&1
	echo $? >"$D/logs/$t.rc"
}

summary() {
	local t=$1 log=$D/logs/$1.log rc
	rc=$(cat "$D/logs/$t.rc")
	local runs eps last cov ft corp new
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
	[ -z "$runs" ] && runs=$(echo "$last" | sed -n 's/^#\([0-9]*\).*/\1/p')
	new=$(ls "$D/findings/$t" | grep -E '^(crash|leak|timeout|oom)-' |
		grep -vxFf "$D/logs/$t.before")
	printf '%-10s %10s runs %7s/s  cov %5s  ft %6s  corpus %5s  ' "$t" "${runs:-?}" "${eps:-?}" \
		"${cov:-?}" "${ft:-?}" "${corp:-?}"
	if [ -z "$new" ] && [ "$rc" = 0 ]; then
		echo "findings: none"
		return 0
	fi
	echo "FINDING (exit $rc): ${new:-no input saved}" | tr '\n' ' '
	echo
	# The report, whole: from the first sanitizer, libFuzzer or promise line.
	awk '/^==[0-9]+==|runtime error:|broken promise|^ERROR: libFuzzer|^INFO: a leak|deadly signal|^SUMMARY:/ { on = 1 }
	     on && n < 120 { print "    " $0; n++ }' "$log"
	for f in $new; do echo "    input: $D/findings/$t/$f"; done
	return 1
}

status=0
running=()
targets=("$@")
i=0
while [ $i -lt ${#targets[@]} ] || [ ${#running[@]} -gt 0 ]; do
	while [ $i -lt ${#targets[@]} ] && [ ${#running[@]} -lt "$P" ]; do
		t=${targets[$i]}
		i=$((i + 1))
		if [ ! -x "$D/fuzz_$t" ]; then
			echo "$t: no such target ($D/fuzz_$t)"
			status=1
			continue
		fi
		run_one "$t" &
		running+=("$!:$t")
	done
	[ ${#running[@]} -eq 0 ] && break
	wait -n
	still=()
	for r in "${running[@]}"; do
		if kill -0 "${r%%:*}" 2>/dev/null; then
			still+=("$r")
		else
			wait "${r%%:*}"
			summary "${r#*:}" || status=1
		fi
	done
	running=("${still[@]}")
done
exit $status
