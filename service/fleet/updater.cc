#include "fleet/updater.h"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "dlp/bundle.h"
#include "fleet/files.h"
#include "fleet/http_fetch.h"

namespace dlp::fleet {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr char kPrefix[] = "fleet-";  // the names the updater owns in the bundle directory
// The two slots: a new download goes to the one not holding the active bundle, so the active
// bundle's file stays on disk until its successor is accepted.
constexpr const char* kSlots[] = {"fleet-a.dlpb", "fleet-b.dlpb"};

std::string UtcNow(double in_seconds = 0) {
  std::time_t t = std::time(nullptr) + static_cast<std::time_t>(in_seconds + 0.5);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// A file's identity for "did the directory source change": path, size and mtime.
std::string Stamp(const fs::path& p) {
  std::error_code ec;
  auto size = fs::file_size(p, ec);
  auto mtime = fs::last_write_time(p, ec).time_since_epoch().count();
  return "dir:" + p.string() + ":" + std::to_string(size) + ":" + std::to_string(mtime);
}

// The local path of a directory source: a plain path, or a file:// URL naming a directory.
std::string DirectorySource(const std::string& url) {
  std::string path = url.rfind("file://", 0) == 0 ? url.substr(7) : url;
  if (url.find("://") != std::string::npos && url.rfind("file://", 0) != 0) return "";
  std::error_code ec;
  return fs::is_directory(path, ec) ? path : "";
}

}  // namespace

Updater::Updater(UpdaterOptions opt, UpdaterHooks hooks)
    : opt_(std::move(opt)), hooks_(std::move(hooks)), rng_(std::random_device{}()) {
  download_dir_ = opt_.download_dir.empty() ? opt_.bundle_dir : opt_.download_dir;
  staging_ = download_dir_ + "/.staging";
  status_.source = opt_.url;
  state_path_ = opt_.state_dir + "/update-state.json";
}

Updater::~Updater() { Stop(); }

Status Updater::Start() {
  bool plain_path = opt_.url.find("://") == std::string::npos;
  if (opt_.url.empty()) return Status::InvalidArgument("update-url is empty");
  if (!plain_path && opt_.url.rfind("https://", 0) != 0 && opt_.url.rfind("http://", 0) != 0 &&
      opt_.url.rfind("file://", 0) != 0)
    return Status::InvalidArgument("update-url must be https://, http://, file:// or a directory: " +
                                   opt_.url);
  if (plain_path && opt_.url[0] != '/')
    return Status::InvalidArgument("update-url: a directory source must be an absolute path");
  if (!opt_.ca_file.empty() && !fs::is_regular_file(opt_.ca_file))
    return Status::InvalidArgument("update-ca: no such file " + opt_.ca_file);
  if (Status s = CheckLinks(); !s.ok()) return s;
  if (opt_.url.rfind("http://", 0) == 0 && hooks_.warning)
    hooks_.warning("update-url is plain http: bundles are still verified, but anyone on the path "
                   "can see which version this workstation runs");
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(staging_, ec)) fs::remove(e.path(), ec);  // stale parts
  LoadState();
  // Validators describe the bundle last installed; if something else is active now (the file
  // was removed, a newer one was dropped by hand), ask for the full body once more.
  std::string active_sha;
  uint64_t active_version = 0;
  hooks_.active(&active_sha, &active_version);
  if (active_sha != installed_sha_) etag_ = last_modified_ = "";
  GlobalInit();
  thread_ = std::thread([this] { Run(); });
  return Status::OK();
}

void Updater::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status Updater::CheckLinks() const {
  if (fs::path(download_dir_).lexically_normal() == fs::path(opt_.bundle_dir).lexically_normal())
    return Status::OK();
  for (const char* slot : kSlots) {
    fs::path link = fs::path(opt_.bundle_dir) / slot;
    fs::path want = fs::path(download_dir_) / slot;
    // The link's target, not the link resolved: a slot not in use is a dangling link.
    std::error_code ec1, ec2;
    fs::path target;
    if (fs::is_symlink(fs::symlink_status(link, ec1))) target = fs::read_symlink(link, ec1);
    if (target.is_relative()) target = link.parent_path() / target;
    if (ec1 || target.empty() ||
        fs::weakly_canonical(target, ec1) != fs::weakly_canonical(want, ec2) || ec1 || ec2)
      return Status::InvalidArgument(link.string() + " must be a symbolic link to " +
                                     want.string() + " (the bundle manager sees downloads there)");
  }
  return Status::OK();
}

UpdaterStatus Updater::GetStatus() const {
  std::lock_guard<std::mutex> lock(status_mu_);
  return status_;
}

