// Every LIMITS resource: applied at start by the mechanism argshow names, changed live with
// `vpsctl limit` (all or nothing), shown in /proc/vservers; bad input gets one clear line.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseVserver } from '../../src/core/vservers.ts';
import { oneLine, startGuest, type Guest } from './guest.ts';
import { vserver } from './limits-helpers.ts';

const ALL = 'procs:32:32,threads:40:48,phys:20M:24M,virt:48M:64M,pctcpu:30:50,blockio:1M:2M,disk:6M:8M,files:48:64,tcpsock:6:8,netspeed:1m:2m';


describe('limits', () => {
  let g: Guest;
  beforeEach(async () => {
    g = await startGuest();
  });
  afterEach(() => g.close());

  it('applies every resource from the config at start, each by its mechanism', async () => {
    await g.ok(`vpsctl create 5 --name lab5 --ip 10.0.5.1/24 --limits ${ALL}`);
    await g.ok('vpsctl start 5');
    const cg = '/sys/fs/cgroup/vps/5';
    expect(await g.ok(`cat ${cg}/pids.max`)).toBe('32\n');
    expect(await g.ok(`cat ${cg}/memory.high ${cg}/memory.max`)).toBe(`${20 << 20}\n${24 << 20}\n`);
    expect(await g.ok(`cat ${cg}/cpu.max ${cg}/cpu.weight`)).toBe('50000 100000\n30\n');
    const dev = (await g.ok("grep ' /vps/priv/5/disk ' /proc/self/mountinfo")).split(' ')[2]!;
    expect(dev).toMatch(/^7:\d+$/); // a loop device
    expect(await g.ok(`cat ${cg}/io.max`)).toBe(`${dev} rbps=${2 << 20} wbps=${2 << 20} riops=max wiops=max\n`);
    // each process: RLIMIT_AS soft/hard = virt, RLIMIT_NOFILE = files hard
    expect(await g.ok("vpsctl execwt 5 sh -c 'ulimit -Sv; ulimit -Hv; ulimit -Sn; ulimit -Hn'")).toBe('49152\n65536\n64\n64\n');
    // the disk: a filesystem of 8 MB; df counts the 2 MB above soft as reserved
    const df = (await g.ok('vpsctl execwt 5 df -k /')).split('\n')[1]!.trim().split(/\s+/).map(Number);
    expect(df[1]).toBeGreaterThan(7 * 1024);
    expect(df[1]).toBeLessThanOrEqual(8 * 1024);
    expect(df[1]! - df[2]! - df[3]!).toBeGreaterThanOrEqual(2040); // reserved blocks
    // the shaper on both ends: tbf at the rate of soft
    expect(await g.ok('tc qdisc show dev vps5')).toMatch(/^qdisc tbf 1: root/);
    expect(await g.ok('vpsctl execwt 5 tc qdisc show dev eth0')).toMatch(/^qdisc tbf 1: root/);
    const v = await vserver(g, 5);
    expect(v).toMatchObject({
      processLimit: 32,
      memoryLimitKb: 64 * 1024,
      contextRssLimitKb: 24 * 1024,
      filesLimit: 64,
      tcpSocketsLimit: 8,
      flags: ['LOCK', 'NPROC', 'PRIVATE'],
    });
    expect(v.diskLimitKb).toBe(df[1]);
    expect(v.interfaces).toEqual([{ vdev: 'eth0', hdev: 'vps5', speed: 1_000_000, addrs: ['10.0.5.1/24'] }]);
    // argshow names the mechanism of each
    const args = await g.ok('vpsctl argshow 5');
    for (const [res, how] of [
      ['procs', /pids\.max/],
      ['threads', /pids\.max \(hard, the tighter of procs and threads/],
      ['phys', /memory\.high .*memory\.max/],
      ['virt', /RLIMIT_AS .*vps\.ko/],
      ['pctcpu', /cpu\.weight .*cpu\.max/],
      ['blockio', new RegExp(`io\\.max rbps/wbps on ${dev}`)],
      ['disk', /image \/vps\/priv\/5\/disk\.img on a loop device/],
      ['files', /vps\.ko at alloc_fd/],
      ['tcpsock', /vps\.ko netfilter hooks/],
      ['netspeed', /tbf qdisc on eth0 and vps5/],
    ] as const) {
      expect(args).toMatch(new RegExp(`^  ${res} +soft .* ${how.source}`, 'm'));
    }
    await g.ok('vpsctl stop 5');
    expect((await g.sh('losetup -a | grep -q /vps/priv/5 || grep -q /vps/priv/5 /proc/mounts')).code).not.toBe(0);
  });

  it('says when blockio cannot be enforced (no block device under the root)', async () => {
    await g.ok('vpsctl limit 3 blockio:1M:1M');
    expect(await g.ok('vpsctl argshow 3')).toMatch(/^  blockio .*not enforced: the root of VPS 3 is not on a block device/m);
    await g.ok('vpsctl start 3');
    expect(await g.ok('vpsctl limit 3 blockio:2M:2M')).toBe(
      'VPS 3: blockio:2M:2M saved; not enforced: the root of VPS 3 is not on a block device (it has no disk limit)\n',
    );
    expect(await g.ok('cat /sys/fs/cgroup/vps/3/io.max')).toBe('');
  });

  it('changes every resource live, and the config with it', async () => {
    await g.ok('vpsctl limit 3 disk:8M:8M && vpsctl start 3');
    const out = await g.ok(
      'vpsctl limit 3 procs:10:20,phys:20M:24M,virt:32M:40M,pctcpu:20:30,blockio:1M:1M,disk:10M:12M,files:30:40,tcpsock:3:4,netspeed:5m:10m',
    );
    expect(out.trim().split('\n')).toHaveLength(9);
    expect(out).not.toMatch(/not enforced|saved/);
    const cg = '/sys/fs/cgroup/vps/3';
    expect(await g.ok(`cat ${cg}/pids.max ${cg}/memory.max ${cg}/cpu.max ${cg}/cpu.weight`)).toBe(`20\n${24 << 20}\n30000 100000\n20\n`);
    expect(await g.ok(`cat ${cg}/io.max`)).toMatch(/^7:\d+ rbps=1048576 wbps=1048576/);
    // running processes got the new rlimits (init too), and new ones get them
    expect(await g.ok('grep -E "Max (open files|address space)" /proc/$(cat /run/vps/3.pid)/limits')).toMatch(
      /Max open files +40 +40[\s\S]*Max address space +33554432 +41943040/,
    );
    const v = await vserver(g, 3);
    expect(v).toMatchObject({ processLimit: 20, memoryLimitKb: 40 * 1024, contextRssLimitKb: 24 * 1024, filesLimit: 40, tcpSocketsLimit: 4 });
    expect(v.interfaces[0]!.speed).toBe(5_000_000);
    expect(v.diskLimitKb).toBeGreaterThan(11 * 1024); // grown online from 8M
    expect(await g.ok('grep ^LIMITS /etc/vps/vps_3.conf')).toBe(
      'LIMITS = phys:20M:24M, virt:32M:40M, pctcpu:20:30, blockio:1M:1M, procs:10:20, disk:10M:12M, files:30:40, tcpsock:3:4, netspeed:5m:10m\n',
    );
    // and back to unlimited
    await g.ok('vpsctl limit 3 procs:unlimited:unlimited,files:unlimited:unlimited,netspeed:unlimited:unlimited');
    expect(await g.ok(`cat ${cg}/pids.max`)).toBe('max\n');
    expect((await vserver(g, 3)).filesLimit).toBe('unlimited');
    expect((await vserver(g, 3)).interfaces[0]!.speed).toBe(0);
  });

  it('moves the private files onto the disk image when a disk limit comes later', async () => {
    await g.ok('vpsctl start 3 && vpsctl execwt 3 sh -c "echo kept > /root/note" && vpsctl stop 3');
    await g.ok('vpsctl limit 3 disk:8M:8M && vpsctl start 3');
    expect(await g.ok('vpsctl execwt 3 cat /root/note')).toBe('kept\n');
    expect(await g.ok('ls /vps/priv/3')).toBe('disk\ndisk.img\n');
    expect((await vserver(g, 3)).diskLimitKb).toBeGreaterThan(7 * 1024);
  });

  it('applies all of a limit command or none of it', async () => {
    await g.ok('vpsctl limit 3 disk:8M:8M,procs:64:64 && vpsctl start 3');
    const conf = await g.ok('cat /etc/vps/vps_3.conf');
    const r = await g.sh('vpsctl limit 3 procs:40:40,files:10:10,disk:4M:4M');
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe('vpsctl: limit VPS 3: disk: the filesystem of VPS 3 holds 8M; it cannot shrink to 4M');
    expect(await g.ok('cat /sys/fs/cgroup/vps/3/pids.max')).toBe('64\n');
    expect((await vserver(g, 3)).filesLimit).toBe('unlimited');
    expect(await g.ok('cat /etc/vps/vps_3.conf')).toBe(conf);
  });

  it('fails start and rolls back when a limit cannot be applied', async () => {
    await g.ok('vpsctl limit 3 disk:8M:8M && vpsctl start 3 && vpsctl stop 3 && vpsctl limit 3 disk:4M:4M');
    let r = await g.sh('vpsctl start 3');
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe('vpsctl: start VPS 3: disk: the image of VPS 3 (`/vps/priv/3/disk.img`) holds 8M; it cannot shrink to 4M');
    // a disk image the config no longer limits is refused too, not silently hidden
    await g.ok("sed -i 's/disk:4M:4M/disk:unlimited:unlimited/' /etc/vps/vps_3.conf");
    r = await g.sh('vpsctl start 3');
    expect(oneLine(r.stderr)).toMatch(/^vpsctl: start VPS 3: VPS 3 has a disk image `\/vps\/priv\/3\/disk\.img` but no disk limit/);
    const left = await g.sh('test -d /sys/fs/cgroup/vps/3 || test -e /proc/vservers/3 || grep -q /vps/ /proc/mounts || losetup -a | grep -q .');
    expect(left.code).not.toBe(0);
  });

  it('rejects bad limit input with one clear line', async () => {
    const cases: [string, number, RegExp][] = [
      ['vpsctl limit', 2, /^vpsctl: limit: expects an id and at least one resource:soft:hard \(usage: vpsctl limit <id>/],
      ['vpsctl limit 3', 2, /expects an id and at least one resource:soft:hard/],
      ['vpsctl limit 2 procs:1:1', 1, /VPS id "2": must be a number from 3 to 65535/],
      ['vpsctl limit 99 procs:1:1', 1, /VPS 99 has no config/],
      ['vpsctl limit 3 bogus:1:1', 1, /^vpsctl: limit VPS 3: unknown resource "bogus"/],
      ['vpsctl limit 3 procs:2:1', 1, /^vpsctl: limit VPS 3: procs: soft limit 2 is above hard limit 1$/],
      ['vpsctl limit 3 procs:1', 1, /"procs:1" is not resource:soft:hard/],
      ['vpsctl limit 3 phys:lots:1M', 1, /phys: "lots" is not a size/],
      ['vpsctl limit 3 pctcpu:0:50', 1, /pctcpu: "0" is not a percentage/],
      ['vpsctl limit 3 procs:1:1,procs:2:2', 1, /procs is given twice/],
      ['vpsctl limit 3 netspeed:1x:1m', 1, /netspeed: "1x" is not a rate/],
    ];
    const conf = await g.ok('cat /etc/vps/vps_3.conf');
    for (const [cmd, code, want] of cases) {
      const r = await g.sh(cmd);
      expect(r.code, cmd).toBe(code);
      expect(oneLine(r.stderr), cmd).toMatch(want);
    }
    expect(await g.ok('cat /etc/vps/vps_3.conf')).toBe(conf);
  });

  it("vps.ko's limit and capdrop commands reject bad input with an errno", async () => {
    const cases: [string, RegExp][] = [
      ['limit 3 files 1 1', /No such file or directory/], // VPS 3 is not registered
      ['capdrop 3 2000', /No such file or directory/],
      ['limit 3 bogus 1 1', /Invalid argument/],
      ['limit 3 files 2 1', /Invalid argument/], // soft above hard
      ['limit 3 files 01 1', /Invalid argument/],
      ['limit 3 files -1 1', /Invalid argument/],
      ['limit 3 files 1', /Invalid argument/],
      ['limit 3 files 1 unlimitedx', /Invalid argument/],
      ['limit 3 virt 1 99999999999999999999999', /Invalid argument/],
      ['capdrop 3 0', /Invalid argument/],
      ['capdrop 3 xyz', /Invalid argument/],
      ['capdrop 3 10000000000000000', /Invalid argument/], // 17 digits
      ['capdrop 3 20000000000', /Invalid argument/], // bit 41: no such capability
    ];
    for (const [cmd, want] of cases) {
      const r = await g.sh(`echo '${cmd}' > /dev/vps`);
      expect(r.code, cmd).not.toBe(0);
      expect(r.stderr, cmd).toMatch(want);
    }
    await g.ok('vpsctl start 3');
    await g.ok("echo 'limit 3 files 5 unlimited' > /dev/vps && echo 'limit 3 tcpsock 0 0' > /dev/vps");
    expect(await vserver(g, 3)).toMatchObject({ filesLimit: 'unlimited', tcpSocketsLimit: 0 });
  });

  it('shows every FreeVPS field, context 1 as the sum of all, and the other files', async () => {
    await g.ok('vpsctl limit 3 disk:8M:8M,files:100:200 && vpsctl start 3 && vpsctl start 4');
    await g.ok('vpsctl execwt 3 dd if=/dev/zero of=/root/data bs=64k count=16');
    const [host, all, v3, v4] = [await vserver(g, 0), await vserver(g, 1), await vserver(g, 3), await vserver(g, 4)];
    for (const v of [host!, all!, v3!, v4!]) {
      for (const f of ['processLimit', 'memoryLimitKb', 'maxTotalMemoryKb', 'contextRssLimitKb', 'maxRssMemoryKb', 'diskLimitKb',
        'usedDiskKb', 'filesLimit', 'usedFiles', 'tcpSocketsLimit', 'establishedSockets'] as const) {
        expect(v[f], `${f} of ${v.id}`).toBeDefined();
      }
      expect(v.extra).toEqual({});
      expect(v.maxTotalMemoryKb!).toBeGreaterThanOrEqual(v.usedMemoryKb);
    }
    expect(v3).toMatchObject({ flags: ['LOCK', 'NPROC', 'PRIVATE'], processLimit: 64, filesLimit: 200 });
    expect(v3!.diskLimitKb).toBeGreaterThan(7 * 1024);
    expect(v4).toMatchObject({ flags: ['LOCK', 'NPROC', 'PRIVATE'], processLimit: 64, contextRssLimitKb: 48 * 1024, diskLimitKb: 'unlimited' });
    expect(host).toMatchObject({ flags: [], processLimit: 'unlimited', diskLimitKb: 'unlimited' });
    // the readers themselves come and go between the four reads
    expect(Math.abs(all!.processCount - (host!.processCount + v3!.processCount + v4!.processCount))).toBeLessThanOrEqual(6);
    expect(all!.usedDiskKb).toBe(host!.usedDiskKb! + v3!.usedDiskKb!); // VPS 4 shares the host's
    expect(v3!.usedDiskKb).toBeGreaterThanOrEqual(1024);
    expect(Math.abs(all!.usedFiles! - (host!.usedFiles! + v3!.usedFiles! + v4!.usedFiles!))).toBeLessThanOrEqual(24);
    // inside, self is VPS 3 with the same fields; setup counts what the reader sees
    const self = parseVserver(await g.ok('vpsctl execwt 3 cat /proc/vservers/self'));
    expect(self).toMatchObject({ id: 3, initPid: 1, filesLimit: 200, diskLimitKb: v3!.diskLimitKb });
    expect(await g.ok('cat /proc/vservers/setup')).toMatch(/^vps module version 0\.2\.1\nvps build 0\.2\.1-6\.1\.\d+\ntotal contexts count 5\nactive contexts count 4\n$/);
    expect(await g.ok('vpsctl execwt 3 cat /proc/vservers/setup')).toMatch(/total contexts count 4\nactive contexts count 1\n$/);
    expect(await g.ok('cat /proc/vservers/routes_ipv4')).toBe('address name context\n10.0.3.1 eth0 3\n10.0.4.1 eth0 4\n');
    // trafstat counts since the last read, by anyone
    await g.ok('cat /proc/vservers/trafstat && ping -c 2 10.0.3.1');
    const incoming = async (): Promise<number> => Number(/^3 (\d+) \d+$/m.exec(await g.ok('cat /proc/vservers/trafstat'))![1]);
    const first = await incoming();
    expect(first).toBeGreaterThanOrEqual(2 * 84); // two pings
    expect(await incoming()).toBeLessThan(first); // counted again from the last read
  });

  it('turns kernel-log tracing on and off per area', async () => {
    await g.ok('vpsctl limit 3 files:8:16 && vpsctl start 3 && dmesg -c >/dev/null');
    expect(await g.ok('cat /proc/sys/debug/vps_account_debug /sys/module/vps/parameters/debug_account')).toBe('0\n0\n');
    await g.sh('vpsctl execwt 3 vpstest openfiles');
    expect(await g.ok('dmesg')).not.toMatch(/vps: account:/);
    await g.ok('sysctl -w debug.vps_account_debug=1 && echo 1 > /sys/module/vps/parameters/debug_dev');
    expect(await g.ok('cat /sys/module/vps/parameters/debug_account /proc/sys/debug/vps_dev_debug')).toBe('1\n1\n');
    await g.sh('vpsctl execwt 3 vpstest openfiles');
    await g.ok('vpsctl limit 3 files:9:17');
    let log = await g.ok('dmesg -c');
    expect(log).toMatch(/vps: account: context 3: files refused: 17 would pass the hard limit 16/);
    expect(log).toMatch(/vps: dev: "limit 3 files 9 17" from pid \d+: 0/);
    expect(log).not.toMatch(/vps: proc:/);
    await g.ok('echo 0 > /proc/sys/debug/vps_account_debug && echo 1 > /proc/sys/debug/vps_proc_debug && cat /proc/vservers/3');
    await g.sh('vpsctl execwt 3 vpstest openfiles');
    log = await g.ok('dmesg');
    expect(log).not.toMatch(/vps: account:/);
    expect(log).toMatch(/vps: proc: context 0 reads 3/);
    expect((await g.sh('echo 2 > /proc/sys/debug/vps_core_debug')).code).not.toBe(0);
  });
});
