// Post-boot machine states in IndexedDB, keyed by image version: a return visit resumes one
// instead of booting, and a new image never resumes an old state.
import { clear, createStore, del, get, keys, set } from 'idb-keyval';

const store = createStore('vps-lab', 'boot-states');

export async function imageVersion(imageBase: URL): Promise<string> {
  const res = await fetch(new URL('manifest.json', imageBase));
  if (!res.ok) throw new Error(`could not download the image manifest: HTTP ${res.status}`);
  const digest = await crypto.subtle.digest('SHA-256', await res.arrayBuffer());
  return Array.from(new Uint8Array(digest).slice(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The one kept record: the post-boot state and the image version it was taken on. */
const KEY = 'post-boot';

interface BootRecord {
  version: string;
  /** A Blob, not an ArrayBuffer: reading the record then does not copy ~6 MB out of the
   * database; the worker unpacks the state as it streams from disk. */
  state: Blob;
}

/**
 * The saved post-boot state if it was taken on the image `version` names (the worker's
 * takeBootState(), gzip'd off its thread). Reading starts at once, so the page reads IndexedDB
 * while the manifest (and so the version) is still on its way.
 */
export async function loadBootState(version: Promise<string>): Promise<Blob | undefined> {
  const [want, record] = await Promise.all([
    version,
    get<unknown>(KEY, store).catch(() => undefined), // no IndexedDB (private mode): cold boot
  ]);
  return stateFor(record, want);
}

/** The state of a kept record if it is a well-formed one for image `version`; anything else
 * (another image's, an older page's layout, damage) is none. */
export function stateFor(record: unknown, version: string): Blob | undefined {
  const r = record as Partial<BootRecord> | null | undefined;
  return r && typeof r === 'object' && r.version === version && r.state instanceof Blob ? r.state : undefined;
}

/** Keep exactly one state: this version's. */
export async function saveBootState(version: string, state: ArrayBuffer): Promise<void> {
  for (const k of await keys(store)) if (k !== KEY) await del(k, store);
  await set(KEY, { version, state: new Blob([state]) } satisfies BootRecord, store);
}

export function forgetBootStates(): Promise<void> {
  return clear(store);
}
