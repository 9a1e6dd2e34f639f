// Which destination group a page belongs to, from the policy the service sends (`policy`
// operation, service/PROTOCOL.md). The same matching as the service's Policy::GroupFor, so the
// hook and the verdict never disagree about where a page is: an entry "chatgpt.com" covers the
// host and its subdomains; "huggingface.co/chat" also needs the path to start with "/chat".
(function (root) {
  'use strict';

  function splitUrl(url) {
    let rest = String(url);
    const scheme = rest.indexOf('://');
    if (scheme >= 0) rest = rest.slice(scheme + 3);
    const slash = rest.indexOf('/');
    let host = slash < 0 ? rest : rest.slice(0, slash);
    let path = slash < 0 ? '/' : rest.slice(slash);
    const at = host.lastIndexOf('@');
    if (at >= 0) host = host.slice(at + 1);
    const colon = host.indexOf(':');
    if (colon >= 0) host = host.slice(0, colon);
    const q = path.search(/[?#]/);
    if (q >= 0) path = path.slice(0, q);
    return { host: host.toLowerCase(), path };
  }

  function hostMatches(entry, host, path) {
    let e = entry;
    let wantPath = '';
    const slash = e.indexOf('/');
    if (slash >= 0) {
      wantPath = e.slice(slash);
      e = e.slice(0, slash);
    }
    const hostOk = host === e || (host.length > e.length && host.endsWith(e) &&
                                  host[host.length - e.length - 1] === '.');
    if (!hostOk) return false;
    if (!wantPath) return true;
    return path.startsWith(wantPath) && (path.length === wantPath.length || path[wantPath.length] === '/');
  }

  // The group of `url` in `policy` ({groups: [{name, hosts, guarded, fail_mode, unscannable}],
  // default_group}); null when the policy names no such group.
  function groupFor(policy, url) {
    const groups = (policy && policy.groups) || [];
    const { host, path } = splitUrl(url);
    for (const g of groups)
      for (const entry of g.hosts || [])
        if (hostMatches(entry, host, path)) return g;
    return groups.find((g) => g.name === policy.default_group) || null;
  }

  // What a hook needs to know about a page: whether to step in, and what to do when the service
  // cannot answer. Pages that are not web pages (about:, extension pages) are never guarded.
  function destinationInfo(policy, url) {
    if (!/^https?:/i.test(String(url))) return { group: '', guarded: false, failMode: 'allow' };
    const g = groupFor(policy, url);
    if (!g) return { group: '', guarded: false, failMode: 'allow' };
    const guarded = g.guarded !== undefined ? !!g.guarded : (g.hosts || []).length > 0;
    const failMode = g.fail_mode || (guarded ? policy.fail_mode || 'block' : 'allow');
    return { group: g.name, guarded, failMode, unscannable: g.unscannable || 'allow' };
  }

  // The bootstrap list (built from the default policy file, see build.mjs) in the service's
  // shape: used only before the service has answered once on this machine.
  function fromBootstrap(boot) {
    const groups = ((boot && boot.groups) || []).map((g) => ({
      name: g.name, hosts: g.hosts, guarded: g.hosts.length > 0,
      fail_mode: g.hosts.length > 0 ? boot.fail_mode : 'allow', unscannable: 'allow',
    }));
    return { groups, default_group: 'other', fail_mode: (boot && boot.fail_mode) || 'block',
             bundle: { name: 'bootstrap', version: 0 }, source: 'bootstrap' };
  }

  const api = { splitUrl, hostMatches, groupFor, destinationInfo, fromBootstrap };
  root.DLP = root.DLP || {};
  root.DLP.policy = api;
})(globalThis);
