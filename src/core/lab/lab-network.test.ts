import { describe, expect, it } from 'vitest';
import { isLabKey, LAB_KEY_PATH, labSetupCommand, newLabKey } from './lab-network.ts';

describe('lab key', () => {
  it('is 32 random bytes as hex, new for every lab', () => {
    const a = newLabKey();
    const b = newLabKey();
    expect(isLabKey(a)).toBe(true);
    expect(a).not.toBe(b);
    expect(isLabKey('A'.repeat(64))).toBe(false);
    expect(isLabKey('a'.repeat(63))).toBe(false);
  });

  it('is written by the host setup, root-only, whole or not at all', () => {
    const key = newLabKey();
    const cmd = labSetupCommand(2, key);
    expect(cmd).toContain(`(umask 077 && printf '%s\\n' ${key} > ${LAB_KEY_PATH}.new && mv -f ${LAB_KEY_PATH}.new ${LAB_KEY_PATH})`);
    expect(cmd).toContain('ip addr replace 192.168.100.2/24 dev eth0');
    expect(() => labSetupCommand(2, 'x; reboot')).toThrow(/lab key/);
  });
});
