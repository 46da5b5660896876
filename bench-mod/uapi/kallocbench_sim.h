/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kallocbench - marks for the simulated MMU (tlbsim/, a QEMU TCG plugin).
 *
 * The guest tells the plugin where a case and its phases begin and end with
 * a multi-byte NOP whose displacement is a magic number: on real hardware
 * and under KVM it is an ordinary NOP (plus three register moves), so the
 * same module and runner run everywhere. The plugin recognises the
 * instruction by its bytes and reads the event and its two arguments from
 * rax, rdx and rcx before it executes.
 *
 * Events:
 *   hello        the module is loaded, on every CPU: rdx = PAGE_OFFSET
 *                (where the direct map starts, through which the plugin
 *                reads page tables), rcx = KAB_SIM_VERSION. The plugin
 *                counts nothing on a CPU before it.
 *   case_begin   the runner starts a case: rdx = case number, rcx =
 *                repetition, as in cases.csv and access.csv.
 *   case_end     the runner is done with it: phases outside a case (the
 *                guest tests, say) are not reported.
 *   phase_begin  the module starts a phase: rdx = enum kab_sim_phase.
 *   phase_end    the module ends it: rdx = the same phase. The plugin
 *                writes one row of counts for the (case, repetition,
 *                phase).
 */
#ifndef _UAPI_KALLOCBENCH_SIM_H
#define _UAPI_KALLOCBENCH_SIM_H

#define KAB_SIM_VERSION		1
/* "MBAK" in memory: the displacement of nopl 0x4b41424d(%rax,%rax,1). */
#define KAB_SIM_MAGIC		0x4b41424d
/* The marker's bytes: 0f 1f 84 00, then the magic, little-endian. */
#define KAB_SIM_MARKER_LEN	8
/* CPU models one run may simulate side by side. */
#define KAB_SIM_MAX_MODELS	4

#define KAB_SIM_EVENT_LIST(X)	\
	X(hello)		\
	X(case_begin)		\
	X(case_end)		\
	X(phase_begin)		\
	X(phase_end)

/*
 * Phases: the access benchmark's four (KAB_ACCESS_PHASE_LIST, same order
 * and numbers), then a whole allocation case (RUN_CASE: warmup, amortized
 * and per-operation loops).
 */
#define KAB_SIM_PHASE_LIST(X)	\
	X(alloc)		\
	X(prepare)		\
	X(access)		\
	X(free)			\
	X(case)

#define KAB_SIM_EVENT_ENUM(name)	KAB_SIM_EVENT_##name,
#define KAB_SIM_PHASE_ENUM(name)	KAB_SIM_PHASE_##name,

enum kab_sim_event {
	KAB_SIM_EVENT_LIST(KAB_SIM_EVENT_ENUM)
	KAB_SIM_NR_EVENTS
};

enum kab_sim_phase {
	KAB_SIM_PHASE_LIST(KAB_SIM_PHASE_ENUM)
	KAB_SIM_NR_PHASES
};

/*
 * kab_sim_mark() - tell the simulated MMU about @event
 *
 * A NOP everywhere else. x86-64 only: the plugin models x86-64 paging.
 */
static inline void kab_sim_mark(unsigned long event, unsigned long arg0,
				unsigned long arg1)
{
#if defined(__x86_64__)
	__asm__ __volatile__(".byte 0x0f, 0x1f, 0x84, 0x00\n\t"
			     ".long 0x4b41424d"
			     : : "a" (event), "d" (arg0), "c" (arg1) : "memory");
#else
	(void)event;
	(void)arg0;
	(void)arg1;
#endif
}

#endif /* _UAPI_KALLOCBENCH_SIM_H */
