#!/usr/bin/env bash
# plot.sh RUN_DIR: render the run's plots with the gnuplot scripts in plots/
# into RUN_DIR/plots/, each as PNG and SVG, titled with the kernel release,
# the mode of time and the accelerator; for the access benchmark's cases
# (access.csv) also RUN_DIR/breakeven.csv and the tradeoff plots.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

run_dir=${1:?usage: plot.sh RUN_DIR}
csv=$run_dir/cases.csv
access=$run_dir/access.csv
[ -s "$csv" ] || [ -s "$access" ] || kab_die "$csv: no cases to plot"
touch "$csv" "$access"
mkdir -p "$run_dir/plots"
# The plots' own views of the data, gone when the script ends.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# sort_by_columns FILE COLUMN[:n]...: FILE's header, then its rows sorted by
# the named columns (":n" numerically; one an older run lacks is left out),
# so that each line's rows are adjacent: gnuplot breaks a line at every row
# it leaves out.
sort_by_columns() {
	local file=$1 keys=() spec name column
	shift
	for spec in "$@"; do
		name=${spec%:n}
		column=$(kab_select --columns "$file" | grep -nxF -- "$name" | cut -d: -f1 || true)
		[ -n "$column" ] || continue
		keys+=(-k"$column,$column${spec#"$name"}")
	done
	keys=("${keys[@]/:n/n}")
	head -n 1 "$file"
	tail -n +2 "$file" | LC_ALL=C sort -t, -s "${keys[@]}"
}

# ok_values FILE COLUMN: the values of COLUMN in FILE's rows that ran,
# deduplicated in order of appearance.
ok_values() {
	kab_select --distinct "$1" "$2" --where status=ok | xargs
}

# allocators_sized_by size_bytes|order [PATTERN GFP]: the allocators that
# ran sized so, with that pattern and mask where given (a panel of one of
# them needs rows of the pattern and mask it draws: kmalloc_nolock runs
# with GFP_NOWAIT only).
allocators_sized_by() {
	local only=()
	[ -z "${2:-}" ] || only=(--where "pattern=$2" --where "gfp=$3")
	kab_select --distinct "$csv" allocator --where status=ok --where "$1!=" "${only[@]}" | xargs
}

# first_value COLUMN: its first value among the rows that ran, either file.
first_value() {
	local value
	value=$(ok_values "$csv" "$1")
	[ -n "$value" ] || value=$(ok_values "$access" "$1")
	echo "${value%% *}"
}
kernel=$(first_value kernel)
mode=$(first_value mode)
case $mode in
qemu-icount) accel="TCG, icount: 1 instruction = 1 virtual ns" ;;
qemu-tcg) accel="TCG emulation: not representative of hardware" ;;
qemu-kvm) accel="KVM" ;;
*) accel="bare metal" ;;
esac
heading="kernel $kernel · mode $mode · $accel"
# The simulated MMU's CPU models, named on every plot of a run that had it.
if [ -s "$run_dir/sim.csv" ]; then
	heading="$heading · TLB model (simulated): $(kab_select --distinct "$run_dir/sim.csv" model | xargs | sed 's/ /, /g')"
	# Which boot the plugin watched: the run's, or (under KVM, where it
	# cannot) a second one in icount.
	tlbsim_boot=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get("tlbsim", {}).get("boot", ""))' \
		"$run_dir/meta.json" 2>/dev/null || true)
	if [[ $tlbsim_boot == "a second boot"* ]]; then
		heading="$heading\\nthe TLB model counted in $tlbsim_boot: the timed boot had no plugin"
	elif [ "$mode" = qemu-tcg ]; then
		# Under TCG the plugin's callbacks run in the guest's time; icount
		# counts guest instructions only and is unaffected.
		heading="$heading\\ntimes include the simulated MMU's own cost (TCG): use MODE=icount, or TLB_MODEL=none for TCG times"
	fi
