// Pieces of the bundle implementation: a strict minimal tar (ustar) codec, the manifest's JSON
// form, and the OpenSSL primitives (SHA-256, Ed25519, base64).
#ifndef DLP_RULES_BUNDLE_INTERNAL_H_
#define DLP_RULES_BUNDLE_INTERNAL_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dlp/bundle.h"

namespace dlp::bundle_internal {

// Hard limits: a bundle holds text rules, never anything large.
inline constexpr size_t kMaxBundleBytes = 32u << 20;
inline constexpr size_t kMaxMembers = 512;

using TarMember = std::pair<std::string, std::string>;  // name, content

// Regular files only; names are relative, '/'-separated, without ".." (checked on read).
std::string WriteTar(const std::vector<TarMember>& members);
Status ReadTar(std::string_view bytes, std::vector<TarMember>* out);

std::string ManifestToJson(const BundleManifest& m);
Status ManifestFromJson(std::string_view json, BundleManifest* out);
std::string SignatureToJson(const std::string& key_id, const std::string& signature);
Status SignatureFromJson(std::string_view json, std::string* key_id, std::string* signature);

std::string Sha256Hex(std::string_view data);
std::string Base64Encode(std::string_view raw);
bool Base64Decode(std::string_view text, std::string* raw);
Status SignEd25519(const std::string& private_pem, std::string_view message, std::string* sig,
                   std::string* key_id);
// Checks `sig` over `message` with a PEM public key.
bool VerifyEd25519(const std::string& public_pem, std::string_view message, std::string_view sig);
std::string UtcNowRfc3339();

}  // namespace dlp::bundle_internal

#endif  // DLP_RULES_BUNDLE_INTERNAL_H_
