// Every command the page ran, as `$ command line` with its output, error and exit code.
import type { ShellResult } from '../../worker/emulator-types.ts';
import { errorMessage } from '../../core/errors.ts';
import { logToText, type LogEntry } from './command-log-text.ts';
import { el, setText, uid } from './dom.ts';

const MAX_ENTRIES = 500;
/** Within this many pixels of the bottom counts as "following" the log. */
const FOLLOW_SLACK = 24;

export class CommandLog {
  /** `data-testid="command-log"`. */
  readonly element: HTMLElement;
  private readonly _list = el('ol', { class: 'log-entries', 'data-testid': 'command-log-entries' });
  private readonly _scroller = el('div', { class: 'log-scroller', tabindex: 0, role: 'log', 'aria-label': 'Command log' });
  private readonly _copyStatus = el('span', { class: 'log-copy-status', role: 'status' });
  private readonly _entries: LogEntry[] = [];
  private _copyTimer = 0;

  constructor() {
    const copy = el('button', { type: 'button', class: 'button small', 'data-testid': 'command-log-copy' }, 'Copy all');
    copy.addEventListener('click', () => void this._copyAll());
    const titleId = uid('command-log-title');
    this._scroller.append(this._list, el('p', { class: 'log-empty' }, 'Commands the panel runs appear here.'));
    this.element = el(
      'section',
      { class: 'command-log', 'data-testid': 'command-log', 'aria-labelledby': titleId },
      el('header', { class: 'section-head' }, el('h2', { id: titleId }, 'Commands'), this._copyStatus, copy),
      this._scroller,
    );
  }

  /** A command that ran (through the agent) with its result. */
  append(cmd: string, result: ShellResult): void {
    this._add({ kind: 'ran', cmd, result });
  }

  /** A command that could not run at all. */
  appendError(cmd: string, error: unknown): void {
    this._add({ kind: 'failed', cmd, error: errorMessage(error) });
  }

  /** A command typed into the terminal's shell (its output is there). */
  appendTyped(cmd: string): void {
    this._add({ kind: 'typed', cmd });
  }

  /** The whole log as text to paste into a shell: commands as lines, the rest as `#` comments. */
  text(): string {
    return logToText(this._entries);
  }

  private _add(entry: LogEntry): void {
    const s = this._scroller;
    const following = s.scrollHeight - s.scrollTop - s.clientHeight <= FOLLOW_SLACK;
    this._entries.push(entry);
    this._list.append(renderEntry(entry));
    while (this._entries.length > MAX_ENTRIES) {
      this._entries.shift();
      this._list.firstElementChild?.remove();
    }
    if (following) s.scrollTop = s.scrollHeight;
  }

  private async _copyAll(): Promise<void> {
    let message: string;
    try {
      await navigator.clipboard.writeText(this.text());
      message = this._entries.length === 0 ? 'Nothing to copy' : 'Copied';
    } catch {
      message = 'Copy failed: the browser did not allow it';
    }
    setText(this._copyStatus, message);
    clearTimeout(this._copyTimer);
    this._copyTimer = window.setTimeout(() => setText(this._copyStatus, ''), 2500);
  }
}

function renderEntry(entry: LogEntry): HTMLLIElement {
  const li = el('li', { class: `log-entry ${entry.kind}` }, el('div', { class: 'log-cmd' }, el('span', { class: 'prompt', 'aria-hidden': 'true' }, '$ '), entry.cmd));
  switch (entry.kind) {
    case 'ran': {
      const { stdout, stderr, code } = entry.result;
      if (stdout !== '') li.append(el('pre', { class: 'log-out' }, stdout.replace(/\n$/, '')));
      if (stderr !== '') li.append(el('pre', { class: 'log-err' }, stderr.replace(/\n$/, '')));
      li.append(el('div', { class: `log-code${code === 0 ? '' : ' failed'}` }, `exit ${code}`));
      li.dataset.code = String(code);
      break;
    }
    case 'failed':
      li.append(el('pre', { class: 'log-err' }, `could not run: ${entry.error}`));
      break;
    case 'typed':
      li.append(el('div', { class: 'log-note' }, 'typed into the terminal'));
      break;
  }
  return li;
}