fi
icount=0
[ "$mode" != qemu-icount ] || icount=1
# The counter columns (between counter_scaling and status) empty in every
# row that ran: events this machine could not count. access.csv names them
# per phase (alloc_cycles): an event is unsupported when no phase counted it.
unsupported=$(for f in "$csv" "$access"; do
	[ -n "$(kab_select "$f" status --where status=ok)" ] || continue
	kab_select --columns "$f" | sed -n '/^counter_scaling$/,/^status$/p' | sed '1d;$d' |
		while read -r counter; do
			counted=0
			[ -z "$(kab_select "$f" status --where status=ok --where "$counter!=")" ] || counted=1
			echo "$counter $counted"
		done
done | sed -E 's/^(alloc|access|free)_//' |
	awk '{ if (!($1 in c)) order[++n] = $1; c[$1] += $2 }
		END { for (i = 1; i <= n; i++) if (!c[order[i]]) { printf "%s%s", sep, order[i]; sep = " " } }')
# On a line of its own: the list can be long (every hardware event under TCG).
[ -z "$unsupported" ] || heading="$heading\\ncounters unsupported: $unsupported"

# most_common_among SIZED_BY COLUMN: the value of COLUMN in most of the rows
# that ran with SIZED_BY (size_bytes or order) set; on a tie the one the
# sweep lists first.
most_common_among() {
	kab_select "$csv" "$2" --where status=ok --where "$1!=" |
		awk '{ if (!($0 in n)) order[++k] = $0; n[$0]++ }
			END { for (i = 1; i <= k; i++) if (n[order[i]] > best) { best = n[order[i]]; top = order[i] } print top }'
}
selection() { # SIZED_BY: the gnuplot definitions of the rows to draw
	echo "pattern='$(most_common_among "$1" pattern)'" "gfp='$(most_common_among "$1" gfp)'" \
		"context='$(most_common_among "$1" context)'" \
		"frag_state='$(none_or_most_common "$1" frag_level)'" \
		"pressure_state='$(none_or_most_common "$1" pressure)'"
}
# none_or_most_common SIZED_BY COLUMN: "none" where cases ran without
# fragmentation (or pressure; their own plots show the levels), else the
# most common value.
none_or_most_common() {
	if [ -n "$(kab_select "$csv" "$2" --where status=ok --where "$1!=" --where "$2=none")" ]; then
		echo none
	else
		most_common_among "$1" "$2"
	fi
}

render() { # SCRIPT OUT [VAR=VALUE...]
	local script=$1 out=$2 term
	shift 2
	local defs=(-e "datafile='$csv'" -e "heading=\"$heading\"" -e "icount=$icount")
	local def
	for def in "$@"; do defs+=(-e "$def"); done
	for term in "pngcairo size 1100,700 font 'sans,10'" "svg size 1100,700 dynamic font 'sans,10'"; do
		local ext=png
		[[ $term == svg* ]] && ext=svg
		(cd "$KAB_ROOT" && gnuplot -e "set terminal $term" \
			-e "set output '$run_dir/plots/$out.$ext'" "${defs[@]}" \
			"plots/$script.gp") ||
			kab_die "gnuplot failed on plots/$script.gp"
	done
}

# by_value: cases.csv with each line's rows (allocator, pattern, gfp,
# context, fragmentation, pressure) adjacent and by size or order, since
# gnuplot breaks a line at every row it leaves out.
by_value=$scratch/by-value.csv
sort_by_columns "$csv" allocator pattern gfp context frag_level frag_kind pressure \
	size_bytes:n order:n > "$by_value"
sized=$(allocators_sized_by size_bytes)
any_failed=$(kab_select "$csv" ops_done failures --where status=ok --where size_bytes!= |
	awk -F'\t' '$1 > 0 && $2 == $1 { n++ } END { print n ? 1 : 0 }')
ordered=$(allocators_sized_by order)
if [ -n "$sized" ]; then
	read -r pattern gfp context frag_state pressure_state < <(selection size_bytes)
	for op in alloc free; do
		render latency-vs-size $op-latency-vs-size "datafile='$by_value'" "op='$op'" \
			"allocators='$sized'" "any_failed=$any_failed" \
			"sizes='$(ok_values "$csv" size_bytes)'" \
			"$pattern" "$gfp" "$context" "$frag_state" "$pressure_state"
	done
fi
if [ -n "$ordered" ]; then
	read -r pattern gfp context frag_state pressure_state < <(selection order)
	render latency-vs-order pages-latency-vs-order "datafile='$by_value'" \
		"allocators='$ordered'" "$pattern" "$gfp" "$context" "$frag_state" "$pressure_state"
fi
# values_of COLUMN [SIZED_BY]: distinct values of COLUMN among the rows that
# ran (with SIZED_BY set), in order of appearance.
values_of() {
	kab_select --distinct "$csv" "$1" --where status=ok ${2:+--where "$2!="} | xargs
}
# grouped_by_series CONTEXTS: cases.csv with each series' rows (allocator,
# pattern, gfp, size, order) adjacent and in the order of CONTEXTS, since
# gnuplot breaks a line at every row it leaves out.
grouped_by_series() {
	head -n 1 "$csv"
	# each row's sort key beside the row as written (a row holds no tab)
	paste <(kab_select "$csv" allocator pattern gfp size_bytes order context) <(tail -n +2 "$csv") |
		awk -F'\t' -v contexts="$1" 'BEGIN { n = split(contexts, c, " "); for (i = 1; i <= n; i++) at[c[i]] = i }
		{ printf "%s\t%s\t%s\t%020d\t%04d\t%04d\t%s\n", $1, $2, $3, $4, $5, at[$6], $7 }' |
		LC_ALL=C sort | cut -f7-
}
contexts=$(values_of context)
if [ "$(wc -w <<< "$contexts")" -gt 1 ]; then
	by_series=$scratch/by-series.csv
	grouped_by_series "$contexts" > "$by_series"
	for by in size_bytes order; do
		[ -n "$(allocators_sized_by "$by")" ] || continue
		read -r pattern gfp _ < <(selection "$by")
		allocators=$(allocators_sized_by "$by" "$(most_common_among "$by" pattern)" \
			"$(most_common_among "$by" gfp)")
		render latency-by-context "latency-by-context-${by%_bytes}" \
			"datafile='$by_series'" "contexts='$contexts'" "allocators='$allocators'" "by='$by'" \
			"sizes='$(values_of "$by" "$by")'" "$pattern" "$gfp"
	done
fi
# Under pressure: failure rate by context, one panel per allocator and size.
pressure_panels=$(kab_select "$csv" allocator size_bytes order --where status=ok --where pressure=low |
	awk -F'\t' '{ v = $2 != "" ? $2 : "o" $3; if (!seen[$1 " " v]++) print $1, v }')
if [ -n "$pressure_panels" ]; then
	pressure_csv=$scratch/pressure.csv
	kab_select --csv "$csv" --where pressure=low > "$pressure_csv"
	render failure-by-context failure-by-context "datafile='$pressure_csv'" \
		"contexts='$(kab_select --distinct "$csv" context --where status=ok --where pressure=low | xargs)'" \
		"gfps='$(kab_select --distinct "$csv" gfp --where status=ok --where pressure=low | xargs)'" \
		"panel_allocators='$(cut -d' ' -f1 <<< "$pressure_panels" | xargs)'" \
		"panel_values='$(cut -d' ' -f2 <<< "$pressure_panels" | xargs)'"
fi
# Several CPUs at once: the scalability curve of the pair pattern (one
# line per allocator and size or order, in process context, unfragmented,
# without pressure), local vs remote free at the same numbers of CPUs,
# and the bulk API's cost per object against the bulk size.
icount_note=
[ "$mode" != qemu-icount ] ||
	icount_note="icount: the CPUs take turns on one virtual clock (the total is flat by construction): code paths, not scaling"
# series_of: kab_select's tab-separated allocator, size, order and more as
# CSV, the first three one name: kmalloc-256, alloc_pages-o3.
series_of() {
	awk -F'\t' '{ line = $1 "-" ($2 != "" ? $2 : "o" $3)
		for (i = 4; i <= NF; i++) line = line "," $i
		print line }'
}
plain_case=(--where status=ok --where context=process --where frag_level=none --where pressure=none)
if [ -n "$(kab_select "$csv" cpus "${plain_case[@]}" --where pattern=pair --where cpus!=1 --where bulk=)" ]; then
	scalability=$scratch/scalability.csv
	# caches per_cpu (one cache per CPU) a line of its own, SERIES-per_cpu,
	# which starts from the shared one's figure on one CPU: there the one
	# cache is both. A run from before the caches column has none.
	caches_column=
	head -n 1 "$csv" | tr ',' '\n' | grep -qx caches && caches_column=caches
	{
		echo series,cpus,pair_mops_per_cpu,pair_mops_total
		kab_select "$csv" allocator size_bytes order cpus pair_mops_per_cpu pair_mops_total $caches_column \
			"${plain_case[@]}" --where pattern=pair --where bulk= | series_of |
			awk -F, -v OFS=, '{ own = $5 == "per_cpu"; s = $1; NF = 4
				if (own) { mine[s] = 1; $1 = s "-per_cpu"; print; next }
				print; if ($2 == 1) one[s] = $0 }
				END { for (s in mine) if (s in one) { $0 = one[s]; $1 = s "-per_cpu"; print } }' |
			LC_ALL=C sort -t, -s -k1,1 -k2,2n
	} > "$scalability"
	render cpus-scalability cpus-scalability "datafile='$scalability'" \
		"series='$(kab_select --distinct "$scalability" series | xargs)'" \
		"icount_note='$icount_note'"
