// TCP throughput between two lab hosts: the guest commands and their parsing, shared by the Node
// runner (NodeLab, one process) and the page (each host its own Web Worker).
//
// Which clock is honest:
// - The sender's own time (`dd | nc` on host1) is NOT honest unless the receiver's nc keeps its
//   stdin open: busybox nc shuts down its write half when its stdin ends, the sender's nc exits on
//   that EOF at once and drops whatever it has not sent yet (seen with the NE2K NIC: a 4 MB
//   "transfer" took 0.1 s and delivered 6 KB). So the receiver reads its stdin from a FIFO it
//   holds open itself (fd 3); then the sender's nc exits only once the receiver has read EOF.
// - The figure is timed by the receiver, inside the guest: from the first byte read to EOF, with
//   every byte counted (the round fails unless all arrived). The guest clock is the TSC
//   (clocksource tsc-early), which v86 derives from the host's real time. The bench also prints
//   the host-side figure (wall time from launching the sender to the receiver's command
//   returning): within a few percent of the guest's on a quiet machine, up to ~20% lower under
//   load, as it also pays agent round trips and process start-ups.

import { repeat, summarize } from './stats.ts';

export const LAB_TCP_PORT = 5001;
/** 4 MiB per transfer: 64 blocks of 64 KiB from /dev/zero. */
export const LAB_TCP_BLOCKS = 64;
export const LAB_TCP_BYTES = LAB_TCP_BLOCKS * 65536;

/** On the receiving host: listen once, and print "<uptime at first byte> <uptime at EOF> <bytes after the first>". */
export const receiverCommand =
  'rm -f /tmp/bench-nc.fifo; mkfifo /tmp/bench-nc.fifo; exec 3<>/tmp/bench-nc.fifo; rm -f /tmp/bench-nc.fifo; ' +
  `nc -l -p ${LAB_TCP_PORT} <&3 | (dd bs=1 count=1 of=/dev/null 2>/dev/null; ` +
  "a=$(cut -d' ' -f1 /proc/uptime); n=$(wc -c); b=$(cut -d' ' -f1 /proc/uptime); echo $a $b $n)";

/** On the receiving host: prints 1 once the listener is up. */
export const listeningCommand = `netstat -tln | grep -c ':${LAB_TCP_PORT} ' || true`;

/** On the sending host: LAB_TCP_BYTES of zeros to host `to`'s lab address. */
export function senderCommand(toAddress: string): string {
  return `dd if=/dev/zero bs=64k count=${LAB_TCP_BLOCKS} 2>/dev/null | nc ${toAddress} ${LAB_TCP_PORT}`;
}

/** MB/s (1e6 bytes) from the receiver's output; throws unless every byte arrived. */
export function parseReceiver(stdout: string): number {
  const [a, b, n] = stdout.trim().split(/\s+/).map(Number);
  if (a === undefined || b === undefined || n === undefined || ![a, b, n].every(Number.isFinite))
    throw new Error(`bench: lab_tcp: unexpected receiver output: ${JSON.stringify(stdout)}`);
  if (n + 1 !== LAB_TCP_BYTES) throw new Error(`bench: lab_tcp: the receiver got ${n + 1} of ${LAB_TCP_BYTES} bytes`);
  // /proc/uptime counts hundredths of a second; a transfer takes about a second or more here.
  if (b - a <= 0) throw new Error(`bench: lab_tcp: transfer too fast to time with /proc/uptime (${a} .. ${b})`);
  return n / 1e6 / (b - a);
}

/**
 * One uncounted warm-up transfer (v86 is still compiling the network paths), then `rounds` of
 * them; `once` resolves with the guest-timed MB/s and pushes its own wall-clock ms to `wallMs`.
 * Prints both clocks' medians (stderr); returns the guest-timed figures.
 */
export async function timedTransfers(where: string, rounds: number, once: (wallMs: number[]) => Promise<number>): Promise<number[]> {
  const wallMs: number[] = [];
  await once(wallMs);
  wallMs.length = 0;
  const figures = await repeat(rounds, () => once(wallMs));
  const wall = summarize(wallMs.map((ms) => LAB_TCP_BYTES / 1e6 / (ms / 1000)));
  console.error(`lab_tcp (${where}): guest-timed median ${summarize(figures).median} MB/s; wall time gives ${wall.median} MB/s`);
  return figures;
}
