// The figures a VPS card shows, from `vpsctl --json list` and /proc/vservers. DOM-free.
import type { VpsStatus } from '../../core/vps-status.ts';
import type { Limit } from '../../core/vservers.ts';
import { formatBytes, formatKb } from '../lab/format.ts';

export type FigureKey = 'procs' | 'memory' | 'rss' | 'disk' | 'files' | 'sockets';
export type UsageLevel = 'ok' | 'warn' | 'high';

export interface Figure {
  key: FigureKey;
  label: string;
  /** The number as used for the sparkline (count or kB). */
  amount: number;
  text: string;
  /** With a numeric limit: the bar. */
  usage?: { fraction: number; level: UsageLevel; limitText: string };
  /** "unlimited" printed by the module. */
  unlimited?: boolean;
}

export function usageLevel(fraction: number): UsageLevel {
  return fraction >= 0.9 ? 'high' : fraction >= 0.75 ? 'warn' : 'ok';
}

function figure(key: FigureKey, label: string, amount: number, show: (n: number) => string, limit: Limit | undefined): Figure {
  const f: Figure = { key, label, amount, text: show(amount) };
  if (limit === 'unlimited') f.unlimited = true;
  else if (limit !== undefined && limit > 0) {
    const fraction = Math.min(1, amount / limit);
    f.usage = { fraction, level: usageLevel(fraction), limitText: show(limit) };
  }
  return f;
}

const plain = (n: number): string => String(n);

/**
 * Processes, memory and RSS always (zero when stopped); disk, files and sockets once the
 * module prints them.
 */
export function vpsFigures(s: VpsStatus): Figure[] {
  const v = s.figures;
  const out = [
    figure('procs', 'Processes', v?.processCount ?? s.procs, plain, v?.processLimit),
    figure('memory', 'Memory', v?.usedMemoryKb ?? Math.round(s.memory_bytes / 1024), formatKb, v?.memoryLimitKb),
    figure('rss', 'RSS', v?.contextRssKb ?? 0, formatKb, v?.contextRssLimitKb),
  ];
  if (v?.usedDiskKb !== undefined) out.push(figure('disk', 'Disk', v.usedDiskKb, formatKb, v.diskLimitKb));
  if (v?.usedFiles !== undefined) out.push(figure('files', 'Files', v.usedFiles, plain, v.filesLimit));
  if (v?.establishedSockets !== undefined) out.push(figure('sockets', 'TCP sockets', v.establishedSockets, plain, v.tcpSocketsLimit));
  return out;
}

export interface Traffic {
  incoming: string;
  outgoing: string;
}

export function vpsTraffic(s: VpsStatus): Traffic | undefined {
  return s.figures ? { incoming: formatBytes(s.figures.incoming), outgoing: formatBytes(s.figures.outgoing) } : undefined;
}

/** What each action needs: a lifecycle state, and no action of the card running. */
export interface ActionAvailability {
  start: boolean;
  stop: boolean;
  destroy: boolean;
  shell: boolean;
  suspend: boolean;
  resume: boolean;
  snapshot: boolean;
  migrate: boolean;
}

export function availableActions(state: VpsStatus['state'], busy: boolean): ActionAvailability {
  const free = !busy;
  return {
    start: free && state === 'stopped',
    stop: free && state !== 'stopped',
    destroy: free && state === 'stopped',
    shell: free && state === 'running',
    suspend: free && state === 'running',
    resume: free && state === 'suspended',
    // Both work in any state: a running VPS is frozen for the copy.
    snapshot: free,
    migrate: free,
  };
}