fi
if [ -n "$(kab_select "$csv" cpus "${plain_case[@]}" --where pattern=remote_free)" ]; then
	remote=$scratch/remote.csv
	{
		echo label,local_alloc,local_free,remote_alloc,remote_free
		kab_select "$csv" allocator size_bytes order cpus pattern alloc_ns_mean free_ns_mean \
			"${plain_case[@]}" --where bulk= | series_of |
			awk -F, '$3 == "pair" || $3 == "remote_free" {
				key = $1 " on " $2 " CPUs"
				if (!(key in seen)) { seen[key] = 1; order[++n] = key }
				v[key, $3] = $4 "," $5 }
			END { for (i = 1; i <= n; i++) { k = order[i]
				if ((k, "pair") in v && (k, "remote_free") in v)
					print k "," v[k, "pair"] "," v[k, "remote_free"] } }'
	} > "$remote"
	[ "$(wc -l < "$remote")" -lt 2 ] ||
		render cpus-remote-free cpus-remote-free "datafile='$remote'" "icount_note='$icount_note'"
fi
# The bulk allocators' plain cases on one CPU (rows with a bulk): one line
# per allocator and size or order, keyed ALLOCATOR/DETAIL (DETAIL "256~B"
# or "order~0", "~" a space in the legend), each beside the one-at-a-time
# allocator its name ends in _bulk after (kmem_cache_alloc_bulk's
# kmem_cache_alloc, alloc_pages_bulk's alloc_pages) on the same size or
# order, in process context on one CPU, where the run had it.
bulk_rows=("${plain_case[@]}" --where cpus=1 --where bulk!=)
if [ -n "$(kab_select "$csv" bulk "${bulk_rows[@]}")" ]; then
	bulk_csv=$scratch/bulk.csv
	{
		echo series,bulk,per_object
		kab_select "$csv" allocator size_bytes order bulk pair_ns_per_object "${bulk_rows[@]}" |
			awk -F'\t' -v OFS=, '{ print $1 "/" ($2 != "" ? $2 "~B" : "order~" $3), $4, $5 }' |
			LC_ALL=C sort -t, -s -k1,1 -k2,2n
	} > "$bulk_csv"
	series=$(kab_select --distinct "$bulk_csv" series | xargs)
	single_names= singles=
	for key in $series; do
		allocator=${key%%/*} detail=${key#*/}
		one=${allocator%_bulk}
		if [[ $detail == order~* ]]; then
			where=(--where "order=${detail#order~}" --where size_bytes=)
		else
			where=(--where "size_bytes=${detail%~B}")
		fi
		single=$(kab_select "$csv" pair_ns_amortized "${plain_case[@]}" --where "allocator=$one" \
			--where pattern=pair --where cpus=1 --where bulk= "${where[@]}" | head -n 1)
		single_names+=" $one" singles+=" ${single:-none}"
	done
	render cpus-bulk cpus-bulk "datafile='$bulk_csv'" "series='$series'" \
		"singles='${singles# }'" "single_names='${single_names# }'"
