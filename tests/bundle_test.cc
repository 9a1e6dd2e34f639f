// Signed bundles: a good bundle verifies; every way of tampering with it is refused, each with
// its own reason; key rotation and anti-rollback work.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "dlp/bundle.h"
#include "dlp/default_pack.h"

namespace {

namespace fs = std::filesystem;

struct Keys {
  std::string dir, priv, pub, other_priv;
};

// A fresh trusted-key directory holding one key; a second, untrusted key is returned too.
Keys MakeKeys(const std::string& name) {
  Keys k;
  k.dir = std::string(DLP_TEST_TMP) + "/keys_" + name;
  fs::remove_all(k.dir);
  fs::create_directories(k.dir);
  std::string other_pub;
  REQUIRE(dlp::GenerateKeyPair(&k.priv, &k.pub).ok());
  REQUIRE(dlp::GenerateKeyPair(&k.other_priv, &other_pub).ok());
  std::ofstream(k.dir + "/officer.pub") << k.pub;
  return k;
}

std::string Build(const std::string& priv, uint64_t version) {
  dlp::BuildOptions opt;
  opt.version = version;
  opt.created = "2026-11-22T00:00:00Z";
  std::string bytes;
  dlp::Status s = dlp::BuildBundle(dlp::DefaultPackSources(), opt, priv, &bytes);
  REQUIRE(s.ok());
  return bytes;
}

dlp::BundleError Check(const std::string& bytes, const Keys& k, uint64_t active = 0) {
  dlp::VerifyOptions opt{k.dir, active};
  dlp::BundleError why = dlp::BundleError::kNone;
  dlp::Bundle b;
  dlp::Status s = dlp::VerifyBundle(bytes, opt, &b, &why);
  INFO(s.ToString());
  CHECK(s.ok() == (why == dlp::BundleError::kNone));
  return why;
}

// Replaces the first occurrence of `from` in the bundle's bytes (same length keeps tar valid).
std::string Patch(std::string bytes, const std::string& from, const std::string& to) {
  size_t p = bytes.find(from);
  REQUIRE(p != std::string::npos);
  bytes.replace(p, from.size(), to);
  return bytes;
}

}  // namespace

TEST_CASE("a signed bundle of the default pack verifies and loads", "[bundle]") {
  Keys k = MakeKeys("ok");
  std::string bytes = Build(k.priv, 7);
  dlp::Bundle b;
  dlp::BundleError why;
  REQUIRE(dlp::VerifyBundle(bytes, {k.dir, 0}, &b, &why).ok());
  CHECK(b.manifest.version == 7);
  CHECK(b.manifest.name == "vn-default");
  CHECK(b.sources.size() == dlp::DefaultPackSources().size());
  dlp::RulePack pack;
  CHECK(dlp::LoadPack(b.sources, &pack).ok());
  CHECK(Build(k.priv, 7) == bytes);  // reproducible: same sources, same bytes
}

TEST_CASE("tampered bundles are refused, each with its own reason", "[bundle][badinput]") {
  Keys k = MakeKeys("tamper");
  std::string good = Build(k.priv, 3);
  // A changed byte inside a rule file; the tar header checksum does not cover content.
  CHECK(Check(Patch(good, "TỐI MẬT", "TỐI MẶT"), k) == dlp::BundleError::kFileChanged);
  // A changed byte inside the manifest: the signature no longer matches.
  CHECK(Check(Patch(good, "\"version\": 3", "\"version\": 9"), k) == dlp::BundleError::kBadSignature);
  // Signed by a key that is not installed.
  CHECK(Check(Build(k.other_priv, 3), k) == dlp::BundleError::kUntrustedKey);
  // Not a tar at all, truncated, or garbage.
  CHECK(Check("garbage", k) == dlp::BundleError::kMalformed);
  CHECK(Check(good.substr(0, good.size() / 2 / 512 * 512), k) == dlp::BundleError::kMalformed);
  // A tar header byte changed: the header checksum catches it.
  std::string header = good;
  header[0] = 'M';
  CHECK(Check(header, k) == dlp::BundleError::kMalformed);
}

