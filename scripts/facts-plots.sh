#!/usr/bin/env bash
# facts-plots.sh DIR LABEL...: plots of `make facts` into DIR/plots/, PNG and
# SVG: ksize-waste (the share of each kmalloc wasted by rounding up to its
# size class, against the request size, every target overlaid) and
# zones-LABEL (the zones each probed buffer's pages came from).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=${1:?usage: facts-plots.sh DIR LABEL...}
shift
mkdir -p "$out/plots"
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT

# Waste of request r in class [from, class]: (class - r) / class, a sawtooth
# from its worst at the first request down to 0 at the class size.
terminal_of() { # FORMAT: gnuplot's terminal for png or svg
	case $1 in
	png) echo "pngcairo size 1000,560" ;;
	svg) echo "svg size 1000,560 dynamic" ;;
	esac
}

plots=()
for label in "$@"; do
	awk -F, 'NR > 1 { for (k = 0; k <= 32; k++) { r = $1 + ($2 - $1) * k / 32
		printf "%.1f %.3f\n", r, 100 * ($3 - r) / $3 } printf "\n" }' \
		"$out/$label/ksize.csv" > "$data/$label.waste"
	plots+=("'$data/$label.waste' using 1:2 with lines lw 2 title '$label'")
done
for format in png svg; do
	gnuplot <<GP
set terminal $(terminal_of "$format")
set output "$out/plots/ksize-waste.$format"
set termoption noenhanced
set title "kmalloc waste: share of the object beyond the request (ksize classes)"
set logscale x 2
set xtics ("1" 1, "8" 8, "64" 64, "512" 512, "4K" 4096, "32K" 32768, "256K" 262144, "2M" 2097152)
set xlabel "request size, bytes"
set ylabel "wasted, % of the object"
set yrange [0:100]
set grid lc rgb "#dddddd"
set key outside right top
plot $(IFS=,; echo "${plots[*]}")
GP
done

# Zones: one row per buffer, its pages' share per zone, stacked.
for label in "$@"; do
	python3 - "$out/$label/zones.csv" "$data/$label.zones" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
zones = [z for z in dict.fromkeys(r["zone"] for r in rows)
         if any(int(r["pages"]) for r in rows if r["zone"] == z)]
buffers = list(dict.fromkeys(r["buffer"] for r in rows))
with open(sys.argv[2], "w") as f:
    f.write("buffer\t" + "\t".join(zones) + "\n")
    for b in buffers:
        pages = {r["zone"]: int(r["pages"]) for r in rows if r["buffer"] == b}
        total = sum(pages.values()) or 1
        f.write(b.replace(" ", "_") + "\t" + "\t".join(
            f"{100 * pages.get(z, 0) / total:.1f}" for z in zones) + "\n")
PY
	columns=$(head -n 1 "$data/$label.zones" | awk -F'\t' '{ print NF }')
	for format in png svg; do
		gnuplot <<GP
set terminal $(terminal_of "$format")
set output "$out/plots/zones-$label.$format"
set termoption noenhanced
set title "$label: zones the pages of each buffer came from"
set datafile separator "\t"
set style data histograms
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.7
set ylabel "% of the buffer's pages"
set yrange [0:100]
set xtics rotate by -35 left
set key outside right top
set bmargin 9
plot for [c=2:$columns] "$data/$label.zones" using c:xtic(1) title columnheader(c)
GP
	done
done
