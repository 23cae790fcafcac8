// The host's side of vpsd's protocol (images/tools/vpsd/PROTOCOL.md) over any byte transport:
// requests matched to answers by id, timeouts, long requests sent in acknowledged chunks, and the
// agent's lines reassembled from whatever pieces the port delivers.
import { AGENT_CHUNK_BYTES, encodeRequest, parseAgentLine } from './agent-wire.ts';
import type { AgentEvent, AgentMessage, AgentOp, AgentRequest, AgentResponse, ExecResponse, PingResponse, VserversResponse } from './agent-wire.ts';
import { bytesToBase64 } from './base64.ts';
import { AgentClosedError, AgentError, AgentProtocolError, AgentTimeoutError, asError } from '../errors.ts';
import { LineReassembler } from './line-reassembler.ts';

export interface ExecOptions {
  /** The command's stdin (text is sent as UTF-8); /dev/null when absent. */
  stdin?: Uint8Array | string;
  /** The agent kills the command's process group after this long: code 124, timedOut. Default 60 s; 0 or Infinity: never. */
  timeoutMs?: number;
  /** Working directory in the guest. */
  cwd?: string;
  /** How long to wait for the answer on top of timeoutMs. Default: the client's requestTimeoutMs. */
  requestTimeoutMs?: number;
}

export interface ExecResult {
  code: number;
  stdout: Uint8Array;
  stderr: Uint8Array;
  timedOut: boolean;
  truncated: boolean;
}

export interface ExecTextResult {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  truncated: boolean;
}

export interface PingResult {
  version: string;
  uptimeMs: number;
}

export interface AgentClientOptions {
  /** Time for an answer (ping, vservers; exec adds its own timeoutMs). Default 30 s. */
  requestTimeoutMs?: number;
  /** Time for the agent to acknowledge a 16 KiB chunk of a long request. Default 10 s. */
  ackTimeoutMs?: number;
  /** Chunk size for long requests, at most 16 KiB (what the agent acknowledges). */
  chunkBytes?: number;
  /** Every ready and ack event. */
  onEvent?: (event: AgentEvent) => void;
  /** Lines that could not be tied to a request: malformed, or errors with id null. */
  onProtocolError?: (error: Error) => void;
  /**
   * The first request id. Default: random, because after a machine-state restore the agent may
   * still answer requests of the client that saved the state; those ids must not collide with ours.
   */
  firstId?: number;
}

export interface ReadyOptions {
  /** Give up after this long. Default 5 minutes (a cold boot in a slow browser). */
  timeoutMs?: number;
  /** A ping is sent this often until the agent answers. Default 1 s. */
  probeIntervalMs?: number;
}

export const DEFAULT_EXEC_TIMEOUT_MS = 60_000;
const MAX_RECEIVED_LINE = 128 * 1024 * 1024;
/** While bytes keep arriving this recently, timeouts wait: the port is busy with a long line. */
const BUSY_GRACE_MS = 2_000;

interface Pending {
  id: number;
  op: AgentOp;
  timeoutMs: number;
  probe: boolean;
  sent: boolean;
  settled: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
  resolve: (r: AgentResponse) => void;
  reject: (e: Error) => void;
}

interface AckWaiter {
  resolve: () => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const NEWLINE = new Uint8Array([10]);
const utf8 = new TextEncoder();
const textDecoder = new TextDecoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Talks to vpsd over any byte transport: give it a send function, feed it the port's bytes.
 * Requests are answered out of order and matched by id; one line is on the wire at a time.
 */
export class AgentClient {
  private readonly _requestTimeoutMs: number;
  private readonly _ackTimeoutMs: number;
  private readonly _chunkBytes: number;
  private readonly _onEvent: ((event: AgentEvent) => void) | undefined;
  private readonly _onProtocolError: ((error: Error) => void) | undefined;
  private _nextId: number;
  private readonly _pending = new Map<number, Pending>();
  private readonly _queue: { bytes: Uint8Array; pending: Pending }[] = [];
  private _pumping = false;
  private _uploading = false;
  private _ackWaiter: AckWaiter | null = null;
  private _acks = 0;
  private readonly _lines = new LineReassembler(MAX_RECEIVED_LINE, (line) => this._onRawLine(line));
  private _lastProgressAt = 0;
  private _alive = false;
  private readonly _readyWaiters = new Set<(err?: Error) => void>();
  private _closed: Error | null = null;

