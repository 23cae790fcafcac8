// Headless runner: `npm run -s lab -- <command>`.
//   exec '<shell command>'   boot, run it in the guest host context, print its output, exit with its code
//   console                  boot and attach this terminal to the guest console (Ctrl-] quits)
import { errorMessage } from '../core/errors.ts';
import { bootNodeMachine } from './node-host.ts';

const USAGE = `usage: npm run -s lab -- exec '<shell command>'
       npm run -s lab -- console`;

async function execCommand(cmd: string): Promise<number> {
  const machine = await bootNodeMachine();
  try {
    // No time limit: the command runs as long as it needs, like a local shell.
    const r = await machine.agent.exec(['sh', '-c', cmd], { timeoutMs: 0 });
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    return r.code;
  } finally {
    await machine.destroy();
  }
}

async function attachConsole(): Promise<number> {
  const machine = await bootNodeMachine({ onConsole: (b) => process.stdout.write(b) });
  if (!process.stdin.isTTY) {
    process.stderr.write('lab: console needs a terminal on stdin\n');
    await machine.destroy();
    return 2;
  }
  process.stderr.write('[lab: guest is up; Ctrl-] quits]\n');
  process.stdin.setRawMode(true);
  return new Promise((resolve) => {
    process.stdin.on('data', (chunk: Buffer) => {
      if (chunk.includes(0x1d)) {
        process.stdin.setRawMode(false);
        void machine.destroy().then(() => resolve(0));
        return;
      }
      machine.sendConsole(new Uint8Array(chunk));
    });
  });
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'exec' && rest.length === 1 && rest[0]) return execCommand(rest[0]);
  if (command === 'console' && rest.length === 0) return attachConsole();
  process.stderr.write(`lab: ${command ? `bad arguments for "${command}"` : 'no command given'}\n${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`lab: ${errorMessage(e)}\n`);
    process.exit(1);
  },
);
