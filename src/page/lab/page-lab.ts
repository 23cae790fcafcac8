// The page's lab: several hosts, each in its own emulator worker, joined by one Ethernet switch
// in a worker of its own (frames go worker to worker over MessagePorts); saved and resumed as a whole.
import { imageVersion } from './boot-cache.ts';
import { LabFileError } from '../../core/errors.ts';
import { decodeLabFile, encodeLabFile, type LabSnapshot } from '../../core/lab/lab-file.ts';
import { hostIndex, labAddress, labSetupCommand, newLabKey } from '../../core/lab/lab-network.ts';
import { loadLabBytes, saveLabBytes } from './lab-store.ts';
import type { SwitchRequest } from '../../worker/switch.worker.ts';
import { VpsStatusPoller } from './vps-status-poller.ts';
import { WorkerHost } from './worker-host.ts';

interface Member {
  host: WorkerHost;
  /** Its VPS, polled while the page shows them. */
  status: VpsStatusPoller;
  /** Resolves once the host answers and sits on the lab LAN with its address. */
  joined: Promise<void>;
  /** Plugged into the switch. */
  plugged?: boolean;
}

export const MAX_HOSTS = 8;

export class PageLab {
  /** The learning switch (src/worker/switch.worker.ts), in its own worker: frames never cross the main thread. */
  private readonly _switch = new Worker(new URL('../../worker/switch.worker.ts', import.meta.url), { type: 'module' });
  private _members: Member[] = [];
  private _selected = 'host1';
  private _version: Promise<string> | undefined;
  /** The lab's shared secret, written to every host as it joins; saved with the lab. */
  private _key = newLabKey();
  private readonly _listeners = new Set<() => void>();

  constructor(
    private readonly _imageBase: URL,
    private readonly _bootCache: boolean,
  ) {
    this._add('host1', undefined);
  }

  get hosts(): WorkerHost[] {
    return this._members.map((m) => m.host);
  }

  get selected(): WorkerHost {
    return this.host(this._selected);
  }

  host(name: string): WorkerHost {
    const m = this._members.find((x) => x.host.name === name);
    if (!m) throw new Error(`no host named "${name}" (hosts: ${this.hosts.map((h) => h.name).join(', ')})`);
    return m.host;
  }

  /** The VPS status of one of the lab's hosts, polled while anyone listens. */
  status(host: WorkerHost): VpsStatusPoller {
    const m = this._members.find((x) => x.host === host);
    if (!m) throw new Error(`${host.name} is no longer in the lab`);
    return m.status;
  }

  /** Called when hosts come or go, or another host is selected. */
  onChange(listener: () => void): () => void {
    this._listeners.add(listener);
    return () => this._listeners.delete(listener);
  }

  select(name: string): void {
    this.host(name);
    if (this._selected === name) return;
    this._selected = name;
    this._changed();
  }

  /** A new host, resuming the cached post-boot state when there is one; resolves once it is on the LAN. */
  async addHost(): Promise<WorkerHost> {
    if (this._members.length >= MAX_HOSTS) throw new Error(`the lab holds at most ${MAX_HOSTS} hosts`);
    let n = 1;
    while (this._members.some((m) => m.host.name === `host${n}`)) n++;
    const m = this._add(`host${n}`, undefined);
    this._selected = m.host.name;
    this._changed();
    await m.joined;
    return m.host;
  }

  /** Every host paused, its state taken, then all resumed: no frame is half-way between two hosts. */
  async snapshot(): Promise<LabSnapshot> {
    const members = this._members;
    await Promise.all(members.map((m) => m.joined));
    await Promise.all(members.map((m) => m.host.pause()));
    try {
      await Promise.all(members.map((m) => m.host.captureState()));
    } finally {
      await Promise.all(members.map((m) => m.host.resume()));
    }
    // Compressing takes longer than capturing: the hosts run again meanwhile.
    const states = await Promise.all(members.map((m) => m.host.takeCapturedState()));
    return {
      layout: {
        hosts: members.map((m) => ({ name: m.host.name, address: labAddress(hostIndex(m.host.name)!) })),
        selected: this._selected,
        imageVersion: await this._imageVersion(),
        savedAt: new Date().toISOString(),
        labKey: this._key,
      },
      states,
    };
  }

  /** Replaces the lab by a saved one: every host resumes its state and rejoins the switch. */
  async replace(snap: LabSnapshot): Promise<void> {
    const want = await this._imageVersion();
    if (snap.layout.imageVersion !== want) {
      throw new LabFileError(`this lab was saved with guest image ${snap.layout.imageVersion}; the page runs ${want}`);
    }
    for (const h of snap.layout.hosts) {
      if (hostIndex(h.name) === undefined) throw new LabFileError(`not a usable lab file: host name "${h.name}"`);
    }
    this._disposeMembers();
    // A lab saved before labs had keys gets a new one: every host receives it as it rejoins.
    this._key = snap.layout.labKey ?? newLabKey();
    snap.layout.hosts.forEach((h, i) => this._add(h.name, snap.states[i]));
    this._selected = snap.layout.selected;
    this._changed();
    await Promise.all(this._members.map((m) => m.joined));
  }

  /** Saves the lab under `name` in IndexedDB; resolves with the file's size in bytes. */
  async save(name: string): Promise<number> {
    const bytes = await encodeLabFile(await this.snapshot());
    await saveLabBytes(name, bytes);
    return bytes.length;
  }

  async load(name: string): Promise<void> {
    const bytes = await loadLabBytes(name);
    if (!bytes) throw new Error(`no saved lab named "${name}"`);
    await this.replace(await decodeLabFile(bytes));
  }

  async exportFile(): Promise<Uint8Array<ArrayBuffer>> {
    return encodeLabFile(await this.snapshot());
  }

  async importFile(bytes: ArrayBuffer | Uint8Array): Promise<void> {
    await this.replace(await decodeLabFile(bytes));
  }

  private _imageVersion(): Promise<string> {
    this._version ??= imageVersion(this._imageBase);
    return this._version;
  }

  private _add(name: string, state: ArrayBuffer | undefined): Member {
    const host = new WorkerHost(name, this._imageBase, state ? { state } : { bootCache: this._bootCache });
    const member: Member = { host, status: new VpsStatusPoller(host), joined: Promise.resolve() };
    member.joined = host.ready.then(() => this._join(member));
    member.joined.catch(() => {}); // the host's own progress shows a failed boot
    this._members.push(member);
    return member;
  }

  private async _join(m: Member): Promise<void> {
    const { port1, port2 } = new MessageChannel();
    const attach: SwitchRequest = { op: 'attach', name: m.host.name, port: port1 };
    this._switch.postMessage(attach, [port1]);
    m.plugged = true;
    await m.host.attachNet(port2);
    const r = await m.host.exec(labSetupCommand(hostIndex(m.host.name)!, this._key));
    if (r.code !== 0) throw new Error(`${m.host.name}: joining the lab network failed: ${r.stderr.trim()}`);
  }

  private _disposeMembers(): void {
    for (const m of this._members) {
      if (m.plugged) this._switch.postMessage({ op: 'detach', name: m.host.name } satisfies SwitchRequest);
      m.status.dispose();
      m.host.dispose();
    }
    this._members = [];
  }

  private _changed(): void {
    this._listeners.forEach((l) => l());
  }
}
