// Command log entries and their plain-text form. DOM-free.
import type { ShellResult } from '../../worker/emulator-types.ts';

export type LogEntry =
  /** Ran through the agent. */
  | { kind: 'ran'; cmd: string; result: ShellResult }
  /** Could not run at all (the agent or worker failed). */
  | { kind: 'failed'; cmd: string; error: string }
  /** Typed into the terminal's shell; its output is in the terminal. */
  | { kind: 'typed'; cmd: string };

const comment = (text: string): string[] =>
  text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => (l === '' ? '#' : `# ${l}`));

/**
 * One entry as text a student can paste into the shell: the command line as is, everything
 * else as `#` comments, so pasting re-runs the commands and nothing else.
 */
export function entryToText(entry: LogEntry): string[] {
  const lines = [entry.cmd];
  switch (entry.kind) {
    case 'ran': {
      const { stdout, stderr, code } = entry.result;
      if (stdout !== '') lines.push(...comment(stdout));
      if (stderr !== '') lines.push(...comment(stderr));
      if (code !== 0) lines.push(`# exit ${code}`);
      break;
    }
    case 'failed':
      lines.push(`# could not run: ${entry.error}`);
      break;
    case 'typed':
      lines.push('# (typed into the terminal)');
      break;
  }
  return lines;
}

export function logToText(entries: readonly LogEntry[]): string {
  return entries.length === 0 ? '' : `${entries.flatMap(entryToText).join('\n')}\n`;
}
