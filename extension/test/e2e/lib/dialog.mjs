// The extension's dialog, seen and used from outside the page through the DevTools protocol:
// <dlp-guard-dialog data-kind="warn|block|unavailable"> with a CLOSED shadow root, appended to
// document.documentElement of the frame where the event happened. Page scripts cannot read it and
// its buttons ignore untrusted clicks, so the helpers find it with DOM.getDocument({pierce}) (which
// lists closed shadow roots), read it with Runtime.callFunctionOn on the shadow root, and click
// with real mouse input at coordinates from DOM.getBoxModel.
import { sleep } from './service.mjs';

export const DIALOG_TAG = 'DLP-GUARD-DIALOG';

export async function cdpFor(page) {
  if (!page.__dlpCdp) {
    page.__dlpCdp = await page.context().newCDPSession(page);
    await page.__dlpCdp.send('DOM.enable');
    await page.__dlpCdp.send('Runtime.enable');
  }
  return page.__dlpCdp;
}

function walk(node, visit, frame = 'top') {
  visit(node, frame);
  for (const c of node.children ?? []) walk(c, visit, frame);
  for (const s of node.shadowRoots ?? []) walk(s, visit, frame);
  if (node.contentDocument) walk(node.contentDocument, visit, node.frameId ? `iframe:${node.frameId}` : 'iframe');
  if (node.templateContent) walk(node.templateContent, visit, frame);
}

function attr(node, name) {
  const a = node.attributes ?? [];
  for (let i = 0; i < a.length; i += 2) if (a[i] === name) return a[i + 1];
  return undefined;
}

// Every dlp-guard-dialog in the page, its frames included: [{nodeId, backendNodeId, kind, frame,
// shadowRootType, shadowRootId}]. Node ids are valid until the next DOM.getDocument.
export async function findDialogs(page) {
  const cdp = await cdpFor(page);
  const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
  const out = [];
  walk(root, (n, frame) => {
    if (n.nodeName === DIALOG_TAG) {
      const sr = n.shadowRoots?.[0];
      out.push({ nodeId: n.nodeId, backendNodeId: n.backendNodeId, kind: attr(n, 'data-kind'), frame,
        parent: n.parentId, shadowRootType: sr?.shadowRootType, shadowRootId: sr?.nodeId });
    }
  });
  return out;
}

// Waits for a dialog (of `kind` when given); fails with what was seen instead.
export async function waitDialog(page, { kind, timeout = 8000 } = {}) {
  const deadline = Date.now() + timeout;
  let seen = [];
  for (;;) {
    seen = await findDialogs(page).catch(() => []);
    const d = seen.find((x) => !kind || x.kind === kind);
    if (d) return d;
    if (Date.now() > deadline) {
      const what = seen.length ? `only ${seen.map((x) => `data-kind=${x.kind} in ${x.frame}`).join(', ')}` : 'no <dlp-guard-dialog> at all';
      throw new Error(`expected a <dlp-guard-dialog data-kind="${kind ?? '*'}"> within ${timeout} ms; found ${what}`);
    }
    await sleep(100);
  }
}

export async function waitNoDialog(page, timeout = 5000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const seen = await findDialogs(page).catch(() => []);
    if (!seen.length) return;
    if (Date.now() > deadline) throw new Error(`the dialog (${seen.map((x) => x.kind).join(', ')}) is still there after ${timeout} ms`);
    await sleep(100);
  }
}

// No dialog appears during `ms` (for the clean cases).
export async function assertNoDialogFor(page, ms = 1500) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const seen = await findDialogs(page).catch(() => []);
    if (seen.length) throw new Error(`unexpected <dlp-guard-dialog data-kind="${seen[0].kind}"> (${seen[0].frame})`);
    await sleep(150);
  }
}

