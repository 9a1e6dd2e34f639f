#include "fleet/syslog_forwarder.h"

#include <unistd.h>

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <ostream>
#include <streambuf>

#include "fleet/files.h"

namespace dlp::fleet {
namespace {

using nlohmann::json;

// A stream buffer without a buffer: every character goes to overflow(), which may refuse it
// (the write then fails there, which is how ExportNdjson is stopped mid-export).
class CharByChar : public std::streambuf {
 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    for (std::streamsize i = 0; i < n; ++i)
      if (traits_type::eq_int_type(overflow(traits_type::to_int_type(s[i])), traits_type::eof()))
        return i;
    return n;
  }
};

// An output stream buffer that keeps whole lines, at most `max`, then fails: ExportNdjson stops
// at the first failed write, which is how a batch is cut without loading the whole backlog.
class LineSink : public CharByChar {
 public:
  explicit LineSink(size_t max) : max_(max) {}
  std::vector<std::string> lines;
  bool full() const { return lines.size() >= max_; }

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    if (full()) return traits_type::eof();
    if (c == '\n') {
      lines.push_back(std::move(current_));
      current_.clear();
    } else {
      current_.push_back(static_cast<char>(c));
    }
    return c;
  }

 private:
  size_t max_;
  std::string current_;
};

// Counts lines, at most `max`, then fails (which ends the export).
class LineCounter : public CharByChar {
 public:
  explicit LineCounter(int64_t max) : max_(max) {}
  int64_t lines = 0;
  bool full() const { return lines >= max_; }

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    if (full()) return traits_type::eof();
    if (c == '\n') ++lines;
    return c;
  }

 private:
  int64_t max_;
};

constexpr int64_t kMaxBacklogCount = 100000;

std::string UtcNow() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int64_t IncidentId(const json& doc) {
  try {
    return std::stoll(doc.at("event").at("id").get<std::string>());
  } catch (...) {
    return 0;
  }
}

std::string RowHash(const json& doc) {
  return doc.contains("event") ? doc["event"].value("hash", "") : "";
}

}  // namespace

Status ParseSyslogUrl(const std::string& url, bool* tls, std::string* host, int* port) {
  std::string rest;
  if (url.rfind("tls://", 0) == 0) { *tls = true; rest = url.substr(6); }
  else if (url.rfind("tcp://", 0) == 0) { *tls = false; rest = url.substr(6); }
  else return Status::InvalidArgument("siem: expected tls://HOST:PORT or tcp://HOST:PORT, got " + url);
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  std::string port_text;
  if (!rest.empty() && rest[0] == '[') {  // [::1]:6514
    size_t close = rest.find(']');
    if (close == std::string::npos) return Status::InvalidArgument("siem: bad address in " + url);
    *host = rest.substr(1, close - 1);
    if (close + 1 < rest.size() && rest[close + 1] == ':') port_text = rest.substr(close + 2);
  } else {
    size_t colon = rest.rfind(':');
    *host = rest.substr(0, colon);
    if (colon != std::string::npos) port_text = rest.substr(colon + 1);
  }
  *port = port_text.empty() ? (*tls ? 6514 : 514) : std::atoi(port_text.c_str());
  if (host->empty() || *port <= 0 || *port > 65535)
    return Status::InvalidArgument("siem: bad host or port in " + url);
  return Status::OK();
}

SyslogForwarder::SyslogForwarder(ForwarderOptions opt, ForwarderHooks hooks, audit::AuditLog* log)
    : opt_(std::move(opt)), hooks_(std::move(hooks)), log_(log), rng_(std::random_device{}()) {
  cursor_path_ = opt_.state_dir + "/siem-cursor.json";
  status_.collector = opt_.url;
  status_.format = opt_.format;
}

SyslogForwarder::~SyslogForwarder() { Stop(); }

