// Reading, verifying and building signed rule bundles (format in include/dlp/bundle.h).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "bundle_internal.h"

namespace dlp {
namespace {

using namespace bundle_internal;

Status Fail(BundleError* why, BundleError e, Status s) {
  if (why) *why = e;
  return s;
}

Status ReadFileBytes(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError(path + ": cannot open");
  in.seekg(0, std::ios::end);
  auto size = static_cast<size_t>(in.tellg());
  if (size > kMaxBundleBytes) return Status::Corruption(path + ": larger than a bundle can be");
  in.seekg(0);
  out->assign(size, '\0');
  in.read(out->data(), static_cast<std::streamsize>(size));
  return in ? Status::OK() : Status::IOError(path + ": read error");
}

// Trusted keys: key id -> (file name, PEM), from every *.pub of `dir`.
Status LoadTrustedKeys(const std::string& dir, std::map<std::string, std::pair<std::string, std::string>>* keys) {
  std::error_code ec;
  if (dir.empty() || !std::filesystem::is_directory(dir, ec))
    return Status::NotFound("trusted key directory '" + dir + "' does not exist");
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().extension() != ".pub") continue;
    std::string pem, id;
    if (!ReadFileBytes(e.path().string(), &pem).ok() || !KeyIdOfPublicPem(pem, &id).ok()) continue;
    (*keys)[id] = {e.path().filename().string(), pem};
  }
  return Status::OK();
}

}  // namespace

bool IsBundleFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char header[512];
  if (!in.read(header, sizeof header)) return false;
  return std::string_view(header, 13) == "manifest.json" && header[13] == '\0' &&
         std::string_view(header + 257, 5) == "ustar";
}

Status ParseBundle(const std::string& bytes, Bundle* out) {
  std::vector<TarMember> members;
  if (Status s = ReadTar(bytes, &members); !s.ok()) return s;
  Bundle b;
  std::map<std::string, const std::string*> by_name;
  for (const auto& [name, content] : members)
    if (!by_name.emplace(name, &content).second)
      return Status::Corruption("bundle holds '" + name + "' twice");
  auto manifest = by_name.find("manifest.json");
  auto sig = by_name.find("manifest.sig");
  if (manifest == by_name.end()) return Status::Corruption("bundle has no manifest.json");
  if (sig == by_name.end()) return Status::Corruption("bundle has no manifest.sig (unsigned)");
  b.manifest_bytes = *manifest->second;
  if (Status s = ManifestFromJson(b.manifest_bytes, &b.manifest); !s.ok()) return s;
  if (Status s = SignatureFromJson(*sig->second, &b.key_id, &b.signature); !s.ok()) return s;
  for (const auto& f : b.manifest.files) {
    auto it = by_name.find(f.name);
    if (it != by_name.end()) b.sources.push_back({f.name, *it->second});
  }
  b.sha256 = Sha256Hex(bytes);
  *out = std::move(b);
  return Status::OK();
}

Status ReadBundle(const std::string& path, Bundle* out) {
  std::string bytes;
  if (Status s = ReadFileBytes(path, &bytes); !s.ok()) return s;
  Status s = ParseBundle(bytes, out);
  return s.ok() ? s : Status::Corruption(path + ": " + s.message());
}

