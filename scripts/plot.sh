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

# sort_by_columns FILE COLUMN[:n]...: FILE's header, then its rows sorted by
# the named columns (":n" numerically; one an older run lacks is left out),
# so that each line's rows are adjacent: gnuplot breaks a line at every row
# it leaves out.
sort_by_columns() {
	local file=$1 keys=() spec name column
	shift
	for spec in "$@"; do
		name=${spec%:n}
		column=$(head -n 1 "$file" | tr ',' '\n' | grep -nx "$name" | cut -d: -f1 || true)
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
	awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		(col in h) && $(h["status"]) == "ok" && !seen[$(h[col])]++ { print $(h[col]) }' "$1" | xargs
}

# allocators_sized_by size_bytes|order [PATTERN GFP]: the allocators that
# ran sized so, with that pattern and mask where given (a panel of one of
# them needs rows of the pattern and mask it draws: kmalloc_nolock runs
# with GFP_NOWAIT only).
allocators_sized_by() {
	awk -F, -v by="$1" -v pattern="${2:-}" -v gfp="${3:-}" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$(h["status"]) == "ok" && $(h[by]) != "" &&
		(pattern == "" || ($(h["pattern"]) == pattern && $(h["gfp"]) == gfp)) &&
		!seen[$(h["allocator"])]++ { print $(h["allocator"]) }' "$csv" | xargs
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
	heading="$heading · TLB model (simulated): $(awk -F, 'NR > 1 && !seen[$4]++ { print $4 }' "$run_dir/sim.csv" | xargs | sed 's/ /, /g')"
	# Under TCG the plugin's callbacks run in the guest's time; icount
	# counts guest instructions only and is unaffected.
	[ "$mode" != qemu-tcg ] ||
		heading="$heading\\ntimes include the simulated MMU's own cost (TCG): use MODE=icount, or TLB_MODEL=none for TCG times"
fi
icount=0
[ "$mode" != qemu-icount ] || icount=1
# The counter columns (between counter_scaling and status) empty in every
# row that ran: events this machine could not count. access.csv names them
# per phase (alloc_cycles): an event is unsupported when no phase counted it.
unsupported=$(for f in "$csv" "$access"; do
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "counter_scaling") a = i; if ($i == "status") b = i; name[i] = $i } next }
		$(b) == "ok" { ran = 1; for (i = a + 1; i < b; i++) if ($i != "") counted[i] = 1 }
		END { if (a && ran) for (i = a + 1; i < b; i++) print name[i], counted[i] + 0 }' "$f"
done | sed -E 's/^(alloc|access|free)_//' |
	awk '{ if (!($1 in c)) order[++n] = $1; c[$1] += $2 }
		END { for (i = 1; i <= n; i++) if (!c[order[i]]) { printf "%s%s", sep, order[i]; sep = " " } }')
# On a line of its own: the list can be long (every hardware event under TCG).
[ -z "$unsupported" ] || heading="$heading\\ncounters unsupported: $unsupported"

