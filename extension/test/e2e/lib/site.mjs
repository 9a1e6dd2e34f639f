// Fake public-AI sites served from loopback, recording every request they receive so tests can
// assert that sensitive text never reached the network.
//   /       a ChatGPT-like composer: textarea#prompt, send button, Enter sends, a file input
//           (files are uploaded to /backend-api/files on attach, and sent with the prompt),
//           and a same-origin iframe (/embed) with a second composer.
//   /app    a Gemini-like editor: div[contenteditable] in the OPEN shadow root of <rich-textarea>,
//           with its own paste handler (preventDefault + inserts clipboardData text, as
//           ProseMirror/Quill do); send button aria-label "Gửi tin nhắn"; Enter sends.
// With ?report=1 (Firefox, which has no driver here) the pages POST their own state to /report:
// the composer's value on every input, the paste events they see, dlp-guard-dialog elements
// appearing/disappearing, and the content area's screen position for xdotool.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { waitFor } from './service.mjs';

export const AI_HOSTS = ['chatgpt.com', 'gemini.google.com'];

export function makeCert(dir) {
  const key = path.join(dir, 'site.key'), cert = path.join(dir, 'site.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
    '-keyout', key, '-out', cert, '-subj', '/CN=chatgpt.com',
    '-addext', `subjectAltName=${AI_HOSTS.map((h) => `DNS:${h}`).join(',')}`], { stdio: 'pipe' });
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
}

// Shared by every page: the observer of the extension's dialog and the /report channel.
const COMMON_JS = String.raw`
window.__dlpPage = { events: [], sent: [], uploads: [], dialogs: [] };
const REPORT = new URLSearchParams(location.search).has('report') ||
  (window.top !== window && new URLSearchParams(window.top.location.search).has('report'));
function report(kind, data) {
  const ev = { kind, frame: window.top === window ? 'top' : 'iframe', path: location.pathname, t: Date.now(), ...data };
  window.__dlpPage.events.push(ev);
  if (REPORT) fetch('/report', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ev) }).catch(() => {});
}
window.__dlpReport = report;
function watchDialogs() {
  const seen = new Set();
  const scan = () => {
    const now = new Set(document.querySelectorAll('dlp-guard-dialog'));
    for (const d of now) if (!seen.has(d)) { seen.add(d); window.__dlpPage.dialogs.push(d.getAttribute('data-kind')); report('dialog', { present: true, dialogKind: d.getAttribute('data-kind') }); }
    for (const d of [...seen]) if (!now.has(d)) { seen.delete(d); report('dialog', { present: false, dialogKind: d.getAttribute('data-kind') }); }
  };
  new MutationObserver(scan).observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-kind'] });
  scan();
}
watchDialogs();
async function post(url, body) {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return r.json();
}
function geometry(el) {
  const r = el.getBoundingClientRect();
  // mozInnerScreenX/Y: the content area's position on the screen (Firefox only).
  const sx = window.mozInnerScreenX ?? window.screenX, sy = window.mozInnerScreenY ?? window.screenY;
  report('geometry', { x: Math.round(sx + r.left + r.width / 2), y: Math.round(sy + r.top + r.height / 2),
    inner: window.mozInnerScreenX !== undefined, rect: [r.left, r.top, r.width, r.height] });
}
`;

