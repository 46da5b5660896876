# One figure of a comparison (scripts/compare-plots.sh) against request size
# or buddy order, for the rows of one pattern, GFP mask and context:
# kind = "overlay": the figure on each target, one colour per allocator, the
#        baseline solid and each candidate in its own dash pattern;
# kind = "ratio": candidate / baseline with its interval as error bars (the
#        boots' range in icount, the 95% bootstrap interval otherwise, none
#        where no spread was measured), one colour per allocator.
# Extra input: datafile (compare.csv), out, heading, metric, title, kind,
# unit ("instructions" in icount, else "ns"),
# by ("size_bytes" or "order"), allocators, candidates, baseline, pattern,
# gfp, context.
set datafile separator comma
set datafile columnheaders
set datafile missing ""
set grid lc rgb "#dddddd"
set key outside right top vertical Left reverse noenhanced
set termoption noenhanced
row(a, c) = strcol("metric") eq metric && strcol("allocator") eq a && \
	strcol("candidate") eq c && strcol("pattern") eq pattern && \
	strcol("gfp") eq gfp && strcol("context") eq context && \
	strcol(by) ne ""
x(a, c) = row(a, c) ? column(by) : NaN
if (by eq "size_bytes") {
	set logscale x 2
	set xtics ("1" 1, "8" 8, "64" 64, "512" 512, "4K" 4096, "32K" 32768, \
		"256K" 262144, "2M" 2097152, "16M" 16777216, "128M" 134217728)
	set xlabel "request size (bytes)"
} else {
	set xlabel "buddy order"
	set xtics 1
}
n = words(allocators)
m = words(candidates)
first_candidate = word(candidates, 1)
if (kind eq "overlay") {
	set logscale y 10
	if (unit eq "instructions") {
		set ytics ("10" 10, "100" 100, "1k" 1e3, "10k" 1e4, "100k" 1e5, \
			"1M" 1e6, "10M" 1e7, "100M" 1e8, "1G" 1e9)
		set ylabel sprintf("%s (instructions, icount)", title)
	} else {
		set ytics ("10 ns" 10, "100 ns" 100, "1 µs" 1e3, "10 µs" 1e4, \
			"100 µs" 1e5, "1 ms" 1e6, "10 ms" 1e7, "100 ms" 1e8, "1 s" 1e9)
		set ylabel sprintf("%s (ns)", title)
	}
	set title sprintf("%s: %s (solid) vs %s (dashed) (%s, %s, %s)\n%s", \
		title, baseline, candidates, pattern, gfp, context, heading)
	plot for [i=1:n] datafile using (x(word(allocators, i), first_candidate)):"baseline_value" \
		smooth unique with linespoints lw 2 pt 7 ps 0.6 lc i \
		title word(allocators, i) . " " . baseline, \
	     for [j=1:m] for [i=1:n] datafile using \
		(x(word(allocators, i), word(candidates, j))):"candidate_value" \
		smooth unique with linespoints lw 2 dt 1 + j pt 6 ps 0.6 lc i \
		title word(allocators, i) . " " . word(candidates, j)
} else {
	set logscale y 2
	# at least 0.9 .. 1.1 around the ratios, so that an A/A comparison
	# (every ratio 1) still has a y range
	stats datafile using (strcol("metric") eq metric ? column("ratio") : NaN) nooutput
	set yrange [(STATS_min < 0.9 ? STATS_min : 0.9) / 1.05 : \
		    (STATS_max > 1.1 ? STATS_max : 1.1) * 1.05]
	set ytics ("0.125" 0.125, "0.25" 0.25, "0.5" 0.5, "0.8" 0.8, "0.9" 0.9, \
		"1" 1, "1.1" 1.1, "1.25" 1.25, "2" 2, "4" 4, "8" 8, "16" 16, \
		"32" 32, "64" 64, "128" 128, "256" 256, "512" 512, "1024" 1024)
	set ylabel sprintf("%s: candidate / baseline", title)
	set title sprintf("%s ratio against %s, bars: %s (%s, %s, %s)\n%s", \
		title, baseline, unit eq "instructions" ? "range of the boots, where measured" : \
		"95% bootstrap interval, where measured", pattern, gfp, context, heading)
	set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lc rgb "#888888" dt 2
	# no spread measured (one boot a side): the ratio alone, no bar
	bar(c) = strcol(c) eq "" ? column("ratio") : column(c)
	plot for [j=1:m] for [i=1:n] datafile using \
		(x(word(allocators, i), word(candidates, j))):"ratio":(bar("ci_low")):(bar("ci_high")) \
		with yerrorlines lw 2 dt j pt 7 ps 0.6 lc i \
		title word(allocators, i) . " " . word(candidates, j)
}
