// The VPS of one host as the page shows them: `vpsctl --json list` joined with /proc/vservers.
import { VpsStatusError } from '../shared/errors.ts';
import { parseVserversFiles, type Vserver } from '../shared/vservers.ts';
import type { LabHost, VpsListEntry } from './host-types.ts';

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

export async function readVpsStatus(host: LabHost): Promise<VpsStatus[]> {
  const [list, files] = await Promise.all([host.exec('vpsctl --json list'), host.vservers()]);
  if (list.code !== 0) throw new VpsStatusError(`vpsctl --json list failed: ${list.stderr.trim()}`);
  const byId = new Map(parseVserversFiles(files).contexts.map((v) => [v.id, v]));
  return parseVpsList(list.stdout).map((entry) => {
    const figures = entry.state === 'stopped' ? undefined : byId.get(entry.id);
    return figures ? { ...entry, figures } : entry;
  });
}
