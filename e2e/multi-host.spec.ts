// Two hosts in one page: VPS on different hosts reach each other over the lab's switch, and the
// whole lab saves, survives a reload and resumes with its processes still running.
import { expect, test, type Page } from '@playwright/test';
import { labExec as exec, labOk as ok, openLab } from './lab-page.ts';

const counter = (page: Page) => ok(page, 'vpsctl execwt 3 cat /tmp/count', 'host1').then((s) => Number(s.trim()));

test('add a host, ping across hosts, save the lab, reload and load it: processes kept running', async ({ page }) => {
  await openLab(page);
  await page.getByTestId('add-host').click();
  await expect(page.getByTestId('host-tab-host2')).toHaveAttribute('aria-selected', 'true');
  await expect.poll(() => page.evaluate(() => window.vpsLab.hosts())).toEqual(['host1', 'host2']);
  // On the LAN once its lab address is there.
  await expect.poll(async () => (await exec(page, 'ip -4 addr show eth0', 'host2')).stdout).toContain('192.168.100.2/24');

  await ok(page, 'vpsctl start 3', 'host1');
  await ok(page, 'vpsctl start 4', 'host2');
  expect(await ok(page, 'vpsctl execwt 3 ping -c 2 -W 3 10.0.4.1', 'host1')).toMatch(/2 packets received/);
  expect(await ok(page, 'vpsctl execwt 4 ping -c 1 -W 3 10.0.3.1', 'host2')).toMatch(/1 packets received/);
  await expect(page.getByTestId('host-tab-host2')).toContainText('VPS 4');
  await expect(page.getByTestId('host-tab-host1')).toContainText('VPS 3');

  await page.getByTestId('host-tab-host1').click();
  await expect(page.getByTestId('vps-card-3')).toBeVisible();

  await ok(page, "vpsctl execin 3 sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/count; sleep 0.2; done'", 'host1');
  await expect.poll(() => counter(page)).toBeGreaterThan(1);

  const before = await counter(page);
  await page.getByTestId('lab-name').fill('e2e-two-hosts');
  await page.getByTestId('save-lab').click();
  await expect(page.getByTestId('lab-status')).toContainText('saved 2 hosts');
  console.log(`[lab] ${await page.getByTestId('lab-status').textContent()}`);
  await expect(page.getByTestId('command-log')).toContainText('# lab: save "e2e-two-hosts"');

  await page.reload();
  await page.waitForFunction(() => window.vpsLab !== undefined);
  await page.evaluate(() => window.vpsLab.ready);
  expect(await page.evaluate(() => window.vpsLab.hosts())).toEqual(['host1']);

  await page.getByTestId('lab-saved').selectOption('e2e-two-hosts');
  await page.getByTestId('load-lab').click();
  await expect(page.getByTestId('lab-status')).toContainText('resumed 2 hosts');
  console.log(`[lab] ${await page.getByTestId('lab-status').textContent()}`);
  expect(await page.evaluate(() => window.vpsLab.hosts())).toEqual(['host1', 'host2']);
  await expect(page.getByTestId('host-tab-host1')).toHaveAttribute('aria-selected', 'true');

  // The loop resumed where the save caught it, and goes on counting.
  expect(await counter(page)).toBeGreaterThanOrEqual(before);
  await expect.poll(() => counter(page)).toBeGreaterThan(before + 2);
  expect(await ok(page, 'vpsctl execwt 4 ping -c 1 -W 3 10.0.3.1', 'host2')).toMatch(/1 packets received/);
  expect(await ok(page, 'cat /sys/class/net/eth0/address', 'host2')).toBe('02:56:4c:00:00:02\n');

  // The same through window.vpsLab.
  await page.evaluate(() => window.vpsLab.saveLab('e2e-api'));
  await page.evaluate(() => window.vpsLab.loadLab('e2e-api'));
  expect(await page.evaluate(() => window.vpsLab.hosts())).toEqual(['host1', 'host2']);
  await expect(page.evaluate(() => window.vpsLab.loadLab('nope'))).rejects.toThrow(/no saved lab named "nope"/);

  // Export as a file, import it back; a foreign file is refused with one line and changes nothing.
  const download = page.waitForEvent('download');
  await page.getByTestId('export-lab').click();
  const file = await (await download).path();
  await expect(page.getByTestId('lab-status')).toContainText('downloaded');
  await page.getByTestId('lab-import-file').setInputFiles({ name: 'notes.vpslab', mimeType: 'text/plain', buffer: Buffer.from('just some text\n') });
  await expect(page.getByTestId('lab-status')).toHaveText('not a VPS Lab file (it does not start with VPSLAB)');
  await page.getByTestId('lab-import-file').setInputFiles(file);
  await expect(page.getByTestId('lab-status')).toContainText('resumed 2 hosts');
  await expect.poll(() => counter(page)).toBeGreaterThan(before + 2);
  await expect(page.getByTestId('command-log')).toContainText('# lab: import "');
});
