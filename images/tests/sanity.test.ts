// The guest kernel and userland give what the product relies on (see the lean config's lessons).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGuest, type Guest } from './guest.ts';

describe('guest sanity', () => {
  let g: Guest;
  beforeEach(async () => {
    g = await startGuest();
  });
  afterEach(() => g.close());

  it('sleep 2 takes about two seconds of guest time', async () => {
    const out = await g.ok('a=$(cut -d" " -f1 /proc/uptime); sleep 2; b=$(cut -d" " -f1 /proc/uptime); echo "$a $b"');
    const [a, b] = out.trim().split(' ').map(Number);
    const slept = b! - a!;
    expect(slept).toBeGreaterThan(1.9);
    expect(slept).toBeLessThan(3.5);
  });

  it('has /proc/sys and the sysctls the host networking sets', async () => {
    expect(await g.ok('cat /proc/sys/net/ipv4/ip_forward')).toBe('1\n');
    expect(await g.ok('cat /proc/sys/kernel/ostype')).toBe('Linux\n');
  });

  it('implements every system call our tools and busybox use (none is ENOSYS)', async () => {
    const r = await g.sh('vpstest syscalls');
    expect(r.stdout).not.toContain('ENOSYS');
    expect(r.stdout).toMatch(/system calls checked, 0 missing/);
    expect(r.code).toBe(0);
  });

  it('has cgroup v2 with every controller a VPS limit uses, and io.max', async () => {
    expect((await g.ok('cat /sys/fs/cgroup/vps/cgroup.subtree_control')).trim().split(' ').sort()).toEqual(
      ['cpu', 'io', 'memory', 'pids'],
    );
    await g.ok('mkdir /sys/fs/cgroup/vps/probe && test -e /sys/fs/cgroup/vps/probe/io.max && test -e /sys/fs/cgroup/vps/probe/cgroup.freeze && test -e /sys/fs/cgroup/vps/probe/cgroup.kill && rmdir /sys/fs/cgroup/vps/probe');
  });

  it('has the filesystems and namespaces a VPS is built from', async () => {
    const fs = await g.ok('cat /proc/filesystems');
    for (const name of ['overlay', 'tmpfs', 'cgroup2', 'devpts', 'proc', 'sysfs', 'ext4']) expect(fs).toContain(name);
    const ns = await g.ok('ls /proc/self/ns');
    for (const name of ['pid', 'uts', 'ipc', 'net', 'mnt', 'cgroup', 'user']) expect(ns.split(/\s+/)).toContain(name);
  });

  it('loads vps.ko at boot and shows /proc/vservers', async () => {
    expect(await g.ok('cat /proc/vservers/setup')).toMatch(/^vps module version \d+\.\d+\.\d+/);
    expect(await g.ok('ls /proc/vservers')).toMatch(/\bself\b/);
  });
});
