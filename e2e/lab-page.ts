// Helpers for scenarios: open the lab, read the terminal, wait on state (never on time).
import { expect, type Page } from '@playwright/test';
import type {} from '../src/page/lab/automation-api.ts'; // declares window.vpsLab

export async function openLab(page: Page): Promise<void> {
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') console.log(`[console.error] ${m.text()}`);
  });
  await page.goto('/');
  await page.waitForFunction(() => window.vpsLab !== undefined);
  await page.evaluate(() => window.vpsLab.ready);
}

/** `sh -c cmd` as root on a host of the lab (default the first), through window.vpsLab. */
export function labExec(page: Page, cmd: string, host?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return page.evaluate(([c, h]) => window.vpsLab.exec(c!, h === undefined ? {} : { host: h }), [cmd, host]);
}

/** Like labExec, but the test fails unless the command exits 0; resolves with its stdout. */
export async function labOk(page: Page, cmd: string, host?: string): Promise<string> {
  const r = await labExec(page, cmd, host);
  expect(r.code, `${host === undefined ? '' : `${host}: `}${cmd}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

/** The terminal's visible text, one line per row (xterm's DOM renderer), without trailing blanks
 * (the cursor cell renders as an extra space). */
export async function terminalText(page: Page): Promise<string> {
  const text = await page.locator('[data-testid="terminal"] .xterm-rows').innerText();
  return text.split('\n').map((l) => l.trimEnd()).join('\n');
}

export async function expectTerminalLine(page: Page, pattern: RegExp): Promise<void> {
  await expect.poll(async () => (await terminalText(page)).split('\n').some((l) => pattern.test(l)), {
    message: `a terminal line matching ${pattern}`,
  }).toBe(true);
}

export async function typeInTerminal(page: Page, text: string): Promise<void> {
  await page.locator('[data-testid="terminal"]').click();
  await page.keyboard.type(text);
}

/** How many post-boot states the page keeps in IndexedDB (its 'boot-states' store), read directly.
 * A page.evaluate, polled by the caller: waitForFunction would take the returned Promise itself as
 * a truthy answer. The connection is closed so that it never holds the page's database open. */
export function cachedBootStates(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const req = indexedDB.open('vps-lab');
        req.onsuccess = () => {
          const db = req.result;
          if (!db.objectStoreNames.contains('boot-states')) {
            db.close();
            return resolve(0);
          }
          const count = db.transaction('boot-states').objectStore('boot-states').count();
          count.onsuccess = () => {
            db.close();
            resolve(count.result);
          };
          count.onerror = () => {
            db.close();
            resolve(0);
          };
        };
        req.onerror = () => resolve(0);
      }),
  );
}