void Updater::Report(const std::string& result, const std::string& message) {
  std::lock_guard<std::mutex> lock(status_mu_);
  status_.last_check = UtcNow();
  status_.last_result = result;
  status_.message = message;
  status_.consecutive_errors = result == "error" ? failures_ + 1 : 0;
}

double Updater::Jitter(double seconds) {
  return seconds * std::uniform_real_distribution<double>(0.75, 1.25)(rng_);
}

void Updater::Run() {
  pthread_setname_np(pthread_self(), "dlp-updater");  // for top -H and idle wake-up counts
  // The first check comes soon but not at once: a fleet powered on together spreads out.
  double delay = std::uniform_real_distribution<double>(0, std::min(opt_.interval_s, 60))(rng_);
  while (true) {
    {
      std::lock_guard<std::mutex> lock(status_mu_);
      status_.next_check = UtcNow(delay);
    }
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::duration<double>(delay), [this] { return stop_.load(); });
      if (stop_) return;
    }
    Status s = CheckOnce();
    if (stop_) return;
    if (s.ok()) {
      if (failures_ > 0 && hooks_.info) hooks_.info("update: " + opt_.url + " reachable again");
      failures_ = 0;
      delay = Jitter(opt_.interval_s);
      continue;
    }
    ++failures_;
    double backoff = std::min<double>(opt_.max_backoff_s,
                                      opt_.interval_s * std::pow(2.0, std::min(failures_ - 1, 20)));
    delay = Jitter(backoff);
    SaveState("error: " + s.message());
    if (hooks_.warning)
      hooks_.warning("update check failed (" + std::to_string(failures_) + " in a row): " +
                     s.message() + "; next try in " + std::to_string(static_cast<int>(delay + 0.5)) +
                     " s; the active rules stay");
  }
}

Status Updater::PickFromDirectory(const std::string& dir, std::string* file) {
  // The newest version by manifest (parsing only; the bundle manager verifies the chosen one).
  uint64_t best = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_regular_file(ec) || e.path().extension() != ".dlpb") continue;
    Bundle b;
    if (!ReadBundle(e.path().string(), &b).ok()) continue;
    if (b.manifest.version > best) {
      best = b.manifest.version;
      *file = e.path().string();
    }
  }
  if (ec) return Status::IOError("cannot list " + dir + ": " + ec.message());
  if (best == 0) return Status::NotFound("no bundle (*.dlpb) in " + dir);
  return Status::OK();
}

Status Updater::Fetch(const std::string& part, bool* not_modified, std::string* etag,
                      std::string* last_modified) {
  *not_modified = false;
  std::string dir = DirectorySource(opt_.url);
  if (!dir.empty()) {
    std::string file;
    if (Status s = PickFromDirectory(dir, &file); !s.ok()) return s;
    *etag = Stamp(file);
    last_modified->clear();
    if (*etag == etag_) {
      *not_modified = true;
      return Status::OK();
    }
    std::error_code ec;
    fs::copy_file(file, part, fs::copy_options::overwrite_existing, ec);
    if (ec) return Status::IOError("cannot copy " + file + ": " + ec.message());
    return Status::OK();
  }
  FetchRequest req;
  req.url = opt_.url;
  req.etag = etag_;
  req.last_modified = last_modified_;
  req.ca_file = opt_.ca_file;
  req.timeout_s = opt_.timeout_s;
  req.max_bytes = opt_.max_bytes;
  req.cancel = &stop_;
  FetchResult r;
  Status s = dlp::fleet::Fetch(req, part, &r);
  if (!s.ok()) return s;
  *not_modified = r.not_modified;
  *etag = r.etag;
  *last_modified = r.last_modified;
  return Status::OK();
}

Status Updater::CheckOnce() {
  std::string part = staging_ + "/download.part";
  std::error_code mk;
  fs::create_directories(staging_, mk);  // here, not at start: a read-only directory may be fixed later
  if (!fs::is_directory(staging_)) {
    Status s = Status::IOError("cannot create " + staging_ + " (is the download directory writable?)");
    Report("error", s.message());
    return s;
  }
  bool not_modified = false;
  std::string etag, last_modified;
  Status s = Fetch(part, &not_modified, &etag, &last_modified);
  std::error_code ec;
  if (!s.ok() || not_modified) {
    fs::remove(part, ec);
    // Unchanged since a refusal: the source still offers the refused bundle, say so.
    if (s.ok() && !offered_refused_.empty()) Report("refused", offered_refused_);
    else if (s.ok()) Report("not_modified", "");
    else Report("error", s.message());
    return s;
  }
  std::string sha;
  if (s = Sha256OfFile(part, &sha); !s.ok()) {
    fs::remove(part, ec);
    Report("error", s.message());
    return s;
  }
  // From here on the source answered; whatever the bundle's fate, do not fetch it again.
  etag_ = etag;
  last_modified_ = last_modified;
  std::string active_sha;
  uint64_t active_version = 0;
  hooks_.active(&active_sha, &active_version);
  if (sha == active_sha || refused_sha_.count(sha)) {
    fs::remove(part, ec);
    if (sha == active_sha) {
      saved_etag_ = etag_;
      saved_last_modified_ = last_modified_;
      installed_sha_ = sha;
      SaveState("up to date: version " + std::to_string(active_version));
      offered_refused_.clear();
      Report("not_modified", "version " + std::to_string(active_version) + " is active");
    } else {
      offered_refused_ = refused_sha_[sha];
      Report("refused", offered_refused_);
    }
    return Status::OK();
  }
  return Install(part, sha);
}

