// The bridge that owns one emulator worker and presents it to the page as a LabHost.
import { proxy, wrap, type Remote } from 'comlink';
import type { EmulatorApi } from '../emulator/emulator.worker.ts';
import type { BootProgress, LabHost, ShellResult } from './host-types.ts';

export class WorkerHost implements LabHost {
  readonly ready: Promise<void>;
  private _progress: BootProgress = { stage: 'download', loaded: 0 };
  private readonly _progressListeners = new Set<(p: BootProgress) => void>();
  private readonly _consoleListeners = new Set<(bytes: Uint8Array) => void>();
  private readonly _worker: Worker;
  private readonly _api: Remote<EmulatorApi>;

  constructor(
    readonly name: string,
    imageBase: URL,
  ) {
    this._worker = new Worker(new URL('../emulator/emulator.worker.ts', import.meta.url), { type: 'module' });
    this._api = wrap<EmulatorApi>(this._worker);
    const crashed = new Promise<never>((_, reject) => {
      this._worker.addEventListener('error', (e) => {
        e.preventDefault();
        reject(new Error(`the emulator worker crashed${e.message ? `: ${e.message}` : ''}`));
      });
    });
    this.ready = Promise.race([
      this._api.boot(
        imageBase.href,
        proxy((p: BootProgress) => this._setProgress(p)),
        proxy((bytes: Uint8Array) => this._consoleListeners.forEach((l) => l(bytes))),
      ),
      crashed,
    ]).catch((e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      this._setProgress({ stage: 'error', message });
      throw e instanceof Error ? e : new Error(message);
    });
    this.ready.catch(() => {}); // observed through progress; callers that await it still see it
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
    void this._api.sendConsole(bytes);
  }

  async exec(cmd: string): Promise<ShellResult> {
    await this.ready;
    return this._api.exec(cmd);
  }

  async vservers(): Promise<Record<string, string>> {
    await this.ready;
    return this._api.vservers();
  }

  saveState(): Promise<ArrayBuffer> {
    return this._api.saveState();
  }

  dispose(): void {
    this._worker.terminate();
  }
}
