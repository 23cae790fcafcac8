// The guest image as the page and the runner load it: a manifest, and gzip'd files that are
// checked against it and unpacked here (the emulated CPU would be far slower at it).
import { errorMessage, ImageError } from '../errors.ts';

export interface ImageFileInfo {
  /** Of the file as stored and served (gzip'd). */
  sha256: string;
  size: number;
  unpacked_size: number;
}

export interface ImageManifest {
  /** 3: no VGA BIOS (format 2 had one). */
  format: 3;
  packages: Record<string, string>;
  cmdline: string;
  /** The emulated hardware this image boots on: eth0's device and its MTU. */
  machine: { net_device: 'virtio' | 'ne2k'; mtu: number };
  kernel: string;
  /** Initramfs parts, concatenated in this order (Linux unpacks concatenated archives). */
  initrd: string[];
  bios: string;
  files: Record<string, ImageFileInfo>;
}

export interface GuestImage {
  manifest: ImageManifest;
  /** A short id that changes whenever any image byte changes (keys cached states). */
  version: string;
  bios: ArrayBuffer;
  bzImage: ArrayBuffer;
  initrd: ArrayBuffer;
}

/** Reads one file of the image directory as stored; throws if it is missing. */
export type ImageFileReader = (name: string) => Promise<ArrayBuffer>;

const isName = (v: unknown): v is string => typeof v === 'string' && /^[\w.-]+$/.test(v);

export function parseManifest(text: string): ImageManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ImageError(`image manifest is not JSON: ${errorMessage(e)}`);
  }
  const m = raw as Partial<ImageManifest> | null;
  if (!m || typeof m !== 'object' || m.format !== 3) throw new ImageError('image manifest: unknown format (want 3)');
  if (typeof m.cmdline !== 'string') throw new ImageError('image manifest: cmdline missing');
  const hw = m.machine;
  if (!hw || (hw.net_device !== 'virtio' && hw.net_device !== 'ne2k') || !Number.isInteger(hw.mtu) || hw.mtu < 68 || hw.mtu > 65535)
    throw new ImageError('image manifest: machine must name net_device (virtio or ne2k) and an mtu of 68..65535');
  if (!isName(m.kernel) || !isName(m.bios)) throw new ImageError('image manifest: kernel or bios missing');
  if (!Array.isArray(m.initrd) || m.initrd.length === 0 || !m.initrd.every(isName))
    throw new ImageError('image manifest: initrd must list at least one file');
  if (!m.files || typeof m.files !== 'object') throw new ImageError('image manifest: files missing');
  for (const name of [m.kernel, m.bios, ...m.initrd]) {
    const f = m.files[name];
    if (!f || typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256) || !Number.isInteger(f.size) || !Number.isInteger(f.unpacked_size))
      throw new ImageError(`image manifest: no valid entry for ${name}`);
  }
  return m as ImageManifest;
}

export async function sha256Hex(data: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', data);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A Blob (one read from IndexedDB, say) is unpacked as it streams in. */
export async function gunzip(data: ArrayBuffer | Blob): Promise<ArrayBuffer> {
  const stream = (data instanceof Blob ? data : new Blob([data])).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).arrayBuffer();
}

export async function gzip(data: ArrayBuffer): Promise<ArrayBuffer> {
  const stream = new Blob([data]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Response(stream).arrayBuffer();
}

function concat(parts: ArrayBuffer[]): ArrayBuffer {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), at);
    at += p.byteLength;
  }
  return out.buffer;
}

/**
 * Loads, verifies and unpacks every file the manifest names. firmwareOnly loads just the BIOS
 * files (enough to resume a saved machine state); kernel and initrd are then empty.
 */
export async function loadGuestImage(read: ImageFileReader, firmwareOnly = false): Promise<GuestImage> {
  const manifestBytes = await read('manifest.json');
  const manifest = parseManifest(new TextDecoder().decode(manifestBytes));
  const names = firmwareOnly ? [manifest.bios] : [manifest.kernel, manifest.bios, ...manifest.initrd];
  const files = new Map<string, ArrayBuffer>();
  await Promise.all(
    names.map(async (name) => {
      const data = await read(name);
      const want = manifest.files[name]!;
      if (data.byteLength !== want.size || (await sha256Hex(data)) !== want.sha256)
        throw new ImageError(`image file ${name} does not match its manifest (damaged or stale download)`);
      const unpacked = await gunzip(data).catch((e: unknown) => {
        throw new ImageError(`image file ${name} does not unpack: ${errorMessage(e)}`);
      });
      if (unpacked.byteLength !== want.unpacked_size) throw new ImageError(`image file ${name} unpacks to the wrong size`);
      files.set(name, unpacked);
    }),
  );
  return {
    manifest,
    version: (await sha256Hex(manifestBytes)).slice(0, 16),
    bios: files.get(manifest.bios)!,
    bzImage: files.get(manifest.kernel) ?? new ArrayBuffer(0),
    initrd: firmwareOnly ? new ArrayBuffer(0) : concat(manifest.initrd.map((n) => files.get(n)!)),
  };
}
