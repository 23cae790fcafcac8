// The guest image as the page and the runner load it: manifest, checksummed files, one initrd.

export interface ImageFileInfo {
  sha256: string;
  size: number;
}

export interface ImageManifest {
  format: 1;
  packages: Record<string, string>;
  cmdline: string;
  /** Initramfs parts, concatenated in this order (Linux unpacks concatenated archives). */
  initrd: string[];
  files: Record<string, ImageFileInfo>;
}

export interface GuestImage {
  manifest: ImageManifest;
  /** A short id that changes whenever any image byte changes (keys cached states). */
  version: string;
  bios: ArrayBuffer;
  vgaBios: ArrayBuffer;
  bzImage: ArrayBuffer;
  initrd: ArrayBuffer;
}

/** Reads one file of the image directory; throws if it is missing. */
export type ImageFileReader = (name: string) => Promise<ArrayBuffer>;

export class ImageError extends Error {
  override name = 'ImageError';
}

const REQUIRED = ['bzImage', 'bios.bin', 'vgabios-stdvga.bin'] as const;

export function parseManifest(text: string): ImageManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ImageError(`image manifest is not JSON: ${(e as Error).message}`);
  }
  const m = raw as Partial<ImageManifest> | null;
  if (!m || typeof m !== 'object' || m.format !== 1) throw new ImageError('image manifest: unknown format (want 1)');
  if (typeof m.cmdline !== 'string') throw new ImageError('image manifest: cmdline missing');
  if (!Array.isArray(m.initrd) || m.initrd.length === 0 || !m.initrd.every((p) => typeof p === 'string'))
    throw new ImageError('image manifest: initrd must list at least one file');
  if (!m.files || typeof m.files !== 'object') throw new ImageError('image manifest: files missing');
  for (const name of [...REQUIRED, ...m.initrd]) {
    const f = m.files[name];
    if (!f || typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256) || typeof f.size !== 'number')
      throw new ImageError(`image manifest: no valid entry for ${name}`);
  }
  return m as ImageManifest;
}

async function sha256Hex(data: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', data);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
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

/** Loads and verifies every file the manifest names. */
export async function loadGuestImage(read: ImageFileReader): Promise<GuestImage> {
  const manifestBytes = await read('manifest.json');
  const manifest = parseManifest(new TextDecoder().decode(manifestBytes));
  const names = [...REQUIRED, ...manifest.initrd];
  const files = new Map<string, ArrayBuffer>();
  await Promise.all(
    names.map(async (name) => {
      const data = await read(name);
      const want = manifest.files[name]!;
      if (data.byteLength !== want.size || (await sha256Hex(data)) !== want.sha256)
        throw new ImageError(`image file ${name} does not match its manifest (damaged or stale download)`);
      files.set(name, data);
    }),
  );
  return {
    manifest,
    version: (await sha256Hex(manifestBytes)).slice(0, 16),
    bios: files.get('bios.bin')!,
    vgaBios: files.get('vgabios-stdvga.bin')!,
    bzImage: files.get('bzImage')!,
    initrd: concat(manifest.initrd.map((n) => files.get(n)!)),
  };
}
