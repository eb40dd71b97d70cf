#!/bin/bash
# The suite's own helpers fail where they should (cases that pass only when
# a failure is seen, as tests/interop/implib_negative.sh does for Wine):
#   - same() is a FAIL when either side is empty or missing: two empty
#     listings (a peer that failed, a tool that wrote nothing) agree on
#     nothing;
#   - need() is a FAIL on CI (CI=true) and a marked skip elsewhere when a
#     tool is not installed; built() is a FAIL for a missing build product;
#   - refuse_with/error_ok call a refusal a crash when the tool was killed
#     by a signal or a sanitizer reported, and a FAIL when its status is not
#     the tool's error status (1; 2 for dumpexports); same_bytes holds for
#     no two empty files;
#   - tests/run.sh counts a script that prints no result line as a failure,
#     a script whose tools are missing as a failure on CI, and exits non-zero.
# The helpers run in subshells whose output is captured: their FAIL lines
# are what is looked at here, not results of this script.
. "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1

printf 'a\n' >one
printf 'a\n' >one-again
printf 'b\n' >other
: >empty
: >empty-too

# expect_line NAME WANT-REGEX OUTPUT
expect_line() {
	if printf '%s\n' "$3" | grep -Eq -- "$2" && [ "$(printf '%s\n' "$3" | grep -c .)" -eq 1 ]; then
		ok "$1"
	else
		fail "$1" "want one line matching /$2/, got: $(printf '%s' "$3" | tr '\n' '|')"
	fi
}

expect_line "same: two empty files are a FAIL" '^FAIL - x: nothing to compare: .*empty is empty' \
	"$(same x empty empty-too)"
expect_line "same: an empty side is a FAIL" '^FAIL - x: nothing to compare: .*empty is empty' \
	"$(same x one empty)"
expect_line "same: a missing side is a FAIL" '^FAIL - x: nothing to compare: .*nothere is missing' \
	"$(same x one nothere)"
expect_line "same: different files are a FAIL" '^FAIL - x: ' "$(same x one other)"
expect_line "same: equal files are ok" '^ok - x$' "$(same x one one-again)"

nosuch=dllkit-no-such-tool-$$
expect_line "need: a tool not installed is a FAIL on CI" "^FAIL - x: $nosuch: not installed on CI" \
	"$(CI=true need x "$nosuch")"
expect_line "need: a tool not installed is a marked skip elsewhere" "^skip - x: NOT INSTALLED: $nosuch" \
	"$(CI= need x "$nosuch")"
expect_line "need: an absolute path not installed is a FAIL on CI" "^FAIL - x: /nonexistent/$nosuch: not installed on CI" \
	"$(CI=true need x "/nonexistent/$nosuch")"
(CI=true need x sh >/dev/null) && out=$(CI=true need x sh) && [ -z "$out" ] &&
	ok "need: an installed tool says nothing and succeeds" ||
	fail "need: an installed tool says nothing and succeeds" "$out"
(CI=true need x "$nosuch" >/dev/null) && fail "need: a missing tool returns non-zero" "it returned 0" ||
	ok "need: a missing tool returns non-zero"
expect_line "built: a missing build product is a FAIL, on CI or not" "^FAIL - x: $T/nothere is not built" \
	"$(CI= built x "$T/nothere")"

# error_ok, refuse_with, crash_of: a refusal is judged by how the tool
# ended, not only by its message.  Stand-ins named mkdef and dumpexports
# print the expected message, then end as MODE says.
mkdir -p fake
cat >fake/mkdef <<'EOT'
#!/bin/bash
out=
[ "${1:-}" = -o ] && out=$2
case $MODE in
asan) echo '==4711==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000011' >&2 ;;
ubsan) echo 'lib/x.c:12:5: runtime error: signed integer overflow' >&2; exit 1 ;;
esac
echo 'x.o: error: the message' >&2
case $MODE in
clean) exit 1 ;;
segv) kill -SEGV $$ ;;
abort) kill -ABRT $$ ;;
status2) exit 2 ;;
asan) exit 1 ;;
leak) echo 'SUMMARY: LeakSanitizer: 24 byte(s) leaked in 1 allocation(s).' >&2; exit 23 ;;
written) : >"$out"; exit 1 ;;
esac
EOT
chmod +x fake/mkdef
cp fake/mkdef fake/dumpexports
judged() { # MODE TOOL: the line refuse_with prints
	(MODE=$1 refuse_with "fake/$2" out.x x '^x\.o: error: the message$' x.o)
}
expect_line "refuse_with: a clean refusal (exit 1, one line) is ok" '^ok - x$' "$(judged clean mkdef)"
expect_line "refuse_with: killed by SIGSEGV after the message is a crash" '^FAIL - x: crashed: killed by SIGSEGV \(status 139\)' \
	"$(judged segv mkdef)"
