// The development server (`npm run dev`) boots the lab as the built site does: its workers go
// through Vite's dev pipeline, where a plugin registered only for the build would be missing.
import { expect, test } from '@playwright/test';

test('npm run dev serves a lab that boots and runs a command', async ({ page }) => {
  await page.goto('http://localhost:5174/?cold');
  await page.waitForFunction(() => window.vpsLab !== undefined);
  await page.evaluate(() => window.vpsLab.ready);
  const r = await page.evaluate(() => window.vpsLab.exec('hostname && vpsctl help migrate'));
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^vpslab\nusage: vpsctl migrate <id> <lab-host>\n/);
});
