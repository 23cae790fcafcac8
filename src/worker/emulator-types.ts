// What the emulator worker's API (EmulatorApi, in emulator.worker.ts) reports and answers: boot
// progress and command results, as they cross to the page.

export type BootStage = 'download' | 'boot' | 'services' | 'ready' | 'error';

export interface BootProgress {
  stage: BootStage;
  /** download: bytes received so far and in all (compressed, as served). */
  loaded?: number;
  total?: number;
  /** error: one line for the user. */
  message?: string;
}

export interface ShellResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A command's result with its stdout as bytes (a snapshot file), stderr as text. */
export interface BytesResult {
  code: number;
  stdout: ArrayBuffer;
  stderr: string;
}
