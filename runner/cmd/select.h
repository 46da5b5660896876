/* `kallocbench select`: columns of a results CSV by name. */
#ifndef KAB_SELECT_H
#define KAB_SELECT_H

int cmd_select(int argc, char **argv);

#endif
