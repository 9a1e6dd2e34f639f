import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from './load.mjs';

const { files: F } = await load('common/files.js');

test('text-like files are read, others are reported by name, type and size', () => {
  assert.equal(F.classify('bao-cao.txt', 'text/plain', 2000), 'text');
  assert.equal(F.classify('danh-sach.csv', '', 2000), 'text');
  assert.equal(F.classify('NOTES.MD', 'application/octet-stream', 10), 'text');
  assert.equal(F.classify('data', 'application/json', 10), 'text');
  assert.equal(F.classify('scan.pdf', 'application/pdf', 2000), 'unscannable');
  assert.equal(F.classify('anh.png', 'image/png', 2000), 'unscannable');
  assert.equal(F.classify('bang-luong.xlsx', '', 2000), 'unscannable');
  // Too large to send for scanning: not silently allowed, it follows the unscannable policy.
  assert.equal(F.classify('big.txt', 'text/plain', F.MAX_TEXT_FILE_BYTES + 1), 'unscannable');
});

test('file bytes decode as UTF-8, UTF-16 with a BOM, or the Vietnamese Windows code page', () => {
  const s = 'TỐI MẬT – Số CCCD';
  assert.equal(F.decodeText(new TextEncoder().encode(s)), s);
  const le = new Uint8Array(2 + s.length * 2);
  le.set([0xff, 0xfe]);
  for (let i = 0; i < s.length; i++) {
    le[2 + 2 * i] = s.charCodeAt(i) & 0xff;
    le[3 + 2 * i] = s.charCodeAt(i) >> 8;
  }
  assert.equal(F.decodeText(le), s);
  // "Mật" in Windows-1258: M, 0xE2 (â), 0xF2 (combining dot below), t. Invalid as UTF-8.
  const cp1258 = new Uint8Array([0x4d, 0xe2, 0xf2, 0x74]);
  assert.equal(F.decodeText(cp1258).normalize('NFC'), 'Mật');
});
