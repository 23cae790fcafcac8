// window.vpsLab: the typed automation API that Playwright scenarios and teachers' scripts use.
import type { ShellResult } from '../../worker/emulator-types.ts';
import type { LabActions } from './lab-actions.ts';
import type { PageLab } from './page-lab.ts';
import type { SnapshotMeta } from './snapshot-files.ts';
import { listSnapshots } from './snapshot-store.ts';
import { readVpsStatus, type VpsStatus } from '../../core/vps-status.ts';
import type { WorkerHost } from './worker-host.ts';

export interface VpsLabApi {
  /** Resolves when the first host's guest agent answers. */
  readonly ready: Promise<void>;
  /** Names of the lab's hosts, in order ("host1", ...). */
  hosts(): string[];
  /** Run `sh -c cmd` as root in a host's context (default: the first host). */
  exec(cmd: string, opts?: { host?: string }): Promise<ShellResult>;
  /** The VPS of a host with their state and live /proc/vservers figures. */
  vps(host?: string): Promise<VpsStatus[]>;
  /** How the first host came up: booted from the image, or resumed a saved post-boot state. */
  bootMode(): 'cold' | 'resumed';
  /** Add a host to the lab (its own worker and tab, on the lab LAN); resolves with its name once its agent answers. */
  addHost(): Promise<string>;
  /** Show a host's tab (terminal and panel). */
  select(host: string): void;
  /** Save every host's state and the layout under `name` in this browser (all paused meanwhile). */
  saveLab(name: string): Promise<void>;
  /** Replace the lab by one saved with saveLab; resolves once every host is back on the LAN. */
  loadLab(name: string): Promise<void>;
  /** `vpsctl snapshot <id> -` on a host; the file is kept in this browser. Resolves with its key. */
  snapshot(id: number, opts?: { host?: string }): Promise<string>;
  /** The snapshots kept in this browser, newest first. */
  snapshots(): Promise<SnapshotMeta[]>;
  /** `vpsctl restore <id> -` with a kept snapshot on a host (then `vpsctl start <id>` unless start is false). */
  restore(key: string, id: number, opts?: { host?: string; start?: boolean }): Promise<void>;
  /** `vpsctl migrate <id> <lab address of target>` on a host (default: the first). */
  migrate(id: number, target: string, opts?: { host?: string }): Promise<void>;
}

function checkId(what: string, id: unknown): number {
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 3 || id > 65535)
    throw new Error(`vpsLab.${what}: the VPS id must be an integer 3..65535`);
  return id;
}

function checkName(what: string, name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') throw new Error(`vpsLab.${what}: the name must be a non-empty string`);
  return name.trim();
}

/** The API over the page's lab; every action goes through `actions`, so the command log shows it. */
export function createAutomationApi(lab: PageLab, actions: LabActions): VpsLabApi {
  const find = (name?: string): WorkerHost => {
    const all = lab.hosts;
    const host = name === undefined ? all[0] : all.find((h) => h.name === name);
    if (!host) throw new Error(`vpsLab: no host named "${name}" (hosts: ${all.map((h) => h.name).join(', ')})`);
    return host;
  };
  const first = find();
  return {
    ready: first.ready,
    hosts: () => lab.hosts.map((h) => h.name),
    async exec(cmd, opts = {}) {
      if (typeof cmd !== 'string' || cmd.trim() === '') throw new Error('vpsLab.exec: cmd must be a non-empty string');
      return actions.exec(find(opts.host), cmd);
    },
    vps: (name) => readVpsStatus(find(name)),
    bootMode: () => (first.resumed ? 'resumed' : 'cold'),
    addHost: async () => (await actions.addHost()).name,
    select: (name) => lab.select(find(name).name),
    saveLab: async (name) => void (await actions.save(checkName('saveLab', name))),
    loadLab: async (name) => void (await actions.load(checkName('loadLab', name))),
    snapshot: async (id, opts = {}) => (await actions.snapshot(find(opts.host), checkId('snapshot', id))).key,
    snapshots: () => listSnapshots(),
    restore: async (key, id, opts = {}) => actions.restoreKept(find(opts.host), checkName('restore', key), checkId('restore', id), opts.start ?? true),
    migrate: async (id, target, opts = {}) => actions.migrate(find(opts.host), checkId('migrate', id), find(target).name),
  };
}

declare global {
  interface Window {
    vpsLab: VpsLabApi;
  }
}
