// Numbers and tool output as the page shows them (panel, command log). Sizes are binary (the kernel's "kB" is KiB). DOM-free.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** 266 -> "266 B", 6972 KiB -> "6.8 MiB", 49 MiB -> "49 MiB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  const digits = value < 10 ? 1 : 0;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

export const formatKb = (kb: number): string => formatBytes(kb * 1024);

const MIB = 1024 * 1024;

/** "3.1 of 4.8 MiB", or "3.1 MiB" while the size is unknown. */
export function formatDownload(loaded: number, total?: number): string {
  const mib = (n: number): string => (n / MIB).toFixed(1);
  return total !== undefined && total > 0 ? `${mib(loaded)} of ${mib(total)} MiB` : `${mib(loaded)} MiB`;
}

/** The first non-empty line of a tool's stderr, for a one-line message. */
export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  );
}
