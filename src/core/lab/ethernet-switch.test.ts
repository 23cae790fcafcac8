import { describe, expect, it } from 'vitest';
import { EthernetSwitch } from './ethernet-switch.ts';

const BCAST = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
const mac = (n: number): number[] => [0x02, 0, 0, 0, 0, n];
const frame = (dst: number[], src: number[], payload = 46): Uint8Array =>
  Uint8Array.from([...dst, ...src, 0x08, 0x00, ...new Array<number>(payload).fill(0xab)]);

function lab(opts: { agingMs?: number } = {}) {
  let time = 0;
  const sw = new EthernetSwitch({ ...opts, now: () => time });
  const got: Record<'a' | 'b' | 'c', Uint8Array[]> = { a: [], b: [], c: [] };
  const ports = Object.fromEntries((['a', 'b', 'c'] as const).map((n) => [n, sw.attach(n, (f) => got[n].push(f))]));
  return { sw, got, ports: ports as Record<'a' | 'b' | 'c', ReturnType<EthernetSwitch['attach']>>, tick: (ms: number) => (time += ms) };
}

describe('EthernetSwitch', () => {
  it('floods broadcast to every other port, never back to the ingress port', () => {
    const { got, ports } = lab();
    const f = frame(BCAST, mac(1));
    ports.a.receive(f);
    expect(got.a).toHaveLength(0);
    expect(got.b).toHaveLength(1);
    expect(got.c).toHaveLength(1);
    expect(Array.from(got.b[0]!)).toEqual(Array.from(f));
    expect(got.b[0]).not.toBe(got.c[0]); // each port may transfer its own copy
  });

  it('floods unknown unicast and multicast, then forwards unicast only to the learned port', () => {
    const { got, ports, sw } = lab();
    ports.a.receive(frame(mac(2), mac(1))); // 2 unknown: flooded; learns 1 on a
    expect([got.b.length, got.c.length]).toEqual([1, 1]);
    ports.b.receive(frame(mac(1), mac(2))); // 1 learned on a: to a only; learns 2 on b
    expect([got.a.length, got.c.length]).toEqual([1, 1]);
    ports.a.receive(frame(mac(2), mac(1)));
    expect([got.b.length, got.c.length]).toEqual([2, 1]);
    ports.a.receive(frame([0x01, 0x00, 0x5e, 0, 0, 1], mac(1))); // multicast floods
    expect([got.b.length, got.c.length]).toEqual([3, 2]);
    expect(sw.macTable()).toEqual(new Map([['02:00:00:00:00:01', 'a'], ['02:00:00:00:00:02', 'b']]));
  });

  it('relearns a MAC that moves to another port (a VPS migrated, announced by gratuitous ARP)', () => {
    const { got, ports } = lab();
    ports.a.receive(frame(BCAST, mac(1)));
    ports.c.receive(frame(BCAST, mac(1))); // now behind c
    ports.b.receive(frame(mac(1), mac(2)));
    expect(got.c.at(-1)?.[11]).toBe(2);
    expect(got.a).toHaveLength(1); // only the flood from c's broadcast
  });

  it('forgets learned MACs after the aging time, and floods again', () => {
    const { got, ports, tick } = lab({ agingMs: 1000 });
    ports.a.receive(frame(BCAST, mac(1)));
    tick(500);
    ports.b.receive(frame(mac(1), mac(2)));
    expect(got.c).toHaveLength(1);
    tick(1001);
    ports.b.receive(frame(mac(1), mac(2)));
    expect(got.c).toHaveLength(2);
  });

  it('drops a unicast whose destination sits on the ingress port', () => {
    const { got, ports } = lab();
    ports.a.receive(frame(BCAST, mac(1)));
    ports.a.receive(frame(mac(1), mac(3)));
    expect(got.a.length + got.b.length + got.c.length).toBe(2);
  });

  it('counts frames and bytes per port, and runts', () => {
    const { sw, ports } = lab();
    ports.a.receive(frame(BCAST, mac(1), 50));
    ports.a.receive(new Uint8Array(10));
    expect(sw.counters('a')).toEqual({ rxFrames: 1, rxBytes: 64, txFrames: 0, txBytes: 0, runts: 1 });
    expect(sw.counters('b')).toMatchObject({ txFrames: 1, txBytes: 64 });
  });

  it('detached ports get nothing and their MACs are forgotten', () => {
    const { sw, got, ports } = lab();
    ports.b.receive(frame(BCAST, mac(2)));
    ports.b.detach();
    ports.a.receive(frame(mac(2), mac(1)));
    expect(got.b).toHaveLength(0);
    expect(got.c).toHaveLength(2);
    expect(sw.ports()).toEqual(['a', 'c']);
    expect(() => sw.attach('a', () => {})).toThrow(/already attached/);
  });
});
