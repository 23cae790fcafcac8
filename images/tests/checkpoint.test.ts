// Checkpoint/restore of running process trees (images/tools/ckpt, driven by `vpstest ckpt`): a
// workload in a pid namespace of its own is dumped and killed, then restored in a fresh pid
// namespace, and goes on from where it was with the same pids; an unsupported resource is refused
// with one line and the workload keeps running untouched; a damaged image is refused with one line.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { oneLine, startGuest, until, type Guest } from './guest.ts';

/** Single-quoted for sh. */
const q = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;

/** Starts `script` as the init (pid 1, a session leader) of a new pid namespace, in the background
 * with no terminal; returns the init's host pid. */
async function startTree(g: Guest, script: string): Promise<number> {
  const out = await g.ok(
    `cd /tmp && unshare -p -f --mount-proc setsid sh -c ${q(script)} </dev/null >/dev/null 2>&1 & ` +
      'p=$!; while [ -z "$(cat /proc/$p/task/$p/children 2>/dev/null)" ]; do sleep 0.1; done; ' +
      'cat /proc/$p/task/$p/children',
  );
  return Number(out.trim());
}

/** Every task of the tree under host pid `init`: "nspid ns-ppid comm" lines, sorted (the view from
 * inside the namespace, which a restore keeps). */
const TREE =
  'walk() { for c in $(cat /proc/$1/task/$1/children); do walk $c; done; ' +
  'echo "$(grep ^NSpid /proc/$1/status | awk "{print \\$NF}") $(cat /proc/$1/comm)"; }; walk "$0" | sort -n';

async function tree(g: Guest, init: number): Promise<string> {
  return g.ok(`sh -c ${q(TREE)} ${init}`);
}

const alive = (g: Guest, pid: number) => g.sh(`kill -0 ${pid}`).then((r) => r.code === 0);

