#include "agentd/bundle_manager.h"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "agentd/log.h"
#include "dlp/bundle.h"
#include "dlp/default_pack.h"

namespace dlp::agentd {
namespace {

namespace fs = std::filesystem;

// A file's identity for "did this change since we refused it".
std::string Stamp(const fs::path& p) {
  std::error_code ec;
  auto size = fs::file_size(p, ec);
  auto mtime = fs::last_write_time(p, ec).time_since_epoch().count();
  return std::to_string(size) + ":" + std::to_string(mtime);
}

}  // namespace

std::shared_ptr<const ActiveRules> BundleManager::Active() const {
  std::lock_guard<std::mutex> lock(mu_);
  return active_;
}

bool BundleManager::LastProblem(BundleProblem* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (has_problem_) *out = problem_;
  return has_problem_;
}

void BundleManager::Record(const std::string& file, const std::string& message) {
  std::lock_guard<std::mutex> lock(mu_);
  problem_ = {UtcNow(), file, message};
  has_problem_ = true;
  LogWarning("bundle " + file + " refused: " + message);
}

uint64_t BundleManager::HighestSeen() const {
  std::ifstream in(paths_.active_file());
  uint64_t v = 0;
  in >> v;
  return v;
}

void BundleManager::RememberHighest(uint64_t version) const {
  std::string tmp = paths_.active_file() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << version << "\n";
  }
  std::rename(tmp.c_str(), paths_.active_file().c_str());
}

Status BundleManager::Start() {
  bool changed = false;
  Reload(&changed);
  if (Active()) return Status::OK();
  // No valid signed bundle: the built-in pack, so a fresh install protects from the first second.
  auto rules = std::make_shared<ActiveRules>();
  RulePack pack;
  if (Status s = LoadDefaultPack(&pack); !s.ok()) return s;
  rules->name = pack.name;
  EngineOptions opt;
  opt.cache_dir = paths_.cache_dir();
  if (Status s = Engine::Create(std::move(pack), opt, &rules->engine); !s.ok()) return s;
  rules->source = "built-in";
  rules->loaded_at = UtcNow();
  std::lock_guard<std::mutex> lock(mu_);
  active_ = std::move(rules);
  LogInfo("rules: built-in pack " + active_->name + " (no signed bundle in " + paths_.bundle_dir + ")");
  return Status::OK();
}

Status BundleManager::Reload(bool* changed) {
  std::lock_guard<std::mutex> serial(reload_mu_);
  *changed = false;
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(paths_.bundle_dir, ec))
    if (e.is_regular_file(ec) && e.path().extension() == ".dlpb") files.push_back(e.path());
  // Newest version first: read each manifest cheaply, then verify only the best candidates.
  std::vector<std::pair<uint64_t, fs::path>> candidates;
  for (const auto& f : files) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = refused_.find(f.string());
      if (it != refused_.end() && it->second == Stamp(f)) continue;  // unchanged since refused
    }
    Bundle b;
    if (Status s = ReadBundle(f.string(), &b); !s.ok()) {
      Record(f.string(), s.message());
      std::lock_guard<std::mutex> lock(mu_);
      refused_[f.string()] = Stamp(f);
      continue;
    }
    candidates.push_back({b.manifest.version, f});
  }
  std::sort(candidates.rbegin(), candidates.rend());
  for (const auto& [version, f] : candidates) {
    auto active = Active();
    if (active && active->version > 0 && version <= active->version) break;  // nothing newer
    if (version < HighestSeen()) break;  // older than a bundle that once ran: rollback
    Status s = Activate(f.string(), changed);
    if (s.ok()) break;
  }
  return Status::OK();
}

Status BundleManager::Activate(const std::string& file, bool* changed) {
  VerifyOptions vo;
  vo.trusted_dir = paths_.trusted_keys;
  auto active = Active();
  // The remembered highest version may be loaded again (a restart); only older ones are refused.
  uint64_t highest = HighestSeen();
  vo.active_version = std::max(highest > 0 ? highest - 1 : 0, active ? active->version : 0);
  // With no signed bundle active yet, the remembered highest version still guards rollback.
  Bundle b;
  BundleError why = BundleError::kNone;
  Status s = VerifyBundleFile(file, vo, &b, &why);
  RulePack pack;
  if (s.ok()) s = LoadPack(b.sources, &pack);
  auto rules = std::make_shared<ActiveRules>();
  if (s.ok()) {
    EngineOptions opt;
    opt.cache_dir = paths_.cache_dir();
    s = Engine::Create(std::move(pack), opt, &rules->engine);
  }
  if (!s.ok()) {
    Record(file, s.message());
    std::lock_guard<std::mutex> lock(mu_);
    refused_[file] = Stamp(file);
    return s;
  }
  rules->name = b.manifest.name;
  rules->version = b.manifest.version;
  rules->sha256 = b.sha256;
  rules->signer = b.key_id;
  rules->source = "signed";
  rules->file = file;
  rules->loaded_at = UtcNow();
  RememberHighest(rules->version);
  {
    std::lock_guard<std::mutex> lock(mu_);
    active_ = rules;
  }
  *changed = true;
  LogInfo("rules: activated " + rules->name + " version " + std::to_string(rules->version) +
          " signed by " + rules->signer + (rules->engine->stats().from_cache ? " (cached databases)" : ""));
  if (on_change_) on_change_(*rules);
  return Status::OK();
}

}  // namespace dlp::agentd
