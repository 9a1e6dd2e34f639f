// The in-page dialog: what was found (masked), why, and what the cadre may do. It lives in a
// closed shadow root, so the site's styles cannot break it and the site's scripts cannot read the
// findings or press its buttons; the buttons also ignore events that no person made.
(function (root) {
  'use strict';

  const STYLE = `
    :host { all: initial; }
    .veil { position: fixed; inset: 0; z-index: 2147483647; background: rgba(20, 24, 31, .45);
            display: flex; align-items: center; justify-content: center;
            font: 15px/1.45 system-ui, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Arial, sans-serif; }
    .card { background: #fff; color: #1d232b; width: min(560px, calc(100vw - 32px));
            max-height: calc(100vh - 32px); overflow: auto; border-radius: 10px;
            box-shadow: 0 12px 40px rgba(0, 0, 0, .35); }
    header { padding: 14px 20px; color: #fff; font-weight: 600; font-size: 17px;
             border-radius: 10px 10px 0 0; display: flex; gap: 10px; align-items: center; }
    .block header { background: #b3261e; } .warn header { background: #9a6200; }
    .unavailable header { background: #44546a; }
    .icon { display: inline-flex; width: 24px; height: 24px; border-radius: 50%; background: #fff;
            align-items: center; justify-content: center; font-weight: 700; font-size: 15px; }
    .block .icon { color: #b3261e; } .warn .icon { color: #9a6200; } .unavailable .icon { color: #44546a; }
    .body { padding: 16px 20px 4px; }
    p { margin: 0 0 10px; }
    .lead { font-weight: 600; }
    ul { margin: 4px 0 12px; padding-left: 20px; }
    li { margin: 2px 0; }
    /* Not a monospace face: Chromium on Debian draws stacked Vietnamese diacritics in DejaVu Sans
       Mono wrongly ("TỐI" came out as "TÔI"). */
    .masked { font-family: inherit; font-weight: 600; background: #f1f3f5; padding: 0 4px;
              border-radius: 3px; white-space: nowrap; }
    .todo { background: #f6f8fa; border-left: 4px solid #8c959f; padding: 8px 12px; border-radius: 4px; }
    label { display: block; font-weight: 600; margin: 10px 0 4px; }
    textarea { box-sizing: border-box; width: 100%; min-height: 64px; font: inherit; padding: 6px 8px;
               border: 1px solid #8c959f; border-radius: 6px; resize: vertical; }
    footer { display: flex; flex-wrap: wrap; gap: 8px; justify-content: flex-end; padding: 12px 20px 16px; }
    button { font: inherit; padding: 7px 16px; border-radius: 6px; border: 1px solid #8c959f;
             background: #fff; color: #1d232b; cursor: pointer; }
    button.primary { background: #1f5fbf; border-color: #1f5fbf; color: #fff; }
    button:disabled { opacity: .45; cursor: default; }
    button:focus-visible, textarea:focus-visible { outline: 3px solid #7aa7ff; outline-offset: 1px; }
  `;
  // Plain letters: emoji fonts are missing on many workstations and would show as boxes.
  const ICONS = { block: '✕', warn: '!', unavailable: '?' };
  const MIN_REASON = 5;
  let queue = Promise.resolve();

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // spec: {kind: 'warn'|'block'|'unavailable', title, lead, message, findings: [{name, masked}],
  //        more, todo, allowContinue, allowRedact, needsReason, strings}
  // Resolves {choice: 'cancel'|'continue'|'redact'|'close', justification}. One dialog at a time:
  // a second one waits for the first.
  function show(spec) {
    const next = queue.then(() => open(spec));
    queue = next.catch(() => {});
    return next;
  }

  function open(spec) {
    const t = (key) => root.DLP.i18n.t(spec.strings, key);
    const previousFocus = document.activeElement;
    const host = document.createElement('dlp-guard-dialog');
    host.dataset.kind = spec.kind;
    const shadow = host.attachShadow({ mode: 'closed' });
    shadow.appendChild(el('style', {}, STYLE));
    const veil = el('div', { class: `veil ${spec.kind}` });
    const card = el('div', { class: 'card', role: 'alertdialog', 'aria-modal': 'true',
                             'aria-labelledby': 'dlp-title', 'aria-describedby': 'dlp-message' });
    const header = el('header');
    header.appendChild(el('span', { class: 'icon', 'aria-hidden': 'true' }, ICONS[spec.kind] || ''));
    header.appendChild(el('span', { id: 'dlp-title', 'data-role': 'title' }, spec.title));
    card.appendChild(header);
    const body = el('div', { class: 'body' });
    if (spec.lead) body.appendChild(el('p', { class: 'lead', 'data-role': 'lead' }, spec.lead));
    body.appendChild(el('p', { id: 'dlp-message', 'data-role': 'message' }, spec.message));
    if (spec.findings && spec.findings.length) {
      body.appendChild(el('p', {}, t('findings_heading')));
      const ul = el('ul', { 'data-role': 'findings' });
      for (const f of spec.findings) {
        const li = el('li', {}, f.masked ? `${f.name}: ` : f.name);
        if (f.masked) li.appendChild(el('span', { class: 'masked' }, f.masked));
        ul.appendChild(li);
      }
      if (spec.more) ul.appendChild(el('li', {}, spec.more));
      body.appendChild(ul);
    }
    if (spec.todo) body.appendChild(el('p', { class: 'todo', 'data-role': 'todo' }, spec.todo));
    let reason = null;
    if (spec.allowContinue && spec.needsReason) {
      body.appendChild(el('label', { for: 'dlp-reason' }, t('justification_label')));
      reason = el('textarea', { id: 'dlp-reason', 'data-role': 'justification', maxlength: '500',
                                placeholder: t('justification_placeholder') });
      body.appendChild(reason);
    }
    card.appendChild(body);
    const footer = el('footer');
    const buttons = [];
    const add = (action, label, primary) => {
      const b = el('button', { type: 'button', 'data-action': action, class: primary ? 'primary' : '' }, label);
      footer.appendChild(b);
      buttons.push(b);
      return b;
    };
    if (spec.allowContinue || spec.allowRedact) {
      add('cancel', t('btn_cancel'), false);
      if (spec.allowRedact) add('redact', t('btn_redact'), true);
      if (spec.allowContinue) add('continue', spec.continueLabel || t('btn_continue'), !spec.allowRedact);
    } else {
      add('close', t('btn_close'), true);
    }
    card.appendChild(footer);
    veil.appendChild(card);
    shadow.appendChild(veil);

    const cont = buttons.find((b) => b.dataset.action === 'continue');
    const update = () => {
      if (cont && reason) cont.disabled = reason.value.trim().length < MIN_REASON;
    };
    update();
    if (reason) reason.addEventListener('input', update);

    return new Promise((resolve) => {
      const finish = (choice) => {
        host.remove();
        if (previousFocus && previousFocus.focus) previousFocus.focus({ preventScroll: true });
        resolve({ choice, justification: reason ? reason.value.trim() : '' });
      };
      for (const b of buttons) {
        b.addEventListener('click', (e) => {
          if (!e.isTrusted || b.disabled) return;  // only a person decides
          finish(b.dataset.action);
        });
      }
      shadow.addEventListener('keydown', (e) => {
        if (e.isTrusted && e.key === 'Escape') {
          e.preventDefault();
          finish(spec.allowContinue || spec.allowRedact ? 'cancel' : 'close');
        }
        e.stopPropagation();  // the page's shortcuts must not act while the dialog is open
      });
      (document.documentElement || document.body).appendChild(host);
      (reason || buttons[buttons.length - 1]).focus({ preventScroll: true });
    });
  }

  root.DLP = root.DLP || {};
  root.DLP.dialog = { show, MIN_REASON };
})(globalThis);
