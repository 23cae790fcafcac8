// "Snapshots": the VPS snapshots kept in this browser, each downloadable, restorable on any host of
// the lab and deletable; an uploaded file can be restored too. vpsctl judges the bytes.
import type { LabHost } from '../lab/lab-host.ts';
import { snapshotFileName, parseVpsId, proposedRestoreId, type SnapshotMeta } from '../lab/snapshot-files.ts';
import { deleteSnapshot, listSnapshots, snapshotBytes } from '../lab/snapshot-store.ts';
import { readVpsStatus } from '../../core/vps-status.ts';
import { formatBytes } from '../lab/format.ts';
import type { LabActions } from '../lab/lab-actions.ts';
import { errorMessage } from '../../core/errors.ts';
import { el, setText, uid } from './dom.ts';

export interface SnapshotListOptions {
  hosts(): LabHost[];
  /** The host whose panel shows: the default target of a restore. */
  selected(): LabHost;
  /** A restore on `host` worked (its panel may refresh). */
  onRestored?(host: LabHost): void;
}

/** What a restore reads: a stored snapshot, or an uploaded file. */
interface Source {
  label: string;
  vpsId: number;
  bytes(): Promise<ArrayBuffer>;
}

export class SnapshotList {
  readonly element: HTMLElement;
  private readonly _list = el('ul', { class: 'snapshot-list', 'data-testid': 'snapshot-list' });
  private readonly _status = el('p', { class: 'panel-status', role: 'status' });
  private readonly _form: HTMLFormElement;
  private readonly _formTitle = el('p', { class: 'restore-title' });
  private readonly _host = el('select', { 'data-testid': 'restore-host', name: 'host' });
  private readonly _id = el('input', { type: 'number', min: 3, max: 65535, step: 1, name: 'id', required: true, 'data-testid': 'restore-id' });
  private readonly _start = el('input', { type: 'checkbox', name: 'start', checked: true, 'data-testid': 'restore-start' });
  private readonly _submit = el('button', { type: 'submit', class: 'button primary', 'data-testid': 'restore-submit' }, 'Restore');
  private readonly _error = el('p', { class: 'form-error', role: 'alert', 'data-testid': 'restore-error' });
  private _source: Source | undefined;

