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

/** The saved state for this image version, if any (gzip'd, as the worker's saveState gives it). */
export async function loadBootState(version: string): Promise<ArrayBuffer | undefined> {
  try {
    const v: unknown = await get(version, store);
    return v instanceof ArrayBuffer ? v : undefined;
  } catch {
    return undefined; // no IndexedDB (private mode): cold boot
  }
}

/** Keep exactly one state: this version's. */
export async function saveBootState(version: string, state: ArrayBuffer): Promise<void> {
  for (const k of await keys(store)) if (k !== version) await del(k, store);
  await set(version, state, store);
}

export function forgetBootStates(): Promise<void> {
  return clear(store);
}
