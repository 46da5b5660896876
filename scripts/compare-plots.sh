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
	kab_select --distinct "$csv" "$1" --where "$1!=" ${2:+--where "$2=$3"}
}
# most_common BY COLUMN: the value of COLUMN in most rows with BY set.
most_common() {
	kab_select "$sorted" "$2" --where "$1!=" |
		awk '{ if (!($0 in n)) order[++k] = $0; n[$0]++ }
			END { for (i = 1; i <= k; i++) if (n[order[i]] > best) { best = n[order[i]]; top = order[i] } print top }'
}
# Each target as "label: release, mode, accel" from targets.csv.
# In icount a figure counts instructions: the axes say so.
unit=instructions
[ -z "$(kab_select "$dir/targets.csv" mode --where mode!=qemu-icount)" ] || unit=ns
heading=$(kab_select "$dir/targets.csv" label kernel_release mode accel |
	awk -F'\t' '{ printf "%s%s: %s %s %s", sep, $1, $2, $3, $4; sep = " · " }')

# gnuplot breaks a line at every row its filter skips: give it the rows of
# each figure, allocator and selection next to each other, by size or order.
# Only cases.csv's figures are plotted: access.csv's are in the tables.
sorted=$(mktemp)
trap 'rm -f "$sorted"' EXIT
sort_keys=$(kab_select --columns "$csv" | awk '
	{ at[$0] = NR }
	END {
		n = split("candidate metric allocator pattern gfp context frag_level frag_kind pressure batch", text, " ")
		for (i = 1; i <= n; i++) printf "-k%d,%d ", at[text[i]], at[text[i]]
		printf "-k%d,%dn -k%d,%dn", at["size_bytes"], at["size_bytes"], at["order"], at["order"]
	}')
{ head -n 1 "$csv"; kab_select --csv "$csv" --where source=cases | tail -n +2 | sort -t, $sort_keys; } > "$sorted"

baseline=$(field baseline | head -n 1)
candidates=$(field candidate | xargs)
for by in size_bytes order; do
	allocators=$(kab_select --distinct "$csv" allocator --where source=cases --where "$by!=" | xargs)
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
