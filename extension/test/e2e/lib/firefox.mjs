// Firefox ESR with the extension installed from a throw-away profile, on a private Xvfb display,
// driven by real X input (xclip + xdotool): Firefox has no driver on this machine, so the fake
// sites report their own state to the test server (see site.mjs, ?report=1).
import fs from 'node:fs';
import path from 'node:path';
import { spawn, execFileSync } from 'node:child_process';
import { waitFor, sleep } from './service.mjs';
import { registerNativeHost } from './chromium.mjs';

export const FIREFOX = process.env.DLP_FIREFOX || '/usr/bin/firefox-esr';
export const GECKO_ID = 'dlp-guard@vn-dlp';
export const X_TOOLS = ['Xvfb', 'xclip', 'xdotool', 'import'];

export function which(cmd) {
  for (const d of (process.env.PATH || '/usr/bin:/bin').split(':')) {
    if (fs.existsSync(path.join(d, cmd))) return path.join(d, cmd);
  }
  return null;
}

// A display of our own: the first :N whose lock and socket are free.
export async function startXvfb(logFile) {
  for (let n = 90; n < 160; n++) {
    if (fs.existsSync(`/tmp/.X${n}-lock`) || fs.existsSync(`/tmp/.X11-unix/X${n}`)) continue;
    const log = fs.openSync(logFile, 'a');
    const proc = spawn('Xvfb', [`:${n}`, '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    let exited = false;
    proc.once('exit', () => { exited = true; });
    try {
      await waitFor(`Xvfb :${n}`, () => {
        if (exited) throw new Error('Xvfb exited');
        return fs.existsSync(`/tmp/.X11-unix/X${n}`);
      }, { timeout: 5000 });
    } catch {
      try { proc.kill('SIGKILL'); } catch { /* gone */ }
      continue;
    }
    return { display: `:${n}`, proc, stop: () => stopProc(proc) };
  }
  throw new Error('no free X display between :90 and :159');
}

export async function stopProc(proc, { group = false, timeout = 5000 } = {}) {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const done = new Promise((r) => proc.once('exit', r));
  const kill = (sig) => { try { group ? process.kill(-proc.pid, sig) : proc.kill(sig); } catch { /* gone */ } };
  kill('SIGTERM');
  const t = setTimeout(() => kill('SIGKILL'), timeout);
  await done;
  clearTimeout(t);
}

const USER_JS = {
  'xpinstall.signatures.required': false,
  'extensions.autoDisableScopes': 0,
  'extensions.enabledScopes': 15,
  'extensions.update.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'extensions.webextensions.restrictedDomains': '',
  // The fake sites: chatgpt.com resolves to loopback and is served over plain HTTP.
  'network.dns.localDomains': 'chatgpt.com,gemini.google.com',
  'network.proxy.type': 0,
  'dom.security.https_only_mode': false,
  'dom.security.https_only_mode_ever_enabled': false,
  'dom.security.https_first': false,
  'dom.security.https_first_schemeless': false,
  'network.stricttransportsecurity.preloadlist': false,
  'browser.fixup.fallback-to-https': false,
  'security.mixed_content.block_active_content': false,
  // Quiet first start, no network.
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'startup.homepage_welcome_url': '',
  'startup.homepage_welcome_url.additional': '',
  'browser.startup.firstrunSkipsHomepage': true,
  'browser.aboutwelcome.enabled': false,
  'trailhead.firstrun.didSeeAboutWelcome': true,
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.policy.firstRunURL': '',
  'datareporting.healthreport.uploadEnabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  'toolkit.telemetry.enabled': false,
  'app.update.enabled': false,
  'app.normandy.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.safebrowsing.provider.mozilla.updateURL': '',
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'browser.newtabpage.enabled': false,
  'browser.topsites.contile.enabled': false,
  'browser.tabs.warnOnClose': false,
  'browser.sessionstore.resume_from_crash': false,
  'browser.translations.automaticallyPopup': false,
  'services.settings.server': 'http://127.0.0.1:9/',
  'browser.region.network.url': '',
  'media.autoplay.default': 0,
  'intl.locale.requested': 'vi',
};

export function makeProfile(dir, extUnpackedDir) {
  fs.mkdirSync(path.join(dir, 'extensions'), { recursive: true });
  const xpi = path.join(dir, 'extensions', `${GECKO_ID}.xpi`);
  // zip from inside the folder so manifest.json is at the archive's root.
  execFileSync('python3', ['-c',
    'import sys, os, zipfile\n' +
    'src, out = sys.argv[1], sys.argv[2]\n' +
    'with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:\n' +
    '    for base, dirs, files in os.walk(src):\n' +
    '        for f in files:\n' +
    '            p = os.path.join(base, f)\n' +
    '            z.write(p, os.path.relpath(p, src))\n',
    extUnpackedDir, xpi], { stdio: 'pipe' });
  fs.writeFileSync(path.join(dir, 'user.js'),
    Object.entries(USER_JS).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`).join('\n') + '\n');
  return xpi;
}

export function launchFirefox({ profile, home, display, socket, url, logFile }) {
  fs.mkdirSync(home, { recursive: true });
  registerNativeHost('firefox', path.join(home, '.mozilla', 'native-messaging-hosts'));
  const log = fs.openSync(logFile, 'a');
  const env = {
    ...process.env, HOME: home, DISPLAY: display, DLP_AGENT_SOCKET: socket,
    XDG_CONFIG_HOME: path.join(home, '.config'), XDG_CACHE_HOME: path.join(home, '.cache'),
    MOZ_CRASHREPORTER_DISABLE: '1', MOZ_DISABLE_AUTO_SAFE_MODE: '1', LANG: 'C.UTF-8', LANGUAGE: 'vi',
  };
  delete env.WAYLAND_DISPLAY;
  const proc = spawn(FIREFOX, ['--no-remote', '--profile', profile, '--width', '1280', '--height', '1000', url], {
    env, stdio: ['ignore', log, log], detached: true, // its own process group, ended as a whole
  });
  fs.closeSync(log);
  return proc;
}

export function x(display, cmd, args, opts = {}) {
  return execFileSync(cmd, args, { env: { ...process.env, DISPLAY: display }, stdio: 'pipe', encoding: 'utf8', ...opts });
}

// Owns the CLIPBOARD selection with `text` until stopped (xclip -quiet stays in the foreground,
// so it is our child and can be ended by its pid).
export async function setClipboard(display, text) {
  const proc = spawn('xclip', ['-quiet', '-selection', 'clipboard'], {
    env: { ...process.env, DISPLAY: display }, stdio: ['pipe', 'ignore', 'ignore'],
  });
  proc.stdin.end(text);
  await waitFor('xclip to own the clipboard', () => {
    try { return x(display, 'xclip', ['-o', '-selection', 'clipboard'], { timeout: 2000 }) === text; } catch { return false; }
  }, { timeout: 5000, interval: 100 });
  return { stop: () => stopProc(proc), kill: () => { try { proc.kill('SIGKILL'); } catch { /* gone */ } } };
}

// A real OS paste: pointer on the field (no window manager: focus follows the pointer), click, Ctrl+V.
export async function realPaste(display, { x: px, y: py }, text) {
  const clip = await setClipboard(display, text);
  x(display, 'xdotool', ['mousemove', String(px), String(py), 'click', '1']);
  await sleep(200);
  x(display, 'xdotool', ['key', '--clearmodifiers', 'ctrl+v']);
  return clip;
}

export function screenshotRoot(display, file) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  x(display, 'import', ['-window', 'root', file]);
  return file;
}
