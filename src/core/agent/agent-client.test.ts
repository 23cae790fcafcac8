import { afterEach, describe, expect, it, vi } from 'vitest';
import { AgentClient, type AgentClientOptions } from './agent-client.ts';
import { AGENT_CHUNK_BYTES, encodeRequest } from './agent-wire.ts';
import { bytesToBase64 } from './base64.ts';
import { AgentClosedError, AgentError, AgentProtocolError, AgentTimeoutError } from '../errors.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

function pseudoRandomBytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

type Req = { id: number; op: string; argv?: string[]; stdin?: string; timeout_ms?: number; cwd?: string };

/**
 * Speaks vpsd's side of the protocol in TypeScript: same line handling and the same ack rule
 * (one ack per 16 KiB of an unfinished line, carrying the total bytes received).
 */
class FakeAgent {
  readonly client: AgentClient;
  readonly sends: Uint8Array[] = [];
  readonly requests: Req[] = [];
  readonly rawLines: string[] = [];
  acking = true;
  unacked = 0;
  maxUnacked = 0;
  /** Response lines for a request; undefined: no answer. */
  handler: (req: Req) => string | undefined = (req) => this.defaultAnswer(req);
  private line: Uint8Array[] = [];
  private lineTotal = 0;
  private ackedBlocks = 0;
  private rxTotal = 0;

  constructor(options: AgentClientOptions = {}, private readonly sync = false) {
    this.client = new AgentClient((b) => this.receive(b), { firstId: 1, ...options });
  }

  defaultAnswer(req: Req): string | undefined {
    switch (req.op) {
      case 'ping':
        return `{"id":${req.id},"ok":true,"version":"0.1.0","uptime_ms":1234}`;
      case 'exec': {
        const out = req.stdin !== undefined ? req.stdin : bytesToBase64(enc.encode(req.argv!.join(' ')));
        return `{"id":${req.id},"ok":true,"code":0,"stdout":"${out}","stderr":"","timed_out":false,"truncated":false}`;
      }
      case 'vservers':
        return `{"id":${req.id},"ok":true,"files":{"setup":"vps module version 0.1.0\\n"}}`;
    }
    return `{"id":${req.id},"ok":false,"error":"unknown op"}`;
  }

  receive(bytes: Uint8Array): void {
    this.sends.push(bytes.slice());
    this.unacked += bytes.length;
    this.maxUnacked = Math.max(this.maxUnacked, this.unacked);
    this.rxTotal += bytes.length;
    let start = 0;
    for (;;) {
      const nl = bytes.indexOf(10, start);
      const piece = bytes.subarray(start, nl < 0 ? bytes.length : nl);
      this.line.push(piece.slice());
      this.lineTotal += piece.length;
      if (nl < 0) break;
      start = nl + 1;
      const whole = new Uint8Array(this.lineTotal);
      let o = 0;
      for (const p of this.line) {
        whole.set(p, o);
        o += p.length;
      }
      this.line = [];
      this.lineTotal = 0;
      this.ackedBlocks = 0;
      this.handleLine(dec.decode(whole));
    }
    if (Math.floor(this.lineTotal / AGENT_CHUNK_BYTES) > this.ackedBlocks) {
      this.ackedBlocks = Math.floor(this.lineTotal / AGENT_CHUNK_BYTES);
      this.unacked = 0;
      if (this.acking) this.emit(`{"event":"ack","bytes":${this.rxTotal}}`);
    }
  }

  private handleLine(text: string): void {
    this.rawLines.push(text);
    if (text.trim() === '') return;
    let req: Req;
    try {
      req = JSON.parse(text) as Req;
    } catch {
      this.emit(`{"id":null,"ok":false,"error":"invalid JSON"}`);
      return;
    }
    this.requests.push(req);
    const answer = this.handler(req);
    if (answer !== undefined) this.emit(answer);
  }

  /** A line to the client, delivered after the current task like a real port. */
  emit(line: string): void {
    const bytes = enc.encode(line + '\n');
    if (this.sync) this.client.feed(bytes);
    else queueMicrotask(() => this.client.feed(bytes));
  }
}

