// Shared by the limits, isolation and escape tests: /proc/vservers through the page's own parser,
// a workload's one-line result, and the bystander checks every hostile workload ends with.
import { expect } from 'vitest';
import { parseVserver, type Vserver } from '../../src/core/vservers.ts';
import { until, type Guest } from './guest.ts';

/** /proc/vservers/<id> as the host reads it, parsed by the same code the page uses. */
export async function vserver(g: Guest, id: number | 'self'): Promise<Vserver> {
  return parseVserver(await g.ok(`cat /proc/vservers/${id}`), `/proc/vservers/${id}`);
}

/** Starts a command in VPS <id> in the background, its output in <file> inside the VPS; returns
 * the host path of that file (the VPS root is mounted on the host). */
export async function background(g: Guest, id: number, cmd: string, file: string): Promise<string> {
  await g.ok(`vpsctl execwt ${id} sh -c '${cmd} > ${file} 2>&1 &'`);
  return `/vps/root/${id}${file}`;
}

/** The one line a vpstest workload prints when it is refused: "<what> <count> <ERRNO>". */
export async function workloadResult(g: Guest, hostFile: string, what: string): Promise<{ count: number; errno: string }> {
  const out = await until(g, `cat ${hostFile} 2>/dev/null`, (o) => new RegExp(`^${what} \\d+ \\S+$`, 'm').test(o));
  const m = new RegExp(`^${what} (\\d+) (\\S+)$`, 'm').exec(out)!;
  return { count: Number(m[1]), errno: m[2]! };
}

/** VPS 4 and the host still work, and VPS 4 still runs the init it started with. */
export async function bystandersFine(g: Guest, vps4Init: string): Promise<void> {
  expect(await g.ok('vpsctl execwt 4 sh -c "echo vps4 > /tmp/alive && cat /tmp/alive"')).toBe('vps4\n');
  expect(await g.ok('echo host > /tmp/alive && cat /tmp/alive')).toBe('host\n');
  expect(await g.ok('cat /run/vps/4.pid')).toBe(vps4Init);
  expect((await vserver(g, 4)).processCount).toBeGreaterThanOrEqual(1);
}

/** Stopping VPS 3 works and leaves no process, cgroup, mount or loop device behind. */
export async function stopsCleanly(g: Guest): Promise<void> {
  expect(await g.ok('vpsctl stop 3')).toBe('VPS 3 stopped\n');
  const left = await g.sh(
    'test -d /sys/fs/cgroup/vps/3 || test -e /proc/vservers/3 || grep -q " /vps/[a-z]*/3" /proc/mounts || losetup -a | grep -q /vps/priv/3',
  );
  expect(left.code).not.toBe(0);
}
