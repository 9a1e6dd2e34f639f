import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { load } from './load.mjs';

const { i18n } = await load('common/i18n.js');
const read = (lang) => JSON.parse(fs.readFileSync(new URL(`../../src/_locales/${lang}/messages.json`, import.meta.url), 'utf8'));

test('Vietnamese is the default language whatever is asked for', () => {
  assert.equal(i18n.normalizeLanguage(undefined), 'vi');
  assert.equal(i18n.normalizeLanguage('fr'), 'vi');
  assert.equal(i18n.normalizeLanguage('en'), 'en');
  assert.equal(i18n.pick({ vi: 'Đã chặn', en: 'Blocked' }, 'fr'), 'Đã chặn');
});

test('messages substitute $1.. and name a missing key instead of failing', () => {
  const m = { lead_paste: { message: 'Nội dung bạn vừa dán vào $1:' } };
  assert.equal(i18n.t(m, 'lead_paste', 'chatgpt.com'), 'Nội dung bạn vừa dán vào chatgpt.com:');
  assert.equal(i18n.t(m, 'nope'), 'nope');
});

test('both languages have the same messages, all non-empty, Vietnamese with its diacritics', () => {
  const vi = read('vi'), en = read('en');
  assert.deepEqual(Object.keys(vi).sort(), Object.keys(en).sort());
  for (const [k, v] of Object.entries(vi)) assert.ok(v.message.trim(), k);
  for (const [k, v] of Object.entries(en)) assert.ok(v.message.trim(), k);
  assert.match(vi.title_block.message, /Đã chặn/);
  assert.equal(vi.title_block.message, vi.title_block.message.normalize('NFC'));
  // Every message the code asks for exists (keys built from channel and kind names included).
  const code = ['content/guard.js', 'content/dialog.js', 'background/verdicts.js', 'popup/popup.js']
    .map((f) => fs.readFileSync(new URL(`../../src/${f}`, import.meta.url), 'utf8')).join('\n');
  const used = new Set([...code.matchAll(/(?<![A-Za-z])t\((?:[a-z.]+, )?'([a-z_]+)'/g)].map((m) => m[1]));
  for (const kind of ['block', 'warn', 'unavailable']) for (const p of ['title', 'todo']) used.add(`${p}_${kind}`);
  for (const ch of ['paste', 'drop', 'submit', 'upload']) { used.add(`channel_${ch}`); used.add(`lead_${ch}`); used.add(`continue_${ch}`); }
  for (const k of used) assert.ok(vi[k], `missing message ${k}`);
});
