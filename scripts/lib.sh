# shellcheck shell=bash
# Shared helpers for the kallocbench scripts: paths, messages and the parser
# of configs/kernels/*.conf. Sourced, never run.

KAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KAB_BUILD=${KAB_BUILD:-$KAB_ROOT/build}

kab_say() { printf 'kallocbench: %s\n' "$*" >&2; }
kab_die() { printf 'kallocbench: error: %s\n' "$*" >&2; exit 1; }

# kab_read_conf FILE KEY... : read KEY = VALUE lines (comments with #) into
# variables named KAB_CONF_<key>; an unknown key or a malformed line is an
# error naming the file and line.
kab_read_conf() {
	local file=$1; shift
	local allowed=" $* " lineno=0 line key value
	[ -r "$file" ] || kab_die "$file: cannot read"
	while IFS= read -r line || [ -n "$line" ]; do
		lineno=$((lineno + 1))
		line=${line%%#*}
		[[ $line =~ ^[[:space:]]*$ ]] && continue
		if [[ ! $line =~ ^[[:space:]]*([a-z_]+)[[:space:]]*=[[:space:]]*(.*[^[:space:]])?[[:space:]]*$ ]]; then
			kab_die "$file:$lineno: expected 'key = value', got '$line'"
		fi
		key=${BASH_REMATCH[1]} value=${BASH_REMATCH[2]}
		[[ $allowed == *" $key "* ]] ||
			kab_die "$file:$lineno: unknown key '$key' (known: $*)"
		printf -v "KAB_CONF_$key" '%s' "$value"
	done < "$file"
}
