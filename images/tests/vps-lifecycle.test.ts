// vpsctl start/stop and what a VPS is: its own pid, uts, mount and net namespaces, root, cgroup.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGuest, vpsTraces as traces, type Guest } from './guest.ts';

describe('VPS lifecycle', () => {
  let g: Guest;
  beforeEach(async () => {
    g = await startGuest();
  });
  afterEach(() => g.close());

  it('starts VPS 3 with its own hostname, processes, root and /proc/vservers view', async () => {
    expect(await g.ok('vpsctl start 3')).toMatch(/^VPS 3 \(web\) started, init pid \d+\n$/);
    expect(await g.ok('vpsctl execwt 3 hostname')).toBe('web\n');
    expect(await g.ok('hostname')).toBe('vpslab\n');

    const ps = (await g.ok('vpsctl execwt 3 ps -o pid,comm')).trim().split('\n').slice(1);
    const procs = ps.map((l) => l.trim().split(/\s+/));
    expect(procs[0]).toEqual(['1', 'init']);
    expect(procs.map((p) => p[1]).sort()).toEqual(['init', 'ps']);

    expect((await g.sh('vpsctl execwt 3 ls /etc/vps')).code).not.toBe(0);
    expect(await g.ok('vpsctl execwt 3 ls /proc/vservers')).toMatch(/^3\s+routes_ipv4\s+self\s+setup\s+trafstat\s*$/);

    const self = await g.ok('vpsctl execwt 3 cat /proc/vservers/self');
    expect(self).toMatch(/^vserver id: 3$/m);
    expect(self).toMatch(/^nodename: web$/m);
    expect(self).toMatch(/^init pid: 1$/m);
  });

  it('keeps a chroot break-out inside the VPS root (the root is moved over the namespace root)', async () => {
    await g.ok('vpsctl start 3');
    // The probe works: run on the host, where /etc/vps exists, it reports reaching it.
    expect((await g.sh('vpstest chrootescape')).stdout).toContain('escaped');
    const inside = await g.sh('vpsctl execwt 3 vpstest chrootescape');
    expect(inside.stdout).toContain('contained');
    expect(inside.code).toBe(0);
  });

  it('shows the same tasks from inside (VPS pids) as the host does (host pids)', async () => {
    await g.ok('vpsctl start 3 && vpsctl execin 3 sleep 600 >/dev/null && vpsctl execin 3 sleep 601 >/dev/null');
    // INIT (busybox init) may still have a short-lived child of its own start-up: wait until only
    // INIT and the two sleeps are left, then compare the views.
    let hostView = '';
    for (const end = Date.now() + 10_000; ; await new Promise((r) => setTimeout(r, 100))) {
      hostView = await g.ok('cat /proc/vservers/3');
      if (/^Process Count: 3$/m.test(hostView) || Date.now() > end) break;
    }
    expect(hostView).toMatch(/^Process Count: 3$/m);
    const hostTasks = /^tasks: (.*)$/m.exec(hostView)![1]!.trim().split(' ');
    // Map each host pid to its pid inside the VPS with NSpid, the kernel's own translation.
    const mapped = await g.ok(`for p in ${hostTasks.join(' ')}; do grep NSpid /proc/$p/status | awk '{print $3}'; done`);
    const inside = /^tasks: (.*)$/m.exec(await g.ok('vpsctl execwt 3 cat /proc/vservers/self'))![1]!.trim().split(' ');
    // The reader (cat) is one more task inside; every host-seen task is there too.
    expect(inside).toEqual(expect.arrayContaining(mapped.trim().split('\n')));
    expect(inside.length).toBe(hostTasks.length + 1);
  });

  it('gives the VPS its addresses on a veth the host can ping, and limits from the config', async () => {
    await g.ok('vpsctl start 3');
    expect(await g.ok('vpsctl execwt 3 ip -4 addr show eth0')).toContain('inet 10.0.3.1/24');
    await g.ok('ping -c 1 -W 2 10.0.3.1');
    expect(await g.ok('cat /sys/fs/cgroup/vps/3/pids.max')).toBe('64\n');
    expect(await g.ok('cat /sys/fs/cgroup/vps/3/memory.max')).toBe(`${48 * 1024 * 1024}\n`);
    expect(await g.ok('grep CapBnd /proc/$(cat /run/vps/3.pid)/status')).toMatch(/CapBnd:\s+00000000a80425fb/);
  });

  it('runs two VPS at once, isolated from each other', async () => {
    await g.ok('vpsctl start 3 && vpsctl start 4');
    expect(await g.ok('vpsctl execwt 4 hostname')).toBe('db\n');
    await g.ok('vpsctl execin 4 sleep 600');
    expect(await g.ok('vpsctl execwt 3 ps -o comm')).not.toContain('sleep');
    expect(await g.ok('vpsctl execwt 3 ls /proc/vservers')).not.toMatch(/^4$/m);
    await g.ok('vpsctl execwt 3 ping -c 1 -W 2 10.0.4.1');
    const list = JSON.parse(await g.ok('vpsctl --json list')) as { id: number; state: string }[];
    expect(list.filter((v) => v.state === 'running').map((v) => v.id)).toEqual([3, 4]);
  });

  it('stop leaves nothing behind: no process, cgroup, veth, mount or registration', async () => {
    await g.ok('vpsctl start 3 && vpsctl execin 3 sleep 600');
    expect(await traces(g, 3)).toEqual(['cgroup', 'veth', 'root mount', 'pid file', '/proc/vservers entry']);
    expect(await g.ok('vpsctl stop 3')).toBe('VPS 3 stopped\n');
    expect(await traces(g, 3)).toEqual([]);
    expect(await g.ok('ps -o comm')).not.toContain('sleep');
    // and it starts again from the same private files
    await g.ok('vpsctl start 3 && vpsctl execwt 3 touch /root/kept && vpsctl stop 3 && vpsctl start 3');
    await g.ok('vpsctl execwt 3 test -e /root/kept');
  });

  it('creates, starts, stops and destroys a VPS from options', async () => {
    expect(await g.ok('vpsctl create 5 --name lab5 --ip 10.0.5.1/24 --limits procs:20:20')).toContain('VPS 5 (lab5) created');
    await g.ok('vpsctl start 5');
    expect(await g.ok('vpsctl execwt 5 hostname')).toBe('lab5\n');
    const show = JSON.parse(await g.ok('vpsctl --json show 5')) as { state: string; addresses: string[] };
    expect(show.state).toBe('running');
    expect(show.addresses).toEqual(['10.0.5.1/24']);
    await g.ok('vpsctl stop 5 && vpsctl destroy 5');
    expect((await g.sh('test -e /etc/vps/vps_5.conf || test -e /vps/priv/5')).code).not.toBe(0);
  });
});
