#include "perf/perf.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <linux/perf_event.h>
#include <perfmon/pfmlib_perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/util.h"

const char *const perf_default_events[] = {
	"cycles", "instructions", "cache-misses",
	"dTLB-load-misses", "dTLB-store-misses", "iTLB-load-misses",
	"page-faults", "context-switches", "cpu-migrations",
	"tlb:tlb_flush",
	"kmem:mm_page_alloc", "kmem:mm_page_free",
	"kmem:kmalloc", "kmem:kfree", "kmem:mm_page_alloc_extfrag",
	"compaction:mm_compaction_begin", "compaction:mm_compaction_end",
};
const size_t perf_default_event_count = ARRAY_SIZE(perf_default_events);

static const char *const tracefs_roots[] = {
	"/sys/kernel/tracing",
	"/sys/kernel/debug/tracing",
};

#define READ_FORMAT (PERF_FORMAT_GROUP | PERF_FORMAT_TOTAL_TIME_ENABLED | \
		     PERF_FORMAT_TOTAL_TIME_RUNNING)

struct perf_value perf_scale(uint64_t raw, uint64_t enabled, uint64_t running)
{
	struct perf_value value = { .raw = raw };

	if (running == 0 || enabled == 0)
		return value;
	value.counted = true;
	value.ratio = (double)running / (double)enabled;
	value.scaled = running == enabled ? (double)raw :
		       (double)raw * ((double)enabled / (double)running);
	return value;
}

