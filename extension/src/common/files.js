// Files on their way to a page (file inputs, dropped or pasted files): which ones the hook can
// read as text and send to the service, and how their bytes become text. Everything else is
// reported by name, type and size and follows the policy's `unscannable` action.
(function (root) {
  'use strict';

  // Text files above this are not read: the service takes 16 MiB per request and a browser
  // message to the host is best kept well under its limits.
  const MAX_TEXT_FILE_BYTES = 8 * 1024 * 1024;

  const TEXT_EXTENSIONS = new Set([
    'txt', 'text', 'md', 'markdown', 'csv', 'tsv', 'json', 'jsonl', 'xml', 'html', 'htm', 'log',
    'yaml', 'yml', 'ini', 'cfg', 'conf', 'toml', 'sql', 'srt', 'vtt', 'tex', 'rst', 'eml',
    'js', 'mjs', 'ts', 'py', 'java', 'c', 'cc', 'cpp', 'h', 'hpp', 'cs', 'go', 'rs', 'rb', 'php',
    'sh', 'ps1', 'bat', 'env', 'properties', 'pem', 'key',
  ]);
  const TEXT_TYPES = /^(text\/|application\/(json|xml|x-yaml|yaml|javascript|x-sh|sql|x-pem-file)\b)/i;

  function extensionOf(name) {
    const dot = String(name).lastIndexOf('.');
    return dot < 0 ? '' : String(name).slice(dot + 1).toLowerCase();
  }

  // 'text': read and scan; 'unscannable': report by name, type and size.
  function classify(name, type, size) {
    const textLike = TEXT_TYPES.test(type || '') || TEXT_EXTENSIONS.has(extensionOf(name));
    return textLike && size <= MAX_TEXT_FILE_BYTES ? 'text' : 'unscannable';
  }

  // Bytes to text the way a cadre's files come: UTF-8 (with or without BOM), UTF-16 with a BOM,
  // else Windows-1258, the legacy Vietnamese code page of older Office and Notepad files.
  function decodeText(bytes) {
    const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return new TextDecoder('utf-16le').decode(b);
    if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return new TextDecoder('utf-16be').decode(b);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(b);
    } catch (e) {
      return new TextDecoder('windows-1258').decode(b);
    }
  }

  const api = { MAX_TEXT_FILE_BYTES, classify, decodeText, extensionOf };
  root.DLP = root.DLP || {};
  root.DLP.files = api;
})(globalThis);
