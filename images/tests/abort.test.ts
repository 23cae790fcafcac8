// vpsctl abort: every process killed at once, then the clean-up of stop.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { oneLine, startGuest, until, vpsTraces as traces, type Guest } from './guest.ts';

// A service that leaves a mark in the VPS's private files when it gets SIGTERM.
const TERM_TRAP = `vpsctl execin 3 sh -c 'trap "echo term > /root/got-term; exit 0" TERM; while :; do sleep 1; done'`;

describe('vpsctl abort', () => {
  let g: Guest;
  beforeEach(async () => {
    g = await startGuest();
  });
  afterEach(() => g.close());

  it('kills every process without a TERM first and leaves no trace, where stop lets services see TERM', async () => {
    await g.ok('vpsctl start 3');
    await g.ok(TERM_TRAP);
    await until(g, 'cat /sys/fs/cgroup/vps/3/pids.current', (o) => Number(o) >= 3);
    expect(await g.ok('vpsctl abort 3')).toBe('VPS 3 aborted\n');
    expect(await traces(g, 3)).toEqual([]);
    expect(await g.ok('vpsctl list')).toMatch(/^\s*3\s+web\s+stopped/m);

    await g.ok('vpsctl start 3');
    expect((await g.sh('vpsctl execwt 3 test -e /root/got-term')).code).toBe(1);
    await g.ok(TERM_TRAP);
    await until(g, 'cat /sys/fs/cgroup/vps/3/pids.current', (o) => Number(o) >= 3);
    await g.ok('vpsctl stop 3');
    await g.ok('vpsctl start 3');
    expect(await g.ok('vpsctl execwt 3 cat /root/got-term')).toBe('term\n');
  });

  it('kills a suspended VPS as it is', async () => {
    await g.ok('vpsctl start 3 && vpsctl suspend 3');
    expect(await g.ok('vpsctl abort 3')).toBe('VPS 3 aborted\n');
    expect(await traces(g, 3)).toEqual([]);
  });

  it('refuses bad input with one line and changes nothing', async () => {
    let r = await g.sh('vpsctl abort');
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toContain('usage: vpsctl abort');
    r = await g.sh('vpsctl abort 3 4');
    expect(r.code).toBe(2);
    for (const bad of ['x', '2', '65536', '03']) {
      r = await g.sh(`vpsctl abort ${bad}`);
      expect(r.code).toBe(1);
      oneLine(r.stderr);
    }
    r = await g.sh('vpsctl abort 3');
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe('vpsctl: VPS 3 is not running');
    expect(await g.ok('test -e /etc/vps/vps_3.conf && echo kept')).toBe('kept\n');
  });
});
