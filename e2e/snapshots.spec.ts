// Snapshots from the panel: kept in the browser, downloadable, restored from the list with a VPS's
// files intact; an uploaded file that is no snapshot gets vpsctl's own one-line error.
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { labOk as ok, openLab } from './lab-page.ts';

test('snapshot VPS 3 from its card, download it, destroy it, restore it from the list; refuse a foreign upload', async ({ page }) => {
  await openLab(page);
  await ok(page, 'vpsctl start 3');
  await ok(page, "vpsctl execwt 3 sh -c 'echo kept-by-snapshot > /root/marker; mkdir -p /srv/www; ln -s /root/marker /srv/www/link'");
  const card = page.getByTestId('vps-card-3');
  await expect(card).toHaveAttribute('data-state', 'running');

  await card.getByTestId('vps-snapshot').click();
  const item = page.getByTestId('snapshot-list').locator('li[data-vps="3"]');
  await expect(item).toHaveCount(1);
  await expect(item).toContainText('#3 web');
  await expect(page.getByTestId('command-log')).toContainText('vpsctl snapshot 3 -');
  await expect(page.getByTestId('command-log')).toContainText('kept in this browser as vps3-web-');
  await expect(card).toHaveAttribute('data-state', 'running'); // thawed after the copy

  const [download] = await Promise.all([page.waitForEvent('download'), item.getByTestId('snapshot-download').click()]);
  expect(download.suggestedFilename()).toMatch(/^vps3-web-\d{8}-\d{6}\.vpsnap$/);
  const bytes = await readFile((await download.path())!);
  expect(bytes.subarray(0, 8).toString('latin1')).toBe('VPSSNAP\x1a');

  await card.getByTestId('vps-stop').click();
  await expect(card).toHaveAttribute('data-state', 'stopped');
  await card.getByTestId('vps-destroy').click();
  await card.getByTestId('vps-destroy-confirm').click();
  await expect(page.getByTestId('vps-card-3')).toHaveCount(0);

  await item.getByTestId('snapshot-restore').click();
  await expect(page.getByTestId('restore-id')).toHaveValue('3');
  await page.getByTestId('restore-submit').click();
  await expect(page.getByTestId('vps-card-3')).toHaveAttribute('data-state', 'running');
  await expect(page.getByTestId('command-log')).toContainText(/vpsctl restore 3 - < vps3-web-\d{8}-\d{6}\.vpsnap/);
  expect(await ok(page, 'vpsctl execwt 3 cat /srv/www/link')).toBe('kept-by-snapshot\n');

  // An upload that is no snapshot: vpsctl's own error, and no VPS 9.
  await page.getByTestId('snapshot-upload').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('these are my notes\n'.repeat(20)) });
  await page.getByTestId('restore-id').fill('9');
  await page.getByTestId('restore-submit').click();
  await expect(page.getByTestId('restore-error')).toContainText(/^vpsctl: restore VPS 9 from `-`: .*magic/);
  await expect(page.getByTestId('vps-card-9')).toHaveCount(0);
  expect(await ok(page, 'ls /etc/vps')).not.toContain('vps_9.conf');
  await expect(page.getByTestId('command-log')).toContainText('vpsctl restore 9 - < notes.txt');
});
