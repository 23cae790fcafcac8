// A cold boot runs interpreted (v86's JIT would spend the boot compiling code that runs once);
// the JIT is on from the moment the agent answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestMachine } from '../../src/core/machine/guest-machine.ts';
import { bootNodeMachine } from '../../src/node/node-host.ts';

describe('cold boot and the JIT', () => {
  let m: GuestMachine;
  beforeAll(async () => {
    m = await bootNodeMachine();
  });
  afterAll(() => m.destroy());

  it('compiles no guest code before the agent answers, and compiles hot code after', async () => {
    expect(m.jitCompiles).toBe(0);
    const r = await m.agent.execShell('vpstest cpu 3000000', { timeoutMs: 0 });
    expect(r.code).toBe(0);
    expect(m.jitCompiles).toBeGreaterThan(0);
  });
});
