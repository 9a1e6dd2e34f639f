// Verdict arithmetic shared by the page-side hook and the background: the strictest action wins.
(function (root) {
  'use strict';

  const RANK = { allow: 0, warn: 1, block: 2 };

  // Several verdicts for one act (the files of one upload, text and files of one drop): the
  // strictest wins, every finding is shown, every incident gets the user's decision.
  function combine(verdicts) {
    if (verdicts.length === 1) return verdicts[0];
    let worst = verdicts[0];
    for (const v of verdicts) if (RANK[v.action] > RANK[worst.action]) worst = v;
    const out = Object.assign({}, worst);
    out.findings = verdicts.flatMap((v) => v.findings || []);
    out.justifying = [];
    out.incidents = verdicts.map((v) => v.incident).filter((i) => i !== undefined);
    out.may_override = verdicts.every((v) => v.action !== 'block');
    out.needs_justification = verdicts.some((v) => v.needs_justification);
    out.unavailable = verdicts.some((v) => v.unavailable);
    delete out.redacted;
    delete out.incident;
    return out;
  }

  root.DLP = root.DLP || {};
  root.DLP.verdict = { RANK, combine };
})(globalThis);
