// Fuzz target: dlp-agentd's request handling, as a connection thread runs it after framing:
// JSON parse, the object and depth checks of service/agentd/server.cc, then Handler::Handle with
// the real bundle manager (built-in pack), audit log, worker pool, subscribers and clients.
//
// Input: one byte choosing the caller (bit 0: uid 1000 or 1001, so decide/history cross users)
// and the path (bit 1: the server's byte path, ipc::ParseRequest and the byte reply), then the
// request payload. Checks: the reply is a JSON object carrying "v": 1, "ok" and the echoed
// id; errors have a known code; replies dump without throwing; and nothing the fuzzer sends can
// reach another user's incident (a decide on an incident of the other user is forbidden).
//
// The state directory is on /dev/shm when it exists (the audit log syncs every append).
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "agentd/bundle_manager.h"
#include "agentd/clients.h"
#include "agentd/handler.h"
#include "agentd/paths.h"
#include "agentd/subscribers.h"
#include "agentd/worker_pool.h"
#include "audit/audit_log.h"
#include "ipc/json_depth.h"
#include "ipc/json_parse.h"

namespace {

using nlohmann::json;
namespace ag = dlp::agentd;

struct Service {
  ag::Paths paths;
  std::unique_ptr<dlp::audit::AuditLog> audit;
  std::unique_ptr<ag::BundleManager> bundles;
  std::unique_ptr<ag::WorkerPool> pool;
  std::unique_ptr<ag::Subscribers> subs;
  std::unique_ptr<ag::Clients> clients;
  std::unique_ptr<ag::Handler> handler;
  int64_t other_users_incident = 0;  // belongs to uid 4242, which the fuzzer never is
};
Service* g = nullptr;

void Check(bool ok, const char* what, const json& detail) {
  if (!ok) {
    fprintf(stderr, "fuzz_agentd_handler: invariant broken: %s: %s\n", what,
            detail.dump(-1, ' ', false, json::error_handler_t::replace).substr(0, 500).c_str());
    abort();
  }
}

dlp::ipc::PeerIdentity Peer(uint32_t uid) {
  dlp::ipc::PeerIdentity p;
  p.uid = uid;
  p.gid = uid;
  p.pid = 1;
  p.user = "uid:" + std::to_string(uid);
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::string base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  std::string tmpl = base + "/fuzz-agentd-XXXXXX";
  if (!mkdtemp(tmpl.data())) abort();
  g = new Service;
  g->paths.user_mode = true;
  g->paths.socket = tmpl + "/run/agent.sock";
  g->paths.state_dir = tmpl + "/state";
  g->paths.bundle_dir = tmpl + "/bundles";
  g->paths.trusted_keys = tmpl + "/keys";
  std::filesystem::create_directories(g->paths.bundle_dir);
  std::filesystem::create_directories(g->paths.trusted_keys);
  if (!ag::PrepareDirectories(g->paths).ok()) abort();
  std::string note;
  if (!dlp::audit::AuditLog::Open(g->paths.audit_db(), g->paths.install_key(), &g->audit, &note).ok())
    abort();
  g->bundles = std::make_unique<ag::BundleManager>(g->paths);
  if (!g->bundles->Start().ok()) abort();
  g->pool = std::make_unique<ag::WorkerPool>(1, 64);
  g->subs = std::make_unique<ag::Subscribers>();
  g->clients = std::make_unique<ag::Clients>();
  g->handler = std::make_unique<ag::Handler>(ag::ServiceInfo{"0.1.0", "user", "fuzzhost"},
                                             g->bundles.get(), g->audit.get(), g->pool.get(),
                                             g->subs.get(), g->clients.get());
  // Another user's incident, for the isolation check.
  auto conn = std::make_shared<ag::Connection>();
  json r = g->handler->Handle({{"v", 1}, {"id", 1}, {"op", "scan"}, {"text", "Số CCCD 001085012345"},
                               {"channel", "paste"}, {"destination", "chatgpt.com"}},
                              Peer(4242), conn);
  if (!r.contains("incident")) abort();
  g->other_users_incident = r["incident"].get<int64_t>();
  g->handler->Closed(conn.get());
  // The service's log is one line per request on stderr: ctest and fuzz/run.sh pass
  // -close_fd_mask=2, which keeps libFuzzer's and the sanitizers' output and drops the rest.
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 256 * 1024) return 0;
  const uint32_t uid = 1000 + (data[0] & 1);
  json req = json::parse(reinterpret_cast<const char*>(data + 1),
                         reinterpret_cast<const char*>(data + size), nullptr, false);
  if (req.is_discarded() || !req.is_object() || dlp::ipc::NestedDeeperThan(req, dlp::ipc::kMaxJsonDepth)) return 0;
  // A connection whose socket is /dev/null: pushed events are written and go nowhere.
  auto conn = std::make_shared<ag::Connection>();
  conn->fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  conn->uid = uid;
  // Bit 1 of the first byte: the server's own path (the paste's text viewed in the parsed
  // message, the scan reply written straight to bytes), whose bytes must be JSON that passes the
  // same checks; otherwise Handle on the nlohmann object.
  json reply;
  if (data[0] & 2) {
    dlp::ipc::Request parsed;
    const std::string_view payload(reinterpret_cast<const char*>(data + 1), size - 1);
    if (dlp::ipc::ParseRequest(payload, /*padded=*/false, dlp::ipc::kMaxJsonDepth, &parsed) !=
        dlp::ipc::ParseResult::kOk)
      Check(false, "ParseRequest refused what nlohmann accepted", req);
    std::string bytes;
    const bool ok = g->handler->Handle(parsed, Peer(uid), conn, &bytes);
    reply = json::parse(bytes, nullptr, false);
    Check(!reply.is_discarded(), "reply bytes are not JSON", json(bytes.substr(0, 500)));
    Check(reply.is_object() && reply.value("ok", !ok) == ok, "Handle's ok differs from the reply's", reply);
  } else {
    reply = g->handler->Handle(req, Peer(uid), conn);
  }
  g->subs->Remove(conn.get());
  g->handler->Closed(conn.get());
  {
    std::lock_guard<std::mutex> lock(conn->write_mu);
    conn->dead = true;
    close(conn->fd);
  }

