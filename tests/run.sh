#!/bin/sh
# tests/run.sh - run every test and print one summary line.
#   sh tests/run.sh [--only-unit] UNIT_BINARY...
# Unit tests are check programs; the tools are tested by tests/cli/*.sh and
# tests/interop/*.sh, which print "ok - NAME", "FAIL - NAME: why" or
# "skip - NAME: why" per case.  The last line is "N passed, N failed".
BUILD=${BUILD:-build}
export BUILD
only_unit=0
[ "${1:-}" = "--only-unit" ] && { only_unit=1; shift; }

log=$BUILD/test-logs
rm -rf "$log"
mkdir -p "$log"
passed=0 failed=0 skipped=0
failures=""

for t in "$@"; do
	name=$(basename "$t")
	CK_FORK=yes "$t" >"$log/$name.log" 2>&1
	rc=$?
	sed -n 's/^\([0-9]*%: Checks: .*\)/\1/p' "$log/$name.log" | sed "s|^|$name: |"
	n=$(sed -n 's/^[0-9]*%: Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\).*/\1 \2 \3/p' "$log/$name.log")
	if [ -z "$n" ]; then
		echo "FAIL - $name: did not run (exit $rc); see $log/$name.log"
		failed=$((failed + 1)); failures="$failures $name"
		continue
	fi
	total=${n%% *}; rest=${n#* }; bad=$((${rest% *} + ${rest#* }))
	passed=$((passed + total - bad)); failed=$((failed + bad))
	if [ "$bad" -ne 0 ] || [ "$rc" -ne 0 ]; then
		grep -E ':[EF]:' "$log/$name.log" | head -20
		failures="$failures $name"
		[ "$bad" -eq 0 ] && failed=$((failed + 1))
	fi
done

if [ "$only_unit" = 0 ]; then
	for s in tests/cli/*.sh tests/interop/*.sh; do
		[ -f "$s" ] || continue
		name=$(basename "$s" .sh)
		bash "$s" >"$log/$name.log" 2>&1
		rc=$?
		p=$(grep -c '^ok - ' "$log/$name.log")
		f=$(grep -c '^FAIL - ' "$log/$name.log")
		k=$(grep -c '^skip - ' "$log/$name.log")
		echo "$name: $p passed, $f failed, $k skipped"
		grep -E '^(FAIL|skip) - ' "$log/$name.log" | head -30
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			echo "FAIL - $name: script exited $rc; see $log/$name.log"
			tail -5 "$log/$name.log"
			f=1
		fi
		passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + k))
		[ "$f" -ne 0 ] && failures="$failures $name"
	done
fi

[ -n "$failures" ] && echo "failing:$failures (logs in $log/)"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
