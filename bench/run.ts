// npm run bench: every figure the product promises, as one table and bench/results.json.
// Usage: npm run bench [-- --quick]   (--quick: fewer rounds, for a smoke run)
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage } from '../src/core/errors.ts';
import { chromiumFigures } from './chromium-figures.ts';
import { nodeFigures } from './node-figures.ts';
import type { Figure } from './stats.ts';

const UNITS: Record<string, string> = {
  cold_boot_node_ms: 'ms, Node: start to agent answering',
  cold_boot_chromium_ms: 'ms, Chromium: navigation to agent answering',
  cold_image_loaded_chromium_ms: 'ms, Chromium: navigation to image unpacked (v86 starts)',
  cold_services_chromium_ms: 'ms, Chromium: navigation to the guest starting its services',
  warm_start_chromium_ms: 'ms, Chromium: return visit, navigation to agent answering',
  shell_prompt_chromium_ms: 'ms, Chromium: navigation to the prompt in the terminal',
  first_vps_running_chromium_ms: 'ms, Chromium: navigation to `vpsctl start 3` done',
  vps_start_ms: 'ms, `vpsctl start 3` through the agent',
  vps_stop_ms: 'ms, `vpsctl stop 3` through the agent',
  cpu_ratio: 'VPS / host time, CPU-bound loop',
  fork_exec_ratio: 'VPS / host time, fork+exec of /bin/true',
  density_idle_vps: 'idle VPS started before a start failed',
  first_visit_bytes: 'bytes over the wire, first visit (vite preview)',
  agent_rtt_ms: 'ms, agent ping round trip',
  suspend_ms: 'ms, `vpsctl suspend 3` through the agent',
  resume_ms: 'ms, `vpsctl resume 3` through the agent',
  snapshot_bytes: 'bytes, `vpsctl snapshot 3` file of a fresh VPS 3 with one small file',
  snapshot_ms: 'ms, `vpsctl snapshot 3 /tmp/s.vpsnap` through the agent',
  lab_tcp_mb_s: 'MB/s (1e6 B), TCP host1 -> host2, Node runner (NodeLab, one thread)',
  lab_tcp_chromium_mb_s: 'MB/s (1e6 B), TCP host1 -> host2, Chromium page (a Web Worker per host)',
};

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const results: Record<string, Figure> = {
    ...(await nodeFigures({ boots: quick ? 1 : 3, rounds: quick ? 3 : 7, densityCap: quick ? 8 : 200 })),
    ...(await chromiumFigures({ visits: quick ? 1 : 3, rounds: quick ? 3 : 7 })),
  };
  const rows = Object.entries(results).map(([k, f]) => [k, String(f.median), String(f.min), String(f.max), String(f.n), UNITS[k] ?? '']);
  const head = ['figure', 'median', 'min', 'max', 'n', 'what'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  console.log([line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'));
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results.json');
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwritten to ${out}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`bench: ${errorMessage(e)}`);
    process.exit(1);
  },
);