  Check(reply.is_object(), "reply is not an object", reply);
  Check(reply.contains("v") && reply["v"] == 1, "reply without v:1", reply);
  Check(reply.contains("ok") && reply["ok"].is_boolean(), "reply without ok", reply);
  Check(reply.contains("id") && reply["id"] == (req.contains("id") ? req["id"] : json()),
        "id not echoed", reply);
  static const std::set<std::string> kCodes = {"bad_request", "unsupported_version", "unknown_op",
                                               "too_large", "not_json", "not_found", "forbidden",
                                               "busy", "internal"};
  if (reply["ok"] == false) {
    Check(reply.contains("error") && reply["error"].contains("code") && reply["error"]["code"].is_string() &&
              kCodes.count(reply["error"]["code"].get<std::string>()),
          "error without a known code", reply);
    // The only internal errors allowed are the audit log's; the handler never loses a verdict.
    Check(reply["error"]["code"] != "internal", "internal error", reply);
  }
  (void)reply.dump(-1, ' ', false, json::error_handler_t::replace);
  if (req.contains("op") && req["op"] == "decide" && req.contains("incident") &&
      req["incident"] == g->other_users_incident && reply["ok"] == true)
    Check(false, "decided another user's incident", reply);
  if (req.contains("op") && req["op"] == "history" && reply["ok"] == true)
    for (const auto& inc : reply["incidents"])
      Check(inc["incident"] != g->other_users_incident, "history shows another user's incident", reply);
  return 0;
}
