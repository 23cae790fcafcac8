// A return visit resumes the post-boot state cached in IndexedDB; Cold boot forgets it.
import { expect, test } from '@playwright/test';
import { cachedBootStates as cachedStates, expectTerminalLine, openLab, typeInTerminal } from './lab-page.ts';

test('a return visit resumes the saved boot, and Cold boot boots from the image again', async ({ page }) => {
  await openLab(page);
  expect(await page.evaluate(() => window.vpsLab.bootMode())).toBe('cold');
  await expect.poll(() => cachedStates(page)).toBe(1);

  await page.reload();
  await page.waitForFunction(() => window.vpsLab !== undefined);
  await page.evaluate(() => window.vpsLab.ready);
  expect(await page.evaluate(() => window.vpsLab.bootMode())).toBe('resumed');
  await expectTerminalLine(page, /^vpslab:\/#$/);
  await typeInTerminal(page, 'hostname\n');
  await expectTerminalLine(page, /^vpslab$/);
  const r = await page.evaluate(() => window.vpsLab.exec('vpsctl start 3 && vpsctl execwt 3 hostname'));
  expect(r.stdout).toContain('web\n');

  const reloaded = page.waitForEvent('load');
  await page.getByTestId('cold-boot').click();
  await reloaded;
  await page.waitForFunction(() => window.vpsLab !== undefined);
  await page.evaluate(() => window.vpsLab.ready);
  expect(await page.evaluate(() => window.vpsLab.bootMode())).toBe('cold');
});