Status SyslogForwarder::Start() {
  if (Status s = ParseSyslogUrl(opt_.url, &stream_opt_.tls, &host_, &port_); !s.ok()) return s;
  if (opt_.format == "rfc5424") format_ = SyslogFormat::kRfc5424;
  else if (opt_.format == "ecs") format_ = SyslogFormat::kEcs;
  else return Status::InvalidArgument("siem-format must be rfc5424 or ecs, not " + opt_.format);
  for (const std::string& f : {opt_.ca_file, opt_.cert_file, opt_.key_file})
    if (!f.empty() && access(f.c_str(), R_OK) != 0)
      return Status::InvalidArgument("siem: cannot read " + f);
  if (!opt_.key_file.empty() && opt_.cert_file.empty())
    return Status::InvalidArgument("siem-key needs siem-cert");
  if (!stream_opt_.tls && hooks_.warning)
    hooks_.warning("siem: plain tcp:// sends incidents unencrypted; use it only to a relay on this "
                   "machine");
  stream_opt_.ca_file = opt_.ca_file;
  stream_opt_.cert_file = opt_.cert_file;
  stream_opt_.key_file = opt_.key_file;
  stream_opt_.server_name = opt_.server_name;

  std::string text;
  if (ReadWholeFile(cursor_path_, &text).ok()) {
    json j = json::parse(text, nullptr, false);
    if (j.is_object()) {
      cursor_.log_id = j.value("log_id", "");
      cursor_.last_id = j.value("last_id", int64_t{0});
      cursor_.last_hash = j.value("last_hash", "");
      // A cursor of a version that did not forward decisions: the decisions already in the
      // log went out inside their incidents; start with those made from now on.
      cursor_.last_decision = j.value("last_decision", int64_t{-1});
    }
  }
  if (cursor_.log_id.empty()) cursor_ = Cursor{RandomHex(8), "", 0, 0};
  if (cursor_.last_decision < 0) {
    cursor_.last_decision = 0;
    std::vector<DecisionEvent> all;
    if (hooks_.decisions) {
      for (int64_t after = 0;; after = all.back().seq) {
        if (!hooks_.decisions(after, 1000, &all).ok() || all.empty()) break;
        cursor_.last_decision = all.back().seq;
      }
    }
  }
  if (Status s = SaveCursor(); !s.ok()) return s;
  {
    std::lock_guard<std::mutex> lock(status_mu_);
    status_.delivered_incident = cursor_.last_id;
    status_.delivered_decision = cursor_.last_decision;
  }
  thread_ = std::thread([this] { Run(); });
  return Status::OK();
}

void SyslogForwarder::Stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    stop_ = true;
  }
  cv_.notify_all();
  {
    // An idle thread leaves at once and closes the connection properly (TLS close_notify); one
    // blocked on a stalled collector is unblocked after a moment instead of after its timeout.
    std::unique_lock<std::mutex> lock(mu_);
    if (!exit_cv_.wait_for(lock, std::chrono::seconds(1), [this] { return exited_; }) && stream_)
      stream_->Abort();
  }
  if (thread_.joinable()) thread_.join();
}

void SyslogForwarder::Notify() {
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    pending_ = true;
  }
  cv_.notify_one();
}

bool SyslogForwarder::Sleep(int ms) {
  std::unique_lock<std::mutex> lock(wake_mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stop_.load(); });
  return !stop_;
}

bool SyslogForwarder::WaitForWork() {
  std::unique_lock<std::mutex> lock(wake_mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(std::max(opt_.idle_wait_ms, 1)),
               [this] { return stop_.load() || pending_; });
  return !stop_;
}

