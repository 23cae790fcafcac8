/* vpstest: the one in-guest helper the guest tests run (one subcommand per file). */
#ifndef VPSTEST_H
#define VPSTEST_H

int vpstest_syscalls(int argc, char **argv);
int vpstest_cpu(int argc, char **argv);
int vpstest_forkexec(int argc, char **argv);
int vpstest_chrootescape(int argc, char **argv);

#endif
