#!/bin/sh
# tests/run.sh - run every test and print one summary line.
#   sh tests/run.sh [--only-unit] UNIT_BINARY...
# Unit tests are check programs; the tools are tested by tests/cli/*.sh and
# tests/interop/*.sh, which print "ok - NAME", "FAIL - NAME: why" or
# "skip - NAME: why" per case.  The last line is "N passed, N failed".
#
# A required tool that is not installed is a FAIL when CI=true (the CI
# machine must run every case, as it must run Wine) and a skip elsewhere,
# listed again above the summary line, so that a machine without LLVM 22
# does not pass quietly with a third of the suite unrun.
BUILD=${BUILD:-build}
export BUILD
only_unit=0
[ "${1:-}" = "--only-unit" ] && { only_unit=1; shift; }

log=$BUILD/test-logs
rm -rf "$log"
mkdir -p "$log"
passed=0 failed=0 skipped=0
failures=""
on_ci() { [ "${CI:-}" = true ]; }

# The peers the scripts compare dllkit with (make deps installs them all).
# tests/lib.sh's `need` says the same per script; this list makes sure that
# a script which skips on its own cannot hide a missing one.
LLVM22=/usr/lib/llvm-22/bin
PEERS="$LLVM22/llvm-readobj $LLVM22/llvm-nm $LLVM22/llvm-dlltool $LLVM22/llvm-lib $LLVM22/llvm-mc
	$LLVM22/llvm-ar $LLVM22/llvm-objcopy $LLVM22/lld-link $LLVM22/ld.lld
	clang clang++ lld-link llvm-objcopy llvm-nm llvm-readobj llvm-objdump llvm-ar llvm-lib
	x86_64-w64-mingw32-gcc x86_64-w64-mingw32-g++ x86_64-w64-mingw32-dlltool x86_64-w64-mingw32-objdump
	i686-w64-mingw32-gcc i686-w64-mingw32-g++ i686-w64-mingw32-dlltool i686-w64-mingw32-objdump
	cmake python3"
if [ "$only_unit" = 0 ]; then
	absent=""
	for p in $PEERS; do
		case $p in
		/*) [ -x "$p" ] ;;
		*) command -v "$p" >/dev/null 2>&1 ;;
		esac || absent="$absent $p"
	done
	if [ -n "$absent" ]; then
		n=$(echo $absent | wc -w)
		if on_ci; then
			echo "FAIL - peers: $n required tools are not installed on CI:$absent (make deps)"
			failed=$((failed + 1)); failures="$failures peers"
		else
			echo "skip - peers: NOT INSTALLED:$absent (make deps installs them; on CI this is a FAIL)"
			skipped=$((skipped + 1))
		fi
	fi
fi

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
	if [ "$total" -eq 0 ]; then
		echo "FAIL - $name: ran no check; see $log/$name.log"
		failed=$((failed + 1)); failures="$failures $name"
		continue
	fi
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
		elif [ $((p + f + k)) -eq 0 ]; then
			# a script that says nothing has tested nothing
			echo "FAIL - $name: printed no ok, FAIL or skip line; see $log/$name.log"
			tail -5 "$log/$name.log"
			f=1
		fi
		passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + k))
		[ "$f" -ne 0 ] && failures="$failures $name"
	done
fi

# Cases left unrun for want of a tool, once more, just above the summary line.
if [ "$only_unit" = 0 ]; then
	nm=$(cat "$log"/*.log 2>/dev/null | grep -c '^skip - .*NOT INSTALLED')
	[ -n "${absent:-}" ] && nm=$((nm + 1))
	if [ "$nm" -gt 0 ]; then
		echo "WARNING: $nm skip lines are for tools that are not installed; each may stand for a whole script's cases."
		echo "WARNING: run 'make deps'; on CI (CI=true) every one of them is a FAIL."
		[ -n "${absent:-}" ] && echo "WARNING: not installed:$absent"
		cat "$log"/*.log 2>/dev/null | grep '^skip - .*NOT INSTALLED' | sed 's/^/WARNING: /' | head -20
	fi
fi
[ -n "$failures" ] && echo "failing:$failures (logs in $log/)"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
