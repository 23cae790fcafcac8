// Saved labs in IndexedDB, each as the bytes of its lab file (lab-file.ts), keyed by its name.
// Its own database: idb-keyval's createStore wants one store per database, and 'vps-lab' holds the boot states.
import { createStore, get, keys, set } from 'idb-keyval';

const store = createStore('vps-lab-labs', 'labs');

export async function saveLabBytes(name: string, bytes: Uint8Array): Promise<void> {
  await set(name, bytes, store);
}

export async function loadLabBytes(name: string): Promise<Uint8Array | undefined> {
  const v: unknown = await get(name, store);
  return v instanceof Uint8Array ? v : undefined;
}

export async function savedLabNames(): Promise<string[]> {
  return (await keys(store)).map(String).sort();
}
