// The page around one lab host: header, terminal with its boot overlay, and the control panel.
import type { LabHost } from '../lab/host-types.ts';
import { BootProgressView } from './boot-progress.ts';
import { describeBoot } from './boot-progress-text.ts';
import { CommandLog } from './command-log.ts';
import { el, setText, utf8 } from './dom.ts';
import { NewVpsForm } from './new-vps-form.ts';
import './styles.css';
import { syncGuestWinsize } from './guest-winsize.ts';
import { TerminalView } from './terminal-view.ts';
import { VpsPanel } from './vps-panel.ts';
import { shellCommand } from './vpsctl-command.ts';

export interface AppHandle {
  readonly terminalView: TerminalView;
  readonly boot: BootProgressView;
  readonly panel: VpsPanel;
  readonly form: NewVpsForm;
  readonly log: CommandLog;
  dispose(): void;
}

export interface MountOptions {
  /** The boot overlay's Retry; reloads the page by default. */
  onRetry?(): void;
  /** Shown as a "Cold boot" button in the header when given. */
  onColdBoot?(): void;
}

function coldBootButton(onColdBoot: () => void): HTMLButtonElement {
  const b = el('button', {
    type: 'button',
    class: 'button small',
    'data-testid': 'cold-boot',
    title: 'Forget the saved post-boot state and boot the image from scratch',
  }, 'Cold boot');
  b.addEventListener('click', () => {
    b.disabled = true;
    onColdBoot();
  });
  return b;
}

export function mountApp(root: HTMLElement, host: LabHost, opts: MountOptions = {}): AppHandle {
  const status = el('span', { class: 'app-status', role: 'status' });
  const terminalArea = el('section', { class: 'terminal-area', 'aria-label': `Console of ${host.name}` });
  const side = el('aside', { class: 'side-panel', 'aria-label': 'Control panel' });
  const shell = el(
    'div',
    { class: 'app' },
    el(
      'header',
      { class: 'app-header' },
      el('h1', {}, 'VPS Lab'),
      el('span', { class: 'host-chip', title: 'emulated host' }, host.name),
      status,
      ...(opts.onColdBoot ? [coldBootButton(opts.onColdBoot)] : []),
    ),
    el('main', { class: 'app-main' }, terminalArea, side),
  );
  root.replaceChildren(shell);

  const log = new CommandLog();
  const terminalView = new TerminalView(terminalArea, host);
  const winsize = syncGuestWinsize(terminalView.terminal, host);
  const boot = new BootProgressView(host, opts.onRetry);
  terminalArea.append(boot.element);

  const panel = new VpsPanel(host, log, {
    openShell(id) {
      const cmd = shellCommand(id);
      log.appendTyped(cmd);
      host.sendConsole(utf8.encode(`${cmd}\r`));
      terminalView.focus();
    },
  });
  const form = new NewVpsForm(host, log, { onCreated: () => panel.refresh() });
  side.append(panel.element, form.element, log.element);

  const showStage = (): void => {
    const p = host.progress;
    const view = describeBoot(p);
    shell.dataset.stage = p.stage;
    setText(status, view.done ? 'Running' : view.failed ? 'Failed to start' : view.text);
    terminalArea.setAttribute('aria-busy', String(!view.done && !view.failed));
  };
  showStage();
  const offProgress = host.onProgress(showStage);
  // Ready: the shell is there, so put the keyboard on it unless the user is busy elsewhere.
  host.ready.then(
    () => {
      if (document.activeElement === null || document.activeElement === document.body) terminalView.focus();
    },
    () => {},
  );

  return {
    terminalView,
    boot,
    panel,
    form,
    log,
    dispose() {
      offProgress();
      winsize.dispose();
      panel.dispose();
      form.dispose();
      boot.dispose();
      terminalView.dispose();
      log.dispose();
      shell.remove();
    },
  };
}
