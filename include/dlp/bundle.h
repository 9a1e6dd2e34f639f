// Signed rule bundles: one distributable file holding a pack's YAML files, a manifest and an
// Ed25519 signature, so that an agent runs only rules an officer signed.
//
// The file is a plain POSIX tar (ustar) archive, so `tar tf` lists it:
//   manifest.json   {"format":1,"name","version" (integer, strictly increasing),"created",
//                    "files":[{"name","size","sha256"}]}
//   manifest.sig    {"alg":"ed25519","key_id","signature" (base64)} over manifest.json's bytes
//   packs/*.yaml    the rule pack sources, each listed in the manifest
// Verification needs only the bundle and a directory of trusted public keys (*.pub, PEM);
// several keys may be trusted at once, which is how keys are rotated.
//
// Thread safety: all functions are thread-safe; they share no state.
#ifndef DLP_BUNDLE_H_
#define DLP_BUNDLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "dlp/rule_pack.h"
#include "dlp/status.h"

namespace dlp {

struct BundleFileEntry {
  std::string name;
  uint64_t size = 0;
  std::string sha256;  // lower-case hex
};

struct BundleManifest {
  int format = 1;
  std::string name;
  uint64_t version = 0;
  std::string created;  // RFC 3339, UTC
  std::vector<BundleFileEntry> files;
};

struct Bundle {
  BundleManifest manifest;
  std::string manifest_bytes;        // exactly as signed
  std::string key_id;                // from manifest.sig
  std::string signature;             // raw 64 bytes
  std::vector<PackSource> sources;   // packs/*.yaml, in manifest order
  std::string sha256;                // of the whole bundle file, for caches and audit
};

// Why a bundle was refused; each has its own message too.
enum class BundleError {
  kNone, kMalformed, kUntrustedKey, kBadSignature, kFileChanged, kFileMissing, kFileExtra,
  kRollback, kIO
};

// Does this file start like a bundle (a tar archive whose first member is manifest.json)?
bool IsBundleFile(const std::string& path);

// Reads and parses a bundle without checking its signature or hashes (for analysis tools).
Status ReadBundle(const std::string& path, Bundle* out);
Status ParseBundle(const std::string& bytes, Bundle* out);

struct VerifyOptions {
  std::string trusted_dir;       // directory of *.pub files (PEM Ed25519 public keys)
  uint64_t active_version = 0;   // refuse versions <= this (anti-rollback); 0: no active bundle
};

// Full check: parse, trusted key, signature, every file's size and SHA-256, no missing or extra
// file, version newer than the active one. On failure *why says which check failed.
Status VerifyBundle(const std::string& bytes, const VerifyOptions& opt, Bundle* out,
                    BundleError* why);
Status VerifyBundleFile(const std::string& path, const VerifyOptions& opt, Bundle* out,
                        BundleError* why);

// Officer side. Generates an Ed25519 key pair as PEM (private: PKCS#8, public: SPKI).
Status GenerateKeyPair(std::string* private_pem, std::string* public_pem);
// The id of a public key: the first 16 hex digits of SHA-256 of its DER encoding.
Status KeyIdOfPublicPem(const std::string& public_pem, std::string* key_id);

struct BuildOptions {
  std::string name;          // bundle name (default: the pack's name)
  uint64_t version = 0;      // must be > 0
  std::string created;       // default: now
};

// Builds a signed bundle from pack sources (names are stored as "packs/<basename>"). The sources
// must already load as a valid pack; `private_pem` signs the manifest.
Status BuildBundle(const std::vector<PackSource>& sources, const BuildOptions& opt,
                   const std::string& private_pem, std::string* bundle_bytes);

}  // namespace dlp

#endif  // DLP_BUNDLE_H_
