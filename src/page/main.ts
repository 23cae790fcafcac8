// The page entry: the lab (host1 first, more on demand), the app around it, and window.vpsLab.
import { createAutomationApi } from './lab/automation-api.ts';
import { forgetBootStates } from './lab/boot-cache.ts';
import { LabActions } from './lab/lab-actions.ts';
import { PageLab } from './lab/page-lab.ts';
import { mountApp } from './ui/app.ts';
import { CommandLog } from './ui/command-log.ts';

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
  const log = new CommandLog();
  const actions = new LabActions(lab, log);
  mountApp(root, { lab, actions, log }, {
    onColdBoot: () => {
      const reload = (): void => location.replace(location.pathname);
      forgetBootStates().then(reload, reload);
    },
  });
  window.vpsLab = createAutomationApi(lab, actions);
}

main();
