// The per-install HMAC key and the hashing primitives of the audit log.
//
// The key turns a matched value into a fingerprint that correlates repeats on this install but
// cannot be reversed or brute-forced (a CCCD has only 10^12 values; a plain hash would not hide
// it). It lives in its own 0600 file, not in the database, so an exported or copied database
// carries fingerprints without the means to test guesses against them.
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "audit/audit_internal.h"

namespace dlp::audit::internal {
namespace {

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

bool Exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

// Reads at most kKeyBytes + 1 bytes: enough to tell a good key from a wrong-sized file.
bool ReadSmallFile(int fd, std::string* out) {
  char buf[kKeyBytes + 1];
  size_t got = 0;
  while (got < sizeof buf) {
    ssize_t n = ::read(fd, buf + got, sizeof buf - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  out->assign(buf, got);
  return true;
}

// Writes a fresh key to a private temporary file and links it into place, so a crash never
// leaves a half-written key and two processes starting together agree on one key (link fails
// with EEXIST for the loser, which then reads the winner's key).
Status CreateKey(const std::string& path) {
  unsigned char raw[kKeyBytes];
  if (RAND_bytes(raw, sizeof raw) != 1) return Status::Internal("RAND_bytes failed");
  std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  ::unlink(tmp.c_str());  // a leftover from a crashed start with the same pid
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError(Errno("cannot create audit key " + tmp));
  bool ok = ::write(fd, raw, sizeof raw) == static_cast<ssize_t>(sizeof raw) && ::fsync(fd) == 0;
  ::close(fd);
  OPENSSL_cleanse(raw, sizeof raw);
  if (!ok) {
    ::unlink(tmp.c_str());
    return Status::IOError(Errno("cannot write audit key " + tmp));
  }
  int rc = ::link(tmp.c_str(), path.c_str());
  int link_errno = errno;
  ::unlink(tmp.c_str());
  if (rc != 0) {
    if (link_errno == EEXIST) return Status::OK();  // another process won; read its key
    errno = link_errno;
    return Status::IOError(Errno("cannot create audit key " + path));
  }
  // Make the new name durable too: losing the key after incidents were fingerprinted with it
  // would break correlation silently.
  std::string dir = path.substr(0, path.find_last_of('/') + 1);
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::OK();
}

}  // namespace

std::string Hex(const unsigned char* p, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[p[i] >> 4];
    out[2 * i + 1] = kDigits[p[i] & 0xf];
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1) return "";
  return Hex(md, len);
}

std::string HmacSha256Hex(const std::string& key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len) == nullptr)
    return "";
  return Hex(md, len);
}

std::string FormatTime(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  int frac = static_cast<int>(ms % 1000);
  if (frac < 0) {  // before 1970: floor, not truncate
    frac += 1000;
    --secs;
  }
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[80];  // room for any int, which silences -Wformat-truncation
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  return buf;
}

std::string AsideName(const std::string& path) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  std::string base = path + ".corrupt-" + stamp;
  std::string name = base;
  for (int i = 1; Exists(name) || Exists(name + "-wal"); ++i) name = base + "-" + std::to_string(i);
  return name;
}

Status LoadOrCreateKey(const std::string& path, std::string* key, std::string* note) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd >= 0) {
      std::string bytes;
      struct stat st;
      bool read_ok = ReadSmallFile(fd, &bytes) && ::fstat(fd, &st) == 0;
      if (read_ok && bytes.size() == kKeyBytes && (st.st_mode & 077) != 0) {
        // Someone loosened the mode: tighten it rather than refuse to start.
        ::fchmod(fd, 0600);
        *note += "audit key " + path + " was readable by others; its mode is now 0600\n";
      }
      ::close(fd);
      if (!read_ok) return Status::IOError(Errno("cannot read audit key " + path));
      if (bytes.size() == kKeyBytes) {
        *key = std::move(bytes);
        return Status::OK();
      }
      std::string aside = AsideName(path);
      if (::rename(path.c_str(), aside.c_str()) != 0)
        return Status::IOError(Errno("cannot move aside bad audit key " + path));
      *note += "audit key " + path + " had " + std::to_string(bytes.size()) +
               " bytes instead of 32: moved to " + aside +
               " and a new key made (older fingerprints will not match newer ones)\n";
    } else if (errno != ENOENT) {
      return Status::IOError(Errno("cannot open audit key " + path));
    }
    Status s = CreateKey(path);
    if (!s.ok()) return s;
    // Either way the key is now on disk: loop once more to read exactly what others will read.
  }
  return Status::IOError("audit key " + path + " keeps changing while being read");
}

}  // namespace dlp::audit::internal
