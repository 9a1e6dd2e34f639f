#include "fleet/syslog_forwarder.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ostream>
#include <streambuf>

#include "fleet/files.h"

namespace dlp::fleet {
namespace {

using nlohmann::json;

// An output stream buffer that keeps whole lines, at most `max`, then fails: ExportNdjson stops
// at the first failed write, which is how a batch is cut without loading the whole backlog.
class LineSink : public std::streambuf {
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
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    for (std::streamsize i = 0; i < n; ++i)
      if (traits_type::eq_int_type(overflow(traits_type::to_int_type(s[i])), traits_type::eof()))
        return i;
    return n;
  }

 private:
  size_t max_;
  std::string current_;
};

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
    }
  }
  if (cursor_.log_id.empty()) {
    cursor_ = Cursor{RandomHex(8), "", 0};
    if (Status s = SaveCursor(); !s.ok()) return s;
  }
  thread_ = std::thread([this] { Run(); });
  return Status::OK();
}

void SyslogForwarder::Stop() {
  if (!thread_.joinable()) return;
  {
    std::unique_lock<std::mutex> lock(mu_);
    stop_ = true;
    cv_.notify_all();
    // An idle thread leaves at once and closes the connection properly (TLS close_notify); one
    // blocked on a stalled collector is unblocked after a moment instead of after its timeout.
    if (!cv_.wait_for(lock, std::chrono::seconds(1), [this] { return exited_; }) && stream_)
      stream_->Abort();
  }
  if (thread_.joinable()) thread_.join();
}

bool SyslogForwarder::Sleep(int ms) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stop_.load(); });
  return !stop_;
}

Status SyslogForwarder::SaveCursor() {
  json j = {{"log_id", cursor_.log_id}, {"last_id", cursor_.last_id},
            {"last_hash", cursor_.last_hash}};
  return WriteFileAtomic(cursor_path_, j.dump() + "\n");
}

void SyslogForwarder::NewLog(const std::string& why) {
  cursor_ = Cursor{RandomHex(8), "", 0};
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

Status SyslogForwarder::Deliver(const std::vector<json>& docs) {
  bool reconnect = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    reconnect = !stream_ || !stream_->Alive();
    if (reconnect) stream_.reset();
  }
  if (reconnect) {
    std::unique_ptr<SyslogStream> fresh;
    if (Status s = SyslogStream::Open(host_, port_, stream_opt_, &fresh); !s.ok()) return s;
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return Status::IOError("stopping");
    stream_ = std::move(fresh);
    if (hooks_.info) hooks_.info("siem: connected to " + opt_.url);
  }
  std::string frames;
  for (const json& doc : docs)
    frames += OctetCountedFrame(FormatIncident(doc, cursor_.log_id, getpid(), format_));
  Status s = stream_->Write(frames);
  if (s.ok()) s = stream_->WaitDelivered(stream_opt_.io_timeout_ms);
  if (!s.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    stream_.reset();
  }
  return s;
}

void SyslogForwarder::Run() {
  RunLoop();
  std::lock_guard<std::mutex> lock(mu_);
  stream_.reset();
  exited_ = true;
  cv_.notify_all();
}

void SyslogForwarder::RunLoop() {
  while (!stop_) {
    std::vector<json> docs;
    Status s = NextBatch(&docs);
    if (s.ok() && docs.empty()) {
      if (!Sleep(opt_.poll_ms)) return;
      continue;
    }
    if (s.ok()) s = Deliver(docs);
    if (stop_) return;
    if (s.ok()) {
      cursor_.last_id = IncidentId(docs.back());
      cursor_.last_hash = RowHash(docs.back());
      if (Status c = SaveCursor(); !c.ok() && hooks_.warning) hooks_.warning("siem: " + c.message());
      if (failures_ > 0 && hooks_.info)
        hooks_.info("siem: delivering again after " + std::to_string(failures_) + " failed attempts");
      failures_ = 0;
      continue;
    }
    ++failures_;
    double backoff = std::min<double>(opt_.max_backoff_s, std::pow(2.0, std::min(failures_ - 1, 20)));
    int delay_ms = static_cast<int>(1000 * backoff * std::uniform_real_distribution<double>(0.75, 1.25)(rng_));
    if (hooks_.warning)
      hooks_.warning("siem: " + s.message() + "; " + std::to_string(docs.size()) +
                     " incident(s) wait in the audit log; next try in " +
                     std::to_string((delay_ms + 500) / 1000) + " s");
    if (!Sleep(delay_ms)) return;
  }
}

}  // namespace dlp::fleet
