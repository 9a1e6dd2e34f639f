// The page-side hook. On pages of a guarded destination group (the policy comes from the
// service, through the background) it holds back paste, drop, submit (Enter and send buttons)
// and file attachment until the agent has answered, then delivers, warns or blocks. Listeners
// are registered at document_start on the window in the capture phase, so they run before any
// of the page's own: content the agent has not allowed never reaches the page's DOM or scripts.
(function () {
  'use strict';
  const rt = (globalThis.chrome && globalThis.chrome.runtime) || globalThis.browser.runtime;
  const { insert: I, dialog, i18n, files: F, ours, verdict: V } = globalThis.DLP;

  const TIMEOUT_MS = 25000;
  const REDACT_MAX_BYTES = 512 * 1024;  // a redacted copy must fit the host's 1 MiB reply limit
  const TYPED_CHECK_MS = 350;
  const CLEARED_KEEP = 24;

  let page = null;  // {guarded, group, failMode, lang, strings} once the background answered
  let lastEditable = null;
  let replaying = false;
  // Texts of the prompt the agent has already allowed (checked while typing, without recording):
  // Enter or the send button then go through untouched, with no delay at all.
  const cleared = [];

  function topUrl() {
    if (window === window.top) return location.href;
    try {
      return window.top.location.href;
    } catch (e) {
      const a = location.ancestorOrigins;
      return a && a.length ? a[a.length - 1] + '/' : location.href;
    }
  }

  function ask(msg) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), TIMEOUT_MS);
      try {
        rt.sendMessage(msg, (reply) => {
          clearTimeout(timer);
          void rt.lastError;  // read, so the browser does not log it
          resolve(reply || null);
        });
      } catch (e) {  // the extension was updated or removed under this page
        clearTimeout(timer);
        resolve(null);
      }
    });
  }

  const pageReady = ask({ type: 'page', url: topUrl() }).then((p) => {
    // Without an answer nothing is known: behave as a guarded page that cannot be checked.
    page = p || { guarded: true, failMode: 'block', lang: 'vi', strings: {} };
    return page;
  });

  // Synchronous test in event handlers: known not guarded -> leave the event alone. While the
  // answer is pending (the first milliseconds of a page) events are held back too.
  function mayIgnore() {
    return page !== null && !page.guarded;
  }

  const t = (key, ...subs) => i18n.t(page && page.strings, key, ...subs);

  function localUnavailable(channel) {
    const action = page.failMode === 'warn' ? 'warn' : 'block';
    const key = action === 'block' ? 'unavailable_block' : 'unavailable_warn';
    return { ok: true, action, unavailable: true, findings: [], justifying: [],
             may_override: action === 'warn', needs_justification: action === 'warn',
             message: { [page.lang]: t(key, t(`channel_${channel}`)) } };
  }

  async function verdictFor(msg) {
    await pageReady;
    const v = await ask(Object.assign({ url: topUrl() }, msg));
    return v && v.ok === true && v.action ? v : localUnavailable(msg.channel);
  }

  function remember(text) {
    if (cleared.includes(text)) return;
    cleared.push(text);
    if (cleared.length > CLEARED_KEEP) cleared.shift();
  }

  // ---- the dialog and the user's decision ------------------------------------------------------

  function findingsFor(v) {
    const lang = page.lang;
    const order = [...(v.justifying || []), ...v.findings.keys()];
    const seen = new Set();
    const out = [];
    for (const i of order) {
      const f = v.findings[i];
      if (!f || f.severity === 'info' || seen.has(i)) continue;
      seen.add(i);
      out.push({ name: (lang === 'en' ? f.name_en : f.name_vi) || f.type, masked: f.masked });
    }
    return out;
  }

  function host() {
    try {
      return new URL(topUrl()).hostname;
    } catch (e) {
      return '';
    }
  }

  // Shows what the agent said and returns the user's choice; records it with the service.
  async function decide(v, channel, opts = {}) {
    const kind = v.unavailable ? 'unavailable' : v.action;
    const all = findingsFor(v);
    const shown = all.slice(0, 8);
    const extra = opts.extraFindings || [];
    const result = await dialog.show({
      kind, strings: page.strings,
      title: t(`title_${kind}`),
      lead: t(`lead_${channel}`, host()),
      message: i18n.pick(v.message, page.lang),
      findings: [...shown, ...extra],
      more: all.length > shown.length ? t('finding_more', all.length - shown.length) : '',
      todo: t(`todo_${kind}`),
      allowContinue: v.action === 'warn',
      continueLabel: t(`continue_${channel}`),
      allowRedact: v.action === 'warn' && !v.unavailable && !!opts.redactable,
      needsReason: v.action === 'warn',
    });
    const incidents = v.incidents || (v.incident !== undefined ? [v.incident] : []);
    if (v.action === 'warn') {
      const decision = result.choice === 'continue' ? 'continue' : 'cancel';
      const justification = result.choice === 'redact' ? t('decision_redacted') : result.justification;
      for (const incident of incidents) ask({ type: 'decide', incident, decision, justification });
    }
    return result.choice;
  }

  // The whole flow for content on its way in: ask, then deliver / dialog / drop.
  // deliver(text) puts the allowed (or redacted) text where it was going.
  async function guardText(channel, text, deliver, opts = {}) {
    const v = await verdictFor({ type: 'scan', channel, text });
    if (v.action === 'allow') {
      deliver(text);
      return true;
    }
    const bytes = new TextEncoder().encode(text).length;
    const choice = await decide(v, channel, { redactable: opts.redactable && bytes <= REDACT_MAX_BYTES });
    if (choice === 'continue') {
      deliver(text);
      return true;
    }
    if (choice === 'redact') {
      const r = await verdictFor({ type: 'scan', channel, text, redact: true, record: false });
      if (typeof r.redacted === 'string') deliver(r.redacted);
    }
    return false;
  }

  // ---- files ------------------------------------------------------------------------------------

  async function verdictForFiles(list, channel) {
    const verdicts = [];
    for (const f of list) {
      if (F.classify(f.name, f.type, f.size) === 'text') {
        const text = F.decodeText(await f.arrayBuffer());
        verdicts.push(await verdictFor({ type: 'scan', channel: channel === 'drop' ? 'drop' : 'upload', text }));
      } else {
        verdicts.push(await verdictFor({ type: 'attachment', channel, name: f.name, mime: f.type, size: f.size }));
      }
    }
    return verdicts;
  }

  function fileLines(list, verdicts) {
    return list.map((f, i) => ({ name: `${f.name} (${Math.max(1, Math.round(f.size / 1024))} KB)`,
                                 masked: verdicts[i].action === 'allow' ? '' : verdicts[i].action === 'block'
                                   ? t('file_blocked') : t('file_check') }))
      .filter((l) => l.masked);
  }

  // Text and files together (a drop or a paste can carry both): one verdict, one dialog.
  async function guardMixed(channel, text, list, deliver, redactable) {
    if (!list.length) return guardText(channel, text, deliver, { redactable });
    const verdicts = await verdictForFiles(list, channel);
    if (text) verdicts.unshift(await verdictFor({ type: 'scan', channel, text }));
    const v = V.combine(verdicts);
    if (v.action === 'allow') {
      deliver(text, list);
      return;
    }
    const perFile = fileLines(list, text ? verdicts.slice(1) : verdicts);
    if ((await decide(v, channel, { extraFindings: perFile })) === 'continue') deliver(text, list);
  }

  // ---- the events -------------------------------------------------------------------------------

  function hold(e) {
    e.preventDefault();
    e.stopImmediatePropagation();
  }

  function onPaste(e) {
    if (ours.has(e) || mayIgnore() || !e.clipboardData) return;
    const text = e.clipboardData.getData('text/plain');
    const html = e.clipboardData.getData('text/html');
    const list = [...e.clipboardData.files];
    if (!text && !list.length) return;
    hold(e);
    const path = e.composedPath();
    const target = path[0];
    const el = I.editableFrom(path) || lastEditable;
    const caret = I.saveCaret(el);
    pageReady.then(() => {
      const deliver = (t2, files) => I.deliverPaste(target, el, caret, t2, t2 === text ? html : '', files);
      if (!page.guarded) return deliver(text, list);
      return guardMixed('paste', text, list, deliver, true);
    });
  }

  function onDrop(e) {
    if (ours.has(e) || mayIgnore() || !e.dataTransfer) return;
    const text = e.dataTransfer.getData('text/plain');
    const html = e.dataTransfer.getData('text/html');
    const list = [...e.dataTransfer.files];
    if (!text && !list.length) return;
    hold(e);
    const path = e.composedPath();
    const target = path[0];
    const el = I.editableFrom(path);
    const point = { x: e.clientX, y: e.clientY };
    pageReady.then(() => {
      const deliver = (t2, files) => I.deliverDrop(target, el, point, t2, t2 === text ? html : '', files || []);
      if (!page.guarded) return deliver(text, list);
      return guardMixed('drop', text, list, deliver, true);
    });
  }

  function onKeyDown(e) {
    if (ours.has(e) || mayIgnore() || e.key !== 'Enter' || e.shiftKey || e.altKey || e.isComposing) return;
    const el = I.editableFrom(e.composedPath());
    if (!el) return;
    const text = I.textOf(el);
    if (!text.trim() || cleared.includes(text)) return;
    hold(e);
    pageReady.then(() => {
      if (!page.guarded) return I.replayEnter(el, e);
      return guardText('submit', text, () => {
        remember(text);
        I.replayEnter(el, e);
      });
    });
  }

  const SEND_WORDS = /\b(send|submit)\b|gửi|gui tin|soạn/i;

  function sendButtonFrom(path) {
    for (const n of path) {
      if (!n || n.nodeType !== 1) continue;
      const isButton = n.tagName === 'BUTTON' || (n.tagName === 'INPUT' && n.type === 'submit') ||
                       n.getAttribute('role') === 'button';
      if (!isButton) continue;
      const label = [n.getAttribute('aria-label'), n.getAttribute('data-testid'), n.getAttribute('title'),
                     n.id, n.tagName === 'INPUT' ? n.value : n.textContent].join(' ');
      if (SEND_WORDS.test(label)) return n;
      if (n.type === 'submit' && n.form && promptIn(n.form)) return n;
      return null;
    }
    return null;
  }

  function promptIn(scope) {
    return scope.querySelector('textarea, [contenteditable="true"], [contenteditable=""], input[type="text"]');
  }

  function promptFor(button) {
    if (button.form && promptIn(button.form)) return promptIn(button.form);
    if (lastEditable && lastEditable.isConnected) return lastEditable;
    return promptIn(document);
  }

  function onClick(e) {
    if (ours.has(e) || replaying || mayIgnore()) return;
    const path = e.composedPath();
    const button = sendButtonFrom(path);
    if (!button) {
      watchFileInput(path);
      return;
    }
    const el = promptFor(button);
    const text = I.textOf(el);
    if (!el || !text.trim() || cleared.includes(text)) return;
    hold(e);
    pageReady.then(() => {
      const press = () => {
        remember(text);
        replaying = true;
        try {
          button.click();
        } finally {
          replaying = false;
        }
      };
      if (!page.guarded) return press();
      return guardText('submit', text, press);
    });
  }

  function onSubmit(e) {
    if (ours.has(e) || replaying || mayIgnore()) return;
    const form = e.target;
    const el = form && form.querySelector ? promptIn(form) : null;
    const text = I.textOf(el);
    if (!el || !text.trim() || cleared.includes(text)) return;
    hold(e);
    pageReady.then(() => {
      const submit = () => {
        remember(text);
        replaying = true;
        try {
          form.requestSubmit(e.submitter || undefined);
        } finally {
          replaying = false;
        }
      };
      if (!page.guarded) return submit();
      return guardText('submit', text, submit);
    });
  }

  function isFileInput(n) {
    return n && n.tagName === 'INPUT' && n.type === 'file';
  }

  function onFileInput(e) {
    const input = e.composedPath()[0];
    if (ours.has(e) || !isFileInput(input) || mayIgnore()) return;
    e.stopImmediatePropagation();
    if (e.type === 'input') return;  // the change that follows carries the decision for both
    const list = [...(input.files || [])];
    if (!list.length) return;
    pageReady.then(async () => {
      if (!page.guarded) return I.replayFileInput(input);
      const verdicts = await verdictForFiles(list, 'upload');
      const v = V.combine(verdicts);
      if (v.action === 'allow' ||
          (await decide(v, 'upload', { extraFindings: fileLines(list, verdicts) })) === 'continue') {
        I.replayFileInput(input);
      } else {
        input.value = '';  // the page never learns which files were chosen
      }
    });
  }

  // change and input do not leave a shadow root: listen on the root of a file input there.
  const watchedRoots = new WeakSet();
  function watchFileInput(path) {
    const input = path.find(isFileInput);
    if (!input) return;
    const r = input.getRootNode();
    if (r === document || watchedRoots.has(r)) return;
    watchedRoots.add(r);
    r.addEventListener('input', onFileInput, true);
    r.addEventListener('change', onFileInput, true);
  }

  // Typed text is checked quietly as it is written (nothing recorded), so that sending text the
  // agent allows is never slowed down; only text not yet checked waits at Enter or Send.
  let typedTimer = 0;
  function onInput(e) {
    if (isFileInput(e.composedPath()[0])) return onFileInput(e);
    if (!page || !page.guarded) return;
    const el = I.editableFrom(e.composedPath());
    if (!el) return;
    clearTimeout(typedTimer);
    typedTimer = setTimeout(async () => {
      const text = I.textOf(el);
      if (!text.trim() || cleared.includes(text) || text.length > 100000) return;
      const v = await ask({ type: 'scan', channel: 'submit', text, url: topUrl(), record: false });
      if (v && v.ok === true && v.action === 'allow' && I.textOf(el) === text) remember(text);
    }, TYPED_CHECK_MS);
  }

  function onFocusIn(e) {
    const el = I.editableFrom(e.composedPath());
    if (el) lastEditable = el;
  }

  window.addEventListener('paste', onPaste, true);
  window.addEventListener('drop', onDrop, true);
  window.addEventListener('keydown', onKeyDown, true);
  window.addEventListener('click', onClick, true);
  window.addEventListener('submit', onSubmit, true);
  window.addEventListener('change', onFileInput, true);
  window.addEventListener('input', onInput, true);
  window.addEventListener('focusin', onFocusIn, true);
})();