fi
# Fragmentation: the cases of the allocators that ran at some level other
# than none, each with its state (level/kind) numbered in order of
# appearance and its success rate, sorted so that each line's rows are
# adjacent (gnuplot breaks a line at every row it leaves out), and the free
# blocks per order of each state and phase from frag.csv, summed over the
# zones.
if [ -s "$run_dir/frag.csv" ]; then
	frag_cases=$scratch/frag-cases.csv frag_blocks=$scratch/frag-blocks.csv
	fragmented=$(kab_select --distinct "$csv" allocator --where frag_level!=none | xargs)
	echo "state_index,state,allocator,gfp,size_bytes,order,success_pct,alloc_ns_mean,alloc_ns_p50,alloc_ns_p99" > "$frag_cases"
	kab_select "$csv" frag_level frag_kind allocator gfp size_bytes order ops_done failures \
		alloc_ns_mean alloc_ns_p50 alloc_ns_p99 --where status=ok |
		awk -F'\t' -v fragmented=" $fragmented " '$7 > 0 && index(fragmented, " " $3 " ") {
			state = $1 ($2 != "" ? "/" $2 : "")
			if (!(state in index_of)) index_of[state] = states++
			printf "%d,%s,%s,%s,%s,%s,%.1f,%s,%s,%s\n", index_of[state], state,
				$3, $4, $5, $6, 100 * ($7 - $8) / $7, $9, $10, $11 }' |
		LC_ALL=C sort -t, -s -k1,1n -k3,3 -k4,4 -k5,5n -k6,6n >> "$frag_cases"
	kab_select "$run_dir/frag.csv" level kind phase order free_blocks |
		awk -F'\t' '{ state = $1 ($2 != "" ? "/" $2 : "")
		  if (!(state in index_of)) index_of[state] = states++
		  key = index_of[state] "," state "," $3 "," $4
		  if (!(key in blocks)) keys[++n] = key
		  blocks[key] += $5 }
		END { print "state_index,state,phase,order,free_blocks"
		      for (i = 1; i <= n; i++) print keys[i] "," blocks[keys[i]] }' > "$frag_blocks"
	frag_states() { kab_select --distinct "$1" state | xargs; }
	frag_gfps=$(kab_select --distinct "$frag_cases" gfp --where allocator=alloc_pages --where gfp!= | xargs)
	if [ -n "$frag_gfps" ]; then
		render frag-success-heatmap frag-success-heatmap "datafile='$frag_cases'" \
			"states='$(frag_states "$frag_cases")'" "gfps='$frag_gfps'"
		render frag-latency-vs-order frag-latency-vs-order "datafile='$frag_cases'" \
			"states='$(frag_states "$frag_cases")'" "gfps='$frag_gfps'"
	fi
	frag_sized=$(kab_select --distinct "$frag_cases" allocator --where size_bytes!= | xargs)
	if [ -n "$frag_sized" ]; then
		render frag-large-sizes frag-large-sizes "datafile='$frag_cases'" \
			"states='$(frag_states "$frag_cases")'" "allocators='$frag_sized'"
	fi
	render frag-buddyinfo frag-buddyinfo "datafile='$frag_blocks'" \
		"states='$(frag_states "$frag_blocks")'"
