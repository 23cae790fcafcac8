import { describe, expect, it } from 'vitest';
import { stateFor } from './boot-cache.ts';

describe('boot cache record', () => {
  const state = new Blob([new Uint8Array([1, 2, 3])]);

  it('gives the state kept for this image version', () => {
    expect(stateFor({ version: 'abc', state }, 'abc')).toBe(state);
  });

  it("never gives another image version's state, or anything not a kept record", () => {
    expect(stateFor({ version: 'old', state }, 'abc')).toBeUndefined();
    expect(stateFor(undefined, 'abc')).toBeUndefined();
    expect(stateFor(null, 'abc')).toBeUndefined();
    expect(stateFor('abc', 'abc')).toBeUndefined();
    expect(stateFor(new ArrayBuffer(8), 'abc')).toBeUndefined(); // an older page kept bare buffers
    expect(stateFor({ version: 'abc', state: new ArrayBuffer(3) }, 'abc')).toBeUndefined();
    expect(stateFor({ version: 'abc' }, 'abc')).toBeUndefined();
  });
});