  constructor(
    private readonly _actions: LabActions,
    private readonly _opts: SnapshotListOptions,
  ) {
    _actions.onSnapshotsChanged(() => void this.reload());
    const titleId = uid('snapshots-title');
    const upload = el('input', { type: 'file', accept: '.vpsnap,application/octet-stream', 'data-testid': 'snapshot-upload', class: 'visually-hidden', id: uid('snapshot-upload') });
    upload.addEventListener('change', () => {
      const file = upload.files?.[0];
      upload.value = '';
      if (file) void this._openRestore({ label: file.name, vpsId: 0, bytes: () => file.arrayBuffer() });
    });
    const cancel = el('button', { type: 'button', class: 'button' }, 'Cancel');
    cancel.addEventListener('click', () => this._closeRestore());
    this._form = el(
      'form',
      { class: 'restore-form', 'data-testid': 'restore-form', 'aria-label': 'Restore a snapshot' },
      this._formTitle,
      el('div', { class: 'field-grid' },
        el('label', { class: 'field' }, el('span', { class: 'field-label' }, 'Host'), this._host),
        el('label', { class: 'field' }, el('span', { class: 'field-label' }, 'As VPS'), this._id)),
      el('div', { class: 'form-foot' }, el('label', { class: 'check' }, this._start, ' Start after restore'), cancel, this._submit),
      this._error,
    );
    this._form.hidden = true;
    this._error.hidden = true;
    this._form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this._restore();
    });
    this.element = el(
      'section',
      { class: 'snapshots', 'data-testid': 'snapshots', 'aria-labelledby': titleId },
      el('header', { class: 'section-head' }, el('h2', { id: titleId }, 'Snapshots'),
        el('label', { class: 'button small', for: upload.id }, 'Upload…'), upload),
      this._status,
      this._list,
      this._form,
    );
    void this.reload();
  }

  /** Re-reads the stored snapshots. */
  async reload(): Promise<void> {
    let metas: SnapshotMeta[];
    try {
      metas = await listSnapshots();
    } catch (e) {
      setText(this._status, `Snapshots are not available in this browser: ${errorMessage(e)}`);
      return;
    }
    this._list.replaceChildren(...metas.map((m) => this._item(m)));
    setText(this._status, metas.length === 0 ? 'None yet: “Snapshot” on a VPS keeps one here.' : `${metas.length} kept in this browser`);
  }

  private _item(m: SnapshotMeta): HTMLLIElement {
    const file = snapshotFileName(m);
    const download = el('button', { type: 'button', class: 'button small', 'data-testid': 'snapshot-download' }, 'Download');
    const restore = el('button', { type: 'button', class: 'button small primary', 'data-testid': 'snapshot-restore' }, 'Restore…');
    const remove = el('button', { type: 'button', class: 'button small danger', 'data-testid': 'snapshot-delete' }, 'Delete');
    download.addEventListener('click', () => void this._download(m, file));
    restore.addEventListener('click', () => void this._openRestore({ label: file, vpsId: m.vpsId, bytes: () => snapshotBytes(m.key) }));
    remove.addEventListener('click', () => void deleteSnapshot(m.key).then(() => this.reload()));
    const when = new Date(m.createdAt).toLocaleString();
    return el(
      'li',
      { class: 'snapshot', 'data-testid': `snapshot-${m.key}`, 'data-vps': m.vpsId },
      el('span', { class: 'snapshot-name' }, `#${m.vpsId} ${m.name}`),
      el('span', { class: 'snapshot-meta muted' }, `${m.host} · ${formatBytes(m.size)} · ${when}`),
      el('span', { class: 'snapshot-actions' }, download, restore, remove),
    );
  }

  private async _download(m: SnapshotMeta, file: string): Promise<void> {
    const url = URL.createObjectURL(new Blob([await snapshotBytes(m.key)], { type: 'application/octet-stream' }));
    const a = el('a', { href: url, download: file });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  private async _openRestore(source: Source): Promise<void> {
    this._source = source;
    const hosts = this._opts.hosts();
    const selected = this._opts.selected();
    this._host.replaceChildren(...hosts.map((h) => el('option', { value: h.name, selected: h === selected }, h.name)));
    setText(this._formTitle, `Restore ${source.label}`);
    this._error.hidden = true;
    let taken: number[] = [];
    try {
      taken = (await readVpsStatus(selected)).map((v) => v.id);
    } catch {
      // the list is only for the proposal; vpsctl refuses a taken id anyway
    }
    this._id.value = String(source.vpsId ? proposedRestoreId(source.vpsId, taken) : proposedRestoreId(100, taken));
    this._form.hidden = false;
    this._id.focus();
  }

  private _closeRestore(): void {
    this._form.hidden = true;
    this._source = undefined;
  }

  private async _restore(): Promise<void> {
    const source = this._source;
    if (!source || this._submit.disabled) return;
    const id = parseVpsId(this._id.value);
    const host = this._opts.hosts().find((h) => h.name === this._host.value);
    if ('error' in id || !host) {
      this._fail('error' in id ? id.error : `no host named "${this._host.value}"`);
      return;
    }
    this._submit.disabled = true;
    setText(this._submit, 'Restoring…');
    this._error.hidden = true;
    try {
      await this._actions.restore(host, { bytes: await source.bytes(), label: source.label }, id.id, this._start.checked);
      this._closeRestore();
      this._opts.onRestored?.(host);
    } catch (e) {
      this._fail(errorMessage(e));
      this._opts.onRestored?.(host); // a failed start still leaves a restored VPS to show
    } finally {
      this._submit.disabled = false;
      setText(this._submit, 'Restore');
    }
  }

  private _fail(message: string): void {
    setText(this._error, message);
    this._error.hidden = false;
  }
}
