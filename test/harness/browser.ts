import { existsSync } from 'node:fs';
import type { ExecutionContext } from 'ava';
import puppeteer, { type Browser } from 'puppeteer-core';

/** Debian's chromium (`apt-get install chromium`; .ci/run installs it), or CHROMIUM=path. */
export const chromiumPath = () => process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * A headless Chromium driven by puppeteer-core (no browser download: Debian's), closed when the test
 * ends. As root in a container Chromium's sandbox cannot start: --no-sandbox. It reaches only the
 * test's master on 127.0.0.1 (the dashboard loads nothing else; test/ui.serve checks the assets).
 */
export async function launchBrowser(t: ExecutionContext): Promise<Browser> {
  if (!existsSync(chromiumPath())) throw new Error(`no Chromium at ${chromiumPath()}: apt-get install chromium (Debian's package), or set CHROMIUM`);
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(), headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
  });
  t.teardown(() => browser.close());
  return browser;
}
