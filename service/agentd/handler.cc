#include "agentd/handler.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <unordered_map>

#include "agentd/log.h"
#include "ipc/framing.h"

namespace dlp::agentd {
namespace {

using nlohmann::json;

const std::set<std::string> kChannels = {"clipboard", "paste", "drop", "submit", "upload", "file"};
const std::set<std::string> kAttachChannels = {"upload", "drop"};
const std::set<std::string> kDecisions = {"cancel", "continue", "false_alarm"};

bool GetString(const json& req, const char* key, bool required, std::string* out, json* err) {
  if (!req.contains(key)) {
    if (required) *err = Handler::Error(req.value("id", json()), "bad_request", std::string("missing field '") + key + "'");
    return !required;
  }
  if (!req[key].is_string()) {
    *err = Handler::Error(req.value("id", json()), "bad_request", std::string("field '") + key + "' must be a string");
    return false;
  }
  *out = req[key].get<std::string>();
  return true;
}

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

// One matched value for the fingerprint, "type:value" without building that string: an
// aggregate's span can be most of a big paste.
struct FingerprintPart {
  std::string_view type, value;
};

// Orders parts as the strings "type:value" compare (bytewise, as std::string does).
bool FingerprintPartLess(const FingerprintPart& a, const FingerprintPart& b) {
  const std::string_view as[3] = {a.type, ":", a.value}, bs[3] = {b.type, ":", b.value};
  size_t ai = 0, bi = 0, ao = 0, bo = 0;  // segment and offset in it
  while (true) {
    while (ai < 3 && ao == as[ai].size()) ++ai, ao = 0;
    while (bi < 3 && bo == bs[bi].size()) ++bi, bo = 0;
    if (ai == 3 || bi == 3) return ai == 3 && bi < 3;  // a prefix sorts first
    size_t n = std::min(as[ai].size() - ao, bs[bi].size() - bo);
    if (int c = std::char_traits<char>::compare(as[ai].data() + ao, bs[bi].data() + bo, n); c != 0)
      return c < 0;
    ao += n;
    bo += n;
  }
}

// The parts as "type:value" lines joined by newlines, built in one allocation.
std::string JoinParts(const std::vector<FingerprintPart>& parts) {
  size_t n = 0;
  for (const auto& p : parts) n += p.type.size() + 1 + p.value.size() + 1;
  std::string s;
  s.reserve(n);
  for (const auto& p : parts) {
    if (!s.empty()) s += '\n';
    s.append(p.type).append(1, ':').append(p.value);
  }
  return s;
}

}  // namespace

json Handler::Error(const json& id, const std::string& code, const std::string& message) {
  return {{"v", 1}, {"id", id}, {"ok", false}, {"error", {{"code", code}, {"message", message}}}};
}

json IncidentJson(const audit::Incident& inc) {
  return {{"incident", inc.id},       {"time", inc.time},        {"channel", inc.channel},
          {"destination", inc.destination}, {"group", inc.group}, {"action", inc.action},
          {"types", inc.types},       {"rules", inc.rules},      {"count", inc.count},
          {"masked", inc.masked},     {"decision", inc.decision.empty() ? json() : json(inc.decision)},
          {"justification", inc.justification}};
}

json BundleJson(const ActiveRules& r) {
  return {{"name", r.name}, {"version", r.version}, {"sha256", r.sha256}, {"signer", r.signer},
          {"source", r.source}, {"loaded_at", r.loaded_at}};
}

json Handler::Handle(const json& req, const ipc::PeerIdentity& peer, const std::shared_ptr<Connection>& conn) {
  Answer a;
  Dispatch(req, nullptr, peer, conn, &a);
  return a.scanned ? ScanReplyJson(a.scan) : std::move(a.reply);
}

bool Handler::Handle(const ipc::Request& req, const ipc::PeerIdentity& peer,
                     const std::shared_ptr<Connection>& conn, std::string* reply) {
  std::string_view text = req.text();
  Answer a;
  Dispatch(req.fields, req.has_text() ? &text : nullptr, peer, conn, &a);
  reply->clear();
  if (a.scanned) {
    WriteScanReply(a.scan, reply);
    return true;
  }
  // Replies may echo ids or names that are not valid UTF-8; never let that kill a connection.
  *reply = a.reply.dump(-1, ' ', false, json::error_handler_t::replace);
  return a.reply.contains("ok") && a.reply["ok"] == true;
}

void Handler::Dispatch(const json& req, const std::string_view* text, const ipc::PeerIdentity& peer,
                       const std::shared_ptr<Connection>& conn, Answer* out) {
  json& reply = out->reply;
  json id = req.contains("id") ? req["id"] : json();
  if (!req.contains("v") || !req["v"].is_number_integer()) {
    reply = Error(id, "bad_request", "missing protocol version 'v'");
    return;
  }
  if (req["v"] != 1) {
    reply = Error(id, "unsupported_version", "this service speaks protocol version 1");
    reply["supported"] = {1};
    return;
  }
  if (!req.contains("op") || !req["op"].is_string()) {
    reply = Error(id, "bad_request", "missing field 'op'");
    return;
  }
  const std::string op = req["op"];
  clients_->Touch(conn.get());
  if (op == "scan") {
    reply = Scan(req, text, peer, conn.get(), out);
    if (out->scanned) {
      out->scan.id = std::move(id);
      return;
    }
  }
  else if (op == "attachment") reply = Attachment(req, peer);
  else if (op == "decide") reply = Decide(req, peer);
  else if (op == "history") reply = History(req, peer);
  else if (op == "status") reply = Status(peer);
  else if (op == "policy") reply = Policy();
  else if (op == "rules") reply = Rules();
  else if (op == "hello") reply = Hello(req, peer, conn.get());
  else if (op == "reload") reply = Reload();
  else if (op == "subscribe") {
    subs_->Add(conn);
    reply = {{"ok", true}, {"subscribed", true}};
  } else {
    reply = Error(id, "unknown_op", "unknown operation '" + op + "'");
    return;
  }
  if (reply.contains("ok") && reply["ok"] == false) {
    reply["id"] = id;
    return;
  }
  reply["v"] = 1;
  reply["id"] = id;
}

json Handler::Scan(const json& req, const std::string_view* text_field, const ipc::PeerIdentity& peer,
                   const Connection* conn, Answer* out) {
  json err;
  std::string channel, destination, app;
  // The text is never copied: it is viewed in the parsed request (up to 16 MiB).
  std::string_view text;
  if (text_field != nullptr) {
    text = *text_field;
  } else {
    auto it = req.find("text");
    if (it == req.end()) return Error(req.value("id", json()), "bad_request", "missing field 'text'");
    if (!it->is_string()) return Error(req.value("id", json()), "bad_request", "field 'text' must be a string");
    text = it->get_ref<const std::string&>();
  }
  if (!GetString(req, "channel", true, &channel, &err) ||
      !GetString(req, "destination", true, &destination, &err) || !GetString(req, "app", false, &app, &err))
    return err;
  if (!kChannels.count(channel)) return Error(json(), "bad_request", "unknown channel '" + channel + "'");
  if (destination.empty()) return Error(json(), "bad_request", "field 'destination' is empty");
  for (const char* key : {"redact", "record"})
    if (req.contains(key) && !req[key].is_boolean())
      return Error(json(), "bad_request", std::string("field '") + key + "' must be a boolean");
  bool redact = req.value("redact", false);
  bool record = !req.contains("record") || req["record"] != false;
  out->rules = bundles_->Active();
  const ActiveRules& rules = *out->rules;
  ScanOptions so;
  so.destination = destination;
  ScanResult& r = out->result;
  dlp::Status st;
  bool ran = pool_->RunAndWait([&] {
    try {
      st = rules.engine->Scan(text, so, &r);
    } catch (const std::exception& e) {  // e.g. out of memory: an error, never a silent "allow"
      st = dlp::Status::Internal(std::string("scan failed: ") + e.what());
    }
  });
  if (!ran) return Error(json(), "busy", "the agent is saturated; try again");
  if (!st.ok()) return Error(json(), "internal", st.ToString());
  const RulePack& pack = rules.engine->pack();
  ScanReply& reply = out->scan;
  reply.findings.reserve(r.findings.size());
  bool any = false;
  audit::Incident inc;
  std::vector<FingerprintPart> fingerprint_parts;
  std::vector<std::string> masked;
  std::set<std::string> types;
  // Names by rule id: a big paste has hundreds of findings of a few rules.
  std::unordered_map<std::string_view, std::pair<std::string_view, std::string_view>> names;
  for (const auto& f : r.findings) {
    auto known = names.find(f.rule_id);
    if (known == names.end()) known = names.emplace(f.rule_id, RuleNameViews(pack, f)).first;
    reply.findings.push_back({f.rule_id, f.type, SeverityName(f.severity), f.masked,
                              known->second.first, known->second.second, f.start, f.end});
    if (f.severity == Severity::kInfo) continue;
    any = true;
    inc.rules.push_back(f.rule_id);
    types.insert(f.type);
    masked.push_back(f.masked);
    if (f.end <= text.size()) fingerprint_parts.push_back({f.type, text.substr(f.start, f.end - f.start)});
  }
  reply.action = std::string(ActionName(r.action));
  reply.group = r.group;
  reply.justifying = r.justifying;
  std::tie(reply.message_vi, reply.message_en) = VerdictTexts(r, pack);
  reply.may_override = reply.needs_justification = r.action == Action::kWarn;
  reply.bundle_name = rules.name;
  reply.bundle_version = rules.version;
  if (redact) reply.redacted = Redact(text, r);
  if (record && any) {
    // The fingerprint is a keyed hash of the matched values: repeats can be correlated in the
    // audit log without the values ever being stored.
    std::sort(fingerprint_parts.begin(), fingerprint_parts.end(), FingerprintPartLess);
    inc.uid = peer.uid;
    inc.user = peer.user;
    inc.host = info_.host;
    inc.channel = channel;
    inc.destination = destination;
    inc.group = r.group;
    inc.action = std::string(ActionName(r.action));
    inc.types.assign(types.begin(), types.end());
    inc.count = static_cast<int>(inc.rules.size());
    inc.masked = Join(masked, "; ");
    inc.fingerprint = audit_->Fingerprint(JoinParts(fingerprint_parts));
    inc.bundle = rules.name + " " + std::to_string(rules.version);
    if (Record(&inc, peer)) reply.incident = inc.id;
  }
  std::string origin = clients_->OriginOf(conn);
  LogInfo("scan uid=" + std::to_string(peer.uid) + " channel=" + channel + " group=" + r.group +
          (origin.empty() ? "" : " origin=" + origin) +
          " action=" + std::string(ActionName(r.action)) + " rules=" + Join(inc.rules, ",") +
          (reply.incident ? " incident=" + std::to_string(inc.id) : ""));
  out->scanned = true;
  return json();
}

bool Handler::Record(audit::Incident* inc, const ipc::PeerIdentity& peer) {
  inc->uid = peer.uid;
  inc->user = peer.user;
  inc->host = info_.host;
  if (dlp::Status s = audit_->Append(inc); !s.ok()) {
    LogError("audit append failed: " + s.ToString());
    return false;
  }
  if (subs_->AnyFor(peer.uid))
    subs_->Publish(peer.uid, json({{"v", 1}, {"event", "incident"}, {"incident", IncidentJson(*inc)}})
                                 .dump(-1, ' ', false, json::error_handler_t::replace));
  return true;
}

json Handler::Attachment(const json& req, const ipc::PeerIdentity& peer) {
  json err;
  std::string name, mime, channel, destination, app;
  if (!GetString(req, "name", true, &name, &err) || !GetString(req, "mime", false, &mime, &err) ||
      !GetString(req, "channel", true, &channel, &err) ||
      !GetString(req, "destination", true, &destination, &err) || !GetString(req, "app", false, &app, &err))
    return err;
  if (!req.contains("size") || !req["size"].is_number_integer() || req["size"] < 0)
    return Error(json(), "bad_request", "field 'size' must be a non-negative integer");
  if (!kAttachChannels.count(channel)) return Error(json(), "bad_request", "channel must be upload or drop");
  if (destination.empty()) return Error(json(), "bad_request", "field 'destination' is empty");
  auto rules = bundles_->Active();
  const dlp::Policy& policy = rules->engine->pack().policy;
  const DestinationGroup* group = policy.GroupFor(destination);
  Action action = group ? group->unscannable : Action::kAllow;
  std::string what = name + " (" + (mime.empty() ? "?" : mime) + ", " +
                     std::to_string(req["size"].get<int64_t>()) + " B)";
  json reply = {{"ok", true}, {"action", std::string(ActionName(action))},
                {"group", group ? group->name : ""}, {"findings", json::array()},
                {"justifying", json::array()}, {"unscannable", true},
                {"message", UnscannableMessage(action, name)},
                {"may_override", action == Action::kWarn}, {"needs_justification", action == Action::kWarn},
                {"bundle", {{"name", rules->name}, {"version", rules->version}}}};
  if (action != Action::kAllow) {
    audit::Incident inc;
    inc.channel = channel;
    inc.destination = destination;
    inc.group = group->name;
    inc.action = std::string(ActionName(action));
    inc.types = {"unscannable_file"};
    inc.rules = {"policy.unscannable"};
    inc.count = 1;
    inc.masked = what;
    inc.bundle = rules->name + " " + std::to_string(rules->version);
    if (Record(&inc, peer)) reply["incident"] = inc.id;
  }
  LogInfo("attachment uid=" + std::to_string(peer.uid) + " channel=" + channel + " group=" +
          (group ? group->name : "") + " action=" + std::string(ActionName(action)) +
          (reply.contains("incident") ? " incident=" + std::to_string(reply["incident"].get<int64_t>()) : ""));
  return reply;
}

json Handler::Policy() {
  auto rules = bundles_->Active();
  const dlp::Policy& p = rules->engine->pack().policy;
  json groups = json::array();
  for (const auto& g : p.groups) {
    bool guarded = g.Guarded();
    groups.push_back({{"name", g.name}, {"hosts", g.hosts}, {"guarded", guarded},
                      {"unscannable", std::string(ActionName(g.unscannable))},
                      {"fail_mode", std::string(ActionName(guarded ? p.fail_mode : Action::kAllow))}});
  }
  return {{"ok", true}, {"bundle", {{"name", rules->name}, {"version", rules->version}}},
          {"default_group", p.default_group}, {"fail_mode", std::string(ActionName(p.fail_mode))},
          {"groups", groups}};
}

json Handler::Rules() {
  auto rules = bundles_->Active();
  const RulePack& pack = rules->engine->pack();
  json out = json::array();
  auto add = [&out](const std::string& id, const std::string& type, Severity sev, const auto& r) {
    out.push_back({{"rule", id}, {"type", type}, {"severity", std::string(SeverityName(sev))},
                   {"name_vi", r.name_vi}, {"name_en", r.name_en},
                   {"explanation_vi", r.explanation_vi}, {"explanation_en", r.explanation_en}});
  };
  for (const auto& r : pack.rules) add(r.id, r.type, r.severity, r);
  for (const auto& a : pack.aggregates) add(a.id, a.type, a.severity, a);
  return {{"ok", true}, {"bundle", {{"name", rules->name}, {"version", rules->version}}}, {"rules", out}};
}

json Handler::Hello(const json& req, const ipc::PeerIdentity& peer, const Connection* conn) {
  json err;
  std::string client, browser, version, origin;
  if (!GetString(req, "client", true, &client, &err) || !GetString(req, "browser", false, &browser, &err) ||
      !GetString(req, "version", false, &version, &err) || !GetString(req, "origin", false, &origin, &err))
    return err;
  if (client.empty() || client.size() > 64) return Error(json(), "bad_request", "field 'client' must be 1-64 bytes");
  for (std::string* s : {&browser, &version, &origin})
    if (s->size() > 256) return Error(json(), "bad_request", "hello fields are at most 256 bytes");
  clients_->Hello(conn, peer.uid, client, browser, version, origin);
  LogInfo("hello uid=" + std::to_string(peer.uid) + " client=" + client +
          (browser.empty() ? "" : " browser=" + browser) + (origin.empty() ? "" : " origin=" + origin));
  return {{"ok", true}};
}

json Handler::Decide(const json& req, const ipc::PeerIdentity& peer) {
  json err;
  std::string decision, justification;
  if (!req.contains("incident") || !req["incident"].is_number_integer())
    return Error(json(), "bad_request", "field 'incident' must be an integer");
  if (!GetString(req, "decision", true, &decision, &err) ||
      !GetString(req, "justification", false, &justification, &err))
    return err;
  if (!kDecisions.count(decision))
    return Error(json(), "bad_request", "decision must be cancel, continue or false_alarm");
  if ((decision == "continue" || decision == "false_alarm") && justification.empty())
    return Error(json(), "bad_request", "a justification is required to " + decision);
  audit::Incident updated;
  dlp::Status s = audit_->Decide(req["incident"].get<int64_t>(), peer.uid, decision, justification, &updated);
  if (s.code() == dlp::Status::Code::kNotFound) return Error(json(), "not_found", s.message());
  if (!s.ok() && s.message().rfind("forbidden:", 0) == 0) return Error(json(), "forbidden", s.message().substr(11));
  if (!s.ok()) return Error(json(), "bad_request", s.message());
  LogInfo("decide uid=" + std::to_string(peer.uid) + " incident=" + std::to_string(updated.id) + " decision=" + decision);
  subs_->Publish(peer.uid, json({{"v", 1}, {"event", "decision"}, {"incident", IncidentJson(updated)}}).dump(-1, ' ', false, json::error_handler_t::replace));
  return {{"ok", true}, {"incident", updated.id}, {"decision", decision}};
}

json Handler::History(const json& req, const ipc::PeerIdentity& peer) {
  int64_t limit = 50, before = 0;
  if (req.contains("limit")) {
    if (!req["limit"].is_number_integer() || req["limit"] < 1 || req["limit"] > 200)
      return Error(json(), "bad_request", "limit must be an integer from 1 to 200");
    limit = req["limit"];
  }
  if (req.contains("before")) {
    if (!req["before"].is_number_integer() || req["before"] < 0)
      return Error(json(), "bad_request", "before must be a non-negative integer");
    before = req["before"];
  }
  std::vector<audit::Incident> list;
  if (dlp::Status s = audit_->History(peer.uid, before, static_cast<int>(limit), &list); !s.ok())
    return Error(json(), "internal", s.message());
  json out = json::array();
  for (const auto& inc : list) out.push_back(IncidentJson(inc));
  json next = list.size() == static_cast<size_t>(limit) ? json(list.back().id) : json();
  return {{"ok", true}, {"incidents", out}, {"next_before", next}};
}

json Handler::Status(const ipc::PeerIdentity& peer) {
  auto rules = bundles_->Active();
  json clients = json::array();
  for (const auto& c : clients_->ForUser(peer.uid)) {
    json j = {{"client", c.client}, {"connected", c.connected}, {"since", c.since}, {"last_seen", c.last_seen}};
    for (auto [key, value] : {std::pair{"browser", &c.browser}, {"version", &c.version},
                              {"origin", &c.origin}, {"via", &c.via}})
      if (!value->empty()) j[key] = *value;
    clients.push_back(std::move(j));
  }
  BundleProblem p;
  json problem = bundles_->LastProblem(&p) ? json({{"time", p.time}, {"file", p.file}, {"message", p.message}}) : json();
  return {{"ok", true}, {"version", info_.version}, {"protocol", {1}}, {"mode", info_.mode},
          {"bundle", BundleJson(*rules)}, {"last_bundle_error", problem},
          {"health", problem.is_null() ? "ok" : "degraded"},
          {"max_request_bytes", ipc::kMaxRequestBytes}, {"workers", pool_->size()},
          {"fail_mode", std::string(ActionName(rules->engine->pack().policy.fail_mode))},
          {"clients", clients},
          {"fleet", fleet_status_ ? fleet_status_() : json({{"updates", nullptr}, {"siem", nullptr}})}};
}

json Handler::Reload() {
  bool changed = false;
  bundles_->Reload(&changed);
  BundleProblem p;
  json problem = bundles_->LastProblem(&p) ? json(p.file + ": " + p.message) : json();
  return {{"ok", true}, {"changed", changed}, {"bundle", BundleJson(*bundles_->Active())}, {"error", problem}};
}

}  // namespace dlp::agentd
