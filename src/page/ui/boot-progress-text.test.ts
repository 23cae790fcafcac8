import { describe, expect, it } from 'vitest';
import { describeBoot } from './boot-progress-text.ts';

const MIB = 1048576;

describe('describeBoot', () => {
  it('shows downloaded bytes of the total with a determinate bar', () => {
    expect(describeBoot({ stage: 'download', loaded: 3.1 * MIB, total: 4.9 * MIB })).toEqual({
      text: 'Downloading guest image',
      detail: '3.1 of 4.9 MiB',
      step: 1,
      value: 3.1 * MIB,
      max: 4.9 * MIB,
      done: false,
      failed: false,
    });
  });

  it('has an indeterminate bar while the size is unknown', () => {
    const v = describeBoot({ stage: 'download', loaded: 0 });
    expect(v.text).toBe('Downloading guest image');
    expect(v.detail).toBeUndefined();
    expect(v.value).toBeUndefined();
    expect(describeBoot({ stage: 'download', loaded: MIB })).toMatchObject({ detail: '1.0 MiB' });
    expect(describeBoot({ stage: 'download', loaded: MIB }).value).toBeUndefined();
  });

  it('never shows more loaded than the total', () => {
    expect(describeBoot({ stage: 'download', loaded: 2 * MIB, total: MIB }).value).toBe(MIB);
  });

  it('names the boot stages and is done when ready', () => {
    expect(describeBoot({ stage: 'boot' })).toMatchObject({ text: 'Booting Linux…', step: 2 });
    expect(describeBoot({ stage: 'services' })).toMatchObject({ text: 'Starting services…', step: 3 });
    expect(describeBoot({ stage: 'ready' })).toMatchObject({ done: true, failed: false });
  });

  it('gives the boot error as the message, or a generic line without one', () => {
    expect(describeBoot({ stage: 'error', message: 'guest image: HTTP 404 for bzImage' })).toMatchObject({
      text: 'guest image: HTTP 404 for bzImage',
      failed: true,
    });
    expect(describeBoot({ stage: 'error', message: '  ' }).text).toBe('The guest could not start.');
  });
});
