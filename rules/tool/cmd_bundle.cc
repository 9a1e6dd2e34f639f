// dlp-rules keygen / build / verify / diff: keys and signed bundles.
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "dlp/bundle.h"
#include "dlp/engine.h"
#include "pack_source.h"

namespace dlp::rules_tool {
namespace {

namespace fs = std::filesystem;

int Usage(const std::string& msg) {
  std::cerr << "dlp-rules: " << msg << "\n";
  return 2;
}

bool ReadText(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buf;
  buf << in.rdbuf();
  *out = buf.str();
  return true;
}

// Writes next to `path` and renames, so a failed write never leaves a half file behind.
bool WriteAtomically(const std::string& path, const std::string& data, mode_t mode) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out || !out.write(data.data(), static_cast<std::streamsize>(data.size()))) return false;
  }
  if (chmod(tmp.c_str(), mode) != 0 || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

// A printable fingerprint of everything a rule does, for diff.
std::map<std::string, std::string> RuleFields(const Rule& r) {
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += x + "\x1f";
    return s;
  };
  const ContextSpec& c = r.context;
  return {{"type", r.type},
          {"severity", std::string(SeverityName(r.severity))},
          {"names", r.name_vi + "|" + r.name_en},
          {"explanations", r.explanation_vi + "|" + r.explanation_en},
          {"view", r.view == ViewKind::kLoose ? "loose" : "exact"},
          {"patterns", join(r.patterns) + (r.caseless ? "i" : "")},
          {"boundary", std::to_string(static_cast<int>(r.boundary))},
          {"validator", r.validator_name},
          {"position", std::to_string(static_cast<int>(r.position)) + join(r.line_allow)},
          {"case", std::to_string(static_cast<int>(r.case_rule))},
          {"confidence", std::to_string(r.confidence) + "/" + std::to_string(r.min_confidence)},
          {"context", std::to_string(c.window_before) + "," + std::to_string(c.window_after) + join(c.raise) +
                          "|" + join(c.lower) + "|" + join(c.require) + "|" + join(c.require_patterns) +
                          std::to_string(c.raise_by) + std::to_string(c.lower_by) +
                          (c.require_first ? "|require_first" : "")},
          {"examples", join(r.examples) + "|" + join(r.negative_examples)}};
}

std::string PolicyText(const Policy& p) {
  std::ostringstream out;
  out << "default_group=" << p.default_group << " fail_mode=" << ActionName(p.fail_mode) << "\n";
  for (const auto& g : p.groups) {
    out << "group " << g.name << ": hosts";
    for (const auto& h : g.hosts) out << " " << h;
    out << "; actions";
    for (int s = 0; s < kSeverityCount; ++s)
      out << " " << SeverityName(static_cast<Severity>(s)) << "=" << ActionName(g.action_by_severity[s]);
    out << "\n";
  }
  return out.str();
}

}  // namespace

int Keygen(const Args& in) {
  Args args = in;
  bool missing = false;
  std::string prefix = TakeOption(&args, "--out", &missing);
  if (prefix.empty() || missing || !args.empty()) return Usage("keygen needs --out PREFIX");
  std::string key_path = prefix + ".key", pub_path = prefix + ".pub";
  if (fs::exists(key_path) || fs::exists(pub_path))
    return Usage(key_path + " or " + pub_path + " already exists; refusing to overwrite a key");
  std::string priv, pub, id;
  if (Status s = GenerateKeyPair(&priv, &pub); !s.ok()) return Usage(s.ToString());
  KeyIdOfPublicPem(pub, &id);
  if (!WriteAtomically(key_path, priv, 0600) || !WriteAtomically(pub_path, pub, 0644)) {
    std::remove(key_path.c_str());
    return Usage("cannot write " + key_path + " / " + pub_path);
  }
  std::cout << "Ed25519 key " << id << "\n  private: " << key_path
            << " (keep it offline; it signs rule bundles)\n  public:  " << pub_path
            << " (install it in the agents' trusted key directory)\n";
  return 0;
}

