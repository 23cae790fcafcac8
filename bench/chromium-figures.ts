// Figures measured in Debian's headless Chromium against the built site (vite preview).
import { chromium, type Browser } from '@playwright/test';
import { build, preview } from 'vite';
import { cachedBootStates } from '../e2e/lab-page.ts';
import type {} from '../src/page/lab/automation-api.ts'; // declares window.vpsLab
import { labAddress } from '../src/core/lab/lab-network.ts';
import { listeningCommand, parseReceiver, receiverCommand, senderCommand, timedTransfers } from './lab-tcp.ts';
import { summarize, type Figure } from './stats.ts';

/** Return visits measured after each first visit. */
const RETURN_VISITS = 2;

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

interface Visit {
  readyMs: number;
  /** ms from navigation to the boot overlay's stage changing to 'boot' (image downloaded and
   * unpacked, v86 starting) and to 'services' (the guest's init runs the host bring-up). */
  imageMs: number;
  servicesMs: number;
  /** Return visits in the same profile, each resuming the saved post-boot state. */
  warmMs: number[];
  promptMs: number;
  firstVpsMs: number;
  bytes: number;
}

/** One first visit in a fresh profile: ms from navigation start to the agent answering, bytes over the wire. */
async function firstVisit(browser: Browser, url: string): Promise<Visit> {
  const context = await browser.newContext();
  const page = await context.newPage();
  // When the boot overlay's stage (data-stage) first shows each value, seen by a MutationObserver
  // from the page's first script on (no polling that would load the page being measured). A
  // string, not a function: tsx would add its own helpers to a function's source.
  await page.addInitScript(`{
    const seen = {};
    window.__bootStages = seen;
    const observer = new MutationObserver(() => {
      const stage = document.querySelector('[data-testid="boot-progress"]')?.dataset.stage;
      if (stage && !(stage in seen)) seen[stage] = performance.now();
      if (stage === 'ready') observer.disconnect();
    });
    observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-stage'] });
  }`);
  const sizes: Promise<number>[] = [];
  page.on('requestfinished', (req) => {
    sizes.push(req.sizes().then((s) => s.responseBodySize + s.responseHeadersSize));
  });
  await page.goto(url);
  await page.waitForFunction(() => window.vpsLab !== undefined);
  const readyMs = await page.evaluate(() => window.vpsLab.ready.then(() => performance.now()));
  const bytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
  const stages = await page.evaluate(() => (window as unknown as { __bootStages: Record<string, number> }).__bootStages);
  if (stages.boot === undefined || stages.services === undefined)
    throw new Error(`bench: the boot overlay never showed the boot and services stages (saw ${Object.keys(stages).join(', ')})`);
  console.error(`first visit: image in ${Math.round(stages.boot)} ms, services at ${Math.round(stages.services)} ms, agent at ${Math.round(readyMs)} ms`);
  // The shell prompt in the terminal (xterm's DOM rows), checked every frame.
  await page.waitForFunction(
    () => (document.querySelector('[data-testid="terminal"] .xterm-rows')?.textContent ?? '').includes('vpslab:/#'),
    null,
    { polling: 'raf' },
  );
  const promptMs = await page.evaluate(() => performance.now());
  const firstVpsMs = await page.evaluate(() => window.vpsLab.exec('vpsctl start 3').then(() => performance.now()));
  // The first visit saves its post-boot state in IndexedDB; wait for it, then come back.
  for (const end = Date.now() + 120_000; (await cachedBootStates(page)) === 0; ) {
    if (Date.now() > end) throw new Error('bench: the first visit never saved its post-boot state');
    await new Promise((r) => setTimeout(r, 200));
  }
  // Two return visits: the first after the first visit, and a later one (the browser has by then
  // cached compiled code for the page's scripts, as it has for any returning user).
  const warmMs: number[] = [];
  for (let i = 0; i < RETURN_VISITS; i++) {
    await page.reload();
    await page.waitForFunction(() => window.vpsLab !== undefined);
    const ms = await page.evaluate(() => window.vpsLab.ready.then(() => performance.now()));
    if ((await page.evaluate(() => window.vpsLab.bootMode())) !== 'resumed')
      throw new Error('bench: a return visit booted cold instead of resuming the saved boot');
    warmMs.push(ms);
  }
  console.error(`return visits after one first visit: ${warmMs.map(Math.round).join(' ms, ')} ms`);
  await context.close();
  return { readyMs, imageMs: stages.boot, servicesMs: stages.services, warmMs, promptMs, firstVpsMs, bytes };
}

/**
 * MB/s over TCP from host1 to host2 in one page, each host its own Web Worker (so the two emulators
 * run on separate threads), joined by the page's switch. Timed as in bench/lab-tcp.ts.
 */
async function labTcp(browser: Browser, url: string, rounds: number): Promise<number[]> {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.vpsLab !== undefined);
    await page.evaluate(() => window.vpsLab.ready);
    const host2 = await page.evaluate(() => window.vpsLab.addHost());
    if (host2 !== 'host2') throw new Error(`bench: lab_tcp: the added host is ${host2}, not host2`);
    const cmds = { receiver: receiverCommand, listening: listeningCommand, sender: senderCommand(labAddress(2)) };
    return await timedTransfers('Chromium', rounds, async (wallMs) => {
      // The whole round inside the page: no Playwright round trips between the sender and the receiver.
      const r = await page.evaluate(async (c) => {
        const lab = window.vpsLab;
        const received = lab.exec(c.receiver, { host: 'host2' });
        const end = Date.now() + 20_000;
        while ((await lab.exec(c.listening, { host: 'host2' })).stdout.trim() !== '1') {
          if (Date.now() > end) throw new Error('the receiver did not listen within 20 s');
          await new Promise((res) => setTimeout(res, 20));
        }
        const t0 = performance.now();
        const sent = await lab.exec(c.sender, { host: 'host1' });
        const got = await received;
        return { ms: performance.now() - t0, sent, got };
      }, cmds);
      if (r.sent.code !== 0 || r.got.code !== 0)
        throw new Error(`bench: lab_tcp (Chromium): sender exit ${r.sent.code} (${r.sent.stderr.trim()}), receiver exit ${r.got.code} (${r.got.stderr.trim()})`);
      wallMs.push(r.ms);
      return parseReceiver(r.got.stdout);
    });
  } finally {
    await context.close();
  }
}

export async function chromiumFigures(opts: { visits: number; rounds: number }): Promise<Record<string, Figure>> {
  await build({ logLevel: 'warn' });
  const server = await preview({ preview: { port: 4180, strictPort: true }, logLevel: 'warn' });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const url = server.resolvedUrls?.local[0] ?? 'http://localhost:4180/';
    const visits: Visit[] = [];
    for (let i = 0; i < opts.visits; i++) visits.push(await firstVisit(browser, url));
    const tcp = await labTcp(browser, url, opts.rounds);
    return {
      cold_boot_chromium_ms: summarize(visits.map((v) => v.readyMs)),
      cold_image_loaded_chromium_ms: summarize(visits.map((v) => v.imageMs)),
      cold_services_chromium_ms: summarize(visits.map((v) => v.servicesMs)),
      warm_start_chromium_ms: summarize(visits.flatMap((v) => v.warmMs)),
      shell_prompt_chromium_ms: summarize(visits.map((v) => v.promptMs)),
      first_vps_running_chromium_ms: summarize(visits.map((v) => v.firstVpsMs)),
      first_visit_bytes: summarize(visits.map((v) => v.bytes)),
      lab_tcp_chromium_mb_s: summarize(tcp),
    };
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  }
}
