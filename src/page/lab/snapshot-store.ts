// Snapshots kept in this browser (IndexedDB through idb-keyval): metadata and bytes under two keys,
// so that listing never loads the files.
import { createStore, del, get, keys, set } from 'idb-keyval';
import type { SnapshotMeta } from './snapshot-files.ts';

const store = createStore('vps-lab-snapshots', 'snapshots');
const META = 'meta:';
const DATA = 'data:';

function isMeta(v: unknown): v is SnapshotMeta {
  const m = v as SnapshotMeta | null;
  return !!m && typeof m.key === 'string' && Number.isInteger(m.vpsId) && typeof m.name === 'string' &&
    typeof m.host === 'string' && Number.isFinite(m.createdAt) && Number.isInteger(m.size);
}

/** Store a snapshot; resolves with its metadata (a new key). */
export async function saveSnapshot(meta: Omit<SnapshotMeta, 'key' | 'size'>, bytes: ArrayBuffer): Promise<SnapshotMeta> {
  const key = `${meta.createdAt.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const full: SnapshotMeta = { ...meta, key, size: bytes.byteLength };
  await set(DATA + key, bytes, store);
  await set(META + key, full, store);
  return full;
}

/** Every stored snapshot, newest first. */
export async function listSnapshots(): Promise<SnapshotMeta[]> {
  const all = (await keys(store)).filter((k): k is string => typeof k === 'string' && k.startsWith(META));
  const metas = await Promise.all(all.map((k) => get(k, store)));
  return metas.filter(isMeta).sort((a, b) => b.createdAt - a.createdAt);
}

export async function snapshotBytes(key: string): Promise<ArrayBuffer> {
  const v: unknown = await get(DATA + key, store);
  if (!(v instanceof ArrayBuffer)) throw new Error(`no stored snapshot "${key}" in this browser`);
  return v;
}

export async function deleteSnapshot(key: string): Promise<void> {
  await del(META + key, store);
  await del(DATA + key, store);
}
