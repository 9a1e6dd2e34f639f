// The extension's one connection to the agent: a persistent native-messaging port to dlp-nmhost
// (not a process per paste), with request ids, a timeout, and a fresh hello/subscribe whenever
// the service behind the host changes. Requests never fail with an exception: every problem comes
// back as {ok: false, error: {code: "unavailable", ...}} so the caller applies the fail mode.
(function (root) {
  'use strict';

  const UNAVAILABLE = (message) => ({ ok: false, error: { code: 'unavailable', message } });

  class NativeClient {
    // runtime: chrome.runtime (or a test double with connectNative). hooks.onSession(client) runs
    // on each new session with the service (say hello, subscribe, fetch the policy);
    // hooks.onEvent(event) gets pushed events.
    constructor(runtime, hostName, hooks = {}, options = {}) {
      this.runtime = runtime;
      this.hostName = hostName;
      this.hooks = hooks;
      this.timeoutMs = options.timeoutMs || 20000;
      this.port = null;
      this.pending = new Map();
      this.nextId = 1;
      this.sessionReady = null;  // a promise while a session is being set up, or done
      this.available = false;
    }

    // Sends one request ({op, ...}); resolves with the service's reply or an unavailable error.
    async request(body) {
      if (!this.sessionReady) this.sessionReady = this.startSession();
      await this.sessionReady;
      return this.send(body);
    }

    async startSession() {
      if (!this.connect()) return;
      if (this.hooks.onSession) {
        try {
          await this.hooks.onSession(this);
        } catch (e) {
          // The session hooks only inform; requests still go ahead.
        }
      }
    }

    connect() {
      if (this.port) return true;
      try {
        this.port = this.runtime.connectNative(this.hostName);
      } catch (e) {
        this.port = null;
        return false;
      }
      this.port.onMessage.addListener((msg) => this.onMessage(msg));
      this.port.onDisconnect.addListener(() => this.onDisconnect());
      return true;
    }

    // Like request(), without waiting for the session (used by the session hooks themselves).
    send(body) {
      if (!this.port && !this.connect()) {
        this.available = false;
        return Promise.resolve(UNAVAILABLE('the native-messaging host cannot be started'));
      }
      const id = `x${this.nextId++}`;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          this.pending.delete(id);
          this.available = false;
          this.sessionReady = null;
          resolve(UNAVAILABLE('the agent did not answer in time'));
        }, this.timeoutMs);
        this.pending.set(id, { resolve, timer });
        try {
          this.port.postMessage(Object.assign({ v: 1, id }, body));
        } catch (e) {
          this.settle(id, UNAVAILABLE(`cannot reach the native-messaging host: ${e.message}`));
        }
      });
    }

    settle(id, reply) {
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.resolve(reply);
    }

    onMessage(msg) {
      if (!msg || typeof msg !== 'object') return;
      if (msg.event !== undefined && msg.ok === undefined) {
        if (this.hooks.onEvent) this.hooks.onEvent(msg);
        return;
      }
      const unavailable = msg.ok === false && msg.error && msg.error.code === 'unavailable';
      this.available = !unavailable;
      // The host reconnects to the service on its own, but the new connection knows nothing of
      // us: say hello and subscribe again before the next request.
      if (unavailable) this.sessionReady = null;
      if (msg.id !== undefined && msg.id !== null) this.settle(msg.id, msg);
    }

    onDisconnect() {
      const err = (this.runtime.lastError && this.runtime.lastError.message) || 'the host exited';
      this.port = null;
      this.available = false;
      this.sessionReady = null;
      for (const id of [...this.pending.keys()]) this.settle(id, UNAVAILABLE(err));
      if (this.hooks.onDisconnect) this.hooks.onDisconnect(err);
    }
  }

  root.DLP = root.DLP || {};
  root.DLP.NativeClient = NativeClient;
})(globalThis);
