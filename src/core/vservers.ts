// Parsers for the /proc/vservers text files written by vps.ko (FreeVPS field names; the files are
// described in README, "/proc/vservers", and images/module/README.md).
// Lines the parser does not know are kept in `extra`; a broken structure throws an Error
// naming the file and line.
import { errorMessage } from './errors.ts';

/** A limit as the module prints it: a number (kB for memory and disk) or "unlimited". */
export type Limit = number | 'unlimited';

export interface VserverInterface {
  /** Interface name inside the VPS, e.g. eth0. */
  vdev: string;
  /** Its peer on the host, e.g. vps3. */
  hdev: string;
  /** Speed limit in bits per second as printed (0: none). */
  speed: number;
  /** "10.0.3.1/24", ... */
  addrs: string[];
}

export interface Vserver {
  id: number;
  nodename: string;
  domainname: string;
  /** LOCK, SCHED, NPROC, PRIVATE, ... */
  flags: string[];
  initPid: number;
  capBset: bigint;
  processCount: number;
  tasks: number[];
  usedMemoryKb: number;
  contextRssKb: number;
  interfaces: VserverInterface[];
  /** Bytes. */
  incoming: number;
  outgoing: number;
  processLimit?: Limit;
  memoryLimitKb?: Limit;
  maxTotalMemoryKb?: number;
  contextRssLimitKb?: Limit;
  maxRssMemoryKb?: number;
  diskLimitKb?: Limit;
  usedDiskKb?: number;
  filesLimit?: Limit;
  usedFiles?: number;
  tcpSocketsLimit?: Limit;
  establishedSockets?: number;
  /** Unknown "name: value" lines, by name as printed. */
  extra: Record<string, string>;
}

export interface VserversSetup {
  version: string;
  build: string;
  totalContexts: number;
  activeContexts: number;
  /** Other lines: all words but the last -> the last word. */
  extra: Record<string, string>;
}

export interface TrafficStat {
  id: number;
  incoming: number;
  outgoing: number;
}

export interface Route {
  address: string;
  /** Interface name. */
  name: string;
  context: number;
}

// ---- values ----

type Parse<T> = (value: string) => T;

function fail(what: string): never {
  throw new Error(what);
}

const count: Parse<number> = (v) => {
  if (!/^\d+$/.test(v)) fail(`expected a whole number, got "${v}"`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) fail(`number too large: ${v}`);
  return n;
};

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1, kb: 1, kib: 1, m: 1024, mb: 1024, mib: 1024, g: 1048576, gb: 1048576, gib: 1048576 };

/** "123 kB", "123" (kB), "4 MB" -> kB. */
const kb: Parse<number> = (v) => {
  const m = /^(\d+)\s*([A-Za-z]*)$/.exec(v);
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) fail(`expected a size like "123 kB", got "${v}"`);
  return count(m[1]!) * unit;
};

const limitOf =
  (inner: Parse<number>): Parse<Limit> =>
  (v) =>
    v.toLowerCase() === 'unlimited' ? 'unlimited' : inner(v);

const text: Parse<string> = (v) => v;

/** "LOCK SCHED", "PRIVATE"; the module prints "(none)" for no flags. */
const flagList: Parse<string[]> = (v) => (v === '(none)' ? [] : v.split(/[\s,|]+/).filter((f) => f !== ''));

const capSet: Parse<bigint> = (v) => {
  const m = /^(?:0x)?([0-9a-fA-F]{1,16})$/.exec(v);
  if (!m) fail(`expected a hexadecimal capability set, got "${v}"`);
  return BigInt(`0x${m[1]!}`);
};

const pidList: Parse<number[]> = (v) => (v === '' ? [] : v.split(/\s+/).map(count));

// ---- /proc/vservers/<id> and self ----

type FieldName = Exclude<keyof Vserver, 'interfaces' | 'extra'>;

interface FieldSpec {
  printed: string;
  prop: FieldName;
  parse: Parse<Vserver[FieldName]>;
  required: boolean;
}

