// Bad input gets one clear line and a non-zero exit, and leaves nothing half-made.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { oneLine, startGuest, type Guest } from './guest.ts';


describe('vpsctl errors', () => {
  let g: Guest;
  beforeEach(async () => {
    g = await startGuest();
  });
  afterEach(() => g.close());

  it('rejects an unknown id, a bad id and an unknown command', async () => {
    let r = await g.sh('vpsctl start 99');
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe('vpsctl: VPS 99 has no config `/etc/vps/vps_99.conf` (create it with `vpsctl create 99`)');
    r = await g.sh('vpsctl start 2');
    expect(r.code).not.toBe(0);
    expect(oneLine(r.stderr)).toMatch(/^vpsctl: VPS id "2": must be a number from 3 to 65535/);
    r = await g.sh('vpsctl frobnicate');
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toContain('unknown command `frobnicate`');
    r = await g.sh('vpsctl start');
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toContain('usage: vpsctl start');
  });

  it('refuses to start a running VPS twice', async () => {
    await g.ok('vpsctl start 3');
    const r = await g.sh('vpsctl start 3');
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/^vpsctl: VPS 3 is already running \(init pid \d+\)$/);
    await g.ok('vpsctl execwt 3 true');
  });

  it('names file and line of a malformed config, and starts nothing', async () => {
    await g.ok("printf 'NAME = bad\\nIP_NETWORKS = 10.0.0.300/24\\n' > /tmp/bad.conf");
    const r = await g.sh('vpsctl start 6 /tmp/bad.conf');
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/^vpsctl: \/tmp\/bad\.conf:2: IP_NETWORKS: .*10\.0\.0\.300/);
    expect((await g.sh('test -d /sys/fs/cgroup/vps/6')).code).not.toBe(0);
  });

  it('refuses execin, execwt, shell and stop on a stopped VPS', async () => {
    for (const cmd of ['execin 3 true', 'execwt 3 true', 'shell 3']) {
      const r = await g.sh(`vpsctl ${cmd} </dev/null`);
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toMatch(/VPS 3 is not running/);
    }
    const r = await g.sh('vpsctl stop 3');
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe('vpsctl: VPS 3 is not running');
  });

  it('rolls back everything when INIT cannot be run', async () => {
    await g.ok("printf 'NAME = broken\\nIP_NETWORKS = 10.0.7.1\\nINIT = /no/such/init\\n' > /etc/vps/vps_7.conf");
    const r = await g.sh('vpsctl start 7');
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/^vpsctl: start VPS 7: exec INIT `\/no\/such\/init`: No such file or directory$/);
    const left = await g.sh(
      'test -d /sys/fs/cgroup/vps/7 || test -e /sys/class/net/vps7 || grep -q " /vps/root/7 " /proc/mounts || test -e /proc/vservers/7 || test -e /run/vps/7.pid',
    );
    expect(left.code).not.toBe(0);
    // and the id is usable afterwards
    await g.ok("sed -i 's|/no/such/init|/sbin/init|' /etc/vps/vps_7.conf && vpsctl start 7 && vpsctl stop 7");
  });

  it('names the option in create errors and writes no config', async () => {
    const r = await g.sh('vpsctl create 8 --ip 300.1.1.1');
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/^vpsctl: create VPS 8: --ip: IP_NETWORKS: /);
    expect((await g.sh('test -e /etc/vps/vps_8.conf || test -e /etc/vps/vps_8.conf.new')).code).not.toBe(0);
    const dup = await g.sh('vpsctl create 3');
    expect(dup.code).toBe(1);
    expect(oneLine(dup.stderr)).toContain('already has a config');
  });

  it('refuses to destroy a running VPS', async () => {
    await g.ok('vpsctl start 3');
    const r = await g.sh('vpsctl destroy 3');
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe('vpsctl: destroy: VPS 3 is running (stop it first)');
    await g.ok('test -e /etc/vps/vps_3.conf');
  });
});
