#!/bin/bash
# The suite's own helpers fail where they should (cases that pass only when
# a failure is seen, as tests/interop/implib_negative.sh does for Wine):
#   - same() is a FAIL when either side is empty or missing: two empty
#     listings (a peer that failed, a tool that wrote nothing) agree on
#     nothing;
#   - need() is a FAIL on CI (CI=true) and a marked skip elsewhere when a
#     tool is not installed; built() is a FAIL for a missing build product;
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
