// Boot stages as the guest shows them: the emulator runs ('boot'), init prints its marker
// line on the console ('services'), the agent answers ('ready').
import type { BootStage } from './emulator-types.ts';

/** Printed by /etc/init.d/rcS first thing (images/rootfs/files/etc/init.d/rcS). */
export const SERVICES_MARKER = 'VPS Lab: starting services';

/** Watches console bytes for the init marker, across any split; fires once. */
export class ServicesMarkerWatcher {
  private _tail = '';
  private _seen = false;
  constructor(private readonly _onSeen: (stage: BootStage) => void) {}

  feed(bytes: Uint8Array): void {
    if (this._seen) return;
    this._tail = (this._tail + new TextDecoder().decode(bytes)).slice(-2 * SERVICES_MARKER.length);
    if (this._tail.includes(SERVICES_MARKER)) {
      this._seen = true;
      this._onSeen('services');
    }
  }
}
