// The lab's Ethernet switch in a worker of its own: frames go from one emulator worker to another
// through here without touching the page's main thread (which renders terminals and panels).
// Messages: {op: 'attach', name, port} with the port transferred (the other end is the host's
// emulator worker), {op: 'detach', name}.
import { EthernetSwitch, type SwitchPort } from '../core/lab/ethernet-switch.ts';

export type SwitchRequest = { op: 'attach'; name: string; port: MessagePort } | { op: 'detach'; name: string };

const sw = new EthernetSwitch();
const attached = new Map<string, { port: SwitchPort; channel: MessagePort }>();

function detach(name: string): void {
  const a = attached.get(name);
  if (!a) return;
  a.port.detach();
  a.channel.close();
  attached.delete(name);
}

self.onmessage = (e: MessageEvent<SwitchRequest>) => {
  const req = e.data;
  if (req.op === 'detach') return detach(req.name);
  detach(req.name); // a host that rejoins (after a load) replaces its old port
  const channel = req.port;
  const port = sw.attach(req.name, (frame) => channel.postMessage(frame, [frame.buffer]));
  channel.onmessage = (ev: MessageEvent<Uint8Array>) => port.receive(ev.data);
  attached.set(req.name, { port, channel });
};
