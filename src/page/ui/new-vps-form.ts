// "New VPS": builds the exact `vpsctl create` line, runs it (and `vpsctl start`), shows vpsctl's own error.
import { failureLine } from '../lab/command-sink.ts';
import type { LabHost } from '../lab/lab-host.ts';
import type { LabActions } from '../lab/lab-actions.ts';
import { createCommand, fieldOfCreateError, startCommand, type CreateField } from '../lab/vpsctl-command.ts';
import { errorMessage } from '../../core/errors.ts';
import { el, setText, uid } from './dom.ts';

export interface NewVpsFormOptions {
  /** After a create (and start) that worked; the panel refreshes here. */
  onCreated?(id: number): Promise<void> | void;
}

interface Field {
  key: CreateField;
  label: string;
  hint: string;
  attrs: Record<string, string | number | boolean>;
}

const FIELDS: Field[] = [
  { key: 'id', label: 'ID', hint: '3 to 65535', attrs: { type: 'number', min: 3, max: 65535, step: 1, required: true, inputmode: 'numeric', placeholder: '5' } },
  { key: 'name', label: 'Name', hint: 'its hostname', attrs: { type: 'text', placeholder: 'lab5', autocapitalize: 'off' } },
  { key: 'ip', label: 'Addresses', hint: 'comma list: 10.0.5.1/24, fd00::5', attrs: { type: 'text', placeholder: '10.0.5.1/24' } },
  { key: 'limits', label: 'Limits', hint: 'resource:soft:hard, e.g. procs:64:64, phys:32M:48M', attrs: { type: 'text', placeholder: 'procs:64:64, phys:32M:48M' } },
  { key: 'init', label: 'INIT (optional)', hint: 'pid 1 of the VPS; default /sbin/init', attrs: { type: 'text', placeholder: '/sbin/init' } },
];

const TESTID: Record<CreateField, string> = { id: 'new-vps-id', name: 'new-vps-name', ip: 'new-vps-ip', limits: 'new-vps-limits', init: 'new-vps-init' };

export class NewVpsForm {
  /** `data-testid="new-vps-form"`. */
  readonly element: HTMLFormElement;
  private readonly _inputs = new Map<CreateField, HTMLInputElement>();
  private readonly _startAfter: HTMLInputElement;
  private readonly _submit: HTMLButtonElement;
  private readonly _error = el('p', { class: 'form-error', role: 'alert', 'data-testid': 'new-vps-error' });
  private _busy = false;

  constructor(
    private readonly _host: Pick<LabHost, 'exec'>,
    private readonly _actions: LabActions,
    private readonly _opts: NewVpsFormOptions = {},
  ) {
    const prefix = uid('new-vps');
    const rows = FIELDS.map((f) => {
      const hintId = `${prefix}-${f.key}-hint`;
      const input = el('input', { ...f.attrs, name: f.key, 'data-testid': TESTID[f.key], 'aria-describedby': hintId, autocomplete: 'off', spellcheck: 'false' });
      input.addEventListener('input', () => input.removeAttribute('aria-invalid'));
      this._inputs.set(f.key, input);
      return el('label', { class: `field field-${f.key}` }, el('span', { class: 'field-label' }, f.label), input, el('span', { class: 'field-hint', id: hintId }, f.hint));
    });
    this._startAfter = el('input', { type: 'checkbox', name: 'start', checked: true, 'data-testid': 'new-vps-start' });
    this._submit = el('button', { type: 'submit', class: 'button primary', 'data-testid': 'new-vps-submit' }, 'Create');
    this.element = el(
      'form',
      { class: 'new-vps-form', 'data-testid': 'new-vps-form', 'aria-labelledby': `${prefix}-title` },
      el('header', { class: 'section-head' }, el('h2', { id: `${prefix}-title` }, 'New VPS')),
      el('div', { class: 'field-grid' }, ...rows),
      el('div', { class: 'form-foot' }, el('label', { class: 'check' }, this._startAfter, ' Start after create'), this._submit),
      this._error,
    );
    this.element.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.submit();
    });
  }

  /** Runs what the form holds, as the Create button does. */
  async submit(): Promise<void> {
    if (this._busy) return;
    if (!this.element.reportValidity()) return;
    const value = (k: CreateField): string => this._inputs.get(k)!.value;
    const id = Number(value('id'));
    let cmd: string;
    try {
      cmd = createCommand({ id, name: value('name'), ip: value('ip'), limits: value('limits'), init: value('init') });
    } catch (e) {
      this._fail(errorMessage(e), 'id');
      return;
    }
    this._setBusy(true);
    this._clearError();
    try {
      const created = await this._actions.run(this._host, cmd);
      if (created?.code !== 0) {
        const line = failureLine(created, cmd);
        this._fail(line, fieldOfCreateError(line));
        return;
      }
      // The VPS exists now: clear the form so the next one starts fresh, even if start fails.
      const startAfter = this._startAfter.checked;
      this.element.reset();
      if (startAfter) {
        const start = startCommand(id);
        const started = await this._actions.run(this._host, start);
        if (started?.code !== 0) this._fail(failureLine(started, start));
      }
      await this._opts.onCreated?.(id);
    } finally {
      this._setBusy(false);
    }
  }

  dispose(): void {
    this.element.remove();
  }

  private _setBusy(busy: boolean): void {
    this._busy = busy;
    this._submit.disabled = busy;
    setText(this._submit, busy ? 'Creating…' : 'Create');
    this.element.setAttribute('aria-busy', String(busy));
  }

  private _clearError(): void {
    setText(this._error, '');
    for (const input of this._inputs.values()) input.removeAttribute('aria-invalid');
  }

  private _fail(message: string, field?: CreateField): void {
    setText(this._error, message);
    if (!field) return;
    const input = this._inputs.get(field)!;
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-errormessage', this._errorId());
    input.focus();
  }

  private _errorId(): string {
    if (!this._error.id) this._error.id = uid('new-vps-error');
    return this._error.id;
  }
}