static bool tracepoint_part(const char *text, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

bool perf_is_tracepoint(const char *name)
{
	const char *colon = strchr(name, ':');

	return colon && tracepoint_part(name, (size_t)(colon - name)) &&
	       tracepoint_part(colon + 1, strlen(colon + 1));
}

const char *perf_tracefs_root(void)
{
	char path[64];
	struct stat st;

	for (size_t i = 0; i < ARRAY_SIZE(tracefs_roots); i++) {
		snprintf(path, sizeof(path), "%s/events", tracefs_roots[i]);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return tracefs_roots[i];
	}
	return NULL;
}

bool perf_event_paranoid(int *value)
{
	char *text = read_file("/proc/sys/kernel/perf_event_paranoid", NULL);
	char *end;
	long parsed;

	if (!text)
		return false;
	errno = 0;
	parsed = strtol(text, &end, 10);
	if (errno || end == text || parsed < -1000 || parsed > 1000) {
		free(text);
		return false;
	}
	free(text);
	*value = (int)parsed;
	return true;
}

const char *perf_type_name(uint32_t type)
{
	switch (type) {
	case PERF_TYPE_HARDWARE: return "hardware";
	case PERF_TYPE_SOFTWARE: return "software";
	case PERF_TYPE_HW_CACHE: return "cache";
	case PERF_TYPE_TRACEPOINT: return "tracepoint";
	case PERF_TYPE_RAW: return "raw";
	default: return "other";
	}
}

static void set_reason(struct perf_event *event, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_reason(struct perf_event *event, const char *fmt, ...)
{
	va_list args;

	event->supported = false;
	va_start(args, fmt);
	vsnprintf(event->reason, sizeof(event->reason), fmt, args);
	va_end(args);
}

/* Fills @attr->config from tracefs; false with a reason otherwise. */
static bool encode_tracepoint(struct perf_event *event,
			      struct perf_event_attr *attr)
{
	const char *root = perf_tracefs_root();
	const char *colon = strchr(event->name, ':');
	char errbuf[16];
	struct strbuf path = { 0 };
	unsigned long long id;
	char *text, *end;

	event->type = PERF_TYPE_TRACEPOINT;
	if (!root) {
		set_reason(event, "tracepoint not found: tracefs is not mounted "
			   "(mount -t tracefs nodev /sys/kernel/tracing)");
		return false;
	}
	sb_printf(&path, "%s/events/%.*s/%s/id", root,
		  (int)(colon - event->name), event->name, colon + 1);
	text = read_file(path.text, NULL);
	if (!text) {
		if (errno == ENOENT)
			set_reason(event, "tracepoint not found in %s/events",
				   root);
		else
			set_reason(event, "cannot read %s (%s)", path.text,
				   errno_name(errno, errbuf));
		sb_free(&path);
		return false;
	}
	sb_free(&path);
	errno = 0;
	id = strtoull(text, &end, 10);
	if (errno || end == text) {
		set_reason(event, "tracepoint id is not a number");
		free(text);
		return false;
	}
	free(text);
	attr->type = PERF_TYPE_TRACEPOINT;
	attr->config = id;
	return true;
}

static bool encode_pfm(struct perf_event *event, struct perf_event_attr *attr)
{
	static int init_result = -1;
	static bool initialised;
	pfm_perf_encode_arg_t arg;
	int result;

	if (!initialised) {
		init_result = pfm_initialize();
		initialised = true;
	}
	if (init_result != PFM_SUCCESS) {
		set_reason(event, "libpfm4 cannot initialise: %s",
			   pfm_strerror(init_result));
		return false;
	}
	memset(&arg, 0, sizeof(arg));
	arg.attr = attr;
	arg.size = sizeof(arg);
	result = pfm_get_os_event_encoding(event->name, PFM_PLM0 | PFM_PLM3,
					   PFM_OS_PERF_EVENT_EXT, &arg);
	if (result != PFM_SUCCESS) {
		set_reason(event, "unknown event (libpfm4: %s)",
			   pfm_strerror(result));
		return false;
	}
	event->type = attr->type;
	return true;
}

bool perf_event_encodable(const char *name, char *why, size_t why_len)
{
	struct perf_event event = { .name = (char *)name };
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	if (perf_is_tracepoint(name) || encode_pfm(&event, &attr))
		return true;
	snprintf(why, why_len, "%s", event.reason);
	return false;
}

static void set_open_error(struct perf_event *event, int err)
{
	bool hardware = event->type == PERF_TYPE_HARDWARE ||
			event->type == PERF_TYPE_HW_CACHE ||
			event->type == PERF_TYPE_RAW;
	char buf[16];
	const char *errname = errno_name(err, buf);
	int paranoid;

	switch (err) {
	case EACCES:
	case EPERM:
		if (perf_event_paranoid(&paranoid))
			set_reason(event, "perf_event_paranoid=%d forbids "
				   "kernel events: run as root or lower it "
				   "(%s)", paranoid, errname);
		else
			set_reason(event, "permission denied (%s)", errname);
		return;
	case ENOENT:
	case EOPNOTSUPP:
	case ENODEV:
	case EINVAL:
		if (hardware) {
			set_reason(event, "no hardware PMU, or it lacks this "
				   "event (%s)", errname);
			return;
		}
		set_reason(event, "not supported by this kernel (%s)", errname);
		return;
	case EMFILE:
	case ENFILE:
		set_reason(event, "too many open files (%s)", errname);
		return;
	default:
		set_reason(event, "perf_event_open: %s (%s)", strerror(err),
			   errname);
		return;
	}
}

static int sys_perf_event_open(struct perf_event_attr *attr, pid_t pid,
			       int cpu, int group_fd, unsigned long flags)
{
	return (int)syscall(SYS_perf_event_open, attr, pid, cpu, group_fd,
			    flags);
}

static void open_event(struct perf_group *group, struct perf_event *event)
{
	struct perf_event_attr attr;
	bool encoded;
	int fd;

	memset(&attr, 0, sizeof(attr));
	encoded = perf_is_tracepoint(event->name) ?
			  encode_tracepoint(event, &attr) :
			  encode_pfm(event, &attr);
	if (!encoded)
		return;
	attr.size = sizeof(attr);
	attr.read_format = READ_FORMAT;
	attr.exclude_kernel = 0;
	attr.exclude_user = 0;
	attr.exclude_hv = 1;
	/* The leader holds the group off; siblings follow it. */
	attr.disabled = group->leader_fd < 0;
	fd = sys_perf_event_open(&attr, group->pid, group->cpu,
				 group->leader_fd, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0) {
		set_open_error(event, errno);
		return;
	}
	if (group->leader_fd < 0)
		group->leader_fd = fd;
	event->fd = fd;
	event->slot = (int)group->opened++;
	event->supported = true;
	event->reason[0] = '\0';
}

struct perf_group *perf_group_open(const char *const *names, size_t count,
				   pid_t pid, int cpu)
{
	struct perf_group *group = xcalloc(1, sizeof(*group));

	group->count = count;
	group->events = xcalloc(count ? count : 1, sizeof(*group->events));
	group->leader_fd = -1;
	group->pid = pid;
	group->cpu = cpu;
	for (size_t i = 0; i < count; i++) {
		struct perf_event *event = &group->events[i];

		event->name = xstrdup(names[i]);
		event->fd = -1;
		event->slot = -1;
		event->type = UINT32_MAX;
		open_event(group, event);
	}
	return group;
}

/* @request on the leader, with @flags (PERF_IOC_FLAG_GROUP: each event). */
static int group_ioctl(struct perf_group *group, unsigned long request,
		       unsigned long flags)
{
	if (group->leader_fd < 0)
		return 0;
	return ioctl(group->leader_fd, request, flags) < 0 ? -1 : 0;
}

/*
 * The leader alone turns the group on and off; the siblings stay enabled
 * from their open. Enabling each event (PERF_IOC_FLAG_GROUP) enables the
 * leader first, and on 6.12, 6.18 and 7.3 (not 6.1) a tracepoint sibling
 * enabled under a running software leader is not scheduled in until the
 * task is next switched in: a case that never slept counted 0
 * kmem:mm_page_alloc for 300 alloc_pages (test_perf.c,
 * test_tracepoints_counted_again).
 */
int perf_group_enable(struct perf_group *group)
{
	return group_ioctl(group, PERF_EVENT_IOC_ENABLE, 0);
}

int perf_group_disable(struct perf_group *group)
{
	return group_ioctl(group, PERF_EVENT_IOC_DISABLE, 0);
}

int perf_group_reset(struct perf_group *group)
{
	return group_ioctl(group, PERF_EVENT_IOC_RESET, PERF_IOC_FLAG_GROUP);
}

int perf_group_read(const struct perf_group *group, struct perf_value *values)
{
	/* nr, time_enabled, time_running, then one value per open event. */
	size_t words = 3 + group->opened;
	uint64_t *buf;
	ssize_t got;

	for (size_t i = 0; i < group->count; i++)
		values[i] = (struct perf_value){ 0 };
	if (group->leader_fd < 0)
		return 0;
	buf = xcalloc(words, sizeof(*buf));
	do
		got = read(group->leader_fd, buf, words * sizeof(*buf));
	while (got < 0 && errno == EINTR);
	if (got < 0 || (size_t)got != words * sizeof(*buf) ||
	    buf[0] != group->opened) {
		if (got >= 0)
			errno = EIO;
		free(buf);
		return -1;
	}
	for (size_t i = 0; i < group->count; i++) {
		const struct perf_event *event = &group->events[i];

		if (event->supported)
			values[i] = perf_scale(buf[3 + event->slot], buf[1],
					       buf[2]);
	}
	free(buf);
	return 0;
}

void perf_group_close(struct perf_group *group)
{
	if (!group)
		return;
	/* Siblings first, the leader last. */
	for (size_t i = group->count; i-- > 0;) {
		if (group->events[i].fd >= 0 &&
		    group->events[i].fd != group->leader_fd)
			close(group->events[i].fd);
		free(group->events[i].name);
	}
	if (group->leader_fd >= 0)
		close(group->leader_fd);
	free(group->events);
	free(group);
}
