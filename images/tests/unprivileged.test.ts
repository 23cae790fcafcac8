// Root in a VPS is not root on the host: each VPS runs in a user namespace of its own, with its
// own range of host ids, its limits outside its cgroup namespace, the host's kernel state masked,
// and nothing it says about routing believed by the host.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGuest, until, type Guest } from './guest.ts';

/** The first host id of VPS <id>'s range: uid and gid 0 inside. */
const base = (id: number): number => id * 65536;

describe('root in a VPS is not root on the host', () => {
  let g: Guest;
  beforeEach(async () => {
    g = await startGuest();
  });
  afterEach(() => g.close());

  it('VPS root is uid 0 inside and an unprivileged host uid of its own range outside', async () => {
    await g.ok('vpsctl start 3 && vpsctl start 4');
    const init3 = (await g.ok('cat /run/vps/3.pid')).trim();
    const init4 = (await g.ok('cat /run/vps/4.pid')).trim();
    expect((await g.ok(`cat /proc/${init3}/uid_map /proc/${init3}/gid_map`)).trim().split(/\s+/)).toEqual(
      [0, base(3), 65535, 0, base(3), 65535].map(String),
    );
    expect(await g.ok(`grep ^Uid: /proc/${init3}/status`)).toBe(`Uid:\t${base(3)}\t${base(3)}\t${base(3)}\t${base(3)}\n`);
    expect(await g.ok(`grep ^Uid: /proc/${init4}/status`)).toMatch(new RegExp(`^Uid:\\t${base(4)}\\t`));
    // inside, root owns the template and its private files (the template is mapped, not copied)
    expect(await g.ok('vpsctl execwt 3 id -u')).toBe('0\n');
    expect(await g.ok('vpsctl execwt 3 stat -c %u:%g / /bin /bin/busybox /etc/passwd /dev/null')).toBe('0:0\n'.repeat(5));
    await g.ok('vpsctl execwt 3 sh -c "echo x > /root/mine && chown 1000:1000 /root/mine"');
    expect(await g.ok('stat -c %u:%g /vps/priv/3/upper/root/mine')).toBe(`${base(3) + 1000}:${base(3) + 1000}\n`);
    // what the host owns is nobody's inside, and root inside cannot change it
    expect(await g.ok('vpsctl execwt 3 stat -c %u:%g /proc/sys/kernel/ostype')).toBe('65534:65534\n');
    expect((await g.sh('vpsctl execwt 3 chmod 777 /proc/sys/kernel/ostype')).code).not.toBe(0);
  });

  it('a VPS cannot lift its own limits: no nested user namespace, and its limits lie outside its cgroup namespace', async () => {
    await g.ok('vpsctl limit 3 procs:32:32 && vpsctl start 3');
    // the attack: a user and cgroup namespace of its own, cgroup2 mounted, its own pids.max raised;
    // it stops at the first step: no user namespace inside a VPS
    expect(await g.ok('vpsctl execwt 3 vpstest cgroup-limit 10000')).toBe('cgroup-limit userns ENOSPC\n');
    expect(await g.ok('cat /sys/fs/cgroup/vps/3/pids.max')).toBe('32\n');
    expect(await g.ok('vpsctl execwt 3 vpstest userns')).toBe('userns ENOSPC\n');
    // its processes sit in a leaf below the cgroup with its limits, which is the root of its view
    const init = (await g.ok('cat /run/vps/3.pid')).trim();
    expect(await g.ok(`cat /proc/${init}/cgroup`)).toBe('0::/vps/3/leaf\n');
    expect(await g.ok('vpsctl execwt 3 cat /proc/self/cgroup')).toBe('0::/\n');
    expect(await g.ok('stat -c %u /sys/fs/cgroup/vps/3/pids.max')).toBe('0\n');
    // with nested user namespaces allowed, the attack gets further and still finds no limit to raise:
    // the root of its cgroup namespace is the leaf, which has no pids.max (and the host owns the rest)
    await g.ok("vpsctl stop 3 && sed -i '/^NESTED_USERNS/d' /etc/vps/vps_3.conf && echo 'NESTED_USERNS = yes' >> /etc/vps/vps_3.conf && vpsctl start 3");
    expect(await g.ok('vpsctl execwt 3 vpstest userns')).toBe('userns OK\n');
    expect(await g.ok('vpsctl execwt 3 vpstest cgroup-limit 10000')).toBe('cgroup-limit pids.max ENOENT\n');
    expect(await g.ok('cat /sys/fs/cgroup/vps/3/pids.max')).toBe('32\n');
    // and it still stops and starts cleanly
    await g.ok('vpsctl stop 3 && vpsctl start 3 && vpsctl stop 3');
    expect((await g.sh('test -d /sys/fs/cgroup/vps/3')).code).not.toBe(0);
  });

  it('host PCI config space, kernel timers and page flags are masked', async () => {
    await g.ok('vpsctl start 3');
    const dev = (await g.ok('ls /proc/bus/pci/00 | head -n 1')).trim();
    expect(dev).toMatch(/^[0-9a-f]{2}\.[0-7]$/);
    const before = await g.ok(`od -A n -t x1 /proc/bus/pci/00/${dev}`);
    // rewrite one byte of config space with its own value (harmless were it allowed)
    const w = await g.sh(
      `vpsctl execwt 3 sh -c 'dd if=/proc/bus/pci/00/${dev} of=/tmp/b bs=1 skip=60 count=1 && dd if=/tmp/b of=/proc/bus/pci/00/${dev} bs=1 seek=60 conv=notrunc'`,
    );
    expect(w.code).not.toBe(0);
    expect(await g.ok(`od -A n -t x1 /proc/bus/pci/00/${dev}`)).toBe(before);
    expect(await g.ok('vpsctl execwt 3 ls -A /proc/bus /proc/irq')).toMatch(/^\/proc\/bus:\n\n\/proc\/irq:\n$/);
    for (const f of ['timer_list', 'kpageflags', 'kpagecount', 'kmsg']) {
      expect(await g.ok(`vpsctl execwt 3 wc -c /proc/${f}`)).toBe(`0 /proc/${f}\n`);
      expect(Number((await g.ok(`head -c 64 /proc/${f} | wc -c`)).trim())).toBeGreaterThan(0);
    }
    // root inside cannot unmask them
    expect((await g.sh('vpsctl execwt 3 umount /proc/timer_list')).code).not.toBe(0);
  });

  it('the kernel log and BPF are closed to VPS root', async () => {
    await g.ok('vpsctl start 3');
    const d = await g.sh('vpsctl execwt 3 dmesg');
    expect(d.code).not.toBe(0);
    expect(d.stderr).toMatch(/Operation not permitted/);
    expect(d.stdout).toBe('');
    expect(await g.ok('dmesg | grep -c . ')).not.toBe('0\n'); // the host still reads it
    expect(await g.ok('vpsctl execwt 3 vpstest bpf')).toBe('bpf EPERM\n');
  });

  it('VPS root has per-user kernel counters of its own: it cannot exhaust host root\'s', async () => {
    await g.ok('vpsctl start 3');
    // inotify instances are counted per user: VPS 3 takes all it may and keeps them
    await g.ok(`vpsctl execwt 3 sh -c 'vpstest inotify 1000 --hold > /tmp/ino 2>&1 &'`);
    const held = await until(g, 'cat /vps/root/3/tmp/ino 2>/dev/null', (o) => /^inotify \d+ \S+$/m.test(o));
    expect(held).toMatch(/^inotify 128 EMFILE$/m);
    // the host's root still makes its own (it had some already: its own count is separate)
    expect(await g.ok('vpstest inotify 8')).toBe('inotify 8 OK\n');
  });

  it('the host takes no router advertisement and no redirect from a VPS', async () => {
    await g.ok('vpsctl start 3');
    // a valid RA needs a link-local source: wait until eth0 inside has finished DAD
    await until(g, 'vpsctl execwt 3 ip -6 addr show dev eth0', (o) => /inet6 fe80::/.test(o) && !/tentative/.test(o));
    expect(await g.ok('vpsctl execwt 3 vpstest ra eth0')).toBe('ra OK\n');
    await g.ok('vpsctl execwt 3 vpstest ra eth0');
    expect(await g.ok('ip -6 addr show dev vps3')).not.toMatch(/2001:db8:66/);
    expect(await g.ok('ip -6 route show')).not.toMatch(/default|2001:db8:66/);
    for (const k of ['ipv6/conf/vps3/accept_ra', 'ipv6/conf/vps3/accept_redirects', 'ipv4/conf/vps3/accept_redirects'])
      expect(await g.ok(`cat /proc/sys/net/${k}`)).toBe('0\n');
  });

  it('a snapshot keeps owners as seen inside: restored under another id they map into its range', async () => {
    await g.ok('vpsctl start 3');
    await g.ok(`vpsctl execwt 3 sh -c 'echo x > /root/f && chown 1000:100 /root/f && chmod 4750 /root/f'`);
    // (VPS 3 makes way: a restore never takes an address another VPS here has)
    await g.ok('vpsctl stop 3 && vpsctl snapshot 3 /tmp/s.vpsnap && vpsctl destroy 3 && vpsctl restore 5 /tmp/s.vpsnap');
    expect(await g.ok('stat -c %u:%g:%a /vps/priv/5/upper/root/f')).toBe(`${base(5) + 1000}:${base(5) + 100}:4750\n`);
    await g.ok('vpsctl start 5');
    expect(await g.ok('vpsctl execwt 5 stat -c %u:%g:%a /root/f /')).toBe('1000:100:4750\n0:0:755\n');
  });

  it('with many host mounts a VPS starts, and stops leaving nothing mounted', async () => {
    // more than 256 mounts and more than 8 KB of /proc/self/mounts
    await g.ok('mkdir -p /tmp/m && for i in $(seq 300); do mkdir /tmp/m/$i && mount -t tmpfs -o size=4k many /tmp/m/$i || exit 1; done', );
    await g.ok('vpsctl start 3 && vpsctl stop 3');
    expect(await g.ok('grep -c " /vps/root/3 " /proc/mounts || true')).toBe('0\n');
    await g.ok('vpsctl start 3 && vpsctl stop 3');
  }, 120_000);

  it('even with sys_admin allowed, VPS root cannot uncover what lies under its root', async () => {
    await g.ok('vpsctl priv 3 allow sys_admin && vpsctl start 3');
    const hostPid = (await g.ok('sleep 600 >/dev/null 2>&1 & echo $!')).trim();
    // the root and the host's mounts below it are locked into the VPS's mount namespace
    const r = await g.sh(`vpsctl execwt 3 sh -c 'umount -l / || umount -l /; ls /sbin/vpsctl /proc/${hostPid} 2>&1; cat /proc/1/environ | tr "\\0" "\\n" | grep -c ^container='`);
    expect(r.stdout).toMatch(/No such file or directory[\s\S]*No such file or directory/);
    expect(r.stdout).toMatch(/^1$/m);
  });
});