ForwarderStatus SyslogForwarder::GetStatus() const {
  ForwarderStatus st;
  bool caught_up = false;
  {
    std::lock_guard<std::mutex> lock(status_mu_);
    st = status_;
    caught_up = caught_up_;
  }
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    if (pending_) caught_up = false;
  }
  st.backlog = 0;
  if (!caught_up) {
    // Counted on the caller's thread through the log's own read-only connection, only while
    // something waits (an idle, caught-up forwarder answers 0 without reading).
    LineCounter counter(kMaxBacklogCount);
    std::ostream out(&counter);
    log_->ExportNdjson(out, st.delivered_incident);
    st.backlog = counter.lines;
    st.backlog_capped = counter.full();
  }
  return st;
}

void SyslogForwarder::Record(bool ok, const std::string& error) {
  std::lock_guard<std::mutex> lock(status_mu_);
  if (ok) {
    status_.last_error.clear();
    status_.last_error_time.clear();
    status_.consecutive_failures = 0;
    status_.last_delivery = UtcNow();
    status_.delivered_incident = cursor_.last_id;
    status_.delivered_decision = cursor_.last_decision;
  } else {
    status_.last_error = error;
    status_.last_error_time = UtcNow();
    status_.consecutive_failures = failures_;
  }
}

Status SyslogForwarder::SaveCursor() {
  json j = {{"log_id", cursor_.log_id}, {"last_id", cursor_.last_id},
            {"last_hash", cursor_.last_hash}, {"last_decision", cursor_.last_decision}};
  return WriteFileAtomic(cursor_path_, j.dump() + "\n");
}

void SyslogForwarder::NewLog(const std::string& why) {
  cursor_ = Cursor{RandomHex(8), "", 0, 0};
  SaveCursor();
  if (hooks_.warning)
    hooks_.warning("siem: " + why + "; forwarding it from its first incident as log " +
                   cursor_.log_id);
}

Status SyslogForwarder::ReadDocs(int64_t after_id, size_t max, std::vector<json>* docs) {
  docs->clear();
  LineSink sink(max);
  std::ostream out(&sink);
  Status s = log_->ExportNdjson(out, after_id);
  if (!s.ok() && !sink.full()) return s;  // a full sink fails the export on purpose
  for (const std::string& line : sink.lines) {
    json doc = json::parse(line, nullptr, false);
    if (doc.is_object() && IncidentId(doc) > 0) docs->push_back(std::move(doc));
  }
  return Status::OK();
}

Status SyslogForwarder::NextBatch(std::vector<json>* docs) {
  const size_t batch = static_cast<size_t>(std::max(opt_.batch, 1));
  if (cursor_.last_id == 0) return ReadDocs(0, batch, docs);
  // The cursor's own row comes first, to check it is still the same database.
  if (Status s = ReadDocs(cursor_.last_id - 1, batch + 1, docs); !s.ok()) return s;
  if (!docs->empty() && IncidentId(docs->front()) == cursor_.last_id) {
    if (RowHash(docs->front()) == cursor_.last_hash) {
      docs->erase(docs->begin());
      return Status::OK();
    }
    NewLog("the audit log is not the one forwarded so far (incident " +
           std::to_string(cursor_.last_id) + " differs)");
    return ReadDocs(0, batch, docs);
  }
  if (!docs->empty()) return Status::OK();  // the cursor's row went to retention; the rest is new
  // Nothing at or after the cursor: normal when idle, unless older rows exist without it.
  std::vector<json> first;
  if (Status s = ReadDocs(0, 1, &first); !s.ok()) return s;
  if (!first.empty()) {
    NewLog("the audit log was started afresh (incident " + std::to_string(cursor_.last_id) +
           " is gone)");
    return ReadDocs(0, batch, docs);
  }
  return Status::OK();
}

