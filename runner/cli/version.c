#include "cli/cli.h"

/* KAB_RUNNER_VERSION comes from the Makefile (git describe). */
const char runner_version[] = KAB_RUNNER_VERSION;