# most_common_among SIZED_BY COLUMN: the value of COLUMN in most of the rows
# that ran with SIZED_BY (size_bytes or order) set; on a tie the one the
# sweep lists first.
most_common_among() {
	awk -F, -v by="$1" -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$(h["status"]) == "ok" && $(h[by]) != "" { v = $(h[col]); if (!(v in n)) order[++k] = v; n[v]++ }
		END { for (i = 1; i <= k; i++) if (n[order[i]] > best) { best = n[order[i]]; top = order[i] } print top }' "$csv"
}
selection() { # SIZED_BY: the gnuplot definitions of the rows to draw
	echo "pattern='$(most_common_among "$1" pattern)'" "gfp='$(most_common_among "$1" gfp)'" \
		"context='$(most_common_among "$1" context)'" \
		"frag_state='$(unfragmented_or_most_common "$1")'"
}
# unfragmented_or_most_common SIZED_BY: "none" where cases ran without
# fragmentation (the frag plots show the levels), else the most common level.
unfragmented_or_most_common() {
	if awk -F, -v by="$1" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$(h["status"]) == "ok" && $(h[by]) != "" && $(h["frag_level"]) == "none" { found = 1; exit }
		END { exit !found }' "$csv"; then
		echo none
	else
		most_common_among "$1" frag_level
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

sized=$(allocators_sized_by size_bytes)
any_failed=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
	$(h["status"]) == "ok" && $(h["size_bytes"]) != "" &&
	$(h["ops_done"]) > 0 && $(h["failures"]) == $(h["ops_done"]) { n++ }
	END { print n ? 1 : 0 }' "$csv")
ordered=$(allocators_sized_by order)
if [ -n "$sized" ]; then
	read -r pattern gfp context frag_state < <(selection size_bytes)
	for op in alloc free; do
		render latency-vs-size $op-latency-vs-size "op='$op'" "allocators='$sized'" \
			"any_failed=$any_failed" "sizes='$(ok_values "$csv" size_bytes)'" \
			"$pattern" "$gfp" "$context" "$frag_state"
	done
fi
if [ -n "$ordered" ]; then
	read -r pattern gfp context frag_state < <(selection order)
	render latency-vs-order pages-latency-vs-order "allocators='$ordered'" \
		"$pattern" "$gfp" "$context" "$frag_state"
fi
# values_of COLUMN [SIZED_BY]: distinct values of COLUMN among the rows that
# ran (with SIZED_BY set), in order of appearance.
values_of() {
	awk -F, -v col="$1" -v by="${2:-}" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$(h["status"]) == "ok" && (by == "" || $(h[by]) != "") && !seen[$(h[col])]++ { print $(h[col]) }' "$csv" | xargs
}
# grouped_by_series CONTEXTS: cases.csv with each series' rows (allocator,
# pattern, gfp, size, order) adjacent and in the order of CONTEXTS, since
# gnuplot breaks a line at every row it leaves out.
grouped_by_series() {
	head -n 1 "$csv"
	awk -F, -v contexts="$1" 'BEGIN { n = split(contexts, c, " "); for (i = 1; i <= n; i++) at[c[i]] = i }
		NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		{ printf "%s\t%s\t%s\t%020d\t%04d\t%04d\t%s\n", $(h["allocator"]), $(h["pattern"]),
			$(h["gfp"]), $(h["size_bytes"]), $(h["order"]), at[$(h["context"])], $0 }' "$csv" |
		LC_ALL=C sort | cut -f7-
}
contexts=$(values_of context)
if [ "$(wc -w <<< "$contexts")" -gt 1 ]; then
	by_series=$(mktemp)
	trap 'rm -f "$by_series"' EXIT
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
pressure_panels=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
	$(h["status"]) == "ok" && $(h["pressure"]) == "low" {
		v = $(h["size_bytes"]) != "" ? $(h["size_bytes"]) : "o" $(h["order"])
		if (!seen[$(h["allocator"]) " " v]++) print $(h["allocator"]), v }' "$csv")
if [ -n "$pressure_panels" ]; then
	pressure_csv=$(mktemp)
	trap 'rm -f "${by_series:-}" "$pressure_csv"' EXIT
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; print; next }
		$(h["pressure"]) == "low"' "$csv" > "$pressure_csv"
	render failure-by-context failure-by-context "datafile='$pressure_csv'" \
		"contexts='$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
			$(h["status"]) == "ok" && $(h["pressure"]) == "low" && !seen[$(h["context"])]++ { print $(h["context"]) }' "$csv" | xargs)'" \
		"gfps='$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
			$(h["status"]) == "ok" && $(h["pressure"]) == "low" && !seen[$(h["gfp"])]++ { print $(h["gfp"]) }' "$csv" | xargs)'" \
		"panel_allocators='$(cut -d' ' -f1 <<< "$pressure_panels" | xargs)'" \
		"panel_values='$(cut -d' ' -f2 <<< "$pressure_panels" | xargs)'"
