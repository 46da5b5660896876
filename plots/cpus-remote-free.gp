# Frees on the allocating CPU against frees on another: the mean cost of
# an allocation and of a free in the pair pattern on N CPUs and in
# remote_free on the same N (half allocate, half free), one cluster per
# allocator, size and N. Input: datafile (label, local_alloc, local_free,
# remote_alloc, remote_free), icount_note.
load "plots/common.gp"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
unset logscale y
set ytics auto
set mytics default
set yrange [0:*]
set xtics rotate by -20 font ",9"
set key inside top right vertical Left reverse font ",9"
set ylabel per_label("mean cost of one call")
set title sprintf("local vs remote free: each side's own calls\n%s%s", \
	heading, icount_note eq "" ? "" : "\n" . icount_note)
plot datafile using "local_alloc":xtic(1) title "alloc (pair: frees on the same CPU)" lc 1, \
	'' using "local_free" title "free on the allocating CPU" lc 2, \
	'' using "remote_alloc" title "alloc (remote_free: another CPU frees)" lc 3, \
	'' using "remote_free" title "free on another CPU" lc 4
