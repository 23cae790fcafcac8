// The lab LAN: host N is 192.168.100.N/24 on eth0 with its own MAC, and answers ARP for the VPS
// it runs (proxy_arp), so VPS on different hosts reach each other by IP across the switch.

export const LAB_PREFIX = '192.168.100';
/** Where VPS addresses live (10.0.<id>.1 in the examples); routed onto the LAN from every host. */
export const VPS_NETWORK = '10.0.0.0/8';

function checkIndex(index: number): void {
  if (!Number.isInteger(index) || index < 1 || index > 254) throw new Error(`lab host index ${index} is not 1..254`);
}

/** "192.168.100.N" for the Nth host (1-based). */
export function labAddress(index: number): string {
  checkIndex(index);
  return `${LAB_PREFIX}.${index}`;
}

/** A locally administered MAC per host: every host resumes the same post-boot state, so their NICs would clash. */
export function labMac(index: number): string {
  checkIndex(index);
  return `02:56:4c:00:00:${index.toString(16).padStart(2, '0')}`;
}

/** The host index in a name like "host3", or undefined. */
export function hostIndex(name: string): number | undefined {
  const m = /^host([1-9][0-9]{0,2})$/.exec(name);
  const n = m ? Number(m[1]) : NaN;
  return n >= 1 && n <= 254 ? n : undefined;
}

/** Where each host keeps the lab's shared secret: host root's, mode 0600; a VPS never sees the host's /etc. */
export const LAB_KEY_PATH = '/etc/vps/lab.key';

/** A new lab secret: 32 random bytes as 64 hex digits (migration peers prove they hold it, MIGRATE.md). */
export function newLabKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function isLabKey(key: unknown): key is string {
  return typeof key === 'string' && /^[0-9a-f]{64}$/.test(key);
}

/**
 * Shell for the host context that puts host `index` on the lab LAN and gives it the lab's key;
 * idempotent, so it may run again after a resume. The MAC changes with the link down (a driver may
 * program it only on open).
 */
export function labSetupCommand(index: number, key: string): string {
  if (!isLabKey(key)) throw new Error('the lab key is not 64 lower-case hex digits');
  const mac = labMac(index);
  return [
    'set -e',
    // written whole, then renamed: never readable by anyone but root, never half there
    `(umask 077 && printf '%s\\n' ${key} > ${LAB_KEY_PATH}.new && mv -f ${LAB_KEY_PATH}.new ${LAB_KEY_PATH})`,
    `if [ "$(cat /sys/class/net/eth0/address)" != ${mac} ]; then ip link set eth0 down; ip link set eth0 address ${mac}; fi`,
    'ip link set eth0 up',
    `ip addr replace ${labAddress(index)}/24 dev eth0`,
    'echo 1 > /proc/sys/net/ipv4/conf/eth0/proxy_arp',
    // Answer proxied ARP at once, not after the default random delay of up to 0.8 s.
    'echo 0 > /proc/sys/net/ipv4/neigh/eth0/proxy_delay',
    `ip route replace ${VPS_NETWORK} dev eth0`,
  ].join('\n');
}

/** Re-teach the LAN where a VPS address lives (after it moved here): gratuitous ARP from this host. */
export function announceCommand(ip: string): string {
  if (!/^[0-9]{1,3}(\.[0-9]{1,3}){3}$/.test(ip)) throw new Error(`not an IPv4 address: ${ip}`);
  return `arping -U -c 2 -I eth0 ${ip}`;
}
