// The exact vpsctl command lines the lab runs (and shows in the command log). DOM-free.

/** One word for `sh -c`: always single-quoted, a ' inside becomes '\'' (close, escaped quote, reopen). */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function vpsId(id: number): string {
  if (!Number.isSafeInteger(id) || id < 0) throw new RangeError(`a VPS id is a whole number, got ${id}`);
  return String(id);
}

export const startCommand = (id: number): string => `vpsctl start ${vpsId(id)}`;
export const stopCommand = (id: number): string => `vpsctl stop ${vpsId(id)}`;
export const destroyCommand = (id: number): string => `vpsctl destroy ${vpsId(id)}`;
export const suspendCommand = (id: number): string => `vpsctl suspend ${vpsId(id)}`;
export const resumeCommand = (id: number): string => `vpsctl resume ${vpsId(id)}`;
export const shellCommand = (id: number): string => `vpsctl shell ${vpsId(id)}`;
/** The snapshot to stdout: the page keeps the bytes. */
export const snapshotCommand = (id: number): string => `vpsctl snapshot ${vpsId(id)} -`;
/** The snapshot from stdin (the page sends the stored bytes). */
export const restoreCommand = (id: number): string => `vpsctl restore ${vpsId(id)} -`;
/** To another lab host, by its lab address (192.168.100.N). */
export function migrateCommand(id: number, address: string): string {
  if (!/^[0-9]{1,3}(\.[0-9]{1,3}){3}$/.test(address)) throw new RangeError(`not an IPv4 address: ${address}`);
  return `vpsctl migrate ${vpsId(id)} ${address}`;
}

export interface CreateOptions {
  id: number;
  name?: string;
  /** Comma list as the user typed it; vpsctl parses it. */
  ip?: string;
  /** `res:soft:hard` comma list as typed. */
  limits?: string;
  init?: string;
}

/** `vpsctl create <id> --name '…' --ip '…' --limits '…' --init '…'`; empty options are left out. */
export function createCommand(opts: CreateOptions): string {
  const words = ['vpsctl', 'create', vpsId(opts.id)];
  const options: [string, string | undefined][] = [
    ['--name', opts.name],
    ['--ip', opts.ip],
    ['--limits', opts.limits],
    ['--init', opts.init],
  ];
  for (const [flag, raw] of options) {
    const value = raw?.trim() ?? '';
    if (value !== '') words.push(flag, shellQuote(value));
  }
  return words.join(' ');
}

export type CreateField = 'id' | 'name' | 'ip' | 'limits' | 'init';

/**
 * The form field a `vpsctl create` error is about, when its message says so:
 * "vpsctl: create VPS 6: --ip: IP_NETWORKS: ..." -> "ip".
 */
export function fieldOfCreateError(message: string): CreateField | undefined {
  const option = /(?:^|\s)--(name|ip|limits|init):/.exec(message);
  if (option) return option[1] as CreateField;
  if (/already has a config|expects an id|VPS id .*: must be a number/.test(message)) return 'id';
  return undefined;
}
