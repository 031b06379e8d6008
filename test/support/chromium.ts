/**
 * Launches Debian's Chromium through playwright-core, with the flags this offline machine needs (without the
 * background-networking ones Chromium keeps dialling Google and filling logs with refused connections).
 */
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it (apt-get install chromium) or set CHROMIUM_PATH.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-sync',
      '--disable-background-networking',
      '--disable-component-update',
      // The studio plays sound when Play is pressed; a script-driven press in tests must be allowed to as well.
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}
