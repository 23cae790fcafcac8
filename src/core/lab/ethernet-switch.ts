// A learning Ethernet switch joining the lab's emulated hosts: DOM-free, used the same way by the
// page (frames from workers over MessagePorts) and by the Node runner (GuestMachines in one process).

/** Hands a frame to whatever sits behind a port (a NIC); the frame is the callee's to keep or transfer. */
export type SendFrame = (frame: Uint8Array) => void;

export interface PortCounters {
  /** Frames and bytes that entered the switch through this port. */
  rxFrames: number;
  rxBytes: number;
  /** Frames and bytes the switch sent out of this port. */
  txFrames: number;
  txBytes: number;
  /** Frames from this port that were too short to carry an Ethernet header. */
  runts: number;
}

export interface SwitchPort {
  readonly name: string;
  readonly counters: Readonly<PortCounters>;
  /** A frame from the attached NIC into the switch. */
  receive(frame: Uint8Array): void;
  /** Leave the switch: forget the MACs learned on this port. */
  detach(): void;
}

export interface SwitchOptions {
  /** How long a learned MAC stays bound to its port without being seen again (default 300 s, as 802.1D). */
  agingMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

interface Learned {
  port: PortImpl;
  seen: number;
}

class PortImpl implements SwitchPort {
  readonly counters: PortCounters = { rxFrames: 0, rxBytes: 0, txFrames: 0, txBytes: 0, runts: 0 };
  attached = true;
  constructor(
    readonly name: string,
    readonly send: SendFrame,
    private readonly _switch: EthernetSwitch,
  ) {}

  receive(frame: Uint8Array): void {
    if (this.attached) this._switch.forward(this, frame);
  }

  detach(): void {
    this._switch.remove(this);
  }
}

const ETH_HEADER = 14;

export function formatMac(bytes: Uint8Array, offset = 0): string {
  return Array.from(bytes.subarray(offset, offset + 6), (b) => b.toString(16).padStart(2, '0')).join(':');
}

export class EthernetSwitch {
  private readonly _ports: PortImpl[] = [];
  private readonly _table = new Map<string, Learned>();
  private readonly _agingMs: number;
  private readonly _now: () => number;

  constructor(opts: SwitchOptions = {}) {
    this._agingMs = opts.agingMs ?? 300_000;
    this._now = opts.now ?? (() => Date.now());
  }

  attach(name: string, send: SendFrame): SwitchPort {
    if (this._ports.some((p) => p.name === name)) throw new Error(`switch: a port named "${name}" is already attached`);
    const port = new PortImpl(name, send, this);
    this._ports.push(port);
    return port;
  }

  /** Port names in attach order. */
  ports(): string[] {
    return this._ports.map((p) => p.name);
  }

  counters(name: string): Readonly<PortCounters> | undefined {
    return this._ports.find((p) => p.name === name)?.counters;
  }

  /** The learned, unexpired MAC → port name bindings. */
  macTable(): Map<string, string> {
    const now = this._now();
    const out = new Map<string, string>();
    for (const [mac, l] of this._table) if (now - l.seen <= this._agingMs) out.set(mac, l.port.name);
    return out;
  }

  /** @internal by SwitchPort.detach */
  remove(port: PortImpl): void {
    port.attached = false;
    const i = this._ports.indexOf(port);
    if (i >= 0) this._ports.splice(i, 1);
    for (const [mac, l] of this._table) if (l.port === port) this._table.delete(mac);
  }

  /** @internal by SwitchPort.receive */
  forward(ingress: PortImpl, frame: Uint8Array): void {
    if (frame.length < ETH_HEADER) {
      ingress.counters.runts++;
      return;
    }
    ingress.counters.rxFrames++;
    ingress.counters.rxBytes += frame.length;
    const now = this._now();
    // Learn the source, unless it is a group address (never a valid source).
    if ((frame[6]! & 1) === 0) this._table.set(formatMac(frame, 6), { port: ingress, seen: now });
    if ((frame[0]! & 1) === 0) {
      const known = this._table.get(formatMac(frame, 0));
      if (known && now - known.seen <= this._agingMs) {
        // Unicast to a learned station; one on the ingress port itself is filtered, as a switch does.
        if (known.port !== ingress) this._deliver(known.port, frame);
        return;
      }
    }
    // Broadcast, multicast or unknown unicast: flood, each port getting its own copy.
    const out = this._ports.filter((p) => p !== ingress);
    out.forEach((p, i) => this._deliver(p, i === out.length - 1 ? frame : frame.slice()));
  }

  private _deliver(port: PortImpl, frame: Uint8Array): void {
    port.counters.txFrames++;
    port.counters.txBytes += frame.length;
    port.send(frame);
  }
}
