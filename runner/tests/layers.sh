#!/bin/sh
# layers.sh [RUNNER_DIR]: the runner's rooms (its folders) must not include
# each other in a circle. Reads every #include "..." of every .c and .h,
# maps each file to its room (the first folder of its path) and each
# include to the room of the file it names, then peels the room graph from
# the bottom: a room whose includes all lie in rooms already placed forms
# the next layer. Prints the layers, bottom first; fails on a circle (and
# names the includes that make it), on an include that does not name its
# room ("csv.h" for "output/csv.h") and on a stale entry of ALLOWED below.
# An include that is not the runner's (the TLB model's "cpus.h") is
# outside the graph.
# usage: layers.sh [RUNNER_DIR]   (default: the folder above this script)
#        layers.sh --self-test     (a planted circle and a bare include fail)
set -eu

# Room edges that close a circle today, each until the function named
# moves, one a line: FROM TO why. Keep this list empty.
ALLOWED=${KAB_LAYERS_ALLOWED-}

if [ "${1:-}" = --self-test ]; then
	tmp=$(mktemp -d /tmp/kallocbench-layers-XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
	mkdir "$tmp/low" "$tmp/high"
	echo '#include "low/low.h"' > "$tmp/high/high.h"
	: > "$tmp/low/low.h"
	KAB_LAYERS_ALLOWED= sh "$0" "$tmp" > "$tmp/out" ||
		{ cat "$tmp/out"; echo "layers: self-test: a clean tree failed"; exit 1; }
	echo '#include "high/high.h"' > "$tmp/low/low.h"
	! KAB_LAYERS_ALLOWED= sh "$0" "$tmp" > "$tmp/out" &&
		grep -q '^  low -> high (low/low.h includes high/high.h)$' "$tmp/out" &&
		grep -q '^  high -> low (high/high.h includes low/low.h)$' "$tmp/out" ||
		{ cat "$tmp/out"; echo "layers: self-test: a circle passed"; exit 1; }
	echo '#include "low.h"' > "$tmp/low/low.h"
	echo '#include "low.h"' > "$tmp/low/low.c"
	! KAB_LAYERS_ALLOWED= sh "$0" "$tmp" > "$tmp/out" &&
		grep -q 'low/low.c: #include "low.h" does not name its room' "$tmp/out" ||
		{ cat "$tmp/out"; echo "layers: self-test: a bare include passed"; exit 1; }
	echo "layers: self-test passed"
	exit 0
fi

dir=${1:-$(dirname "$0")/..}
cd "$dir"

find . -name '*.[ch]' | sed 's|^\./||' | LC_ALL=C sort | while read -r file; do
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' \
		"$file" | while read -r inc; do
		if [ -f "$inc" ] && [ "${inc#*/}" != "$inc" ]; then
			echo "edge $file $inc"
		elif [ -f "$(dirname "$file")/$inc" ]; then
			echo "bare $file $inc"
		fi
	done
done | ALLOWED=$ALLOWED awk '
function room(path) { return index(path, "/") ? substr(path, 1, index(path, "/") - 1) : "." }
# The words of @list, sorted and joined by @sep.
function sorted(list, sep,    w, n, a, b, t, out) {
	n = split(list, w, " ")
	for (a = 1; a <= n; a++)
		for (b = a + 1; b <= n; b++)
			if (w[b] < w[a]) { t = w[a]; w[a] = w[b]; w[b] = t }
	out = ""
	for (a = 1; a <= n; a++)
		out = out (a > 1 ? sep : "") w[a]
	return out
}
BEGIN {
	for (n = split(ENVIRON["ALLOWED"], lines, "\n"); n > 0; n--)
		if (split(lines[n], f, " ") >= 2)
			allowed[f[1] " " f[2]] = lines[n]
}
$1 == "bare" {
	printf "layers: %s: #include \"%s\" does not name its room (\"%s/%s\")\n",
		$2, $3, room($2), $3
	bad = 1
	next
}
{
	from = room($2); to = room($3)
	rooms[from] = 1; rooms[to] = 1
	if (from == to)
		next
	why[from " " to] = why[from " " to] (why[from " " to] == "" ? "" : ", ") \
		$2 " includes " $3
	if ((from " " to) in allowed) {
		seen_allowed[from " " to] = 1
		next
	}
	dep[from " " to] = 1
}
END {
	for (a in allowed)
		if (!(a in seen_allowed)) {
			printf "layers: allowed edge %s is gone: drop it from ALLOWED in tests/layers.sh\n", a
			bad = 1
		}
	left = 0
	for (r in rooms)
		left++
	for (layer = 1; left > 0; layer++) {
		line = ""
		for (r in rooms) {
			if (r in placed)
				continue
			ready = 1
			for (d in rooms)
				if (((r " " d) in dep) && !(d in placed))
					ready = 0
			if (ready)
				line = line " " r
		}
		if (line == "")
			break
		n = split(line, now, " ")
		for (i = 1; i <= n; i++)
			placed[now[i]] = 1
		left -= n
		layers[layer] = line
	}
	printf "layers, bottom first (each includes only rooms below it):\n"
	for (i = 1; i < layer; i++) {
		n = split(sorted(layers[i], " "), now, " ")
		line = ""
		for (a = 1; a <= n; a++) {
			deps = ""
			for (d in rooms)
				if ((now[a] " " d) in dep)
					deps = deps " " d
			line = line sprintf("  %s%s", now[a],
					    deps == "" ? "" : " (" sorted(deps, " ") ")")
		}
		printf "  %d:%s\n", i, line
	}
	for (a in allowed)
		if (a in seen_allowed) {
			split(a, f, " ")
			text = allowed[a]
			sub(/^[^ ]+ +[^ ]+ +/, "", text)
			printf "left out, a circle for now: %s -> %s (%s): %s\n",
				f[1], f[2], why[a], text
		}
	if (left > 0) {
		# Peel from the top too: what no room left includes is not on a
		# circle, only above one.
		do {
			peeled = 0
			for (r in rooms) {
				if (r in placed)
					continue
				used = 0
				for (d in rooms)
					if (!(d in placed) && ((d " " r) in dep))
						used = 1
				if (!used) {
					placed[r] = 1
					peeled = 1
				}
			}
		} while (peeled)
		tangle = ""
		for (r in rooms)
			if (!(r in placed))
				tangle = tangle " " r
		printf "layers: FAILED: rooms on circles:%s\n", " " sorted(tangle, " ")
		# The shortest circle: for each edge u -> v among them, the
		# shortest way back from v to u (breadth first).
		best = 0
		for (e in dep) {
			split(e, f, " ")
			if ((f[1] in placed) || (f[2] in placed))
				continue
			delete dist; delete prev
			dist[f[2]] = 0; queue[1] = f[2]; head = 1; tail = 1
			while (head <= tail && !(f[1] in dist)) {
				u = queue[head++]
				for (d in rooms)
					if (!(d in placed) && ((u " " d) in dep) && !(d in dist)) {
						dist[d] = dist[u] + 1; prev[d] = u
						queue[++tail] = d
					}
			}
			if ((f[1] in dist) && (!best || dist[f[1]] + 1 < best)) {
				best = dist[f[1]] + 1
				circle = f[1]
				for (u = f[1]; u != f[2]; u = prev[u])
					circle = prev[u] " " circle
				circle = f[1] " " circle
			}
		}
		printf "the shortest circle:\n"
		n = split(circle, w, " ")
		for (i = 1; i < n; i++)
			printf "  %s -> %s (%s)\n", w[i], w[i + 1], why[w[i] " " w[i + 1]]
		bad = 1
	}
	if (bad)
		exit 1
	printf "layers: no circles\n"
}'
