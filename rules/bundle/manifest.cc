// The manifest and signature files of a bundle, as JSON. Parsing is strict: a manifest with an
// unknown field, a wrong type or a missing field is malformed, not guessed at.
#include <nlohmann/json.hpp>

#include <set>

#include "bundle_internal.h"

namespace dlp::bundle_internal {
namespace {

using nlohmann::json;

bool OnlyKeys(const json& j, const std::set<std::string>& keys, std::string* bad) {
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!keys.count(it.key())) { *bad = it.key(); return false; }
  return true;
}

bool IsHex(const std::string& s, size_t len) {
  if (s.size() != len) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

std::string ManifestToJson(const BundleManifest& m) {
  json files = json::array();
  for (const auto& f : m.files) files.push_back({{"name", f.name}, {"sha256", f.sha256}, {"size", f.size}});
  json j = {{"format", m.format}, {"name", m.name}, {"version", m.version},
            {"created", m.created}, {"files", files}};
  return j.dump(2) + "\n";  // keys sorted by nlohmann's map: the same manifest, the same bytes
}

Status ManifestFromJson(std::string_view text, BundleManifest* out) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::Corruption("manifest.json is not a JSON object");
  std::string bad;
  if (!OnlyKeys(j, {"format", "name", "version", "created", "files"}, &bad))
    return Status::Corruption("manifest.json: unknown field '" + bad + "'");
  if (!j.contains("format") || !j["format"].is_number_integer() || j["format"] != 1)
    return Status::Corruption("manifest.json: 'format' must be 1");
  if (!j.contains("name") || !j["name"].is_string() || j["name"].get<std::string>().empty())
    return Status::Corruption("manifest.json: 'name' must be a non-empty string");
  if (!j.contains("version") || !j["version"].is_number_unsigned() || j["version"] == 0)
    return Status::Corruption("manifest.json: 'version' must be a positive integer");
  if (!j.contains("created") || !j["created"].is_string())
    return Status::Corruption("manifest.json: 'created' must be a string");
  if (!j.contains("files") || !j["files"].is_array() || j["files"].empty())
    return Status::Corruption("manifest.json: 'files' must be a non-empty list");
  BundleManifest m;
  m.name = j["name"];
  m.version = j["version"];
  m.created = j["created"];
  std::set<std::string> seen;
  for (const auto& f : j["files"]) {
    if (!f.is_object() || !OnlyKeys(f, {"name", "sha256", "size"}, &bad) || !f.contains("name") ||
        !f["name"].is_string() || !f.contains("sha256") || !f["sha256"].is_string() ||
        !f.contains("size") || !f["size"].is_number_unsigned())
      return Status::Corruption("manifest.json: each file needs 'name', 'sha256' and 'size'");
    BundleFileEntry e{f["name"], f["size"], f["sha256"]};
    if (!IsHex(e.sha256, 64))
      return Status::Corruption("manifest.json: file '" + e.name + "' has a malformed sha256");
    if (e.name.rfind("packs/", 0) != 0 || !seen.insert(e.name).second)
      return Status::Corruption("manifest.json: file '" + e.name + "' is not a unique packs/ entry");
    m.files.push_back(std::move(e));
  }
  *out = std::move(m);
  return Status::OK();
}

std::string SignatureToJson(const std::string& key_id, const std::string& signature) {
  json j = {{"alg", "ed25519"}, {"key_id", key_id}, {"signature", Base64Encode(signature)}};
  return j.dump(2) + "\n";
}

Status SignatureFromJson(std::string_view text, std::string* key_id, std::string* signature) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("alg") || !j.contains("key_id") ||
      !j.contains("signature") || !j["alg"].is_string() || !j["key_id"].is_string() ||
      !j["signature"].is_string())
    return Status::Corruption("manifest.sig must be {\"alg\", \"key_id\", \"signature\"}");
  if (j["alg"] != "ed25519")
    return Status::Corruption("manifest.sig: unsupported algorithm '" + j["alg"].get<std::string>() + "'");
  *key_id = j["key_id"];
  if (!Base64Decode(j["signature"].get<std::string>(), signature) || signature->size() != 64)
    return Status::Corruption("manifest.sig: the signature is not 64 bytes of base64");
  return Status::OK();
}

}  // namespace dlp::bundle_internal
