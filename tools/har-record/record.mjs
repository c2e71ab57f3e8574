// Drives Debian's chromium with playwright-core through traffic.mjs against
// an API root (the mock, or mitmproxy in front of it).
//
//   node record.mjs --root http://127.0.0.1:PORT --tag embed [--har FILE --content embed|attach|omit]
//
// The page is served by Playwright itself at ROOT/app/ (page.route), so
// the API calls are same-origin: no CORS preflight, as in an app served
// beside its API. Without --har nothing is recorded here (mitmproxy does).
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { traffic } from './traffic.mjs';

const { values: opt } = parseArgs({ options: {
  root: { type: 'string' }, tag: { type: 'string' }, har: { type: 'string' }, content: { type: 'string', default: 'embed' },
} });
if (!opt.root || !opt.tag) throw new Error('record.mjs: --root and --tag are required');

const profile = mkdtempSync(join(tmpdir(), 'cfverify-har-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  ...(opt.har ? { recordHar: { path: opt.har, content: opt.content, mode: 'full' } } : {}),
});
try {
  const page = context.pages()[0] ?? await context.newPage();
  await page.route(`${opt.root}/app/`, (route) => route.fulfill({
    status: 200, contentType: 'text/html', body: '<!doctype html><title>cfverify HAR fixture</title><p>end-to-end test page</p>',
  }));
  await page.goto(`${opt.root}/app/`);
  const seen = await page.evaluate(traffic, { base: `${opt.root}/verification`, tag: opt.tag });
  console.log(`record.mjs (${opt.tag}): ${seen.length} calls: ${seen.join(', ')}`);
} finally {
  await context.close(); // writes the HAR
  rmSync(profile, { recursive: true, force: true });
}
