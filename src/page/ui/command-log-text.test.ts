import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { logToText, type LogEntry } from './command-log-text.ts';

const entries: LogEntry[] = [
  { kind: 'ran', cmd: "vpsctl create 5 --name 'lab5'", result: { code: 0, stdout: 'VPS 5 (lab5) created: /etc/vps/vps_5.conf\n', stderr: '' } },
  { kind: 'ran', cmd: 'vpsctl start 99', result: { code: 1, stdout: '', stderr: 'vpsctl: VPS 99 has no config\n' } },
  { kind: 'typed', cmd: 'vpsctl shell 5' },
  { kind: 'failed', cmd: 'vpsctl stop 5', error: 'the emulator worker crashed' },
];

describe('logToText', () => {
  it('keeps commands as lines and everything else as comments', () => {
    expect(logToText(entries)).toBe(
      [
        "vpsctl create 5 --name 'lab5'",
        '# VPS 5 (lab5) created: /etc/vps/vps_5.conf',
        'vpsctl start 99',
        '# vpsctl: VPS 99 has no config',
        '# exit 1',
        'vpsctl shell 5',
        '# (typed into the terminal)',
        'vpsctl stop 5',
        '# could not run: the emulator worker crashed',
        '',
      ].join('\n'),
    );
  });

  it('is empty for an empty log', () => {
    expect(logToText([])).toBe('');
  });

  it('runs only the commands when pasted into sh', () => {
    const text = logToText([
      { kind: 'ran', cmd: 'echo one', result: { code: 0, stdout: 'one\n\nrm -rf /tmp/nothing-here\n', stderr: '' } },
      { kind: 'ran', cmd: 'echo two', result: { code: 3, stdout: 'two\n', stderr: 'oops' } },
    ]);
    expect(execFileSync('sh', { input: text, encoding: 'utf8' })).toBe('one\ntwo\n');
  });
});
