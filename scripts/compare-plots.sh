#!/usr/bin/env bash
# compare-plots.sh DIR: draw the plots of a comparison (DIR/compare.csv from
# `kallocbench compare`) into DIR/plots/, PNG and SVG: for the headline
# figures, each target overlaid and the candidate / baseline ratios, against
# size and against order, titled with every target's kernel, mode of time
# and accelerator.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir=${1:?usage: compare-plots.sh DIR}
csv=$dir/compare.csv
[ -s "$csv" ] || kab_die "$csv: no comparison to plot"
mkdir -p "$dir/plots"

# field COLUMN [FILTER_COLUMN VALUE]: distinct values in order of appearance.
field() {
	awk -F, -v name="$1" -v fc="${2:-}" -v fv="${3:-}" '
		NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		(fc == "" || $(h[fc]) == fv) && $(h[name]) != "" && !seen[$(h[name])]++ { print $(h[name]) }' "$csv"
}
# most_common BY COLUMN: the value of COLUMN in most rows with BY set.
most_common() {
	awk -F, -v by="$1" -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$(h[by]) != "" { v = $(h[col]); if (!(v in n)) order[++k] = v; n[v]++ }
		END { for (i = 1; i <= k; i++) if (n[order[i]] > best) { best = n[order[i]]; top = order[i] } print top }' "$sorted"
}
# Each target as "label: release, mode, accel" from targets.csv.
# In icount a figure counts instructions: the axes say so.
unit=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
	$(h["mode"]) != "qemu-icount" { ns = 1 } END { print ns ? "ns" : "instructions" }' "$dir/targets.csv")
heading=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
	{ printf "%s%s: %s %s %s", sep, $(h["label"]), $(h["kernel_release"]), $(h["mode"]), $(h["accel"]); sep = " · " }' "$dir/targets.csv")

# gnuplot breaks a line at every row its filter skips: give it the rows of
# each figure, allocator and selection next to each other, by size or order.
# Only cases.csv's figures are plotted: access.csv's are in the tables.
sorted=$(mktemp)
trap 'rm -f "$sorted"' EXIT
sort_keys=$(head -n 1 "$csv" | tr , '\n' | awk '
	{ at[$0] = NR }
	END {
		n = split("candidate metric allocator pattern gfp context frag_level frag_kind pressure batch", text, " ")
		for (i = 1; i <= n; i++) printf "-k%d,%d ", at[text[i]], at[text[i]]
		printf "-k%d,%dn -k%d,%dn", at["size_bytes"], at["size_bytes"], at["order"], at["order"]
	}')
{ head -n 1 "$csv"; awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
	$(h["source"]) == "cases"' "$csv" | sort -t, $sort_keys; } > "$sorted"

baseline=$(field baseline | head -n 1)
candidates=$(field candidate | xargs)
for by in size_bytes order; do
	allocators=$(field allocator source cases | while read -r a; do
		awk -F, -v a="$a" -v by="$by" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
			$(h["allocator"]) == a && $(h[by]) != "" { print a; exit }' "$sorted"; done | xargs)
	[ -n "$allocators" ] || continue
	selection=(-e "pattern='$(most_common "$by" pattern)'" -e "gfp='$(most_common "$by" gfp)'"
		-e "context='$(most_common "$by" context)'")
	for metric in pair_ns_amortized alloc_ns_p50 alloc_ns_p99; do
		grep -q ",$metric," "$csv" || continue
		title=$(case $metric in
			pair_ns_amortized) echo "amortized alloc+free" ;;
			alloc_ns_p50) echo "alloc p50" ;;
			alloc_ns_p99) echo "alloc p99" ;;
			esac)
		for kind in overlay ratio; do
			out=$dir/plots/$kind-$metric-by-${by%_bytes}
			for term in "pngcairo size 1100,700 font 'sans,10'" \
				"svg size 1100,700 dynamic font 'sans,10'"; do
				ext=png
				[[ $term == svg* ]] && ext=svg
				gnuplot -e "set terminal $term" -e "set output '$out.$ext'" \
					-e "datafile='$sorted'" -e "heading='$heading'" \
					-e "metric='$metric'" -e "title='$title'" -e "kind='$kind'" -e "unit='$unit'" \
					-e "by='$by'" -e "allocators='$allocators'" \
					-e "candidates='$candidates'" -e "baseline='$baseline'" \
					"${selection[@]}" "$KAB_ROOT/plots/compare.gp"
			done
		done
	done
done
