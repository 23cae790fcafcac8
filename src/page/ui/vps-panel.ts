// The VPS of one host as cards, from the host's status poller (about once a second), updated in place.
import type { LabActions } from '../lab/lab-actions.ts';
import { destroyCommand, resumeCommand, startCommand, stopCommand, suspendCommand } from '../lab/vpsctl-command.ts';
import type { StatusReport, VpsStatusPoller } from '../lab/vps-status-poller.ts';
import type { VpsStatus } from '../../core/vps-status.ts';
import type { WorkerHost } from '../lab/worker-host.ts';
import { el, setText, uid } from './dom.ts';
import { VpsCard, type CardActions } from './vps-card.ts';

export interface VpsPanelOptions {
  /** Types `vpsctl shell <id>` into the terminal and focuses it. */
  openShell(id: number): void;
  /** The other hosts of the lab (targets of Migrate). */
  migrateTargets(): string[];
}

/** Between the end of one read of the VPS and the start of the next. */
const POLL_MS = 1000;

export class VpsPanel {
  readonly element: HTMLElement;
  private readonly _list = el('div', { class: 'vps-list', tabindex: -1 });
  private readonly _status = el('p', { class: 'panel-status', role: 'status' }, 'Waiting for the guest to boot…');
  private readonly _cards = new Map<number, VpsCard>();
  private readonly _actions: CardActions;
  private readonly _unsubscribe: () => void;

  constructor(
    host: WorkerHost,
    private readonly _poller: VpsStatusPoller,
    actions: LabActions,
    opts: VpsPanelOptions,
  ) {
    const act = (command: (id: number) => string) => async (id: number) => {
      await actions.run(host, command(id));
      await this.refresh();
    };
    this._actions = {
      start: act(startCommand),
      stop: act(stopCommand),
      suspend: act(suspendCommand),
      resume: act(resumeCommand),
      destroy: act(destroyCommand),
      shell: async (id) => opts.openShell(id),
      snapshot: async (id) => void (await actions.snapshot(host, id)),
      migrateTargets: () => opts.migrateTargets(),
      migrate: async (id, target) => {
        try {
          await actions.migrate(host, id, target);
        } finally {
          await this.refresh();
        }
      },
    };
    const titleId = uid('vps-panel-title');
    this.element = el(
      'section',
      { class: 'vps-panel', 'data-testid': 'vps-panel', 'aria-labelledby': titleId },
      el('header', { class: 'section-head' }, el('h2', { id: titleId }, 'VPS on ', el('span', { class: 'host-ref' }, host.name)), this._status),
      this._list,
    );
    host.ready.catch(() => setText(this._status, 'The guest did not start.'));
    this._unsubscribe = _poller.subscribe((report) => this._show(report), POLL_MS);
  }

  /** Reads the VPS now (or right after the read in flight); resolves once the cards show the result. */
  refresh(): Promise<void> {
    return this._poller.refresh();
  }

  dispose(): void {
    this._unsubscribe();
    this.element.remove();
  }

  private _show(report: StatusReport): void {
    if ('statuses' in report) {
      this._render(report.statuses);
      return;
    }
    setText(this._status, `Could not read the VPS list: ${report.error}`);
    this._status.classList.add('error');
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
