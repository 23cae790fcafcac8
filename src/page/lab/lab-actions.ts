// What a user does to the lab, from the panel or from window.vpsLab: each action leaves the same
// lines in the command log (its vpsctl command with the output, or a `# lab:` comment line for what
// no single command does), and a failure throws one line (vpsctl's own, when it said something).
import { errorMessage } from '../../core/errors.ts';
import { failureLine, runLogged, type CommandSink } from './command-sink.ts';
import { formatBytes } from './format.ts';
import type { BytesResult, ShellResult } from '../../worker/emulator-types.ts';
import type { LabHost } from './lab-host.ts';
import { hostIndex, labAddress } from '../../core/lab/lab-network.ts';
import type { PageLab } from './page-lab.ts';
import { snapshotFileName, type SnapshotMeta } from './snapshot-files.ts';
import { listSnapshots, saveSnapshot, snapshotBytes } from './snapshot-store.ts';
import { readVpsStatus } from '../../core/vps-status.ts';
import { migrateCommand, restoreCommand, snapshotCommand, startCommand } from './vpsctl-command.ts';
import type { WorkerHost } from './worker-host.ts';

/** Snapshot bytes to restore, and the name the command log gives them. */
export interface SnapshotSource {
  bytes: ArrayBuffer;
  label: string;
}

/** The text of a byte-stream command for the log: stderr as is, stdout described. */
function logged(r: BytesResult, stdout: string): ShellResult {
  return { code: r.code, stdout: r.code === 0 ? stdout : '', stderr: r.stderr };
}

const secondsSince = (t0: number): string => ((performance.now() - t0) / 1000).toFixed(1);

export class LabActions {
  private readonly _snapshotListeners = new Set<() => void>();

  constructor(
    private readonly _lab: PageLab,
    private readonly _log: CommandSink,
  ) {}

  /** Called when a snapshot was added to the ones kept in this browser. */
  onSnapshotsChanged(listener: () => void): () => void {
    this._snapshotListeners.add(listener);
    return () => this._snapshotListeners.delete(listener);
  }

  /** `sh -c cmd` on `host`, logged with its result; throws when it could not run at all. */
  async exec(host: LabHost, cmd: string): Promise<ShellResult> {
    const result = await host.exec(cmd);
    this._log.append(cmd, result);
    return result;
  }

  /** A command line on `host`, logged whatever happens; undefined when it could not run at all. */
  run(host: Pick<LabHost, 'exec'>, cmd: string): Promise<ShellResult | undefined> {
    return runLogged(host, this._log, cmd);
  }

  /** A new host of the lab; resolves once it is on the LAN. */
  async addHost(): Promise<WorkerHost> {
    const t0 = performance.now();
    const host = await this._lab.addHost().catch((e: unknown) => this._failed('add host', e));
    this._note(`added ${host.name}`, `${host.name} is up in ${secondsSince(t0)} s`);
    return host;
  }

  /** Saves the lab in this browser under `name`; resolves with what the log says. */
  async save(name: string): Promise<string> {
    const t0 = performance.now();
    const size = await this._lab.save(name).catch((e: unknown) => this._failed(`save "${name}"`, e));
    return this._note(`save "${name}"`, `saved ${this._lab.hosts.length} hosts, ${formatBytes(size)}, in ${secondsSince(t0)} s`);
  }

  /** Replaces the lab by the one saved under `name`; resolves with what the log says. */
  async load(name: string): Promise<string> {
    const t0 = performance.now();
    await this._lab.load(name).catch((e: unknown) => this._failed(`load "${name}"`, e));
    return this._note(`load "${name}"`, `resumed ${this._lab.hosts.length} hosts in ${secondsSince(t0)} s`);
  }

  /** The lab as a `<name>.vpslab` file, handed to `deliver` (the page downloads it); resolves with what the log says. */
  async exportFile(name: string, deliver: (bytes: Uint8Array<ArrayBuffer>, fileName: string) => void): Promise<string> {
    const fileName = `${name}.vpslab`;
    const bytes = await this._lab.exportFile().catch((e: unknown) => this._failed(`export "${name}"`, e));
    deliver(bytes, fileName);
    return this._note(`export "${fileName}"`, `downloaded ${formatBytes(bytes.length)}`);
  }

