// Snapshot, restore and migrate as the panel runs them: each is one vpsctl command on a host,
// logged as that command; failures throw one line (vpsctl's own, when it said something).
import type { BytesResult, LabHost, ShellResult } from '../lab/host-types.ts';
import { hostIndex, labAddress } from '../lab/lab-network.ts';
import { snapshotFileName, type SnapshotMeta } from '../lab/snapshot-files.ts';
import { saveSnapshot } from '../lab/snapshot-store.ts';
import { errorMessage } from '../shared/errors.ts';
import { failureLine, runLogged, type CommandSink } from './run-logged.ts';
import { migrateCommand, restoreCommand, snapshotCommand, startCommand } from './vpsctl-command.ts';

/** The text of a byte-stream command for the log: stderr as is, stdout described. */
function logged(r: BytesResult, stdout: string): ShellResult {
  return { code: r.code, stdout: r.code === 0 ? stdout : '', stderr: r.stderr };
}

async function runBytes(host: LabHost, log: CommandSink, cmd: string, shown: string, stdin?: ArrayBuffer): Promise<BytesResult> {
  try {
    return await host.execBytes(cmd, stdin);
  } catch (e) {
    log.appendError(shown, e);
    throw new Error(`${shown}: ${errorMessage(e)}`);
  }
}

/** `vpsctl snapshot <id> -` on `host`; the bytes go to IndexedDB. */
export async function takeSnapshot(host: LabHost, log: CommandSink, vps: { id: number; name: string }): Promise<SnapshotMeta> {
  const cmd = snapshotCommand(vps.id);
  const r = await runBytes(host, log, cmd, cmd);
  if (r.code !== 0) {
    log.append(cmd, logged(r, ''));
    throw new Error(failureLine({ code: r.code, stdout: '', stderr: r.stderr }, cmd));
  }
  const meta = await saveSnapshot({ vpsId: vps.id, name: vps.name, host: host.name, createdAt: Date.now() }, r.stdout);
  log.append(cmd, logged(r, `${meta.size} bytes, kept in this browser as ${snapshotFileName(meta)}\n`));
  return meta;
}

/** `vpsctl restore <id> -` on `host` with the snapshot's bytes on stdin, then `vpsctl start <id>` if asked. */
export async function restoreSnapshot(
  host: LabHost,
  log: CommandSink,
  snapshot: { bytes: ArrayBuffer; label: string },
  id: number,
  start: boolean,
): Promise<void> {
  const cmd = restoreCommand(id);
  const shown = `${cmd} < ${snapshot.label}`;
  const r = await runBytes(host, log, cmd, shown, snapshot.bytes);
  log.append(shown, logged(r, new TextDecoder().decode(r.stdout)));
  if (r.code !== 0) throw new Error(failureLine({ code: r.code, stdout: '', stderr: r.stderr }, shown));
  if (!start) return;
  const started = await runLogged(host, log, startCommand(id));
  if (!started || started.code !== 0) throw new Error(failureLine(started, startCommand(id)));
}

/** `vpsctl migrate <id> <address of target>` on `host`. */
export async function migrateVps(host: LabHost, log: CommandSink, id: number, target: string): Promise<void> {
  const index = hostIndex(target);
  if (index === undefined) throw new Error(`migrate: "${target}" is not a lab host`);
  const cmd = migrateCommand(id, labAddress(index));
  const r = await runLogged(host, log, cmd);
  if (!r || r.code !== 0) throw new Error(failureLine(r, cmd));
}
