// Delivers content the agent allowed as the user meant it: at the caret they left, through the
// editor's own paste handling when it has one (ProseMirror, Quill, Lexical read clipboardData and
// keep their model right), else as a native edit so undo works. Events the hook dispatches itself
// are remembered in DLP.ours so its own listeners let them through.
(function (root) {
  'use strict';
  const ours = new WeakSet();

  const TEXT_INPUTS = new Set(['text', 'search', 'email', 'url', 'tel', '']);

  function isTextField(el) {
    return el && (el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && TEXT_INPUTS.has(el.type)));
  }

  // The editable element an event is aimed at: a text field, or the outermost contenteditable
  // element around the target (the editor, not the paragraph inside it).
  function editableFrom(path) {
    for (const n of path) {
      if (!n || n.nodeType !== 1) continue;
      if (isTextField(n)) return n;
      if (n.isContentEditable) {
        let r = n;
        while (r.parentElement && r.parentElement.isContentEditable) r = r.parentElement;
        return r;
      }
    }
    return null;
  }

  function textOf(el) {
    if (!el) return '';
    return isTextField(el) ? el.value : el.innerText || el.textContent || '';
  }

  function selectionOf(el) {
    const rootNode = el && el.getRootNode ? el.getRootNode() : document;
    return (rootNode.getSelection && rootNode.getSelection()) || document.getSelection();
  }

  function saveCaret(el) {
    if (!el) return null;
    if (isTextField(el)) return { start: el.selectionStart, end: el.selectionEnd };
    const sel = selectionOf(el);
    return sel && sel.rangeCount ? { range: sel.getRangeAt(0).cloneRange() } : null;
  }

  function restoreCaret(el, caret) {
    if (!el) return;
    el.focus({ preventScroll: true });
    if (!caret) return;
    if (isTextField(el) && caret.start !== null && caret.start !== undefined) {
      el.setSelectionRange(caret.start, caret.end);
    } else if (caret.range) {
      const sel = selectionOf(el);
      if (sel) {
        sel.removeAllRanges();
        sel.addRange(caret.range);
      }
    }
  }

  // A DataTransfer the page can read, or null where synthetic clipboard events carry no data
  // (Firefox): then the editor gets a native insertText instead.
  function transferWith(text, html, files) {
    try {
      const dt = new DataTransfer();
      if (text) dt.setData('text/plain', text);
      if (html) dt.setData('text/html', html);
      for (const f of files || []) dt.items.add(f);
      const probe = new ClipboardEvent('paste', { clipboardData: dt });
      if (!probe.clipboardData || (text && probe.clipboardData.getData('text/plain') !== text)) return null;
      return dt;
    } catch (e) {
      return null;
    }
  }

  function dispatchOurs(target, ev) {
    ours.add(ev);
    target.dispatchEvent(ev);
    return ev.defaultPrevented;
  }

  // Pastes `text` (and the original `html` when the text is unchanged) into `el` at `caret`.
  // `target` is the node the user's paste was aimed at (inside the editor).
  function deliverPaste(target, el, caret, text, html, files) {
    restoreCaret(el, caret);
    const dt = transferWith(text, html, files);
    if (dt) {
      const ev = new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true, composed: true });
      if (dispatchOurs(target || el, ev)) return true;  // the editor took it itself
    }
    return insertText(el, text);
  }

  function insertText(el, text) {
    if (!text) return true;
    if (document.execCommand('insertText', false, text)) return true;
    if (isTextField(el)) {
      el.setRangeText(text, el.selectionStart, el.selectionEnd, 'end');
      el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: text }));
      return true;
    }
    return false;
  }

  // Moves the caret to a viewport point (where a drop landed).
  function caretToPoint(el, x, y) {
    if (isTextField(el)) return;  // text fields: the drop goes to their current selection
    let range = null;
    if (document.caretRangeFromPoint) range = document.caretRangeFromPoint(x, y);
    else if (document.caretPositionFromPoint) {
      const p = document.caretPositionFromPoint(x, y);
      if (p) {
        range = document.createRange();
        range.setStart(p.offsetNode, p.offset);
      }
    }
    if (range) restoreCaret(el, { range });
  }

  function deliverDrop(target, el, point, text, html, files) {
    const dt = transferWith(text, html, files);
    if (dt) {
      const ev = new DragEvent('drop', { dataTransfer: dt, clientX: point.x, clientY: point.y,
                                         bubbles: true, cancelable: true, composed: true });
      if (dispatchOurs(target, ev)) return true;
    }
    if (!el || !text) return false;
    el.focus({ preventScroll: true });
    caretToPoint(el, point.x, point.y);
    return insertText(el, text);
  }

  // Replays the Enter the hook held back; when nothing on the page takes it, it does what Enter
  // does in that field (a new line in a text area, submitting the form of a one-line field).
  function replayEnter(el, original) {
    const init = { key: 'Enter', code: 'Enter', keyCode: 13, which: 13, bubbles: true, cancelable: true,
                   composed: true, ctrlKey: original.ctrlKey, metaKey: original.metaKey };
    const taken = dispatchOurs(el, new KeyboardEvent('keydown', init));
    dispatchOurs(el, new KeyboardEvent('keypress', init));
    dispatchOurs(el, new KeyboardEvent('keyup', init));
    if (taken) return;
    if (el.tagName === 'INPUT' && el.form) el.form.requestSubmit();
    else if (el.tagName === 'TEXTAREA' || el.isContentEditable) {
      el.focus({ preventScroll: true });
      document.execCommand('insertText', false, '\n');
    }
  }

  function replayFileInput(input) {
    dispatchOurs(input, new Event('input', { bubbles: true, composed: true }));
    dispatchOurs(input, new Event('change', { bubbles: true }));
  }

  root.DLP = root.DLP || {};
  root.DLP.ours = ours;
  root.DLP.insert = { isTextField, editableFrom, textOf, saveCaret, restoreCaret, deliverPaste,
                      deliverDrop, insertText, replayEnter, replayFileInput };
})(globalThis);