fi

# The tradeoff, from the access benchmark's cases.
access_allocators=$(ok_values "$access" allocator)
if [ -n "$access_allocators" ]; then
	"$KAB_BUILD/runner/kallocbench" breakeven "$run_dir" > "$run_dir/breakeven.txt" ||
		kab_die "kallocbench breakeven failed on $run_dir"
	patterns=$(ok_values "$access" pattern)
	# Each series' rows adjacent, sizes ascending (allocator, pattern, size;
	# pattern, pair, size), since gnuplot breaks a line at every row it
	# leaves out.
	sorted=$scratch/tradeoff
	mkdir "$sorted"
	access_series=$sorted/access.csv breakeven_series=$sorted/breakeven.csv
	tlb_series=$sorted/tradeoff.csv
	sort_by_columns "$access" allocator pattern frag_level frag_kind size_bytes:n > "$access_series"
	sort_by_columns "$run_dir/tradeoff.csv" model allocator pattern frag_level frag_kind size_bytes:n > "$tlb_series"
	# by model, pair, pattern, level, size
	sort_by_columns "$run_dir/breakeven.csv" model a b pattern frag_level frag_kind size_bytes:n > "$breakeven_series"
	render tradeoff-cost tradeoff-cost "datafile='$access_series'" "allocators='$access_allocators'"
	render tradeoff-access tradeoff-access "datafile='$tlb_series'" \
		"allocators='$access_allocators'" "patterns='$patterns'" \
		"model='$(kab_select "$tlb_series" model | sed -n 1p)'"
	# counted_in_ok_rows COLUMN: some row that ran has COLUMN
	counted_in_ok_rows() {
		kab_has_column "$access" "$1" &&
			[ -n "$(kab_select "$access" status --where status=ok --where "$1!=")" ]
	}
	measured=0
	! counted_in_ok_rows access_dTLB-load-misses || measured=1
	# The CPU's own page-walk event for loads (meta.json's tlb_walks), where
	# the run counted it: the hardware figure's walks, beside the model's.
	walk_event=$(python3 -c 'import json, sys
walks = (((json.load(open(sys.argv[1])).get("guest") or {}).get("counters") or {}).get("tlb_walks") or {})
print(next((e["event"] for e in walks.get("events") or [] if e.get("role") == "dtlb_load"), ""))' \
		"$run_dir/meta.json" 2>/dev/null || true)
	[ -n "$walk_event" ] && counted_in_ok_rows "access_$walk_event" || walk_event=
	# Hardware counts stay the primary figure; the simulated MMU's stand in
	# where there are none, and get a plot of their own beside them.
	tlb_models=$(kab_select --distinct "$tlb_series" model --where sim_walks!= | xargs)
	sim_args=("datafile='$tlb_series'" "allocators='$access_allocators'" "patterns='$patterns'"
		"models='$tlb_models'" "level='none'")
	if [ "$measured" = 1 ]; then
		render tradeoff-tlb tradeoff-tlb "datafile='$access_series'" \
			"allocators='$access_allocators'" "patterns='$patterns'" "source='hardware'" \
			"walk_event='$walk_event'"
		[ -z "$tlb_models" ] || render tradeoff-tlb tradeoff-tlb-sim "${sim_args[@]}" "source='simulated'"
	elif [ -n "$tlb_models" ]; then
		render tradeoff-tlb tradeoff-tlb "${sim_args[@]}" "source='simulated'"
	else
		render tradeoff-tlb tradeoff-tlb "source='none'"
	fi
	if [[ " $access_allocators " == *" vmalloc "* || " $access_allocators " == *" vmalloc_huge "* ]]; then
		flushes=
		if counted_in_ok_rows free_sim_invlpg; then
			flushes=sim
		elif counted_in_ok_rows free_tlb:tlb_flush; then
			flushes=tracepoint
		fi
		render tradeoff-pagetables tradeoff-pagetables "datafile='$access_series'" "flushes='$flushes'"
	fi
	# Break-even for the pattern that misses the TLB most: random if run;
	# each model of the simulated MMU (none without); one plot per state
	# of memory: tradeoff-breakeven unfragmented, tradeoff-breakeven-LEVEL-
	# KIND at each fragmentation level the sweep had.
	pattern=random
	[[ " $patterns " == *" random "* ]] || pattern=${patterns##* }
	breakeven_models=${tlb_models:-none}
	penalty="cost of a page access: the slope of the walk time per page"
	if [ "$breakeven_models" != none ]; then
		penalty="$penalty + simulated walks per page x $(kab_select --distinct "$run_dir/breakeven.csv" walk_penalty model |
			awk -F'\t' '{ printf "%s%s (%s)", sep, $1, $2; sep = ", " }')"
		penalty="$penalty (a walk in cycles, one unit a cycle)"
	fi
	penalty=${penalty//\'/}
	kab_select --distinct "$run_dir/breakeven.csv" frag_level frag_kind > "$sorted/states"
	while IFS=$'\t' read -r level kind; do
		# Who wins at each size, one line per pair and model.
		in_state=("$run_dir/breakeven.csv" --where pattern="$pattern" --where frag_level="$level"
			--where frag_kind="$kind")
		crossings=0
		[ -z "$(kab_select "${in_state[@]}" a --where breakeven_pages!=)" ] || crossings=1
		verdicts=$(kab_select "${in_state[@]}" a b model cheaper_first cheaper_after basis breakeven_pages |
			awk -F'\t' '{
				pair = $1 " vs " $2 ($3 == "none" ? "" : " (" $3 ")")
				first = $4; after = $5
				v = $6 == "not significant" ? "not significant" : first == "" ? "the same cost" : \
					$7 == "" ? first " always cheaper" : first " cheaper first, then " after
				if (!(pair in n)) order[++k] = pair
				n[pair]++
				if (!((pair, v) in c)) { m[pair]++; outcome[pair, m[pair]] = v }
				c[pair, v]++ }
			END { for (i = 1; i <= k; i++) {
				pair = order[i]; line = pair ":"
				for (j = 1; j <= m[pair]; j++)
					line = line (j > 1 ? ";" : "") " " outcome[pair, j] " at " c[pair, outcome[pair, j]] " of " n[pair] " sizes"
				printf "%s%s", (i > 1 ? "\\n" : ""), line } }')
		out=tradeoff-breakeven
		[ "$level" = none ] || out=$out-${level//[^A-Za-z0-9]/_}${kind:+-$kind}
		render tradeoff-breakeven "$out" "datafile='$breakeven_series'" \
			"pattern='$pattern'" "level='$level'" "kind='$kind'" "models='$breakeven_models'" \
			"pairs='$(kab_select --distinct "${in_state[@]}" a b --where breakeven_pages!= | tr '\t' : | xargs)'" \
			"crossings=$crossings" "verdicts=\"$verdicts\"" "penalty='$penalty'"
	done < "$sorted/states"
fi
kab_say "plots: $run_dir/plots/"
