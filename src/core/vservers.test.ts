import { describe, expect, it } from 'vitest';
import { parseRoutes, parseSetup, parseTrafstat, parseVserver, parseVserversFiles } from './vservers.ts';

// The module's current output (see the kernel engineer's format).
const CURRENT = `vserver id: 3
nodename: web
domainname: (none)
flags: PRIVATE
init pid: 812
CapBset: 00000000a80425fb
Process Count: 3
tasks: 812 815 816
Used memory: 2864 kB
Context RSS: 1024 kB
eth0(vps3): 0: 10.0.3.1/24;
Incoming traffic: 1234
Outgoing traffic: 5678
`;

// Every FreeVPS field, as the module will print them once limits exist.
const FULL = `vserver id: 4
nodename: db
domainname: example.org
flags: LOCK SCHED NPROC PRIVATE
init pid: 900
CapBset: 00000000a80425fb
Process Limit: 64
Process Count: 2
tasks: 900 901
Memory Limit: unlimited
Used memory: 10240 kB
Max total memory: 20480 kB
Context RSS limit: 65536 kB
Context RSS: 4096 kB
Max RSS memory: 8192 kB
Disk Limit: 1048576 kB
Used disk memory: 2048 kB
Files limit: unlimited
Used files: 17
TCP sockets limit: 100
Established sockets: 3
eth0(vps4): 1000000: 10.0.4.1/24;10.0.4.2/32;
eth1(vps4b): 0: fd00:4::1/64;
lo(): 0:
Incoming traffic: 0
Outgoing traffic: 9007199254740991
`;

// Captured from vps.ko 0.1.0 in the guest (host context, no VPS running).
const REAL_HOST = `vserver id: 0
nodename: vpslab
domainname: (none)
flags: (none)
init pid: 1
CapBset: 000001ffffffffff
Process Count: 27
tasks: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 54 55 69 79
Used memory: 6800 kB
Context RSS: 4020 kB
dummy0(dummy0): 0:
eth0(eth0): 0:
Incoming traffic: 0
Outgoing traffic: 0
`;

// Captured from vps.ko 0.2.0 in the guest: a VPS with limits (disk image, shaped eth0), and the
// whole system (context 1: no limits, every figure a sum).
const REAL_VPS = `vserver id: 5
nodename: lab5
domainname: (none)
flags: LOCK NPROC PRIVATE
init pid: 37
CapBset: 00000000a80425fb
Process Limit: 32
Process Count: 1
tasks: 37
Memory Limit: 65536 kB
Used memory: 2324 kB
Max total memory: 4648 kB
Context RSS limit: 24576 kB
Context RSS: 96 kB
Max RSS memory: 268 kB
Disk Limit: 7931 kB
Used disk memory: 16 kB
Files limit: 64
Used files: 3
TCP sockets limit: 8
Established sockets: 0
eth0(vps5): 1000000: 10.0.5.1/24;
Incoming traffic: 266
Outgoing traffic: 266
`;

const REAL_ALL = `vserver id: 1
nodename: vpslab
domainname: (none)
flags: (none)
init pid: 1
CapBset: 000001ffffffffff
Process Limit: unlimited
Process Count: 33
tasks: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 21 22 23 24 27 28 29 30 34 35 37 40 42 43
Memory Limit: unlimited
Used memory: 16824 kB
Max total memory: 16824 kB
Context RSS limit: unlimited
Context RSS: 9624 kB
Max RSS memory: 9624 kB
Disk Limit: unlimited
Used disk memory: 3424 kB
Files limit: unlimited
Used files: 31
TCP sockets limit: unlimited
Established sockets: 0
Incoming traffic: 888
Outgoing traffic: 888
`;

