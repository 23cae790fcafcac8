// The host tabs: one per lab host, naming the VPS running there, and "Add host".
import type { PageLab } from '../lab/page-lab.ts';
import { parseVpsList } from '../lab/vps-status.ts';
import type { CommandSink } from './run-logged.ts';
import { el, setAttr, setText } from './dom.ts';

const POLL_MS = 2000;

export class HostTabs {
  /** `role="tablist"`; each tab is `data-testid="host-tab-<name>"`. */
  readonly element: HTMLElement;
  private readonly _list = el('div', { class: 'host-tabs', role: 'tablist', 'aria-label': 'Hosts' });
  private readonly _add = el('button', { type: 'button', class: 'button small', 'data-testid': 'add-host', title: 'Add a host to the lab, on the same network' }, 'Add host');
  private readonly _tabs = new Map<string, { tab: HTMLButtonElement; vps: HTMLSpanElement }>();
  private readonly _running = new Map<string, string>();
  private _timer = 0;
  private _disposed = false;

  constructor(
    private readonly _lab: PageLab,
    log: CommandSink,
  ) {
    this.element = el('nav', { class: 'host-nav' }, this._list, this._add);
    this._add.addEventListener('click', () => {
      this._add.disabled = true;
      const t0 = performance.now();
      this._lab.addHost().then(
        (h) => log.append(`# lab: added ${h.name}`, { code: 0, stdout: `${h.name} is up in ${((performance.now() - t0) / 1000).toFixed(1)} s`, stderr: '' }),
        (e: unknown) => log.appendError('# lab: add host', e),
      ).finally(() => {
        this._add.disabled = false;
      });
    });
    this._list.addEventListener('keydown', (e) => this._arrows(e));
    void this._poll();
  }

  /** Tabs follow the lab's hosts and selection. */
  update(): void {
    const names = this._lab.hosts.map((h) => h.name);
    for (const [name, t] of this._tabs) {
      if (!names.includes(name)) {
        t.tab.remove();
        this._tabs.delete(name);
      }
    }
    for (const name of names) {
      let t = this._tabs.get(name);
      if (!t) {
        const vps = el('span', { class: 'host-tab-vps', 'data-testid': `host-tab-vps-${name}` });
        const tab = el('button', { type: 'button', role: 'tab', class: 'host-tab', 'data-testid': `host-tab-${name}`, 'aria-controls': `pane-${name}` }, name, vps);
        tab.addEventListener('click', () => this._lab.select(name));
        t = { tab, vps };
        this._tabs.set(name, t);
      }
      this._list.append(t.tab); // keeps lab order
      const selected = this._lab.selected.name === name;
      setAttr(t.tab, 'aria-selected', String(selected));
      t.tab.tabIndex = selected ? 0 : -1;
      setText(t.vps, this._running.get(name) ?? '');
    }
  }

  dispose(): void {
    this._disposed = true;
    clearTimeout(this._timer);
    this.element.remove();
  }

  private _arrows(e: KeyboardEvent): void {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const names = this._lab.hosts.map((h) => h.name);
    const i = names.indexOf(this._lab.selected.name);
    const next = names[(i + (e.key === 'ArrowRight' ? 1 : names.length - 1)) % names.length]!;
    this._lab.select(next);
    this._tabs.get(next)?.tab.focus();
  }

  /** Which VPS run where: each tab names its host's running VPS ("VPS 3, 4"). */
  private async _poll(): Promise<void> {
    if (this._disposed) return;
    await Promise.all(this._lab.hosts.map(async (h) => {
      if (h.progress.stage !== 'ready') return;
      try {
        const r = await Promise.race([
          h.exec('vpsctl --json list'),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 5000)),
        ]);
        const ids = r.code === 0 ? parseVpsList(r.stdout).filter((v) => v.state === 'running').map((v) => v.id) : [];
        this._running.set(h.name, ids.length ? `VPS ${ids.join(', ')}` : '');
      } catch {
        // a host being replaced or gone: its tab goes with it
      }
    }));
    if (this._disposed) return;
    this.update();
    this._timer = window.setTimeout(() => void this._poll(), POLL_MS);
  }
}
