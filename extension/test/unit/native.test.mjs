import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from './load.mjs';

const { NativeClient } = await load('common/i18n.js', 'background/native.js');

// A native-messaging port played by the test: `answer(msg)` decides what the "host" replies.
function fakeRuntime(answer) {
  const rt = { ports: [], lastError: null };
  rt.connectNative = (name) => {
    const port = {
      name, sent: [], msgListeners: [], discListeners: [],
      onMessage: { addListener: (f) => port.msgListeners.push(f) },
      onDisconnect: { addListener: (f) => port.discListeners.push(f) },
      postMessage(m) {
        port.sent.push(m);
        const r = answer(m, port);
        if (r !== undefined) queueMicrotask(() => port.msgListeners.forEach((f) => f(r)));
      },
      push(m) { port.msgListeners.forEach((f) => f(m)); },
      drop() { port.discListeners.forEach((f) => f()); },
    };
    rt.ports.push(port);
    return port;
  };
  return rt;
}

const ok = (m, extra = {}) => Object.assign({ v: 1, id: m.id, ok: true }, extra);

test('one persistent port; the session says hello and subscribes before the first request', async () => {
  const rt = fakeRuntime((m) => ok(m, m.op === 'scan' ? { action: 'allow' } : {}));
  const c = new NativeClient(rt, 'com.vn_dlp.agent', {
    onSession: async (cl) => {
      await cl.send({ op: 'hello', client: 'extension' });
      await cl.send({ op: 'subscribe' });
    },
  });
  const r1 = await c.request({ op: 'scan', text: 'a' });
  const r2 = await c.request({ op: 'scan', text: 'b' });
  assert.equal(r1.action, 'allow');
  assert.equal(r2.ok, true);
  assert.equal(rt.ports.length, 1);
  assert.equal(rt.ports[0].name, 'com.vn_dlp.agent');
  assert.deepEqual(rt.ports[0].sent.map((m) => m.op), ['hello', 'subscribe', 'scan', 'scan']);
  assert.ok(rt.ports[0].sent.every((m) => m.v === 1 && typeof m.id === 'string'));
  assert.equal(c.available, true);
});

test('replies are matched by id, and pushed events go to the event hook', async () => {
  const held = [];
  const rt = fakeRuntime((m) => { held.push(m); });
  const events = [];
  const c = new NativeClient(rt, 'h', { onEvent: (e) => events.push(e) });
  const a = c.request({ op: 'status' });
  const b = c.request({ op: 'policy' });
  await new Promise((r) => setTimeout(r, 0));
  const port = rt.ports[0];
  port.push({ v: 1, event: 'bundle', bundle: { version: 2 } });
  port.push(ok(held[1], { which: 'policy' }));
  port.push(ok(held[0], { which: 'status' }));
  assert.equal((await a).which, 'status');
  assert.equal((await b).which, 'policy');
  assert.deepEqual(events, [{ v: 1, event: 'bundle', bundle: { version: 2 } }]);
});

test('service down: unavailable comes back as a reply and the next request starts a new session', async () => {
  let down = true;
  const rt = fakeRuntime((m) => (down ? { v: 1, id: m.id, ok: false, error: { code: 'unavailable', message: 'x' } } : ok(m)));
  let sessions = 0;
  const c = new NativeClient(rt, 'h', { onSession: async (cl) => { sessions++; await cl.send({ op: 'hello', client: 'extension' }); } });
  const r = await c.request({ op: 'scan' });
  assert.equal(r.error.code, 'unavailable');
  assert.equal(c.available, false);
  down = false;
  assert.equal((await c.request({ op: 'scan' })).ok, true);
  assert.equal(sessions, 2);  // hello again: the host's new connection to the service knew nothing
  assert.equal(c.available, true);
});

test('the host going away answers every waiting request with unavailable, then reconnects', async () => {
  const rt = fakeRuntime(() => undefined);
  const c = new NativeClient(rt, 'h');
  const waiting = [c.request({ op: 'scan' }), c.request({ op: 'scan' })];
  await new Promise((r) => setTimeout(r, 0));
  rt.lastError = { message: 'Native host has exited.' };
  rt.ports[0].drop();
  for (const r of await Promise.all(waiting)) {
    assert.equal(r.ok, false);
    assert.equal(r.error.code, 'unavailable');
    assert.match(r.error.message, /exited/);
  }
  c.request({ op: 'status' });
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(rt.ports.length, 2);
});

test('a host that never answers times out as unavailable', async () => {
  const rt = fakeRuntime(() => undefined);
  const c = new NativeClient(rt, 'h', {}, { timeoutMs: 30 });
  const r = await c.request({ op: 'scan' });
  assert.equal(r.error.code, 'unavailable');
  assert.equal(c.pending.size, 0);
});

test('a host that cannot be started is unavailable, not an exception', async () => {
  const rt = { connectNative() { throw new Error('Specified native messaging host not found.'); } };
  const c = new NativeClient(rt, 'h');
  assert.equal((await c.request({ op: 'scan' })).error.code, 'unavailable');
});