int Build(const Args& in) {
  Args args = in;
  bool missing = false;
  std::string key = TakeOption(&args, "--key", &missing);
  std::string version = TakeOption(&args, "--version", &missing);
  std::string out = TakeOption(&args, "--out", &missing);
  std::string name = TakeOption(&args, "--name", &missing);
  if (missing || args.size() != 1 || key.empty() || version.empty() || out.empty())
    return Usage("build PACK_DIR --key KEY --version N --out FILE [--name NAME]");
  char* end = nullptr;
  uint64_t v = std::strtoull(version.c_str(), &end, 10);
  if (!end || *end || v == 0) return Usage("--version must be a positive integer");
  std::vector<PackSource> sources;
  std::error_code ec;
  std::vector<fs::path> files;
  if (fs::is_directory(args[0], ec)) {
    for (const auto& e : fs::directory_iterator(args[0], ec))
      if (e.path().extension() == ".yaml" || e.path().extension() == ".yml") files.push_back(e.path());
    std::sort(files.begin(), files.end());
  }
  if (files.empty()) return Usage(args[0] + ": not a directory of .yaml files");
  for (const auto& f : files) {
    std::string text;
    if (!ReadText(f.string(), &text)) return Usage(f.string() + ": cannot read");
    sources.push_back({f.string(), text});
  }
  // The pack must load and compile before anything is signed.
  RulePack pack;
  if (Status s = LoadPack(sources, &pack); !s.ok()) return std::cerr << "dlp-rules: " << s.message() << "\n", 1;
  std::unique_ptr<Engine> engine;
  if (Status s = Engine::Create(pack, &engine); !s.ok()) return std::cerr << "dlp-rules: " << s.message() << "\n", 1;
  std::string pem, bytes;
  if (!ReadText(key, &pem)) return Usage(key + ": cannot read the signing key");
  BuildOptions opt;
  opt.name = name;
  opt.version = v;
  if (Status s = BuildBundle(sources, opt, pem, &bytes); !s.ok()) return Usage(s.message());
  if (!WriteAtomically(out, bytes, 0644)) return Usage("cannot write " + out);
  Bundle b;
  ParseBundle(bytes, &b);
  std::cout << "Signed bundle " << out << ": " << b.manifest.name << " version " << v << ", "
            << b.manifest.files.size() << " files, " << pack.rules.size() << " rules, key "
            << b.key_id << ", sha256 " << b.sha256 << "\n";
  return 0;
}

int Verify(const Args& in) {
  Args args = in;
  bool missing = false;
  VerifyOptions opt;
  opt.trusted_dir = TakeOption(&args, "--trusted", &missing);
  std::string active = TakeOption(&args, "--active-version", &missing);
  if (missing || args.size() != 1 || opt.trusted_dir.empty())
    return Usage("verify BUNDLE --trusted DIR [--active-version N]");
  if (!active.empty()) opt.active_version = std::strtoull(active.c_str(), nullptr, 10);
  Bundle b;
  BundleError why = BundleError::kNone;
  if (Status s = VerifyBundleFile(args[0], opt, &b, &why); !s.ok()) {
    std::cerr << "REJECTED: " << s.message() << "\n";
    return why == BundleError::kIO ? 2 : 1;
  }
  RulePack pack;
  if (Status s = LoadPack(b.sources, &pack); !s.ok()) {
    std::cerr << "REJECTED: signed, but its rules do not load: " << s.message() << "\n";
    return 1;
  }
  std::cout << "OK: " << b.manifest.name << " version " << b.manifest.version << ", created "
            << b.manifest.created << ", signed by key " << b.key_id << ", " << b.manifest.files.size()
            << " files, " << pack.rules.size() << " rules, sha256 " << b.sha256 << "\n";
  return 0;
}

int Diff(const Args& args) {
  if (args.size() != 2) return Usage("diff OLD NEW (each a .yaml file, a directory or a bundle)");
  RulePack a, b;
  std::string wa, wb;
  if (Status s = LoadToolPack(args[0], &a, &wa); !s.ok()) return Usage(s.message());
  if (Status s = LoadToolPack(args[1], &b, &wb); !s.ok()) return Usage(s.message());
  std::cout << "--- " << wa << "\n+++ " << wb << "\n";
  std::map<std::string, const Rule*> old_rules, new_rules;
  for (const auto& r : a.rules) old_rules[r.id] = &r;
  for (const auto& r : b.rules) new_rules[r.id] = &r;
  int added = 0, removed = 0, changed = 0;
  for (const auto& [id, r] : new_rules)
    if (!old_rules.count(id)) { std::cout << "+ " << id << "  (" << r->type << ", " << SeverityName(r->severity) << ")\n"; ++added; }
  for (const auto& [id, r] : old_rules)
    if (!new_rules.count(id)) { std::cout << "- " << id << "  (" << r->type << ")\n"; ++removed; }
  for (const auto& [id, r] : old_rules) {
    auto it = new_rules.find(id);
    if (it == new_rules.end()) continue;
    auto fa = RuleFields(*r), fb = RuleFields(*it->second);
    std::string what;
    for (const auto& [k, v] : fa)
      if (fb[k] != v) what += (what.empty() ? "" : ", ") + k;
    if (!what.empty()) { std::cout << "~ " << id << ": " << what << "\n"; ++changed; }
  }
  std::string pa = PolicyText(a.policy), pb = PolicyText(b.policy);
  if (pa != pb) std::cout << "~ policy:\n  old: " << pa << "  new: " << pb;
  std::cout << added << " added, " << removed << " removed, " << changed << " changed"
            << (pa != pb ? ", policy changed" : "") << "\n";
  return 0;
}

}  // namespace dlp::rules_tool
