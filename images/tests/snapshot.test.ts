// vpsctl suspend/resume (cgroup.freeze) and snapshot/restore/showdump: a VPS's config and private
// files in one checksummed file, restored under a new id; every bad file refused, nothing left behind.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { oneLine, startGuest, type Guest } from './guest.ts';


/** usage_usec of a VPS's cgroup. */
async function cpuUsec(g: Guest, id: number): Promise<number> {
  const stat = await g.ok(`cat /sys/fs/cgroup/vps/${id}/cpu.stat`);
  return Number(/^usage_usec (\d+)$/m.exec(stat)![1]);
}

/** What a restore that failed could have left for VPS <id>: all must be empty. */
async function leftovers(g: Guest, id: number, privParent = '/vps/priv'): Promise<string> {
  return g.ok(
    `ls -d /etc/vps/vps_${id}.conf ${privParent}/${id} ${privParent}/.${id}.restore.* /sys/fs/cgroup/vps/${id} 2>/dev/null; true`,
  );
}

// Objects of every kind inside VPS 3 (run there with execwt): a sparse 10 MB file, a hard link pair,
// a symlink, a fifo, odd modes and owners, a whiteout (rm of a template file) and an opaque
// directory (a template directory removed and made again). A device node comes from the host
// (MAKE_NODE): root in a VPS's user namespace may not make one.
const MAKE_FILES = [
  'mkdir -p /data/sub && cd /data',
  'echo hello > f1 && ln f1 f2 && ln -s f1 sl && ln -s /nowhere dangling',
  'mkfifo fifo',
  'truncate -s 10M sparse && echo middle | dd of=sparse bs=1 seek=5000000 conv=notrunc 2>/dev/null',
  'dd if=/dev/urandom of=rand bs=1k count=48 2>/dev/null',
  'chown 1234:5678 f1 && chmod 4751 f1 && chown 42:43 sub && chmod 1777 sub && chmod 600 fifo',
  'touch -d "2001-02-03 04:05:06" rand',
  'rm /etc/profile && rm -rf /etc/init.d && mkdir /etc/init.d && echo new > /etc/init.d/only',
].join(' && ');

const MAKE_NODE = 'mknod /vps/root/3/data/null c 1 3 && chown 196608:196608 /vps/root/3/data/null';

/** `sh -s <dir> [paths]`: every object under dir (or its paths), one line each: name, type, owner, mode, size, blocks,
 * links, device, mtime, and the symlink target or the sha256 of the contents. */
const LISTING =
  'cd "$1" && shift && find ${*:-.} -xdev | sort | while read -r f; do ' +
  'if [ -L "$f" ]; then x=$(readlink "$f"); elif [ -f "$f" ]; then x=$(sha256sum < "$f"); else x=; fi; ' +
  'echo "$(stat -c "%n %F %u:%g %a %s %b %h %t,%T %Y" "$f") $x"; done\n';

/** An owner on the host as VPS <id> sees it: ids of its range from 0, any other 65534. */
const insideId = (id: number, host: string): number => {
  const v = Number(host) - id * 65536;
  return v >= 0 && v < 65535 ? v : 65534;
};

/** On the host, the upper dir of VPS <id>, owners as seen inside (a snapshot keeps those: each VPS
 * has its own range of host ids). Overlayfs links every whiteout to one shared inode in its work
 * dir, which is not part of the VPS's files: their link count is left out. */
const hostListing = (g: Guest, id: number) =>
  g
    .sh(`sh -s /vps/priv/${id}/upper`, { stdin: LISTING })
    .then((r) =>
      r.stdout
        .replace(/^(\S+ character special file \S+ 0 0 0) \d+ (0,0 )/gm, '$1 - $2')
        .replace(/ (\d+):(\d+) /g, (_m, u: string, gid: string) => ` ${insideId(id, u)}:${insideId(id, gid)} `),
    );
/** Inside a VPS, the parts a restart leaves alone (the test's files, /etc, /root). */
const vpsListing = (g: Guest, id: number) =>
  g.sh(`vpsctl execwt ${id} sh -s / ./data ./etc ./root`, { stdin: LISTING }).then((r) => r.stdout);

