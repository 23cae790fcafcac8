/* The agent loop: read request lines from the port, answer each (ping inline, the rest in children). */
#ifndef VPSD_AGENT_H
#define VPSD_AGENT_H

#define VPSD_MAX_LINE (48u << 20)	/* longest request line, without its "\n" */
#define VPSD_ACK_EVERY (16u << 10)	/* ack once per this many bytes of an unfinished line */
#define VPSD_MAX_CHILDREN 16		/* requests running at once */

/*
 * Serve requests read from in_fd, answering on out_fd (the same fd for a tty or a
 * socket; stdin and stdout for pipes) until in_fd reaches end of file, which a tty
 * never does. lock_path: the file whose flock keeps response lines whole.
 * Returns the exit status for main.
 */
int vpsd_serve(int in_fd, int out_fd, const char *lock_path);

#endif
