/* `kallocbench tlbsim`: the simulated MMU's models and its counts joined
 * to a run's results. */
#ifndef KAB_TLBSIM_H
#define KAB_TLBSIM_H

int cmd_tlbsim(int argc, char **argv);

#endif
