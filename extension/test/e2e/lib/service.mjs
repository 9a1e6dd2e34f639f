// A real dlp-agentd in user mode for one e2e test file: its own XDG directories in a temp dir,
// a socket the browser's native-messaging host reaches through DLP_AGENT_SOCKET, and a small
// protocol client (4-byte little-endian length + JSON, see service/PROTOCOL.md).
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SOURCE_DIR = process.env.DLP_SOURCE_DIR || path.resolve(here, '..', '..', '..', '..');
export const BUILD_DIR = process.env.DLP_BUILD_DIR || path.join(SOURCE_DIR, 'build');
export const ARTIFACTS = process.env.DLP_ARTIFACTS || path.join(SOURCE_DIR, 'build', 'extension', 'artifacts');

export const AGENTD = path.join(BUILD_DIR, 'service', 'dlp-agentd');
export const AGENTCTL = path.join(BUILD_DIR, 'service', 'dlp-agentctl');
export const NMHOST = path.join(BUILD_DIR, 'service', 'dlp-nmhost');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(what, fn, { timeout = 10000, interval = 50 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) { last = e; }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}` + (last ? ` (last error: ${last.message})` : ''));
    }
    await sleep(interval);
  }
}

// Compiled rule databases are cached across runs of this machine (the C++ tests do the same), so
// a daemon starts in well under a second after the first one.
const CACHE_SEED = path.join(os.tmpdir(), 'dlp-e2e-engine-cache');

function copyHsdb(from, to) {
  try {
    fs.mkdirSync(to, { recursive: true });
    for (const f of fs.readdirSync(from)) {
      if (!f.endsWith('.hsdb') || fs.existsSync(path.join(to, f))) continue;
      const tmp = path.join(to, `${f}.tmp-${process.pid}`);
      fs.copyFileSync(path.join(from, f), tmp);
      fs.renameSync(tmp, path.join(to, f));
    }
  } catch { /* a cold cache only costs time */ }
}

export function requireBuilt() {
  for (const f of [AGENTD, AGENTCTL, NMHOST]) {
    if (!fs.existsSync(f)) throw new Error(`${f} is not built: run bash scripts/build.sh (DLP_BUILD_DIR=${BUILD_DIR})`);
  }
}

function serviceEnv(xdg) {
  const env = { ...process.env, ...xdg };
  delete env.DLP_AGENT_SOCKET;
  return env;
}

export class Service {
  constructor(root) {
    this.root = root;
    this.xdg = {
      XDG_RUNTIME_DIR: path.join(root, 'run'),
      XDG_STATE_HOME: path.join(root, 'state'),
      XDG_CONFIG_HOME: path.join(root, 'config'),
      XDG_DATA_HOME: path.join(root, 'data'),
    };
    this.socket = path.join(this.xdg.XDG_RUNTIME_DIR, 'dlp-agent', 'agent.sock');
    this.logFile = path.join(root, 'agentd.log');
    this.proc = null;
  }

  static async start(root) {
    const s = new Service(root);
    await s.start();
    return s;
  }

  async start() {
    requireBuilt();
    for (const d of Object.values(this.xdg)) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
    fs.chmodSync(this.xdg.XDG_RUNTIME_DIR, 0o700);
    const cache = path.join(this.xdg.XDG_STATE_HOME, 'dlp-agent', 'cache');
    copyHsdb(CACHE_SEED, cache);
    const log = fs.openSync(this.logFile, 'a');
    this.proc = spawn(AGENTD, ['--user', '--workers', '2'], {
      env: serviceEnv(this.xdg),
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    let exited = null;
    this.proc.once('exit', (code, sig) => { exited = { code, sig }; this.proc = null; });
    await waitFor('dlp-agentd to listen on ' + this.socket, async () => {
      if (exited) throw new Error(`dlp-agentd exited during start (${JSON.stringify(exited)}); log:\n${this.log()}`);
      const r = await this.request({ op: 'status' }, { timeout: 1000 }).catch(() => null);
      return r?.ok;
    }, { timeout: 60000, interval: 100 });
    copyHsdb(cache, CACHE_SEED);
    return this;
  }

  get running() { return this.proc !== null; }
  get pid() { return this.proc?.pid; }

  log() {
    try { return fs.readFileSync(this.logFile, 'utf8'); } catch { return ''; }
  }

  // One request on a fresh connection; resolves with the reply object.
  request(obj, { timeout = 10000 } = {}) {
    return new Promise((resolve, reject) => {
      const sock = net.connect(this.socket);
      let buf = Buffer.alloc(0);
      const timer = setTimeout(() => { sock.destroy(); reject(new Error(`no reply to ${obj.op} within ${timeout} ms`)); }, timeout);
      sock.on('error', (e) => { clearTimeout(timer); reject(e); });
      sock.on('connect', () => {
        const body = Buffer.from(JSON.stringify({ v: 1, id: 1, ...obj }), 'utf8');
        const len = Buffer.alloc(4);
        len.writeUInt32LE(body.length);
        sock.write(Buffer.concat([len, body]));
      });
      sock.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 4) {
          const n = buf.readUInt32LE(0);
          if (buf.length >= 4 + n) {
            clearTimeout(timer);
            sock.end();
            try { resolve(JSON.parse(buf.subarray(4, 4 + n).toString('utf8'))); } catch (e) { reject(e); }
          }
        }
      });
      sock.on('close', () => { clearTimeout(timer); reject(new Error('connection closed before a reply')); });
    });
  }

  async history(limit = 50) {
    const r = await this.request({ op: 'history', limit });
    if (!r.ok) throw new Error(`history failed: ${JSON.stringify(r)}`);
    return r.incidents;
  }

  async status() { return this.request({ op: 'status' }); }

  async scan(text, { channel = 'paste', destination = 'https://chatgpt.com/', record = false } = {}) {
    return this.request({ op: 'scan', text, channel, destination, record });
  }

  // dlp-agentctl against this service (for the "history via the real CLI" assertions).
  ctl(args, input) {
    return execFileSync(AGENTCTL, ['--socket', this.socket, ...args], {
      input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'],
    });
  }

  // Newest incident matching pred, waited for (the extension records asynchronously).
  async waitIncident(pred, what = 'an incident', timeout = 10000) {
    return waitFor(`${what} in the service's history`, async () => (await this.history()).find(pred), { timeout, interval: 100 });
  }

  async stop(signal = 'SIGTERM') {
    const p = this.proc;
    if (!p) return;
    const done = new Promise((r) => p.once('exit', r));
    p.kill(signal);
    const t = setTimeout(() => { try { p.kill('SIGKILL'); } catch { /* gone */ } }, 5000);
    await done;
    clearTimeout(t);
  }

  kill() { return this.stop('SIGKILL'); }
}

