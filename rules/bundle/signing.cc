// OpenSSL primitives for bundles: SHA-256, base64, Ed25519 keys, signatures and key ids.
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <ctime>
#include <memory>

#include "bundle_internal.h"

namespace dlp {
namespace {

struct PkeyFree { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };
struct CtxFree { void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); } };
struct BioFree { void operator()(BIO* b) const { BIO_free(b); } };
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Bio = std::unique_ptr<BIO, BioFree>;

std::string Hex(const unsigned char* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) { s += d[p[i] >> 4]; s += d[p[i] & 15]; }
  return s;
}

std::string BioString(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

Pkey ReadPublic(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return Pkey(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

Pkey ReadPrivate(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return Pkey(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

std::string KeyIdOf(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(key, &der);
  if (n <= 0) return "";
  std::string id = bundle_internal::Sha256Hex(std::string_view(reinterpret_cast<char*>(der), n)).substr(0, 16);
  OPENSSL_free(der);
  return id;
}

}  // namespace

namespace bundle_internal {

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr);
  return Hex(md, n);
}

std::string Base64Encode(std::string_view raw) {
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(raw.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

bool Base64Decode(std::string_view text, std::string* raw) {
  if (text.empty() || text.size() % 4 != 0) return false;
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return false;
  size_t pad = text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0;  // DecodeBlock keeps padding bytes
  out.resize(static_cast<size_t>(n) - pad);
  *raw = std::move(out);
  return true;
}

Status SignEd25519(const std::string& private_pem, std::string_view message, std::string* sig,
                   std::string* key_id) {
  Pkey key = ReadPrivate(private_pem);
  if (!key || EVP_PKEY_id(key.get()) != EVP_PKEY_ED25519)
    return Status::InvalidArgument("the signing key is not an Ed25519 private key in PEM form");
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  size_t len = 64;
  sig->assign(64, '\0');
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig->data()), &len,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1)
    return Status::Internal("OpenSSL could not sign the manifest");
  sig->resize(len);
  *key_id = KeyIdOf(key.get());
  return Status::OK();
}

bool VerifyEd25519(const std::string& public_pem, std::string_view message, std::string_view sig) {
  Pkey key = ReadPublic(public_pem);
  if (!key || EVP_PKEY_id(key.get()) != EVP_PKEY_ED25519) return false;
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

std::string UtcNowRfc3339() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace bundle_internal

Status GenerateKeyPair(std::string* private_pem, std::string* public_pem) {
  EVP_PKEY* raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (!raw) return Status::Internal("OpenSSL could not generate an Ed25519 key");
  Pkey key(raw);
  Bio priv(BIO_new(BIO_s_mem())), pub(BIO_new(BIO_s_mem()));
  if (!priv || !pub || PEM_write_bio_PrivateKey(priv.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_PUBKEY(pub.get(), key.get()) != 1)
    return Status::Internal("OpenSSL could not encode the key pair");
  *private_pem = BioString(priv.get());
  *public_pem = BioString(pub.get());
  return Status::OK();
}

Status KeyIdOfPublicPem(const std::string& public_pem, std::string* key_id) {
  Pkey key = ReadPublic(public_pem);
  if (!key || EVP_PKEY_id(key.get()) != EVP_PKEY_ED25519)
    return Status::InvalidArgument("not an Ed25519 public key in PEM form");
  *key_id = KeyIdOf(key.get());
  return Status::OK();
}

}  // namespace dlp
