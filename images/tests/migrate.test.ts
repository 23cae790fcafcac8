// `vpsctl migrate` between lab hosts: a running VPS moves from host1 to host2 while host3 pings
// it, keeps its address and files, and runs on exactly one host whatever fails.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GuestMachine } from '../../src/core/machine/guest-machine.ts';
import { parseVpsList } from '../../src/core/vps-status.ts';
import type { NodeLab } from '../../src/node/node-lab.ts';
import { machineOk as ok, oneLine, startLab, until } from './guest.ts';

const PING_INTERVAL_MS = 100;

/** Each VPS's state by id, through the page's parser of `vpsctl --json list`. */
async function states(m: GuestMachine): Promise<Map<number, string>> {
  return new Map(parseVpsList(await ok(m, 'vpsctl --json list')).map((r) => [r.id, r.state]));
}

/** The seq numbers busybox ping got replies for ("64 bytes from 10.0.3.1: seq=12 ttl=63 ..."). */
function repliedSeqs(log: string): number[] {
  return [...log.matchAll(/bytes from [0-9.]+: seq=(\d+)/g)].map((m) => Number(m[1]));
}

/** What a VPS id leaves on a host: config, private files, temporary restore directories. */
async function traces(m: GuestMachine, id: number): Promise<string> {
  return ok(m, `ls -d /etc/vps/vps_${id}.conf* /vps/priv/${id} /vps/priv/.${id}.* /sys/fs/cgroup/vps/${id} 2>/dev/null; true`);
}

