import { describe, expect, it } from 'vitest';
import { LabFileError } from '../errors.ts';
import { decodeLabFile, encodeLabFile, type LabSnapshot } from './lab-file.ts';

const snap = (): LabSnapshot => ({
  layout: {
    hosts: [{ name: 'host1', address: '192.168.100.1' }, { name: 'host2', address: '192.168.100.2' }],
    selected: 'host2',
    imageVersion: '0123456789abcdef',
    savedAt: '2026-11-23T20:00:00.000Z',
    labKey: 'a'.repeat(64),
  },
  states: [Uint8Array.of(1, 2, 3).buffer, new Uint8Array(1000).fill(7).buffer],
});

async function refused(bytes: Uint8Array): Promise<string> {
  const e = await decodeLabFile(bytes).then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(LabFileError);
  const message = (e as Error).message;
  expect(message).not.toContain('\n');
  return message;
}

describe('lab file', () => {
  it('round-trips the layout and every state', async () => {
    const file = await encodeLabFile(snap());
    const back = await decodeLabFile(file);
    expect(back.layout).toEqual(snap().layout);
    expect(back.states.map((s) => Array.from(new Uint8Array(s)))).toEqual(snap().states.map((s) => Array.from(new Uint8Array(s))));
    expect(new TextDecoder().decode(file.subarray(0, 6))).toBe('VPSLAB');
  });

  it('refuses a truncated file, at any length', async () => {
    const file = await encodeLabFile(snap());
    for (const len of [0, 3, 12, 20, 100, file.length - 1]) expect(await refused(file.subarray(0, len))).toMatch(/truncated/);
  });

  it('refuses a foreign file (wrong magic)', async () => {
    expect(await refused(new TextEncoder().encode('PK\x03\x04 this is a zip, not a lab at all'))).toBe(
      'not a VPS Lab file (it does not start with VPSLAB)',
    );
    const gz = Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    expect(await refused(gz)).toMatch(/not a VPS Lab file/);
  });

  it('refuses a damaged file (bad checksum), wherever the damage is', async () => {
    const file = await encodeLabFile(snap());
    for (const at of [40, file.length - 500, file.length - 1]) {
      const bad = file.slice();
      bad[at]! ^= 0x20;
      expect(await refused(bad)).toBe('lab file is damaged (checksum mismatch)');
    }
  });

  it('refuses another format version', async () => {
    const file = await encodeLabFile(snap());
    new DataView(file.buffer).setUint16(8, 2);
    expect(await refused(file)).toBe('lab file format version 2 is not supported (this page reads version 1)');
  });

  it('refuses trailing bytes and an inconsistent layout', async () => {
    const file = await encodeLabFile(snap());
    const longer = new Uint8Array(file.length + 4);
    longer.set(file);
    expect(await refused(longer)).toMatch(/unexpected bytes/);
    const s = snap();
    s.layout.selected = 'host9';
    await expect(encodeLabFile(s)).rejects.toThrow(/selects no known host/);
    s.layout.selected = 'host1';
    s.states.pop();
    await expect(encodeLabFile(s)).rejects.toThrow(/2 hosts for 1 states/);
  });

  it('keeps the lab key; reads a lab saved without one; refuses a malformed one', async () => {
    expect((await decodeLabFile(await encodeLabFile(snap()))).layout.labKey).toBe('a'.repeat(64));
    const old = snap();
    delete old.layout.labKey;
    expect((await decodeLabFile(await encodeLabFile(old))).layout.labKey).toBeUndefined();
    for (const bad of ['', 'A'.repeat(64), 'a'.repeat(63), `${'a'.repeat(63)}g`, 42]) {
      const s = snap();
      (s.layout as { labKey?: unknown }).labKey = bad;
      await expect(encodeLabFile(s)).rejects.toThrow(/malformed lab key/);
    }
  });
});
