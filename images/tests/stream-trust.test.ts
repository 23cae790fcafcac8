// Snapshot and migration streams are untrusted input, and migration peers prove they hold the lab
// key (issue 11): a stream never sets host commands, host paths, extra capabilities, another VPS's
// or a lab host's address, or overlayfs's trusted xattrs; a peer without the key, with another key,
// or that trickles bytes or sends too much gets one ERR line and leaves nothing behind.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GuestMachine } from '../../src/core/machine/guest-machine.ts';
import type { NodeLab } from '../../src/node/node-lab.ts';
import { type Guest, machineOk as ok, oneLine, startGuest, startLab } from './guest.ts';

/** What a restore of VPS <id> could have left: all must be empty. */
async function leftovers(g: Guest, id: number): Promise<string> {
  return g.ok(`ls -d /etc/vps/vps_${id}.conf /vps/priv/${id} /vps/priv/.${id}.restore.* /sys/fs/cgroup/vps/${id} 2>/dev/null; true`);
}

/** A snapshot /tmp/s<id> of a stopped VPS <id> whose config file holds `conf`; the VPS is destroyed after. */
async function craft(g: Guest, id: number, conf: string): Promise<string> {
  await g.ok(`printf '%s\\n' '${conf.replaceAll("'", "'\\''")}' > /etc/vps/vps_${id}.conf`);
  await g.ok(`vpsctl snapshot ${id} /tmp/s${id} && vpsctl destroy ${id}`);
  return `/tmp/s${id}`;
}

describe('restore: what a stream may set', () => {
  let g: Guest;
  beforeEach(async () => {
    g = await startGuest();
  });
  afterEach(() => g.close());

  it('refuses host commands, extra capabilities and taken addresses with one line, leaving nothing', async () => {
    const hostile: [string, RegExp][] = [
      ["NETWORK_ANNOUNCE = 'touch /tmp/pwned'", /sets NETWORK_ANNOUNCE: host commands are never taken from a snapshot/],
      ["NETWORK_REVOKE = 'touch /tmp/pwned'", /sets NETWORK_REVOKE: host commands/],
      ["ROOT_UNMOUNT = 'touch /tmp/pwned'", /sets ROOT_UNMOUNT: host commands/],
      ['PRIV_ALLOW = sys_admin, sys_module', /sets PRIV_ALLOW = sys_module,sys_admin: capabilities beyond the default set are never taken/],
      ['IP_NETWORKS = 10.0.4.1/24', /sets IP_NETWORKS = 10\.0\.4\.1: VPS 4 on this host has that address/],
      ['IP_NETWORKS = 192.168.100.2/24', /sets IP_NETWORKS = 192\.168\.100\.2: on the lab network/],
    ];
    for (const [line, msg] of hostile) {
      const file = await craft(g, 10, `NAME = evil\n${line.replaceAll("'", '"')}`);
      const r = await g.sh(`vpsctl restore 11 ${file}; rc=$?; vpsctl start 11 >/dev/null 2>&1; vpsctl stop 11 >/dev/null 2>&1; exit $rc`);
      expect(r.code, line).toBe(1);
      expect(oneLine(r.stderr), line).toMatch(new RegExp(`^vpsctl: restore VPS 11 from \`${file}\`: .*${msg.source}`));
      expect(await leftovers(g, 11), line).toBe('');
      expect((await g.sh('test -e /tmp/pwned')).code, `${line}: the host ran the stream's command`).not.toBe(0);
    }
  });

  it("puts a stream's files under this host's paths, whatever FSROOT and FSROOT_PRIV it names", async () => {
    // FSROOT two levels deep, as `destroy` wants it: before, destroying the restored VPS removed /etc/vps
    await g.ok('mkdir -p /tmp/evilpriv/upper/root && echo mine > /tmp/evilpriv/upper/root/f');
    await g.ok(`printf 'NAME = evil\\nIP_NETWORKS = 10.0.10.1/24\\nFSROOT = /etc/vps\\nFSROOT_PRIV = /tmp/evilpriv\\n' > /etc/vps/vps_10.conf`);
    await g.ok('vpsctl snapshot 10 /tmp/s10 && rm -r /etc/vps/vps_10.conf /tmp/evilpriv');
    await g.ok('vpsctl restore 11 /tmp/s10');
    const conf = await g.ok('grep -v "^#" /etc/vps/vps_11.conf | grep .');
    expect(conf).toContain('FSROOT = /vps/root/11\nFSROOT_PRIV = /vps/priv/11\n');
    expect(await g.ok('cat /vps/priv/11/upper/root/f')).toBe('mine\n');
    await g.ok('mkdir -p /tmp/evilpriv && echo host > /tmp/evilpriv/keep');
    await g.ok('vpsctl start 11');
    expect(await g.ok('grep " /etc/vps " /proc/mounts; true')).toBe('');
    await g.ok('vpsctl stop 11 && vpsctl destroy 11');
    expect(await g.ok('cat /tmp/evilpriv/keep && ls /etc/vps/vps_3.conf')).toBe('host\n/etc/vps/vps_3.conf\n');
  });

  it('never restores overlay xattrs but an opaque directory marker', async () => {
    await g.ok('printf "NAME = x\\nIP_NETWORKS = 10.0.10.1/24\\n" > /etc/vps/vps_10.conf');
    await g.ok('mkdir -p /vps/priv/10/upper/etc/init.d /vps/priv/10/upper/redir && echo x > /vps/priv/10/upper/meta');
    await g.ok('echo new > /vps/priv/10/upper/etc/init.d/only');
    await g.ok('vpstest xattr set /vps/priv/10/upper/etc/init.d trusted.overlay.opaque y');
    await g.ok('vpstest xattr set /vps/priv/10/upper/redir trusted.overlay.redirect /etc');
    await g.ok('vpstest xattr set /vps/priv/10/upper/meta trusted.overlay.metacopy ""');
    await g.ok('vpstest xattr set /vps/priv/10/upper/meta trusted.overlay.origin abc');
    await g.ok('vpsctl snapshot 10 /tmp/s10 && vpsctl destroy 10 && vpsctl restore 11 /tmp/s10');
    const get = (path: string, name: string) => g.sh(`vpstest xattr get /vps/priv/11/upper/${path} ${name}`).then((r) => r.stdout);
    expect(await get('etc/init.d', 'trusted.overlay.opaque')).toBe('y\n');
    expect(await get('redir', 'trusted.overlay.redirect')).toBe('ENODATA\n');
    expect(await get('meta', 'trusted.overlay.metacopy')).toBe('ENODATA\n');
    expect(await get('meta', 'trusted.overlay.origin')).toBe('ENODATA\n');
    await g.ok('vpsctl start 11');
    expect(await g.ok('vpsctl execwt 11 ls /etc/init.d')).toBe('only\n'); // still opaque: the template's rcS hidden
  });
});

