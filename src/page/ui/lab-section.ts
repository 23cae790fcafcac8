// The Lab section: save the whole lab under a name, load a saved one, export and import it as a file.
import type { LabActions } from '../lab/lab-actions.ts';
import { savedLabNames } from '../lab/lab-store.ts';
import { errorMessage } from '../../core/errors.ts';
import { el, setText, uid } from './dom.ts';

export class LabSection {
  /** `data-testid="lab-actions"`. */
  readonly element: HTMLElement;
  private readonly _name = el('input', { type: 'text', 'data-testid': 'lab-name', value: 'my-lab', required: true, maxlength: 64, 'aria-label': 'Lab name', spellcheck: 'false' });
  private readonly _saved = el('select', { 'data-testid': 'lab-saved', 'aria-label': 'Saved labs' });
  private readonly _file = el('input', { type: 'file', accept: '.vpslab', 'data-testid': 'lab-import-file', hidden: true });
  private readonly _status = el('p', { class: 'lab-status', role: 'status', 'data-testid': 'lab-status' });
  private readonly _buttons: HTMLButtonElement[] = [];

  constructor(private readonly _actions: LabActions) {
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

  private async _save(): Promise<string> {
    const name = this._name.value.trim();
    if (!name) throw new Error('Give the lab a name to save it under');
    const done = await this._actions.save(name);
    await this._refreshSaved(name);
    return done;
  }

  private async _load(): Promise<string> {
    const name = this._saved.value;
    if (!name) throw new Error('No saved lab to load');
    return this._actions.load(name);
  }

  private _export(): Promise<string> {
    return this._actions.exportFile(this._name.value.trim() || 'lab', (bytes, fileName) => {
      const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
      const a = el('a', { href: url, download: fileName });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    });
  }

  private async _import(): Promise<string> {
    const file = this._file.files?.[0];
    this._file.value = '';
    if (!file) return '';
    return this._actions.importFile(file.name, new Uint8Array(await file.arrayBuffer()));
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