describe('vpsctl migrate', () => {
  let lab: NodeLab;
  let h1: GuestMachine;
  let h2: GuestMachine;
  let h3: GuestMachine;
  beforeEach(async () => {
    ({ lab, hosts: [h1, h2, h3] } = await startLab(3));
    await ok(h1, 'vpsctl start 3');
  });
  afterEach(() => lab.destroy());

  it('moves a running VPS to host2 under a ping from host3, which reaches it again without reconfiguration', async () => {
    // VPS 3's own /etc/inittab runs a web server, so it comes back on host2 from INIT.
    await ok(h1, "vpsctl execwt 3 sh -c 'echo kept > /root/marker && ln -s marker /root/link && chmod 640 /root/marker'");
    await ok(h1, `vpsctl execwt 3 sh -c "echo '::respawn:/usr/sbin/httpd -f -p 8080 -h /root' > /etc/inittab"`);
    await ok(h1, 'vpsctl stop 3 && vpsctl start 3');
    await ok(h3, 'ping -c 1 -W 3 10.0.3.1');
    await ok(h3, `(ping -i ${PING_INTERVAL_MS / 1000} 10.0.3.1 > /tmp/ping.log 2>&1 &)`);
    // one line per HTTP attempt: "ok|fail <uptime in s>"
    // (busybox's static wget crashes in this image, so the client is nc)
    await ok(h3, "(while :; do if printf 'GET /marker HTTP/1.0\\r\\n\\r\\n' | nc -w 1 10.0.3.1 8080 2>/dev/null | grep -q '^kept'; then r=ok; else r=fail; fi; echo \"$r $(cut -d' ' -f1 /proc/uptime)\"; sleep 0.05; done > /tmp/http.log 2>&1 &)");
    await until(h3, 'cat /tmp/ping.log /tmp/http.log', (o) => repliedSeqs(o).length >= 5 && o.includes('ok '));

    const out = await ok(h1, 'vpsctl migrate 3 host2');
    expect(out).toMatch(/^VPS 3 migrated to 192\.168\.100\.2 in \d+ ms: \d+ objects, \d+ bytes; running there after \d+ ms\n$/);
    const lastBefore = Math.max(...repliedSeqs(await ok(h3, 'cat /tmp/ping.log')));
    const httpMark = (await ok(h3, 'wc -l < /tmp/http.log')).trim();

    expect((await states(h2)).get(3)).toBe('running');
    expect((await states(h1)).has(3)).toBe(false);
    expect(await traces(h1, 3)).toBe('');
    expect(await ok(h2, 'vpsctl execwt 3 sh -c "cat /root/marker; readlink /root/link; stat -c %a /root/marker; hostname"'))
      .toBe('kept\nmarker\n640\nweb\n');

    // host3 still has host1's MAC for 10.0.3.1 in its ARP cache; host2's gratuitous ARP fixes that.
    const log = await until(h3, 'cat /tmp/ping.log', (o) => repliedSeqs(o).filter((s) => s > lastBefore).length >= 10, 20_000);
    const http = await until(h3, `tail -n +${httpMark} /tmp/http.log`, (o) => /^ok /m.test(o), 20_000);
    await ok(h3, 'killall ping; kill $(pidof sh | tr " " "\\n" | grep -v $$) 2>/dev/null; true');
    const seqs = repliedSeqs(log);
    expect(seqs.filter((s) => s > lastBefore).length).toBeGreaterThanOrEqual(10);
    let lost = 0;
    for (let i = 1; i < seqs.length; i++) lost = Math.max(lost, seqs[i]! - seqs[i - 1]! - 1);
    const attempts = (await ok(h3, 'cat /tmp/http.log')).trim().split('\n').map((l) => l.split(' ')) as [string, string][];
    let lastOk = 0;
    let outage = 0;
    for (const [r, t] of attempts) {
      if (r !== 'ok') continue;
      if (lastOk) outage = Math.max(outage, Number(t) - lastOk);
      lastOk = Number(t);
    }
    expect(http).toMatch(/^ok /m);
    console.log(`migration under load from host3: ping lost ${lost} replies at ${PING_INTERVAL_MS} ms intervals; ` +
      `HTTP unanswered for ${Math.round(outage * 1000)} ms (longest gap between successful fetches); ${out.trim()}`);
    expect(await ok(h2, 'cat /var/log/vps-receive.log')).toMatch(/192\.168\.100\.1: VPS 3 \(web\) received: \d+ bytes, running after \d+ ms/);

    // and back again, from host2's own prompt, by address
    expect(await ok(h2, 'vpsctl migrate 3 192.168.100.1')).toMatch(/^VPS 3 migrated to 192\.168\.100\.1 /);
    expect((await states(h1)).get(3)).toBe('running');
    expect(await ok(h3, 'ping -c 1 -W 3 10.0.3.1')).toMatch(/1 packets received/);
  });

  it('keeps a suspended VPS suspended on the target', async () => {
    await ok(h1, 'vpsctl suspend 3');
    expect(await ok(h1, 'vpsctl migrate 3 host2')).toMatch(/suspended there after/);
    expect((await states(h2)).get(3)).toBe('suspended');
    await ok(h2, 'vpsctl resume 3');
    expect(await ok(h3, 'ping -c 1 -W 3 10.0.3.1')).toMatch(/1 packets received/);
  });

  it('leaves the VPS running here when the target refuses, and touches nothing there', async () => {
    await ok(h2, 'vpsctl start 3 && vpsctl stop 3'); // VPS 3 now has its own files on host2
    const before = await traces(h2, 3);
    const r = await h1.agent.execShell('vpsctl migrate 3 host2');
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/^vpsctl: migrate VPS 3 to 192\.168\.100\.2: VPS 3 stays here, running again after \d+ ms: the target refused: VPS 3 on this host has its own files/);
    expect((await states(h1)).get(3)).toBe('running');
    expect(await ok(h1, 'cat /sys/fs/cgroup/vps/3/cgroup.freeze')).toBe('0\n');
    expect(await traces(h2, 3)).toBe(before);
    expect((await states(h2)).get(3)).toBe('stopped');
  });

  it('changes nothing when the target is not there or not a lab host', async () => {
    const r = await h1.agent.execShell('vpsctl migrate 3 host9');
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/^vpsctl: migrate VPS 3: nothing changed: connect to 192\.168\.100\.9:7070: /);
    for (const [arg, msg] of [['10.0.4.1', /is not a host on the lab network/], ['nowhere', /neither a lab address/], ['host0', /not a lab host/]] as const) {
      const bad = await h1.agent.execShell(`vpsctl migrate 3 ${arg}`);
      expect(bad.code).toBe(1);
      expect(oneLine(bad.stderr)).toMatch(msg);
    }
    expect((await h1.agent.execShell('vpsctl migrate 3')).code).toBe(2);
    expect((await states(h1)).get(3)).toBe('running');
  });

  it('answers bad requests with one ERR line and leaves nothing behind', async () => {
    await ok(h1, 'vpsctl snapshot 3 /tmp/s && vpsctl stop 3');
    await ok(h2, 'vpsctl start 4');
    const CHALLENGE = /^VPSRECEIVE 2 [0-9a-f]{64}\n/;
    const ask = async (from: GuestMachine, input: string): Promise<string> =>
      ok(from, `{ ${input}; sleep 2; } | nc 192.168.100.1 7070; true`);
    const bad = async (input: string, msg: RegExp) => {
      const reply = await ask(h2, input);
      expect(reply).toMatch(CHALLENGE);
      expect(reply.replace(CHALLENGE, '')).toMatch(msg);
    };
    await bad("echo 'GET / HTTP/1.0'", /^ERR not a migration request/);
    await bad("echo 'VPSMIGRATE 9 5 running'", /^ERR migration protocol version 9 is not supported/);
    await bad("echo 'VPSMIGRATE 1 5 running'", /^ERR migration protocol version 1 is not supported/);
    await bad("head -c 600 /dev/zero | tr '\\0' x", /^ERR read the migration header: line too long/);
    await bad(`echo 'VPSMIGRATE 2 5 running ${'0'.repeat(64)} ${'0'.repeat(64)}'`, /^ERR the peer's header is not signed with this lab's key \(authentication failed\)\n$/);
    // signed requests whose streams are bad: a source with the key, driven by hand
    const send = async (file: string): Promise<string> =>
      (await h2.agent.execShell(`vpstest migsend 192.168.100.1 7070 5 running ${file}`)).stdout;
    await ok(h2, `echo ${Buffer.from('not a snapshot at all').toString('base64')} | base64 -d > /tmp/junk`);
    expect(await send('/tmp/junk')).toMatch(/^ERR restore VPS 5: /);
    // a snapshot cut short: host1 runs it through the same check as a file
    await ok(h1, 'head -c 40 /tmp/s > /tmp/cut');
    const b64 = (await ok(h1, 'base64 /tmp/cut')).replace(/\n/g, '');
    await ok(h2, `echo ${b64} | base64 -d > /tmp/cut`);
    expect(await send('/tmp/cut')).toMatch(/^ERR restore VPS 5: .*truncated/);
    // a VPS is no lab host: its address is refused
    expect(await ok(h2, "vpsctl execwt 4 sh -c 'sleep 2 | nc 192.168.100.1 7070; true'")).toMatch(/^ERR 10\.0\.4\.1 is not on the lab network/);
    expect(await traces(h1, 5)).toBe('');
    expect((await states(h1)).has(5)).toBe(false);
  });

  it('stops its copy but keeps the files when the source never commits (the lost-OK window)', async () => {
    await ok(h1, 'vpsctl create 6 --ip 10.0.6.1/24 && vpsctl snapshot 6 /tmp/s && base64 /tmp/s > /tmp/s.b64');
    const b64 = (await ok(h1, 'cat /tmp/s.b64')).replace(/\n/g, '');
    await ok(h2, `echo ${b64} | base64 -d > /tmp/s`);
    // host2 plays a source that hears OK and then goes away without COMMIT
    const reply = await ok(h2, 'vpstest migsend 192.168.100.3 7070 6 running /tmp/s --no-commit');
    expect(reply).toMatch(/^OK \d+\n$/);
    await until(h3, 'cat /var/log/vps-receive.log', (o) => o.includes('not committed'));
    expect(await ok(h3, 'cat /var/log/vps-receive.log')).toMatch(/VPS 6 was not committed .*stopped here, its files kept/);
    expect((await states(h3)).get(6)).toBe('stopped');
    expect(await traces(h3, 6)).toBe('/etc/vps/vps_6.conf\n/vps/priv/6\n');
  });
});
