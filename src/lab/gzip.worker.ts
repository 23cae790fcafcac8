// gzip off the emulator's thread: a machine state (tens of MB) compresses here while the emulator
// runs on. One request per message: an ArrayBuffer in, its gzip out (both transferred).
import { gzip } from '../emulator/image.ts';
import { errorMessage } from '../shared/errors.ts';

self.onmessage = async (e: MessageEvent<ArrayBuffer>) => {
  try {
    const out = await gzip(e.data);
    self.postMessage({ ok: true, data: out }, { transfer: [out] });
  } catch (err) {
    self.postMessage({ ok: false, error: errorMessage(err) });
  }
};
