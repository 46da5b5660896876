# Shared settings of the kallocbench plots. Each script is run by
# scripts/plot.sh with: datafile (a run's cases.csv), out (output path without
# extension), heading (kernel, mode of time, accel) and icount (1 when the
# run was measured in icount mode), and renders out.png
# and out.svg. Only the rows of one pattern and one GFP mask (the variables
# pattern and gfp), and in plots against size or order of one context, are
# drawn, so that every line compares like with like.
set datafile separator comma
set datafile columnheaders
set datafile missing ""
set grid lc rgb "#dddddd"
set key outside right top vertical Left reverse noenhanced
set termoption noenhanced
# In icount mode a figure counts guest instructions (one virtual ns each),
# not time on any CPU: axes say "instructions (icount)", never "latency";
# otherwise the ticks carry the unit (tick_label), so the label does not.
if (!exists("icount")) icount = 0
cost_label(what) = icount ? what . ": instructions (icount)" : what . " latency"
per_label(what) = icount ? what . " (instructions, icount)" : what . " (ns)"
# Costs span nanoseconds to seconds: label them in human units.
tick_label(v) = icount ? \
	(v < 1e3 ? sprintf("%g", v) : v < 1e6 ? sprintf("%gk", v / 1e3) : \
	 v < 1e9 ? sprintf("%gM", v / 1e6) : sprintf("%gG", v / 1e9)) : \
	(v < 1e3 ? sprintf("%g ns", v) : v < 1e6 ? sprintf("%g µs", v / 1e3) : \
	 v < 1e9 ? sprintf("%g ms", v / 1e6) : sprintf("%g s", v / 1e9))
# Labels at 1, 2 and 5 of every power of ten, so that a plot spanning less
# than a decade still has some.
set ytics ()
do for [e=0:10] {
	do for [m in "1 2 5"] { set ytics add (tick_label(m * 10**e) m * 10**e) }
}
set mytics 10
# A size in bytes as the kernel writes it: 512, 4K, 2M.
size_label(b) = b >= 1048576 && b % 1048576 == 0 ? sprintf("%dM", b / 1048576) : \
	b >= 1024 && b % 1024 == 0 ? sprintf("%dK", b / 1024) : sprintf("%d", b)
set style line 1 lw 2 pt 7 ps 0.8
# frag_state: the fragmentation level drawn, where the script was given
# one (a fragmented case's mean would otherwise average into the line).
if (!exists("frag_state")) frag_state = ""
# pressure_state: the same for memory pressure (smooth unique would
# average a case under pressure with its twin without).
if (!exists("pressure_state")) pressure_state = ""
ok(a) = strcol("status") eq "ok" && strcol("allocator") eq a && \
	strcol("pattern") eq pattern && strcol("gfp") eq gfp && \
	(frag_state eq "" || strcol("frag_level") eq frag_state) && \
	(pressure_state eq "" || strcol("pressure") eq pressure_state)
# ", frag heavy" or ", pressure low" for a title, where not none.
state_note(name, state) = state eq "" || state eq "none" ? "" : ", " . name . " " . state
# A case whose every allocation failed is measured as a failure, not a cost.
served(a) = ok(a) && strcol("context") eq context && \
	column("failures") < column("ops_done")
failed(a) = ok(a) && strcol("context") eq context && \
	column("failures") == column("ops_done")
