// What the page knows about one emulated host, independent of how it runs (worker, test double).

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

/** One row of `vpsctl --json list`. */
export interface VpsListEntry {
  id: number;
  name: string;
  state: 'running' | 'suspended' | 'stopped';
  init_pid: number;
  procs: number;
  memory_bytes: number;
  addresses: string[];
  config_error?: string;
}

export interface LabHost {
  /** "host1", shown in tabs and used by window.vpsLab's {host}. */
  readonly name: string;
  readonly progress: BootProgress;
  /** Resolves when the guest agent answers; rejects with the boot error. */
  readonly ready: Promise<void>;
  onProgress(listener: (p: BootProgress) => void): () => void;
  /** Console (ttyS0) output bytes; returns the unsubscribe function. */
  onConsole(listener: (bytes: Uint8Array) => void): () => void;
  /** Keyboard input to the console. */
  sendConsole(bytes: Uint8Array): void;
  /** `sh -c cmd` as root in the guest host context, through the agent (not the console). */
  exec(cmd: string): Promise<ShellResult>;
  /** Like exec, with binary stdin and stdout (snapshot files; stdin is paced by the agent). */
  execBytes(cmd: string, stdin?: ArrayBuffer): Promise<BytesResult>;
  /** Every /proc/vservers file but trafstat, by name. */
  vservers(): Promise<Record<string, string>>;
}