const CHATGPT_PAGE = String.raw`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>ChatGPT</title>
<style>
  html, body { margin: 0; padding: 0; font: 16px "DejaVu Sans", sans-serif; background: #fff; }
  #composer { position: absolute; left: 0; top: 0; width: 720px; }
  #prompt { display: block; box-sizing: border-box; width: 720px; height: 240px; margin: 0; font: 18px "DejaVu Sans", sans-serif; }
  #bar { height: 40px; }
  #frame { position: absolute; left: 0; top: 330px; width: 720px; height: 230px; border: 1px solid #999; }
  #log { position: absolute; left: 740px; top: 0; width: 500px; }
</style></head>
<body>
<form id="composer">
  <textarea id="prompt" name="prompt" placeholder="Hỏi bất kỳ điều gì"></textarea>
  <div id="bar">
    <input type="file" id="upload" multiple>
    <button type="submit" id="send" data-testid="send-button" aria-label="Send prompt">Gửi</button>
  </div>
  <ul id="attachments"></ul>
</form>
<iframe id="frame" src="/embed"></iframe>
<ol id="log"></ol>
<script>
${COMMON_JS}
const ta = document.getElementById('prompt');
const form = document.getElementById('composer');
const files = document.getElementById('upload');
let attached = [];
ta.addEventListener('input', () => report('value', { value: ta.value }));
ta.addEventListener('paste', (e) => report('paste', { text: e.clipboardData ? e.clipboardData.getData('text/plain') : null, defaultPrevented: e.defaultPrevented, trusted: e.isTrusted }));
ta.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
});
form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const body = { prompt: ta.value, files: attached };
  window.__dlpPage.sent.push(body);
  report('send', { prompt: body.prompt, files: body.files.map((f) => f.name) });
  ta.value = ''; attached = []; document.getElementById('attachments').textContent = '';
  const li = document.createElement('li');
  li.textContent = body.prompt;
  document.getElementById('log').append(li);
  await post('/backend-api/conversation', body);
});
async function attach(list) {
  for (const f of list) {
    const text = await f.text();
    attached.push({ name: f.name, text });
    window.__dlpPage.uploads.push({ name: f.name, text });
    report('upload', { name: f.name, size: f.size });
    const li = document.createElement('li');
    li.textContent = f.name;
    document.getElementById('attachments').append(li);
    await post('/backend-api/files', { name: f.name, text });
  }
}
files.addEventListener('change', async () => { await attach([...files.files]); files.value = ''; });
// Files dropped on the composer are attached like ChatGPT does; dropped text goes to the textarea
// by the browser's default action.
form.addEventListener('dragover', (e) => { if (e.dataTransfer && [...e.dataTransfer.types].includes('Files')) e.preventDefault(); });
form.addEventListener('drop', (e) => {
  report('drop', { files: e.dataTransfer ? e.dataTransfer.files.length : 0, defaultPrevented: e.defaultPrevented });
  if (e.dataTransfer && e.dataTransfer.files.length) { e.preventDefault(); attach([...e.dataTransfer.files]); }
});
addEventListener('load', () => geometry(ta));
</script>
</body></html>`;

const EMBED_PAGE = String.raw`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>embed</title>
<style>html, body { margin: 0; font: 16px "DejaVu Sans", sans-serif; }
#frame-prompt { box-sizing: border-box; width: 700px; height: 150px; font: 18px "DejaVu Sans", sans-serif; }</style></head>
<body>
<textarea id="frame-prompt" placeholder="Khung nhúng"></textarea>
<button id="frame-send" aria-label="Send prompt" data-testid="send-button">Gửi</button>
<script>
${COMMON_JS}
const ta = document.getElementById('frame-prompt');
ta.addEventListener('input', () => report('value', { value: ta.value }));
ta.addEventListener('paste', (e) => report('paste', { defaultPrevented: e.defaultPrevented, trusted: e.isTrusted }));
document.getElementById('frame-send').addEventListener('click', async () => {
  const body = { prompt: ta.value, frame: true };
  window.__dlpPage.sent.push(body);
  ta.value = '';
  await post('/backend-api/conversation', body);
});
</script>
</body></html>`;