TEST_CASE("missing and extra files are refused", "[bundle][badinput]") {
  Keys k = MakeKeys("files");
  std::string good = Build(k.priv, 3);
  // Rename a member in its tar header (and fix the header checksum) to drop/add a file.
  auto rename = [](std::string bytes, const std::string& from, const std::string& to) {
    size_t p = bytes.find(from);
    while (p != std::string::npos && p % 512 != 0) p = bytes.find(from, p + 1);  // the header
    REQUIRE(p != std::string::npos);
    bytes.replace(p, to.size(), to);
    unsigned sum = 0;
    for (size_t i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(bytes[p + i]);
    char field[8];
    std::snprintf(field, sizeof field, "%06o", sum);
    bytes.replace(p + 148, 7, std::string(field, 6) + '\0');
    return bytes;
  };
  std::string swapped = rename(good, "packs/sensitive.yaml", "packs/sensitivX.yaml");
  dlp::VerifyOptions opt{k.dir, 0};
  dlp::BundleError why;
  dlp::Status s = dlp::VerifyBundle(swapped, opt, nullptr, &why);
  CHECK(why == dlp::BundleError::kFileMissing);
  CHECK(s.message().find("packs/sensitive.yaml") != std::string::npos);
}

TEST_CASE("anti-rollback: only a newer version replaces the active one", "[bundle]") {
  Keys k = MakeKeys("rollback");
  CHECK(Check(Build(k.priv, 5), k, 4) == dlp::BundleError::kNone);
  CHECK(Check(Build(k.priv, 5), k, 5) == dlp::BundleError::kRollback);
  CHECK(Check(Build(k.priv, 2), k, 5) == dlp::BundleError::kRollback);
}

TEST_CASE("key rotation: any installed key verifies", "[bundle]") {
  Keys k = MakeKeys("rotate");
  std::string new_priv, new_pub;
  REQUIRE(dlp::GenerateKeyPair(&new_priv, &new_pub).ok());
  CHECK(Check(Build(new_priv, 2), k) == dlp::BundleError::kUntrustedKey);
  std::ofstream(k.dir + "/officer-2027.pub") << new_pub;
  CHECK(Check(Build(new_priv, 2), k) == dlp::BundleError::kNone);
  CHECK(Check(Build(k.priv, 3), k) == dlp::BundleError::kNone);
}

TEST_CASE("a bundle is a tar archive that lists its files", "[bundle]") {
  Keys k = MakeKeys("tar");
  std::string path = std::string(DLP_TEST_TMP) + "/listing.dlpb";
  std::ofstream(path, std::ios::binary) << Build(k.priv, 1);
  CHECK(dlp::IsBundleFile(path));
  std::string cmd = "tar tf " + path + " > " + path + ".txt";
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::ifstream list(path + ".txt");
  std::string first, second;
  std::getline(list, first);
  std::getline(list, second);
  CHECK(first == "manifest.json");
  CHECK(second == "manifest.sig");
}

TEST_CASE("a file slipped into a signed bundle is refused", "[bundle][badinput]") {
  Keys k = MakeKeys("extra");
  std::string dir = std::string(DLP_TEST_TMP) + "/extra_bundle";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir + "/good.dlpb", std::ios::binary) << Build(k.priv, 3);
  // Repack with GNU tar, in the same order, plus one unlisted rule file.
  std::string cmd = "cd " + dir + " && mkdir x && tar xf good.dlpb -C x && cd x && "
                    "printf 'format: 1\\n' > packs/zz-extra.yaml && "
                    "tar --format=ustar -cf ../bad.dlpb manifest.json manifest.sig $(tar tf ../good.dlpb | tail -n +3) packs/zz-extra.yaml";
  REQUIRE(std::system(cmd.c_str()) == 0);
  dlp::BundleError why = dlp::BundleError::kNone;
  dlp::Status s = dlp::VerifyBundleFile(dir + "/bad.dlpb", {k.dir, 0}, nullptr, &why);
  CHECK(why == dlp::BundleError::kFileExtra);
  CHECK(s.message().find("zz-extra.yaml") != std::string::npos);
  // The untouched original still verifies after the round trip through GNU tar's reader.
  CHECK(dlp::VerifyBundleFile(dir + "/good.dlpb", {k.dir, 0}, nullptr, &why).ok());
}
