#!/bin/bash
# The library's layout keeps its promises, checked on the built objects
# (nm), not on what the sources say they include:
#   - no circle: no library file needs, through the symbols it uses, a file
#     that needs it back (directly or through others);
#   - readers never depend on writers: no read_*.o uses a symbol that a
#     write_*.o defines.
# The checker is run first on small objects made to break each rule, so
# that a checker which sees nothing fails here.
. "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1

# edges DIR: "A B" for every object A in DIR that uses a symbol B defines.
edges() {
	local o
	for o in "$1"/*.o; do
		nm -g --defined-only "$o" | awk -v f="$(basename "$o" .o)" 'NF >= 3 { print $3, f }'
	done | sort -u >defs
	for o in "$1"/*.o; do
		nm -u "$o" | awk -v f="$(basename "$o" .o)" '{ print $NF, f }'
	done | sort -u >uses
	# join on the symbol: user -> definer, self-edges dropped
	join uses defs | awk '$2 != $3 { print $2, $3 }' | sort -u
}

# judge DIR: prints the broken rules, one line each; exit 1 when any.
judge() {
	local bad=0 loop
	edges "$1" >graph
	if ! loop=$(tsort graph 2>&1 >/dev/null) || [ -n "$loop" ]; then
		echo "circle: $(printf '%s' "$loop" | grep -v 'input contains a loop' | sed 's/^tsort: //' | tr '\n' ' ')"
		bad=1
	fi
	if grep -E '^read_[^ ]* write_' graph; then
		bad=1
	fi
	return $bad
}

# The checker on objects made to break each rule.
mkdir -p bad-circle bad-reader good
printf 'int b(void);\nint a(void) { return b(); }\n' >bad-circle/a.c
printf 'int a(void);\nint b(void) { return a(); }\n' >bad-circle/b.c
printf 'int w(void);\nint r(void) { return w(); }\n' >bad-reader/read_x.c
printf 'int w(void) { return 1; }\n' >bad-reader/write_y.c
printf 'int w(void);\nint m(void) { return w(); }\n' >good/model.c
printf 'int w(void) { return 1; }\n' >good/write_y.c
for d in bad-circle bad-reader good; do
	for c in "$d"/*.c; do cc -c -o "${c%.c}.o" "$c" || fail "compile $c" "cc failed"; done
done
if out=$(judge bad-circle) || ! grep -q '^circle: ' <<<"$out"; then
	fail "layout checker sees a circle" "got: $out"
else ok "layout checker sees a circle"; fi
if out=$(judge bad-reader) || ! grep -q '^read_x write_y$' <<<"$out"; then
	fail "layout checker sees a reader using a writer" "got: $out"
else ok "layout checker sees a reader using a writer"; fi
if out=$(judge good); then ok "layout checker passes a good graph"
else fail "layout checker passes a good graph" "got: $out"; fi

# The library itself: the objects of lib/*.c as built.
mkdir -p lib
n=0
for c in "$TOP"/lib/*.c; do
	o=$BUILD/lib/$(basename "$c" .c).o
	[ -f "$o" ] || { fail "library object $o" "not built (make first)"; continue; }
	cp "$o" lib/
	n=$((n + 1))
done
if [ "$n" -lt 20 ]; then
	fail "library objects" "found $n"
elif out=$(judge lib); then
	ok "library: no circle, no reader uses a writer ($n files, $(wc -l <graph) edges)"
else
	fail "library: no circle, no reader uses a writer" "$(printf '%s' "$out" | tr '\n' ';')"
fi
