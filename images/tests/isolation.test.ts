// Fault isolation: VPS 3 runs a hostile workload into one of its limits; VPS 4 and the host are
// bystanders. Each test checks the effect, that /proc/vservers tells the truth about it, that the
// bystanders still work, and that VPS 3 stops cleanly.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGuest, until, type Guest } from './guest.ts';
import { background, bystandersFine, stopsCleanly, vserver, workloadResult } from './limits-helpers.ts';

describe('fault isolation (VPS 3 attacks, VPS 4 and the host stand by)', () => {
  let g: Guest;
  let vps4Init: string;

  /** Set VPS 3's limits in its config (it is stopped), then start VPS 3 and VPS 4. */
  async function startWith(limits: string): Promise<void> {
    expect(await g.ok(`vpsctl limit 3 ${limits}`)).toMatch(/saved \(VPS 3 is stopped: it applies at start\)/);
    await g.ok('vpsctl start 3 && vpsctl start 4');
    vps4Init = await g.ok('cat /run/vps/4.pid');
  }

  beforeEach(async () => {
    g = await startGuest();
  });
  afterEach(() => g.close());

  it('a fork bomb stops at the Process Limit', async () => {
    await startWith('procs:32:32');
    const out = await background(g, 3, 'vpstest forkbomb --hold', '/tmp/forkbomb.out');
    const r = await workloadResult(g, out, 'forked');
    expect(r.errno).toBe('EAGAIN');
    // every task of the VPS counts: init, the bomb and its children fill the 32 (the bomb takes
    // the slot of the shell that started it as soon as that one exits)
    await until(g, 'cat /sys/fs/cgroup/vps/3/pids.current', (o) => o === '32\n');
    expect(await g.ok('cat /sys/fs/cgroup/vps/3/pids.events')).toMatch(/^max [1-9]/);
    const v = await vserver(g, 3);
    expect(v.processLimit).toBe(32);
    expect(v.processCount).toBe(32);
    expect(v.flags).toContain('NPROC');
    // nothing more starts in VPS 3, and the refusal names the cause
    const more = await g.sh('vpsctl execwt 3 true');
    expect(more.code).toBe(1);
    expect(more.stderr).toMatch(/start a process in VPS 3: Resource temporarily unavailable/);
    await bystandersFine(g, vps4Init);
    await stopsCleanly(g);
  });

  it('a memory hog is OOM-killed inside VPS 3 only', async () => {
    await startWith('phys:16M:16M');
    const r = await g.sh('vpsctl execwt 3 vpstest memhog 64');
    expect(r.code).toBe(128 + 9); // SIGKILL from the OOM killer
    expect(r.stdout).toMatch(/allocated 1[0-6] MB\n$/);
    expect(await g.ok('cat /sys/fs/cgroup/vps/3/memory.events')).toMatch(/^oom_kill [1-9]/m);
    expect(await g.ok('cat /sys/fs/cgroup/vps/4/memory.events')).toMatch(/^oom_kill 0$/m);
    const v = await vserver(g, 3);
    expect(v.contextRssLimitKb).toBe(16384);
    expect(v.maxRssMemoryKb).toBeGreaterThan(14 * 1024); // it reached the limit...
    expect(v.maxRssMemoryKb).toBeLessThanOrEqual(16384); // ...and never passed it
    expect(v.contextRssKb).toBeLessThan(16384);
    expect(v.maxTotalMemoryKb).toBeGreaterThan(14 * 1024); // the hog's address space, gone now
    expect(v.usedMemoryKb).toBeLessThan(v.maxTotalMemoryKb!);
    expect(await g.ok('vpsctl execwt 3 echo still-here')).toBe('still-here\n');
    await bystandersFine(g, vps4Init);
    await stopsCleanly(g);
  });

  it('a disk filler gets ENOSPC at its Disk Limit, and the host filesystem is untouched', async () => {
    const hostFree = async (): Promise<number> => {
      const [free, size] = (await g.ok("stat -f -c '%f %S' /")).trim().split(' ').map(Number);
      return free! * size!;
    };
    const before = await hostFree();
    await startWith('disk:6M:8M');
    const r = await g.sh('vpsctl execwt 3 vpstest fill /root/fill');
    expect(r.stdout).toMatch(/^fill \d+ ENOSPC\n$/);
    const written = Number(/fill (\d+)/.exec(r.stdout)![1]);
    expect(written).toBeGreaterThan(7 * 1024);
    expect(written).toBeLessThanOrEqual(8 * 1024);
    const v = await vserver(g, 3);
    expect(v.diskLimitKb).toBeGreaterThan(7 * 1024); // the image, less ext2's own metadata
    expect(v.diskLimitKb).toBeLessThanOrEqual(8 * 1024);
    expect(v.usedDiskKb).toBeGreaterThanOrEqual(written);
    expect(v.usedDiskKb).toBeLessThanOrEqual(v.diskLimitKb as number);
    // the host lost at most the image's 8 MB, and writes as before
    expect(before - (await hostFree())).toBeLessThan(9 * 1024 * 1024);
    await g.ok('dd if=/dev/zero of=/tmp/host-write bs=64k count=16 2>/dev/null && rm /tmp/host-write');
    await g.ok('vpsctl execwt 4 dd if=/dev/zero of=/root/vps4-write bs=64k count=16');
    await bystandersFine(g, vps4Init);
    await stopsCleanly(g);
    // the private files survive the restart, on the same image
    await g.ok('vpsctl start 3');
    expect(Math.floor(Number(await g.ok('vpsctl execwt 3 stat -c %s /root/fill')) / 1024)).toBe(written);
  });

  it('a file opener stops at its Files limit, for the whole VPS', async () => {
    await startWith('files:48:64');
    await g.ok('dmesg -c > /dev/null');
    const out = await background(g, 3, 'vpstest openfiles --hold', '/tmp/openfiles.out');
    const r = await workloadResult(g, out, 'openfiles');
    expect(r.errno).toBe('EMFILE');
    expect(r.count).toBeGreaterThan(48);
    const v = await vserver(g, 3);
    expect(v.filesLimit).toBe(64);
    expect(v.usedFiles).toBeGreaterThan(r.count);
    expect(v.usedFiles).toBeLessThanOrEqual(64);
    // another process of VPS 3 gets (almost) nothing: the limit is the VPS's, not the process's
    const second = await g.sh('vpsctl execwt 3 vpstest openfiles');
    expect(second.stdout).toMatch(/^openfiles [0-5] EMFILE\n$/);
    expect(await g.ok('dmesg')).toMatch(/vps: context 3: files at 49, over its soft limit 48/);
    expect(await g.ok('vpsctl execwt 4 vpstest openfiles')).toMatch(/^openfiles 10[0-9][0-9] EMFILE\n$/); // its own RLIMIT_NOFILE only
    await bystandersFine(g, vps4Init);
    await stopsCleanly(g);
  });

  it('a connection flood stops at its TCP sockets limit, both ways', async () => {
    await startWith('tcpsock:6:8');
    await g.ok('vpstest listen 9000 > /tmp/listen.out 2>&1 &');
    await until(g, 'cat /tmp/listen.out', (o) => o.includes('listening'));
    const listener3 = await background(g, 3, 'vpstest listen 9001', '/tmp/listen.out');
    await until(g, `cat ${listener3}`, (o) => o.includes('listening'));
    const out = await background(g, 3, 'vpstest connflood 169.254.0.1 9000 --hold', '/tmp/connflood.out');
    expect(await workloadResult(g, out, 'connflood')).toEqual({ count: 8, errno: 'ECONNREFUSED' });
    const v = await vserver(g, 3);
    expect(v.tcpSocketsLimit).toBe(8);
    expect(v.establishedSockets).toBe(8);
    // coming in is refused too (a reset), while VPS 4 and the host connect as they like
    expect(await g.ok('vpstest connflood 10.0.3.1 9001 1')).toBe('connflood 0 ECONNREFUSED\n');
    expect(await g.ok('vpsctl execwt 4 vpstest connflood 169.254.0.1 9000 10')).toBe('connflood 10 OK\n');
    expect(await g.ok('vpstest connflood 127.0.0.1 9000 10')).toBe('connflood 10 OK\n');
    expect((await vserver(g, 4)).establishedSockets).toBe(0); // its 10 closed on exit
    await bystandersFine(g, vps4Init);
    await stopsCleanly(g);
  });

  it('a CPU hog under pctcpu:25 gets about a quarter of the CPU', async () => {
    await startWith('pctcpu:25:25');
    await g.ok('vpsctl execin 3 vpstest cpuhog 30');
    // usage_usec of the VPS's cgroup over 2 s of guest time, in percent of the one CPU
    const share = Number(/cpushare (\d+)/.exec(await g.ok('vpstest cpushare /sys/fs/cgroup/vps/3 2000'))![1]);
    expect(share).toBeGreaterThanOrEqual(15);
    expect(share).toBeLessThanOrEqual(40);
    expect(await g.ok('cat /sys/fs/cgroup/vps/3/cpu.stat')).toMatch(/^nr_throttled [1-9]/m);
    await bystandersFine(g, vps4Init);
    await stopsCleanly(g);
  });
});
