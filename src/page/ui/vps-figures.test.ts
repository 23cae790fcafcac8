import { describe, expect, it } from 'vitest';
import type { VpsStatus } from '../../core/vps-status.ts';
import { parseVserver } from '../../core/vservers.ts';
import { availableActions, usageLevel, vpsFigures, vpsTraffic } from './vps-figures.ts';

// Real module output (README), no limits yet.
const REAL = `vserver id: 3
nodename: web
domainname: (none)
flags: PRIVATE
init pid: 65
CapBset: 00000000a80425fb
Process Count: 3
tasks: 65 67 68
Used memory: 6972 kB
Context RSS: 3784 kB
eth0(vps3): 0: 10.0.3.1/24;
Incoming traffic: 266
Outgoing traffic: 180
`;

const LIMITED = REAL.replace('Process Count: 3', 'Process Limit: 4\nProcess Count: 3')
  .replace('Used memory', 'Memory Limit: unlimited\nUsed memory')
  .replace('Context RSS: 3784 kB', 'Context RSS limit: 65536 kB\nContext RSS: 3784 kB\nDisk Limit: 1024 kB\nUsed disk memory: 1000 kB\nUsed files: 17');

const base = { id: 3, name: 'web', init_pid: 65, procs: 3, memory_bytes: 167936, addresses: ['10.0.3.1/24'] };
const running = (text: string): VpsStatus => ({ ...base, state: 'running', figures: parseVserver(text) });

describe('vpsFigures', () => {
  it('gives plain figures when the module prints no limits', () => {
    const f = vpsFigures(running(REAL));
    expect(f.map((x) => [x.key, x.text, x.usage])).toEqual([
      ['procs', '3', undefined],
      ['memory', '6.8 MiB', undefined],
      ['rss', '3.7 MiB', undefined],
    ]);
  });

  it('gives bars against numeric limits, marks unlimited, and adds the optional figures', () => {
    const f = vpsFigures(running(LIMITED));
    const byKey = Object.fromEntries(f.map((x) => [x.key, x]));
    expect(byKey.procs?.usage).toEqual({ fraction: 0.75, level: 'warn', limitText: '4' });
    expect(byKey.memory?.unlimited).toBe(true);
    expect(byKey.memory?.usage).toBeUndefined();
    expect(byKey.rss?.usage).toMatchObject({ level: 'ok', limitText: '64 MiB' });
    expect(byKey.disk?.usage).toMatchObject({ level: 'high', limitText: '1.0 MiB' });
    expect(byKey.files?.text).toBe('17');
    expect(byKey.files?.usage, 'no Files limit line: no bar').toBeUndefined();
    expect(byKey.sockets).toBeUndefined();
  });

  it('falls back to the list row while /proc/vservers has no entry', () => {
    const stopped: VpsStatus = { ...base, state: 'stopped', procs: 0, memory_bytes: 0 };
    expect(vpsFigures(stopped).map((x) => x.text)).toEqual(['0', '0 B', '0 B']);
    expect(vpsTraffic(stopped)).toBeUndefined();
    expect(vpsFigures({ ...base, state: 'running' })[1]?.text).toBe('164 KiB');
  });

  it('formats traffic in bytes', () => {
    expect(vpsTraffic(running(REAL))).toEqual({ incoming: '266 B', outgoing: '180 B' });
  });
});

describe('usageLevel', () => {
  it('turns warn at 75% and high at 90%', () => {
    expect([0, 0.74, 0.75, 0.89, 0.9, 1].map(usageLevel)).toEqual(['ok', 'ok', 'warn', 'warn', 'high', 'high']);
  });
});

describe('availableActions', () => {
  it('follows the state', () => {
    const none = { suspend: false, resume: false, snapshot: true, migrate: true };
    expect(availableActions('stopped', false)).toEqual({ start: true, stop: false, destroy: true, shell: false, ...none });
    expect(availableActions('running', false)).toEqual({ start: false, stop: true, destroy: false, shell: true, ...none, suspend: true });
    expect(availableActions('suspended', false)).toEqual({ start: false, stop: true, destroy: false, shell: false, ...none, resume: true });
  });

  it('offers nothing while an action of the card runs', () => {
    expect(Object.values(availableActions('running', true)).every((v) => !v)).toBe(true);
  });
});