Status VerifyBundle(const std::string& bytes, const VerifyOptions& opt, Bundle* out, BundleError* why) {
  if (why) *why = BundleError::kNone;
  Bundle b;
  if (Status s = ParseBundle(bytes, &b); !s.ok()) return Fail(why, BundleError::kMalformed, s);
  std::map<std::string, std::pair<std::string, std::string>> keys;
  if (Status s = LoadTrustedKeys(opt.trusted_dir, &keys); !s.ok()) return Fail(why, BundleError::kIO, s);
  auto key = keys.find(b.key_id);
  if (key == keys.end())
    return Fail(why, BundleError::kUntrustedKey,
                Status::InvalidArgument("signed with key " + b.key_id + ", which is not one of the " +
                                        std::to_string(keys.size()) + " trusted keys in " + opt.trusted_dir));
  if (!VerifyEd25519(key->second.second, b.manifest_bytes, b.signature))
    return Fail(why, BundleError::kBadSignature,
                Status::InvalidArgument("the signature does not match the manifest: the manifest was "
                                        "changed after signing"));
  // Every listed file present with its exact bytes; nothing unlisted.
  std::vector<TarMember> members;
  ReadTar(bytes, &members);
  for (const auto& f : b.manifest.files) {
    auto it = std::find_if(members.begin(), members.end(), [&](const TarMember& m) { return m.first == f.name; });
    if (it == members.end())
      return Fail(why, BundleError::kFileMissing, Status::InvalidArgument("file '" + f.name + "' listed in the manifest is missing"));
    if (it->second.size() != f.size || Sha256Hex(it->second) != f.sha256)
      return Fail(why, BundleError::kFileChanged,
                  Status::InvalidArgument("file '" + f.name + "' was changed after signing (SHA-256 mismatch)"));
  }
  for (const auto& member : members) {
    const std::string& name = member.first;  // not a structured binding: clang 14 cannot capture one
    if (name == "manifest.json" || name == "manifest.sig") continue;
    bool listed = std::any_of(b.manifest.files.begin(), b.manifest.files.end(),
                              [&](const BundleFileEntry& f) { return f.name == name; });
    if (!listed)
      return Fail(why, BundleError::kFileExtra, Status::InvalidArgument("file '" + name + "' is not listed in the signed manifest"));
  }
  if (b.manifest.version <= opt.active_version)
    return Fail(why, BundleError::kRollback,
                Status::InvalidArgument("version " + std::to_string(b.manifest.version) +
                                        " is not newer than the active version " +
                                        std::to_string(opt.active_version) + " (rollback refused)"));
  if (out) *out = std::move(b);
  return Status::OK();
}

Status VerifyBundleFile(const std::string& path, const VerifyOptions& opt, Bundle* out, BundleError* why) {
  std::string bytes;
  if (Status s = ReadFileBytes(path, &bytes); !s.ok()) return Fail(why, BundleError::kIO, s);
  Status s = VerifyBundle(bytes, opt, out, why);
  return s.ok() ? s : Status(s.code() == Status::Code::kCorruption ? Status::Corruption(path + ": " + s.message())
                                                                   : Status::InvalidArgument(path + ": " + s.message()));
}

Status BuildBundle(const std::vector<PackSource>& sources, const BuildOptions& opt,
                   const std::string& private_pem, std::string* bundle_bytes) {
  if (opt.version == 0) return Status::InvalidArgument("a bundle needs a version > 0");
  RulePack pack;
  if (Status s = LoadPack(sources, &pack); !s.ok()) return s;
  BundleManifest m;
  m.name = opt.name.empty() ? pack.name : opt.name;
  if (m.name.empty()) return Status::InvalidArgument("the bundle needs a name (pack: name: or --name)");
  m.version = opt.version;
  m.created = opt.created.empty() ? UtcNowRfc3339() : opt.created;
  std::vector<TarMember> files;
  for (const auto& src : sources) {
    std::string base = std::filesystem::path(src.name).filename().string();
    std::string name = "packs/" + base;
    for (const auto& f : files)
      if (f.first == name) return Status::InvalidArgument("two sources named '" + base + "'");
    m.files.push_back({name, src.text.size(), Sha256Hex(src.text)});
    files.emplace_back(name, src.text);
  }
  std::string manifest = ManifestToJson(m), sig, key_id;
  if (Status s = SignEd25519(private_pem, manifest, &sig, &key_id); !s.ok()) return s;
  std::vector<TarMember> members = {{"manifest.json", manifest}, {"manifest.sig", SignatureToJson(key_id, sig)}};
  members.insert(members.end(), files.begin(), files.end());
  *bundle_bytes = WriteTar(members);
  if (bundle_bytes->size() > kMaxBundleBytes) return Status::InvalidArgument("the bundle would be too large");
  return Status::OK();
}

}  // namespace dlp
