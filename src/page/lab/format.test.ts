import { describe, expect, it } from 'vitest';
import { firstLine, formatBytes, formatDownload, formatKb } from './format.ts';

describe('formatBytes', () => {
  it('prints small counts in bytes and larger ones in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(266)).toBe('266 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(49 * 1024 * 1024)).toBe('49 MiB');
    expect(formatBytes(3 * 1024 ** 4 * 1024)).toBe('3072 TiB');
  });

  it('shows a dash for what is not a size', () => {
    expect(formatBytes(Number.NaN)).toBe('—');
    expect(formatBytes(-1)).toBe('—');
  });

  it('reads the kernel kB as KiB', () => {
    expect(formatKb(6972)).toBe('6.8 MiB');
    expect(formatKb(512)).toBe('512 KiB');
  });
});

describe('formatDownload', () => {
  it('gives loaded of total in MiB with one decimal', () => {
    expect(formatDownload(3.1 * 1048576, 4.86 * 1048576)).toBe('3.1 of 4.9 MiB');
    expect(formatDownload(0, 5_059_788)).toBe('0.0 of 4.8 MiB');
  });

  it('gives the loaded size alone while the total is unknown', () => {
    expect(formatDownload(2 * 1048576)).toBe('2.0 MiB');
    expect(formatDownload(2 * 1048576, 0)).toBe('2.0 MiB');
  });
});

describe('firstLine', () => {
  it('takes the first non-empty line, trimmed', () => {
    expect(firstLine('\n  vpsctl: create VPS 6: --ip: bad\nmore\n')).toBe('vpsctl: create VPS 6: --ip: bad');
    expect(firstLine('')).toBe('');
  });
});
