// A Vite plugin: `import url from 'virtual:v86-wasm-gzip'` gives the URL of v86.wasm gzip'd
// (2.1 MB -> 0.4 MB). Static hosts, vite preview among them, serve files as they are, so the
// page downloads the small file and unpacks it itself (DecompressionStream).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

const ID = 'virtual:v86-wasm-gzip';
const DEV_URL = '/@vpslab/v86.wasm.gzip';

export function gzippedV86Wasm(): Plugin {
  let gz: Buffer | undefined;
  const bytes = (): Buffer => {
    const wasm = join(dirname(createRequire(import.meta.url).resolve('v86')), 'v86.wasm');
    gz ??= gzipSync(readFileSync(wasm), { level: 9 });
    return gz;
  };
  return {
    name: 'vpslab-gzipped-v86-wasm',
    resolveId: (source) => (source === ID ? `\0${ID}` : null),
    load(id) {
      if (id !== `\0${ID}`) return null;
      if (this.meta.watchMode) return `export default ${JSON.stringify(DEV_URL)};`;
      const ref = this.emitFile({ type: 'asset', name: 'v86.wasm.gzip', source: bytes() });
      return `export default import.meta.ROLLUP_FILE_URL_${ref};`;
    },
    configureServer(server) {
      server.middlewares.use(DEV_URL, (_req, res) => {
        res.setHeader('Content-Type', 'application/octet-stream');
        res.end(bytes());
      });
    },
  };
}
