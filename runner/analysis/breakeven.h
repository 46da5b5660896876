/*
 * `kallocbench breakeven DIR`: from a run's access.csv, for each size and
 * access pattern, after how many page accesses a buffer that is cheaper to
 * allocate and free (say vmalloc's) costs more in total than one that is
 * cheaper to access (kmalloc's or alloc_pages'), or the reverse. Total cost
 * of n page accesses: alloc_ns + free_ns + n * (the walk's cost per page,
 * its fixed overhead out, + the simulated MMU's walks per page * the walk
 * penalty).
 */
#ifndef KAB_BREAKEVEN_H
#define KAB_BREAKEVEN_H

#include <stdint.h>

#include "schema/columns.h"

/* X(name): which of two buffers a and b is cheaper, and when. */
#define BREAKEVEN_VERDICT_LIST(X)					\
	X(equal)		/* the same cost whatever n */		\
	X(a_always)		/* a never costs more than b */		\
	X(b_always)							\
	X(a_then_b)		/* a cheaper up to pages, b beyond */	\
	X(b_then_a)

#define BREAKEVEN_VERDICT_ENUM(name) BREAKEVEN_##name,
enum breakeven_verdict {
	BREAKEVEN_VERDICT_LIST(BREAKEVEN_VERDICT_ENUM)
	BREAKEVEN_NR_VERDICTS
};

struct breakeven {
	enum breakeven_verdict verdict;
	/*
	 * a_then_b and b_then_a: the fewest page accesses after which the
	 * buffer cheaper at first costs more in total; 0 otherwise
	 */
	uint64_t pages;
};

/* Fixed (alloc + free) and per-page costs of a and b, in ns. */
struct breakeven breakeven_solve(double a_fixed, double a_per_page,
				 double b_fixed, double b_per_page);

/* Differences of fixed or per-page costs below this share count as none. */
#define BREAKEVEN_MARGIN 0.01

/* The header line of breakeven.csv, with its newline. */
#define BREAKEVEN_HEADER COLUMNS_LINE(BREAKEVEN_COLUMN_LIST)

int cmd_breakeven(int argc, char **argv);

#endif
