// vpsd on the real guest: answers, survives any input, keeps replies whole under concurrency.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAgentLine, type AgentMessage } from '../../src/core/agent/agent-wire.ts';
import { startGuest, type Guest } from './guest.ts';

describe('vpsd agent', () => {
  let g: Guest;
  beforeEach(async () => {
    g = await startGuest();
  });
  afterEach(() => g.close());

  /** Send raw bytes to the agent and collect the parsed lines it answers until `until` holds. */
  async function raw(bytes: string, until: (m: AgentMessage[]) => boolean): Promise<AgentMessage[]> {
    // Answers to the start-up probes may still be on their way (a second probe goes out when the
    // first answer is slow): one ping first, answered after them, so none is half in `text`.
    await g.machine.agent.ping();
    const got: AgentMessage[] = [];
    let text = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${JSON.stringify(bytes)}: ${text}`)), 10_000);
      const off = g.machine.onAgentBytes((b) => {
        text += new TextDecoder().decode(b);
        const lines = text.split('\n');
        text = lines.pop()!;
        for (const l of lines) if (l.trim()) got.push(parseAgentLine(l));
        if (until(got)) {
          clearTimeout(timer);
          off();
          resolve(got);
        }
      });
      g.machine.sendAgentBytes(new TextEncoder().encode(bytes));
    });
  }

  it('answers malformed requests with an error line and keeps serving', async () => {
    const bad = [
      'not json\n',
      '[1,2,3]\n',
      '{"id":41,"op":"frobnicate"}\n',
      '{"id":42,"op":"exec"}\n',
      '{"id":43,"op":"exec","argv":"ls"}\n',
      '{"id":44,"op":"exec","argv":["true"],"timeout_ms":-5}\n',
      '{"id":45\n',
    ];
    const replies = await raw(bad.join(''), (m) => m.filter((x) => x.kind === 'error').length >= bad.length);
    const errors = replies.filter((x) => x.kind === 'error');
    expect(errors).toHaveLength(bad.length);
    for (const e of errors) expect(e.kind === 'error' && e.error.length > 0 && !e.error.includes('\n')).toBe(true);
    expect(errors.map((e) => (e.kind === 'error' ? e.id : undefined)).filter((id) => id !== null)).toEqual([41, 42, 43, 44]);
    expect((await g.machine.agent.ping()).version).toBe('0.1.0');
  });

  it('runs commands with stdin and reports exit codes, signals and missing programs', async () => {
    const r = await g.machine.agent.exec(['sh', '-c', 'tr a-z A-Z; exit 3'], { stdin: new TextEncoder().encode('hello') });
    expect(new TextDecoder().decode(r.stdout)).toBe('HELLO');
    expect(r.code).toBe(3);
    expect((await g.machine.agent.exec(['sh', '-c', 'kill -9 $$'])).code).toBe(137);
    const missing = await g.machine.agent.exec(['/no/such/program']);
    expect(missing.code).toBe(127);
  });

  it('keeps concurrent replies whole and matched to their requests', async () => {
    const runs = Array.from({ length: 8 }, (_, i) => g.machine.agent.execShell(`head -c ${20000 + i} /dev/zero | tr '\\0' ${i}`));
    const results = await Promise.all(runs);
    results.forEach((r, i) => {
      expect(r.stdout.length).toBe(20000 + i);
      expect(new Set(r.stdout)).toEqual(new Set([String(i)]));
    });
  });

  it('reads /proc/vservers for the page in one request', async () => {
    await g.ok('vpsctl start 3');
    const files = await g.machine.agent.vservers();
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['setup', 'self', '0', '1', '3']));
    expect(files['3']).toMatch(/^vserver id: 3$/m);
  });
});
