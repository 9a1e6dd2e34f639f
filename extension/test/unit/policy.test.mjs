import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { load } from './load.mjs';
import { bootstrapGroups } from '../../build.mjs';

const { policy: P } = await load('common/policy.js');

// The shape the service's `policy` operation returns (service/PROTOCOL.md).
const POLICY = {
  default_group: 'other', fail_mode: 'block',
  groups: [
    { name: 'public_ai', hosts: ['chatgpt.com', 'huggingface.co/chat'], guarded: true, fail_mode: 'block', unscannable: 'warn' },
    { name: 'approved_ai', hosts: ['ai.internal.gov.vn'], guarded: true, fail_mode: 'warn', unscannable: 'allow' },
    { name: 'other', hosts: [], guarded: false, fail_mode: 'allow', unscannable: 'allow' },
  ],
};

test('a host entry covers the host and its subdomains, on label boundaries only', () => {
  assert.equal(P.groupFor(POLICY, 'https://chatgpt.com/c/42').name, 'public_ai');
  assert.equal(P.groupFor(POLICY, 'https://www.chatgpt.com/').name, 'public_ai');
  assert.equal(P.groupFor(POLICY, 'https://CHATGPT.COM:443/?q=1').name, 'public_ai');
  assert.equal(P.groupFor(POLICY, 'https://notchatgpt.com/').name, 'other');
  assert.equal(P.groupFor(POLICY, 'https://chatgpt.com.evil.example/').name, 'other');
  assert.equal(P.groupFor(POLICY, 'https://user@chatgpt.com/').name, 'public_ai');
});

test('an entry with a path needs the path prefix on a segment boundary', () => {
  assert.equal(P.groupFor(POLICY, 'https://huggingface.co/chat').name, 'public_ai');
  assert.equal(P.groupFor(POLICY, 'https://huggingface.co/chat/conversation/1').name, 'public_ai');
  assert.equal(P.groupFor(POLICY, 'https://huggingface.co/chatbots').name, 'other');
  assert.equal(P.groupFor(POLICY, 'https://huggingface.co/models').name, 'other');
  assert.equal(P.groupFor(POLICY, 'https://huggingface.co/chat#x').name, 'public_ai');
});

test('destination info tells the hook whether to step in and its fail mode', () => {
  assert.deepEqual(P.destinationInfo(POLICY, 'https://chatgpt.com/'),
                   { group: 'public_ai', guarded: true, failMode: 'block', unscannable: 'warn' });
  assert.equal(P.destinationInfo(POLICY, 'https://ai.internal.gov.vn/').failMode, 'warn');
  const other = P.destinationInfo(POLICY, 'https://example.org/');
  assert.equal(other.guarded, false);
  assert.equal(other.failMode, 'allow');
  // Not web pages: never guarded, whatever the policy says.
  assert.equal(P.destinationInfo(POLICY, 'chrome://settings').guarded, false);
  assert.equal(P.destinationInfo(POLICY, 'file:///home/a/chatgpt.com').guarded, false);
});

test('the bootstrap list is the default policy file, guarded where it has hosts', () => {
  const yaml = fs.readFileSync(new URL('../../../rules/packs/00-policy.yaml', import.meta.url), 'utf8');
  const boot = bootstrapGroups(yaml);
  assert.equal(boot.fail_mode, 'block');
  const pol = P.fromBootstrap(boot);
  for (const host of ['chatgpt.com', 'gemini.google.com', 'claude.ai', 'copilot.microsoft.com', 'notion.so'])
    assert.equal(P.destinationInfo(pol, `https://${host}/`).guarded, true, host);
  assert.equal(P.destinationInfo(pol, 'https://huggingface.co/chat/x').guarded, true);
  assert.equal(P.destinationInfo(pol, 'https://vnexpress.net/').guarded, false);
});
