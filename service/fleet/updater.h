// Rule updates from the fleet's distribution point: a web server (https://, http://), a file
// (file://) or a directory (a USB stick or a share on offline sites) that holds the current
// signed bundle.
//
// The updater is only a courier. It polls the source on its own thread (conditional requests
// with ETag / Last-Modified, a jittered interval so a fleet that boots at 8:00 does not ask all
// at once, exponential backoff on errors), downloads into <download dir>/.staging, and moves a
// new file into one of its two slots, <download dir>/fleet-a.dlpb or fleet-b.dlpb (the one not
// holding the active bundle), where the service's own bundle manager sees it as
// <bundle dir>/fleet-a.dlpb and verifies it exactly as a bundle dropped there by hand (trusted
// key, signature, hashes, anti-rollback) and swaps it in. The download directory is the bundle
// directory itself (user mode, tests), or a directory of the service's state when the bundle
// directory is not the service's to write (/etc/dlp-agent/bundles of the packaged service,
// which holds two links fleet-a.dlpb, fleet-b.dlpb -> /var/lib/dlp-agent/bundles/...).
// The updater then looks at what is active:
//   - its bundle: accepted; the other slot (and, in a writable bundle directory, the
//     fleet-<sha>.dlpb files of earlier versions) is removed;
//   - anything else: refused; the file is removed (it must not linger and be offered again),
//     and its SHA-256 and the server's ETag are remembered so it is neither installed nor
//     downloaded again while the service runs. After a restart it is tried once more (the
//     administrator may have installed the officer's key meanwhile).
// On any failure the active rules stay as they are.
//
// State (<state dir>/update-state.json): the validators of the last accepted response, so a
// restart does not download the same bundle again, and the last outcome, for operators.
// GetStatus() gives the same to the service's `status` operation.
//
// Thread safety: Start and Stop from one thread; the hooks are called on the updater's thread;
// GetStatus from any thread.
#ifndef DLP_SERVICE_FLEET_UPDATER_H_
#define DLP_SERVICE_FLEET_UPDATER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "dlp/status.h"

namespace dlp::fleet {

struct UpdaterOptions {
  std::string url;             // https://, http://, file:///path, or a directory path
  std::string ca_file;         // pinned CA for https ("" = system store)
  std::string bundle_dir;      // where the service looks for *.dlpb
  // Where downloads are written ("" = bundle_dir). When it differs, bundle_dir/fleet-a.dlpb and
  // bundle_dir/fleet-b.dlpb must be symbolic links to download_dir/fleet-a.dlpb and -b.dlpb.
  std::string download_dir;
  std::string state_dir;       // update-state.json
  int interval_s = 900;        // between checks, +/- 25 % jitter
  int max_backoff_s = 3600;    // cap of the delay after consecutive errors
  int timeout_s = 120;         // one transfer
  int64_t max_bytes = 64 << 20;
};

// How the updater sees the service's bundle manager.
struct UpdaterHooks {
  std::function<void()> reload;  // verify and maybe activate the bundles in the directory
  // The active bundle's SHA-256 ("" for the built-in pack) and version.
  std::function<void(std::string* sha256, uint64_t* version)> active;
  // Why the bundle manager refused `file` ("" when it did not say).
  std::function<std::string(const std::string& file)> refusal;
  // Log lines (never content: URLs, versions, hashes, reasons).
  std::function<void(const std::string&)> info, warning;
};

// What the updater did last, for `status`. Times are RFC 3339 UTC ("" = not yet).
struct UpdaterStatus {
  std::string source;          // the update URL or directory
  std::string last_check;      // when the source was last asked
  // "pending" (no check yet) | "not_modified" (304, unchanged file, or the active bundle) |
  // "installed" (a new version was activated) | "refused" (the bundle manager said no) |
  // "error" (the source could not be read)
  std::string last_result = "pending";
  std::string message;         // the refusal's or the error's reason; the installed version
  std::string next_check;      // when the next check is due
  int consecutive_errors = 0;
  uint64_t installed_version = 0;  // of the last bundle this updater installed (0 = none yet)
};

class Updater {
 public:
  Updater(UpdaterOptions opt, UpdaterHooks hooks);
  ~Updater();  // Stop()
  Updater(const Updater&) = delete;
  Updater& operator=(const Updater&) = delete;

  // Checks options, prepares the staging directory, starts the thread.
  Status Start();
  // Wakes and joins the thread; a transfer in progress is aborted.
  void Stop();
  // One check now, on the caller's thread (the thread uses it; tests may too).
  // OK when the source was reached (new, unchanged or refused bundle); an error otherwise.
  Status CheckOnce();
  UpdaterStatus GetStatus() const;

 private:
  void Run();
  Status Fetch(const std::string& part, bool* not_modified, std::string* etag,
               std::string* last_modified);
  Status PickFromDirectory(const std::string& dir, std::string* file);
  Status Install(const std::string& part, const std::string& sha);
  Status CheckLinks() const;
  void LoadState();
  void SaveState(const std::string& outcome);
  void Report(const std::string& result, const std::string& message);
  double Jitter(double seconds);

  const UpdaterOptions opt_;
  const UpdaterHooks hooks_;
  std::string download_dir_, staging_, state_path_;
  // Validators of the last response (in memory: also of a refused one; on disk: accepted only).
  std::string etag_, last_modified_, saved_etag_, saved_last_modified_;
  std::string installed_sha_;
  std::map<std::string, std::string> refused_sha_;  // sha256 -> why it was refused
  std::string offered_refused_;  // why the bundle the source offers now was refused ("" = it was not)
  int failures_ = 0;
  std::mt19937_64 rng_;

  mutable std::mutex status_mu_;
  UpdaterStatus status_;

  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace dlp::fleet

#endif  // DLP_SERVICE_FLEET_UPDATER_H_
