// The bridge that owns one emulator worker and presents it to the page as a LabHost.
import { proxy, transfer, wrap, type Remote } from 'comlink';
import type { EmulatorApi } from '../../worker/emulator.worker.ts';
import { asError, errorMessage } from '../../core/errors.ts';
import { forgetBootStates, imageVersion, loadBootState, saveBootState } from './boot-cache.ts';
import { gzipOffThread } from './gzip-off-thread.ts';
import type { BootProgress, BytesResult, ShellResult } from '../../worker/emulator-types.ts';
import type { LabHost } from './lab-host.ts';

export interface WorkerHostOptions {
  /** Resume the post-boot state cached in IndexedDB, and cache one after a cold boot. */
  bootCache?: boolean;
  /** Resume this gzip'd machine state (a saved lab's) instead of booting; wins over bootCache. */
  state?: ArrayBuffer;
}

export class WorkerHost implements LabHost {
  readonly ready: Promise<void>;
  /** True when this host resumed a cached post-boot state instead of booting. */
  resumed = false;
  private _progress: BootProgress = { stage: 'download', loaded: 0 };
  private readonly _progressListeners = new Set<(p: BootProgress) => void>();
  private readonly _consoleListeners = new Set<(bytes: Uint8Array) => void>();
  private _worker!: Worker;
  /** Rejects when the current worker dies (its script failed, or it threw). */
  private _crashed!: Promise<never>;
  private _api!: Remote<EmulatorApi>;

  constructor(
    readonly name: string,
    private readonly _imageBase: URL,
    opts: WorkerHostOptions = {},
  ) {
    const start = opts.state ? this._resume(opts.state) : this._start(opts.bootCache ?? false);
    this.ready = start.catch((e: unknown) => {
      const message = errorMessage(e);
      this._setProgress({ stage: 'error', message });
      throw asError(e);
    });
    this.ready.catch(() => {}); // observed through progress; callers that await it still see it
  }

  private async _start(useCache: boolean): Promise<void> {
    // The worker loads its code while the page looks for a saved state (manifest, IndexedDB).
    this._spawn();
    // The manifest (the image version) and IndexedDB are read at the same time.
    const versionP = useCache ? imageVersion(this._imageBase) : undefined;
    const saved = versionP ? await loadBootState(versionP) : undefined;
    const version = versionP ? await versionP : undefined;
    if (saved) {
      try {
        await this._boot(saved);
        this.resumed = true;
        this._freshPrompt();
        return;
      } catch (e) {
        // A state that does not resume (damaged, or from another emulator build): drop it, boot cold.
        console.warn(`VPS Lab: the saved post-boot state did not resume (${errorMessage(e)}); booting from the image`);
        this._worker.terminate();
        await forgetBootStates();
        this._spawn();
      }
    }
    await this._boot(undefined, version !== undefined);
    if (version) void this._cacheBootState(version);
  }

  private async _resume(state: ArrayBuffer): Promise<void> {
    this._spawn();
    await this._boot(state);
    this._freshPrompt();
  }

  /** A fresh prompt for the fresh terminal of a resumed machine. */
  private _freshPrompt(): void {
    this.sendConsole(new TextEncoder().encode('\r'));
  }

  /** A new emulator worker; it starts loading its code at once. */
  private _spawn(): void {
    this._worker = new Worker(new URL('../../worker/emulator.worker.ts', import.meta.url), { type: 'module' });
    this._api = wrap<EmulatorApi>(this._worker);
    const worker = this._worker;
    this._crashed = new Promise<never>((_, reject) => {
      worker.addEventListener('error', (e) => {
        e.preventDefault();
        reject(new Error(`the emulator worker crashed${e.message ? `: ${e.message}` : ''}`));
      });
    });
    this._crashed.catch(() => {}); // raced in _boot; a crash before it is kept until then
  }

  private _boot(saved: ArrayBuffer | Blob | undefined, captureBootState = false): Promise<void> {
    const crashed = this._crashed;
    const boot = this._api.boot(
      this._imageBase.href,
      proxy((p: BootProgress) => this._setProgress(p)),
      proxy((bytes: Uint8Array) => this._consoleListeners.forEach((l) => l(bytes))),
      saved,
      captureBootState,
    );
    return Promise.race([boot, crashed]);
  }

  private async _cacheBootState(version: string): Promise<void> {
    try {
      const raw = await this._api.takeBootState();
      if (raw) await saveBootState(version, await gzipOffThread(raw));
    } catch (e) {
      console.warn(`VPS Lab: could not cache the post-boot state: ${errorMessage(e)}`);
    }
  }

  get progress(): BootProgress {
    return this._progress;
  }

  private _setProgress(p: BootProgress): void {
    this._progress = p;
    this._progressListeners.forEach((l) => l(p));
  }

  onProgress(listener: (p: BootProgress) => void): () => void {
    this._progressListeners.add(listener);
    return () => this._progressListeners.delete(listener);
  }

  onConsole(listener: (bytes: Uint8Array) => void): () => void {
    this._consoleListeners.add(listener);
    return () => this._consoleListeners.delete(listener);
  }

  sendConsole(bytes: Uint8Array): void {
    void this._api?.sendConsole(bytes);
  }

  async exec(cmd: string): Promise<ShellResult> {
    await this.ready;
    return this._api.exec(cmd);
  }

  async execBytes(cmd: string, stdin?: ArrayBuffer): Promise<BytesResult> {
    await this.ready;
    // Not transferred: the worker gets a structured clone, the caller keeps its bytes (a stored snapshot).
    return this._api.execBytes(cmd, stdin);
  }

  async vservers(): Promise<Record<string, string>> {
    await this.ready;
    return this._api.vservers();
  }

  /** Plug the guest's eth0 into a switch port's other end (see EmulatorApi.attachNet). */
  async attachNet(port: MessagePort): Promise<void> {
    await this.ready;
    await this._api.attachNet(transfer(port, [port]));
  }

  /** Take the machine state now, held raw in the worker until takeCapturedState() (gzip'd then). */
  async captureState(): Promise<void> {
    await this.ready;
    await this._api.captureState();
  }

  async takeCapturedState(): Promise<ArrayBuffer> {
    await this.ready;
    return this._api.takeCapturedState();
  }

  async pause(): Promise<void> {
    await this.ready;
    await this._api.pause();
  }

  async resume(): Promise<void> {
    await this.ready;
    await this._api.resume();
  }

  dispose(): void {
    this._worker?.terminate();
  }
}
