// The extension's background: keeps the native-messaging port to the agent, the policy it
// learned from the service (cached, so fail-closed still knows the AI sites after a restart
// with the service down), and answers the page-side hooks. It decides nothing itself: verdicts
// come from the service, or from the policy's fail mode when the service cannot answer.
(function () {
  'use strict';
  const ext = globalThis.browser || globalThis.chrome;
  const { policy: P, i18n, verdicts: V, NativeClient } = globalThis.DLP;

  const HOST = 'com.vn_dlp.agent';
  // Texts above this go to the service as an unscannable attachment: the service takes 16 MiB.
  const MAX_SCAN_BYTES = 15 * 1024 * 1024;
  const PROBE_MS = 30000;

  const state = {
    policy: P.fromBootstrap(globalThis.DLP_BOOTSTRAP_POLICY),
    lang: i18n.DEFAULT_LANGUAGE,
    messages: { vi: {}, en: {} },
    lastError: '',
  };

  function browserName() {
    const ua = navigator.userAgent;
    if (/Firefox\//.test(ua)) return 'firefox';
    if (/Edg\//.test(ua)) return 'edge';
    if (/coc_coc_browser/i.test(ua)) return 'coccoc';
    return 'chromium';
  }

  async function refreshPolicy(c) {
    const r = await c.send({ op: 'policy' });
    if (r && r.ok === true && Array.isArray(r.groups)) {
      state.policy = { groups: r.groups, default_group: r.default_group, fail_mode: r.fail_mode,
                       bundle: r.bundle, source: 'service' };
      await ext.storage.local.set({ policy: state.policy });
    }
  }

  const client = new NativeClient(ext.runtime, HOST, {
    // Each new session with the service: say who we are (the host has already said from which
    // extension), ask for events (bundle changes), and take the current destinations.
    onSession: async (c) => {
      await c.send({ op: 'hello', client: 'extension', browser: browserName(),
                     version: ext.runtime.getManifest().version });
      await c.send({ op: 'subscribe' });
      await refreshPolicy(c);
    },
    onEvent: (ev) => {
      if (ev.event === 'bundle') refreshPolicy(client);
    },
    onDisconnect: (err) => {
      state.lastError = err;
    },
  });

  async function loadMessages(lang) {
    const r = await fetch(ext.runtime.getURL(`_locales/${lang}/messages.json`));
    return r.json();
  }

  const ready = (async () => {
    for (const lang of i18n.LANGUAGES) state.messages[lang] = await loadMessages(lang);
    const stored = await ext.storage.local.get(['policy', 'lang']);
    if (stored.policy && Array.isArray(stored.policy.groups)) state.policy = stored.policy;
    state.lang = i18n.normalizeLanguage(stored.lang);
    client.request({ op: 'status' });  // opens the session: hello, subscribe, policy
  })();

  // While the service is away, look for it now and then so the subscription and the health
  // report come back without waiting for the next paste.
  setInterval(() => {
    if (!client.available) client.request({ op: 'status' });
  }, PROBE_MS);

  // What is recorded as the destination: the page without its query or fragment, which may
  // carry tokens or search terms.
  function destinationOf(url) {
    try {
      const u = new URL(url);
      return u.origin + u.pathname;
    } catch (e) {
      return String(url).slice(0, 2048);
    }
  }

  const handlers = {
    async page(msg) {
      const info = P.destinationInfo(state.policy, msg.url);
      return Object.assign(info, { lang: state.lang, strings: state.messages[state.lang],
                                   policySource: state.policy.source || 'service' });
    },

    async scan(msg) {
      const info = P.destinationInfo(state.policy, msg.url);
      const bytes = new TextEncoder().encode(msg.text).length;
      if (bytes > MAX_SCAN_BYTES)
        return handlers.attachment({ name: '(pasted text)', mime: 'text/plain', size: bytes,
                                     channel: msg.channel === 'drop' ? 'drop' : 'upload', url: msg.url,
                                     verdictChannel: msg.channel });
      const req = { op: 'scan', text: msg.text, channel: msg.channel, destination: destinationOf(msg.url),
                    app: browserName() };
      if (msg.redact) req.redact = true;
      if (msg.record === false) req.record = false;
      const reply = await client.request(req);
      return V.fromReply(reply, info.failMode, msg.channel, state.messages);
    },

    async attachment(msg) {
      const info = P.destinationInfo(state.policy, msg.url);
      const reply = await client.request({
        op: 'attachment', name: String(msg.name).slice(0, 255), mime: msg.mime || '', size: msg.size,
        channel: msg.channel, destination: destinationOf(msg.url), app: browserName() });
      return V.fromReply(reply, info.failMode, msg.verdictChannel || msg.channel, state.messages);
    },

    async decide(msg) {
      const req = { op: 'decide', incident: msg.incident, decision: msg.decision };
      if (msg.justification) req.justification = msg.justification;
      return client.request(req);
    },

    async status() {
      const s = await client.request({ op: 'status' });
      return { available: client.available, status: s.ok ? s : null, lang: state.lang,
               strings: state.messages[state.lang], policy: state.policy, lastError: state.lastError };
    },

    async setLanguage(msg) {
      state.lang = i18n.normalizeLanguage(msg.lang);
      await ext.storage.local.set({ lang: state.lang });
      return { lang: state.lang };
    },
  };

  ext.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    const h = msg && handlers[msg.type];
    if (!h) return false;
    ready.then(() => h(msg, sender)).then(sendResponse, (e) => sendResponse({ ok: false, error: String(e) }));
    return true;  // the answer comes asynchronously
  });
})();
