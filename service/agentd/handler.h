// Protocol dispatch (service/PROTOCOL.md): validates a request, runs the operation with the
// active rules, the audit log and the worker pool, and builds the reply. Transport-free, so it
// is tested and fuzzed without sockets.
//
// Thread safety: Handle() is called concurrently from connection threads.
#ifndef DLP_SERVICE_AGENTD_HANDLER_H_
#define DLP_SERVICE_AGENTD_HANDLER_H_

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>

#include "agentd/bundle_manager.h"
#include "agentd/clients.h"
#include "agentd/scan_reply.h"
#include "agentd/subscribers.h"
#include "agentd/worker_pool.h"
#include "audit/audit_log.h"
#include "ipc/json_parse.h"
#include "ipc/unix_socket.h"

namespace dlp::agentd {

struct ServiceInfo {
  std::string version = "0.1.0";
  std::string mode;  // "user" | "system"
  std::string host;
};

class Handler {
 public:
  Handler(ServiceInfo info, BundleManager* bundles, audit::AuditLog* audit, WorkerPool* pool,
          Subscribers* subs, Clients* clients)
      : info_(std::move(info)), bundles_(bundles), audit_(audit), pool_(pool), subs_(subs),
        clients_(clients) {}

  // `conn` is the caller's connection (for subscribe). Never throws.
  nlohmann::json Handle(const nlohmann::json& request, const ipc::PeerIdentity& peer,
                        const std::shared_ptr<Connection>& conn);
  // The same for a request as the server parses it (a paste's text viewed, not copied), with
  // the reply written as dump(-1, ' ', false, replace) would write Handle(json)'s reply. True
  // when the reply says "ok": true.
  bool Handle(const ipc::Request& request, const ipc::PeerIdentity& peer,
              const std::shared_ptr<Connection>& conn, std::string* reply);
  // Adds the `fleet` object to the status reply (the updater's and the SIEM forwarder's state).
  // Set before the server starts.
  void SetFleetStatus(std::function<nlohmann::json()> fn) { fleet_status_ = std::move(fn); }
  // The connection closed (for the clients it described).
  void Closed(const Connection* conn) { clients_->Closed(conn); }
  static nlohmann::json Error(const nlohmann::json& id, const std::string& code,
                              const std::string& message);

 private:
  // What Dispatch answers: a reply object, or for a successful scan the reply's parts (with the
  // result and rules they view), which the server writes straight to bytes.
  struct Answer {
    nlohmann::json reply;
    bool scanned = false;
    ScanReply scan;
    ScanResult result;
    std::shared_ptr<const ActiveRules> rules;
  };
  // `text`: the request's "text" when it was kept out of `req` (ipc::Request), else null.
  void Dispatch(const nlohmann::json& req, const std::string_view* text,
                const ipc::PeerIdentity& peer, const std::shared_ptr<Connection>& conn, Answer* out);
  // An error reply, or null with out->scan filled.
  nlohmann::json Scan(const nlohmann::json& req, const std::string_view* text,
                      const ipc::PeerIdentity& peer, const Connection* conn, Answer* out);
  nlohmann::json Attachment(const nlohmann::json& req, const ipc::PeerIdentity& peer);
  nlohmann::json Policy();
  nlohmann::json Rules();
  nlohmann::json Hello(const nlohmann::json& req, const ipc::PeerIdentity& peer, const Connection* conn);
  // Appends a finished incident to the audit log and tells the user's subscribers; false (and
  // logged) when the log refused it.
  bool Record(audit::Incident* inc, const ipc::PeerIdentity& peer);
  nlohmann::json Decide(const nlohmann::json& req, const ipc::PeerIdentity& peer);
  nlohmann::json History(const nlohmann::json& req, const ipc::PeerIdentity& peer);
  nlohmann::json Status(const ipc::PeerIdentity& peer);
  nlohmann::json Reload();

  ServiceInfo info_;
  BundleManager* bundles_;
  audit::AuditLog* audit_;
  WorkerPool* pool_;
  Subscribers* subs_;
  Clients* clients_;
  std::function<nlohmann::json()> fleet_status_;
};

// The Vietnamese and English names of the rule (or aggregate) behind a finding.
std::pair<std::string, std::string> RuleNames(const RulePack& pack, const Finding& f);
// The same, viewing the pack (or the finding).
std::pair<std::string_view, std::string_view> RuleNameViews(const RulePack& pack, const Finding& f);
// What a person reads about a verdict, in Vietnamese and English.
nlohmann::json VerdictMessage(const ScanResult& r, const RulePack& pack);
std::pair<std::string, std::string> VerdictTexts(const ScanResult& r, const RulePack& pack);
// What a person reads about a file that could not be scanned.
nlohmann::json UnscannableMessage(Action action, const std::string& file_name);
// The text with every finding replaced by a typed placeholder ("[CCCD]", "[SĐT]").
std::string Redact(std::string_view text, const ScanResult& r);
nlohmann::json IncidentJson(const audit::Incident& inc);
nlohmann::json BundleJson(const ActiveRules& rules);

}  // namespace dlp::agentd

#endif  // DLP_SERVICE_AGENTD_HANDLER_H_
