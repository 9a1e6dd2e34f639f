// End-to-end in Firefox ESR: the built extension (xpi in a fresh profile) + the real dlp-nmhost +
// a real dlp-agentd; a real paste under a private Xvfb (xclip + xdotool). No driver: the fake
// ChatGPT page (http://chatgpt.com:PORT/?report=1, chatgpt.com resolved to loopback by
// network.dns.localDomains) reports its textarea value and the extension's dialog to the server.
//   node --test --test-concurrency=1 extension/test/e2e/firefox.e2e.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  Service, skipFile, killOnExit, tempRoot, removeTree, buildExtension, missingExtensionFiles, waitFor, sleep, ARTIFACTS,
} from './lib/service.mjs';
import { Site } from './lib/site.mjs';
import {
  FIREFOX, GECKO_ID, X_TOOLS, which, startXvfb, stopProc, makeProfile, launchFirefox, realPaste, screenshotRoot, x,
} from './lib/firefox.mjs';
import * as D from './lib/data.mjs';

const missingTools = X_TOOLS.filter((t) => !which(t));
const SKIP = !fs.existsSync(FIREFOX) ? `${FIREFOX} is not installed`
  : missingTools.length ? `missing ${missingTools.join(', ')} (apt-get install xvfb xclip xdotool imagemagick)` : null;
if (SKIP) await skipFile(SKIP);
// With a skip, nothing below runs: cases are not registered and the hooks return at once.
const it = SKIP ? () => {} : test;

let root, svc, site, xvfb, firefox, url, geometry;
const clips = [];

before(async () => {
  if (SKIP) return;
  root = tempRoot('dlp-e2e-firefox-');
  svc = await Service.start(path.join(root, 'service'));
  assert.equal((await svc.scan(D.SECRET_DOC)).action, 'block', 'the sample document must be blocked by the service');
  assert.equal((await svc.scan(D.CLEAN)).action, 'allow', 'the clean paragraph must be allowed');

  site = await Site.start(); // plain HTTP
  url = `http://chatgpt.com:${site.port}/?report=1`;
  const ext = path.join(buildExtension(path.join(root, 'ext')), 'firefox');
  const missing = missingExtensionFiles(ext);
  if (missing.length) throw new Error(`the extension is incomplete: manifest.json names files that extension/src does not have: ${missing.join(', ')}`);

  xvfb = await startXvfb(path.join(root, 'xvfb.log'));
  const profile = path.join(root, 'profile');
  makeProfile(profile, ext);
  firefox = launchFirefox({
    profile, home: path.join(root, 'home'), display: xvfb.display, socket: svc.socket, url,
    logFile: path.join(root, 'firefox.log'),
  });
  firefox.once('exit', (code, sig) => { if (firefox) firefox.exitInfo = { code, sig }; });
  // The page loaded under its real name (HSTS/https-only did not get in the way) and told us where
  // its textarea is on the screen.
  const geo = await site.waitReport((r) => r.kind === 'geometry' && r.frame === 'top', 0,
    `the page at ${url} to load in Firefox (HTTP on chatgpt.com; firefox log:\n${firefoxLog()})`, 45000);
  assert.ok(geo.inner, 'mozInnerScreenX/Y are available');
  geometry = geo;
  await waitFor('the Firefox extension to say hello to the service through dlp-nmhost', async () => {
    const st = await svc.status();
    return st.clients?.find((c) => c.client === 'extension' && c.connected);
  }, { timeout: 20000 }).catch((e) => console.log(`# warning: ${e.message}\n${firefoxLog()}`));
});

function firefoxLog() {
  try { return fs.readFileSync(path.join(root, 'firefox.log'), 'utf8').split('\n').slice(-20).join('\n'); } catch { return ''; }
}

async function cleanup() {
  for (const c of clips.splice(0)) await c.stop().catch(() => {});
  if (firefox) await stopProc(firefox, { group: true });
  firefox = null;
  await xvfb?.stop();
  await site?.close();
  await svc?.stop();
}