async function shadowObject(page, dlg) {
  const cdp = await cdpFor(page);
  if (!dlg.shadowRootId) throw new Error('the <dlp-guard-dialog> has no shadow root');
  const { object } = await cdp.send('DOM.resolveNode', { nodeId: dlg.shadowRootId });
  return { cdp, objectId: object.objectId };
}

// What the dialog shows, read inside its closed shadow root.
export async function readDialog(page, dlg) {
  const { cdp, objectId } = await shadowObject(page, dlg);
  const { result, exceptionDetails } = await cdp.send('Runtime.callFunctionOn', {
    objectId, returnByValue: true,
    functionDeclaration: `function () {
      const q = (s) => this.querySelector(s);
      const txt = (e) => (e ? e.textContent.replace(/\\s+/g, ' ').trim() : null);
      const buttons = {};
      for (const b of this.querySelectorAll('button[data-action]')) {
        const r = b.getBoundingClientRect();
        buttons[b.dataset.action] = { text: txt(b), disabled: b.disabled, visible: r.width > 0 && r.height > 0 };
      }
      const j = q('textarea[data-role="justification"]');
      return {
        title: txt(q('[data-role="title"]')),
        message: txt(q('[data-role="message"]')),
        findings: [...this.querySelectorAll('[data-role="findings"] li')].map(txt),
        justification: j ? { value: j.value, visible: j.getBoundingClientRect().height > 0 } : null,
        buttons,
        text: txt(this),
        html: [...this.childNodes].map((n) => n.outerHTML ?? n.textContent).join(''),
      };
    }`,
  });
  if (exceptionDetails) throw new Error(`reading the dialog failed: ${exceptionDetails.text}`);
  const info = result.value;
  // The host's serialisation with its closed shadow tree (<template shadowrootmode="closed">),
  // as DevTools sees it; older Chromium without includeShadowDOM: the shadow root's own markup.
  try {
    const { outerHTML } = await cdp.send('DOM.getOuterHTML', { nodeId: dlg.nodeId, includeShadowDOM: true });
    info.outerHTML = outerHTML.includes('shadowroot') ? outerHTML
      : (await cdp.send('DOM.getOuterHTML', { nodeId: dlg.shadowRootId })).outerHTML;
  } catch { info.outerHTML = info.html; }
  return info;
}

// Centre of an element inside the dialog's shadow root, in page (viewport) coordinates.
export async function boxOf(page, dlg, selector) {
  const cdp = await cdpFor(page);
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: dlg.shadowRootId, selector });
  if (!nodeId) throw new Error(`no ${selector} in the ${dlg.kind} dialog`);
  await cdp.send('DOM.scrollIntoViewIfNeeded', { nodeId }).catch(() => {});
  const { model } = await cdp.send('DOM.getBoxModel', { nodeId });
  const q = model.content.length ? model.content : model.border;
  const x = (q[0] + q[2] + q[4] + q[6]) / 4, y = (q[1] + q[3] + q[5] + q[7]) / 4;
  if (!(model.width > 0 && model.height > 0)) throw new Error(`${selector} in the ${dlg.kind} dialog has no size (hidden?)`);
  return { x, y, width: model.width, height: model.height };
}

// A real (trusted) click on a dialog element.
export async function clickInDialog(page, dlg, selector) {
  const { x, y } = await boxOf(page, dlg, selector);
  await page.mouse.click(x, y);
}

export async function clickAction(page, dlg, action) {
  return clickInDialog(page, dlg, `button[data-action="${action}"]`);
}

// Clicks into the justification box and types the reason with real key events.
export async function typeReason(page, dlg, reason) {
  await clickInDialog(page, dlg, 'textarea[data-role="justification"]');
  await page.keyboard.type(reason, { delay: 5 });
}

// Fresh node ids for a dialog already found (after the DOM changed).
export async function refresh(page, dlg) {
  const all = await findDialogs(page);
  return all.find((d) => d.backendNodeId === dlg.backendNodeId) ?? all.find((d) => d.kind === dlg.kind) ?? null;
}
