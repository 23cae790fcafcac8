import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64 } from './base64.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

describe('base64', () => {
  it('matches RFC 4648 vectors', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg=='],
      ['fo', 'Zm8='],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg=='],
      ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, b64] of vectors) {
      expect(bytesToBase64(enc.encode(plain))).toBe(b64);
      expect(dec.decode(base64ToBytes(b64))).toBe(plain);
    }
  });

  it('round-trips every length and byte value', () => {
    for (let n = 0; n < 300; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 167 + n * 31) & 255);
      expect(base64ToBytes(bytesToBase64(data))).toEqual(data);
    }
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(base64ToBytes(bytesToBase64(all))).toEqual(all);
  });

  it('rejects anything but strict base64', () => {
    expect(() => base64ToBytes('Zg=')).toThrow('not a multiple of 4');
    expect(() => base64ToBytes('Zm9v\n')).toThrow('not a multiple of 4');
    expect(() => base64ToBytes('Zg==Zg==')).toThrow('misplaced "="');
    expect(() => base64ToBytes('Z===')).toThrow('misplaced "="');
    expect(() => base64ToBytes('Zm=v')).toThrow('misplaced "="');
    expect(() => base64ToBytes('Zm 9')).toThrow('bad character at offset 2');
    expect(() => base64ToBytes('Zm9-')).toThrow('bad character');
    expect(() => base64ToBytes('Zm9é')).toThrow('bad character');
    expect(() => base64ToBytes('Zh==')).toThrow('non-zero bits');
  });
});
