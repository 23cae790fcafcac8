// Several GuestMachines in one Node process, joined by the lab's Ethernet switch.
import type { GuestMachine } from '../core/machine/guest-machine.ts';
import { EthernetSwitch, type SwitchPort } from '../core/lab/ethernet-switch.ts';
import { hostIndex, labSetupCommand, newLabKey } from '../core/lab/lab-network.ts';

export interface NodeLabHost {
  readonly name: string;
  readonly machine: GuestMachine;
  readonly port: SwitchPort;
}

export class NodeLab {
  readonly switch = new EthernetSwitch();
  /** The lab's shared secret (/etc/vps/lab.key on every host): a new random one unless given. */
  readonly key: string;
  private readonly _hosts: (NodeLabHost & { unplug: () => void })[] = [];

  constructor(key: string = newLabKey()) {
    this.key = key;
  }

  /** Plug a running machine into the switch as `name` ("hostN"), configure its lab address and give it the lab key. */
  async add(name: string, machine: GuestMachine): Promise<NodeLabHost> {
    const index = hostIndex(name);
    if (index === undefined) throw new Error(`lab: host name "${name}" is not host1..host254`);
    const port = this.switch.attach(name, (frame) => machine.sendNetFrame(frame));
    const unplug = machine.onNetFrame((frame) => port.receive(frame));
    const host = { name, machine, port, unplug };
    this._hosts.push(host);
    const r = await machine.agent.execShell(labSetupCommand(index, this.key));
    if (r.code !== 0) throw new Error(`lab: configuring ${name}'s network failed: ${r.stderr.trim()}`);
    return host;
  }

  /** Every machine's state, taken while all are paused so no frame is half-way between two hosts. */
  async saveAll(): Promise<ArrayBuffer[]> {
    await Promise.all(this._hosts.map((h) => h.machine.pause()));
    try {
      const states: ArrayBuffer[] = [];
      for (const h of this._hosts) states.push(await h.machine.saveState());
      return states;
    } finally {
      await Promise.all(this._hosts.map((h) => h.machine.resume()));
    }
  }

  async destroy(): Promise<void> {
    for (const h of this._hosts.splice(0)) {
      h.unplug();
      h.port.detach();
      await h.machine.destroy();
    }
  }
}
