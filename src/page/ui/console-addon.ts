// Binds an xterm Terminal to a host's serial console, shaped like xterm's AttachAddon.
import type { IDisposable, ITerminalAddon, Terminal } from '@xterm/xterm';
import type { LabHost } from '../lab/lab-host.ts';
import { utf8 } from './dom.ts';

export type ConsolePort = Pick<LabHost, 'onConsole' | 'sendConsole'>;

export class ConsoleAddon implements ITerminalAddon {
  private _disposables: IDisposable[] = [];

  constructor(private readonly _port: ConsolePort) {}

  activate(terminal: Terminal): void {
    // xterm decodes UTF-8 itself, also across chunk boundaries.
    this._disposables.push({ dispose: this._port.onConsole((bytes) => terminal.write(bytes)) });
    this._disposables.push(terminal.onData((data) => this._port.sendConsole(utf8.encode(data))));
    // Binary reports (some mouse modes) are one byte per char code, not UTF-8.
    this._disposables.push(
      terminal.onBinary((data) => this._port.sendConsole(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff))),
    );
  }

  dispose(): void {
    for (const d of this._disposables) d.dispose();
    this._disposables = [];
  }
}
