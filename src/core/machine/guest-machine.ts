// One emulated host: a v86 instance running the guest image, its console (ttyS0) and agent (ttyS1).
// The same class runs in the browser worker and in the headless Node runner.
import { V86, type V86Options } from 'v86';
import { AgentClient } from '../agent/agent-client.ts';
import { asError } from '../errors.ts';
import type { GuestImage } from './image.ts';

export interface MachineOptions {
  /** Where v86.wasm is: a file path under Node, a URL in the browser... */
  wasmPath?: string;
  /** ...or the module, already compiled (while the image downloads, on other threads). */
  wasmModule?: WebAssembly.Module;
  /** Guest RAM in MiB (default 128). */
  memoryMb?: number;
  /** Console bytes from the guest (ttyS0), delivered in batches. */
  onConsole?: (bytes: Uint8Array) => void;
}

/** v86's internal bus, which its typings leave out; frames to the NIC go through it. */
interface V86Bus {
  send(event: 'net0-receive', frame: Uint8Array): void;
}

/** v86's CPU, reached as `emulator.v86.cpu`: its JIT switch, and the hook each compiled block passes. */
interface V86Cpu {
  /** Index 0 is "JIT disabled" (v86's jit.rs); the guest keeps running in the interpreter. */
  set_jit_config(index: 0, value: 0 | 1): void;
  /** Called by v86.wasm with each block of guest code it compiled to a wasm module. */
  codegen_finalize(...args: unknown[]): void;
}

/** Collects per-byte v86 events into batches delivered once per task. */
class ByteBatcher {
  private _buf = new Uint8Array(4096);
  private _len = 0;
  private _scheduled = false;
  constructor(private readonly _sink: (bytes: Uint8Array) => void) {}

