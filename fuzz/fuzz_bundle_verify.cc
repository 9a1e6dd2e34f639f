// Fuzz target: the signed-bundle reader and verifier (tar, manifest, signature, file hashes,
// rollback) and the pack loader on the files of a bundle that verifies.
//
// Input: one mode byte, then a bundle file.
//   mode even: the bytes as they are, verified against a trusted-key directory (the fuzzer
//              rarely forges a signature, so this exercises the tar and JSON parsers and the
//              key/signature checks);
//   mode odd:  the tar members are read, manifest.json (whatever the fuzzer made of it) is
//              signed with the trusted key, and the re-signed archive is verified, so the checks
//              after the signature (sizes, SHA-256, missing/extra/duplicate files, rollback,
//              the YAML of the packs) see fuzzed input too.
// Both modes: a bundle that verifies has a manifest whose every file is present with its hash,
// and nothing else; a bundle refused always has a reason.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bundle_internal.h"
#include "dlp/bundle.h"
#include "dlp/rule_pack.h"

namespace {

namespace bi = dlp::bundle_internal;
std::string g_private_pem, g_trusted_dir;

void Check(bool ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "fuzz_bundle_verify: invariant broken: %s\n", what);
    abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::string pub;
  if (!dlp::GenerateKeyPair(&g_private_pem, &pub).ok()) abort();
  char tmpl[] = "/tmp/fuzz-bundle-keys-XXXXXX";
  if (!mkdtemp(tmpl)) abort();
  g_trusted_dir = tmpl;
  std::ofstream(g_trusted_dir + "/fuzz.pub") << pub;
  // The committed seeds are signed by fuzz/keys/fuzz-seed.pub: trust it too, so mode-even
  // inputs derived from them get past the key lookup to the signature check.
  const char* seed_key = std::getenv("DLP_FUZZ_SEED_KEY");
  if (seed_key && *seed_key) {
    std::error_code ec;
    std::filesystem::copy_file(seed_key, g_trusted_dir + "/seed.pub", ec);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);

  if (mode & 1) {
    std::vector<bi::TarMember> members;
    if (!bi::ReadTar(bytes, &members).ok()) return 0;
    const std::string* manifest = nullptr;
    for (const auto& m : members)
      if (m.first == "manifest.json") manifest = &m.second;
    if (!manifest) return 0;
    std::string sig, key_id;
    if (!bi::SignEd25519(g_private_pem, *manifest, &sig, &key_id).ok()) abort();
    std::vector<bi::TarMember> out;
    for (const auto& m : members)
      if (m.first != "manifest.sig") out.push_back(m);
    out.emplace_back("manifest.sig", bi::SignatureToJson(key_id, sig));
    bytes = bi::WriteTar(out);
  }

  dlp::VerifyOptions vo;
  vo.trusted_dir = g_trusted_dir;
  vo.active_version = (mode >> 1) & 3;
  dlp::Bundle b;
  dlp::BundleError why = dlp::BundleError::kNone;
  dlp::Status s = dlp::VerifyBundle(bytes, vo, &b, &why);
  if (!s.ok()) {
    Check(why != dlp::BundleError::kNone, "refused without a reason code");
    Check(!s.message().empty(), "refused without a message");
    return 0;
  }
  Check(why == dlp::BundleError::kNone, "accepted with a reason code");
  Check(b.manifest.version > vo.active_version, "rollback accepted");
  // What verified is exactly what the manifest lists.
  std::vector<bi::TarMember> members;
  Check(bi::ReadTar(bytes, &members).ok(), "verified bundle does not re-read");
  for (const auto& f : b.manifest.files) {
    bool found = false;
    for (const auto& m : members)
      if (m.first == f.name) {
        found = true;
        Check(m.second.size() == f.size && bi::Sha256Hex(m.second) == f.sha256, "hash mismatch accepted");
      }
    Check(found, "missing file accepted");
  }
  Check(b.sources.size() == b.manifest.files.size(), "sources and manifest differ");
  dlp::RulePack pack;
  dlp::LoadPack(b.sources, &pack);
  return 0;
}