describe('parseVserver', () => {
  it('reads real module output with every limit and figure', () => {
    expect(parseVserver(REAL_VPS)).toEqual({
      id: 5,
      nodename: 'lab5',
      domainname: '(none)',
      flags: ['LOCK', 'NPROC', 'PRIVATE'],
      initPid: 37,
      capBset: 0xa80425fbn,
      processLimit: 32,
      processCount: 1,
      tasks: [37],
      memoryLimitKb: 65536,
      usedMemoryKb: 2324,
      maxTotalMemoryKb: 4648,
      contextRssLimitKb: 24576,
      contextRssKb: 96,
      maxRssMemoryKb: 268,
      diskLimitKb: 7931,
      usedDiskKb: 16,
      filesLimit: 64,
      usedFiles: 3,
      tcpSocketsLimit: 8,
      establishedSockets: 0,
      interfaces: [{ vdev: 'eth0', hdev: 'vps5', speed: 1000000, addrs: ['10.0.5.1/24'] }],
      incoming: 266,
      outgoing: 266,
      extra: {},
    });
    const all = parseVserver(REAL_ALL);
    expect(all).toMatchObject({
      id: 1,
      flags: [],
      processLimit: 'unlimited',
      memoryLimitKb: 'unlimited',
      contextRssLimitKb: 'unlimited',
      diskLimitKb: 'unlimited',
      filesLimit: 'unlimited',
      tcpSocketsLimit: 'unlimited',
      usedDiskKb: 3424,
      usedFiles: 31,
      processCount: 33,
    });
    expect(all.interfaces).toEqual([]);
    expect(all.extra).toEqual({});
  });

  it('rejects a broken limit value', () => {
    expect(() => parseVserver(REAL_VPS.replace('Files limit: 64', 'Files limit: many'))).toThrow('"Files limit": expected a whole number, got "many"');
    expect(() => parseVserver(REAL_VPS.replace('Disk Limit: 7931 kB', 'Disk Limit: -1 kB'))).toThrow('"Disk Limit": expected a size');
    expect(() => parseVserver(REAL_VPS.replace('Max RSS memory: 268 kB', 'Max RSS memory: unlimited'))).toThrow('"Max RSS memory": expected a size');
  });

  it('reads real module output', () => {
    const v = parseVserver(REAL_HOST);
    expect(v).toMatchObject({ id: 0, nodename: 'vpslab', flags: [], initPid: 1, capBset: 0x1ffffffffffn, processCount: 27 });
    expect(v.tasks).toHaveLength(27);
    expect(v.interfaces).toEqual([
      { vdev: 'dummy0', hdev: 'dummy0', speed: 0, addrs: [] },
      { vdev: 'eth0', hdev: 'eth0', speed: 0, addrs: [] },
    ]);
    expect(v.extra).toEqual({});
  });

  it('reads the current format', () => {
    expect(parseVserver(CURRENT)).toEqual({
      id: 3,
      nodename: 'web',
      domainname: '(none)',
      flags: ['PRIVATE'],
      initPid: 812,
      capBset: 0xa80425fbn,
      processCount: 3,
      tasks: [812, 815, 816],
      usedMemoryKb: 2864,
      contextRssKb: 1024,
      interfaces: [{ vdev: 'eth0', hdev: 'vps3', speed: 0, addrs: ['10.0.3.1/24'] }],
      incoming: 1234,
      outgoing: 5678,
      extra: {},
    });
  });

  it('reads every limit field, unlimited values and several interfaces', () => {
    const v = parseVserver(FULL);
    expect(v).toMatchObject({
      id: 4,
      domainname: 'example.org',
      flags: ['LOCK', 'SCHED', 'NPROC', 'PRIVATE'],
      processLimit: 64,
      memoryLimitKb: 'unlimited',
      maxTotalMemoryKb: 20480,
      contextRssLimitKb: 65536,
      maxRssMemoryKb: 8192,
      diskLimitKb: 1048576,
      usedDiskKb: 2048,
      filesLimit: 'unlimited',
      usedFiles: 17,
      tcpSocketsLimit: 100,
      establishedSockets: 3,
      incoming: 0,
      outgoing: 9007199254740991,
    });
    expect(v.interfaces).toEqual([
      { vdev: 'eth0', hdev: 'vps4', speed: 1000000, addrs: ['10.0.4.1/24', '10.0.4.2/32'] },
      { vdev: 'eth1', hdev: 'vps4b', speed: 0, addrs: ['fd00:4::1/64'] },
      { vdev: 'lo', hdev: '', speed: 0, addrs: [] },
    ]);
  });

  it('leaves the limit fields out when the module does not print them', () => {
    const v = parseVserver(CURRENT);
    expect(v.processLimit).toBeUndefined();
    expect(v.memoryLimitKb).toBeUndefined();
    expect('diskLimitKb' in v).toBe(false);
  });

  it('accepts plain numbers and other units for sizes, CRLF, blank lines and loose spacing', () => {
    const text = CURRENT.replace('Used memory: 2864 kB', 'Used memory: 3 MB')
      .replace('Context RSS: 1024 kB', 'context  rss:   1024')
      .replace('tasks: 812 815 816', 'tasks:')
      .replace('flags: PRIVATE', 'flags:')
      .replace(/\n/g, '\r\n\r\n');
    const v = parseVserver(text);
    expect(v.usedMemoryKb).toBe(3072);
    expect(v.contextRssKb).toBe(1024);
    expect(v.tasks).toEqual([]);
    expect(v.flags).toEqual([]);
  });

  it('keeps unknown lines in extra', () => {
    const v = parseVserver(`${CURRENT}CPU usage: 12%\nScheduler: fair: weighted\n`);
    expect(v.extra).toEqual({ 'CPU usage': '12%', Scheduler: 'fair: weighted' });
  });

  it.each([
    [CURRENT.replace('Process Count: 3\n', ''), 'missing "Process Count" line'],
    [CURRENT.replace('vserver id: 3', 'vserver id: three'), 'line 1: "vserver id": expected a whole number, got "three"'],
    [CURRENT.replace('Used memory: 2864 kB', 'Used memory: lots'), 'line 9: "Used memory": expected a size like "123 kB", got "lots"'],
    [CURRENT.replace('Used memory: 2864 kB', 'Used memory: 12 parsecs'), 'expected a size'],
    [CURRENT.replace('Used memory: 2864 kB', 'Used memory: unlimited'), 'expected a size'],
    [CURRENT.replace('CapBset: 00000000a80425fb', 'CapBset: zz'), 'hexadecimal capability set'],
    [CURRENT.replace('CapBset: 00000000a80425fb', 'CapBset: 00000000a80425fb00'), 'hexadecimal capability set'],
    [CURRENT.replace('tasks: 812 815 816', 'tasks: 812 x'), '"tasks": expected a whole number, got "x"'],
    [CURRENT.replace('Incoming traffic: 1234', 'Incoming traffic: 99999999999999999999'), 'number too large'],
    [`${CURRENT}nodename: again\n`, '"nodename" appears twice'],
    [CURRENT.replace('init pid: 812', 'this line has no separator'), 'line 5: expected "name: value"'],
    [CURRENT.replace('eth0(vps3): 0: 10.0.3.1/24;', 'eth0(vps3): fast: 10.0.3.1/24;'), 'expected a whole number, got "fast"'],
    [CURRENT.replace('eth0(vps3): 0: 10.0.3.1/24;', 'eth0(vps3): 0: not-an-ip;'), 'bad address "not-an-ip" on interface eth0'],
    ['', 'missing "vserver id" line'],
  ])('rejects broken input (%#)', (text, message) => {
    expect(() => parseVserver(text, '/proc/vservers/3')).toThrow(message);
    expect(() => parseVserver(text, '/proc/vservers/3')).toThrow('/proc/vservers/3');
  });
});

