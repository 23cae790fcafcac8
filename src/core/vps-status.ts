// The VPS of one host: `vpsctl --json list` joined with /proc/vservers.
import { VpsStatusError } from './errors.ts';
import { parseVserversFiles, type Vserver } from './vservers.ts';

/** One row of `vpsctl --json list`. */
export interface VpsListEntry {
  id: number;
  name: string;
  state: 'running' | 'suspended' | 'stopped';
  init_pid: number;
  procs: number;
  memory_bytes: number;
  addresses: string[];
  config_error?: string;
}

/** A host as reading its VPS needs it: a shell command's result, and the /proc/vservers files by name. */
export interface VpsStatusSource {
  exec(cmd: string): Promise<{ code: number; stdout: string; stderr: string }>;
  vservers(): Promise<Record<string, string>>;
}

export interface VpsStatus extends VpsListEntry {
  /** Live figures from /proc/vservers/<id>; absent while the VPS is stopped. */
  figures?: Vserver;
}

export function parseVpsList(json: string): VpsListEntry[] {
  let rows: unknown;
  try {
    rows = JSON.parse(json);
  } catch {
    throw new VpsStatusError(`vpsctl --json list did not print JSON: ${json.slice(0, 80)}`);
  }
  if (!Array.isArray(rows)) throw new VpsStatusError('vpsctl --json list did not print a list');
  return rows.map((r: Partial<VpsListEntry>) => {
    if (typeof r.id !== 'number' || typeof r.state !== 'string' || !Array.isArray(r.addresses))
      throw new VpsStatusError(`vpsctl --json list: malformed row ${JSON.stringify(r).slice(0, 80)}`);
    return r as VpsListEntry;
  });
}

export async function readVpsStatus(host: VpsStatusSource): Promise<VpsStatus[]> {
  const [list, files] = await Promise.all([host.exec('vpsctl --json list'), host.vservers()]);
  if (list.code !== 0) throw new VpsStatusError(`vpsctl --json list failed: ${list.stderr.trim()}`);
  const byId = new Map(parseVserversFiles(files).contexts.map((v) => [v.id, v]));
  return parseVpsList(list.stdout).map((entry) => {
    const figures = entry.state === 'stopped' ? undefined : byId.get(entry.id);
    return figures ? { ...entry, figures } : entry;
  });
}
