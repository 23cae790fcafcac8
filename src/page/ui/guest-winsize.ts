// Tells the guest the terminal's size: `stty -F /dev/ttyS0 rows R cols C` through the agent sets
// the serial console's window size and signals its foreground job (SIGWINCH), without typing
// anything into the user's shell. A serial line has no other way to carry it.
import type { Terminal } from '@xterm/xterm';
import type { LabHost } from '../lab/lab-host.ts';

export function syncGuestWinsize(terminal: Terminal, host: LabHost): { dispose(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sent = '';
  const send = (): void => {
    const size = `rows ${terminal.rows} cols ${terminal.cols}`;
    if (size === sent) return;
    sent = size;
    host.exec(`stty -F /dev/ttyS0 ${size}`).catch(() => {
      sent = ''; // try again on the next resize
    });
  };
  const schedule = (): void => {
    clearTimeout(timer);
    timer = setTimeout(send, 150);
  };
  const sub = terminal.onResize(schedule);
  host.ready.then(send, () => {});
  return {
    dispose() {
      clearTimeout(timer);
      sub.dispose();
    },
  };
}
