/**
 * `npm run test:docs`: opens the Swagger UI of the production build in headless Chromium
 * (Debian's package, installed here when absent; driven by playwright-core, which downloads
 * nothing) and fails unless the operations render with no CSP violation and no console error,
 * each with its summary, and an opened operation shows its description and per-status error
 * examples. This proves the docs page's own Content-Security-Policy lets it work.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startAppProcess } from './lib/app-process.js';

const CHROMIUM = '/usr/bin/chromium';
const say = (line: string) => process.stdout.write(`${line}\n`);

function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  say('chromium not found: installing the Debian package...');
  const apt = (args: string[]) => spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (apt(['update', '-qq']).status !== 0 || apt(['install', '-y', '-qq', 'chromium']).status !== 0) throw new Error('could not install chromium');
}

async function main(): Promise<void> {
  ensureChromium();
  const app = await startAppProcess({ DOCS_ENABLED: 'true' });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const problems: string[] = [];
  try {
    const page = await browser.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    // Runs in the page: every CSP violation becomes a console error, which fails the test.
    await page.addInitScript({
      content: "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));",
    });
    const response = await page.goto(`${app.url}/docs`, { waitUntil: 'networkidle' });
    const csp = response?.headers()['content-security-policy'] ?? '';
    if (!/script-src 'self'/.test(csp) || !/frame-ancestors 'none'/.test(csp)) problems.push(`unexpected docs CSP: ${csp}`);
    await page.waitForSelector('.opblock', { timeout: 15_000 });
    const operations = await page.locator('.opblock').count();
    say(`Swagger UI rendered ${operations} operations`);
    if (operations < 20) problems.push(`only ${operations} operations rendered`);
    const summaries = (await page.locator('.opblock .opblock-summary-description').allInnerTexts()).filter((text) => text.trim() !== '');
    say(`${summaries.length} of ${operations} operations show a summary`);
    if (summaries.length !== operations) problems.push(`${operations - summaries.length} operations render no summary`);
    const createPost = page.locator('.opblock', { hasText: 'Create a post' }).first();
    await createPost.locator('.opblock-summary').first().click();
    await createPost.locator('.opblock-description-wrapper').first().waitFor({ timeout: 10_000 });
    const opened = await createPost.innerText();
    if (!opened.includes('The caller is always the author')) problems.push('the opened operation does not show its description');
    if (!opened.includes('Authentication required') || !opened.includes('retryAfter')) problems.push('the opened operation does not show the 401 and 429 examples');
  } finally {
    await browser.close();
    await app.stop();
  }
  say(problems.length ? problems.join('\n') : 'no CSP violation, no console error');
  say(`docs browser test: ${problems.length ? 0 : 1} passed, ${problems.length ? 1 : 0} failed`);
  if (problems.length) process.exit(1);
}

main().catch((err: unknown) => {
  process.stderr.write(`docs browser test error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
