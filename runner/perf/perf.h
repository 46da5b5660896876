/* Hardware, software and tracepoint counters through perf_event_open(2),
 * opened as one group so that they count over exactly the same time.
 *
 * Names are perf's (cycles, dTLB-load-misses, page-faults, ...), encoded by
 * libpfm4, or tracepoints `subsystem:event` resolved through tracefs. Kernel
 * side counts are included (exclude_kernel=0, exclude_hv=1). An event this
 * machine cannot count is kept in the group as unsupported, with a reason,
 * and the rest of the group opens without it: callers report it (an empty
 * CSV cell), never a zero. */
#ifndef KAB_PERF_H
#define KAB_PERF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PERF_REASON_LEN 192

struct perf_event {
	char *name;
	bool supported;
	/* Why not, when !supported; empty otherwise. */
	char reason[PERF_REASON_LEN];
	/* perf_event_attr.type (PERF_TYPE_*); meaningful once encoded. */
	uint32_t type;
	/* Private: the fd, and the index in the group's read buffer. */
	int fd;
	int slot;
};

struct perf_group {
	size_t count;
	struct perf_event *events;	/* in the order of the names */
	size_t opened;			/* how many are supported */
	int leader_fd;			/* -1 when none is supported */
	pid_t pid;
	int cpu;
};

/* One event's count over the time the group was enabled. */
struct perf_value {
	/* False when the event is unsupported or never ran (running == 0). */
	bool counted;
	uint64_t raw;		/* as read */
	double scaled;		/* raw * enabled / running */
	double ratio;		/* running / enabled: 1 unless multiplexed */
};

/* Opens @names as one group for a task (@pid 0: the calling thread, @cpu -1)
 * or CPU-wide (@pid -1, @cpu N). The group starts disabled. Never fails for
 * an event's sake: every event is either supported or has a reason. */
struct perf_group *perf_group_open(const char *const *names, size_t count,
				   pid_t pid, int cpu);
/* Each acts on the whole group at once (enable and disable through its
 * leader, which holds the group on and off); 0, or -1 with errno. A group
 * without a supported event succeeds and does nothing. */
int perf_group_enable(struct perf_group *group);
int perf_group_disable(struct perf_group *group);
int perf_group_reset(struct perf_group *group);
/* Fills @values[group->count], one per name; 0, or -1 with errno. */
int perf_group_read(const struct perf_group *group, struct perf_value *values);
void perf_group_close(struct perf_group *group);

/* The scaling of a multiplexed count: not counted when @running is 0. */
struct perf_value perf_scale(uint64_t raw, uint64_t enabled, uint64_t running);

/* True when @name has the form of a tracepoint, `subsystem:event`. */
bool perf_is_tracepoint(const char *name);
/*
 * Whether libpfm4 can encode the perf event @name, without opening it (a
 * machine without the PMU still encodes its generic events; whether they
 * count is a run-time question). Tracepoints are resolved at run time and
 * pass. When not, @why says what libpfm4 said.
 */
bool perf_event_encodable(const char *name, char *why, size_t why_len);
/* The tracefs root holding events/, or NULL when tracefs is not mounted. */
const char *perf_tracefs_root(void);
/* /proc/sys/kernel/perf_event_paranoid; false when it cannot be read. */
bool perf_event_paranoid(int *value);
/* "hardware", "software", "cache", "tracepoint", "raw" or "other". */
const char *perf_type_name(uint32_t type);

/* The events `kallocbench events` lists by default. */
extern const char *const perf_default_events[];
extern const size_t perf_default_event_count;

#endif
