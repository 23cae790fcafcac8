// Escape probes from inside VPS 3: each must fail with an error and change nothing outside.
// Also `vpsctl priv`: capabilities leave running processes; they cannot come back until a restart.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGuest, until, type Guest } from './guest.ts';

describe('escape probes from VPS 3', () => {
  let g: Guest;
  beforeEach(async () => {
    g = await startGuest();
    await g.ok('vpsctl limit 3 virt:64M:64M,files:100:100 && vpsctl start 3 && vpsctl start 4');
  });
  afterEach(() => g.close());

  it('every system call that would reach out fails with an error', async () => {
    const hostPid = (await g.ok('sleep 600 >/dev/null 2>&1 & echo $!')).trim();
    const r = await g.sh(`vpsctl execwt 3 vpstest escape ${hostPid}`);
    const got = Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split(' ') as [string, string]));
    expect(got).toEqual({
      'kill-host-process': 'ESRCH', // host processes have no pid in its namespace
      mount: 'EPERM',
      umount: 'EPERM',
      'mount-cgroup': 'EPERM',
      init_module: 'EPERM',
      finit_module: 'EPERM',
      sethostname: 'EPERM',
      setdomainname: 'EPERM',
      clock_settime: 'EPERM',
      reboot: 'EPERM',
      poweroff: 'EPERM',
      'read-/proc/vservers/0': 'ENOENT',
      'read-/proc/vservers/4': 'ENOENT',
      'open-/dev/vps': 'ENOENT',
      'write-sysctl': 'EACCES', // the host owns it: nobody's inside (and /proc/sys is read-only too)
      'write-cgroup': 'ENOENT',
      'raise-RLIMIT_NOFILE': 'EPERM',
      'raise-RLIMIT_AS': 'EPERM',
      'open-loop-device': 'EPERM', // the device filter: no node for a disk...
      'open-host-console': 'EPERM', // ...or the host's console
    });
    expect(r.code).toBe(0);
    // and nothing changed outside
    await g.ok(`kill -0 ${hostPid}`);
    expect(await g.ok('hostname')).toBe('vpslab\n');
    expect(await g.ok('vpsctl execwt 3 hostname')).toBe('web\n');
  });

  it('the shell tools fail the same way and the host keeps running', async () => {
    const probes: [string, RegExp][] = [
      ['kill -9 $(pidof vpsd)', /./], // the host's agent has no pid here
      ['hostname evil', /Operation not permitted/],
      ['date -s 2001-01-01', /can't set date: Operation not permitted/], // (busybox then exits 0)
      ['mount -t tmpfs none /tmp', /permission denied/],
      ['umount /proc', /Operation not permitted/],
      ['reboot -f', /Operation not permitted/],
      ['poweroff -f', /Operation not permitted/],
      ['cat /proc/vservers/4', /No such file or directory/],
      ['ulimit -Hn 100000', /./],
      ['echo 0 > /proc/sys/net/ipv4/conf/all/rp_filter', /Read-only file system/],
      ['ln -sf /usr/bin/vpstest /tmp/vpsctl && /tmp/vpsctl limit 3 procs:1000:1000', /no config/],
    ];
    const year = await g.ok('date +%Y');
    for (const [cmd, want] of probes) {
      const r = await g.sh(`vpsctl execwt 3 sh -c '${cmd.replace(/'/g, "'\\''")}'`);
      if (!cmd.startsWith('date')) expect(r.code, cmd).not.toBe(0);
      expect(r.stderr, cmd).toMatch(want);
    }
    expect(await g.ok('vpsctl execwt 3 ps -o comm')).toBe('COMMAND\ninit\nps\n'); // only its own
    expect(await g.ok('hostname')).toBe('vpslab\n');
    expect(await g.ok('date +%Y')).toBe(year);
    expect(await g.ok('cat /proc/sys/net/ipv4/conf/all/rp_filter')).toBe('1\n');
    expect(await g.ok('cat /sys/fs/cgroup/vps/3/pids.max')).toBe('64\n');
    await g.ok('vpsctl execwt 4 true && pidof vpsd');
  });

  it('a packet with a source outside its IP_NETWORKS fails to send or reaches nobody', async () => {
    await g.ok('vpstest udprecv 7000 30000 > /tmp/udp.out 2>&1 &');
    await g.ok("vpsctl execwt 4 sh -c 'vpstest udprecv 7000 30000 > /tmp/udp.out 2>&1 &'");
    await until(g, 'cat /tmp/udp.out /vps/root/4/tmp/udp.out', (o) => o === 'ready\nready\n');
    await g.ok('vpsctl execwt 3 ping -c 1 -W 2 169.254.0.1'); // the gateway's MAC in its ARP table
    for (const [src, dst] of [
      ['10.0.99.9', '169.254.0.1'], // an address nobody has, to the host
      ['10.0.4.1', '10.0.4.1'], // VPS 4's own address, to VPS 4
    ]) {
      const r = await g.ok(`vpsctl execwt 3 vpstest spoof ${src} ${dst} 7000`);
      const got = Object.fromEntries(r.trim().split('\n').map((l) => l.split(' ') as [string, string]));
      expect(got.rawip, src).toBe('EPERM'); // vps.ko at the VPS's own output
      expect(got.freebind, src).toMatch(/^E/); // refused by routing or by vps.ko
      expect(got.packet, src).toBe('OK'); // below IP nothing stops the send...
      expect(got.control, src).toBe('OK');
    }
    // ...but only the control datagrams (real source) arrive: the host drops the rest (rp_filter)
    await until(g, 'cat /tmp/udp.out /vps/root/4/tmp/udp.out', (o) => o.split('control').length === 3);
    expect(await g.ok('cat /tmp/udp.out')).toBe('ready\ncontrol\n');
    expect(await g.ok('cat /vps/root/4/tmp/udp.out')).toBe('ready\ncontrol\n');
  });
});

