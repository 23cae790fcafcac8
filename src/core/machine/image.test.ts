import { describe, expect, it } from 'vitest';
import { loadGuestImage, parseManifest, sha256Hex, type ImageManifest } from './image.ts';

async function gzip(text: string): Promise<ArrayBuffer> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Response(stream).arrayBuffer();
}

/** A small image whose "files" are short texts, with a correct manifest. */
async function fixture(): Promise<{ files: Map<string, ArrayBuffer>; manifest: ImageManifest }> {
  const texts: Record<string, string> = {
    'k.gzip': 'kernel', 'b.gzip': 'bios', 'i1.gzip': 'part one|', 'i2.gzip': 'part two',
  };
  const files = new Map<string, ArrayBuffer>();
  const manifest: ImageManifest = {
    format: 3, packages: {}, cmdline: 'console=ttyS0', machine: { net_device: 'virtio', mtu: 65520 }, kernel: 'k.gzip', bios: 'b.gzip',
    initrd: ['i1.gzip', 'i2.gzip'], files: {},
  };
  for (const [name, text] of Object.entries(texts)) {
    const data = await gzip(text);
    files.set(name, data);
    manifest.files[name] = { sha256: await sha256Hex(data), size: data.byteLength, unpacked_size: text.length };
  }
  return { files, manifest };
}

function reader(files: Map<string, ArrayBuffer>, manifest: unknown) {
  return async (name: string): Promise<ArrayBuffer> => {
    if (name === 'manifest.json') return new TextEncoder().encode(JSON.stringify(manifest)).buffer as ArrayBuffer;
    const f = files.get(name);
    if (!f) throw new Error(`missing ${name}`);
    return f;
  };
}

describe('guest image', () => {
  it('verifies, unpacks and concatenates the initramfs parts', async () => {
    const { files, manifest } = await fixture();
    const image = await loadGuestImage(reader(files, manifest));
    expect(new TextDecoder().decode(image.initrd)).toBe('part one|part two');
    expect(new TextDecoder().decode(image.bzImage)).toBe('kernel');
    expect(image.version).toMatch(/^[0-9a-f]{16}$/);
  });

  it('refuses a damaged file', async () => {
    const { files, manifest } = await fixture();
    const bad = new Uint8Array(files.get('i2.gzip')!.slice(0));
    bad[bad.length - 5]! ^= 0xff;
    files.set('i2.gzip', bad.buffer);
    await expect(loadGuestImage(reader(files, manifest))).rejects.toThrow('image file i2.gzip does not match its manifest');
  });

  it('refuses malformed manifests with a clear message', () => {
    expect(() => parseManifest('{')).toThrow(/not JSON/);
    expect(() => parseManifest('{"format":1}')).toThrow(/unknown format/);
    expect(() => parseManifest('{"format":2,"cmdline":"x"}')).toThrow(/unknown format \(want 3\)/);
    const hw = '"machine":{"net_device":"virtio","mtu":1500}';
    expect(() => parseManifest('{"format":3,"cmdline":"x","kernel":"k","bios":"b"}')).toThrow(/machine must name/);
    expect(() => parseManifest('{"format":3,"cmdline":"x","machine":{"net_device":"e1000","mtu":1500}}')).toThrow(/machine must name/);
    expect(() => parseManifest('{"format":3,"cmdline":"x","machine":{"net_device":"virtio","mtu":70000}}')).toThrow(/machine must name/);
    expect(() => parseManifest(`{"format":3,"cmdline":"x",${hw},"kernel":"../etc/passwd","bios":"b"}`)).toThrow(
      /kernel or bios missing/,
    );
    expect(() =>
      parseManifest(`{"format":3,"cmdline":"x",${hw},"kernel":"k","bios":"b","initrd":["i"],"files":{}}`),
    ).toThrow(/no valid entry for k/);
  });
});
