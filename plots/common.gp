# Shared settings of the kallocbench plots. Each script is run by
# scripts/plot.sh with: datafile (a run's cases.csv), out (output path without
# extension) and heading (kernel, mode of time, accel), and renders out.png
# and out.svg. Only the rows of one pattern and one GFP mask (the variables
# pattern and gfp), and in plots against size or order of one context, are
# drawn, so that every line compares like with like.
set datafile separator comma
set datafile columnheaders
set datafile missing ""
set grid lc rgb "#dddddd"
set key outside right top vertical Left reverse noenhanced
set termoption noenhanced
# Latencies span nanoseconds to seconds: label them in human units.
set ytics ("10 ns" 10, "100 ns" 100, "1 µs" 1e3, "10 µs" 1e4, "100 µs" 1e5, \
	"1 ms" 1e6, "10 ms" 1e7, "100 ms" 1e8, "1 s" 1e9, "10 s" 1e10)
set mytics 10
set style line 1 lw 2 pt 7 ps 0.8
ok(a) = strcol("status") eq "ok" && strcol("allocator") eq a && \
	strcol("pattern") eq pattern && strcol("gfp") eq gfp
# A case whose every allocation failed is measured as a failure, not a cost.
served(a) = ok(a) && strcol("context") eq context && \
	column("failures") < column("ops_done")
failed(a) = ok(a) && strcol("context") eq context && \
	column("failures") == column("ops_done")
