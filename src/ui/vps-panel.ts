// The VPS of one host as cards, polled about once a second and updated in place.
import type { LabHost } from '../lab/host-types.ts';
import { readVpsStatus, type VpsStatus } from '../lab/vps-status.ts';
import type { CommandSink } from './run-logged.ts';
import { runLogged } from './run-logged.ts';
import { el, setText, uid } from './dom.ts';
import type { SnapshotMeta } from '../lab/snapshot-files.ts';
import { errorMessage } from '../shared/errors.ts';
import { migrateVps, takeSnapshot } from './snapshot-commands.ts';
import { VpsCard, type CardActions } from './vps-card.ts';
import { destroyCommand, resumeCommand, startCommand, stopCommand, suspendCommand } from './vpsctl-command.ts';

export interface VpsPanelOptions {
  /** Types `vpsctl shell <id>` into the terminal and focuses it. */
  openShell(id: number): void;
  /** The other hosts of the lab (targets of Migrate). */
  migrateTargets(): string[];
  /** A snapshot was taken and stored. */
  onSnapshot?(meta: SnapshotMeta): void;
  /** Between the end of one poll and the start of the next. */
  intervalMs?: number;
}


export class VpsPanel {
  readonly element: HTMLElement;
  private readonly _list = el('div', { class: 'vps-list', tabindex: -1 });
  private readonly _status = el('p', { class: 'panel-status', role: 'status' }, 'Waiting for the guest to boot…');
  private readonly _cards = new Map<number, VpsCard>();
  private readonly _actions: CardActions;
  private readonly _interval: number;
  private readonly _onVisibility = (): void => this._visibilityChanged();
  private _timer = 0;
  private _started = false;
  private _disposed = false;
  private _inFlight: Promise<void> | undefined;
  private _again = false;
  private _afterNext: (() => void)[] = [];
  private _last: VpsStatus[] = [];

  constructor(
    private readonly _host: LabHost,
    log: CommandSink,
    opts: VpsPanelOptions,
  ) {
    this._interval = opts.intervalMs ?? 1000;
    const act = (command: (id: number) => string) => async (id: number) => {
      await runLogged(this._host, log, command(id));
      await this.refresh();
    };
    this._actions = {
      start: act(startCommand),
      stop: act(stopCommand),
      suspend: act(suspendCommand),
      resume: act(resumeCommand),
      destroy: act(destroyCommand),
      shell: async (id) => opts.openShell(id),
      snapshot: async (id) => {
        const name = this._last.find((v) => v.id === id)?.name ?? `vps${id}`;
        const meta = await takeSnapshot(this._host, log, { id, name });
        opts.onSnapshot?.(meta);
      },
      migrateTargets: () => opts.migrateTargets(),
      migrate: async (id, target) => {
        try {
          await migrateVps(this._host, log, id, target);
        } finally {
          await this.refresh();
        }
      },
    };
    const titleId = uid('vps-panel-title');
    this.element = el(
      'section',
      { class: 'vps-panel', 'data-testid': 'vps-panel', 'aria-labelledby': titleId },
      el('header', { class: 'section-head' }, el('h2', { id: titleId }, 'VPS on ', el('span', { class: 'host-ref' }, _host.name)), this._status),
      this._list,
    );
    document.addEventListener('visibilitychange', this._onVisibility);
    _host.ready.then(
      () => {
        if (this._disposed) return;
        this._started = true;
        void this._poll();
      },
      () => setText(this._status, 'The guest did not start.'),
    );
  }

  /** Polls now (or right after the poll in flight); resolves once the cards show the result. */
  refresh(): Promise<void> {
    if (!this._started || this._disposed) return Promise.resolve();
    if (!this._inFlight) return this._poll();
    this._again = true;
    return new Promise((resolve) => this._afterNext.push(resolve));
  }

  dispose(): void {
    this._disposed = true;
    clearTimeout(this._timer);
    document.removeEventListener('visibilitychange', this._onVisibility);
    this._afterNext.splice(0).forEach((w) => w());
    this.element.remove();
  }

  private async _poll(): Promise<void> {
    clearTimeout(this._timer);
    const waiters = this._afterNext.splice(0);
    this._inFlight = this._pollOnce();
    await this._inFlight;
    this._inFlight = undefined;
    waiters.forEach((w) => w());
    if (this._disposed) return;
    if (this._again) {
      this._again = false;
      await this._poll();
      return;
    }
    this._schedule();
  }

  private async _pollOnce(): Promise<void> {
    try {
      const statuses = await readVpsStatus(this._host);
      if (this._disposed) return;
      this._last = statuses;
      this._render(statuses);
    } catch (e) {
      if (this._disposed) return;
      setText(this._status, `Could not read the VPS list: ${errorMessage(e)}`);
      this._status.classList.add('error');
    }
  }

  private _schedule(): void {
    clearTimeout(this._timer);
    if (this._disposed || document.hidden) return;
    this._timer = window.setTimeout(() => {
      if (!this._inFlight) void this._poll();
    }, this._interval);
  }

  private _visibilityChanged(): void {
    if (!this._started || this._disposed) return;
    if (document.hidden) clearTimeout(this._timer);
    else if (!this._inFlight) void this._poll();
  }

  private _render(statuses: VpsStatus[]): void {
    const sorted = [...statuses].sort((a, b) => a.id - b.id);
    const seen = new Set<number>();
    let prev: Element | null = null;
    for (const s of sorted) {
      seen.add(s.id);
      let card = this._cards.get(s.id);
      if (!card) {
        card = new VpsCard(s.id, this._actions);
        this._cards.set(s.id, card);
      }
      card.update(s);
      // Move (or insert) only when out of place, so unchanged cards are never touched.
      const expected: Element | null = prev ? prev.nextElementSibling : this._list.firstElementChild;
      if (expected !== card.element) this._list.insertBefore(card.element, expected);
      prev = card.element;
    }
    for (const [id, card] of this._cards) {
      if (seen.has(id)) continue;
      const hadFocus = card.element.contains(document.activeElement);
      card.element.remove();
      this._cards.delete(id);
      if (hadFocus) this._list.focus();
    }
    const running = sorted.filter((s) => s.state === 'running').length;
    this._status.classList.remove('error');
    setText(
      this._status,
      sorted.length === 0 ? 'No VPS yet: create one below.' : `${sorted.length} VPS, ${running} running`,
    );
  }
}
