// The limits vps.ko keeps where Linux copies instead of creating: descriptors copied by dup2 and
// fork count against files, the address space fork copies counts against virt, and a capability
// drop reaches every task of the VPS, also the ones created while it runs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGuest, until, type Guest } from './guest.ts';
import { background, bystandersFine, stopsCleanly, vserver } from './limits-helpers.ts';

describe('limits that copies cannot pass', () => {
  let g: Guest;
  beforeEach(async () => {
    g = await startGuest();
    await g.ok('dmesg -c > /dev/null');
  });
  afterEach(() => g.close());

  /** The kernel log has no BUG, WARNING or Oops. */
  async function kernelClean(): Promise<void> {
    expect(await g.ok('dmesg')).not.toMatch(/BUG|WARNING|Oops|general protection/);
  }

  /** Kills the processes of VPS 3 that run `vpstest <name>` (their children die with them). */
  async function killWorkload(name: string): Promise<void> {
    await g.ok(
      `for p in $(cat /sys/fs/cgroup/vps/3/leaf/cgroup.procs); do grep -q "${name}" /proc/$p/cmdline 2>/dev/null && kill -9 $p; done; true`,
    );
  }

  /** Every line "<what> <n> <ERRNO>" a workload has printed so far, once it printed `last`. */
  async function results(file: string, last: string): Promise<Record<string, { count: number; errno: string }>> {
    const out = await until(g, `cat ${file} 2>/dev/null`, (o) => new RegExp(`^${last} \\d+ \\S+$`, 'm').test(o));
    const got: Record<string, { count: number; errno: string }> = {};
    for (const m of out.matchAll(/^(\w+) (\d+) (\S+)$/gm)) got[m[1]!] = { count: Number(m[2]), errno: m[3]! };
    return got;
  }

  it('files: descriptors copied by dup2 and fork count, and a copy past hard is refused with EMFILE', async () => {
    await g.ok('vpsctl limit 3 files:16:16 && vpsctl start 3 && vpsctl start 4');
    const vps4Init = await g.ok('cat /run/vps/4.pid');
    // a child fills VPS 3 with open(); then its parent, with free slots below RLIMIT_NOFILE (16),
    // dup2()s onto them and forks 8 children that would each keep a copy of its table
    const out = await background(g, 3, 'vpstest fdhold 8', '/tmp/fdhold.out');
    const r = await results(out, 'fork');
    expect(r.open?.errno).toBe('EMFILE');
    expect(r.dup2).toEqual({ count: 0, errno: 'EMFILE' });
    expect(r.fork).toEqual({ count: 0, errno: 'EMFILE' });
    expect((await vserver(g, 3)).usedFiles).toBeLessThanOrEqual(16);
    // closing gives them back: once the workload is gone, a new opener gets descriptors again
    await killWorkload('fdhold');
    await until(g, 'cat /proc/vservers/3', (o) => Number(/^Used files: *(\d+)/m.exec(o)?.[1] ?? 99) < 10);
    expect(await g.ok('vpsctl execwt 3 vpstest openfiles')).toMatch(/^openfiles ([4-9]|1[0-6]) EMFILE\n$/);
    // and a fork under the limit still works
    expect(await g.ok('vpsctl execwt 3 sh -c "true & wait; echo forked"')).toBe('forked\n');
    await kernelClean();
    await bystandersFine(g, vps4Init);
    await stopsCleanly(g);
    await kernelClean();
  });

  it('files: a thread with a table of its own counts, and so does its copy', async () => {
    await g.ok('vpsctl limit 3 files:16:16 && vpsctl start 3');
    // the thread copies the process's table (stdin, stdout, stderr) with unshare(CLONE_FILES)
    // and opens until refused
    const out = await background(g, 3, 'vpstest fdunshare', '/tmp/fdunshare.out');
    const r = await results(out, 'open');
    expect(r.unshare).toEqual({ count: 1, errno: 'OK' });
    expect(r.open?.errno).toBe('EMFILE');
    const v = await vserver(g, 3);
    expect(v.usedFiles).toBeGreaterThanOrEqual(r.open!.count + 3); // the thread's table is in it
    expect(v.usedFiles).toBeLessThanOrEqual(16);
    // with VPS 3 full, another thread's copy is refused
    const again = await g.sh('vpsctl execwt 3 vpstest fdunshare');
    expect(again.stdout).toMatch(/^unshare 0 EMFILE\n$/);
    await killWorkload('fdunshare');
    await kernelClean();
    await stopsCleanly(g);
  });

  it('virt: the address space fork copies counts, and a copy past hard fails with ENOMEM', async () => {
    await g.ok('vpsctl limit 3 virt:64M:64M && vpsctl start 3');
    // 24 MB mapped (RLIMIT_AS lets each process have 64 MB), then 6 children that copy it
    const out = await background(g, 3, 'vpstest vmfork 24 6', '/tmp/vmfork.out');
    const r = await results(out, 'fork');
    expect(r.map).toEqual({ count: 24, errno: 'OK' });
    expect(r.fork?.errno).toBe('ENOMEM');
    expect(r.fork?.count).toBeGreaterThanOrEqual(1); // a copy that fits is allowed
    expect(r.fork?.count).toBeLessThan(6);
    expect((await vserver(g, 3)).usedMemoryKb).toBeLessThanOrEqual(64 * 1024);
    await kernelClean();
    await stopsCleanly(g);
    await kernelClean();
  });

  it('priv deny takes the capabilities from every thread, also from tasks forked while it runs', async () => {
    const NET_RAW = 1n << 13n;
    await g.ok('vpsctl limit 3 procs:200:200 && vpsctl start 3');
    // 3 processes fork 20 children each as fast as they can, each child with a second thread;
    // the drop comes while they fork
    const out = await background(g, 3, 'vpstest capfork 3 20', '/tmp/capfork.out');
    await until(g, `cat ${out}`, (o) => o.includes('capfork 3'));
    await until(g, 'wc -l < /sys/fs/cgroup/vps/3/leaf/cgroup.threads', (o) => Number(o) > 8);
    const deny = await g.sh('vpsctl priv 3 deny net_raw');
    expect(deny.stderr).toBe('');
    expect(deny.stdout).toBe('VPS 3: deny net_raw: dropped from every running process and saved\n');
    const done = await until(g, `cat ${out}`, (o) => /^capfork done \d+$/m.test(o));
    const tasks = Number(/^capfork done (\d+)$/m.exec(done)![1]);
    expect(tasks).toBe(3 + 3 * 20 * 2);
    // every thread of every process of VPS 3
    const status = await g.ok(
      'for t in $(cat /sys/fs/cgroup/vps/3/leaf/cgroup.threads); do grep -H -E "^Cap(Bnd|Eff)" /proc/$t/status 2>/dev/null; done; true',
    );
    const lines = status.split('\n').filter((l) => /Cap(Bnd|Eff):\s+[0-9a-f]+$/.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(2 * tasks);
    const holding = lines.filter((l) => BigInt(`0x${/([0-9a-f]+)$/.exec(l)![1]}`) & NET_RAW);
    expect(holding).toEqual([]);
    // a stop while its tasks fork, then the module unloads (no drop is left pending) and loads
    await killWorkload('capfork');
    await background(g, 3, 'vpstest capfork 3 20', '/tmp/capfork2.out');
    await until(g, 'wc -l < /sys/fs/cgroup/vps/3/leaf/cgroup.threads', (o) => Number(o) > 8);
    await stopsCleanly(g);
    await g.ok('rmmod vps && insmod /lib/modules/vps.ko && cat /proc/vservers/setup');
    await kernelClean();
  });
});
