// vpsd's messages as they travel on the wire (images/tools/vpsd/PROTOCOL.md): requests encoded to
// one line each, and every line from the agent parsed and checked into a typed message.
import { base64ToBytes } from './base64.ts';
import { AgentProtocolError, errorMessage } from '../errors.ts';

/** The longest request line the agent takes, without its "\n". */
export const AGENT_MAX_LINE_BYTES = 48 * 1024 * 1024;
/** The agent acknowledges every this many bytes of an unfinished request line. */
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

// ---- Encoding requests ----

const utf8 = new TextEncoder();

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
    if (!allowed.includes(k)) throw new AgentProtocolError(`unexpected field "${k}" in ${what}`);
  }
}

function field<T>(obj: Json, key: string, what: string, check: (v: unknown) => v is T, expected: string): T {
  const v = obj[key];
  if (!check(v)) {
    throw new AgentProtocolError(`${what}: "${key}" must be ${expected}, got ${v === undefined ? 'nothing' : JSON.stringify(v)?.slice(0, 40)}`);
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
    throw new AgentProtocolError(`${what}: "${key}": ${errorMessage(e)}`);
  }
}

/** Parse and validate one line from the agent (without its "\n"). Throws AgentProtocolError. */
export function parseAgentLine(line: string): AgentMessage {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch (e) {
    throw new AgentProtocolError(`agent sent invalid JSON (${errorMessage(e)}): ${preview(line)}`);
  }
  if (!isPlainObject(obj)) throw new AgentProtocolError(`agent sent a JSON ${Array.isArray(obj) ? 'array' : typeof obj}, not an object: ${preview(line)}`);

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
    throw new AgentProtocolError(`unknown agent event "${event}"`);
  }

  if (!('id' in obj)) throw new AgentProtocolError(`agent message has neither "event" nor "id": ${preview(line)}`);
  const id = obj.id;
  if (id !== null && !isSafeId(id)) throw new AgentProtocolError(`agent response id must be an integer 0..2^53-1 or null, got ${JSON.stringify(id)}`);
  const what = `response ${String(id)}`;
  if (obj.ok === false) {
    onlyKeys(obj, ['id', 'ok', 'error'], what);
    return { kind: 'error', id, error: field(obj, 'error', what, isString, 'a string') };
  }
  field(obj, 'ok', what, isTrue, 'true or false');
  if (id === null) throw new AgentProtocolError('successful agent response without an id');

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
      if (typeof text !== 'string') throw new AgentProtocolError(`${w}: file "${name}" must be a string`);
      out[name] = text;
    }
    return { kind: 'vservers', id, files: out };
  }
  throw new AgentProtocolError(`${what} has no "version", "code" or "files": ${preview(line)}`);
}