  push(byte: number): void {
    if (this._len === this._buf.length) {
      const bigger = new Uint8Array(this._buf.length * 2);
      bigger.set(this._buf);
      this._buf = bigger;
    }
    this._buf[this._len++] = byte;
    if (!this._scheduled) {
      this._scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  flush(): void {
    this._scheduled = false;
    if (this._len === 0) return;
    const out = this._buf.slice(0, this._len);
    this._len = 0;
    this._sink(out);
  }
}

export class GuestMachine {
  readonly agent: AgentClient;
  private _consoleListeners = new Set<(bytes: Uint8Array) => void>();
  private _agentListeners = new Set<(bytes: Uint8Array) => void>();
  private _netListeners = new Set<(frame: Uint8Array) => void>();
  private _jitCompiles = 0;

  private constructor(
    private readonly _emulator: V86,
    readonly image: GuestImage,
  ) {
    this.agent = new AgentClient((bytes) => this._emulator.serial_send_bytes(1, bytes));
    const agentBytes = new ByteBatcher((b) => {
      this.agent.feed(b);
      this._agentListeners.forEach((l) => l(b));
    });
    const consoleBytes = new ByteBatcher((b) => this._consoleListeners.forEach((l) => l(b)));
    _emulator.add_listener('serial1-output-byte', (b) => agentBytes.push(b));
    _emulator.add_listener('serial0-output-byte', (b) => consoleBytes.push(b));
    // The NIC may hand out a view of its own buffer: each listener gets a copy it may keep or transfer.
    _emulator.add_listener('net0-send', (frame) => this._netListeners.forEach((l) => l(frame.slice())));
    // 'emulator-ready': the CPU exists and has not run an instruction yet.
    _emulator.add_listener('emulator-ready', () => {
      const cpu = this._cpu();
      const finalize = cpu.codegen_finalize;
      cpu.codegen_finalize = (...args: unknown[]) => {
        this._jitCompiles++;
        finalize.apply(cpu, args);
      };
      // A cold boot runs mostly code that runs once (firmware, kernel init, the host's bring-up),
      // yet v86's JIT compiles every hot page of it to a large wasm function that V8 then
      // recompiles with its optimizing tier on background threads: on 2 cores that took most of
      // the CPU the emulator needed (Chromium boot 9.4-10.7 s with the JIT, 4.5-5.4 s without;
      // README, "Boot time"). So the guest runs interpreted until the agent answers. A resumed
      // state is held the same way: no consistent difference measured (Node: restore to agent
      // 0.30-0.38 s either way), and one path for both.
      cpu.set_jit_config(0, 1);
      this.agent.alive().then(
        () => cpu.set_jit_config(0, 0),
        () => undefined, // the machine went away before the agent answered
      );
    });
  }

  /** Blocks of guest code v86 has compiled to WebAssembly since this machine started (diagnostics, tests). */
  get jitCompiles(): number {
    return this._jitCompiles;
  }

  private _cpu(): V86Cpu {
    return (this._emulator as unknown as { v86: { cpu: V86Cpu } }).v86.cpu;
  }

  /** Cold boot from the image. Resolves once the emulator runs (not when the guest is up: see agent.ready()). */
  static boot(image: GuestImage, opts: MachineOptions): Promise<GuestMachine> {
    return GuestMachine._start(image, opts, undefined);
  }

  /** Resume a machine from a state saved with saveState() on the same image. */
  static restore(image: GuestImage, state: ArrayBuffer, opts: MachineOptions): Promise<GuestMachine> {
    return GuestMachine._start(image, opts, state);
  }

  private static _start(image: GuestImage, opts: MachineOptions, state: ArrayBuffer | undefined): Promise<GuestMachine> {
    const wasmModule = opts.wasmModule;
    const config: V86Options = {
      ...(wasmModule
        ? { wasm_fn: async (imports: WebAssembly.Imports) => (await WebAssembly.instantiate(wasmModule, imports)).exports }
        : { wasm_path: opts.wasmPath }),
      memory_size: (opts.memoryMb ?? 128) * 1024 * 1024,
      vga_memory_size: 2 * 1024 * 1024,
      bios: { buffer: image.bios },
      // No VGA BIOS: the console is serial (ttyS0), and SeaVGABIOS plus the kernel's mode set
      // cost the boot ~0.15 s of clearing video memory.
      bzimage: { buffer: image.bzImage },
      initrd: { buffer: image.initrd },
      cmdline: image.manifest.cmdline,
      uart1: true,
      // eth0 as the image's manifest says (virtio-net, large MTU), with no relay: frames go
      // through onNetFrame/sendNetFrame (the lab's switch).
      net_device: { type: image.manifest.machine.net_device, mtu: image.manifest.machine.mtu },
      // A resumed host keeps the MAC its kernel knows (the lab sets one per host, see lab-network.ts).
      preserve_mac_from_state_image: true,
      autostart: true,
      disable_keyboard: true,
      disable_mouse: true,
      disable_speaker: true,
      ...(state ? { initial_state: { buffer: state } } : {}),
    } as V86Options;
    return new Promise((resolve, reject) => {
      let emulator: V86;
      try {
        emulator = new V86(config);
      } catch (e) {
        reject(asError(e));
        return;
      }
      const machine = new GuestMachine(emulator, image);
      if (opts.onConsole) machine.onConsole(opts.onConsole);
      emulator.add_listener('emulator-started', () => resolve(machine));
    });
  }

  /** Subscribe to console output; returns the unsubscribe function. */
  onConsole(listener: (bytes: Uint8Array) => void): () => void {
    this._consoleListeners.add(listener);
    return () => this._consoleListeners.delete(listener);
  }

  /** Raw bytes from the agent port, next to the client's own parsing (diagnostics, protocol tests). */
  onAgentBytes(listener: (bytes: Uint8Array) => void): () => void {
    this._agentListeners.add(listener);
    return () => this._agentListeners.delete(listener);
  }

  /** Raw bytes to the agent port, bypassing the client (protocol tests). */
  sendAgentBytes(bytes: Uint8Array): void {
    this._emulator.serial_send_bytes(1, bytes);
  }

  /** Keyboard input for the console (ttyS0). */
  sendConsole(bytes: Uint8Array): void {
    this._emulator.serial_send_bytes(0, bytes);
  }

  /** Ethernet frames the guest sends on eth0; returns the unsubscribe function. */
  onNetFrame(listener: (frame: Uint8Array) => void): () => void {
    this._netListeners.add(listener);
    return () => this._netListeners.delete(listener);
  }

  /** An Ethernet frame arriving on the guest's eth0. */
  sendNetFrame(frame: Uint8Array): void {
    (this._emulator as unknown as { bus: V86Bus }).bus.send('net0-receive', frame);
  }

  /** Stop the emulated CPU (timers and devices stand still) until resume(). */
  pause(): Promise<void> {
    return this._emulator.stop();
  }

  resume(): Promise<void> {
    return this._emulator.run();
  }

  saveState(): Promise<ArrayBuffer> {
    return this._emulator.save_state();
  }

  async destroy(): Promise<void> {
    this.agent.close();
    await this._emulator.destroy();
  }
}
