// Compress a machine state in a short-lived worker of its own (src/worker/gzip.worker.ts), so that
// neither the emulator nor the page's main thread stalls meanwhile. The buffer is transferred.
import type { GzipReply } from '../../worker/gzip.worker.ts';

export function gzipOffThread(data: ArrayBuffer): Promise<ArrayBuffer> {
  const worker = new Worker(new URL('../../worker/gzip.worker.ts', import.meta.url), { type: 'module' });
  return new Promise<ArrayBuffer>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<GzipReply>) => {
      if (e.data.ok) resolve(e.data.data);
      else reject(new Error(`gzip: ${e.data.error}`));
    };
    worker.onerror = (e) => {
      e.preventDefault();
      reject(new Error(`gzip worker failed${e.message ? `: ${e.message}` : ''}`));
    };
    worker.postMessage(data, [data]);
  }).finally(() => worker.terminate());
}
