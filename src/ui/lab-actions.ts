// The Lab section: save the whole lab under a name, load a saved one, export and import it as a file.
import type { PageLab } from '../lab/page-lab.ts';
import { savedLabNames } from '../lab/lab-store.ts';
import { errorMessage } from '../shared/errors.ts';
import type { CommandSink } from './run-logged.ts';
import { el, setText, uid } from './dom.ts';
import { formatBytes } from './format.ts';

export class LabActions {
  /** `data-testid="lab-actions"`. */
  readonly element: HTMLElement;
  private readonly _name = el('input', { type: 'text', 'data-testid': 'lab-name', value: 'my-lab', required: true, maxlength: 64, 'aria-label': 'Lab name', spellcheck: 'false' });
  private readonly _saved = el('select', { 'data-testid': 'lab-saved', 'aria-label': 'Saved labs' });
  private readonly _file = el('input', { type: 'file', accept: '.vpslab', 'data-testid': 'lab-import-file', hidden: true });
  private readonly _status = el('p', { class: 'lab-status', role: 'status', 'data-testid': 'lab-status' });
  private readonly _buttons: HTMLButtonElement[] = [];

  constructor(
    private readonly _lab: PageLab,
    private readonly _log: CommandSink,
  ) {
    const titleId = uid('lab-title');
    const button = (testid: string, text: string, title: string, run: () => Promise<string>): HTMLButtonElement => {
      const b = el('button', { type: 'button', class: 'button small', 'data-testid': testid, title }, text);
      b.addEventListener('click', () => void this._run(run));
      this._buttons.push(b);
      return b;
    };
    const save = button('save-lab', 'Save lab', 'Pause every host, save all their states and the layout in this browser', () => this._save());
    const load = button('load-lab', 'Load lab', 'Replace the lab by the saved one; every host resumes where it was', () => this._load());
    const exp = button('export-lab', 'Export', 'Download the lab as one file', () => this._export());
    const imp = button('import-lab', 'Import', 'Load a lab file exported before', async () => {
      this._file.click();
      return '';
    });
    this._file.addEventListener('change', () => void this._run(() => this._import()));
    this.element = el(
      'section',
      { class: 'lab-actions', 'data-testid': 'lab-actions', 'aria-labelledby': titleId },
      el('header', { class: 'section-head' }, el('h2', { id: titleId }, 'Lab')),
      el('div', { class: 'lab-row' }, this._name, save, exp, imp, this._file),
      el('div', { class: 'lab-row' }, this._saved, load),
      this._status,
    );
    void this._refreshSaved();
  }

  dispose(): void {
    this.element.remove();
  }

  private async _run(action: () => Promise<string>): Promise<void> {
    this._buttons.forEach((b) => (b.disabled = true));
    setText(this._status, '');
    try {
      const done = await action();
      if (done) setText(this._status, done);
    } catch (e) {
      setText(this._status, errorMessage(e));
    } finally {
      this._buttons.forEach((b) => (b.disabled = false));
    }
  }

  /** Logs a lab action as a comment line, so "Copy all" still gives a script. */
  private _logged(what: string, detail: string): string {
    this._log.append(`# lab: ${what}`, { code: 0, stdout: detail, stderr: '' });
    return detail;
  }

  private async _failed(what: string, e: unknown): Promise<never> {
    this._log.appendError(`# lab: ${what}`, e);
    throw e;
  }

  private async _save(): Promise<string> {
    const name = this._name.value.trim();
    if (!name) throw new Error('Give the lab a name to save it under');
    const t0 = performance.now();
    const size = await this._lab.save(name).catch((e: unknown) => this._failed(`save "${name}"`, e));
    await this._refreshSaved(name);
    return this._logged(`save "${name}"`, `saved ${this._lab.hosts.length} hosts, ${formatBytes(size)}, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }

  private async _load(): Promise<string> {
    const name = this._saved.value;
    if (!name) throw new Error('No saved lab to load');
    const t0 = performance.now();
    await this._lab.load(name).catch((e: unknown) => this._failed(`load "${name}"`, e));
    return this._logged(`load "${name}"`, `resumed ${this._lab.hosts.length} hosts in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }

  private async _export(): Promise<string> {
    const name = this._name.value.trim() || 'lab';
    const bytes = await this._lab.exportFile().catch((e: unknown) => this._failed(`export "${name}"`, e));
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
    const a = el('a', { href: url, download: `${name}.vpslab` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    return this._logged(`export "${name}.vpslab"`, `downloaded ${formatBytes(bytes.length)}`);
  }

  private async _import(): Promise<string> {
    const file = this._file.files?.[0];
    this._file.value = '';
    if (!file) return '';
    const bytes = new Uint8Array(await file.arrayBuffer());
    await this._lab.importFile(bytes).catch((e: unknown) => this._failed(`import "${file.name}"`, e));
    return this._logged(`import "${file.name}"`, `resumed ${this._lab.hosts.length} hosts from ${formatBytes(bytes.length)}`);
  }

  private async _refreshSaved(select?: string): Promise<void> {
    let names: string[] = [];
    try {
      names = await savedLabNames();
    } catch {
      // no IndexedDB (private mode): nothing saved
    }
    const keep = select ?? this._saved.value;
    this._saved.replaceChildren(...(names.length ? names.map((n) => el('option', { value: n }, n)) : [el('option', { value: '' }, 'no saved labs')]));
    if (names.includes(keep)) this._saved.value = keep;
  }
}
