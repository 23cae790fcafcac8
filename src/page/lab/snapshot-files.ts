// Snapshot files as the page handles them: their names and the ids they may be restored under.
// The bytes go to vpsctl as they are; it checks the format (images/tools/vpsctl/SNAPSHOT.md).

/** A stored snapshot, without its bytes. */
export interface SnapshotMeta {
  key: string;
  /** The VPS it was taken from, and where. */
  vpsId: number;
  name: string;
  host: string;
  /** ms since the epoch. */
  createdAt: number;
  size: number;
}

/** "vps3-web-20261123-224501.vpsnap": VPS id, name, and the UTC time it was taken. */
export function snapshotFileName(meta: Pick<SnapshotMeta, 'vpsId' | 'name' | 'createdAt'>): string {
  const t = new Date(meta.createdAt).toISOString(); // 2026-11-23T22:45:01.123Z
  const stamp = `${t.slice(0, 10).replace(/-/g, '')}-${t.slice(11, 19).replace(/:/g, '')}`;
  const name = meta.name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40) || 'vps';
  return `vps${meta.vpsId}-${name}-${stamp}.vpsnap`;
}

/** A VPS id typed by the user: an integer 3..65535 (vpsctl's range), or an error line. */
export function parseVpsId(text: string): { id: number } | { error: string } {
  const t = text.trim();
  if (!/^[0-9]+$/.test(t)) return { error: `VPS id "${t}" is not a number` };
  const id = Number(t);
  if (id < 3 || id > 65535) return { error: `VPS id ${id} is outside 3..65535` };
  return { id };
}

/** The id a restore proposes: the snapshot's own, unless that one is taken on the target host. */
export function proposedRestoreId(snapshotId: number, taken: readonly number[]): number {
  if (!taken.includes(snapshotId)) return snapshotId;
  let id = 100;
  while (taken.includes(id)) id++;
  return id;
}
