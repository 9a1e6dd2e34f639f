// Turns the service's replies into what the page-side hook enforces, and writes the verdict the
// hook must apply when the service could not answer (the policy's fail mode: closed by default).
(function (root) {
  'use strict';

  const { RANK } = root.DLP.verdict;

  // The verdict for a page whose service did not answer: `failMode` from the policy for this
  // destination's group; the message names the cause so the cadre knows it is not their text.
  function unavailableVerdict(failMode, channel, messages) {
    const t = root.DLP.i18n.t;
    const action = RANK[failMode] !== undefined ? failMode : 'block';
    const verb = { vi: t(messages.vi, `channel_${channel}`), en: t(messages.en, `channel_${channel}`) };
    const key = action === 'block' ? 'unavailable_block' : 'unavailable_warn';
    return {
      ok: true, action, unavailable: true, findings: [], justifying: [],
      may_override: action === 'warn', needs_justification: action === 'warn',
      message: { vi: t(messages.vi, key, verb.vi), en: t(messages.en, key, verb.en) },
    };
  }

  // A scan or attachment reply reduced to what the page needs: never the service's error text
  // for a real error (it may echo request details), never the scanned text.
  function fromReply(reply, failMode, channel, messages) {
    if (!reply || reply.ok !== true || RANK[reply.action] === undefined)
      return unavailableVerdict(failMode, channel, messages);
    const v = {
      ok: true, action: reply.action, group: reply.group || '', incident: reply.incident,
      findings: (reply.findings || []).map((f) => ({
        rule: f.rule, type: f.type, severity: f.severity, masked: f.masked,
        name_vi: f.name_vi, name_en: f.name_en,
      })),
      justifying: reply.justifying || [],
      message: reply.message || {},
      may_override: !!reply.may_override, needs_justification: !!reply.needs_justification,
      unscannable: !!reply.unscannable,
    };
    if (typeof reply.redacted === 'string') v.redacted = reply.redacted;
    return v;
  }

  root.DLP = root.DLP || {};
  root.DLP.verdicts = { unavailableVerdict, fromReply };
})(globalThis);
