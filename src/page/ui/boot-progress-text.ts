// What the boot overlay says at each stage. DOM-free.
import type { BootProgress } from '../../worker/emulator-types.ts';
import { formatDownload } from '../lab/format.ts';

export interface BootView {
  /** The stage, e.g. "Downloading guest image"; changes only with the stage (a live region reads it). */
  text: string;
  /** The figures that change within a stage, e.g. "3.1 of 4.8 MiB". */
  detail?: string;
  /** 1 download, 2 boot, 3 services; 0 when done or failed. */
  step: 0 | 1 | 2 | 3;
  /** Bytes for the bar; both absent: indeterminate. */
  value?: number;
  max?: number;
  done: boolean;
  failed: boolean;
}

export const BOOT_STEPS = ['Download', 'Boot Linux', 'Start services'] as const;

export function describeBoot(p: BootProgress): BootView {
  switch (p.stage) {
    case 'download': {
      const loaded = p.loaded ?? 0;
      const known = p.total !== undefined && p.total > 0;
      const text = 'Downloading guest image';
      const view: BootView = { text, step: 1, done: false, failed: false };
      if (loaded > 0 || known) view.detail = formatDownload(loaded, p.total);
      if (known) Object.assign(view, { value: Math.min(loaded, p.total!), max: p.total! });
      return view;
    }
    case 'boot':
      return { text: 'Booting Linux…', step: 2, done: false, failed: false };
    case 'services':
      return { text: 'Starting services…', step: 3, done: false, failed: false };
    case 'ready':
      return { text: 'Ready', step: 0, done: true, failed: false };
    case 'error':
      return { text: p.message?.trim() || 'The guest could not start.', step: 0, done: false, failed: true };
  }
}
