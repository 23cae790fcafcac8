// The protocol of vpsd, the guest agent on /dev/ttyS1, and a transport-agnostic client for it.
//
// Newline-delimited JSON, one object per line, both directions (UTF-8, no raw newlines inside).
// Host -> agent (requests; unknown fields are rejected):
//   {"id":N,"op":"ping"}
//   {"id":N,"op":"exec","argv":["sh","-c","..."],"stdin":"<base64>"?,"timeout_ms":M?,"cwd":"/dir"?}
//   {"id":N,"op":"vservers"}
// Agent -> host:
//   {"event":"ready","version":"0.1.0"}                 when the agent starts
//   {"event":"ack","bytes":B}                           every 16 KiB of an unfinished request line;
//                                                        B = bytes received since the agent started, mod 2^53
//   {"id":N,"ok":true,"version":"0.1.0","uptime_ms":U}  ping
//   {"id":N,"ok":true,"code":C,"stdout":"<base64>","stderr":"<base64>","timed_out":T,"truncated":X}  exec
//   {"id":N,"ok":true,"files":{"setup":"...","self":"...","3":"..."}}  vservers: every file but trafstat,
//                                                        whose read would reset the counters
//   {"id":N|null,"ok":false,"error":"one line"}         any failure; id null when it could not be read
// N is an integer 0..2^53-1. exec: C is the exit status, 128+signal, 124 after timeout_ms (T true),
// 127/126 when the command cannot be run; output beyond 32 MiB per stream is dropped (X true).
// The host sends a line longer than 16 KiB in 16 KiB chunks, each after the previous one's ack:
// the port loses input past a ~128 KiB backlog. Lines are at most 48 MiB. Blank lines are ignored,
// so a host can end a half-sent line with "\n" (that line gets an error reply with id null).

export const AGENT_VERSION = '0.1.0';
export const AGENT_MAX_LINE_BYTES = 48 * 1024 * 1024;
export const AGENT_CHUNK_BYTES = 16 * 1024;

// ---- Requests (wire form) ----

export interface PingRequest {
  id: number;
  op: 'ping';
}
export interface ExecRequest {
  id: number;
  op: 'exec';
  argv: string[];
  /** base64 */
  stdin?: string;
  timeout_ms?: number;
  cwd?: string;
}
export interface VserversRequest {
  id: number;
  op: 'vservers';
}
export type AgentRequest = PingRequest | ExecRequest | VserversRequest;
export type AgentOp = AgentRequest['op'];

// ---- Messages from the agent (validated; `kind` tells them apart) ----

export interface ReadyEvent {
  kind: 'ready';
  version: string;
}
export interface AckEvent {
  kind: 'ack';
  bytes: number;
}
export interface ErrorResponse {
  kind: 'error';
  id: number | null;
  error: string;
}
export interface PingResponse {
  kind: 'ping';
  id: number;
  version: string;
  uptimeMs: number;
}
export interface ExecResponse {
  kind: 'exec';
  id: number;
  code: number;
  stdout: Uint8Array;
  stderr: Uint8Array;
  timedOut: boolean;
  truncated: boolean;
}
export interface VserversResponse {
  kind: 'vservers';
  id: number;
  files: Record<string, string>;
}
export type AgentEvent = ReadyEvent | AckEvent;
export type AgentResponse = ErrorResponse | PingResponse | ExecResponse | VserversResponse;
export type AgentMessage = AgentEvent | AgentResponse;

/** Names of the errors this module throws (err.name survives comlink; subclasses do not). */
export type AgentErrorName = 'AgentError' | 'AgentProtocolError' | 'AgentTimeoutError' | 'AgentClosedError';

function agentError(name: AgentErrorName, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

function protocolError(message: string): Error {
  return agentError('AgentProtocolError', message);
}

// ---- base64 (standard alphabet, padded, strict; no Buffer, no atob) ----

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_CODES = Uint8Array.from(B64, (c) => c.charCodeAt(0));
const B64_VALUES = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let i = 0; i < 64; i++) t[B64.charCodeAt(i)] = i;
  return t;
})();
const utf8 = new TextEncoder();
const asciiDecoder = new TextDecoder();