  constructor(
    private readonly _send: (bytes: Uint8Array) => void,
    options: AgentClientOptions = {},
  ) {
    this._requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this._ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this._chunkBytes = Math.min(options.chunkBytes ?? AGENT_CHUNK_BYTES, AGENT_CHUNK_BYTES);
    if (!(this._chunkBytes >= 1)) throw new RangeError('chunkBytes must be at least 1');
    this._onEvent = options.onEvent;
    this._onProtocolError = options.onProtocolError;
    this._nextId = options.firstId ?? 1 + Math.floor(Math.random() * 2 ** 40);
  }

  /** True after close(). */
  get closed(): boolean {
    return this._closed !== null;
  }

  /** Bytes from the agent's port, in any split. */
  feed(bytes: Uint8Array): void {
    if (this._closed || bytes.length === 0) return;
    this._lastProgressAt = Date.now();
    this._lines.push(bytes);
  }

  /**
   * Resolves when the agent is first heard from (its ready event or any answer), without probing
   * and without a time limit; rejects if the client is closed first.
   */
  alive(): Promise<void> {
    if (this._closed) return Promise.reject(this._closed);
    if (this._alive) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (err?: Error): void => {
        this._readyWaiters.delete(done);
        if (err) reject(err);
        else resolve();
      };
      this._readyWaiters.add(done);
    });
  }

  /**
   * Resolves once the agent is up: on its ready event, or on an answer to one of the pings sent
   * meanwhile (after a machine-state restore the ready event is long gone).
   */
  ready(options: ReadyOptions = {}): Promise<void> {
    const alive = this.alive();
    if (this._alive || this._closed) return alive;
    const timeoutMs = options.timeoutMs ?? 300_000;
    const interval = options.probeIntervalMs ?? 1_000;
    let probeTimer: ReturnType<typeof setTimeout> | undefined;
    let limitTimer: ReturnType<typeof setTimeout> | undefined;
    const probe = (): void => {
      if (this._alive || this._closed) return;
      // "\n" first: ends any half line left on the port; the agent ignores blank lines
      this._request((id) => ({ id, op: 'ping' }), interval * 5, true).catch(() => {});
      probeTimer = setTimeout(probe, interval);
    };
    probe();
    const limit = Number.isFinite(timeoutMs)
      ? new Promise<never>((_, reject) => {
          limitTimer = setTimeout(
            () => reject(new AgentTimeoutError(`the guest agent did not come up within ${timeoutMs} ms`)),
            timeoutMs,
          );
        })
      : undefined;
    return (limit ? Promise.race([alive, limit]) : alive).finally(() => {
      clearTimeout(probeTimer);
      clearTimeout(limitTimer);
    });
  }

  async ping(): Promise<PingResult> {
    const r = (await this._request((id) => ({ id, op: 'ping' }), this._requestTimeoutMs)) as PingResponse;
    return { version: r.version, uptimeMs: r.uptimeMs };
  }

  /** Run argv as root in the guest's host context. A non-zero exit is a result, not an error. */
  async exec(argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const guestTimeout = options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
    const limited = Number.isFinite(guestTimeout) && guestTimeout > 0;
    if (!(guestTimeout >= 0)) throw new RangeError(`exec timeoutMs must be >= 0, not ${guestTimeout}`);
    const stdin =
      options.stdin === undefined
        ? undefined
        : bytesToBase64(typeof options.stdin === 'string' ? utf8.encode(options.stdin) : options.stdin);
    const slack = options.requestTimeoutMs ?? this._requestTimeoutMs;
    const r = (await this._request(
      (id) => ({
        id,
        op: 'exec',
        argv,
        ...(stdin !== undefined ? { stdin } : {}),
        ...(limited ? { timeout_ms: Math.ceil(guestTimeout) } : {}),
        ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      }),
      limited ? guestTimeout + slack : (options.requestTimeoutMs ?? Infinity),
    )) as ExecResponse;
    return { code: r.code, stdout: r.stdout, stderr: r.stderr, timedOut: r.timedOut, truncated: r.truncated };
  }

  /** `sh -c cmd`, with output decoded as UTF-8. */
  async execShell(cmd: string, options: ExecOptions = {}): Promise<ExecTextResult> {
    const r = await this.exec(['sh', '-c', cmd], options);
    return { ...r, stdout: textDecoder.decode(r.stdout), stderr: textDecoder.decode(r.stderr) };
  }

  /** Every file of /proc/vservers by name ("setup", "self", "3", ...). Reading trafstat resets it. */
  async vservers(): Promise<Record<string, string>> {
    const r = (await this._request((id) => ({ id, op: 'vservers' }), this._requestTimeoutMs)) as VserversResponse;
    return r.files;
  }

  /** Reject everything pending and refuse new requests. */
  close(reason = 'the agent client was closed'): void {
    if (this._closed) return;
    const err = new AgentClosedError(reason);
    this._closed = err;
    for (const p of [...this._pending.values()]) this._settle(p, () => p.reject(err));
    this._queue.length = 0;
    const w = this._ackWaiter;
    if (w) {
      clearTimeout(w.timer);
      this._ackWaiter = null;
      w.reject(err);
    }
    for (const done of [...this._readyWaiters]) done(err);
    this._lines.clear();
  }

  // ---- requests ----

  private _request(build: (id: number) => AgentRequest, timeoutMs: number, probe = false): Promise<AgentResponse> {
    if (this._closed) return Promise.reject(this._closed);
    const id = this._nextId++;
    const req = build(id);
    let bytes: Uint8Array;
    try {
      bytes = encodeRequest(req);
    } catch (e) {
      return Promise.reject(asError(e));
    }
    if (probe) {
      const b = new Uint8Array(bytes.length + 1);
      b[0] = 10;
      b.set(bytes, 1);
      bytes = b;
    }
    return new Promise((resolve, reject) => {
      const p: Pending = { id, op: req.op, timeoutMs, probe, sent: false, settled: false, timer: undefined, resolve, reject };
      this._pending.set(id, p);
      if (Number.isFinite(timeoutMs)) p.timer = setTimeout(() => this._expire(p), timeoutMs);
      this._queue.push({ bytes, pending: p });
      void this._pump();
    });
  }

  private _settle(p: Pending, action: () => void): void {
    if (p.settled) return;
    p.settled = true;
    clearTimeout(p.timer);
    this._pending.delete(p.id);
    action();
  }

  private _wireBusy(): boolean {
    return (this._lines.partial || this._uploading) && Date.now() - this._lastProgressAt < BUSY_GRACE_MS;
  }

  private _expire(p: Pending): void {
    if (p.settled) return;
    if (this._wireBusy()) {
      p.timer = setTimeout(() => this._expire(p), BUSY_GRACE_MS / 2);
      return;
    }
    const state = p.sent ? 'did not answer' : 'could not be sent';
    this._settle(p, () =>
      p.reject(new AgentTimeoutError(`agent ${p.op} request ${p.id} ${state} within ${p.timeoutMs} ms`)),
    );
  }

  private async _pump(): Promise<void> {
    if (this._pumping) return;
    this._pumping = true;
    try {
      while (this._queue.length > 0 && !this._closed) {
        const item = this._queue.shift()!;
        if (!item.pending.settled) await this._transmit(item.bytes, item.pending);
      }
    } finally {
      this._pumping = false;
    }
  }

  /** Small lines go at once; long ones 16 KiB at a time, each chunk after the agent's ack. */
  private async _transmit(bytes: Uint8Array, p: Pending): Promise<void> {
    let off = 0;
    let sent = 0;
    try {
      if (bytes.length <= this._chunkBytes) {
        p.sent = true;
        this._send(bytes);
        return;
      }
      this._uploading = true;
      for (; off < bytes.length; off += this._chunkBytes) {
        if (p.settled || this._closed) break;
        this._lastProgressAt = Date.now();
        p.sent = true;
        const acksBefore = this._acks;
        const chunk = bytes.subarray(off, off + this._chunkBytes);
        this._send(chunk);
        sent += chunk.length;
        // an ack may already be in if the transport answers synchronously
        if (off + this._chunkBytes < bytes.length && this._acks === acksBefore) {
          await this._waitAck(off + this._chunkBytes, bytes.length);
        }
      }
      // given up half way (timed out or closed): end the line so the next one starts clean
      if (sent > 0 && sent < bytes.length && !this._closed) this._sendQuietly(NEWLINE);
    } catch (e) {
      const err = asError(e);
      this._settle(p, () => p.reject(err));
      if (sent > 0 && sent < bytes.length && !this._closed) this._sendQuietly(NEWLINE);
    } finally {
      this._uploading = false;
    }
  }

  private _sendQuietly(bytes: Uint8Array): void {
    try {
      this._send(bytes);
    } catch {
      // the transport is gone; pending requests will time out or be closed
    }
  }

  private _waitAck(sent: number, total: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const w: AckWaiter = { resolve, reject, timer: undefined };
      const arm = (ms: number): void => {
        w.timer = setTimeout(() => {
          // the agent acks only after the line it is sending now: wait while that line streams
          if (this._lines.partial && Date.now() - this._lastProgressAt < BUSY_GRACE_MS) {
            arm(BUSY_GRACE_MS / 2);
            return;
          }
          this._ackWaiter = null;
          reject(
            new AgentTimeoutError(
              `agent did not acknowledge a long request within ${this._ackTimeoutMs} ms (at byte ${sent} of ${total})`,
            ),
          );
        }, ms);
      };
      arm(this._ackTimeoutMs);
      this._ackWaiter = w;
    });
  }

  // ---- received lines ----

  /** One line from the port: anything before its "{" is noise (kernel messages, a stray prompt). */
  private _onRawLine(line: Uint8Array | null): void {
    if (line === null) {
      this._protocolError(new AgentProtocolError(`agent sent a line longer than ${MAX_RECEIVED_LINE} bytes`), null);
      return;
    }
    let end = line.length;
    if (end > 0 && line[end - 1] === 13) end--;
    const brace = line.subarray(0, end).indexOf(123); // '{'
    if (brace < 0) return;
    let text: string;
    try {
      // decoded before anything else: handlers may feed again and reuse the buffer
      text = strictUtf8.decode(line.subarray(brace, end));
    } catch {
      this._protocolError(new AgentProtocolError('agent sent a line that is not UTF-8'), null);
      return;
    }
    this._onLine(text);
  }

  private _onLine(text: string): void {
    let msg: AgentMessage;
    try {
      msg = parseAgentLine(text);
    } catch (e) {
      this._protocolError(asError(e), text);
      return;
    }
    switch (msg.kind) {
      case 'ready':
        this._markAlive();
        this._onEvent?.(msg);
        return;
      case 'ack': {
        this._acks++;
        const w = this._ackWaiter;
        if (w) {
          clearTimeout(w.timer);
          this._ackWaiter = null;
          w.resolve();
        }
        this._onEvent?.(msg);
        return;
      }
      default:
        this._onResponse(msg);
    }
  }

  private _onResponse(msg: AgentResponse): void {
    this._markAlive();
    if (msg.id === null) {
      const error = msg.kind === 'error' ? msg.error : '?';
      this._onProtocolError?.(new AgentError(`the agent rejected a line: ${error}`));
      return;
    }
    const p = this._pending.get(msg.id);
    if (!p) {
      // answers to requests that already timed out are expected; others are not
      if (msg.id >= this._nextId) this._onProtocolError?.(new AgentProtocolError(`agent answered request ${msg.id}, which was never sent`));
      return;
    }
    if (msg.kind === 'error') {
      this._settle(p, () => p.reject(new AgentError(`agent ${p.op} failed: ${msg.error}`)));
    } else if (msg.kind !== p.op) {
      this._settle(p, () => p.reject(new AgentProtocolError(`agent answered ${p.op} request ${p.id} with a ${msg.kind} result`)));
    } else {
      this._settle(p, () => p.resolve(msg));
    }
  }

  private _markAlive(): void {
    this._alive = true;
    for (const done of [...this._readyWaiters]) done();
  }

  /** A bad line fails the request it names, if any; otherwise it is reported. */
  private _protocolError(err: Error, text: string | null): void {
    const m = text === null ? null : /^\{"id":(\d+),/.exec(text);
    const p = m ? this._pending.get(Number(m[1])) : undefined;
    if (p) this._settle(p, () => p.reject(err));
    else this._onProtocolError?.(err);
  }
}