/** Printed name (compared lower case, spaces collapsed) -> property. */
const FIELDS: Record<string, FieldSpec> = {};
function def(printed: string, prop: FieldName, parse: Parse<unknown>, required: boolean): void {
  FIELDS[printed.toLowerCase()] = { printed, prop, parse: parse as Parse<Vserver[FieldName]>, required };
}
def('vserver id', 'id', count, true);
def('nodename', 'nodename', text, true);
def('domainname', 'domainname', text, true);
def('flags', 'flags', flagList, true);
def('init pid', 'initPid', count, true);
def('CapBset', 'capBset', capSet, true);
def('Process Limit', 'processLimit', limitOf(count), false);
def('Process Count', 'processCount', count, true);
def('tasks', 'tasks', pidList, true);
def('Memory Limit', 'memoryLimitKb', limitOf(kb), false);
def('Used memory', 'usedMemoryKb', kb, true);
def('Max total memory', 'maxTotalMemoryKb', kb, false);
def('Context RSS limit', 'contextRssLimitKb', limitOf(kb), false);
def('Context RSS', 'contextRssKb', kb, true);
def('Max RSS memory', 'maxRssMemoryKb', kb, false);
def('Disk Limit', 'diskLimitKb', limitOf(kb), false);
def('Used disk memory', 'usedDiskKb', kb, false);
def('Files limit', 'filesLimit', limitOf(count), false);
def('Used files', 'usedFiles', count, false);
def('TCP sockets limit', 'tcpSocketsLimit', limitOf(count), false);
def('Established sockets', 'establishedSockets', count, false);
def('Incoming traffic', 'incoming', count, true);
def('Outgoing traffic', 'outgoing', count, true);

/** "eth0(vps3): 0: 10.0.3.1/24;10.0.3.2/32;" */
const INTERFACE_LINE = /^([^\s():]+)\(([^\s()]*)\):\s*(\S+?):\s*(.*)$/;
const ADDRESS = /^[0-9A-Fa-f:.]+(?:\/[0-9.]+)?$/;

function parseInterface(m: RegExpExecArray): VserverInterface {
  const speed = count(m[3]!);
  const addrs = m[4]!
    .split(';')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  for (const a of addrs) if (!ADDRESS.test(a)) fail(`bad address "${a}" on interface ${m[1]!}`);
  return { vdev: m[1]!, hdev: m[2]!, speed, addrs };
}

function lines(input: string): { n: number; line: string }[] {
  if (typeof input !== 'string') throw new TypeError('expected the text of a /proc/vservers file');
  return input
    .split('\n')
    .map((l, i) => ({ n: i + 1, line: l.replace(/\s+$/, '') }))
    .filter((l) => l.line !== '');
}

/** /proc/vservers/self or /proc/vservers/<id>. `source` names the file in errors. */
export function parseVserver(input: string, source = '/proc/vservers entry'): Vserver {
  const found: Partial<Record<FieldName, unknown>> = {};
  const interfaces: VserverInterface[] = [];
  const extra: Record<string, string> = {};
  for (const { n, line } of lines(input)) {
    const where = `${source} line ${n}`;
    try {
      const iface = INTERFACE_LINE.exec(line);
      if (iface) {
        interfaces.push(parseInterface(iface));
        continue;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) fail(`expected "name: value", got "${line}"`);
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      const spec = FIELDS[name.toLowerCase().replace(/\s+/g, ' ')];
      if (!spec) {
        extra[name] = value;
        continue;
      }
      if (spec.prop in found) fail(`"${name}" appears twice`);
      try {
        found[spec.prop] = spec.parse(value);
      } catch (e) {
        fail(`"${name}": ${errorMessage(e)}`);
      }
    } catch (e) {
      throw new Error(`${where}: ${errorMessage(e)}`);
    }
  }
  for (const spec of Object.values(FIELDS)) {
    if (spec.required && !(spec.prop in found)) throw new Error(`${source}: missing "${spec.printed}" line`);
  }
  return { ...(found as Omit<Vserver, 'interfaces' | 'extra'>), interfaces, extra };
}

// ---- setup, trafstat, routes_ipv4 ----

