// Everything through window.vpsLab only, as a teacher's script would.
import { expect, test } from '@playwright/test';
import { openLab } from './lab-page.ts';

test('drives the lab through window.vpsLab', async ({ page }) => {
  await openLab(page);
  expect(await page.evaluate(() => window.vpsLab.hosts())).toEqual(['host1']);

  const started = await page.evaluate(() => window.vpsLab.exec('vpsctl start 3'));
  expect(started.code).toBe(0);
  expect(started.stdout).toMatch(/^VPS 3 \(web\) started/);

  const vps = await page.evaluate(() => window.vpsLab.vps('host1'));
  const v3 = vps.find((v) => v.id === 3)!;
  expect(v3.state).toBe('running');
  expect(v3.figures?.nodename).toBe('web');
  expect(v3.figures?.processCount).toBeGreaterThan(0);
  expect(vps.find((v) => v.id === 4)?.state).toBe('stopped');

  const inside = await page.evaluate(() => window.vpsLab.exec('vpsctl execwt 3 hostname', { host: 'host1' }));
  expect(inside).toEqual({ code: 0, stdout: 'web\n', stderr: '' });

  const bad = await page.evaluate(() => window.vpsLab.exec('vpsctl start 99'));
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('VPS 99 has no config');

  await expect(page.evaluate(() => window.vpsLab.exec('true', { host: 'nope' }))).rejects.toThrow(/no host named "nope"/);
  expect((await page.evaluate(() => window.vpsLab.exec('vpsctl stop 3'))).code).toBe(0);
  expect((await page.evaluate(() => window.vpsLab.vps())).find((v) => v.id === 3)?.state).toBe('stopped');
});
