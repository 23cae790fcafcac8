// Image files over HTTP with download progress (bytes of the manifest's total).
import { errorMessage, ImageError } from '../core/errors.ts';
import { loadGuestImage, parseManifest, type GuestImage } from '../core/machine/image.ts';

export type DownloadProgress = (loaded: number, total: number) => void;

/** A successful response for url, or an ImageError that names the file. */
async function download(url: URL): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new ImageError(`could not download ${url.pathname}: ${errorMessage(e)}`);
  }
  if (!res.ok) throw new ImageError(`could not download ${url.pathname}: HTTP ${res.status}`);
  return res;
}

export async function fetchBytes(url: URL, onChunk: (n: number) => void = () => {}): Promise<ArrayBuffer> {
  const res = await download(url);
  if (!res.body) {
    const b = await res.arrayBuffer();
    onChunk(b.byteLength);
    return b;
  }
  const parts: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    size += value.byteLength;
    onChunk(value.byteLength);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out.buffer;
}

/**
 * Downloads and verifies the image under base (a URL ending in '/'). With firmwareOnly (resuming a
 * saved machine state, whose RAM already holds kernel and initramfs) only the BIOS files are fetched.
 */
/**
 * The emulator's gzip'd wasm, compiled while it downloads and unpacks (streaming compilation on
 * V8's background threads): the page never holds the whole file before compiling starts.
 * The unpacked file is kept in Cache Storage: compiling a response from there lets Chromium reuse
 * the machine code it made last time (its wasm code cache; a synthetic response gets none), which
 * made return visits ~0.2 s faster here. A cached copy that does not compile is dropped and the
 * file downloaded again.
 */
export async function fetchWasmModule(url: URL): Promise<WebAssembly.Module> {
  const cache = typeof caches === 'undefined' ? undefined : await caches.open(WASM_CACHE).catch(() => undefined);
  const cached = await cache?.match(url.href).catch(() => undefined);
  if (cached) {
    try {
      return await WebAssembly.compileStreaming(cached);
    } catch {
      await cache?.delete(url.href).catch(() => undefined);
    }
  }
  const res = await download(url);
  if (!res.body) throw new ImageError(`could not download ${url.pathname}: the response has no body`);
  const wasm = new Response(res.body.pipeThrough(new DecompressionStream('gzip')), {
    headers: { 'Content-Type': 'application/wasm' },
  });
  if (cache) void keepOnly(cache, url.href, wasm.clone());
  try {
    return await WebAssembly.compileStreaming(wasm);
  } catch (e) {
    throw new ImageError(`could not load the emulator ${url.pathname}: ${errorMessage(e)}`);
  }
}

const WASM_CACHE = 'vps-lab-wasm';

/** Stores this build's file and drops other builds' (their names carry a content hash). */
async function keepOnly(cache: Cache, key: string, res: Response): Promise<void> {
  try {
    for (const old of await cache.keys()) if (old.url !== key) await cache.delete(old);
    await cache.put(key, res);
  } catch {
    // no room, or storage off: the next visit downloads it again
  }
}

export async function fetchGuestImage(base: URL, onProgress: DownloadProgress, firmwareOnly = false): Promise<GuestImage> {
  const manifestBytes = await fetchBytes(new URL('manifest.json', base), () => {});
  const manifest = parseManifest(new TextDecoder().decode(manifestBytes));
  const wanted = firmwareOnly ? [manifest.bios] : Object.keys(manifest.files);
  const total = wanted.reduce((n, name) => n + (manifest.files[name]?.size ?? 0), 0);
  let loaded = 0;
  onProgress(0, total);
  return loadGuestImage(
    (name) =>
      name === 'manifest.json'
        ? Promise.resolve(manifestBytes)
        : fetchBytes(new URL(name, base), (n) => {
            loaded += n;
            onProgress(loaded, total);
          }),
    firmwareOnly,
  );
}
