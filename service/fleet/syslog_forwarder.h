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
// Decisions: a user's answer to a warning (continue, cancel, false_alarm) is its own row in the
// audit log and goes out as its own message (MSGID "decision", id "<incident's id>/decision"),
// after the incident it answers, from a second cursor (the decision row's sequence number) in
// the same file. The justification the user typed is free text (anything may be pasted into
// it): only its length leaves the machine.
//
// Idle: the thread sleeps until Notify() (called by the service each time the audit log gets a
// row) or a long safety-net timeout; there is no short polling timer.
//
// Scans never wait for it: the forwarder only reads the audit log, through its own read-only
// connection, a stalled collector stalls only this thread, and Notify() takes one uncontended
// lock.
//
// Thread safety: Start and Stop from one thread; Notify and GetStatus from any thread.
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
  // Safety net: the audit log is looked at after this long without a Notify() (a row written by
  // another process, a missed wake-up). Not a polling interval.
  int idle_wait_ms = 300000;
  int max_backoff_s = 300;      // cap of the wait between reconnection attempts
  int batch = 100;              // incidents per write
};

struct ForwarderHooks {
  std::function<void(const std::string&)> info, warning;
  // Decision rows with seq > after_seq, oldest first, at most max. Unset: decisions are not
  // forwarded as their own messages (an incident sent after its decision still carries it).
  std::function<Status(int64_t after_seq, size_t max, std::vector<DecisionEvent>* out)> decisions;
};

// The forwarder's state for `status`.
struct ForwarderStatus {
  std::string collector, format;
  bool connected = false;        // a connection is open (as of the last delivery)
  int64_t backlog = 0;           // incidents in the audit log not yet confirmed delivered
  bool backlog_capped = false;   // backlog is a lower bound (counting stopped)
  int64_t delivered_incident = 0;  // the last incident confirmed delivered (the cursor)
  int64_t delivered_decision = 0;  // the last decision row confirmed delivered
  std::string last_delivery;     // when the collector last confirmed a batch ("" = never)
  std::string last_error;        // "" when the last attempt succeeded
  std::string last_error_time;
  int consecutive_failures = 0;
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
  // Something was written to the audit log: look at it now. Cheap; never blocks on the network.
  void Notify();
  ForwarderStatus GetStatus() const;

 private:
  struct Cursor {
    std::string log_id, last_hash;
    int64_t last_id = 0;
    int64_t last_decision = 0;  // seq of the last decision row delivered
  };
  void Run();
  void RunLoop();
  // The next messages to send (incidents first, then decisions of delivered incidents) and the
  // cursor once they are delivered; none when caught up.
  Status NextWork(std::vector<std::string>* messages, Cursor* next);
  Status NextBatch(std::vector<nlohmann::json>* docs);
  Status ReadDocs(int64_t after_id, size_t max, std::vector<nlohmann::json>* docs);
  Status Deliver(const std::vector<std::string>& messages);
  void NewLog(const std::string& why);
  Status SaveCursor();
  bool Sleep(int ms);  // false when stopping; only Stop wakes it (backoff)
  bool WaitForWork();  // false when stopping; Notify, Stop or the safety net wake it
  void Record(bool ok, const std::string& error);

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
  mutable std::mutex wake_mu_;  // guards pending_ and the waits; never held across I/O
  std::condition_variable cv_;
  bool pending_ = false;  // Notify() since the audit log was last read
  std::mutex mu_;  // guards stream_ (Abort from Stop) and exited_
  std::condition_variable exit_cv_;
  std::unique_ptr<SyslogStream> stream_;
  bool exited_ = false;  // the thread has left RunLoop
  std::thread thread_;

  mutable std::mutex status_mu_;
  ForwarderStatus status_;
  bool caught_up_ = false;  // the last look found nothing to send (guarded by status_mu_)
};

// Splits "tls://host:port" / "tcp://[::1]:514"; *tls says which.
Status ParseSyslogUrl(const std::string& url, bool* tls, std::string* host, int* port);

}  // namespace dlp::fleet

#endif  // DLP_SERVICE_FLEET_SYSLOG_FORWARDER_H_
