// vps.ko: /dev/vps checks its input; /proc/vservers shows only what the reader may see.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGuest, type Guest } from './guest.ts';

describe('vps.ko', () => {
  let g: Guest;
  beforeEach(async () => {
    g = await startGuest();
  });
  afterEach(() => g.close());

  it('rejects malformed and conflicting /dev/vps commands with an errno, and survives', async () => {
    const cases: [string, RegExp][] = [
      ['garbage', /Invalid argument/],
      ['add 3', /Invalid argument/],
      ['add 2 1 x', /Invalid argument/],
      ['add 3 1 bad/name', /Invalid argument/],
      ['add 3 30000 x', /No such process/],
      ['add 3 1 host', /Device or resource busy/],
      ['del 3', /No such file or directory/],
    ];
    for (const [cmd, want] of cases) {
      const r = await g.sh(`echo '${cmd}' > /dev/vps`);
      expect(r.code, cmd).not.toBe(0);
      expect(r.stderr, cmd).toMatch(want);
    }
    await g.ok('vpsctl start 3');
    const dup = await g.sh(`echo "add 3 $(cat /run/vps/3.pid) web" > /dev/vps`);
    expect(dup.stderr).toMatch(/File exists/);
    expect(await g.ok('cat /proc/vservers/setup')).toMatch(/^active contexts count 3$/m);
  });

  it('shows the host all contexts and a VPS only its own', async () => {
    await g.ok('vpsctl start 3 && vpsctl start 4');
    const host = (await g.ok('ls /proc/vservers')).split(/\s+/);
    expect(host).toEqual(expect.arrayContaining(['0', '1', '3', '4', 'self', 'setup']));
    expect(await g.ok('cat /proc/vservers/self')).toMatch(/^vserver id: 0$/m);
    const inside = (await g.ok('vpsctl execwt 4 ls /proc/vservers')).split(/\s+/).filter(Boolean);
    expect(inside).not.toContain('3');
    expect(inside).not.toContain('0');
    expect((await g.sh('vpsctl execwt 4 cat /proc/vservers/3')).code).not.toBe(0);
    expect(await g.ok('cat /proc/vservers/4')).toMatch(/^eth0\(vps4\): \d+: 10\.0\.4\.1\/24;$/m);
  });
});
