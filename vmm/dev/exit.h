/* The exit device ("vmm,exit", memmap.h): the guest's way to hand vmm its status.
 * STATUS (+0, w32) is the status a later PSCI SYSTEM_OFF exits with; EXIT (+4, w32)
 * stops the VM at once with the value written. */
#ifndef VMM_DEV_EXIT_H
#define VMM_DEV_EXIT_H

struct machine;

int exit_dev__create(struct machine *m);

#endif
