// The emulator worker: one emulated host, exposed to the page through comlink as one typed API.
import { expose, transfer, type ProxyMarked } from 'comlink';
import wasmGzipUrl from 'virtual:v86-wasm-gzip';
import type { BootProgress, BytesResult, ShellResult } from './emulator-types.ts';
import { ServicesMarkerWatcher } from './boot-stages.ts';
import { fetchGuestImage, fetchWasmModule } from './fetch-image.ts';
import { gunzip, gzip } from '../core/machine/image.ts';
import { GuestMachine } from '../core/machine/guest-machine.ts';

// The emulator itself (v86.wasm, gzip'd by the build) is fetched and compiled (on V8's background
// threads) from the moment this worker loads: every worker boots or resumes a machine, and the
// page is meanwhile still looking for a saved state.
const wasm = fetchWasmModule(new URL(wasmGzipUrl, self.location.href));
wasm.catch(() => undefined); // awaited by boot(); not unhandled meanwhile

let machine: GuestMachine | undefined;
/** The raw state captured right after a cold boot, before anyone could use the machine. */
let bootState: ArrayBuffer | undefined;
let unplugNet: (() => void) | undefined;
/** A state taken by captureState(), waiting for takeCapturedState(). */
let captured: ArrayBuffer | undefined;

function running(): GuestMachine {
  if (!machine) throw new Error('the emulator has not booted yet');
  return machine;
}

/** Calls at most every `ms`, always delivering the latest value (and the last one). */
function throttle<T>(fn: (v: T) => void, ms: number): (v: T, force?: boolean) => void {
  let last = 0;
  return (v, force) => {
    const now = performance.now();
    if (force || now - last >= ms) {
      last = now;
      fn(v);
    }
  };
}

const api = {
  /**
   * Download the image and boot it, or resume a gzip'd machine state of the same image (a cached
   * post-boot state, or one from takeCapturedState()); resolve when the guest agent answers.
   */
  async boot(
    imageBase: string,
    onProgress: ((p: BootProgress) => void) & ProxyMarked,
    onConsole: ((bytes: Uint8Array) => void) & ProxyMarked,
    savedState?: ArrayBuffer | Blob,
    captureBootState = false,
  ): Promise<void> {
    if (machine) throw new Error('this worker already runs a machine');
    const report = throttle(onProgress, 100);
    const state = savedState ? gunzip(savedState) : undefined;
    state?.catch(() => undefined); // awaited below; not unhandled meanwhile
    const image = await fetchGuestImage(
      new URL(imageBase),
      (loaded, total) => report({ stage: 'download', loaded, total }, loaded === total),
      savedState !== undefined,
    );
    report({ stage: 'boot' }, true);
    const watcher = new ServicesMarkerWatcher((stage) => report({ stage }, true));
    const opts = {
      wasmModule: await wasm,
      onConsole: (bytes: Uint8Array) => {
        watcher.feed(bytes);
        onConsole(transfer(bytes, [bytes.buffer]));
      },
    };
    machine = state ? await GuestMachine.restore(image, await state, opts) : await GuestMachine.boot(image, opts);
    await machine.agent.ready();
    // Taken at once, in this task, so nothing the page does once it hears "ready" is in it. Not
    // worth shrinking first: dropping the guest's caches saved 1 % of the gzip'd state (8.26 MB to
    // 8.17 MB) for 0.3 s of emulated time here, zeroing its free memory 6 % for seconds.
    if (captureBootState && !savedState) bootState = await machine.saveState();
    report({ stage: 'ready' }, true);
  },

  /** The post-boot state captured by boot(..., captureBootState), raw (the page compresses it off
   * this thread, which the emulator needs right after a boot); once. */
  takeBootState(): ArrayBuffer | undefined {
    const raw = bootState;
    bootState = undefined;
    return raw ? transfer(raw, [raw]) : undefined;
  },

  sendConsole(bytes: Uint8Array): void {
    running().sendConsole(bytes);
  },

  async exec(cmd: string): Promise<ShellResult> {
    const r = await running().agent.execShell(cmd, { timeoutMs: 0 });
    return { code: r.code, stdout: r.stdout, stderr: r.stderr };
  },

  /** `sh -c cmd` with binary stdin and stdout (snapshot files); stderr as text. */
  async execBytes(cmd: string, stdin?: ArrayBuffer): Promise<BytesResult> {
    const r = await running().agent.exec(['sh', '-c', cmd], {
      timeoutMs: 0,
      ...(stdin ? { stdin: new Uint8Array(stdin) } : {}),
    });
    const stdout = r.stdout.buffer.byteLength === r.stdout.byteLength ? r.stdout.buffer : r.stdout.slice().buffer;
    const result = { code: r.code, stdout: stdout as ArrayBuffer, stderr: new TextDecoder().decode(r.stderr) };
    return transfer(result, [result.stdout]);
  },

  vservers(): Promise<Record<string, string>> {
    return running().agent.vservers();
  },

  /**
   * Join the lab's switch: frames from the guest's eth0 go out on `port` (buffers transferred),
   * frames arriving on it go to eth0. A second call replaces the first port.
   */
  attachNet(port: MessagePort): void {
    const m = running();
    unplugNet?.();
    const off = m.onNetFrame((frame) => port.postMessage(frame, [frame.buffer]));
    port.onmessage = (e: MessageEvent<Uint8Array>) => m.sendNetFrame(e.data);
    unplugNet = () => {
      off();
      port.close();
    };
  },

  /** Stop the emulated CPU (for a consistent lab save) until resume(). */
  pause(): Promise<void> {
    return running().pause();
  },

  resume(): Promise<void> {
    return running().resume();
  },

  /**
   * Take the machine state now, kept raw in the worker: cheap, so a lab pauses only for this;
   * takeCapturedState() gzips and hands it over after the lab runs again.
   */
  async captureState(): Promise<void> {
    captured = await running().saveState();
  },

  /** The state captured by captureState(), gzip'd; once. */
  async takeCapturedState(): Promise<ArrayBuffer> {
    const raw = captured;
    captured = undefined;
    if (!raw) throw new Error('no captured machine state to take');
    const state = await gzip(raw);
    return transfer(state, [state]);
  },
};

export type EmulatorApi = typeof api;
expose(api);
