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

# kab_guest_paths ARCH: the runner and busybox of a guest of ARCH (amd64:
# the host's own; i386: built and unpacked by scripts/build-guest-runner.sh)
# in KAB_GUEST_RUNNER and KAB_GUEST_BUSYBOX.
kab_guest_paths() {
	case ${1:-amd64} in
	amd64)
		KAB_GUEST_RUNNER=$KAB_BUILD/runner/kallocbench
		KAB_GUEST_BUSYBOX=/bin/busybox
		;;
	i386)
		KAB_GUEST_RUNNER=$KAB_BUILD/runner-i386/kallocbench
		KAB_GUEST_BUSYBOX=$KAB_BUILD/guest/i386/bin/busybox
		;;
	*) kab_die "unknown guest architecture '$1' (known: amd64 i386)" ;;
	esac
}