after(async () => {
  if (SKIP) return;
  await cleanup();
  removeTree(root);
});

killOnExit(() => {
  try { if (firefox) process.kill(-firefox.pid, 'SIGKILL'); } catch { /* gone */ }
  for (const c of clips) c.kill();
  try { xvfb?.proc.kill('SIGKILL'); } catch { /* gone */ }
  try { svc?.proc?.kill('SIGKILL'); } catch { /* gone */ }
  removeTree(root);
});

function diagnostics(mark) {
  return `\n--- page reports:\n${site.reports(mark).map((r) => JSON.stringify(r).slice(0, 200)).join('\n')}` +
    `\n--- firefox log (tail):\n${firefoxLog()}\n--- dlp-agentd log (tail):\n${svc.log().split('\n').slice(-8).join('\n')}`;
}

async function step(name, mark, fn) {
  try {
    await fn();
  } catch (e) {
    const shot = path.join(ARTIFACTS, `firefox-FAILED-${name}.png`);
    try { screenshotRoot(xvfb.display, shot); } catch { /* no screen */ }
    e.message += `\n--- screenshot: ${shot}${diagnostics(mark)}`;
    throw e;
  }
}

it('the Firefox extension connects to dlp-agentd through dlp-nmhost', async () => {
  const st = await svc.status();
  const ext = st.clients?.find((c) => c.client === 'extension');
  assert.ok(ext, `no "extension" client in status: ${JSON.stringify(st.clients)}\n${firefoxLog()}`);
  assert.equal(ext.connected, true);
  assert.equal(ext.via, 'nmhost');
  assert.ok(String(ext.origin).includes(GECKO_ID), `origin names the gecko id: ${ext.origin}`);
});

it('a clean paragraph pasted for real (xclip + Ctrl+V) arrives intact', async () => {
  const mark = site.mark();
  await step('clean', mark, async () => {
    clips.push(await realPaste(xvfb.display, geometry, D.CLEAN));
    await site.waitReport((r) => r.kind === 'value' && r.frame === 'top' && r.value === D.CLEAN, mark,
      `the textarea to hold the clean paragraph ${JSON.stringify(D.CLEAN)}`, 10000);
    assert.equal(site.reports(mark).filter((r) => r.kind === 'dialog' && r.present).length, 0, 'no dialog for a clean paragraph');
    // Empty the textarea for the next case.
    x(xvfb.display, 'xdotool', ['key', '--clearmodifiers', 'ctrl+a', 'BackSpace']);
    await site.waitReport((r) => r.kind === 'value' && r.value === '', mark, 'the textarea to be emptied', 5000);
  });
});

it('the secret-marked document pasted for real is blocked', async () => {
  const mark = site.mark();
  await step('secret', mark, async () => {
    clips.push(await realPaste(xvfb.display, geometry, D.SECRET_DOC));
    const dlg = await site.waitReport((r) => r.kind === 'dialog' && r.present, mark, 'a <dlp-guard-dialog> to appear', 10000);
    assert.equal(dlg.dialogKind, 'block', `the dialog's kind: ${dlg.dialogKind}`);
    await sleep(800);
    screenshotRoot(xvfb.display, path.join(ARTIFACTS, 'firefox-block.png'));
    const leaked = site.reports(mark).filter((r) => r.kind === 'value' && (r.value.includes(D.SECRET_DOC_ID) || r.value.includes(D.SECRET_MARK)));
    assert.equal(leaked.length, 0, 'the secret text never reached the textarea');
    const hits = site.carrying([D.SECRET_DOC_ID, D.SECRET_MARK], mark);
    assert.equal(hits.length, 0, `the secret text reached the network: ${hits.map((h) => h.path)}`);
    const inc = await svc.waitIncident((i) => i.action === 'block' && i.channel === 'paste', 'a blocked paste');
    assert.match(inc.destination, /chatgpt\.com/);
  });
});
