// Two hosts on the lab's Ethernet switch: VPS on different hosts reach each other by IP through the
// hosts' proxy ARP, traffic shows in /proc/vservers/trafstat, and the lab survives save and resume.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GuestMachine } from '../../src/core/machine/guest-machine.ts';
import type { NodeLab } from '../../src/node/node-lab.ts';
import { parseTrafstat, type TrafficStat } from '../../src/core/vservers.ts';
import { machineOk as ok, startLab, until } from './guest.ts';

/** trafstat's rows by context id, through the page's parser (reading resets them). */
async function trafstat(m: GuestMachine): Promise<Map<number, TrafficStat>> {
  return new Map(parseTrafstat(await ok(m, 'cat /proc/vservers/trafstat')).map((t) => [t.id, t]));
}

describe('lab network', () => {
  let lab: NodeLab;
  let h1: GuestMachine;
  let h2: GuestMachine;
  beforeEach(async () => {
    ({ lab, hosts: [h1, h2] } = await startLab(2));
    await ok(h1, 'vpsctl start 3');
    await ok(h2, 'vpsctl start 4');
  });
  afterEach(() => lab.destroy());

  it('gives each host its lab address and MAC', async () => {
    expect(await ok(h2, 'ip -4 addr show eth0')).toMatch(/inet 192\.168\.100\.2\/24/);
    expect(await ok(h2, 'cat /sys/class/net/eth0/address')).toBe('02:56:4c:00:00:02\n');
    expect(await ok(h1, 'ping -c 1 -W 2 192.168.100.2')).toMatch(/1 packets received/);
    expect(lab.switch.macTable()).toEqual(new Map([['02:56:4c:00:00:01', 'host1'], ['02:56:4c:00:00:02', 'host2']]));
  });

  it('VPS 3 on host1 and VPS 4 on host2 ping each other and exchange a line over TCP, counted in trafstat', async () => {
    await trafstat(h1);
    await trafstat(h2);
    expect(await ok(h1, 'vpsctl execwt 3 ping -c 2 -W 3 10.0.4.1')).toMatch(/2 packets received/);
    expect(await ok(h2, 'vpsctl execwt 4 ping -c 2 -W 3 10.0.3.1')).toMatch(/2 packets received/);

    await ok(h2, "vpsctl execin 4 sh -c 'echo pong | nc -l -p 7000 > /tmp/got'");
    await until(h2, 'netstat -tln 2>/dev/null; vpsctl execwt 4 netstat -tln', (o) => o.includes(':7000'));
    expect(await ok(h1, "vpsctl execwt 3 sh -c 'echo ping | nc -w 3 10.0.4.1 7000'")).toBe('pong\n');
    expect(await until(h2, 'vpsctl execwt 4 cat /tmp/got', (o) => o === 'ping\n')).toBe('ping\n');

    const t1 = (await trafstat(h1)).get(3);
    const t2 = (await trafstat(h2)).get(4);
    expect(t1?.outgoing).toBeGreaterThan(0);
    expect(t1?.incoming).toBeGreaterThan(0);
    expect(t2?.outgoing).toBeGreaterThan(0);
    expect(t2?.incoming).toBeGreaterThan(0);
  });

  it('keeps counting and keeps an open TCP connection across saving and resuming the whole lab', async () => {
    await ok(h2, "vpsctl execin 4 sh -c 'sleep 9999 | nc -l -p 7002 > /tmp/stream'");
    await until(h2, 'vpsctl execwt 4 netstat -tln', (o) => o.includes(':7002'));
    await ok(h1, "vpsctl execin 3 sh -c 'i=0; while :; do i=$((i+1)); echo $i; sleep 0.1; done | nc 10.0.4.1 7002'");
    const lines = async (m: GuestMachine): Promise<number> => Number((await ok(m, 'vpsctl execwt 4 wc -l /tmp/stream')).trim().split(/\s+/)[0]);
    await until(h2, 'vpsctl execwt 4 wc -l /tmp/stream', (o) => parseInt(o, 10) >= 3);

    const states = await lab.saveAll();
    const before = await lines(h2);
    await lab.destroy();

    ({ lab, hosts: [h1, h2] } = await startLab(states));
    const after = await until(h2, 'vpsctl execwt 4 wc -l /tmp/stream', (o) => parseInt(o, 10) >= before + 5);
    expect(parseInt(after, 10)).toBeGreaterThanOrEqual(before + 5);
    expect(await ok(h2, 'cat /sys/class/net/eth0/address')).toBe('02:56:4c:00:00:02\n');
  });
});
