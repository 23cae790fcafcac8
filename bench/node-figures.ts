// Figures measured in the headless Node runner: boot, VPS start/stop, suspend/resume, snapshot,
// overhead, density, agent, TCP between two lab hosts.
import type { GuestMachine } from '../src/core/machine/guest-machine.ts';
import type { GuestImage } from '../src/core/machine/image.ts';
import { labAddress } from '../src/core/lab/lab-network.ts';
import { bootNodeMachine, loadImageFromDisk, restoreNodeMachine } from '../src/node/node-host.ts';
import { NodeLab } from '../src/node/node-lab.ts';
import { listeningCommand, parseReceiver, receiverCommand, senderCommand, timedTransfers } from './lab-tcp.ts';
import { repeat, summarize, type Figure } from './stats.ts';

async function sh(m: GuestMachine, cmd: string): Promise<string> {
  const r = await m.agent.execShell(cmd, { timeoutMs: 0 });
  if (r.code !== 0) throw new Error(`bench: guest command failed (${r.code}): ${cmd}: ${r.stderr.trim()}`);
  return r.stdout;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Guest-side milliseconds printed by `vpstest cpu|forkexec`, host context vs inside VPS 3, alternating. */
async function overheadRatio(m: GuestMachine, work: string, rounds: number): Promise<number[]> {
  await sh(m, `vpstest ${work}; vpsctl execwt 3 vpstest ${work}`); // JIT warm-up for both paths
  const ratios: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const host = Number(await sh(m, `vpstest ${work}`));
    const vps = Number(await sh(m, `vpsctl execwt 3 vpstest ${work}`));
    ratios.push(vps / host);
  }
  return ratios;
}

/** Start idle VPS 100, 101, ... until a start fails; the failure must be one clean error line. */
async function density(m: GuestMachine, cap: number): Promise<number> {
  let started = 0;
  for (let id = 100; id < 100 + cap; id++) {
    const ip = `10.${1 + (id >> 8)}.${id & 255}.1`;
    await sh(m, `vpsctl create ${id} --name d${id} --ip ${ip}/32 >/dev/null`);
    const r = await m.agent.execShell(`vpsctl start ${id}`, { timeoutMs: 0 });
    if (r.code !== 0) {
      const lines = r.stderr.trim().split('\n');
      if (lines.length !== 1 || !lines[0]!.startsWith('vpsctl: '))
        throw new Error(`bench: density: start ${id} failed without one clean error line: ${r.stderr}`);
      console.error(`density: VPS ${id} did not start (${lines[0]})`);
      break;
    }
    started++;
  }
  if (started === cap) console.error(`density: stopped at the cap of ${cap} idle VPS`);
  return started;
}

/** Polls a guest command until its stdout (trimmed) is `want`; no fixed sleeps. */
async function until(m: GuestMachine, cmd: string, want: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while ((await sh(m, cmd)).trim() !== want) {
    if (Date.now() > end) throw new Error(`bench: timed out waiting for \`${cmd}\` to print ${want}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * MB/s over TCP from host1 to host2, two machines restored from the post-boot state on NodeLab's
 * switch (one Node thread runs both emulators). How it is timed and why: bench/lab-tcp.ts.
 */
async function labTcp(state: ArrayBuffer, image: GuestImage, rounds: number): Promise<number[]> {
  const lab = new NodeLab();
  try {
    const [h1, h2] = await Promise.all([restoreNodeMachine(state, {}, image), restoreNodeMachine(state, {}, image)]);
    await lab.add('host1', h1!);
    await lab.add('host2', h2!);
    return await timedTransfers('Node', rounds, async (wallMs) => {
      const received = sh(h2!, receiverCommand);
      received.catch(() => {}); // awaited below; not an unhandled rejection while polling
      await until(h2!, listeningCommand, '1');
      const t0 = performance.now();
      await sh(h1!, senderCommand(labAddress(2)));
      const out = await received;
      wallMs.push(performance.now() - t0);
      return parseReceiver(out);
    });
  } finally {
    await lab.destroy();
  }
}

export async function nodeFigures(opts: { boots: number; rounds: number; densityCap: number }): Promise<Record<string, Figure>> {
  const image = await loadImageFromDisk();
  const out: Record<string, Figure> = {};
  let state: ArrayBuffer | undefined;
  out.cold_boot_node_ms = summarize(
    await repeat(opts.boots, async () => {
      let m: GuestMachine | undefined;
      const ms = await timed(async () => {
        m = await bootNodeMachine({}, image);
      });
      state ??= await m!.saveState();
      await m!.destroy();
      return ms;
    }),
  );

  const m = await restoreNodeMachine(state!, {}, image);
  try {
    out.agent_rtt_ms = summarize(await repeat(50, () => timed(() => m.agent.ping())));
    const starts: number[] = [];
    const stops: number[] = [];
    for (let i = 0; i < opts.rounds; i++) {
      starts.push(await timed(() => sh(m, 'vpsctl start 3')));
      await sh(m, 'vpsctl execwt 3 true');
      stops.push(await timed(() => sh(m, 'vpsctl stop 3')));
    }
    out.vps_start_ms = summarize(starts);
    out.vps_stop_ms = summarize(stops);
    await sh(m, 'vpsctl start 3');
    out.cpu_ratio = summarize(await overheadRatio(m, 'cpu 3000000', opts.rounds));
    out.fork_exec_ratio = summarize(await overheadRatio(m, 'forkexec 100', opts.rounds));
    const suspends: number[] = [];
    const resumes: number[] = [];
    for (let i = 0; i < opts.rounds; i++) {
      suspends.push(await timed(() => sh(m, 'vpsctl suspend 3')));
      if (i === 0 && !/^3 .* suspended /m.test(await sh(m, 'vpsctl list')))
        throw new Error('bench: VPS 3 is not listed as suspended after `vpsctl suspend 3`');
      resumes.push(await timed(() => sh(m, 'vpsctl resume 3')));
      await sh(m, 'vpsctl execwt 3 true'); // thawed for real before the next round
    }
    out.suspend_ms = summarize(suspends);
    out.resume_ms = summarize(resumes);
    // A freshly started VPS 3 with one small file of its own.
    await sh(m, 'vpsctl stop 3; vpsctl start 3 >/dev/null');
    await sh(m, "vpsctl execwt 3 sh -c 'echo bench > /root/bench.txt'");
    const snapBytes: number[] = [];
    const snapMs: number[] = [];
    for (let i = 0; i < opts.rounds; i++) {
      snapMs.push(await timed(() => sh(m, 'vpsctl snapshot 3 /tmp/s.vpsnap')));
      snapBytes.push(Number(await sh(m, 'stat -c %s /tmp/s.vpsnap && rm /tmp/s.vpsnap')));
    }
    out.snapshot_bytes = summarize(snapBytes);
    out.snapshot_ms = summarize(snapMs);
    await sh(m, 'vpsctl stop 3');
    out.density_idle_vps = summarize([await density(m, opts.densityCap)]);
  } finally {
    await m.destroy();
  }
  out.lab_tcp_mb_s = summarize(await labTcp(state!, image, opts.rounds));
  return out;
}
