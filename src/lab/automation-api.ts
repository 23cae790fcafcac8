// window.vpsLab: the typed automation API that Playwright scenarios and teachers' scripts use.
import type { LabHost, ShellResult } from './host-types.ts';
import type { SnapshotMeta } from './snapshot-files.ts';
import { listSnapshots } from './snapshot-store.ts';
import { readVpsStatus, type VpsStatus } from './vps-status.ts';

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

export interface AutomationDeps {
  /** The first host's readiness (the lab may replace its hosts later). */
  ready: Promise<void>;
  hosts(): LabHost[];
  bootMode(): 'cold' | 'resumed';
  /** Called for every command the API runs, so the command log shows it too. */
  onExec?(host: LabHost, cmd: string, result: ShellResult): void;
  addHost(): Promise<string>;
  select(host: string): void;
  saveLab(name: string): Promise<void>;
  loadLab(name: string): Promise<void>;
  /** Snapshot, restore and migrate, each logged as its vpsctl command. */
  snapshot(host: LabHost, id: number): Promise<SnapshotMeta>;
  restore(host: LabHost, key: string, id: number, start: boolean): Promise<void>;
  migrate(host: LabHost, id: number, target: string): Promise<void>;
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

export function createAutomationApi(deps: AutomationDeps): VpsLabApi {
  const find = (name?: string): LabHost => {
    const all = deps.hosts();
    const host = name === undefined ? all[0] : all.find((h) => h.name === name);
    if (!host) throw new Error(`vpsLab: no host named "${name}" (hosts: ${all.map((h) => h.name).join(', ')})`);
    return host;
  };
  if (!deps.hosts()[0]) throw new Error('vpsLab: the lab has no host');
  return {
    ready: deps.ready,
    hosts: () => deps.hosts().map((h) => h.name),
    async exec(cmd, opts = {}) {
      if (typeof cmd !== 'string' || cmd.trim() === '') throw new Error('vpsLab.exec: cmd must be a non-empty string');
      const host = find(opts.host);
      const result = await host.exec(cmd);
      deps.onExec?.(host, cmd, result);
      return result;
    },
    vps: (name) => readVpsStatus(find(name)),
    bootMode: () => deps.bootMode(),
    addHost: () => deps.addHost(),
    select: (name) => deps.select(find(name).name),
    saveLab: async (name) => deps.saveLab(checkName('saveLab', name)),
    loadLab: async (name) => deps.loadLab(checkName('loadLab', name)),
    snapshot: async (id, opts = {}) => (await deps.snapshot(find(opts.host), checkId('snapshot', id))).key,
    snapshots: () => listSnapshots(),
    restore: async (key, id, opts = {}) => deps.restore(find(opts.host), checkName('restore', key), checkId('restore', id), opts.start ?? true),
    migrate: async (id, target, opts = {}) => deps.migrate(find(opts.host), checkId('migrate', id), find(target).name),
  };
}

declare global {
  interface Window {
    vpsLab: VpsLabApi;
  }
}
