// The page entry: the lab (host1 first, more on demand), the app around it, and window.vpsLab.
import { createAutomationApi } from '../lab/automation-api.ts';
import { forgetBootStates } from '../lab/boot-cache.ts';
import { PageLab } from '../lab/page-lab.ts';
import { snapshotFileName } from '../lab/snapshot-files.ts';
import { listSnapshots, snapshotBytes } from '../lab/snapshot-store.ts';
import { readVpsStatus } from '../lab/vps-status.ts';
import { migrateVps, restoreSnapshot, takeSnapshot } from './snapshot-commands.ts';
import { mountApp } from './app.ts';

function showFatal(root: HTMLElement, message: string): void {
  root.innerHTML = '';
  const box = document.createElement('div');
  box.className = 'fatal';
  box.setAttribute('role', 'alert');
  const p = document.createElement('p');
  p.textContent = message;
  const retry = document.createElement('button');
  retry.textContent = 'Retry';
  retry.addEventListener('click', () => location.reload());
  box.append(p, retry);
  root.append(box);
}

function main(): void {
  const root = document.getElementById('app');
  if (!root) throw new Error('index.html has no #app');
  if (typeof WebAssembly !== 'object' || typeof Worker !== 'function') {
    showFatal(root, 'This browser cannot run VPS Lab: it needs WebAssembly and Web Workers.');
    return;
  }
  // ?cold (or the Cold boot button) boots from the image even when a saved post-boot state exists.
  const cold = new URLSearchParams(location.search).has('cold');
  const lab = new PageLab(new URL('images/', document.baseURI), !cold);
  const first = lab.hosts[0]!;
  const app = mountApp(root, lab, {
    onColdBoot: () => {
      const reload = (): void => location.replace(location.pathname);
      forgetBootStates().then(reload, reload);
    },
  });
  const logLab = (what: string, detail: string): void => app.log.append(`# lab: ${what}`, { code: 0, stdout: detail, stderr: '' });
  window.vpsLab = createAutomationApi({
    ready: first.ready,
    hosts: () => lab.hosts,
    bootMode: () => (first.resumed ? 'resumed' : 'cold'),
    onExec: (_host, cmd, result) => app.log.append(cmd, result),
    async addHost() {
      const h = await lab.addHost();
      logLab(`added ${h.name}`, `${h.name} is up`);
      return h.name;
    },
    async saveLab(name) {
      const size = await lab.save(name);
      logLab(`save "${name}"`, `saved ${lab.hosts.length} hosts, ${size} bytes`);
    },
    async loadLab(name) {
      await lab.load(name);
      logLab(`load "${name}"`, `resumed ${lab.hosts.length} hosts`);
    },
    select: (name) => lab.select(name),
    async snapshot(host, id) {
      const name = (await readVpsStatus(host)).find((v) => v.id === id)?.name ?? `vps${id}`;
      const meta = await takeSnapshot(host, app.log, { id, name });
      app.snapshotsChanged();
      return meta;
    },
    async restore(host, key, id, start) {
      const meta = (await listSnapshots()).find((m) => m.key === key);
      if (!meta) throw new Error(`vpsLab.restore: no snapshot "${key}" kept in this browser`);
      await restoreSnapshot(host, app.log, { bytes: await snapshotBytes(key), label: snapshotFileName(meta) }, id, start);
    },
    migrate: (host, id, target) => migrateVps(host, app.log, id, target),
  });
}

main();
