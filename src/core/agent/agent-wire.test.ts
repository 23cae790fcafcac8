import { describe, expect, it } from 'vitest';
import { encodeRequest, parseAgentLine } from './agent-wire.ts';
import { AgentProtocolError } from '../errors.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

describe('encodeRequest', () => {
  it('writes one line per request', () => {
    expect(dec.decode(encodeRequest({ id: 1, op: 'ping' }))).toBe('{"id":1,"op":"ping"}\n');
    expect(dec.decode(encodeRequest({ id: 2, op: 'vservers' }))).toBe('{"id":2,"op":"vservers"}\n');
    expect(
      dec.decode(
        encodeRequest({ id: 3, op: 'exec', argv: ['sh', '-c', 'echo "a\nb" é😀'], stdin: 'aGk=', timeout_ms: 500, cwd: '/tmp' }),
      ),
    ).toBe('{"id":3,"op":"exec","argv":["sh","-c","echo \\"a\\nb\\" é😀"],"stdin":"aGk=","timeout_ms":500,"cwd":"/tmp"}\n');
  });

  it('refuses what the agent would refuse', () => {
    expect(() => encodeRequest({ id: -1, op: 'ping' })).toThrow('request id');
    expect(() => encodeRequest({ id: 1.5, op: 'ping' })).toThrow('request id');
    expect(() => encodeRequest({ id: 2 ** 53, op: 'ping' })).toThrow('request id');
    expect(() => encodeRequest({ id: 1, op: 'exec', argv: [] })).toThrow('non-empty');
    expect(() => encodeRequest({ id: 1, op: 'exec', argv: ['a\0b'] })).toThrow('argv[0] contains a NUL');
    expect(() => encodeRequest({ id: 1, op: 'exec', argv: ['ok', '\uD800'] })).toThrow('argv[1] contains a lone surrogate');
    expect(() => encodeRequest({ id: 1, op: 'exec', argv: [5 as unknown as string] })).toThrow('argv[0] must be a string');
    expect(() => encodeRequest({ id: 1, op: 'exec', argv: ['x'], timeout_ms: 0 })).toThrow('timeout_ms');
    expect(() => encodeRequest({ id: 1, op: 'exec', argv: ['x'], stdin: 'abc' })).toThrow('base64');
    expect(() => encodeRequest({ id: 1, op: 'exec', argv: ['x'], cwd: 'a\0' })).toThrow('NUL');
    expect(() => encodeRequest({ id: 1, op: 'reboot' } as never)).toThrow('unknown op "reboot"');
  });
});

describe('parseAgentLine', () => {
  it('reads every message kind', () => {
    expect(parseAgentLine('{"event":"ready","version":"0.1.0"}')).toEqual({ kind: 'ready', version: '0.1.0' });
    expect(parseAgentLine('{"event":"ack","bytes":16384}')).toEqual({ kind: 'ack', bytes: 16384 });
    expect(parseAgentLine('{"id":7,"ok":false,"error":"unknown op `x`"}')).toEqual({ kind: 'error', id: 7, error: 'unknown op `x`' });
    expect(parseAgentLine('{"id":null,"ok":false,"error":"bad"}')).toEqual({ kind: 'error', id: null, error: 'bad' });
    expect(parseAgentLine('{"id":1,"ok":true,"version":"0.1.0","uptime_ms":99}')).toEqual({
      kind: 'ping',
      id: 1,
      version: '0.1.0',
      uptimeMs: 99,
    });
    expect(
      parseAgentLine('{"id":2,"ok":true,"code":137,"stdout":"aGkK","stderr":"","timed_out":false,"truncated":true}'),
    ).toEqual({
      kind: 'exec',
      id: 2,
      code: 137,
      stdout: enc.encode('hi\n'),
      stderr: new Uint8Array(0),
      timedOut: false,
      truncated: true,
    });
    // the flags may be left out
    expect(parseAgentLine('{"id":2,"ok":true,"code":0,"stdout":"","stderr":""}')).toMatchObject({ timedOut: false, truncated: false });
    expect(parseAgentLine('{"id":3,"ok":true,"files":{"setup":"x\\n","3":"y"}}')).toEqual({
      kind: 'vservers',
      id: 3,
      files: { setup: 'x\n', 3: 'y' },
    });
  });

  it.each([
    ['not json', 'invalid JSON'],
    ['{"id":1,"ok":true', 'invalid JSON'],
    ['[1,2]', 'JSON array, not an object'],
    ['"str"', 'JSON string, not an object'],
    ['null', 'not an object'],
    ['{"event":"boom"}', 'unknown agent event "boom"'],
    ['{"event":5}', '"event" must be a string'],
    ['{"event":"ready"}', '"version" must be a string, got nothing'],
    ['{"event":"ready","version":"0.1.0","x":1}', 'unexpected field "x" in ready event'],
    ['{"event":"ack","bytes":-1}', '"bytes" must be an integer'],
    ['{"event":"ack","bytes":1.5}', '"bytes" must be an integer'],
    ['{"ok":true}', 'neither "event" nor "id"'],
    ['{"id":"1","ok":true,"version":"x","uptime_ms":1}', 'id must be an integer'],
    ['{"id":-3,"ok":false,"error":"x"}', 'id must be an integer'],
    ['{"id":1,"ok":"yes","version":"x","uptime_ms":1}', '"ok" must be true or false'],
    ['{"id":1,"version":"x","uptime_ms":1}', '"ok" must be true or false'],
    ['{"id":null,"ok":true,"version":"x","uptime_ms":1}', 'without an id'],
    ['{"id":1,"ok":false}', '"error" must be a string'],
    ['{"id":1,"ok":false,"error":"x","code":1}', 'unexpected field "code"'],
    ['{"id":1,"ok":true}', 'no "version", "code" or "files"'],
    ['{"id":1,"ok":true,"version":"x"}', '"uptime_ms" must be an integer'],
    ['{"id":1,"ok":true,"code":256,"stdout":"","stderr":""}', '"code" must be an integer 0..255'],
    ['{"id":1,"ok":true,"code":0,"stdout":"@@@@","stderr":""}', '"stdout": invalid base64'],
    ['{"id":1,"ok":true,"code":0,"stdout":"","stderr":"","timed_out":1}', '"timed_out" must be a boolean'],
    ['{"id":1,"ok":true,"code":0,"stdout":"","stderr":"","extra":1}', 'unexpected field "extra" in exec response 1'],
    ['{"id":1,"ok":true,"files":[]}', '"files" must be an object'],
    ['{"id":1,"ok":true,"files":{"a":1}}', 'file "a" must be a string'],
  ])('rejects %s', (line, message) => {
    let caught: unknown;
    try {
      parseAgentLine(line);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AgentProtocolError);
    expect((caught as Error).name).toBe('AgentProtocolError');
    expect((caught as Error).message).toContain(message);
  });
});