/** /proc/vservers/setup */
export function parseSetup(input: string, source = '/proc/vservers/setup'): VserversSetup {
  const out: Partial<VserversSetup> = {};
  const extra: Record<string, string> = {};
  const known: [RegExp, (m: RegExpExecArray) => void][] = [
    [/^vps module version\s+(\S+)$/, (m) => (out.version = m[1]!)],
    [/^vps build\s+(.+)$/, (m) => (out.build = m[1]!)],
    [/^total contexts count\s+(\S+)$/, (m) => (out.totalContexts = count(m[1]!))],
    [/^active contexts count\s+(\S+)$/, (m) => (out.activeContexts = count(m[1]!))],
  ];
  for (const { n, line } of lines(input)) {
    const text = line.trim();
    const hit = known.find(([re]) => re.test(text));
    try {
      if (hit) {
        hit[1](hit[0].exec(text)!);
      } else {
        const cut = text.lastIndexOf(' ');
        if (cut < 0) extra[text] = '';
        else extra[text.slice(0, cut).trim()] = text.slice(cut + 1);
      }
    } catch (e) {
      throw new Error(`${source} line ${n}: ${errorMessage(e)}`);
    }
  }
  for (const [key, printed] of [
    ['version', 'vps module version'],
    ['build', 'vps build'],
    ['totalContexts', 'total contexts count'],
    ['activeContexts', 'active contexts count'],
  ] as const) {
    if (out[key] === undefined) throw new Error(`${source}: missing "${printed}" line`);
  }
  return { ...(out as Omit<VserversSetup, 'extra'>), extra };
}

/** Rows of whitespace-separated columns after an optional header. */
function table(input: string, source: string, header: string, row: RegExp): { n: number; m: RegExpExecArray }[] {
  const rows: { n: number; m: RegExpExecArray }[] = [];
  for (const { n, line } of lines(input)) {
    const text = line.trim();
    if (rows.length === 0 && text.split(/\s+/).join(' ').toLowerCase() === header) continue;
    const m = row.exec(text);
    if (!m) throw new Error(`${source} line ${n}: expected "${header}" columns, got "${text}"`);
    rows.push({ n, m });
  }
  return rows;
}

/** /proc/vservers/trafstat (reading the file resets the counters). */
export function parseTrafstat(input: string, source = '/proc/vservers/trafstat'): TrafficStat[] {
  return table(input, source, 'context incoming outgoing', /^(\d+)\s+(\d+)\s+(\d+)$/).map(({ n, m }) => {
    try {
      return { id: count(m[1]!), incoming: count(m[2]!), outgoing: count(m[3]!) };
    } catch (e) {
      throw new Error(`${source} line ${n}: ${errorMessage(e)}`);
    }
  });
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;

/** /proc/vservers/routes_ipv4 */
export function parseRoutes(input: string, source = '/proc/vservers/routes_ipv4'): Route[] {
  return table(input, source, 'address name context', /^(\S+)\s+(\S+)\s+(\d+)$/).map(({ n, m }) => {
    const ip = IPV4.exec(m[1]!);
    if (!ip || ip.slice(1, 5).some((o) => Number(o) > 255) || (ip[5] !== undefined && Number(ip[5]) > 32)) {
      throw new Error(`${source} line ${n}: bad IPv4 address "${m[1]!}"`);
    }
    return { address: m[1]!, name: m[2]!, context: count(m[3]!) };
  });
}

// ---- everything the vservers agent op returns ----

export interface VserversSnapshot {
  setup: VserversSetup | undefined;
  self: Vserver | undefined;
  /** Numbered entries, by id. */
  contexts: Vserver[];
  trafstat: TrafficStat[] | undefined;
  routes: Route[] | undefined;
}

/** Parse the files of AgentClient.vservers(); files not listed here are ignored. */
export function parseVserversFiles(files: Record<string, string>): VserversSnapshot {
  const contexts = Object.keys(files)
    .filter((name) => /^\d+$/.test(name))
    .map((name) => {
      const v = parseVserver(files[name]!, `/proc/vservers/${name}`);
      if (String(v.id) !== name) throw new Error(`/proc/vservers/${name}: says "vserver id: ${v.id}"`);
      return v;
    })
    .sort((a, b) => a.id - b.id);
  const opt = <T>(name: string, parse: (text: string) => T): T | undefined =>
    files[name] === undefined ? undefined : parse(files[name]);
  return {
    setup: opt('setup', (t) => parseSetup(t)),
    self: opt('self', (t) => parseVserver(t, '/proc/vservers/self')),
    contexts,
    trafstat: opt('trafstat', (t) => parseTrafstat(t)),
    routes: opt('routes_ipv4', (t) => parseRoutes(t)),
  };
}
