// A saved lab as one file: every host's gzip'd machine state plus the layout, with a checksum.
// DOM-free (Web Crypto only), so the page and the Node runner read and write the same bytes.
//
//   0   8  magic "VPSLAB\r\n" (the CR LF catches text-mode mangling)
//   8   2  format version, big-endian (1)
//  10   2  host count n
//  12   4  layout JSON length
//  16  4n  each host's state length
//  ..      layout JSON (UTF-8), then the states in host order (gzip'd v86 states)
//  end 32  SHA-256 of every byte before it

import { isLabKey } from './lab-network.ts';
import { LabFileError } from '../errors.ts';

export const LAB_FILE_VERSION = 1;
const MAGIC = Uint8Array.from('VPSLAB\r\n', (c) => c.charCodeAt(0));
const DIGEST = 32;

export interface LabHostLayout {
  /** "host1", ... */
  name: string;
  /** Its lab address, 192.168.100.N. */
  address: string;
}

export interface LabLayout {
  hosts: LabHostLayout[];
  /** The host whose tab was selected. */
  selected: string;
  /** Which image the states belong to (boot-cache's imageVersion); a state resumes only on its image. */
  imageVersion: string;
  /** ISO time of the save. */
  savedAt: string;
  /** The lab's shared secret (64 hex digits), so that a loaded lab still migrates; absent in labs
   * saved before it existed (the page then makes a new one). */
  labKey?: string;
}

export interface LabSnapshot {
  layout: LabLayout;
  /** One gzip'd machine state per layout host, same order. */
  states: ArrayBuffer[];
}

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

function checkLayout(v: unknown, count: number): LabLayout {
  const bad = (what: string): never => {
    throw new LabFileError(`not a usable lab file: the layout ${what}`);
  };
  if (typeof v !== 'object' || v === null) return bad('is not an object');
  const l = v as Partial<LabLayout>;
  if (!Array.isArray(l.hosts) || l.hosts.length === 0) return bad('lists no hosts');
  const names = new Set<string>();
  for (const h of l.hosts as unknown[]) {
    const host = h as Partial<LabHostLayout> | null;
    if (typeof host?.name !== 'string' || typeof host.address !== 'string') return bad('has a host without name or address');
    if (names.has(host.name)) return bad(`names host "${host.name}" twice`);
    names.add(host.name);
  }
  if (l.hosts.length !== count) return bad(`lists ${l.hosts.length} hosts for ${count} states`);
  if (typeof l.selected !== 'string' || !names.has(l.selected)) return bad('selects no known host');
  if (typeof l.imageVersion !== 'string' || typeof l.savedAt !== 'string') return bad('lacks the image version or save time');
  if (l.labKey !== undefined && !isLabKey(l.labKey)) return bad('has a malformed lab key');
  return l as LabLayout;
}

export async function encodeLabFile(snap: LabSnapshot): Promise<Uint8Array<ArrayBuffer>> {
  checkLayout(snap.layout, snap.states.length);
  const json = new TextEncoder().encode(JSON.stringify(snap.layout));
  const n = snap.states.length;
  const head = 16 + 4 * n;
  const body = snap.states.reduce((s, b) => s + b.byteLength, 0);
  const out = new Uint8Array(head + json.length + body + DIGEST);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint16(8, LAB_FILE_VERSION);
  view.setUint16(10, n);
  view.setUint32(12, json.length);
  snap.states.forEach((s, i) => view.setUint32(16 + 4 * i, s.byteLength));
  out.set(json, head);
  let at = head + json.length;
  for (const s of snap.states) {
    out.set(new Uint8Array(s), at);
    at += s.byteLength;
  }
  out.set(await sha256(out.subarray(0, at)), at);
  return out;
}

export async function decodeLabFile(input: ArrayBuffer | Uint8Array): Promise<LabSnapshot> {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (MAGIC.some((b, i) => i < bytes.length && bytes[i] !== b)) throw new LabFileError('not a VPS Lab file (it does not start with VPSLAB)');
  if (bytes.length < 16) throw new LabFileError(`lab file is truncated (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(8);
  if (version !== LAB_FILE_VERSION) {
    throw new LabFileError(`lab file format version ${version} is not supported (this page reads version ${LAB_FILE_VERSION})`);
  }
  const n = view.getUint16(10);
  const head = 16 + 4 * n;
  const jsonLen = view.getUint32(12);
  const lengths: number[] = [];
  for (let i = 0; i < n && 16 + 4 * i + 4 <= bytes.length; i++) lengths.push(view.getUint32(16 + 4 * i));
  const expected = head + jsonLen + lengths.reduce((s, l) => s + l, 0) + DIGEST;
  if (lengths.length < n || bytes.length < expected) {
    throw new LabFileError(`lab file is truncated (${bytes.length} of ${lengths.length < n ? 'more' : expected} bytes)`);
  }
  if (bytes.length > expected) throw new LabFileError(`lab file has ${bytes.length - expected} unexpected bytes at the end`);
  const sum = await sha256(bytes.subarray(0, expected - DIGEST));
  if (sum.some((b, i) => bytes[expected - DIGEST + i] !== b)) throw new LabFileError('lab file is damaged (checksum mismatch)');
  let layout: unknown;
  try {
    layout = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(head, head + jsonLen)));
  } catch {
    throw new LabFileError('not a usable lab file: the layout is not JSON');
  }
  const states: ArrayBuffer[] = [];
  let at = head + jsonLen;
  for (const l of lengths) {
    states.push(bytes.slice(at, at + l).buffer);
    at += l;
  }
  return { layout: checkLayout(layout, n), states };
}
