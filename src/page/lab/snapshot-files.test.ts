import { describe, expect, it } from 'vitest';
import { parseVpsId, proposedRestoreId, snapshotFileName } from './snapshot-files.ts';

describe('snapshot files', () => {
  it('names a download after the VPS and the UTC time it was taken', () => {
    expect(snapshotFileName({ vpsId: 3, name: 'web', createdAt: Date.UTC(2026, 10, 23, 22, 45, 1) })).toBe('vps3-web-20261123-224501.vpsnap');
    expect(snapshotFileName({ vpsId: 70, name: 'a b/../c', createdAt: 0 })).toBe('vps70-a_b_.._c-19700101-000000.vpsnap');
    expect(snapshotFileName({ vpsId: 5, name: '', createdAt: 0 })).toBe('vps5-vps-19700101-000000.vpsnap');
  });

  it('takes ids 3..65535 and says what is wrong with the rest', () => {
    expect(parseVpsId(' 3 ')).toEqual({ id: 3 });
    expect(parseVpsId('65535')).toEqual({ id: 65535 });
    expect(parseVpsId('2')).toEqual({ error: 'VPS id 2 is outside 3..65535' });
    expect(parseVpsId('65536')).toEqual({ error: 'VPS id 65536 is outside 3..65535' });
    expect(parseVpsId('3.5')).toEqual({ error: 'VPS id "3.5" is not a number' });
    expect(parseVpsId('')).toEqual({ error: 'VPS id "" is not a number' });
    expect(parseVpsId('-4')).toEqual({ error: 'VPS id "-4" is not a number' });
  });

  it('proposes the snapshot id when free, else the first free id from 100', () => {
    expect(proposedRestoreId(3, [4])).toBe(3);
    expect(proposedRestoreId(3, [3, 4, 100, 101])).toBe(102);
  });
});
