# Shared settings of the kallocbench plots. Each script is run by
# scripts/plot.sh with: datafile (a run's cases.csv), out (output path without
# extension) and heading (kernel, mode of time, accel), and renders out.png
# and out.svg.
set datafile separator comma
set datafile columnheaders
set datafile missing ""
set grid lc rgb "#dddddd"
set key outside right top vertical Left reverse noenhanced
set title noenhanced
set style line 1 lw 2 pt 7 ps 0.8
ok(a) = strcol("status") eq "ok" && strcol("allocator") eq a
# A case whose every allocation failed is measured as a failure, not a cost.
served(a) = ok(a) && column("failures") < column("ops_done")
failed(a) = ok(a) && column("failures") == column("ops_done")