  /** Replaces the lab by the one in a lab file; resolves with what the log says. */
  async importFile(fileName: string, bytes: Uint8Array): Promise<string> {
    await this._lab.importFile(bytes).catch((e: unknown) => this._failed(`import "${fileName}"`, e));
    return this._note(`import "${fileName}"`, `resumed ${this._lab.hosts.length} hosts from ${formatBytes(bytes.length)}`);
  }

  /** `vpsctl snapshot <id> -` on `host`; the bytes are kept in this browser. */
  async snapshot(host: WorkerHost, id: number): Promise<SnapshotMeta> {
    const known = this._lab.status(host).statuses ?? (await readVpsStatus(host));
    const name = known.find((v) => v.id === id)?.name ?? `vps${id}`;
    const cmd = snapshotCommand(id);
    const r = await this._runBytes(host, cmd, cmd);
    if (r.code !== 0) {
      this._log.append(cmd, logged(r, ''));
      throw new Error(failureLine({ code: r.code, stdout: '', stderr: r.stderr }, cmd));
    }
    const meta = await saveSnapshot({ vpsId: id, name, host: host.name, createdAt: Date.now() }, r.stdout);
    this._log.append(cmd, logged(r, `${meta.size} bytes, kept in this browser as ${snapshotFileName(meta)}\n`));
    this._snapshotListeners.forEach((l) => l());
    return meta;
  }

  /** `vpsctl restore <id> -` on `host` with the snapshot's bytes on stdin, then `vpsctl start <id>` if asked. */
  async restore(host: LabHost, snapshot: SnapshotSource, id: number, start: boolean): Promise<void> {
    const cmd = restoreCommand(id);
    const shown = `${cmd} < ${snapshot.label}`;
    const r = await this._runBytes(host, cmd, shown, snapshot.bytes);
    this._log.append(shown, logged(r, new TextDecoder().decode(r.stdout)));
    if (r.code !== 0) throw new Error(failureLine({ code: r.code, stdout: '', stderr: r.stderr }, shown));
    if (!start) return;
    const started = await this.run(host, startCommand(id));
    if (!started || started.code !== 0) throw new Error(failureLine(started, startCommand(id)));
  }

  /** restore() with a snapshot kept in this browser, by its key. */
  async restoreKept(host: LabHost, key: string, id: number, start: boolean): Promise<void> {
    const meta = (await listSnapshots()).find((m) => m.key === key);
    if (!meta) throw new Error(`no snapshot "${key}" kept in this browser`);
    await this.restore(host, { bytes: await snapshotBytes(key), label: snapshotFileName(meta) }, id, start);
  }

  /** `vpsctl migrate <id> <lab address of target>` on `host`. */
  async migrate(host: LabHost, id: number, target: string): Promise<void> {
    const index = hostIndex(target);
    if (index === undefined) throw new Error(`migrate: "${target}" is not a lab host`);
    const cmd = migrateCommand(id, labAddress(index));
    const r = await this.run(host, cmd);
    if (!r || r.code !== 0) throw new Error(failureLine(r, cmd));
  }

  /** A lab action as a `# lab:` comment line, so "Copy all" still gives a script; returns the detail. */
  private _note(what: string, detail: string): string {
    this._log.append(`# lab: ${what}`, { code: 0, stdout: detail, stderr: '' });
    return detail;
  }

  private _failed(what: string, e: unknown): never {
    this._log.appendError(`# lab: ${what}`, e);
    throw e;
  }

  private async _runBytes(host: LabHost, cmd: string, shown: string, stdin?: ArrayBuffer): Promise<BytesResult> {
    try {
      return await host.execBytes(cmd, stdin);
    } catch (e) {
      this._log.appendError(shown, e);
      throw new Error(`${shown}: ${errorMessage(e)}`);
    }
  }
}
