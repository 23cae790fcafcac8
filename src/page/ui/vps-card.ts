// One VPS: state, addresses, live figures with bars and sparklines, and its actions.
import type { VpsStatus } from '../../core/vps-status.ts';
import { errorMessage } from '../../core/errors.ts';
import { el, setAttr, setText, uid } from './dom.ts';
import { SampleHistory } from './sample-history.ts';
import { SparklineView } from './sparkline-view.ts';
import { availableActions, vpsFigures, vpsTraffic, type Figure, type FigureKey } from './vps-figures.ts';

export type CardAction = 'start' | 'stop' | 'suspend' | 'resume' | 'destroy' | 'shell' | 'snapshot' | 'migrate';

/** Each resolves when its action is over (the card stays busy until then). */
export type CardActions = Record<Exclude<CardAction, 'migrate'>, (id: number) => Promise<void>> & {
  /** The other hosts of the lab a VPS can move to (none: no Migrate button). */
  migrateTargets(): string[];
  migrate(id: number, target: string): Promise<void>;
};

const BUTTONS: { action: CardAction; label: string; busy: string; kind: string }[] = [
  { action: 'start', label: 'Start', busy: 'Starting…', kind: 'primary' },
  { action: 'stop', label: 'Stop', busy: 'Stopping…', kind: '' },
  { action: 'suspend', label: 'Suspend', busy: 'Suspending…', kind: '' },
  { action: 'resume', label: 'Resume', busy: 'Resuming…', kind: '' },
  { action: 'shell', label: 'Open shell', busy: 'Opening…', kind: '' },
  { action: 'snapshot', label: 'Snapshot', busy: 'Saving…', kind: '' },
  { action: 'migrate', label: 'Migrate…', busy: 'Migrating…', kind: '' },
  { action: 'destroy', label: 'Destroy', busy: 'Destroying…', kind: 'danger' },
];

/** Figures with a sparkline. */
const TRACKED: FigureKey[] = ['procs', 'memory'];

interface FigureRow {
  row: HTMLDivElement;
  value: HTMLSpanElement;
  limit: HTMLSpanElement;
  meter: HTMLDivElement;
  fill: HTMLDivElement;
  spark?: SparklineView;
  history?: SampleHistory;
}

export class VpsCard {
  readonly element: HTMLElement;
  private readonly _name = el('span', { class: 'vps-name' });
  private readonly _badge = el('span', { class: 'state-badge' });
  private readonly _addresses = el('p', { class: 'vps-addresses' });
  private readonly _configError = el('p', { class: 'vps-config-error' });
  private readonly _figures = el('dl', { class: 'vps-figures' });
  private readonly _trafficIn = el('span', { 'data-testid': 'vps-traffic-in' });
  private readonly _trafficOut = el('span', { 'data-testid': 'vps-traffic-out' });
  private readonly _trafficRow: HTMLDivElement;
  private readonly _rows = new Map<FigureKey, FigureRow>();
  private readonly _buttons = new Map<CardAction, HTMLButtonElement>();
  private readonly _confirm: HTMLDivElement;
  private readonly _confirmCancel: HTMLButtonElement;
  private readonly _migrate: HTMLDivElement;
  private readonly _migrateTarget: HTMLSelectElement;
  private readonly _error = el('p', { class: 'form-error', role: 'alert', 'data-testid': 'vps-action-error' });
  private _state: VpsStatus['state'] = 'stopped';
  private _busy: CardAction | undefined;

