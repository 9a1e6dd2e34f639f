import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build, CHROMIUM_KEY, CHROMIUM_ID, GECKO_ID } from '../../build.mjs';

test('the Chromium id the host manifests name is the one the key gives', () => {
  // Chromium: first 32 hex digits of sha256(DER public key), 0-f written as a-p.
  const hex = crypto.createHash('sha256').update(Buffer.from(CHROMIUM_KEY, 'base64')).digest('hex').slice(0, 32);
  assert.equal([...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join(''), CHROMIUM_ID);
});

test('each browser gets its manifest variant, with every file it names', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'dlp-ext-'));
  const policy = new URL('../../../rules/packs/00-policy.yaml', import.meta.url).pathname;
  build({ out, policy });
  const chromium = JSON.parse(fs.readFileSync(path.join(out, 'chromium', 'manifest.json'), 'utf8'));
  const firefox = JSON.parse(fs.readFileSync(path.join(out, 'firefox', 'manifest.json'), 'utf8'));
  assert.equal(chromium.manifest_version, 3);
  assert.equal(chromium.key, CHROMIUM_KEY);
  assert.equal(chromium.background.service_worker, 'background/sw.js');
  assert.equal(firefox.browser_specific_settings.gecko.id, GECKO_ID);
  assert.equal(firefox.key, undefined);
  assert.ok(firefox.permissions.includes('nativeMessaging'));
  for (const [dir, m] of [['chromium', chromium], ['firefox', firefox]]) {
    const files = [...m.content_scripts[0].js, ...(m.background.scripts || [m.background.service_worker]),
                   m.action.default_popup, '_locales/vi/messages.json', '_locales/en/messages.json'];
    for (const f of files) assert.ok(fs.existsSync(path.join(out, dir, f)), `${dir}/${f}`);
  }
  // The service worker imports exactly the scripts Firefox runs as background scripts.
  const sw = fs.readFileSync(path.join(out, 'chromium', 'background', 'sw.js'), 'utf8');
  assert.deepEqual([...sw.matchAll(/'\/([^']+)'/g)].map((m) => m[1]), firefox.background.scripts);
  fs.rmSync(out, { recursive: true, force: true });
});
