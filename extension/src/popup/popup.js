// The toolbar popup: is the agent protecting this browser, which rules, is this page an AI
// platform, and the language of the extension's dialogs.
(async function () {
  'use strict';
  const ext = globalThis.browser || globalThis.chrome;
  const { i18n, policy: P } = globalThis.DLP;
  const ask = (msg) => new Promise((resolve) => ext.runtime.sendMessage(msg, (r) => resolve(r || {})));

  async function render() {
    const s = await ask({ type: 'status' });
    const t = (key, ...subs) => i18n.t(s.strings, key, ...subs);
    document.documentElement.lang = s.lang || 'vi';
    const state = document.getElementById('state');
    state.textContent = s.available ? t('popup_protected') : t('popup_unavailable');
    state.className = s.available ? 'ok' : 'down';
    const b = s.status && s.status.bundle;
    document.getElementById('bundle').textContent = b ? t('popup_bundle', b.name, b.version) : '';
    const [tab] = await ext.tabs.query({ active: true, currentWindow: true });
    const info = tab && tab.url ? P.destinationInfo(s.policy, tab.url) : { guarded: false };
    document.getElementById('page').textContent =
      info.guarded ? t('popup_page_guarded', info.group) : t('popup_page_free');
    document.getElementById('history').textContent = t('popup_history');
    document.getElementById('lang-label').textContent = t('popup_language');
    document.getElementById('lang').value = s.lang || 'vi';
  }

  document.getElementById('lang').addEventListener('change', async (e) => {
    await ask({ type: 'setLanguage', lang: e.target.value });
    render();
  });
  render();
})();
