// What the page knows about one emulated host, independent of how it runs (worker, test double).
import type { BootProgress, BytesResult, ShellResult } from '../../worker/emulator-types.ts';

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