describe('vpsctl priv', () => {
  let g: Guest;
  beforeEach(async () => {
    g = await startGuest();
  });
  afterEach(() => g.close());

  const capbnd = async (pid: string): Promise<bigint> =>
    BigInt(`0x${/CapBnd:\s+([0-9a-f]+)/.exec(await g.ok(`cat /proc/${pid}/status`))![1]}`);
  const NET_RAW = 1n << 13n;
  const SYS_CHROOT = 1n << 18n;
  const SYS_TIME = 1n << 25n;

  it('deny takes capabilities from every running process of the VPS, and from new ones', async () => {
    await g.ok('vpsctl start 3 && vpsctl execin 3 sleep 600');
    const pids = (await g.ok('cat /sys/fs/cgroup/vps/3/leaf/cgroup.procs')).trim().split('\n');
    expect(await g.ok('vpsctl priv 3 deny net_raw,CAP_SYS_CHROOT')).toBe(
      'VPS 3: deny net_raw,sys_chroot: dropped from every running process and saved\n',
    );
    for (const pid of pids) expect((await capbnd(pid)) & (NET_RAW | SYS_CHROOT)).toBe(0n);
    expect(await g.ok('grep ^PRIV_NOSYS /etc/vps/vps_3.conf')).toBe('PRIV_NOSYS = net_raw, sys_chroot\n');
    expect((await g.sh('vpsctl execwt 3 ping -c 1 -W 1 169.254.0.1')).code).not.toBe(0); // no raw socket now
    expect((await g.sh('vpsctl execwt 3 chroot / true')).stderr).toMatch(/Operation not permitted/);
    expect(await g.ok('grep CapBset /proc/vservers/3')).toMatch(/^CapBset: 00000000a80005fb$/m);
  });

  it('allow cannot reach running processes, and says so; the next start has it', async () => {
    await g.ok('vpsctl start 3');
    const r = await g.sh('vpsctl priv 3 allow sys_time');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('VPS 3: allow sys_time: saved for the next start\n');
    expect(r.stderr).toBe(
      'vpsctl: priv: VPS 3 keeps running without sys_time: Linux cannot add capabilities to the bounding set of running processes (restart VPS 3 to apply)\n',
    );
    expect((await capbnd((await g.ok('cat /run/vps/3.pid')).trim())) & SYS_TIME).toBe(0n);
    // a process put into the running VPS gets no more than its init has
    expect(await g.ok('vpsctl execwt 3 grep CapBnd /proc/self/status')).toMatch(/00000000a80425fb/);
    await g.ok('vpsctl stop 3 && vpsctl start 3');
    expect((await capbnd((await g.ok('cat /run/vps/3.pid')).trim())) & SYS_TIME).toBe(SYS_TIME);
  });

  it('rejects bad input with one clear line and changes nothing', async () => {
    const conf = await g.ok('cat /etc/vps/vps_3.conf');
    const cases: [string, number, RegExp][] = [
      ['vpsctl priv 3', 2, /^vpsctl: priv: expects an id, allow or deny, and capabilities \(usage: vpsctl priv <id> allow\|deny/],
      ['vpsctl priv 3 grant net_raw', 2, /`grant` is neither allow nor deny/],
      ['vpsctl priv 3 deny net_rawr', 1, /^vpsctl: priv VPS 3: unknown capability "net_rawr"$/],
      ['vpsctl priv 3 deny ""', 1, /^vpsctl: priv VPS 3: no capability given$/],
      ['vpsctl priv 3 deny net_raw,,kill', 1, /empty entry in capability list/],
      ['vpsctl priv 77 deny net_raw', 1, /VPS 77 has no config/],
    ];
    for (const [cmd, code, want] of cases) {
      const r = await g.sh(cmd);
      expect(r.code, cmd).toBe(code);
      expect(r.stderr.trim().split('\n'), cmd).toHaveLength(1);
      expect(r.stderr.trim(), cmd).toMatch(want);
    }
    expect(await g.ok('cat /etc/vps/vps_3.conf')).toBe(conf);
    expect(await g.ok('vpsctl priv 3 deny kill')).toBe('VPS 3: deny kill: saved (VPS 3 is stopped: it applies at start)\n');
  });
});
