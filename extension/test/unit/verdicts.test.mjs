import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { load } from './load.mjs';

const { verdicts: V, verdict } = await load('common/i18n.js', 'common/verdict.js', 'background/verdicts.js');
const read = (lang) => JSON.parse(fs.readFileSync(new URL(`../../src/_locales/${lang}/messages.json`, import.meta.url), 'utf8'));
const MESSAGES = { vi: read('vi'), en: read('en') };

test('no answer from the service: the fail mode applies, and the message says why', () => {
  const v = V.fromReply({ ok: false, error: { code: 'unavailable' } }, 'block', 'paste', MESSAGES);
  assert.equal(v.action, 'block');
  assert.equal(v.unavailable, true);
  assert.equal(v.may_override, false);
  assert.match(v.message.vi, /không phản hồi/);
  assert.match(v.message.vi, /dán nội dung/);
  assert.match(v.message.en, /not answering/);
  const w = V.fromReply(null, 'warn', 'upload', MESSAGES);
  assert.equal(w.action, 'warn');
  assert.equal(w.needs_justification, true);
  // A policy that says allow still never turns an error into a silent pass of unknown content
  // on guarded pages: only block or warn come out of here.
  assert.equal(V.unavailableVerdict('nonsense', 'paste', MESSAGES).action, 'block');
});

test('a busy or failing service is treated like an absent one', () => {
  for (const code of ['busy', 'internal', 'too_large'])
    assert.equal(V.fromReply({ ok: false, error: { code, message: 'echo of the request text' } }, 'block', 'submit', MESSAGES).unavailable, true);
});

test('the page gets the verdict, the masked findings and the message, nothing else', () => {
  const reply = {
    v: 1, id: 'x1', ok: true, action: 'warn', group: 'public_ai', incident: 7,
    findings: [{ rule: 'vn.pii.phone', type: 'phone', severity: 'medium', start: 9, end: 21,
                 masked: '09** *** *78', name_vi: 'Số điện thoại', name_en: 'Phone number', extra: 'x' }],
    justifying: [0], message: { vi: 'Cảnh báo', en: 'Warning' }, may_override: true,
    needs_justification: true, bundle: { name: 'vn-default', version: 1 },
  };
  const v = V.fromReply(reply, 'block', 'paste', MESSAGES);
  assert.equal(v.action, 'warn');
  assert.equal(v.incident, 7);
  assert.deepEqual(Object.keys(v.findings[0]).sort(), ['masked', 'name_en', 'name_vi', 'rule', 'severity', 'type']);
  assert.equal(v.redacted, undefined);
  assert.equal(V.fromReply(Object.assign({ redacted: 'Liên hệ: [SĐT]' }, reply), 'block', 'paste', MESSAGES).redacted, 'Liên hệ: [SĐT]');
});

test('several files: the strictest verdict wins and every finding is listed', () => {
  const a = { action: 'allow', findings: [], incident: undefined };
  const w = { action: 'warn', findings: [{ type: 'phone' }], incident: 3, needs_justification: true };
  const b = { action: 'block', findings: [{ type: 'cccd' }], incident: 4 };
  const c = verdict.combine([a, w, b]);
  assert.equal(c.action, 'block');
  assert.equal(c.findings.length, 2);
  assert.deepEqual(c.incidents, [3, 4]);
  assert.equal(c.may_override, false);
  assert.equal(verdict.combine([a, w]).action, 'warn');
});