describe('suspend and resume', () => {
  let g: Guest;
  beforeEach(async () => {
    g = await startGuest();
  });
  afterEach(() => g.close());

  it('freezes a busy VPS (no CPU used), refuses exec into it, resumes it, and stops it while suspended', async () => {
    await g.ok('vpsctl start 3 && vpsctl execin 3 sh -c "while :; do :; done"');
    expect(await g.ok('vpsctl suspend 3')).toBe('VPS 3 suspended\n');
    expect(await g.ok('cat /sys/fs/cgroup/vps/3/cgroup.events')).toContain('frozen 1');
    expect(JSON.parse(await g.ok('vpsctl --json show 3')).state).toBe('suspended');
    expect(await g.ok('vpsctl list')).toMatch(/^3\s+web\s+suspended\s/m);
    expect(await g.ok('grep ^flags: /proc/vservers/3')).toBe('flags: LOCK NPROC PRIVATE FROZEN\n');

    const before = await cpuUsec(g, 3);
    await g.ok('sleep 1');
    expect(await cpuUsec(g, 3)).toBe(before);

    let r = await g.sh('vpsctl execwt 3 true');
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe('vpsctl: execwt: VPS 3 is suspended (resume it first)');
    r = await g.sh('vpsctl suspend 3');
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe('vpsctl: suspend: VPS 3 is already suspended');

    expect(await g.ok('vpsctl resume 3')).toBe('VPS 3 resumed\n');
    expect(await g.ok('grep ^flags: /proc/vservers/3')).toBe('flags: LOCK NPROC PRIVATE\n');
    expect(await g.ok('cat /sys/fs/cgroup/vps/3/cgroup.events')).toContain('frozen 0');
    const resumed = await cpuUsec(g, 3);
    await g.ok('sleep 1');
    expect(await cpuUsec(g, 3)).toBeGreaterThan(resumed);
    r = await g.sh('vpsctl resume 3');
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe('vpsctl: resume: VPS 3 is not suspended');

    await g.ok('vpsctl suspend 3');
    expect(await g.ok('vpsctl stop 3')).toBe('VPS 3 stopped\n');
    expect((await g.sh('test -d /sys/fs/cgroup/vps/3')).code).not.toBe(0);
    r = await g.sh('vpsctl suspend 3');
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe('vpsctl: suspend: VPS 3 is not running');
    r = await g.sh('vpsctl resume 3');
    expect(oneLine(r.stderr)).toBe('vpsctl: resume: VPS 3 is not running');
    expect((await g.sh('vpsctl suspend')).code).toBe(2);
  });
});