describe('checkpoint and restore of a process tree', () => {
  let g: Guest;
  beforeEach(async () => {
    g = await startGuest();
  });
  afterEach(() => g.close());

  it('a shell counter loop goes on from its value (not from 1) after dump, kill and restore, as pid 1 again', async () => {
    const init = await startTree(g, 'ulimit -n 77; i=0; while :; do i=$((i+1)); echo $i >> /tmp/count; sleep 1; done');
    await until(g, 'wc -l < /tmp/count', (o) => Number(o) >= 3);
    const dumped = await g.ok(`vpstest ckpt dump --kill ${init} /tmp/img`);
    expect(dumped).toMatch(/^dumped \d+ bytes in \d+ ms\n$/);
    expect(await alive(g, init)).toBe(false);
    const last = Number((await g.ok('tail -n 1 /tmp/count')).trim());
    expect(await g.ok('vpstest ckpt show /tmp/img')).toMatch(/^tasks 2 vmas \d+ files \d+ fds \d+ page_bytes \d+ pipe_bytes 0\n$/);

    const restored = await g.ok('vpstest ckpt restore /tmp/img');
    const pid = Number(/^restored init (\d+) in \d+ ms\n$/.exec(restored)![1]);
    expect(await g.ok(`grep -E '^(NSpid|PPid)' /proc/${pid}/status`)).toMatch(/^PPid:\s+\d+\nNSpid:\s+\d+\s+1\n$/);
    // its rlimits, cwd and name came back too
    expect(await g.ok(`grep 'open files' /proc/${pid}/limits; readlink /proc/${pid}/cwd; cat /proc/${pid}/comm`)).toMatch(
      /^Max open files\s+77\s+77\s+files\s*\n\/tmp\nsh\n$/,
    );
    await until(g, 'tail -n 1 /tmp/count', (o) => Number(o) >= last + 3);
    // every value once, in order: the loop went on from its saved value
    const values = (await g.ok('cat /tmp/count')).trim().split('\n').map(Number);
    expect(values).toEqual(values.map((_v, i) => i + 1));
    expect(values.length).toBeGreaterThanOrEqual(last + 3);
    await g.ok(`kill -9 ${pid}`);
  });

  it('a pipeline keeps the bytes queued in its pipe, its pids, and a blocked open of a fifo', async () => {
    await g.ok('mkfifo /tmp/gofifo');
    // the writer has sent 2000 lines and sleeps holding the write end; the reader took one line
    // and waits in open() of a fifo, then copies the rest of the pipe
    const init = await startTree(
      g,
      '{ seq 1 2000; exec sleep 1000; } | { read first; echo $first > /tmp/first; read go < /tmp/gofifo; cat > /tmp/out; }',
    );
    await until(g, 'cat /tmp/first 2>/dev/null', (o) => o === '1\n');
    // seq may still be exiting when the first line is read: wait for the three that stay
    const before = await until(g, `sh -c ${q(TREE)} ${init}`, (o) => o.split('\n').filter(Boolean).length === 3);
    await g.ok(`vpstest ckpt dump --kill ${init} /tmp/img`);
    expect(await g.ok('vpstest ckpt show /tmp/img')).toMatch(/ pipe_bytes 8891\n$/);

    // VPS_TRACE=restore traces the restore's steps on stderr, one line each
    const traced = await g.sh('VPS_TRACE=restore vpstest ckpt restore /tmp/img');
    expect(traced.code).toBe(0);
    expect(traced.stderr).toMatch(/^restore\[\d+\]: 3 tasks, \d+ files; status page at 0x[0-9a-f]+\n/);
    expect(traced.stderr).toMatch(/\nrestore\[\d+\]: process 3 \(sh\): made, parent 1, session 1, group 1\n/);
    expect(traced.stderr).toMatch(/\nrestore\[\d+\]: every task ready: go\n$/);
    const pid = Number(/^restored init (\d+)/.exec(traced.stdout)![1]);
    expect(await tree(g, pid)).toBe(before);
    await g.ok('echo go > /tmp/gofifo');
    await until(g, 'wc -l < /tmp/out', (o) => Number(o) === 1999);
    expect(await g.ok('seq 2 2000 | cmp - /tmp/out && echo same')).toBe('same\n');
    await g.ok(`kill -9 ${pid}`);
  });

  it('refuses a process holding a TCP socket with one line, and leaves the tree running as it was', async () => {
    const init = await startTree(g, 'nc -l -p 4711 > /tmp/nc.out; echo done > /tmp/nc.done');
    await until(g, 'netstat -ltn', (o) => o.includes(':4711 '));
    const before = await tree(g, init);
    const r = await g.sh(`vpstest ckpt dump ${init} /tmp/img`);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/^vpstest: process 2 \(nc\): socket:\[\d+\] \(TCPv?6?\) is not supported$/);
    expect(await g.sh('ls /tmp/img')).toMatchObject({ code: 1 });
    // untouched: no tracer, not stopped, the same tasks, and nc still takes a connection
    expect(await tree(g, init)).toBe(before);
    expect(await g.ok(`for p in ${init} $(cat /proc/${init}/task/${init}/children); do grep -E '^(State|TracerPid)' /proc/$p/status; done`)).toMatch(
      /^(State:\s+S \(sleeping\)\nTracerPid:\s+0\n){2}$/,
    );
    await g.ok('echo hello | nc 127.0.0.1 4711');
    await until(g, 'cat /tmp/nc.done /tmp/nc.out 2>/dev/null', (o) => o === 'done\nhello\n');
  });

  it('keeps alarm and the itimers: what was left of ITIMER_REAL, _VIRTUAL and _PROF fires after the restore', async () => {
    const init = await startTree(g, 'vpstest itimer 4000 > /tmp/it');
    await until(g, 'cat /tmp/it', (o) => o === 'armed\n');
    await g.ok(`vpstest ckpt dump --kill ${init} /tmp/img`);
    // killed before any of them fired: nothing but the restored timers can fire now
    expect(await g.ok('cat /tmp/it')).toBe('armed\n');
    const pid = Number(/^restored init (\d+)/.exec(await g.ok('vpstest ckpt restore /tmp/img'))![1]);
    await until(g, 'sort /tmp/it', (o) => o === 'armed\nprof fired\nreal fired\nvirtual fired\n');
    // then it exits on its own, as the workload does once all three have fired
    await until(g, `[ -e /proc/${pid} ] && echo running || echo gone`, (o) => o === 'gone\n');
  });

  it('refuses a POSIX timer and a file lock with one line naming the process, and leaves the tree running', async () => {
    const cases = [
      { script: 'vpstest ptimer > /tmp/ready', want: /^vpstest: process 1 \(vpstest\): POSIX timer 0 is not supported$/ },
      {
        script: 'vpstest lock flock /tmp/lk > /tmp/ready',
        want: /^vpstest: process 1 \(vpstest\): fd 3: a file lock \(FLOCK ADVISORY WRITE\) on \/tmp\/lk is not supported$/,
      },
      {
        script: 'vpstest lock posix /tmp/lk > /tmp/ready',
        want: /^vpstest: process 1 \(vpstest\): fd 3: a file lock \(POSIX ADVISORY WRITE\) on \/tmp\/lk is not supported$/,
      },
    ];
    for (const c of cases) {
      await g.ok('rm -f /tmp/ready /tmp/img');
      const init = await startTree(g, c.script);
      await until(g, 'cat /tmp/ready 2>/dev/null', (o) => o === 'armed\n');
      const before = await tree(g, init);
      const r = await g.sh(`vpstest ckpt dump ${init} /tmp/img`);
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toMatch(c.want);
      expect(await g.sh('ls /tmp/img')).toMatchObject({ code: 1 });
      expect(await tree(g, init)).toBe(before);
      expect(await g.ok(`grep -E '^(State|TracerPid)' /proc/${init}/status`)).toMatch(/^State:\s+S \(sleeping\)\nTracerPid:\s+0\n$/);
      await g.ok(`kill -9 ${init}`);
    }
  });

  it('with --cgroup, refuses a process of the cgroup that is not in the tree (entered from outside), naming it', async () => {
    const init = await startTree(g, 'while :; do sleep 1; done');
    const cg = '/sys/fs/cgroup/ckpt-test';
    await g.ok(`mkdir ${cg} && echo ${init} > ${cg}/cgroup.procs`);
    // sleep 1 children come and go: each new one is forked inside the cgroup
    await until(g, `sh -c ${q(TREE)} ${init} | wc -l`, (o) => Number(o) === 2);
    await g.ok(`sleep 1000 </dev/null >/dev/null 2>&1 & echo $! > ${cg}/cgroup.procs; echo $! > /tmp/stray`);
    const stray = Number((await g.ok('cat /tmp/stray')).trim());
    const r = await g.sh(`vpstest ckpt dump --cgroup ${cg} ${init} /tmp/img`);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(
      `vpstest: process ${stray} (sleep): entered from outside (its parent is not in the tree) is not supported`,
    );
    expect(await g.sh('ls /tmp/img')).toMatchObject({ code: 1 });
    expect(await g.ok(`grep TracerPid /proc/${init}/status`)).toMatch(/^TracerPid:\s+0\n$/);
    // without the stray, the same cgroup is dumped
    await g.ok(`kill -9 ${stray}`);
    await until(g, `cat ${cg}/cgroup.procs | grep -c .`, (o) => Number(o) <= 2);
    expect(await g.ok(`vpstest ckpt dump --kill --cgroup ${cg} ${init} /tmp/img`)).toMatch(/^dumped \d+ bytes/);
    await until(g, `cat ${cg}/cgroup.procs | grep -c . || true`, (o) => o === '0\n');
    await g.ok(`rmdir ${cg}`);
  });

  it('dumps a tree whose cgroup is frozen, and leaves it frozen; thawed, it goes on', async () => {
    const init = await startTree(g, 'i=0; while :; do i=$((i+1)); echo $i >> /tmp/count; sleep 1; done');
    const cg = '/sys/fs/cgroup/ckpt-frozen';
    await g.ok(`mkdir ${cg} && for p in ${init} $(cat /proc/${init}/task/${init}/children); do echo $p > ${cg}/cgroup.procs; done`);
    await until(g, 'wc -l < /tmp/count', (o) => Number(o) >= 2);
    await g.ok(`echo 1 > ${cg}/cgroup.freeze`);
    await until(g, `cat ${cg}/cgroup.events`, (o) => o.includes('frozen 1'));
    expect(await g.ok(`VPS_TRACE=snapst vpstest ckpt dump --cgroup ${cg} ${init} /tmp/img 2>&1 | grep -c 'frozen, thawed under the tracer'`)).toBe('1\n');
    expect(await g.ok('vpstest ckpt show /tmp/img')).toMatch(/^tasks 2 /);
    expect(await g.ok(`cat ${cg}/cgroup.freeze; grep frozen ${cg}/cgroup.events; grep TracerPid /proc/${init}/status`)).toMatch(
      /^1\nfrozen 1\nTracerPid:\s+0\n$/,
    );
    const last = Number((await g.ok('tail -n 1 /tmp/count')).trim());
    await g.ok(`echo 0 > ${cg}/cgroup.freeze`);
    await until(g, 'tail -n 1 /tmp/count', (o) => Number(o) >= last + 2);
    await g.ok(`kill -9 ${init}`);
    await until(g, `cat ${cg}/cgroup.procs | grep -c . || true`, (o) => o === '0\n');
    await g.ok(`rmdir ${cg}`);
  });

  it('refuses a damaged or truncated image with one line and restores nothing', async () => {
    const init = await startTree(g, 'while :; do sleep 1; done');
    await g.ok(`vpstest ckpt dump --kill ${init} /tmp/img`);
    const size = Number(await g.ok('stat -c %s /tmp/img'));
    await g.ok(`cp /tmp/img /tmp/flip && printf '\\377' | dd of=/tmp/flip bs=1 seek=${Math.floor(size / 2)} conv=notrunc 2>/dev/null`);
    await g.ok(`head -c ${size - 10} /tmp/img > /tmp/short`);
    const procs = await g.ok('ls /proc | grep -c "^[0-9]"');
    const flip = await g.sh('vpstest ckpt restore /tmp/flip');
    expect(flip.code).toBe(1);
    expect(oneLine(flip.stderr)).toMatch(/^vpstest: corrupt process image record at byte \d+ \((header )?checksum mismatch\)$/);
    const short = await g.sh('vpstest ckpt restore /tmp/short');
    expect(short.code).toBe(1);
    expect(oneLine(short.stderr)).toBe(`vpstest: process image truncated at byte ${size - 10}`);
    expect(await g.ok('ls /proc | grep -c "^[0-9]"')).toBe(procs);
  });
});
