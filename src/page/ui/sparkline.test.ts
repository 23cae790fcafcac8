import { describe, expect, it } from 'vitest';
import { SampleHistory } from './sample-history.ts';
import { sparklinePoints } from './sparkline.ts';

const box = { width: 60, height: 12, capacity: 61 };

describe('sparklinePoints', () => {
  it('draws nothing for fewer than 2 samples', () => {
    expect(sparklinePoints([], box)).toBe('');
    expect(sparklinePoints([5], box)).toBe('');
  });

  it('puts the newest sample at the right edge and the largest at the top', () => {
    expect(sparklinePoints([0, 2, 4], box)).toBe('58,11 59,6 60,1');
  });

  it('keeps an all-zero line on the baseline', () => {
    expect(sparklinePoints([0, 0], box)).toBe('59,11 60,11');
  });

  it('spans the full width when the history is full and drops older samples', () => {
    const values = Array.from({ length: 70 }, (_, i) => i);
    const points = sparklinePoints(values, box).split(' ');
    expect(points).toHaveLength(61);
    expect(points[0], 'the oldest kept sample is 9 of max 69').toBe('0,9.7');
    expect(points.at(-1)).toBe('60,1');
  });
});

describe('SampleHistory', () => {
  it('keeps the last capacity samples, oldest first', () => {
    const h = new SampleHistory(3);
    [1, 2, 3, 4].forEach((v) => h.push(v));
    expect(h.values).toEqual([2, 3, 4]);
    h.clear();
    expect(h.values).toEqual([]);
  });

  it('refuses a capacity too small for a line', () => {
    expect(() => new SampleHistory(1)).toThrow(RangeError);
  });
});