export function bytesToBase64(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = B64_CODES[v >> 18]!;
    out[o++] = B64_CODES[(v >> 12) & 63]!;
    out[o++] = B64_CODES[(v >> 6) & 63]!;
    out[o++] = B64_CODES[v & 63]!;
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const v = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0);
    out[o++] = B64_CODES[v >> 18]!;
    out[o++] = B64_CODES[(v >> 12) & 63]!;
    out[o++] = rest === 2 ? B64_CODES[(v >> 6) & 63]! : 61;
    out[o++] = 61;
  }
  return asciiDecoder.decode(out);
}

/** Strict: length a multiple of 4, "=" only as final padding, no whitespace, unused bits zero. */
export function base64ToBytes(text: string): Uint8Array {
  const n = text.length;
  if (n % 4 !== 0) throw new Error(`invalid base64: length ${n} is not a multiple of 4`);
  const pad = n === 0 ? 0 : text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((n / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < n; i += 4) {
    const last = i + 4 === n;
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = text.charCodeAt(i + k);
      let d = c < 256 ? B64_VALUES[c]! : -1;
      if (d < 0) {
        if (c === 61 && last && k >= 4 - pad) d = 0;
        else if (c === 61) throw new Error(`invalid base64: misplaced "=" at offset ${i + k}`);
        else throw new Error(`invalid base64: bad character at offset ${i + k}`);
      }
      v = (v << 6) | d;
    }
    if (last && ((pad === 1 && (v & 0xff) !== 0) || (pad === 2 && (v & 0xffff) !== 0))) {
      throw new Error('invalid base64: non-zero bits after the last byte');
    }
    out[o++] = v >> 16;
    if (o < out.length) out[o++] = (v >> 8) & 0xff;
    if (o < out.length) out[o++] = v & 0xff;
  }
  return out;
}

