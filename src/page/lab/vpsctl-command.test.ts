import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createCommand, destroyCommand, fieldOfCreateError, migrateCommand, restoreCommand, shellCommand, shellQuote, snapshotCommand, startCommand, stopCommand } from './vpsctl-command.ts';

/** The words a POSIX shell makes of `line` (printed NUL-terminated, so newlines survive). */
function shellWords(line: string): string[] {
  const out = execFileSync('sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('shellQuote', () => {
  it('single-quotes every value, even a plain one', () => {
    expect(shellQuote('lab5')).toBe("'lab5'");
    expect(shellQuote('')).toBe("''");
  });

  it('keeps a hostile value one inert word', () => {
    const hostile = "'; rm -rf / #";
    expect(shellQuote(hostile)).toBe(`''\\''; rm -rf / #'`);
    expect(shellWords(shellQuote(hostile)), 'the shell sees exactly the typed text').toEqual([hostile]);
  });

  it.each(['$(reboot)', '`id`', 'a"b', 'back\\slash', "it's", "''", '*', '~root', 'two  spaces', 'line\nbreak', '$HOME'])(
    'round-trips %j through sh',
    (value) => {
      expect(shellWords(shellQuote(value))).toEqual([value]);
    },
  );
});

describe('createCommand', () => {
  it('builds the line the e2e scenario expects', () => {
    expect(createCommand({ id: 5, name: 'lab5', ip: '10.0.5.1/24', limits: 'procs:32:32' })).toBe(
      "vpsctl create 5 --name 'lab5' --ip '10.0.5.1/24' --limits 'procs:32:32'",
    );
  });

  it('leaves out empty and blank options and trims the ends of values', () => {
    expect(createCommand({ id: 7, name: '  web ', ip: '', limits: '   ', init: undefined })).toBe("vpsctl create 7 --name 'web'");
    expect(createCommand({ id: 3 })).toBe('vpsctl create 3');
  });

  it('passes lists as typed and adds --init last', () => {
    expect(createCommand({ id: 9, ip: '10.0.9.1/24, fd00::9', limits: 'procs:64:64, phys:32M:48M', init: '/bin/sh -c "sleep 1"' })).toBe(
      `vpsctl create 9 --ip '10.0.9.1/24, fd00::9' --limits 'procs:64:64, phys:32M:48M' --init '/bin/sh -c "sleep 1"'`,
    );
  });

  it('quotes hostile values in every option so sh sees them as single words', () => {
    const hostile = "'; rm -rf / #";
    const line = createCommand({ id: 6, name: hostile, ip: hostile, limits: hostile, init: hostile });
    expect(shellWords(line)).toEqual(['vpsctl', 'create', '6', '--name', hostile, '--ip', hostile, '--limits', hostile, '--init', hostile]);
  });

  it('refuses an id that is not a whole number instead of quoting it', () => {
    expect(() => createCommand({ id: Number.NaN })).toThrow(RangeError);
    expect(() => createCommand({ id: 3.5 })).toThrow(/whole number/);
    expect(() => startCommand(-1)).toThrow(RangeError);
  });
});

describe('lifecycle commands', () => {
  it('are the plain vpsctl lines', () => {
    expect(startCommand(5)).toBe('vpsctl start 5');
    expect(stopCommand(5)).toBe('vpsctl stop 5');
    expect(destroyCommand(65535)).toBe('vpsctl destroy 65535');
    expect(shellCommand(3)).toBe('vpsctl shell 3');
  });
});

describe('snapshot, restore and migrate commands', () => {
  it('streams through stdin and stdout, and migrates to a lab address only', () => {
    expect(snapshotCommand(3)).toBe('vpsctl snapshot 3 -');
    expect(restoreCommand(7)).toBe('vpsctl restore 7 -');
    expect(migrateCommand(3, '192.168.100.2')).toBe('vpsctl migrate 3 192.168.100.2');
    expect(() => migrateCommand(3, 'host2; reboot')).toThrow(/not an IPv4 address/);
    expect(() => snapshotCommand(-1)).toThrow(RangeError);
  });
});

describe('fieldOfCreateError', () => {
  it('finds the option vpsctl names', () => {
    expect(fieldOfCreateError('vpsctl: create VPS 6: --ip: IP_NETWORKS: "10.0.6.300" is not an IPv4 or IPv6 address')).toBe('ip');
    expect(fieldOfCreateError('vpsctl: create VPS 6: --limits: LIMITS: unknown resource `foo`')).toBe('limits');
    expect(fieldOfCreateError('vpsctl: create VPS 6: --name: NAME: bad hostname')).toBe('name');
  });

  it('blames the id for an existing config', () => {
    expect(fieldOfCreateError('vpsctl: VPS 5 already has a config /etc/vps/vps_5.conf (destroy it first)')).toBe('id');
    expect(fieldOfCreateError('vpsctl: VPS id "2": must be a number from 3 to 65535')).toBe('id');
  });

  it('names no field when the message does not say', () => {
    expect(fieldOfCreateError('vpsctl: create `/etc/vps/.vps_5.conf.tmp`: No space left on device')).toBeUndefined();
  });
});
