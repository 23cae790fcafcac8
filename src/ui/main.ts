// The page entry: one lab host in a worker, the app around it, and window.vpsLab.
import { createAutomationApi } from '../lab/automation-api.ts';
import { forgetBootStates } from '../lab/boot-cache.ts';
import { WorkerHost } from '../lab/worker-host.ts';
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
  const host = new WorkerHost('host1', new URL('images/', document.baseURI), { bootCache: !cold });
  const app = mountApp(root, host, {
    onColdBoot: () => {
      const reload = (): void => location.replace(location.pathname);
      forgetBootStates().then(reload, reload);
    },
  });
  window.vpsLab = createAutomationApi({
    hosts: () => [host],
    bootMode: () => (host.resumed ? 'resumed' : 'cold'),
    onExec: (_host, cmd, result) => app.log.append(cmd, result),
  });
}

main();
