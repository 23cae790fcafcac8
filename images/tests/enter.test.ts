// Entering a VPS (vpsctl shell, execwt, execin) lends it no host resource: the entered process
// has its own session, a pty of the VPS instead of the caller's terminal, no host descriptor, and
// neither it nor the host's /sbin/vps-tools can be reached from inside before its exec.
// Host terminals come from `vpstest ptyrun`, which runs a command on a fresh pty like a user at a
// terminal (the page's console is such a terminal: ttyS0, a root shell).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGuest, until, type Guest } from './guest.ts';

/** Single-quoted for sh. */
const q = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;

/** `vpstest ptyrun` with steps (['-w', text] waits for output, ['-i', text] types, ['-z', 'RxC']
 * resizes, ['-p', seconds] pauses) and a host command on the pty (a `sh -c` script, or `sh -l`: an
 * interactive login shell, as on the console); its output and exit code. */
async function atTerminal(g: Guest, steps: string[][], script: string | null, size = '24x80') {
  const args = steps.map(([op, arg]) => `${op} ${q(arg!)}`).join(' ');
  const cmd = script === null ? 'sh -l' : `sh -c ${q(script)}`;
  return g.sh(`vpstest ptyrun -s ${size} -t 90 ${args} -- ${cmd}`, { timeoutMs: 100_000 });
}