fi
# Fragmentation: the cases of the allocators that ran at some level other
# than none, each with its state (level/kind) numbered in order of
# appearance and its success rate, sorted so that each line's rows are
# adjacent (gnuplot breaks a line at every row it leaves out), and the free
# blocks per order of each state and phase from frag.csv, summed over the
# zones.
if [ -s "$run_dir/frag.csv" ]; then
	frag_cases=$(mktemp) frag_blocks=$(mktemp)
	trap 'rm -f "${by_series:-}" "${pressure_csv:-}" "$frag_cases" "$frag_blocks"' EXIT
	awk -F, 'FNR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		FNR == NR { if ($(h["frag_level"]) != "none") fragmented[$(h["allocator"])] = 1; next }
		FNR == 2 { print "state_index,state,allocator,gfp,size_bytes,order,success_pct,alloc_ns_mean,alloc_ns_p50,alloc_ns_p99" }
		$(h["status"]) == "ok" && $(h["ops_done"]) > 0 && fragmented[$(h["allocator"])] {
			state = $(h["frag_level"]) ($(h["frag_kind"]) != "" ? "/" $(h["frag_kind"]) : "")
			if (!(state in index_of)) index_of[state] = states++
			printf "%d,%s,%s,%s,%s,%s,%.1f,%s,%s,%s\n", index_of[state], state,
				$(h["allocator"]), $(h["gfp"]), $(h["size_bytes"]), $(h["order"]),
				100 * ($(h["ops_done"]) - $(h["failures"])) / $(h["ops_done"]),
				$(h["alloc_ns_mean"]), $(h["alloc_ns_p50"]), $(h["alloc_ns_p99"]) }' \
		"$csv" "$csv" | { IFS= read -r header || true; echo "$header"
			LC_ALL=C sort -t, -s -k1,1n -k3,3 -k4,4 -k5,5n -k6,6n; } > "$frag_cases"
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		{ state = $(h["level"]) ($(h["kind"]) != "" ? "/" $(h["kind"]) : "")
		  if (!(state in index_of)) index_of[state] = states++
		  key = index_of[state] "," state "," $(h["phase"]) "," $(h["order"])
		  if (!(key in blocks)) keys[++n] = key
		  blocks[key] += $(h["free_blocks"]) }
		END { print "state_index,state,phase,order,free_blocks"
		      for (i = 1; i <= n; i++) print keys[i] "," blocks[keys[i]] }' \
		"$run_dir/frag.csv" > "$frag_blocks"
	frag_states() { awk -F, 'NR > 1 && !seen[$2]++ { print $2 }' "$1" | xargs; }
	frag_values() { # COLUMN ALLOCATOR-PATTERN
		awk -F, -v col="$1" -v a="$2" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
			$(h["allocator"]) ~ a && $(h[col]) != "" && !seen[$(h[col])]++ { print $(h[col]) }' "$frag_cases" | xargs
	}
	frag_gfps=$(frag_values gfp '^alloc_pages$')
	if [ -n "$frag_gfps" ]; then
		render frag-success-heatmap frag-success-heatmap "datafile='$frag_cases'" \
			"states='$(frag_states "$frag_cases")'" "gfps='$frag_gfps'"
		render frag-latency-vs-order frag-latency-vs-order "datafile='$frag_cases'" \
			"states='$(frag_states "$frag_cases")'" "gfps='$frag_gfps'"
	fi
	frag_sized=$(awk -F, 'NR > 1 && $5 != "" && !seen[$3]++ { print $3 }' "$frag_cases" | xargs)
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
	sorted=$(mktemp -d)
	trap 'rm -rf "${by_series:-}" "${pressure_csv:-}" "${frag_cases:-}" "${frag_blocks:-}" "$sorted"' EXIT
	access_series=$sorted/access.csv breakeven_series=$sorted/breakeven.csv
	tlb_series=$sorted/tradeoff.csv
	sort_by_columns "$access" allocator pattern frag_level frag_kind size_bytes:n > "$access_series"
	sort_by_columns "$run_dir/tradeoff.csv" model allocator pattern frag_level frag_kind size_bytes:n > "$tlb_series"
	# by model, pair, pattern, level, size
	sort_by_columns "$run_dir/breakeven.csv" model a b pattern frag_level frag_kind size_bytes:n > "$breakeven_series"
	render tradeoff-cost tradeoff-cost "datafile='$access_series'" "allocators='$access_allocators'"
	render tradeoff-access tradeoff-access "datafile='$tlb_series'" \
		"allocators='$access_allocators'" "patterns='$patterns'" \
		"model='$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
			{ print $(h["model"]); exit }' "$tlb_series")'"
	measured=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		("access_dTLB-load-misses" in h) && $(h["status"]) == "ok" &&
		$(h["access_dTLB-load-misses"]) != "" { found = 1 } END { print found + 0 }' "$access")
	# Hardware counts stay the primary figure; the simulated MMU's stand in
	# where there are none, and get a plot of their own beside them.
	tlb_models=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$(h["sim_walks"]) != "" && !seen[$(h["model"])]++ { print $(h["model"]) }' "$tlb_series" | xargs)
	sim_args=("datafile='$tlb_series'" "allocators='$access_allocators'" "patterns='$patterns'"
		"models='$tlb_models'" "level='none'")
	if [ "$measured" = 1 ]; then
		render tradeoff-tlb tradeoff-tlb "datafile='$access_series'" \
			"allocators='$access_allocators'" "patterns='$patterns'" "source='hardware'"
		[ -z "$tlb_models" ] || render tradeoff-tlb-sim tradeoff-tlb "${sim_args[@]}" "source='simulated'"
	elif [ -n "$tlb_models" ]; then
		render tradeoff-tlb tradeoff-tlb "${sim_args[@]}" "source='simulated'"
	else
		render tradeoff-tlb tradeoff-tlb "source='none'"
	fi
	if [[ " $access_allocators " == *" vmalloc "* || " $access_allocators " == *" vmalloc_huge "* ]]; then
		flushes=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
			$(h["status"]) != "ok" { next }
			("free_sim_invlpg" in h) && $(h["free_sim_invlpg"]) != "" { sim = 1 }
			("free_tlb:tlb_flush" in h) && $(h["free_tlb:tlb_flush"]) != "" { tp = 1 }
			END { print sim ? "sim" : tp ? "tracepoint" : "" }' "$access")
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
		penalty="$penalty + simulated walks per page x $(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
			!seen[$(h["model"]) "=" $(h["walk_penalty"])]++ { printf "%s%s (%s)", sep, $(h["walk_penalty"]), $(h["model"]); sep = ", " }' "$run_dir/breakeven.csv")"
		penalty="$penalty (a walk in cycles, one unit a cycle)"
	fi
	penalty=${penalty//\'/}
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		!seen[$(h["frag_level"]) "," $(h["frag_kind"])]++ { print $(h["frag_level"]) "," $(h["frag_kind"]) }' \
		"$run_dir/breakeven.csv" > "$sorted/states"
	while IFS=, read -r level kind; do
		# Who wins at each size, one line per pair and model.
		select_state=(-v p="$pattern" -v level="$level" -v kind="$kind")
		crossings=$(awk -F, "${select_state[@]}" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
			$(h["pattern"]) == p && $(h["frag_level"]) == level && $(h["frag_kind"]) == kind &&
			$(h["breakeven_pages"]) != "" { found = 1 }
			END { print found + 0 }' "$run_dir/breakeven.csv")
		verdicts=$(awk -F, "${select_state[@]}" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
			$(h["pattern"]) == p && $(h["frag_level"]) == level && $(h["frag_kind"]) == kind {
				pair = $(h["a"]) " vs " $(h["b"]) ($(h["model"]) == "none" ? "" : " (" $(h["model"]) ")")
				first = $(h["cheaper_first"]); after = $(h["cheaper_after"])
				v = $(h["basis"]) == "not significant" ? "not significant" : first == "" ? "the same cost" : \
					$(h["breakeven_pages"]) == "" ? first " always cheaper" : first " cheaper first, then " after
				if (!(pair in n)) order[++k] = pair
				n[pair]++
				if (!((pair, v) in c)) { m[pair]++; outcome[pair, m[pair]] = v }
				c[pair, v]++ }
			END { for (i = 1; i <= k; i++) {
				pair = order[i]; line = pair ":"
				for (j = 1; j <= m[pair]; j++)
					line = line (j > 1 ? ";" : "") " " outcome[pair, j] " at " c[pair, outcome[pair, j]] " of " n[pair] " sizes"
				printf "%s%s", (i > 1 ? "\\n" : ""), line } }' "$run_dir/breakeven.csv")
		out=tradeoff-breakeven
		[ "$level" = none ] || out=$out-${level//[^A-Za-z0-9]/_}${kind:+-$kind}
		render tradeoff-breakeven "$out" "datafile='$breakeven_series'" \
			"pattern='$pattern'" "level='$level'" "kind='$kind'" "models='$breakeven_models'" \
			"pairs='$(awk -F, "${select_state[@]}" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
				$(h["pattern"]) == p && $(h["frag_level"]) == level && $(h["frag_kind"]) == kind &&
				$(h["breakeven_pages"]) != "" && !seen[$(h["a"]) ":" $(h["b"])]++ { print $(h["a"]) ":" $(h["b"]) }' \
				"$run_dir/breakeven.csv" | xargs)'" \
			"crossings=$crossings" "verdicts=\"$verdicts\"" "penalty='$penalty'"
	done < "$sorted/states"
fi
kab_say "plots: $run_dir/plots/"
