// The points of an SVG sparkline polyline. DOM-free.

export interface SparklineBox {
  width: number;
  height: number;
  /** Samples the full width holds; fewer samples are drawn from the right edge. */
  capacity: number;
}

/**
 * "x,y x,y ...": newest sample at the right edge, y scaled from 0 (bottom) to the largest
 * sample (top). Fewer than 2 samples draw nothing.
 */
export function sparklinePoints(values: readonly number[], box: SparklineBox): string {
  const shown = values.slice(-box.capacity);
  if (shown.length < 2) return '';
  const max = Math.max(...shown.filter(Number.isFinite), 0);
  const step = box.width / (box.capacity - 1);
  const pad = 1; // keeps a 2px stroke inside the box
  const usable = box.height - 2 * pad;
  return shown
    .map((v, i) => {
      const x = box.width - (shown.length - 1 - i) * step;
      const ratio = max > 0 && Number.isFinite(v) ? Math.max(0, v) / max : 0;
      const y = box.height - pad - ratio * usable;
      return `${round(x)},${round(y)}`;
    })
    .join(' ');
}

const round = (n: number): number => Math.round(n * 100) / 100;
