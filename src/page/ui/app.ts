// The page around the lab: header with host tabs and lab actions, one terminal per host with its
// boot overlay, and the control panel of the selected host.
import type { LabActions } from '../lab/lab-actions.ts';
import type { PageLab } from '../lab/page-lab.ts';
import { shellCommand } from '../lab/vpsctl-command.ts';
import type { WorkerHost } from '../lab/worker-host.ts';
import { BootProgressView } from './boot-progress.ts';
import { describeBoot } from './boot-progress-text.ts';
import type { CommandLog } from './command-log.ts';
import { el, setText, utf8 } from './dom.ts';
import { HostTabs } from './host-tabs.ts';
import { LabSection } from './lab-section.ts';
import { NewVpsForm } from './new-vps-form.ts';
import './styles.css';
import { syncGuestWinsize } from './guest-winsize.ts';
import { TerminalView } from './terminal-view.ts';
import { SnapshotList } from './snapshot-list.ts';
import { VpsPanel } from './vps-panel.ts';

/** The lab the page shows, what it does to it, and where those commands are logged. */
export interface AppParts {
  lab: PageLab;
  actions: LabActions;
  log: CommandLog;
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

/** One host's console pane: its terminal, boot overlay and terminal-size sync. */
class HostPane {
  readonly element: HTMLElement;
  readonly terminal: TerminalView;
  private readonly _boot: BootProgressView;
  private readonly _winsize: { dispose(): void };

  constructor(parent: HTMLElement, readonly host: WorkerHost, onRetry?: () => void) {
    this.element = el('div', { class: 'host-pane', role: 'tabpanel', id: `pane-${host.name}`, 'aria-label': `Console of ${host.name}` });
    parent.append(this.element);
    this.terminal = new TerminalView(this.element, host);
    this._winsize = syncGuestWinsize(this.terminal.terminal, host);
    this._boot = new BootProgressView(host, onRetry);
    this.element.append(this._boot.element);
  }

  show(visible: boolean): void {
    this.element.hidden = !visible;
    // Scenarios find the visible console as "terminal" (one host or many).
    this.terminal.element.dataset.testid = visible ? 'terminal' : `terminal-${this.host.name}`;
    if (visible) this.terminal.fit();
  }

  dispose(): void {
    this._winsize.dispose();
    this._boot.dispose();
    this.terminal.dispose();
    this.element.remove();
  }
}

export function mountApp(root: HTMLElement, { lab, actions, log }: AppParts, opts: MountOptions = {}): void {
  const status = el('span', { class: 'app-status', role: 'status' });
  const terminalArea = el('section', { class: 'terminal-area', 'aria-label': 'Consoles' });
  const side = el('aside', { class: 'side-panel', 'aria-label': 'Control panel' });
  const tabs = new HostTabs(lab, actions);
  const labSection = new LabSection(actions);
  const shell = el(
    'div',
    { class: 'app' },
    el(
      'header',
      { class: 'app-header' },
      el('h1', {}, 'VPS Lab'),
      tabs.element,
      status,
      ...(opts.onColdBoot ? [coldBootButton(opts.onColdBoot)] : []),
    ),
    el('main', { class: 'app-main' }, terminalArea, side),
  );
  root.replaceChildren(shell);

  const snapshots = new SnapshotList(actions, {
    hosts: () => lab.hosts,
    selected: () => lab.selected,
    onRestored: (host) => {
      if (host === shown) void panel?.refresh();
    },
  });
  const panes = new Map<WorkerHost, HostPane>();
  let panel: VpsPanel | undefined;
  let form: NewVpsForm | undefined;
  let shown: WorkerHost | undefined;
  let offProgress = (): void => {};

  const showStage = (): void => {
    const p = lab.selected.progress;
    const view = describeBoot(p);
    shell.dataset.stage = p.stage;
    setText(status, view.done ? 'Running' : view.failed ? 'Failed to start' : view.text);
    terminalArea.setAttribute('aria-busy', String(!view.done && !view.failed));
  };

  const sync = (): void => {
    const hosts = lab.hosts;
    for (const [host, pane] of panes) {
      if (!hosts.includes(host)) {
        pane.dispose();
        panes.delete(host);
      }
    }
    for (const host of hosts) if (!panes.has(host)) panes.set(host, new HostPane(terminalArea, host, opts.onRetry));
    const selected = lab.selected;
    panes.forEach((pane, host) => pane.show(host === selected));
    tabs.update();
    if (shown === selected) return;
    shown = selected;
    panel?.dispose();
    form?.dispose();
    const pane = panes.get(selected)!;
    panel = new VpsPanel(selected, lab.status(selected), actions, {
      openShell(id) {
        const cmd = shellCommand(id);
        log.appendTyped(cmd);
        selected.sendConsole(utf8.encode(`${cmd}\r`));
        pane.terminal.focus();
      },
      migrateTargets: () => lab.hosts.filter((h) => h !== selected).map((h) => h.name),
    });
    const p = panel;
    form = new NewVpsForm(selected, actions, { onCreated: () => p.refresh() });
    side.replaceChildren(labSection.element, panel.element, form.element, snapshots.element, log.element);
    offProgress();
    offProgress = selected.onProgress(showStage);
    showStage();
    // Ready: the shell is there, so put the keyboard on it unless the user is busy elsewhere.
    selected.ready.then(
      () => {
        if (shown !== selected) return;
        if (document.activeElement === null || document.activeElement === document.body) pane.terminal.focus();
      },
      () => {},
    );
  };
  sync();
  lab.onChange(sync);
}
