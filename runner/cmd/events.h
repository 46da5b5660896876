/* `kallocbench events`: which perf events this machine can count. */
#ifndef KAB_EVENTS_H
#define KAB_EVENTS_H

int cmd_events(int argc, char **argv);

#endif