// ---- Encoding requests ----

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkText(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string`);
  if (value.includes('\0')) throw new TypeError(`${what} contains a NUL character`);
  if (LONE_SURROGATE.test(value)) throw new TypeError(`${what} contains a lone surrogate (not valid UTF-8)`);
  return value;
}

function isSafeId(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** One request line, "\n" included, as UTF-8. Throws TypeError on anything the agent would reject. */
export function encodeRequest(req: AgentRequest): Uint8Array {
  if (!isSafeId(req.id)) throw new TypeError(`request id must be an integer 0..2^53-1, not ${String(req.id)}`);
  let wire: AgentRequest;
  switch (req.op) {
    case 'ping':
    case 'vservers':
      wire = { id: req.id, op: req.op };
      break;
    case 'exec': {
      if (!Array.isArray(req.argv) || req.argv.length === 0) throw new TypeError('exec argv must be a non-empty array');
      const exec: ExecRequest = { id: req.id, op: 'exec', argv: req.argv.map((a, i) => checkText(a, `argv[${i}]`)) };
      if (req.stdin !== undefined) {
        if (typeof req.stdin !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(req.stdin) || req.stdin.length % 4 !== 0) {
          throw new TypeError('exec stdin must be a base64 string');
        }
        exec.stdin = req.stdin;
      }
      if (req.timeout_ms !== undefined) {
        if (!Number.isSafeInteger(req.timeout_ms) || req.timeout_ms < 1) {
          throw new TypeError(`exec timeout_ms must be a positive integer, not ${String(req.timeout_ms)}`);
        }
        exec.timeout_ms = req.timeout_ms;
      }
      if (req.cwd !== undefined) exec.cwd = checkText(req.cwd, 'exec cwd');
      wire = exec;
      break;
    }
    default:
      throw new TypeError(`unknown op ${JSON.stringify((req as { op: unknown }).op)}`);
  }
  const bytes = utf8.encode(JSON.stringify(wire) + '\n');
  if (bytes.length - 1 > AGENT_MAX_LINE_BYTES) {
    throw new TypeError(`request is ${bytes.length - 1} bytes; the agent takes at most ${AGENT_MAX_LINE_BYTES}`);
  }
  return bytes;
}

// ---- Parsing agent lines ----

type Json = Record<string, unknown>;

function preview(line: string): string {
  return line.length > 120 ? `${line.slice(0, 120)}...` : line;
}

function onlyKeys(obj: Json, allowed: readonly string[], what: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw protocolError(`unexpected field "${k}" in ${what}`);
  }
}

function field<T>(obj: Json, key: string, what: string, check: (v: unknown) => v is T, expected: string): T {
  const v = obj[key];
  if (!check(v)) {
    throw protocolError(`${what}: "${key}" must be ${expected}, got ${v === undefined ? 'nothing' : JSON.stringify(v)?.slice(0, 40)}`);
  }
  return v;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isCount = isSafeId;
const isExitCode = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 255;
const isTrue = (v: unknown): v is true => v === true;
const isPlainObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function base64Field(obj: Json, key: string, what: string): Uint8Array {
  const text = field(obj, key, what, isString, 'a base64 string');
  try {
    return base64ToBytes(text);
  } catch (e) {
    throw protocolError(`${what}: "${key}": ${(e as Error).message}`);
  }
}

/** Parse and validate one line from the agent (without its "\n"). Throws AgentProtocolError. */
export function parseAgentLine(line: string): AgentMessage {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch (e) {
    throw protocolError(`agent sent invalid JSON (${(e as Error).message}): ${preview(line)}`);
  }
  if (!isPlainObject(obj)) throw protocolError(`agent sent a JSON ${Array.isArray(obj) ? 'array' : typeof obj}, not an object: ${preview(line)}`);

  if ('event' in obj) {
    const event = field(obj, 'event', 'agent event', isString, 'a string');
    if (event === 'ready') {
      onlyKeys(obj, ['event', 'version'], 'ready event');
      return { kind: 'ready', version: field(obj, 'version', 'ready event', isString, 'a string') };
    }
    if (event === 'ack') {
      onlyKeys(obj, ['event', 'bytes'], 'ack event');
      return { kind: 'ack', bytes: field(obj, 'bytes', 'ack event', isCount, 'an integer 0..2^53-1') };
    }
    throw protocolError(`unknown agent event "${event}"`);
  }

  if (!('id' in obj)) throw protocolError(`agent message has neither "event" nor "id": ${preview(line)}`);
  const id = obj.id;
  if (id !== null && !isSafeId(id)) throw protocolError(`agent response id must be an integer 0..2^53-1 or null, got ${JSON.stringify(id)}`);
  const what = `response ${String(id)}`;
  if (obj.ok === false) {
    onlyKeys(obj, ['id', 'ok', 'error'], what);
    return { kind: 'error', id, error: field(obj, 'error', what, isString, 'a string') };
  }
  field(obj, 'ok', what, isTrue, 'true or false');
  if (id === null) throw protocolError('successful agent response without an id');

  if ('version' in obj) {
    onlyKeys(obj, ['id', 'ok', 'version', 'uptime_ms'], `ping ${what}`);
    return {
      kind: 'ping',
      id,
      version: field(obj, 'version', `ping ${what}`, isString, 'a string'),
      uptimeMs: field(obj, 'uptime_ms', `ping ${what}`, isCount, 'an integer 0..2^53-1'),
    };
  }
  if ('code' in obj) {
    const w = `exec ${what}`;
    onlyKeys(obj, ['id', 'ok', 'code', 'stdout', 'stderr', 'timed_out', 'truncated'], w);
    const flag = (key: string): boolean =>
      obj[key] === undefined ? false : field(obj, key, w, isBool, 'a boolean');
    return {
      kind: 'exec',
      id,
      code: field(obj, 'code', w, isExitCode, 'an integer 0..255'),
      stdout: base64Field(obj, 'stdout', w),
      stderr: base64Field(obj, 'stderr', w),
      timedOut: flag('timed_out'),
      truncated: flag('truncated'),
    };
  }
  if ('files' in obj) {
    const w = `vservers ${what}`;
    onlyKeys(obj, ['id', 'ok', 'files'], w);
    const files = field(obj, 'files', w, isPlainObject, 'an object');
    const out: Record<string, string> = {};
    for (const [name, text] of Object.entries(files)) {
      if (typeof text !== 'string') throw protocolError(`${w}: file "${name}" must be a string`);
      out[name] = text;
    }
    return { kind: 'vservers', id, files: out };
  }
  throw protocolError(`${what} has no "version", "code" or "files": ${preview(line)}`);
}

// ---- Client ----

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
  private _rx = new Uint8Array(4096);
  private _rxLen = 0;
  private _rxDropping = false;
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
    let start = 0;
    while (start < bytes.length) {
      const nl = bytes.indexOf(10, start);
      const end = nl < 0 ? bytes.length : nl;
      this._append(bytes, start, end);
      if (nl < 0) break;
      this._endLine();
      start = nl + 1;
    }
  }

  /** One byte from the port (v86's serial1-output-byte), without allocating. */
  feedByte(byte: number): void {
    if (this._closed) return;
    this._lastProgressAt = Date.now();
    if (byte === 10) {
      this._endLine();
      return;
    }
    if (this._rxDropping) return;
    if (this._rxLen === this._rx.length) this._grow(this._rxLen + 1);
    if (!this._rxDropping) this._rx[this._rxLen++] = byte;
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
            () => reject(agentError('AgentTimeoutError', `the guest agent did not come up within ${timeoutMs} ms`)),
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
    const err = agentError('AgentClosedError', reason);
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
    this._rx = new Uint8Array(0);
    this._rxLen = 0;
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
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
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
    return (this._rxLen > 0 || this._uploading) && Date.now() - this._lastProgressAt < BUSY_GRACE_MS;
  }

  private _expire(p: Pending): void {
    if (p.settled) return;
    if (this._wireBusy()) {
      p.timer = setTimeout(() => this._expire(p), BUSY_GRACE_MS / 2);
      return;
    }
    const state = p.sent ? 'did not answer' : 'could not be sent';
    this._settle(p, () =>
      p.reject(agentError('AgentTimeoutError', `agent ${p.op} request ${p.id} ${state} within ${p.timeoutMs} ms`)),
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
      const err = e instanceof Error ? e : new Error(String(e));
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
          if (this._rxLen > 0 && Date.now() - this._lastProgressAt < BUSY_GRACE_MS) {
            arm(BUSY_GRACE_MS / 2);
            return;
          }
          this._ackWaiter = null;
          reject(
            agentError(
              'AgentTimeoutError',
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

  private _grow(need: number): void {
    if (need > MAX_RECEIVED_LINE) {
      this._rxDropping = true;
      return;
    }
    let cap = Math.max(this._rx.length * 2, 4096);
    while (cap < need) cap *= 2;
    const b = new Uint8Array(Math.min(cap, MAX_RECEIVED_LINE));
    b.set(this._rx.subarray(0, this._rxLen));
    this._rx = b;
  }

  private _append(bytes: Uint8Array, start: number, end: number): void {
    if (this._rxDropping || end === start) return;
    const need = this._rxLen + (end - start);
    if (need > this._rx.length) this._grow(need);
    if (this._rxDropping) return;
    this._rx.set(bytes.subarray(start, end), this._rxLen);
    this._rxLen = need;
  }

  private _endLine(): void {
    const dropped = this._rxDropping;
    this._rxDropping = false;
    let end = this._rxLen;
    if (end > 0 && this._rx[end - 1] === 13) end--;
    const line = this._rx.subarray(0, end);
    const brace = line.indexOf(123); // '{': anything before it is port noise
    // decode before handling: handlers may feed again and reuse the buffer
    let text: string | null = null;
    let badUtf8 = false;
    if (!dropped && brace >= 0) {
      try {
        text = strictUtf8.decode(line.subarray(brace));
      } catch {
        badUtf8 = true;
      }
    }
    this._rxLen = 0;
    if (this._rx.length > 1024 * 1024) this._rx = new Uint8Array(4096);
    if (dropped) this._protocolError(protocolError(`agent sent a line longer than ${MAX_RECEIVED_LINE} bytes`), null);
    else if (badUtf8) this._protocolError(protocolError('agent sent a line that is not UTF-8'), null);
    else if (text !== null) this._onLine(text);
  }

  private _onLine(text: string): void {
    let msg: AgentMessage;
    try {
      msg = parseAgentLine(text);
    } catch (e) {
      this._protocolError(e as Error, text);
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
      this._onProtocolError?.(agentError('AgentError', `the agent rejected a line: ${error}`));
      return;
    }
    const p = this._pending.get(msg.id);
    if (!p) {
      // answers to requests that already timed out are expected; others are not
      if (msg.id >= this._nextId) this._onProtocolError?.(protocolError(`agent answered request ${msg.id}, which was never sent`));
      return;
    }
    if (msg.kind === 'error') {
      this._settle(p, () => p.reject(agentError('AgentError', `agent ${p.op} failed: ${msg.error}`)));
    } else if (msg.kind !== p.op) {
      this._settle(p, () => p.reject(protocolError(`agent answered ${p.op} request ${p.id} with a ${msg.kind} result`)));
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
