import { existsSync } from 'node:fs';
import type { ExecutionContext } from 'ava';
import puppeteer, { type Browser } from 'puppeteer-core';

/** Debian's chromium (`apt-get install chromium`; .ci/run installs it), or CHROMIUM=path. */
export const chromiumPath = () => process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * A headless Chromium driven by puppeteer-core (no browser download: Debian's). As root in a
 * container Chromium's sandbox cannot start: --no-sandbox. It reaches only the master on 127.0.0.1
 * it is sent to (the dashboard loads nothing else; test/ui.serve checks the assets).
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath())) throw new Error(`no Chromium at ${chromiumPath()}: apt-get install chromium (Debian's package), or set CHROMIUM`);
  return puppeteer.launch({
    executablePath: chromiumPath(), headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
  });
}

/** launchChromium, closed when the test ends. */
export async function launchBrowser(t: ExecutionContext): Promise<Browser> {
  const browser = await launchChromium();
  t.teardown(() => browser.close());
  return browser;
}
