// Debian's Chromium with the unpacked extension, its native-messaging host registered in the
// profile's NativeMessagingHosts, the fake AI sites mapped onto their real host names, and the
// test service's socket in the environment (dlp-nmhost inherits the browser's environment).
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { SOURCE_DIR, NMHOST, waitFor, sleep } from './service.mjs';
import { AI_HOSTS } from './site.mjs';

export const CHROMIUM = process.env.DLP_CHROMIUM || '/usr/lib/chromium/chromium';
export const EXTENSION_ID = /CHROMIUM_ID = '([a-p]{32})'/.exec(
  fs.readFileSync(path.join(SOURCE_DIR, 'extension', 'build.mjs'), 'utf8'))[1];

export function loadPlaywright() {
  const require = createRequire(path.join(SOURCE_DIR, 'extension', 'package.json'));
  return require('playwright-core');
}

export function registerNativeHost(browser, dir) {
  execFileSync('bash', [path.join(SOURCE_DIR, 'scripts', 'dev-native-host.sh'), browser, dir, '--host', NMHOST], { stdio: 'pipe' });
  return dir;
}

export async function launchChromium({ extDir, userDataDir, socket, port, headless = true, logFile }) {
  const { chromium } = loadPlaywright();
  fs.mkdirSync(userDataDir, { recursive: true });
  registerNativeHost('chromium', path.join(userDataDir, 'NativeMessagingHosts'));
  const rules = AI_HOSTS.map((h) => `MAP ${h} 127.0.0.1:${port}`).join(', ');
  const args = [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-features=HttpsUpgrades,Translate,MediaRouter',
    `--host-resolver-rules=${rules}`, '--ignore-certificate-errors',
    `--load-extension=${extDir}`, `--disable-extensions-except=${extDir}`,
    '--lang=vi', '--window-size=1280,900',
  ];
  if (headless) args.push('--headless=new');
  const env = { ...process.env, DLP_AGENT_SOCKET: socket, LANG: 'C.UTF-8', LANGUAGE: 'vi' };
  if (logFile) env.CHROME_LOG_FILE = logFile;
  const ctx = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: false, // --headless=new is passed by hand: Playwright's own headless mode is the old one
    args,
    env,
    locale: 'vi-VN',
    viewport: { width: 1280, height: 900 },
    ignoreHTTPSErrors: true,
    ignoreDefaultArgs: ['--disable-extensions', '--disable-component-extensions-with-background-pages'],
  });
  await ctx.grantPermissions(['clipboard-read', 'clipboard-write']);
  return ctx;
}

// The extension's service worker (the startup race in the recipe: the page may load first).
export async function extensionWorker(ctx, timeout = 15000) {
  const match = (w) => w.url().startsWith(`chrome-extension://${EXTENSION_ID}/`);
  const found = ctx.serviceWorkers().find(match);
  if (found) return found;
  return waitFor(`the extension's service worker (chrome-extension://${EXTENSION_ID}/)`, async () => {
    const w = ctx.serviceWorkers().find(match);
    if (w) return w;
    await ctx.waitForEvent('serviceworker', { timeout: 1000 }).catch(() => null);
    return ctx.serviceWorkers().find(match);
  }, { timeout, interval: 10 });
}

// The user-visible paste: write the clipboard, focus, Ctrl+V. Falls back to a synthetic
// ClipboardEvent (which also reaches content scripts in Chromium) when asked.
export async function pasteText(page, locator, text, { mode = 'keyboard', frame } = {}) {
  const f = frame ?? page;
  const el = typeof locator === 'string' ? f.locator(locator) : locator;
  if (mode === 'keyboard') {
    await page.evaluate((t) => navigator.clipboard.writeText(t), text);
    await el.focus();
    await page.keyboard.press('Control+V');
  } else {
    await el.evaluate((node, t) => {
      node.focus();
      const dt = new DataTransfer();
      dt.setData('text/plain', t);
      node.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true, composed: true }));
    }, text);
  }
}

// Puts the caret of a textarea at `pos` (for paste-in-the-middle).
export async function setCaret(locator, pos) {
  await locator.evaluate((el, p) => { el.focus(); el.setSelectionRange(p, p); }, pos);
}

export async function screenshot(page, file) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file });
  return file;
}

export { sleep };