  constructor(
    readonly id: number,
    private readonly _actions: CardActions,
  ) {
    const titleId = uid(`vps-${id}-title`);
    const actions = el('div', { class: 'vps-actions' });
    for (const b of BUTTONS) {
      const button = el('button', { type: 'button', class: `button small ${b.kind}`, 'data-testid': `vps-${b.action}` }, b.label);
      button.addEventListener('click', () => {
        if (b.action === 'destroy') this._askDestroy();
        else if (b.action === 'migrate') this._askMigrate();
        else void this._run(b.action);
      });
      this._buttons.set(b.action, button);
      actions.append(button);
    }

    const confirmYes = el('button', { type: 'button', class: 'button small danger', 'data-testid': 'vps-destroy-confirm' }, 'Destroy');
    this._confirmCancel = el('button', { type: 'button', class: 'button small', 'data-testid': 'vps-destroy-cancel' }, 'Cancel');
    confirmYes.addEventListener('click', () => {
      this._closeConfirm();
      void this._run('destroy');
    });
    this._confirmCancel.addEventListener('click', () => this._closeConfirm(true));
    this._confirm = el(
      'div',
      { class: 'vps-confirm', role: 'group', 'aria-label': `Confirm destroying VPS ${id}` },
      el('p', {}, `Destroy VPS ${id}? Its config and private files are deleted.`),
      confirmYes,
      this._confirmCancel,
    );
    this._confirm.hidden = true;
    this._confirm.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this._closeConfirm(true);
    });

    this._migrateTarget = el('select', { 'data-testid': 'vps-migrate-target', 'aria-label': `Host to move VPS ${id} to` });
    const migrateGo = el('button', { type: 'button', class: 'button small primary', 'data-testid': 'vps-migrate-confirm' }, 'Migrate');
    const migrateCancel = el('button', { type: 'button', class: 'button small' }, 'Cancel');
    migrateGo.addEventListener('click', () => {
      const target = this._migrateTarget.value;
      this._migrate.hidden = true;
      if (target) void this._run('migrate', target);
    });
    migrateCancel.addEventListener('click', () => {
      this._migrate.hidden = true;
      this._buttons.get('migrate')?.focus();
    });
    this._migrate = el(
      'div',
      { class: 'vps-confirm vps-migrate', role: 'group', 'aria-label': `Migrate VPS ${id}` },
      el('label', {}, `Move VPS ${id} to `, this._migrateTarget),
      migrateGo,
      migrateCancel,
    );
    this._migrate.hidden = true;
    this._error.hidden = true;

    this._trafficRow = el(
      'div',
      { class: 'figure traffic' },
      el('dt', {}, 'Traffic'),
      el('dd', {}, el('span', { class: 'dir' }, 'in '), this._trafficIn, el('span', { class: 'dir' }, ' · out '), this._trafficOut),
    );
    this.element = el(
      'article',
      { class: 'vps-card', 'data-testid': `vps-card-${id}`, 'aria-labelledby': titleId, tabindex: -1 },
      el('header', { class: 'vps-head' }, el('h3', { id: titleId }, el('span', { class: 'vps-id' }, `#${id}`), ' ', this._name), this._badge),
      this._addresses,
      this._configError,
      this._figures,
      actions,
      this._confirm,
      this._migrate,
      this._error,
    );
  }

  update(s: VpsStatus): void {
    this._state = s.state;
    this.element.dataset.state = s.state;
    this._badge.dataset.state = s.state;
    setText(this._badge, s.state);
    setText(this._name, s.name);
    setText(this._addresses, s.addresses.length > 0 ? s.addresses.join(', ') : 'no addresses');
    this._addresses.classList.toggle('muted', s.addresses.length === 0);
    setText(this._configError, s.config_error ?? '');
    this._configError.hidden = !s.config_error;

    const figures = vpsFigures(s);
    const shown = new Set<FigureKey>();
    for (const f of figures) {
      shown.add(f.key);
      this._updateFigure(this._row(f), f, s);
    }
    for (const [key, row] of this._rows) {
      if (!shown.has(key)) {
        row.row.remove();
        this._rows.delete(key);
      }
    }
    const traffic = vpsTraffic(s);
    setText(this._trafficIn, traffic?.incoming ?? '—');
    setText(this._trafficOut, traffic?.outgoing ?? '—');
    if (this._trafficRow.parentNode !== this._figures || this._figures.lastChild !== this._trafficRow) this._figures.append(this._trafficRow);
    this._syncButtons();
  }

  private _row(f: Figure): FigureRow {
    const known = this._rows.get(f.key);
    if (known) return known;
    const value = el('span', { class: 'figure-value', 'data-testid': `vps-${f.key}` });
    const limit = el('span', { class: 'figure-limit' });
    const fill = el('div', { class: 'meter-fill' });
    const meter = el('div', { class: 'meter', role: 'meter', 'aria-label': `${f.label} of limit`, 'aria-valuemin': 0 }, fill);
    const dd = el('dd', {}, value, limit);
    const row: FigureRow = { row: el('div', { class: 'figure', 'data-key': f.key }, el('dt', {}, f.label), dd, meter), value, limit, meter, fill };
    if (TRACKED.includes(f.key)) {
      row.history = new SampleHistory(60);
      row.spark = new SparklineView(`${f.label}, last minute`);
      dd.append(row.spark.element);
    }
    this._rows.set(f.key, row);
    this._figures.insertBefore(row.row, this._trafficRow.parentNode === this._figures ? this._trafficRow : null);
    return row;
  }

  private _updateFigure(row: FigureRow, f: Figure, s: VpsStatus): void {
    setText(row.value, f.text);
    setText(row.limit, f.usage ? `of ${f.usage.limitText}` : f.unlimited ? '(no limit)' : '');
    row.meter.hidden = !f.usage;
    if (f.usage) {
      setAttr(row.meter, 'aria-valuemax', '100');
      setAttr(row.meter, 'aria-valuenow', String(Math.round(f.usage.fraction * 100)));
      setAttr(row.meter, 'aria-valuetext', `${f.text} of ${f.usage.limitText}`);
      row.meter.dataset.level = f.usage.level;
      row.fill.style.width = `${(f.usage.fraction * 100).toFixed(1)}%`;
    }
    if (row.history && row.spark) {
      // A stopped VPS starts a fresh line next time; only live figures are sampled.
      if (s.figures) row.history.push(f.amount);
      else row.history.clear();
      row.spark.update(row.history);
    }
  }

  private async _run(action: CardAction, target?: string): Promise<void> {
    if (this._busy) return;
    const hadFocus = this.element.contains(document.activeElement);
    this._busy = action;
    this._error.hidden = true;
    this._syncButtons();
    try {
      if (action === 'migrate') await this._actions.migrate(this.id, target!);
      else await this._actions[action](this.id);
    } catch (e) {
      // Snapshot and migrate say what went wrong here; the command log has the whole output.
      setText(this._error, errorMessage(e));
      this._error.hidden = false;
    } finally {
      this._busy = undefined;
      this._syncButtons();
      // The pressed button was disabled and dropped focus: keep a keyboard user in the card.
      if (hadFocus && (document.activeElement === null || document.activeElement === document.body)) this.focus();
    }
  }

  /** Focuses the first action the VPS's state allows, or the card. */
  focus(): void {
    const first = [...this._buttons.values()].find((b) => !b.disabled);
    if (first) first.focus();
    else this.element.focus();
  }

  private _askMigrate(): void {
    const targets = this._actions.migrateTargets();
    this._migrateTarget.replaceChildren(...targets.map((t) => el('option', { value: t }, t)));
    this._migrate.hidden = false;
    this._migrateTarget.focus();
  }

  private _askDestroy(): void {
    this._confirm.hidden = false;
    this._confirmCancel.focus();
  }

  private _closeConfirm(refocus = false): void {
    this._confirm.hidden = true;
    if (refocus) this._buttons.get('destroy')?.focus();
  }

  private _syncButtons(): void {
    const can = availableActions(this._state, this._busy !== undefined);
    for (const b of BUTTONS) {
      const button = this._buttons.get(b.action)!;
      button.disabled = !can[b.action];
      // Suspend and Resume share a place: only the one that fits the state shows.
      button.hidden =
        (b.action === 'resume' && this._state !== 'suspended') ||
        (b.action === 'suspend' && this._state === 'suspended') ||
        (b.action === 'migrate' && this._actions.migrateTargets().length === 0);
      setText(button, this._busy === b.action ? b.busy : b.label);
      setAttr(button, 'aria-busy', this._busy === b.action ? 'true' : null);
    }
    if (!can.destroy) this._confirm.hidden = true;
    if (!can.migrate) this._migrate.hidden = true;
  }
}
