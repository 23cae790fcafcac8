// gzip off the emulator's thread: a machine state (tens of MB) compresses here while the emulator
// runs on. One request per message: an ArrayBuffer in, its gzip out (both transferred).
import { gzip } from '../core/machine/image.ts';
import { errorMessage } from '../core/errors.ts';

/** The answer to one request: the gzip'd bytes, or why there are none. */
export type GzipReply = { ok: true; data: ArrayBuffer } | { ok: false; error: string };

self.onmessage = async (e: MessageEvent<ArrayBuffer>) => {
  try {
    const out = await gzip(e.data);
    self.postMessage({ ok: true, data: out } satisfies GzipReply, { transfer: [out] });
  } catch (err) {
    self.postMessage({ ok: false, error: errorMessage(err) } satisfies GzipReply);
  }
};