// A temp dir removed at exit unless DLP_KEEP_TEST_DIRS is set.
export function tempRoot(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return dir;
}

export function removeTree(dir) {
  if (!dir || process.env.DLP_KEEP_TEST_DIRS) return;
  try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* best effort */ }
}

// Builds the extension from extension/src (or uses DLP_E2E_EXTENSION_DIR, a dir with chromium/ and
// firefox/ inside, for trying the harness against another build).
export function buildExtension(outDir) {
  if (process.env.DLP_E2E_EXTENSION_DIR) return path.resolve(process.env.DLP_E2E_EXTENSION_DIR);
  execFileSync(process.execPath, [path.join(SOURCE_DIR, 'extension', 'build.mjs'), '--out', outDir], { stdio: 'pipe' });
  return outDir;
}

// The files manifest.json names that do not exist yet (the extension is written in parallel).
export function missingExtensionFiles(dir) {
  const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const files = [];
  for (const cs of m.content_scripts ?? []) files.push(...(cs.js ?? []), ...(cs.css ?? []));
  if (m.background?.service_worker) files.push(m.background.service_worker);
  files.push(...(m.background?.scripts ?? []));
  const missing = files.filter((f) => !fs.existsSync(path.join(dir, f)));
  // sw.js imports the background scripts: check them too.
  const sw = m.background?.service_worker && path.join(dir, m.background.service_worker);
  if (sw && fs.existsSync(sw)) {
    for (const mm of fs.readFileSync(sw, 'utf8').matchAll(/'\/([^']+)'/g)) {
      if (!fs.existsSync(path.join(dir, mm[1]))) missing.push(mm[1]);
    }
  }
  return [...new Set(missing)];
}

// Skips a whole e2e file when a browser or tool is missing. Run directly (`node file.mjs`) the
// process exits 77, ctest's SKIP_RETURN_CODE. Under `node --test` the file runs in a child whose
// exit code the runner turns into a failure, so there the skip is reported as a skipped test
// (the runner then exits 0).
export async function skipFile(reason) {
  console.log(`# SKIP: ${reason}`);
  if (process.env.NODE_TEST_CONTEXT) {
    const { test } = await import('node:test');
    test(`e2e skipped: ${reason}`, { skip: reason }, () => {});
    return;
  }
  process.exit(77);
}

// Ends what a test file started when it is interrupted (ctest's timeout, Ctrl+C): `kill` must be
// synchronous. Playwright ends its own browsers on exit.
export function killOnExit(kill) {
  process.on('exit', () => { try { kill(); } catch { /* best effort */ } });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(sig, () => { try { kill(); } catch { /* best effort */ } process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1)); });
  }
}