/** Deep-equal on big typed arrays is slow; compare bytes directly. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('AgentClient', () => {
  it('resolves ready() on the ready event', async () => {
    const agent = new FakeAgent();
    agent.handler = () => undefined; // still booting: pings go nowhere
    const ready = agent.client.ready({ probeIntervalMs: 10 });
    agent.emit('{"event":"ready","version":"0.1.0"}');
    await expect(ready).resolves.toBeUndefined();
    await expect(agent.client.ready()).resolves.toBeUndefined(); // remembered
  });

  it('resolves ready() on a ping answer when the ready event is long gone (restored state)', async () => {
    vi.useFakeTimers();
    const agent = new FakeAgent();
    let answer = false;
    agent.handler = (req) => (answer ? agent.defaultAnswer(req) : undefined);
    let done = false;
    void agent.client.ready({ probeIntervalMs: 1000 }).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(2500);
    expect(done).toBe(false);
    expect(agent.requests.filter((r) => r.op === 'ping')).toHaveLength(3);
    // each probe starts with "\n", which ends any half line on the port
    expect(agent.rawLines.filter((l) => l === '')).toHaveLength(3);
    answer = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(done).toBe(true);
  });

  it('resolves alive() on the ready event without sending anything, and rejects it on close', async () => {
    vi.useFakeTimers();
    const agent = new FakeAgent();
    agent.handler = () => undefined;
    let done = false;
    void agent.client.alive().then(() => (done = true));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(done).toBe(false);
    expect(agent.rawLines).toHaveLength(0); // no probes
    agent.emit('{"event":"ready","version":"0.1.0"}');
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
    await expect(agent.client.alive()).resolves.toBeUndefined(); // remembered

    const other = new FakeAgent();
    const waiting = other.client.alive();
    other.client.close('gone');
    await expect(waiting).rejects.toThrow('gone');
  });

  it('gives up on ready() after its timeout', async () => {
    vi.useFakeTimers();
    const agent = new FakeAgent();
    agent.handler = () => undefined;
    const ready = agent.client.ready({ timeoutMs: 5000, probeIntervalMs: 1000 });
    const check = expect(ready).rejects.toThrow(new AgentTimeoutError('the guest agent did not come up within 5000 ms'));
    await vi.advanceTimersByTimeAsync(5001);
    await check;
  });

  it('matches answers to requests by id, in any order', async () => {
    const agent = new FakeAgent();
    const held: Req[] = [];
    agent.handler = (req) => {
      held.push(req);
      return undefined;
    };
    const exec = agent.client.execShell('echo slow');
    const ping = agent.client.ping();
    const vs = agent.client.vservers();
    await new Promise((r) => setTimeout(r, 0));
    expect(held.map((r) => r.op)).toEqual(['exec', 'ping', 'vservers']);
    for (const r of [...held].reverse()) agent.emit(agent.defaultAnswer(r)!);
    await expect(vs).resolves.toEqual({ setup: 'vps module version 0.1.0\n' });
    await expect(ping).resolves.toEqual({ version: '0.1.0', uptimeMs: 1234 });
    await expect(exec).resolves.toEqual({ code: 0, stdout: 'sh -c echo slow', stderr: '', timedOut: false, truncated: false });
  });

  it('sends exec options as the protocol says', async () => {
    const agent = new FakeAgent();
    await agent.client.exec(['true']);
    await agent.client.exec(['cat'], { stdin: 'héllo', timeoutMs: 1500.2, cwd: '/root' });
    await agent.client.exec(['sleep', '1000'], { timeoutMs: 0 });
    expect(agent.requests).toEqual([
      { id: 1, op: 'exec', argv: ['true'], timeout_ms: 60000 },
      { id: 2, op: 'exec', argv: ['cat'], stdin: bytesToBase64(enc.encode('héllo')), timeout_ms: 1501, cwd: '/root' },
      { id: 3, op: 'exec', argv: ['sleep', '1000'] },
    ]);
    const r = await agent.client.exec(['cat'], { stdin: new Uint8Array([0, 255, 10]) });
    expect(r.stdout).toEqual(new Uint8Array([0, 255, 10]));
  });

  it('returns results with non-zero codes, timeouts and truncation as data', async () => {
    const agent = new FakeAgent();
    agent.handler = (req) =>
      `{"id":${req.id},"ok":true,"code":124,"stdout":"${bytesToBase64(enc.encode('part'))}","stderr":"ZXJy","timed_out":true,"truncated":true}`;
    await expect(agent.client.execShell('sleep 9', { timeoutMs: 100 })).resolves.toEqual({
      code: 124,
      stdout: 'part',
      stderr: 'err',
      timedOut: true,
      truncated: true,
    });
  });

  it('turns agent errors into rejections that carry the message', async () => {
    const agent = new FakeAgent();
    agent.handler = (req) => `{"id":${req.id},"ok":false,"error":"cwd \`/nope\`: No such file or directory"}`;
    const err = await agent.client.exec(['pwd'], { cwd: '/nope' }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(AgentError);
    expect((err as Error).name).toBe('AgentError');
    expect((err as Error).message).toBe('agent exec failed: cwd `/nope`: No such file or directory');
  });

  it('sends long requests in 16 KiB chunks, each after an ack', async () => {
    const agent = new FakeAgent();
    const data = pseudoRandomBytes(300_000);
    const r = await agent.client.exec(['cat'], { stdin: data });
    expect(sameBytes(r.stdout, data)).toBe(true);
    const line = encodeRequest({ id: 1, op: 'exec', argv: ['cat'], stdin: bytesToBase64(data), timeout_ms: 60000 });
    expect(agent.sends.length).toBe(Math.ceil(line.length / AGENT_CHUNK_BYTES));
    expect(Math.max(...agent.sends.map((s) => s.length))).toBe(AGENT_CHUNK_BYTES);
    expect(agent.maxUnacked).toBeLessThanOrEqual(AGENT_CHUNK_BYTES);
  });

  it('keeps pacing when the transport answers synchronously', async () => {
    const agent = new FakeAgent({}, true);
    const data = pseudoRandomBytes(100_000, 3);
    const r = await agent.client.exec(['cat'], { stdin: data });
    expect(sameBytes(r.stdout, data)).toBe(true);
    expect(agent.maxUnacked).toBeLessThanOrEqual(AGENT_CHUNK_BYTES);
  });

  it('queues other requests behind a long one instead of interleaving', async () => {
    const agent = new FakeAgent();
    const big = agent.client.exec(['cat'], { stdin: pseudoRandomBytes(100_000) });
    const ping = agent.client.ping();
    await Promise.all([big, ping]);
    expect(agent.requests.map((r) => r.op)).toEqual(['exec', 'ping']);
  });

  it('fails a long request whose acks stop, ends the half line, and carries on', async () => {
    vi.useFakeTimers();
    const agent = new FakeAgent({ ackTimeoutMs: 3000 });
    agent.acking = false;
    const big = agent.client.exec(['cat'], { stdin: pseudoRandomBytes(100_000) });
    const check = expect(big).rejects.toThrow(/did not acknowledge a long request within 3000 ms \(at byte 16384 of \d+\)/);
    await vi.advanceTimersByTimeAsync(3001);
    await check;
    expect(agent.sends.length).toBe(2);
    expect(agent.sends[1]).toEqual(new Uint8Array([10]));
    agent.acking = true;
    await expect(agent.client.ping()).resolves.toMatchObject({ version: '0.1.0' });
  });

  it('tolerates noise, CRLF and any byte split', async () => {
    const errors: Error[] = [];
    const agent = new FakeAgent({ onProtocolError: (e) => errors.push(e) });
    agent.handler = () => undefined;
    const pings = [agent.client.ping(), agent.client.ping()];
    await Promise.resolve();
    const stream = enc.encode(
      '[    1.234] serial8250: too much work\n' +
        '\x1b[0m\r\n' +
        'junk{"event":"ready","version":"0.1.0"}\r\n' +
        '{"id":2,"ok":true,"version":"0.1.0","uptime_ms":5}\n' +
        '\n',
    );
    for (const b of stream) agent.client.feed(Uint8Array.of(b));
    const tail = enc.encode('{"id":1,"ok":true,"version":"0.1.0","uptime_ms":6}\n');
    agent.client.feed(tail.subarray(0, 10));
    agent.client.feed(tail.subarray(10, 11));
    agent.client.feed(tail.subarray(11));
    await expect(Promise.all(pings)).resolves.toEqual([
      { version: '0.1.0', uptimeMs: 6 },
      { version: '0.1.0', uptimeMs: 5 },
    ]);
    expect(errors).toEqual([]);
  });

  it('reports malformed lines, and fails the request a bad line names', async () => {
    const errors: Error[] = [];
    const agent = new FakeAgent({ onProtocolError: (e) => errors.push(e) });
    agent.handler = (req) => `{"id":${req.id},"ok":true,"code":0,"stdout":"!!!!","stderr":""}`;
    const err = await agent.client.exec(['x']).catch((e: Error) => e);
    expect(err).toBeInstanceOf(AgentProtocolError);
    expect((err as Error).name).toBe('AgentProtocolError');
    expect((err as Error).message).toContain('"stdout": invalid base64');

    agent.client.feed(enc.encode('{"what":1}\n{"id":null,"ok":false,"error":"invalid JSON at byte 0"}\n'));
    agent.client.feed(new Uint8Array([...enc.encode('{"event":"ready","version":"'), 0xff, ...enc.encode('"}\n')]));
    agent.client.feed(enc.encode('{"id":999,"ok":true,"version":"0.1.0","uptime_ms":1}\n'));
    expect(errors.map((e) => [e.name, e.message])).toEqual([
      ['AgentProtocolError', 'agent message has neither "event" nor "id": {"what":1}'],
      ['AgentError', 'the agent rejected a line: invalid JSON at byte 0'],
      ['AgentProtocolError', 'agent sent a line that is not UTF-8'],
      ['AgentProtocolError', 'agent answered request 999, which was never sent'],
    ]);
  });

  it('rejects an answer of the wrong kind', async () => {
    const agent = new FakeAgent();
    agent.handler = (req) => `{"id":${req.id},"ok":true,"version":"0.1.0","uptime_ms":1}`;
    await expect(agent.client.vservers()).rejects.toThrow('answered vservers request 1 with a ping result');
  });

  it('times out a request the agent never answers, and ignores the late answer', async () => {
    vi.useFakeTimers();
    const errors: Error[] = [];
    const agent = new FakeAgent({ requestTimeoutMs: 2000, onProtocolError: (e) => errors.push(e) });
    agent.handler = () => undefined;
    const ping = agent.client.ping();
    const check = expect(ping).rejects.toThrow('agent ping request 1 did not answer within 2000 ms');
    await vi.advanceTimersByTimeAsync(2001);
    await check;
    agent.emit('{"id":1,"ok":true,"version":"0.1.0","uptime_ms":1}');
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toEqual([]);

    // exec waits for its own timeout plus the request timeout
    const exec = agent.client.exec(['sleep', '5'], { timeoutMs: 5000 });
    let failed = false;
    exec.catch(() => (failed = true));
    await vi.advanceTimersByTimeAsync(6000);
    expect(failed).toBe(false);
    await vi.advanceTimersByTimeAsync(1001);
    expect(failed).toBe(true);
  });

  it('waits past the timeout while a long answer is still streaming in', async () => {
    vi.useFakeTimers();
    const agent = new FakeAgent({ requestTimeoutMs: 1000 });
    agent.handler = () => undefined;
    const ping = agent.client.ping();
    let settled = false;
    ping.then(
      () => (settled = true),
      () => (settled = true),
    );
    const head = enc.encode('{"id":1,"ok":true,"version":"');
    agent.client.feed(head);
    for (let t = 0; t < 5; t++) {
      await vi.advanceTimersByTimeAsync(500);
      agent.client.feed(enc.encode('x'.repeat(10)));
    }
    expect(settled).toBe(false);
    agent.client.feed(enc.encode('","uptime_ms":1}\n'));
    await expect(ping).resolves.toEqual({ version: 'x'.repeat(50), uptimeMs: 1 });
  });

  it('rejects everything on close(), and refuses new requests', async () => {
    const agent = new FakeAgent();
    agent.handler = () => undefined;
    const pending = [agent.client.ping(), agent.client.exec(['x']), agent.client.ready()];
    agent.client.close('machine destroyed');
    for (const p of pending) {
      const err = await p.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AgentClosedError);
      expect(err).toMatchObject({ name: 'AgentClosedError', message: 'machine destroyed' });
    }
    await expect(agent.client.ping()).rejects.toThrow('machine destroyed');
    expect(agent.client.closed).toBe(true);
    agent.client.feed(enc.encode('{"event":"ready","version":"0.1.0"}\n')); // ignored, no throw
  });

  it('fails a request whose bytes cannot be sent', async () => {
    const client = new AgentClient(() => {
      throw new Error('emulator is gone');
    });
    await expect(client.ping()).rejects.toThrow('emulator is gone');
  });

  it('rejects invalid arguments without sending anything', async () => {
    const agent = new FakeAgent();
    await expect(agent.client.exec([])).rejects.toThrow('non-empty');
    await expect(agent.client.exec(['a\0'])).rejects.toThrow('NUL');
    await expect(agent.client.exec(['x'], { timeoutMs: -1 })).rejects.toThrow('timeoutMs');
    expect(agent.sends).toEqual([]);
  });
});
