// Where the lab's commands are logged (the page's command log), and running one command line
// through the agent so that it is logged whatever happens.
import type { ShellResult } from '../../worker/emulator-types.ts';
import type { LabHost } from './lab-host.ts';
import { firstLine } from './format.ts';

export interface CommandSink {
  append(cmd: string, result: ShellResult): void;
  appendError(cmd: string, error: unknown): void;
}

/** The result, or undefined when the command could not run at all (logged either way). */
export async function runLogged(host: Pick<LabHost, 'exec'>, log: CommandSink, cmd: string): Promise<ShellResult | undefined> {
  try {
    const result = await host.exec(cmd);
    log.append(cmd, result);
    return result;
  } catch (e) {
    log.appendError(cmd, e);
    return undefined;
  }
}

/** One line for the user: the tool's own stderr line, or what went wrong. */
export function failureLine(result: ShellResult | undefined, cmd: string): string {
  if (!result) return `${cmd}: could not run (see the command log)`;
  return firstLine(result.stderr) || `${cmd} failed with exit code ${result.code}`;
}
