// Two hosts in the page: VPS 3 moves from host1 to host2 through its card's Migrate, and answers
// there at its own address.
import { expect, test } from '@playwright/test';
import { labOk as ok, openLab } from './lab-page.ts';

test('migrate VPS 3 from host1 to host2 from the panel; it answers on host2', async ({ page }) => {
  await openLab(page);
  await page.getByTestId('add-host').click();
  await expect.poll(() => page.evaluate(() => window.vpsLab.hosts())).toEqual(['host1', 'host2']);
  await expect.poll(async () => ok(page, 'ip -4 addr show eth0', 'host2')).toContain('192.168.100.2/24');
  await page.getByTestId('host-tab-host1').click();

  await ok(page, 'vpsctl start 3', 'host1');
  await ok(page, "vpsctl execwt 3 sh -c 'echo moved-with-me > /root/marker'", 'host1');
  const card = page.getByTestId('vps-card-3');
  await expect(card).toHaveAttribute('data-state', 'running');

  await card.getByTestId('vps-migrate').click();
  await expect(card.getByTestId('vps-migrate-target')).toHaveValue('host2');
  await card.getByTestId('vps-migrate-confirm').click();
  await expect(page.getByTestId('vps-card-3')).toHaveCount(0);
  await expect(page.getByTestId('command-log')).toContainText('vpsctl migrate 3 192.168.100.2');

  await page.getByTestId('host-tab-host2').click();
  await expect(page.getByTestId('vps-card-3')).toHaveAttribute('data-state', 'running');
  expect(await ok(page, 'vpsctl execwt 3 cat /root/marker', 'host2')).toBe('moved-with-me\n');
  expect(await ok(page, 'ping -c 1 -W 3 10.0.3.1', 'host1')).toMatch(/1 packets received/);
  expect(JSON.parse(await ok(page, 'vpsctl --json list', 'host1')).map((v: { id: number }) => v.id)).not.toContain(3);

  // Back to host1 is refused once host1 has a VPS 3 of its own (with files): it stays on host2,
  // running, with the reason on its card.
  await ok(page, 'vpsctl create 3 --name web --ip 10.0.3.1/24 && vpsctl start 3 && vpsctl stop 3', 'host1');
  await page.getByTestId('vps-card-3').getByTestId('vps-migrate').click();
  await page.getByTestId('vps-card-3').getByTestId('vps-migrate-confirm').click();
  await expect(page.getByTestId('vps-card-3').getByTestId('vps-action-error')).toContainText('the target refused');
  await expect(page.getByTestId('vps-card-3')).toHaveAttribute('data-state', 'running');
});
