/**
 * Headless Chromium for the report tests, from the npm registry (`@sparticuz/chromium` ships the binary; it unpacks
 * into the temp folder on first use), driven by playwright-core. No system browser needed.
 */
import chromiumBinary from '@sparticuz/chromium';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';

let launching: Promise<Browser> | undefined;
// The package's flags are for serverless hosts; one browser process per page there, which dies with the first page
// closed here: every flag but `--single-process`.
const ARGS = chromiumBinary.args.filter((arg) => arg !== '--single-process');

/** One browser per test process, launched on first use; a launch failure fails each test that needs it. */
export function browser(): Promise<Browser> {
  launching ??= (async () => chromium.launch({ executablePath: await chromiumBinary.executablePath(), args: ARGS, headless: true }))();
  return launching;
}

/** Closes the browser if one was launched. */
export async function closeBrowser(): Promise<void> {
  const launched = launching;
  launching = undefined;
  if (launched !== undefined) await (await launched.catch(() => undefined))?.close();
}