describe('parseSetup', () => {
  it('reads the module setup file', () => {
    expect(
      parseSetup('vps module version 0.1.0\nvps build 2026-01-01 abc123\ntotal contexts count 6\nactive contexts count 4\n'),
    ).toEqual({ version: '0.1.0', build: '2026-01-01 abc123', totalContexts: 6, activeContexts: 4, extra: {} });
  });

  it('keeps other lines, FreeVPS style', () => {
    const s = parseSetup(
      'vps module version 0.2.0\nvps build 7\nsyscall new_context 271\ntotal contexts count 11\nactive contexts count 8\nexperimental\n',
    );
    expect(s.extra).toEqual({ 'syscall new_context': '271', experimental: '' });
  });

  it('rejects a missing or broken line', () => {
    expect(() => parseSetup('vps module version 0.1.0\nvps build 1\ntotal contexts count 3\n')).toThrow(
      '/proc/vservers/setup: missing "active contexts count" line',
    );
    expect(() => parseSetup('vps module version 0.1.0\nvps build 1\ntotal contexts count x\nactive contexts count 1\n')).toThrow(
      '/proc/vservers/setup line 3: expected a whole number, got "x"',
    );
  });
});

describe('parseTrafstat', () => {
  it('reads rows with or without the header', () => {
    const rows = [
      { id: 0, incoming: 100, outgoing: 200 },
      { id: 3, incoming: 5, outgoing: 0 },
    ];
    expect(parseTrafstat('CONTEXT INCOMING OUTGOING\n0 100 200\n3 5 0\n')).toEqual(rows);
    expect(parseTrafstat('0\t100\t200\n3   5  0\n')).toEqual(rows);
    expect(parseTrafstat('CONTEXT INCOMING OUTGOING\n')).toEqual([]);
  });

  it('rejects malformed rows', () => {
    expect(() => parseTrafstat('CONTEXT INCOMING OUTGOING\n0 100\n')).toThrow('/proc/vservers/trafstat line 2: expected');
    expect(() => parseTrafstat('0 1 2\nCONTEXT INCOMING OUTGOING\n')).toThrow('line 2');
    expect(() => parseTrafstat('0 -1 2\n')).toThrow('line 1');
  });
});

