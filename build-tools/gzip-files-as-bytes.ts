// A Vite plugin for `vite` and `vite preview`: our `.gzip` files (image parts, v86.wasm) go out
// as application/octet-stream, as typical static hosts send a name they do not know. Vite's own
// servers sent them with no type, which their compression middleware takes for text and gzips
// again on the fly: bytes compressed twice, and the server's CPU busy while the page boots.
import type { Connect, Plugin } from 'vite';

const asBytes: Connect.NextHandleFunction = (req, res, next) => {
  if ((req.url ?? '').split('?')[0]!.endsWith('.gzip')) {
    const setHeader = res.setHeader.bind(res);
    res.setHeader = (name, value) =>
      setHeader(name, name.toLowerCase() === 'content-type' && !value ? 'application/octet-stream' : value);
  }
  next();
};

export function gzipFilesAsBytes(): Plugin {
  return {
    name: 'vpslab-gzip-files-as-bytes',
    configureServer: (server) => void server.middlewares.use(asBytes),
    configurePreviewServer: (server) => void server.middlewares.use(asBytes),
  };
}