Status Updater::Install(const std::string& part, const std::string& sha) {
  std::string active_sha;
  uint64_t active_version = 0;
  hooks_.active(&active_sha, &active_version);
  // The slot that does not hold the active bundle (slot a unless it does).
  std::string slot_sha;
  const char* slot =
      Sha256OfFile((fs::path(download_dir_) / kSlots[0]).string(), &slot_sha).ok() &&
              slot_sha == active_sha ? kSlots[1] : kSlots[0];
  fs::path dest = fs::path(download_dir_) / slot;
  std::string seen = (fs::path(opt_.bundle_dir) / slot).string();  // the bundle manager's name
  std::error_code ec;
  // Same filesystem (staging is inside the download directory): the manager never sees half a
  // file.
  fs::rename(part, dest, ec);
  if (ec) {
    Status s = Status::IOError("cannot move the download to " + dest.string() + ": " + ec.message());
    fs::remove(part, ec);
    Report("error", s.message());
    return s;
  }
  hooks_.reload();
  hooks_.active(&active_sha, &active_version);
  if (active_sha == sha) {
    // The previous slot and, in a bundle directory the updater may write, the fleet-<sha>.dlpb
    // downloads of versions before the slots.
    for (const auto& e : fs::directory_iterator(download_dir_, ec)) {
      std::string name = e.path().filename().string();
      if (name.rfind(kPrefix, 0) == 0 && e.path() != dest && e.path().extension() == ".dlpb")
        fs::remove(e.path(), ec);
    }
    saved_etag_ = etag_;
    saved_last_modified_ = last_modified_;
    installed_sha_ = sha;
    SaveState("installed version " + std::to_string(active_version));
    offered_refused_.clear();
    Report("installed", "version " + std::to_string(active_version));
    {
      std::lock_guard<std::mutex> lock(status_mu_);
      status_.installed_version = active_version;
    }
    if (hooks_.info)
      hooks_.info("update: installed version " + std::to_string(active_version) + " from " +
                  opt_.url + " (sha256 " + sha.substr(0, 16) + ")");
    return Status::OK();
  }
  // A version that is not newer is never even verified by the bundle manager, so its last
  // problem may be an earlier download's in the same slot: the updater says why itself.
  Bundle b;
  bool parsed = ReadBundle(dest.string(), &b).ok();
  std::string why;
  if (parsed && b.manifest.version <= active_version)
    why = "version " + std::to_string(b.manifest.version) + " is not newer than the active version " +
          std::to_string(active_version);
  else if (hooks_.refusal)
    why = hooks_.refusal(seen);
  if (why.empty()) why = parsed ? "refused by the bundle manager" : "not a bundle";
  fs::remove(dest, ec);
  refused_sha_[sha] = why;
  offered_refused_ = why;
  SaveState("refused sha256 " + sha.substr(0, 16) + ": " + why);
  Report("refused", why);
  if (hooks_.warning)
    hooks_.warning("update from " + opt_.url + " refused (sha256 " + sha.substr(0, 16) + "): " +
                   why + "; the active rules stay");
  return Status::OK();
}

void Updater::LoadState() {
  std::string text;
  if (!ReadWholeFile(state_path_, &text).ok()) return;
  json j = json::parse(text, nullptr, false);
  if (!j.is_object() || j.value("url", "") != opt_.url) return;  // another source: start afresh
  etag_ = saved_etag_ = j.value("etag", "");
  last_modified_ = saved_last_modified_ = j.value("last_modified", "");
  installed_sha_ = j.value("installed_sha256", "");
}

void Updater::SaveState(const std::string& outcome) {
  json j = {{"url", opt_.url}, {"etag", saved_etag_}, {"last_modified", saved_last_modified_},
            {"installed_sha256", installed_sha_}, {"last_check", UtcNow()},
            {"last_outcome", outcome}, {"consecutive_errors", failures_}};
  WriteFileAtomic(state_path_, j.dump(2) + "\n");
}

}  // namespace dlp::fleet
