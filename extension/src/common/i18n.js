// The extension's own words. Vietnamese is the default whatever the browser's language (the
// cadre's language; chrome.i18n would follow the browser's UI locale), English is a choice in the
// popup. The strings live in _locales/<lang>/messages.json, in the WebExtension format, so the
// manifest's name and description come from the same files.
(function (root) {
  'use strict';

  const LANGUAGES = ['vi', 'en'];
  const DEFAULT_LANGUAGE = 'vi';

  // messages: {key: {message}} as in messages.json, or {key: "text"}; "$1".."$9" are replaced.
  function t(messages, key, ...subs) {
    const m = messages && messages[key];
    let s = typeof m === 'string' ? m : m && m.message;
    if (s === undefined) return key;
    return s.replace(/\$([1-9])/g, (all, n) => (subs[n - 1] === undefined ? all : String(subs[n - 1])));
  }

  // A {vi, en} pair from the service in the chosen language.
  function pick(pair, lang) {
    if (!pair) return '';
    return pair[lang] || pair[DEFAULT_LANGUAGE] || pair.en || '';
  }

  function normalizeLanguage(lang) {
    return LANGUAGES.includes(lang) ? lang : DEFAULT_LANGUAGE;
  }

  const api = { LANGUAGES, DEFAULT_LANGUAGE, t, pick, normalizeLanguage };
  root.DLP = root.DLP || {};
  root.DLP.i18n = api;
})(globalThis);