const GEMINI_PAGE = String.raw`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Gemini</title>
<style>
  html, body { margin: 0; padding: 0; font: 16px "DejaVu Sans", sans-serif; }
  rich-textarea { display: block; position: absolute; left: 0; top: 0; width: 720px; height: 240px; border: 1px solid #888; }
  #send { position: absolute; left: 0; top: 250px; }
</style></head>
<body>
<rich-textarea id="editor-host"></rich-textarea>
<button id="send" class="send-button" aria-label="Gửi tin nhắn">➤</button>
<ol id="log" style="position:absolute;left:740px;top:0"></ol>
<script>
${COMMON_JS}
class RichTextarea extends HTMLElement {
  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = '<style>.ql-editor{box-sizing:border-box;width:100%;height:240px;padding:8px;font-size:18px;outline:none;white-space:pre-wrap}</style>' +
      '<div class="ql-editor textarea" contenteditable="true" role="textbox" aria-label="Nhập câu lệnh cho Gemini" aria-multiline="true"></div>';
    const ed = root.querySelector('.ql-editor');
    this.editor = ed;
    // Like ProseMirror/Quill: the editor handles paste itself and never lets the browser insert.
    ed.addEventListener('paste', (e) => {
      e.preventDefault();
      const t = e.clipboardData ? e.clipboardData.getData('text/plain') : '';
      report('paste', { text: t, trusted: e.isTrusted });
      if (!t) return;
      const sel = (root.getSelection && root.getSelection()) || document.getSelection();
      if (sel && sel.rangeCount && ed.contains(sel.getRangeAt(0).startContainer)) {
        const r = sel.getRangeAt(0);
        r.deleteContents();
        const n = document.createTextNode(t);
        r.insertNode(n);
        r.setStartAfter(n); r.collapse(true);
        sel.removeAllRanges(); sel.addRange(r);
      } else {
        ed.append(document.createTextNode(t));
      }
      ed.normalize();
      report('value', { value: ed.textContent });
    });
    ed.addEventListener('input', () => report('value', { value: ed.textContent }));
    ed.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); }
    });
  }
}
customElements.define('rich-textarea', RichTextarea);
const host = document.getElementById('editor-host');
async function send() {
  const body = { prompt: host.editor.textContent };
  window.__dlpPage.sent.push(body);
  report('send', { prompt: body.prompt });
  host.editor.textContent = '';
  const li = document.createElement('li');
  li.textContent = body.prompt;
  document.getElementById('log').append(li);
  await post('/api/generate', body);
}
document.getElementById('send').addEventListener('click', send);
addEventListener('load', () => geometry(host));
</script>
</body></html>`;

export class Site {
  constructor() {
    this.requests = [];   // {method, host, url, body, time}
    this.server = null;
    this.port = 0;
  }

  static async start({ tls } = {}) {
    const s = new Site();
    await s.listen(tls);
    return s;
  }

  async listen(tls) {
    const handler = (req, res) => this.handle(req, res);
    this.server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
    this.scheme = tls ? 'https' : 'http';
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
    this.port = this.server.address().port;
  }

  handle(req, res) {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url, `http://${req.headers.host || 'localhost'}`);
      this.requests.push({ method: req.method, host: req.headers.host, url: req.url, path: url.pathname, body, time: Date.now() });
      const send = (code, type, text) => {
        res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
        res.end(text);
      };
      if (req.method === 'GET' && (url.pathname === '/' || url.pathname.startsWith('/c/'))) return send(200, 'text/html; charset=utf-8', CHATGPT_PAGE);
      if (req.method === 'GET' && url.pathname === '/app') return send(200, 'text/html; charset=utf-8', GEMINI_PAGE);
      if (req.method === 'GET' && url.pathname === '/embed') return send(200, 'text/html; charset=utf-8', EMBED_PAGE);
      if (url.pathname === '/favicon.ico') { res.writeHead(204); return res.end(); }
      if (req.method === 'POST') return send(200, 'application/json', '{"ok":true}');
      return send(404, 'text/plain', 'not found');
    });
  }

  // Everything received since `since` (a time or an index mark from mark()).
  mark() { return this.requests.length; }
  since(mark = 0) { return this.requests.slice(mark); }
  posts(pathname, mark = 0) { return this.since(mark).filter((r) => r.method === 'POST' && (!pathname || r.path === pathname)); }
  reports(mark = 0) {
    return this.posts('/report', mark).map((r) => { try { return JSON.parse(r.body); } catch { return null; } }).filter(Boolean);
  }
  // Requests (any path, URL or body) that contain one of the needles, also in JSON-escaped form.
  carrying(needles, mark = 0) {
    const list = (Array.isArray(needles) ? needles : [needles]).filter(Boolean);
    return this.since(mark).filter((r) => list.some((n) => {
      const esc = JSON.stringify(n).slice(1, -1);
      const hay = `${r.url}\n${r.body}`;
      return hay.includes(n) || hay.includes(esc) || hay.includes(encodeURIComponent(n));
    }));
  }
  async waitPost(pathname, mark = 0, timeout = 5000) {
    return waitFor(`a POST to ${pathname}`, () => this.posts(pathname, mark)[0], { timeout });
  }
  async waitReport(pred, mark = 0, what = 'a report from the page', timeout = 10000) {
    return waitFor(what, () => this.reports(mark).find(pred), { timeout, interval: 100 });
  }

  close() {
    return new Promise((r) => {
      if (!this.server) return r();
      this.server.closeAllConnections?.();
      this.server.close(() => r());
    });
  }
}