describe('snapshot, restore, showdump', () => {
  let g: Guest;
  beforeEach(async () => {
    g = await startGuest();
  });
  afterEach(() => g.close());

  it('restores every kind of file under a new id, identical, from a file and through a pipe', async () => {
    await g.ok('vpsctl start 3');
    await g.ok(`vpsctl execwt 3 sh -c '${MAKE_FILES}'`);
    await g.ok(MAKE_NODE);
    const inside3 = await vpsListing(g, 3);
    expect(inside3).toContain('./data/sparse regular file 0:0 644 10485760');

    await g.ok('vpsctl suspend 3');
    const host3 = await hostListing(g, 3);
    // the whiteout: overlayfs makes it as the host (the mounter), so it is nobody's inside
    expect(host3).toMatch(/^\.\/etc\/profile character special file 65534:65534 0 0 0 - 0,0 /m);
    const saved = await g.ok('vpsctl snapshot 3 /tmp/s3');
    expect(saved).toMatch(/^VPS 3 saved to \/tmp\/s3: \d+ objects, \d+ bytes in \d+ ms \(frozen during the copy\)\n$/);
    expect(await g.ok('cat /sys/fs/cgroup/vps/3/cgroup.events')).toContain('frozen 1'); // still suspended
    // holes are not stored: 10 MB sparse file, a few KB of data
    expect(Number(await g.ok('stat -c %s /tmp/s3'))).toBeLessThan(200 * 1024);

    const dump = await g.ok('vpsctl showdump /tmp/s3');
    expect(dump).toMatch(/^format: version 1, flags 0x1 \(live/m);
    expect(dump).toMatch(/^source: VPS 3, taken \d{4}-/m);
    expect(dump).toMatch(/^checksums: ok /m);
    expect(dump).toContain('  NAME = web');
    expect(await g.ok('vpsctl showdump - < /tmp/s3')).toContain('checksums: ok');

    await g.ok('vpsctl stop 3');
    // a restore never takes an address another VPS here has: VPS 3 makes way for its copy
    const argshow3 = await g.ok('vpsctl argshow 3');
    await g.ok('vpsctl destroy 3');
    const restored = await g.ok('vpsctl restore 7 /tmp/s3');
    expect(restored).toMatch(/^VPS 7 \(web\) restored from \/tmp\/s3: \d+ objects/);
    expect(await hostListing(g, 7)).toBe(host3);
    // the config: same values, id-derived paths follow the new id
    const conf7 = await g.ok('grep -v "^#" /etc/vps/vps_7.conf | grep .');
    expect(conf7).toContain('FSROOT = /vps/root/7\nFSROOT_PRIV = /vps/priv/7\n');
    const show = (id: number) => g.ok(`vpsctl argshow ${id}`);
    expect((await show(7)).replaceAll('VPS 7', 'VPS 3')).toBe(argshow3);

    await g.ok('vpsctl start 7');
    expect(await vpsListing(g, 7)).toBe(inside3);
    expect(await g.ok('vpsctl execwt 7 ls /etc/init.d')).toBe('only\n'); // opaque: the template's are hidden
    expect((await g.sh('vpsctl execwt 7 test -e /etc/profile')).code).not.toBe(0); // whiteout
    await g.ok('vpsctl stop 7');

    // stdout to stdin, a stopped VPS (no freeze), onto another new id (once 7 is gone: its address)
    await g.ok('vpsctl snapshot 7 - | cat > /tmp/s7 && vpsctl destroy 7 && cat /tmp/s7 | vpsctl restore 8 -');
    expect(await hostListing(g, 8)).toBe(host3);
    expect(await g.ok('vpsctl snapshot 8 - | vpsctl showdump -')).toMatch(/flags 0 \(taken stopped\)/);
  });

  it('thaws a running VPS after its snapshot; refuses an id that exists or runs, and a ROOT_MOUNT', async () => {
    await g.ok('vpsctl start 4 && vpsctl snapshot 4 /tmp/s4');
    expect(await g.ok('cat /sys/fs/cgroup/vps/4/cgroup.events')).toContain('frozen 0');
    await g.ok('vpsctl execwt 4 true && vpsctl stop 4');
    let r = await g.sh('vpsctl restore 4 /tmp/s4');
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe('vpsctl: restore VPS 4 from `/tmp/s4`: VPS 4 already has a config `/etc/vps/vps_4.conf` (destroy it first)');
    await g.ok('vpsctl start 3');
    r = await g.sh('vpsctl restore 3 /tmp/s4');
    expect(oneLine(r.stderr)).toBe('vpsctl: restore VPS 3 from `/tmp/s4`: VPS 3 is running (stop and destroy it first)');
    r = await g.sh('vpsctl restore 9 /tmp/missing');
    expect(oneLine(r.stderr)).toMatch(/^vpsctl: restore: open `\/tmp\/missing`: No such file/);
    expect((await g.sh('vpsctl restore 9')).code).toBe(2);
    expect((await g.sh('vpsctl snapshot 99 /tmp/x')).code).toBe(1);
    await g.ok(`printf 'ROOT_MOUNT = "true"\\n' > /etc/vps/vps_11.conf`);
    r = await g.sh('vpsctl snapshot 11 /tmp/s11');
    expect(oneLine(r.stderr)).toBe(
      'vpsctl: snapshot VPS 11 to `/tmp/s11`: VPS 11 mounts its root with ROOT_MOUNT: only the default overlay can be saved',
    );
    expect((await g.sh('test -e /tmp/s11')).code).not.toBe(0);
    expect(await leftovers(g, 9)).toBe('');
  });

  it('refuses every damaged file with one line, and leaves nothing behind', async () => {
    await g.ok('mkdir -p /vps/priv/3/upper/root && dd if=/dev/urandom of=/vps/priv/3/upper/root/r bs=1k count=20 2>/dev/null');
    await g.ok('vpsctl snapshot 3 /tmp/s && vpsctl destroy 3'); // its address is free for VPS 9
    const size = Number(await g.ok('stat -c %s /tmp/s'));
    // flip one bit of byte $1 of /tmp/s into /tmp/bad
    await g.ok(
      'cat > /tmp/flip <<"EOF"\n' +
        'cp /tmp/s /tmp/bad; v=$(dd if=/tmp/s bs=1 skip=$1 count=1 2>/dev/null | od -An -tu1); v=$((v ^ ${2:-1}))\n' +
        'printf "\\\\$(printf %o $v)" | dd of=/tmp/bad bs=1 seek=$1 conv=notrunc 2>/dev/null\n' +
        'EOF',
    );
    // prep makes /tmp/bad; each reader gets one clear line, exit 1, no output, and restore leaves nothing
    const bad = async (prep: string, pattern: RegExp, readers = ['vpsctl restore 9 /tmp/bad']) => {
      await g.ok(prep);
      for (const cmd of readers) {
        const r = await g.sh(`${cmd}; rc=$?; ls -d /etc/vps/vps_9.conf /vps/priv/9 /vps/priv/.9.restore.* 2>/dev/null; exit $rc`);
        expect(r.code, `${prep}; ${cmd}`).toBe(1);
        expect(oneLine(r.stderr), `${prep}; ${cmd}`).toMatch(pattern);
        expect(r.stdout, `${prep}; ${cmd}: output or leftovers`).toBe('');
      }
    };
    const all = ['vpsctl restore 9 /tmp/bad', 'vpsctl showdump /tmp/bad', 'vpsctl restore 9 - < /tmp/bad'];
    for (const cut of [0, 5, 32, 300, Math.floor(size / 2), size - 1])
      await bad(`head -c ${cut} /tmp/s > /tmp/bad`, /truncated at byte \d+$/, cut === 300 ? all : undefined);
    for (const at of [12, 40, 100, Math.floor(size / 3), size - 30])
      await bad(`sh /tmp/flip ${at}`, /checksum mismatch|SHA-256 mismatch|corrupt|impossible|needs a newer/, at === 100 ? all : undefined);
    await bad('sh /tmp/flip 0 2', /not a vpsctl snapshot \(wrong magic\)$/, all);
    await bad('sh /tmp/flip 8 3', /snapshot format version 2 is newer than this vpsctl reads \(1\)$/, all);
    await bad('cp /tmp/s /tmp/bad && echo x >> /tmp/bad', /data after its trailer/);
    await bad('echo "not a snapshot at all, just some text here" > /tmp/bad', /wrong magic/);
    // and the good file still restores
    await g.ok('vpsctl restore 9 /tmp/s && test -f /vps/priv/9/upper/root/r');
  });

  it('fails cleanly when the disk fills up during a restore', async () => {
    await g.ok('vpsctl create 10 --ip 10.0.10.1/24');
    await g.ok('mkdir -p /vps/priv/10/upper/root && dd if=/dev/urandom of=/vps/priv/10/upper/root/big bs=1k count=300 2>/dev/null');
    await g.ok('vpsctl snapshot 10 /tmp/s10 && vpsctl destroy 10');
    // a restore puts the files where this host keeps them (/vps/priv/<id>): make that small
    await g.ok('mkdir -p /vps/priv && test -z "$(ls -A /vps/priv)" && mount -t tmpfs -o size=128k small /vps/priv');
    const r = await g.sh('vpsctl restore 10 /tmp/s10');
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/^vpsctl: restore VPS 10 from `\/tmp\/s10`: .*No space left on device$/);
    expect(await leftovers(g, 10)).toBe('');
    expect(await g.ok('ls -A /vps/priv')).toBe('');
    await g.ok('umount /vps/priv && vpsctl restore 10 /tmp/s10');
  });

  it('restores a VPS with a disk limit onto a new disk image of that size, or fails cleanly', async () => {
    await g.ok('vpsctl create 12 --ip 10.0.12.1/24 --limits disk:1M:1M');
    await g.ok('mkdir -p /vps/priv/12/upper/root && dd if=/dev/urandom of=/vps/priv/12/upper/root/big bs=1k count=1200 2>/dev/null');
    await g.ok('vpsctl snapshot 12 /tmp/s12 && vpsctl destroy 12');
    const r = await g.sh('vpsctl restore 12 /tmp/s12');
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/^vpsctl: restore VPS 12 from `\/tmp\/s12`: .*No space left on device$/);
    expect(await leftovers(g, 12)).toBe('');
    expect(await g.ok('grep -c /vps/priv /proc/mounts; true')).toBe('0\n');

    await g.ok('vpsctl create 13 --ip 10.0.13.1/24 --limits disk:2M:2M && vpsctl start 13');
    await g.ok('vpsctl execwt 13 sh -c "rm -rf /etc/init.d && mkdir /etc/init.d && echo kept > /root/k"');
    await g.ok('vpsctl snapshot 13 /tmp/s13 && vpsctl stop 13 && vpsctl destroy 13 && vpsctl restore 13 /tmp/s13');
    expect(await g.ok('ls /vps/priv/13')).toBe('disk\ndisk.img\n');
    await g.ok('vpsctl start 13');
    expect(await g.ok('vpsctl execwt 13 cat /root/k')).toBe('kept\n');
    expect(await g.ok('vpsctl execwt 13 ls -A /etc/init.d')).toBe(''); // still opaque
  });
});
