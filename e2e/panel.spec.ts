// A student's path through the page: boot, shell, a VPS from the form, its shell, stop, a mistake.
import { expect, test } from '@playwright/test';
import { expectTerminalLine, openLab, typeInTerminal } from './lab-page.ts';

test('boot, shell, create and run VPS 5 from the panel, open its shell, stop it, and see a form error', async ({ page }) => {
  await openLab(page);
  await expect(page.getByTestId('boot-progress')).toBeHidden();
  await expectTerminalLine(page, /^vpslab:\/# ?$/);

  await typeInTerminal(page, 'hostname\n');
  await expectTerminalLine(page, /^vpslab$/);

  // The guest knows the terminal's size (stty through the agent, nothing typed into the shell).
  const rows = await page.locator('[data-testid="terminal"] .xterm-rows > div').count();
  await expect
    .poll(async () => (await page.evaluate(() => window.vpsLab.exec('stty -F /dev/ttyS0 size'))).stdout.trim())
    .toMatch(new RegExp(`^${rows} (\\d+)$`));

  const form = page.getByTestId('new-vps-form');
  await form.getByTestId('new-vps-id').fill('5');
  await form.getByTestId('new-vps-name').fill('lab5');
  await form.getByTestId('new-vps-ip').fill('10.0.5.1/24');
  await form.getByTestId('new-vps-limits').fill('procs:32:32');
  await form.getByTestId('new-vps-submit').click();

  const card = page.getByTestId('vps-card-5');
  await expect(card).toHaveAttribute('data-state', 'running');
  await expect.poll(async () => Number(await card.getByTestId('vps-procs').innerText())).toBeGreaterThan(0);
  await expect(page.getByTestId('command-log')).toContainText("vpsctl create 5 --name 'lab5' --ip '10.0.5.1/24' --limits 'procs:32:32'");
  await expect(page.getByTestId('command-log')).toContainText('vpsctl start 5');

  await card.getByTestId('vps-suspend').click();
  await expect(card).toHaveAttribute('data-state', 'suspended');
  await expect(card.getByTestId('vps-shell')).toBeDisabled();
  await card.getByTestId('vps-resume').click();
  await expect(card).toHaveAttribute('data-state', 'running');
  await expect(page.getByTestId('command-log')).toContainText('vpsctl suspend 5');
  await expect(page.getByTestId('command-log')).toContainText('vpsctl resume 5');

  await card.getByTestId('vps-shell').click();
  await expectTerminalLine(page, /^lab5:\/# ?$/);
  await typeInTerminal(page, 'hostname; exit\n');
  await expectTerminalLine(page, /^lab5$/);

  await card.getByTestId('vps-stop').click();
  await expect(card).toHaveAttribute('data-state', 'stopped');
  await expect(page.getByTestId('command-log')).toContainText('vpsctl stop 5');

  await form.getByTestId('new-vps-id').fill('6');
  await form.getByTestId('new-vps-name').fill('bad');
  await form.getByTestId('new-vps-ip').fill('10.0.6.300');
  await form.getByTestId('new-vps-submit').click();
  await expect(page.getByTestId('new-vps-error')).toContainText('IP_NETWORKS');
  await expect(form.getByTestId('new-vps-ip')).toHaveValue('10.0.6.300');
  await expect(page.getByTestId('vps-card-6')).toHaveCount(0);
});
