import { describe, expect, it } from 'vitest';
import { LineReassembler } from './line-reassembler.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

function collect(maxLineBytes = 1024) {
  const lines: (string | null)[] = [];
  const r = new LineReassembler(maxLineBytes, (line) => lines.push(line === null ? null : dec.decode(line)));
  return { r, lines };
}

describe('LineReassembler', () => {
  it('cuts lines at "\\n" whatever the pieces, empty lines included', () => {
    const text = 'first\nsecond line\n\nlast\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const { r, lines } = collect();
      r.push(enc.encode(text.slice(0, cut)));
      r.push(enc.encode(text.slice(cut)));
      expect(lines).toEqual(['first', 'second line', '', 'last']);
    }
    const { r, lines } = collect();
    for (const b of enc.encode(text)) r.push(Uint8Array.of(b));
    expect(lines).toEqual(['first', 'second line', '', 'last']);
  });

  it('says whether part of a line is in', () => {
    const { r, lines } = collect();
    expect(r.partial).toBe(false);
    r.push(enc.encode('{"id":1'));
    expect(r.partial).toBe(true);
    expect(lines).toEqual([]);
    r.push(enc.encode('}\n'));
    expect(r.partial).toBe(false);
    expect(lines).toEqual(['{"id":1}']);
  });

  it('grows past its first buffer', () => {
    const { r, lines } = collect(100_000);
    const long = 'x'.repeat(50_000);
    r.push(enc.encode(long.slice(0, 30_000)));
    r.push(enc.encode(long.slice(30_000) + '\n'));
    expect(lines).toEqual([long]);
  });

  it('reports a line over the limit as null and starts the next one clean', () => {
    const { r, lines } = collect(10);
    r.push(enc.encode('0123456789'));
    r.push(enc.encode('abc'));
    r.push(enc.encode('def\nok\n'));
    r.push(enc.encode('0123456789ABCDEF\n'));
    expect(lines).toEqual([null, 'ok', null]);
  });

  it('lets the handler push more bytes while it runs', () => {
    const lines: string[] = [];
    const r: LineReassembler = new LineReassembler(1024, (line) => {
      const text = dec.decode(line!);
      lines.push(text);
      if (text === 'ping') r.push(enc.encode('pong\n'));
    });
    r.push(enc.encode('ping\nafter\n'));
    expect(lines).toEqual(['ping', 'pong', 'after']);
  });

  it('forgets a partial line on clear()', () => {
    const { r, lines } = collect();
    r.push(enc.encode('half'));
    r.clear();
    expect(r.partial).toBe(false);
    r.push(enc.encode('whole\n'));
    expect(lines).toEqual(['whole']);
  });
});
