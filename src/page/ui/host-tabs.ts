// The host tabs: one per lab host, naming the VPS running there, and "Add host".
import type { LabActions } from '../lab/lab-actions.ts';
import type { PageLab } from '../lab/page-lab.ts';
import type { WorkerHost } from '../lab/worker-host.ts';
import { el, setAttr, setText } from './dom.ts';

/** Between two reads of a host's VPS for its tab (the panel asks the selected host for more). */
const POLL_MS = 2000;

export class HostTabs {
  /** `role="tablist"`; each tab is `data-testid="host-tab-<name>"`. */
  readonly element: HTMLElement;
  private readonly _list = el('div', { class: 'host-tabs', role: 'tablist', 'aria-label': 'Hosts' });
  private readonly _add = el('button', { type: 'button', class: 'button small', 'data-testid': 'add-host', title: 'Add a host to the lab, on the same network' }, 'Add host');
  private readonly _tabs = new Map<string, { tab: HTMLButtonElement; vps: HTMLSpanElement; host: WorkerHost; unsubscribe: () => void }>();

  constructor(
    private readonly _lab: PageLab,
    actions: LabActions,
  ) {
    this.element = el('nav', { class: 'host-nav' }, this._list, this._add);
    this._add.addEventListener('click', () => {
      this._add.disabled = true;
      actions
        .addHost()
        .catch(() => {}) // the command log shows why
        .finally(() => {
          this._add.disabled = false;
        });
    });
    this._list.addEventListener('keydown', (e) => this._arrows(e));
  }

  /** Tabs follow the lab's hosts (a loaded lab brings new ones under the same names) and selection. */
  update(): void {
    const hosts = this._lab.hosts;
    for (const [name, t] of this._tabs) {
      if (!hosts.some((h) => h.name === name)) {
        t.unsubscribe();
        t.tab.remove();
        this._tabs.delete(name);
      }
    }
    for (const host of hosts) {
      const name = host.name;
      let t = this._tabs.get(name);
      if (!t) {
        const vps = el('span', { class: 'host-tab-vps', 'data-testid': `host-tab-vps-${name}` });
        const tab = el('button', { type: 'button', role: 'tab', class: 'host-tab', 'data-testid': `host-tab-${name}`, 'aria-controls': `pane-${name}` }, name, vps);
        tab.addEventListener('click', () => this._lab.select(name));
        t = { tab, vps, host, unsubscribe: this._follow(host, vps) };
        this._tabs.set(name, t);
      } else if (t.host !== host) {
        t.unsubscribe();
        t.host = host;
        t.unsubscribe = this._follow(host, t.vps);
      }
      this._list.append(t.tab); // keeps lab order
      const selected = this._lab.selected.name === name;
      setAttr(t.tab, 'aria-selected', String(selected));
      t.tab.tabIndex = selected ? 0 : -1;
    }
  }

  /** Keeps `vps` naming the VPS running on `host` ("VPS 3, 4"); a failed read leaves it as it was. */
  private _follow(host: WorkerHost, vps: HTMLElement): () => void {
    return this._lab.status(host).subscribe((report) => {
      if (!('statuses' in report)) return;
      const ids = report.statuses.filter((v) => v.state === 'running').map((v) => v.id);
      setText(vps, ids.length ? `VPS ${ids.join(', ')}` : '');
    }, POLL_MS);
  }

  private _arrows(e: KeyboardEvent): void {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const names = this._lab.hosts.map((h) => h.name);
    const i = names.indexOf(this._lab.selected.name);
    const next = names[(i + (e.key === 'ArrowRight' ? 1 : names.length - 1)) % names.length]!;
    this._lab.select(next);
    this._tabs.get(next)?.tab.focus();
  }
}