Status SyslogForwarder::NextWork(std::vector<std::string>* messages, Cursor* next) {
  messages->clear();
  std::vector<json> docs;
  if (Status s = NextBatch(&docs); !s.ok()) return s;  // may start a new log (cursor_ reset)
  *next = cursor_;
  if (!docs.empty()) {
    for (const json& doc : docs)
      messages->push_back(FormatIncident(doc, cursor_.log_id, getpid(), format_));
    next->last_id = IncidentId(docs.back());
    next->last_hash = RowHash(docs.back());
    return Status::OK();
  }
  if (!hooks_.decisions) return Status::OK();
  std::vector<DecisionEvent> decisions;
  if (Status s = hooks_.decisions(cursor_.last_decision,
                                  static_cast<size_t>(std::max(opt_.batch, 1)), &decisions);
      !s.ok())
    return s;
  for (const DecisionEvent& d : decisions) {
    // Never a decision before its incident: one written since the incidents were read waits
    // for the next round (its incident's write woke the thread again).
    if (d.incident_id > cursor_.last_id) break;
    messages->push_back(FormatDecision(d, cursor_.log_id, getpid(), format_));
    next->last_decision = d.seq;
  }
  return Status::OK();
}

Status SyslogForwarder::Deliver(const std::vector<std::string>& messages) {
  bool reconnect = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    reconnect = !stream_ || !stream_->Alive();
    if (reconnect) stream_.reset();
  }
  if (reconnect) {
    std::lock_guard<std::mutex> slock(status_mu_);
    status_.connected = false;
  }
  if (reconnect) {
    std::unique_ptr<SyslogStream> fresh;
    if (Status s = SyslogStream::Open(host_, port_, stream_opt_, &fresh); !s.ok()) return s;
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return Status::IOError("stopping");
    stream_ = std::move(fresh);
    if (hooks_.info) hooks_.info("siem: connected to " + opt_.url);
    std::lock_guard<std::mutex> slock(status_mu_);
    status_.connected = true;
  }
  std::string frames;
  for (const std::string& m : messages) frames += OctetCountedFrame(m);
  Status s = stream_->Write(frames);
  if (s.ok()) s = stream_->WaitDelivered(stream_opt_.io_timeout_ms);
  if (!s.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    stream_.reset();
    std::lock_guard<std::mutex> slock(status_mu_);
    status_.connected = false;
  }
  return s;
}

void SyslogForwarder::Run() {
  pthread_setname_np(pthread_self(), "dlp-siem");  // for top -H and idle wake-up counts
  RunLoop();
  std::lock_guard<std::mutex> lock(mu_);
  stream_.reset();
  exited_ = true;
  exit_cv_.notify_all();
}

void SyslogForwarder::RunLoop() {
  while (!stop_) {
    {
      std::lock_guard<std::mutex> lock(wake_mu_);
      pending_ = false;  // a Notify from now on means another look
    }
    std::vector<std::string> messages;
    Cursor next;
    Status s = NextWork(&messages, &next);
    if (s.ok() && messages.empty()) {
      {
        std::lock_guard<std::mutex> lock(status_mu_);
        caught_up_ = true;
      }
      if (!WaitForWork()) return;
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(status_mu_);
      caught_up_ = false;
    }
    if (s.ok()) s = Deliver(messages);
    if (stop_) return;
    if (s.ok()) {
      cursor_ = next;
      if (Status c = SaveCursor(); !c.ok() && hooks_.warning) hooks_.warning("siem: " + c.message());
      if (failures_ > 0 && hooks_.info)
        hooks_.info("siem: delivering again after " + std::to_string(failures_) + " failed attempts");
      failures_ = 0;
      Record(true, "");
      continue;
    }
    ++failures_;
    Record(false, s.message());
    double backoff = std::min<double>(opt_.max_backoff_s, std::pow(2.0, std::min(failures_ - 1, 20)));
    int delay_ms = static_cast<int>(1000 * backoff * std::uniform_real_distribution<double>(0.75, 1.25)(rng_));
    if (hooks_.warning)
      hooks_.warning("siem: " + s.message() + "; " + std::to_string(messages.size()) +
                     " message(s) wait in the audit log; next try in " +
                     std::to_string((delay_ms + 500) / 1000) + " s");
    if (!Sleep(delay_ms)) return;
  }
}

}  // namespace dlp::fleet
