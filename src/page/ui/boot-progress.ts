// The overlay over the terminal while the guest downloads and boots; an error with Retry if it fails.
import type { BootProgress } from '../../worker/emulator-types.ts';
import type { LabHost } from '../lab/lab-host.ts';
import { BOOT_STEPS, describeBoot } from './boot-progress-text.ts';
import { el, setAttr, setText, uid } from './dom.ts';

export class BootProgressView {
  /** `data-testid="boot-progress"`; hidden once the guest is ready. */
  readonly element: HTMLDivElement;
  private readonly _title = el('h2', { class: 'boot-title', id: uid('boot-title') });
  private readonly _steps: HTMLLIElement[] = BOOT_STEPS.map((s) => el('li', {}, s));
  private readonly _bar = el('div', { class: 'boot-bar', role: 'progressbar', 'aria-labelledby': this._title.id });
  private readonly _fill = el('div', { class: 'boot-bar-fill' });
  private readonly _stage = el('span', { class: 'boot-stage' });
  private readonly _detail = el('span', { class: 'boot-detail' });
  private readonly _error = el('div', { class: 'boot-error', role: 'alert' });
  private readonly _errorText = el('p');
  private readonly _unsubscribe: () => void;

  constructor(host: Pick<LabHost, 'progress' | 'onProgress'>, onRetry: () => void = () => location.reload()) {
    this._bar.append(this._fill);
    const retry = el('button', { type: 'button', class: 'button primary', 'data-testid': 'boot-retry' }, 'Retry');
    retry.addEventListener('click', () => onRetry());
    this._error.append(this._errorText, retry);
    this.element = el(
      'div',
      { class: 'boot-progress', 'data-testid': 'boot-progress' },
      el(
        'div',
        { class: 'boot-card' },
        this._title,
        el('ol', { class: 'boot-steps' }, ...this._steps),
        this._bar,
        // Only the stage is live: byte counts change many times a second and would flood a reader.
        el('p', { class: 'boot-line' }, el('span', { 'aria-live': 'polite' }, this._stage), this._detail),
        this._error,
      ),
    );
    this.update(host.progress);
    this._unsubscribe = host.onProgress((p) => this.update(p));
  }

  update(p: BootProgress): void {
    const view = describeBoot(p);
    this.element.hidden = view.done;
    this.element.dataset.stage = p.stage;
    setText(this._title, view.failed ? 'The lab could not start' : 'Starting the lab');
    this._steps.forEach((li, i) => {
      const n = i + 1;
      setAttr(li, 'aria-current', n === view.step ? 'step' : null);
      li.classList.toggle('done', view.step > n || view.done);
    });
    this._bar.hidden = view.failed;
    if (view.value !== undefined && view.max !== undefined) {
      setAttr(this._bar, 'aria-valuemin', '0');
      setAttr(this._bar, 'aria-valuemax', String(view.max));
      setAttr(this._bar, 'aria-valuenow', String(view.value));
      setAttr(this._bar, 'aria-valuetext', view.detail ?? null);
      this._bar.classList.remove('indeterminate');
      this._fill.style.width = `${((view.value / view.max) * 100).toFixed(1)}%`;
    } else {
      // Indeterminate: no aria-valuenow.
      for (const a of ['aria-valuemin', 'aria-valuemax', 'aria-valuenow']) setAttr(this._bar, a, null);
      setAttr(this._bar, 'aria-valuetext', view.text);
      this._bar.classList.add('indeterminate');
      this._fill.style.width = '';
    }
    this._error.hidden = !view.failed;
    setText(this._errorText, view.failed ? view.text : '');
    setText(this._stage, view.failed ? '' : view.text);
    setText(this._detail, view.failed || !view.detail ? '' : ` — ${view.detail}`);
  }

  dispose(): void {
    this._unsubscribe();
    this.element.remove();
  }
}
