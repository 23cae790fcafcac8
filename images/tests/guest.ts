// A guest restored from the post-boot state, for one test: run shell commands as root in the host context.
import { readFile } from 'node:fs/promises';
import { expect, inject } from 'vitest';
import type { GuestMachine } from '../../src/core/machine/guest-machine.ts';
import { loadImageFromDisk, restoreNodeMachine } from '../../src/node/node-host.ts';
import { NodeLab } from '../../src/node/node-lab.ts';

export interface ShellResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Guest {
  machine: GuestMachine;
  /** Run `sh -c cmd` in the guest host context. */
  sh(cmd: string, opts?: { stdin?: string; timeoutMs?: number }): Promise<ShellResult>;
  /** Like sh, but throws with the command's stderr unless it exits 0; returns stdout. */
  ok(cmd: string): Promise<string>;
  close(): Promise<void>;
}

let statePromise: Promise<ArrayBuffer> | undefined;
const imagePromise = loadImageFromDisk();

function postBootState(): Promise<ArrayBuffer> {
  statePromise ??= readFile(inject('guestStatePath')).then(
    (b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer,
  );
  return statePromise;
}

/** A machine resumed from the post-boot state (its agent answers). */
export async function restorePostBoot(state?: ArrayBuffer): Promise<GuestMachine> {
  return restoreNodeMachine(state ?? (await postBootState()), {}, await imagePromise);
}

export async function startGuest(): Promise<Guest> {
  const machine = await restorePostBoot();
  const sh = async (cmd: string, opts: { stdin?: string; timeoutMs?: number } = {}): Promise<ShellResult> => {
    const r = await machine.agent.exec(['sh', '-c', cmd], {
      ...(opts.stdin !== undefined ? { stdin: new TextEncoder().encode(opts.stdin) } : {}),
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    });
    const dec = new TextDecoder();
    return { code: r.code, stdout: dec.decode(r.stdout), stderr: dec.decode(r.stderr) };
  };
  return {
    machine,
    sh,
    async ok(cmd) {
      const r = await sh(cmd);
      if (r.code !== 0) throw new Error(`guest command failed (exit ${r.code}): ${cmd}\n${r.stderr}${r.stdout}`);
      return r.stdout;
    },
    close: () => machine.destroy(),
  };
}

/** Asserts that a command's stderr is exactly one line (the tools' error contract); returns it trimmed. */
export function oneLine(stderr: string): string {
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  return stderr.trim();
}

/** Runs a shell command on a machine; throws with its stderr unless it exits 0; returns stdout. */
export async function machineOk(m: GuestMachine, cmd: string): Promise<string> {
  const r = await m.agent.execShell(cmd, { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`guest command failed (exit ${r.code}): ${cmd}\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Polls a host command of a guest (or of one host of a lab) until its output passes `accept`
 * (no fixed sleeps); returns that output, or fails with the last one once `ms` have passed. */
export async function until(on: Guest | GuestMachine, cmd: string, accept: (out: string) => boolean, ms = 30_000): Promise<string> {
  const m = 'agent' in on ? on : on.machine;
  const end = Date.now() + ms;
  for (;;) {
    const out = (await m.agent.execShell(cmd)).stdout;
    if (accept(out)) return out;
    if (Date.now() > end) throw new Error(`waited ${ms} ms for \`${cmd}\`; last output:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A lab of hosts (host1, host2, ...) on one switch, on the lab LAN with the lab's key: each resumed
 * from the post-boot state, or from the given saved states. */
export async function startLab(n: 2 | ArrayBuffer[]): Promise<{ lab: NodeLab; hosts: [GuestMachine, GuestMachine] }>;
export async function startLab(n: 3): Promise<{ lab: NodeLab; hosts: [GuestMachine, GuestMachine, GuestMachine] }>;
export async function startLab(n: number | ArrayBuffer[]): Promise<{ lab: NodeLab; hosts: GuestMachine[] }> {
  const lab = new NodeLab();
  const states = typeof n === 'number' ? Array.from({ length: n }, () => undefined) : n;
  const hosts = await Promise.all(states.map((s) => restorePostBoot(s)));
  for (const [i, h] of hosts.entries()) await lab.add(`host${i + 1}`, h);
  return { lab, hosts };
}

/** Every trace a run of VPS <id> leaves on the host; all must be gone after stop. */
export async function vpsTraces(g: Guest, id: number): Promise<string[]> {
  const checks: [string, string][] = [
    ['cgroup', `test -d /sys/fs/cgroup/vps/${id}`],
    ['veth', `test -e /sys/class/net/vps${id}`],
    ['root mount', `grep -q " /vps/root/${id} " /proc/mounts`],
    ['pid file', `test -e /run/vps/${id}.pid`],
    ['/proc/vservers entry', `test -e /proc/vservers/${id}`],
  ];
  const left: string[] = [];
  for (const [name, cmd] of checks) if ((await g.sh(cmd)).code === 0) left.push(name);
  return left;
}