describe('entering VPS 3', () => {
  let g: Guest;
  beforeEach(async () => {
    g = await startGuest();
    await g.ok('vpsctl start 3');
  });
  afterEach(() => g.close());

  it('vpsctl shell at a terminal: a pty of the VPS, its size and resizes, the exit code, the terminal restored (also after SIGHUP)', async () => {
    const r = await atTerminal(
      g,
      [
        ['-w', ':/# '],
        ['-i', 'stty size\n'],
        ['-w', '24 80'],
        ['-z', '40x120'],
        ['-i', 'echo h""i; tty; stty size; ls -l /proc/$$/fd; exit 3\n'],
      ],
      'exec 7</etc/hostname; stty -g >/tmp/before; vpsctl shell 3; rc=$?; stty -g >/tmp/after; exit $rc',
    );
    const out = r.stdout.replace(/\r/g, '');
    expect(r.code, `${r.stderr}${out}`).toBe(3);
    expect(out).toMatch(/^hi$/m);
    const tty = /^(\/dev\/pts\/\d+)$/m.exec(out)?.[1];
    expect(tty, out).toBeDefined();
    expect(out).toMatch(/^40 120$/m); // the resize reached the VPS's pty
    expect(out).not.toMatch(/hostname/); // the host's fd 7 did not come along
    // the pty is the VPS's own: its devpts holds it while the shell runs (checked from the output
    // of `ls -l /proc/$$/fd`: stdin is that path), and the caller's terminal is as it was
    expect(out).toMatch(new RegExp(`0 -> ${tty}$`, 'm'));
    expect(await g.ok('cat /tmp/after')).toBe(await g.ok('cat /tmp/before'));

    // hung up (a host job sends vpsctl SIGHUP once the VPS shell runs a command): the hang-up
    // reaches the VPS session, and the caller's terminal is restored as well
    const hupScript =
      'stty -g >/tmp/before; ' +
      '(while [ ! -e /vps/root/3/tmp/in ]; do sleep 0.2; done; ' +
      'kill -HUP $(ps -o pid,args | awk \'$2 == "vpsctl" && $3 == "shell" { print $1 }\')) & ' +
      'vpsctl shell 3; echo "rc=$?"; stty -g >/tmp/after';
    const hup = await atTerminal(g, [['-w', 'web:/# '], ['-i', 'touch /tmp/in; sleep 300\n'], ['-w', 'rc=']], hupScript);
    expect(hup.stdout.replace(/\r/g, '')).toMatch(/^rc=129$/m); // 128 + SIGHUP: the VPS shell died of it
    expect(await g.ok('cat /tmp/after')).toBe(await g.ok('cat /tmp/before'));
    // nothing of that session is left in the VPS
    await until(g, 'vpsctl execwt 3 pidof sleep; echo " $?"', (o) => o.trim() === '1');
  });

  it('TIOCSTI from a process left behind by vpsctl shell never types into the host shell', async () => {
    // as on the page: "Open shell" types `vpsctl shell 3` into the console's root shell
    const r = await atTerminal(
      g,
      [
        ['-w', 'vpslab:/# '],
        ['-i', 'vpsctl shell 3\n'],
        ['-w', 'web:/# '],
        ['-i', 'vpstest tiocsti -d 2 -o /tmp/tiocsti.out "touch /tmp/pwned" & exit\n'],
        ['-w', 'vpslab:/# '],
        ['-p', '6'], // the host shell reads and runs whatever is typed meanwhile
        ['-i', 'exit\n'],
      ],
      null,
    );
    const report = await until(g, 'cat /vps/root/3/tmp/tiocsti.out 2>/dev/null', (o) => /^devtty /m.test(o));
    const out = r.stdout.replace(/\r/g, '');
    expect(r.code, `${r.stderr}${out}`).toBe(0);
    expect((await g.sh('test -e /tmp/pwned')).code, `${report}${out}`).not.toBe(0);
    expect(report, out).not.toMatch(/^devtty OK$/m); // its session lost its terminal with the shell
  });

  it('TIOCSTI from vpsctl execwt at a terminal never types into the host shell', async () => {
    const r = await atTerminal(
      g,
      [],
      // stdin a terminal (a pty is lent), then only stdout and stderr terminals, then none
      'vpsctl execwt 3 vpstest tiocsti "touch /tmp/pwned1"; ' +
        'vpsctl execwt 3 vpstest tiocsti "touch /tmp/pwned2" </dev/null; ' +
        'vpsctl execwt 3 vpstest tiocsti "touch /tmp/pwned3" </dev/null 2>&1 | cat; ' +
        'while read -t 4 line; do echo "host read: [$line]"; eval "$line"; done; echo host done',
    );
    const out = r.stdout.replace(/\r/g, '');
    expect(out).toMatch(/^host done$/m);
    expect(out).not.toMatch(/host read/);
    expect((await g.sh('ls /tmp/pwned*')).code, out).not.toBe(0);
    // without any terminal: no controlling terminal at all
    expect(await g.ok('vpsctl execwt 3 vpstest tiocsti x')).toBe('stdin ENOTTY\nstdout ENOTTY\nstderr ENOTTY\ndevtty ENXIO\n');
  });

  it('every entered process has its own session and no host descriptor', async () => {
    // fd 7 is a host file the caller holds open (no close-on-exec)
    const probe = 'read a b c d e sid rest </proc/self/stat; echo "$$ $sid"; ls /proc/$$/fd; exit 0';
    const out = await g.ok(`exec 7</etc/hostname; vpsctl execwt 3 sh -c ${q(probe)}`);
    const [ids, ...fds] = out.trim().split('\n');
    const [pid, sid] = ids!.split(' ');
    expect(sid, out).toBe(pid); // a session leader in the VPS's pid namespace
    expect(fds).toEqual(['0', '1', '2']);
    // the pty comes from the VPS's devpts itself, whatever its root made of /dev/ptmx (it may
    // point it at another of its nodes; a user namespace makes no device node of its own)
    await g.ok(`vpsctl execwt 3 sh -c 'rm /dev/ptmx && ln -s null /dev/ptmx'`);
    expect((await atTerminal(g, [], 'vpsctl execwt 3 tty')).stdout).toMatch(/^\/dev\/pts\/\d+\r?$/m);
    // and it is VPS root's, group tty, as if it had opened it itself
    expect((await atTerminal(g, [], `vpsctl execwt 3 sh -c 'stat -c %u:%g $(tty)'`)).stdout).toMatch(/^0:5\r?$/m);
    const hostPid = (await g.ok('exec 7</etc/hostname; vpsctl execin 3 sleep 600')).trim();
    expect(await g.ok(`ls /proc/${hostPid}/fd | tr "\\n" " "`)).toBe('0 1 2 ');
  });

  it('neither the entering process nor the host binary can be reached from inside', async () => {
    // before its exec: the entering process is host root until it enters the VPS's user namespace
    // (no VPS process may even signal it), then VPS root and not dumpable until its exec. That last
    // stretch is a few ms of CPU with nothing that blocks, so on the one-CPU guest the watcher
    // seldom runs inside it: a miss is no failure, but whatever it catches must refuse every probe.
    await g.ok("vpsctl execwt 3 sh -c 'vpstest catchenter -t 5 > /tmp/catch.out 2>&1 &'");
    await until(g, 'cat /vps/root/3/tmp/catch.out', (o) => o.startsWith('ready\n'));
    await g.ok('vpsctl execwt 3 true');
    const caught = await until(g, 'cat /vps/root/3/tmp/catch.out', (o) => /^(mem \S+|missed)$/m.test(o));
    if (!/^missed$/m.test(caught)) {
      expect(caught).toMatch(/^caught vpsctl$/m); // really in the window: still the host's binary
      const pre = Object.fromEntries(caught.trim().split('\n').slice(2).map((l) => l.split(' ') as [string, string]));
      expect(pre).toEqual({
        'exe-readlink': 'EACCES', // not dumpable until its exec
        'exe-open-read': 'EACCES',
        'exe-open-write': 'EACCES',
        'exe-chmod': 'EACCES',
        'exe-chown': 'EACCES',
        cwd: 'EACCES',
        root: 'EACCES',
        fd: 'EACCES',
        mem: 'EACCES',
      });
    }

    // after its exec: a script starting "#!/proc/self/exe" (here named so that the multicall binary
    // runs `vpstest tiocsti -d 60`, which waits) runs the host's binary with the VPS's credentials
    await g.ok(`vpsctl execwt 3 sh -c ${q('mkdir /tmp/trap && printf "#!/proc/self/exe\\n" > /tmp/trap/vpstest && chmod 755 /tmp/trap/vpstest')}`);
    const hostPid = (await g.ok('vpsctl execin 3 /tmp/trap/vpstest tiocsti -d 60 x')).trim();
    await until(g, `readlink /proc/${hostPid}/exe`, (o) => o === '/sbin/vps-tools\n');
    const vpsPid = (await g.ok(`awk '/^NSpid/ { print $NF }' /proc/${hostPid}/status`)).trim();
    const post = Object.fromEntries(
      (await g.ok(`vpsctl execwt 3 vpstest catchenter -p ${vpsPid}`)).trim().split('\n').map((l) => l.split(' ') as [string, string]),
    );
    expect(post['exe-chmod'], JSON.stringify(post)).toBe('EROFS');
    expect(post['exe-chown'], JSON.stringify(post)).toBe('EROFS');
    expect(post['exe-open-write'], JSON.stringify(post)).not.toBe('OK'); // ETXTBSY: vpsd runs it too

    // the host's binary is on a read-only mount: not even host root changes it in place
    const chmod = await g.sh('chmod 0755 /sbin/vps-tools');
    expect(chmod.stderr).toMatch(/Read-only file system/);
    expect(await g.ok("awk '$5 == \"/sbin/vps-tools\" { print $6 }' /proc/self/mountinfo")).toMatch(/^ro,/);
    expect(await g.ok('stat -c %a /sbin/vps-tools')).toBe('755\n');
  });
});