describe('parseRoutes', () => {
  it('reads address, interface and context', () => {
    expect(parseRoutes('address name context\n10.0.3.1 eth0 3\n10.0.4.2/32 eth0 4\n')).toEqual([
      { address: '10.0.3.1', name: 'eth0', context: 3 },
      { address: '10.0.4.2/32', name: 'eth0', context: 4 },
    ]);
    expect(parseRoutes('address name context\n')).toEqual([]);
  });

  it('rejects bad addresses and rows', () => {
    expect(() => parseRoutes('address name context\n10.0.3.256 eth0 3\n')).toThrow('bad IPv4 address "10.0.3.256"');
    expect(() => parseRoutes('10.0.3.1/33 eth0 3\n')).toThrow('bad IPv4 address');
    expect(() => parseRoutes('fd00::1 eth0 3\n')).toThrow('bad IPv4 address');
    expect(() => parseRoutes('10.0.3.1 eth0\n')).toThrow('line 1: expected "address name context" columns');
  });
});

describe('parseVserversFiles', () => {
  it('parses what the agent vservers op returns', () => {
    const snap = parseVserversFiles({
      setup: 'vps module version 0.1.0\nvps build 1\ntotal contexts count 5\nactive contexts count 4\n',
      self: CURRENT.replace('vserver id: 3', 'vserver id: 0'),
      '4': FULL,
      '3': CURRENT,
      trafstat: 'CONTEXT INCOMING OUTGOING\n3 1 2\n',
      routes_ipv4: 'address name context\n10.0.3.1 eth0 3\n',
      future_file: 'anything',
    });
    expect(snap.setup?.activeContexts).toBe(4);
    expect(snap.self?.id).toBe(0);
    expect(snap.contexts.map((c) => c.id)).toEqual([3, 4]);
    expect(snap.trafstat).toEqual([{ id: 3, incoming: 1, outgoing: 2 }]);
    expect(snap.routes).toEqual([{ address: '10.0.3.1', name: 'eth0', context: 3 }]);
  });

  it('reports missing files as undefined and a context file naming another id as an error', () => {
    expect(parseVserversFiles({})).toEqual({ setup: undefined, self: undefined, contexts: [], trafstat: undefined, routes: undefined });
    expect(() => parseVserversFiles({ '5': CURRENT })).toThrow('/proc/vservers/5: says "vserver id: 3"');
  });
});
