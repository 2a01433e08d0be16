import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

/**
 * Debian's Chromium (installed by the prepare step), driven by playwright-core: no browser is
 * downloaded. Headless, sandbox off (the tests may run as root).
 */
export async function launchChromium(args: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', ...args], headless: true });
}

/** Where each screen's screenshot goes, for a reviewer to look at (ignored by git). */
export const SCREENSHOTS = fileURLToPath(new URL('../../.screenshots/', import.meta.url));

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

/** The serious and critical accessibility violations axe-core finds on the page as it is now. */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).analyze();
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

/** A new page signed in to the console with `token`, as a person does it (the sign-in form). */
export async function signedInPage(browser: Browser, baseURL: string, token: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await (await browser.newContext({ viewport, baseURL, reducedMotion: 'reduce' })).newPage();
  page.setDefaultTimeout(30_000);
  await page.goto('/');
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return page;
}
