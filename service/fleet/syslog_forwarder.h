// Incidents to the SIEM: RFC 5424 syslog over TLS (RFC 5425), at least once.
//
// The audit log is the durable queue: incidents stay in it until retention (a year by default),
// so the forwarder keeps only a cursor, <state dir>/siem-cursor.json = the last incident whose
// delivery was confirmed (its id and its chain hash) and the log id. On its own thread it reads
// the incidents after the cursor from the audit log (ExportNdjson, in batches), writes them as
// octet-counted frames, waits until the collector's TCP has acknowledged every byte with the
// connection still open (SyslogStream::WaitDelivered), and only then moves the cursor on. After
// a collector outage, a network failure or a restart of the service it resumes from the cursor;
// a batch whose delivery was not confirmed is sent again, so the collector may see a message
// twice, never zero times. Each message carries a stable id, "<host>/<log id>/<incident id>",
// for the collector to drop duplicates.
//
// The log id is random, made with the cursor, and replaced when the audit log turns out to be a
// different database (moved aside as corrupt and started afresh: the cursor's row is gone or
// has another hash), so restarted incident numbers never collide with delivered ones.
//
// Scans never wait for it: the forwarder only reads the audit log, through its own read-only
// connection, and a stalled collector stalls only this thread.
//
// Thread safety: Start and Stop from one thread.
#ifndef DLP_SERVICE_FLEET_SYSLOG_FORWARDER_H_
#define DLP_SERVICE_FLEET_SYSLOG_FORWARDER_H_

#include <nlohmann/json.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "audit/audit_log.h"
#include "fleet/syslog_format.h"
#include "fleet/syslog_stream.h"

namespace dlp::fleet {

struct ForwarderOptions {
  std::string url;              // tls://HOST[:PORT] (default port 6514) | tcp://HOST[:PORT] (514)
  std::string ca_file, cert_file, key_file, server_name;  // see StreamOptions
  std::string format = "rfc5424";  // | "ecs"
  std::string state_dir;        // siem-cursor.json
  int poll_ms = 1000;           // how often the audit log is looked at when idle
  int max_backoff_s = 300;      // cap of the wait between reconnection attempts
  int batch = 100;              // incidents per write
};

struct ForwarderHooks {
  std::function<void(const std::string&)> info, warning;
};

class SyslogForwarder {
 public:
  SyslogForwarder(ForwarderOptions opt, ForwarderHooks hooks, audit::AuditLog* log);
  ~SyslogForwarder();  // Stop()
  SyslogForwarder(const SyslogForwarder&) = delete;
  SyslogForwarder& operator=(const SyslogForwarder&) = delete;

  // Checks the options, loads the cursor, starts the thread.
  Status Start();
  void Stop();

 private:
  struct Cursor {
    std::string log_id, last_hash;
    int64_t last_id = 0;
  };
  void Run();
  void RunLoop();
  Status NextBatch(std::vector<nlohmann::json>* docs);
  Status ReadDocs(int64_t after_id, size_t max, std::vector<nlohmann::json>* docs);
  Status Deliver(const std::vector<nlohmann::json>& docs);
  void NewLog(const std::string& why);
  Status SaveCursor();
  bool Sleep(int ms);  // false when stopping

  const ForwarderOptions opt_;
  const ForwarderHooks hooks_;
  audit::AuditLog* const log_;
  std::string host_;
  int port_ = 0;
  StreamOptions stream_opt_;
  SyslogFormat format_ = SyslogFormat::kRfc5424;
  std::string cursor_path_;
  Cursor cursor_;
  int failures_ = 0;
  std::mt19937_64 rng_;

  std::atomic<bool> stop_{false};
  std::mutex mu_;  // guards stream_ (Abort from Stop) and the wait
  std::condition_variable cv_;
  std::unique_ptr<SyslogStream> stream_;
  bool exited_ = false;  // the thread has left RunLoop (guarded by mu_)
  std::thread thread_;
};

// Splits "tls://host:port" / "tcp://[::1]:514"; *tls says which.
Status ParseSyslogUrl(const std::string& url, bool* tls, std::string* host, int* port);

}  // namespace dlp::fleet

#endif  // DLP_SERVICE_FLEET_SYSLOG_FORWARDER_H_