expect_line "refuse_with: SIGABRT (a sanitizer with abort_on_error) is a crash" '^FAIL - x: crashed: killed by SIGABRT' \
	"$(judged abort mkdef)"
expect_line "refuse_with: an AddressSanitizer report with exit 1 is a crash" '^FAIL - x: crashed: a sanitizer report \(status 1\)' \
	"$(judged asan mkdef)"
expect_line "refuse_with: a UBSan runtime error with exit 1 is a crash" '^FAIL - x: crashed: a sanitizer report \(status 1\)' \
	"$(judged ubsan mkdef)"
expect_line "refuse_with: a LeakSanitizer report (exit 23) is a crash" '^FAIL - x: crashed: a sanitizer report \(status 23\)' \
	"$(judged leak mkdef)"
expect_line "refuse_with: mkdef exiting 2 is not its error status (1)" '^FAIL - x: exit status 2, not 1' \
	"$(judged status2 mkdef)"
expect_line "refuse_with: dumpexports exiting 2 is its error status" '^ok - x$' "$(judged status2 dumpexports)"
expect_line "refuse_with: dumpexports exiting 1 (different) is no refusal" '^FAIL - x: exit status 1, not 2' \
	"$(judged clean dumpexports)"
expect_line "refuse_with: an output left behind is a FAIL" '^FAIL - x: out\.x was created' "$(judged written mkdef)"
timeout 1 sleep 5 2>err.x; rc=$?
expect_line "crash_of: a command timeout stopped did not end" '^did not end: stopped by timeout' \
	"$(crash_of $rc err.x timeout 1 sleep 5)"
: >err.x
[ -z "$(crash_of 1 err.x "$MKDEF")" ] && ok "crash_of: exit 1 with nothing from a sanitizer is no crash" ||
	fail "crash_of: exit 1 with nothing from a sanitizer is no crash" "$(crash_of 1 err.x "$MKDEF")"
same_bytes empty empty-too && fail "same_bytes: two empty files are not the same bytes" "it held" ||
	ok "same_bytes: two empty files are not the same bytes"
same_bytes one one-again && ok "same_bytes: two equal files are" || fail "same_bytes: two equal files are" "it did not hold"

# tests/run.sh on a suite of three scripts: one silent, one that finds a
# tool missing, one that passes.
mkdir -p suite/tests/cli
cat >suite/tests/cli/silent.sh <<'EOF'
#!/bin/bash
exit 0
EOF
cat >suite/tests/cli/nopeer.sh <<EOF
#!/bin/bash
. "$TOP/tests/lib.sh"
need "a case" "$nosuch" || exit 0
ok "never reached"
EOF
cat >suite/tests/cli/fine.sh <<EOF
#!/bin/bash
. "$TOP/tests/lib.sh"
ok "a case"
EOF
for ci in true ""; do
	(cd suite && CI=$ci BUILD="$T/suite/build" sh "$TOP/tests/run.sh") >"run-ci$ci.out" 2>&1
	echo "exit $?" >>"run-ci$ci.out"
done
o=run-citrue.out
if grep -q '^FAIL - silent: printed no ok, FAIL or skip line' $o && grep -q "^FAIL - a case: $nosuch: not installed on CI" $o &&
   grep -q '^fine: 1 passed, 0 failed, 0 skipped$' $o && grep -q '^exit [1-9]' $o; then
	ok "run.sh on CI: a silent script and a missing tool are failures, and it exits non-zero"
else
	fail "run.sh on CI: a silent script and a missing tool are failures" "$(tr '\n' '|' <$o | head -c 600)"
fi
o=run-ci.out
if grep -q '^FAIL - silent: printed no ok, FAIL or skip line' $o && grep -q "^skip - a case: NOT INSTALLED: $nosuch" $o &&
   grep -q '^WARNING: .*not installed' $o && grep -q '^exit [1-9]' $o; then
	ok "run.sh elsewhere: a silent script fails; a missing tool is a skip, repeated in a WARNING above the summary"
else
	fail "run.sh elsewhere: a silent script fails; a missing tool is a loud skip" "$(tr '\n' '|' <$o | head -c 600)"
fi
exit 0
