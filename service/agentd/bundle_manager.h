// The active rules of the service: a compiled engine and where it came from.
//
// At start the newest valid signed bundle in the bundle directory is loaded, or the built-in
// pack when there is none. Later, bundles dropped into the directory (or an explicit reload)
// are verified (trusted key, signature, hashes, newer version), compiled and swapped in
// atomically; on any failure the active rules stay and the reason is kept for `status`.
// The highest version ever activated is remembered in the state directory, so deleting the new
// bundle and restarting cannot roll back to an older one.
//
// Thread safety: all methods are thread-safe. Active() hands out a shared snapshot; a scan keeps
// using the rules it started with while a swap happens.
#ifndef DLP_SERVICE_AGENTD_BUNDLE_MANAGER_H_
#define DLP_SERVICE_AGENTD_BUNDLE_MANAGER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "agentd/paths.h"
#include "dlp/engine.h"

namespace dlp::agentd {

struct ActiveRules {
  std::unique_ptr<Engine> engine;
  std::string name;
  uint64_t version = 0;      // 0 for the built-in pack
  std::string sha256;        // of the bundle file; "" for built-in
  std::string signer;        // key id
  std::string source;        // "signed" | "built-in"
  std::string file;
  std::string loaded_at;
};

struct BundleProblem {
  std::string time, file, message;
};

class BundleManager {
 public:
  explicit BundleManager(Paths paths) : paths_(std::move(paths)) {}
  // Loads the best available rules. Fails only if even the built-in pack cannot compile.
  Status Start();
  std::shared_ptr<const ActiveRules> Active() const;
  // Looks at the bundle directory now; *changed says whether new rules were activated.
  Status Reload(bool* changed);
  // The last refusal, if any (shown by `status`).
  bool LastProblem(BundleProblem* out) const;
  // Called after every successful swap (the server pushes a "bundle" event).
  void OnChange(std::function<void(const ActiveRules&)> fn) { on_change_ = std::move(fn); }

 private:
  Status Activate(const std::string& file, bool* changed);
  void Record(const std::string& file, const std::string& message);
  uint64_t HighestSeen() const;
  void RememberHighest(uint64_t version) const;

  Paths paths_;
  mutable std::mutex mu_;
  // One Reload at a time (the poller, SIGHUP and `reload` requests race otherwise: the same bad
  // file refused and logged twice, the same bundle compiled and swapped in twice).
  std::mutex reload_mu_;
  std::shared_ptr<const ActiveRules> active_;
  std::map<std::string, std::string> refused_;  // file -> "size:mtime" already refused
  BundleProblem problem_;
  bool has_problem_ = false;
  std::function<void(const ActiveRules&)> on_change_;
};

}  // namespace dlp::agentd

#endif  // DLP_SERVICE_AGENTD_BUNDLE_MANAGER_H_