interface VpsRow {
  id: number;
  state: string;
}

async function has(m: GuestMachine, id: number): Promise<boolean> {
  return (JSON.parse(await ok(m, 'vpsctl --json list')) as VpsRow[]).some((r) => r.id === id);
}

async function traces(m: GuestMachine, id: number): Promise<string> {
  return ok(m, `ls -d /etc/vps/vps_${id}.conf* /vps/priv/${id} /vps/priv/.${id}.* /sys/fs/cgroup/vps/${id} 2>/dev/null; true`);
}

describe('receive: peers prove the lab key; limits', () => {
  let lab: NodeLab;
  let h1: GuestMachine;
  let h2: GuestMachine;
  beforeEach(async () => {
    ({ lab, hosts: [h1, h2] } = await startLab(2));
  });
  afterEach(() => lab.destroy());

  it('provisions the key root-only; refuses a peer without it or with another one, and any stream it sends', async () => {
    expect(await ok(h1, `stat -c '%a %u' /etc/vps/lab.key; wc -c < /etc/vps/lab.key`)).toBe('600 0\n65\n');
    // VPS 4 (db) from host2, sent to host1 as VPS 5 (host1's own VPS 4 goes, so its address is free)
    await ok(h2, 'vpsctl snapshot 4 /tmp/s4 && vpsctl destroy 4');
    await ok(h1, 'vpsctl destroy 4');
    // an old-protocol peer that knows nothing of the key: the stream is not taken
    const plain = await ok(h2, "{ echo 'VPSMIGRATE 1 5 running'; cat /tmp/s4; sleep 2; } | nc 192.168.100.1 7070; true");
    expect(plain).not.toMatch(/^OK/m);
    expect(plain).toMatch(/^ERR /m);
    // a peer with another key
    await ok(h2, "(umask 077; printf '%064d\\n' 7 > /tmp/other.key)");
    let r = await h2.agent.execShell('vpstest migsend 192.168.100.1 7070 5 running /tmp/s4 --key /tmp/other.key');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ERR the peer's header is not signed with this lab's key \(authentication failed\)\n$/);
    expect(await traces(h1, 5)).toBe('');
    expect(await has(h1, 5)).toBe(false);
    // the right key gets through
    r = await h2.agent.execShell('vpstest migsend 192.168.100.1 7070 5 stopped /tmp/s4');
    expect(r.stdout).toMatch(/^OK \d+\n$/);
    expect(await has(h1, 5)).toBe(true);
    // ... but not a hostile config, even with the key
    await ok(h2, `printf 'NAME = evil\\nNETWORK_ANNOUNCE = "touch /tmp/pwned"\\nIP_NETWORKS = 10.0.6.1\\n' > /etc/vps/vps_6.conf`);
    await ok(h2, 'vpsctl snapshot 6 /tmp/s6');
    r = await h2.agent.execShell('vpstest migsend 192.168.100.1 7070 6 running /tmp/s6');
    expect(r.stdout).toMatch(/^ERR restore VPS 6: the snapshot's config sets NETWORK_ANNOUNCE: host commands are never taken/);
    expect(await traces(h1, 6)).toBe('');
    expect((await h1.agent.execShell('test -e /tmp/pwned')).code).not.toBe(0);
  });

  it('without a key, migrate and receive refuse with one line and nothing changes', async () => {
    await ok(h1, 'vpsctl start 3');
    await ok(h2, 'rm /etc/vps/lab.key');
    let r = await h1.agent.execShell('vpsctl migrate 3 host2');
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(
      'vpsctl: migrate VPS 3: nothing changed: the target refused: this host has no lab key `/etc/vps/lab.key` ' +
        '(the lab page or runner writes it when the host joins the lab)',
    );
    await ok(h1, 'rm /etc/vps/lab.key');
    r = await h1.agent.execShell('vpsctl migrate 3 host2');
    expect(oneLine(r.stderr)).toMatch(/^vpsctl: migrate VPS 3: nothing changed: this host has no lab key `\/etc\/vps\/lab\.key`/);
    expect((JSON.parse(await ok(h1, 'vpsctl --json show 3')) as VpsRow).state).toBe('running');
    expect(await traces(h2, 3)).toBe('/etc/vps/vps_3.conf\n');
  });

  it('a peer that trickles bytes holds the receiver for at most its deadline', async () => {
    // one byte every 3 s for a minute: each read is quick, the whole never ends
    await ok(h2, "((for i in $(seq 20); do printf V; sleep 3; done) | nc 192.168.100.1 7070 > /tmp/trickle.out 2>&1 &)");
    await ok(h2, 'sleep 1');
    const t0 = Date.now();
    const probe = await ok(h2, 'echo | timeout 25 nc 192.168.100.1 7070; true');
    const waited = Date.now() - t0;
    expect(probe).toMatch(/^(VPSRECEIVE 2 [0-9a-f]{64}\n)?ERR /);
    expect(waited).toBeLessThan(20_000); // the 10 s deadline, and a slow emulator
    expect(await ok(h1, 'cat /var/log/vps-receive.log')).toMatch(/192\.168\.100\.2: refused: no authenticated migration header within 10 s/);
  });

  it('a stream over the limit is refused and leaves nothing', async () => {
    await ok(h1, '(vpsctl receive --port 7071 --max-stream 64K > /tmp/r7071.log 2>&1 &)');
    await ok(h2, 'mkdir -p /vps/priv/7/upper/root && dd if=/dev/urandom of=/vps/priv/7/upper/root/big bs=1k count=200 2>/dev/null');
    await ok(h2, 'printf "IP_NETWORKS = 10.0.7.1\\n" > /etc/vps/vps_7.conf && vpsctl snapshot 7 /tmp/s7');
    const r = await h2.agent.execShell('vpstest migsend 192.168.100.1 7071 7 stopped /tmp/s7');
    expect(r.stdout).toMatch(/^ERR restore VPS 7: receive the snapshot: the stream exceeds this receiver's limit of 65536 bytes\n$/);
    expect(await traces(h1, 7)).toBe('');
    // the default limit is said where the receiver starts
    expect(await ok(h1, 'head -n 1 /var/log/vps-receive.log')).toMatch(/streams up to 33554432 bytes/);
  });
});
