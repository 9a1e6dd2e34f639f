// A strict, minimal POSIX ustar codec: enough to write a bundle any `tar` can list, and to read
// one back while refusing everything a bundle never contains (links, devices, directories,
// absolute or ".." paths, sizes beyond the limits, bad header checksums).
#include <cstring>

#include "bundle_internal.h"

namespace dlp::bundle_internal {
namespace {

constexpr size_t kBlock = 512;

void PutOctal(char* field, size_t width, uint64_t value) {
  // width-1 octal digits, zero padded, then NUL.
  for (size_t i = width - 1; i-- > 0;) {
    field[i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
  field[width - 1] = '\0';
}

bool GetOctal(const char* field, size_t width, uint64_t* value) {
  uint64_t v = 0;
  size_t i = 0;
  while (i < width && field[i] == ' ') ++i;
  bool any = false;
  for (; i < width && field[i] >= '0' && field[i] <= '7'; ++i) {
    if (v > (UINT64_MAX >> 3)) return false;
    v = (v << 3) | static_cast<uint64_t>(field[i] - '0');
    any = true;
  }
  for (; i < width; ++i)
    if (field[i] != '\0' && field[i] != ' ') return false;
  *value = v;
  return any;
}

unsigned Checksum(const char* header) {
  unsigned sum = 0;
  for (size_t i = 0; i < kBlock; ++i)
    sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(header[i]);
  return sum;
}

bool SafeName(const std::string& name) {
  if (name.empty() || name.size() > 99 || name[0] == '/') return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    std::string part = name.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7F || c == '\\') return false;
  return true;
}

}  // namespace

std::string WriteTar(const std::vector<TarMember>& members) {
  std::string out;
  for (const auto& [name, content] : members) {
    char h[kBlock] = {};
    std::memcpy(h, name.data(), std::min(name.size(), size_t{99}));
    PutOctal(h + 100, 8, 0644);
    PutOctal(h + 108, 8, 0);
    PutOctal(h + 116, 8, 0);
    PutOctal(h + 124, 12, content.size());
    PutOctal(h + 136, 12, 0);  // fixed mtime: the same sources give the same bytes
    h[156] = '0';
    std::memcpy(h + 257, "ustar", 6);
    std::memcpy(h + 263, "00", 2);
    unsigned sum = Checksum(h);
    PutOctal(h + 148, 7, sum);
    h[155] = ' ';
    out.append(h, kBlock);
    out += content;
    out.append((kBlock - content.size() % kBlock) % kBlock, '\0');
  }
  out.append(2 * kBlock, '\0');
  return out;
}

Status ReadTar(std::string_view bytes, std::vector<TarMember>* out) {
  if (bytes.size() > kMaxBundleBytes)
    return Status::Corruption("bundle is larger than " + std::to_string(kMaxBundleBytes) + " bytes");
  if (bytes.size() % kBlock != 0) return Status::Corruption("not a tar archive (size not a multiple of 512)");
  size_t pos = 0;
  while (true) {
    if (pos + kBlock > bytes.size()) return Status::Corruption("tar archive ends without its end marker");
    const char* h = bytes.data() + pos;
    bool zero = true;
    for (size_t i = 0; i < kBlock && zero; ++i) zero = h[i] == '\0';
    if (zero) return Status::OK();  // end of archive
    uint64_t stored = 0, size = 0;
    if (!GetOctal(h + 148, 8, &stored) || stored != Checksum(h))
      return Status::Corruption("tar header at byte " + std::to_string(pos) + ": bad checksum");
    if (std::memcmp(h + 257, "ustar", 5) != 0)
      return Status::Corruption("tar header at byte " + std::to_string(pos) + ": not ustar");
    if (h[156] != '0' && h[156] != '\0')
      return Status::Corruption("tar member at byte " + std::to_string(pos) + " is not a regular file");
    if (h[345] != '\0') return Status::Corruption("tar member uses a long-name prefix");
    std::string name(h, strnlen(h, 100));
    if (!SafeName(name)) return Status::Corruption("tar member has an unsafe name '" + name + "'");
    if (!GetOctal(h + 124, 12, &size)) return Status::Corruption("tar member '" + name + "': bad size");
    pos += kBlock;
    if (size > bytes.size() - pos) return Status::Corruption("tar member '" + name + "' is truncated");
    if (out->size() >= kMaxMembers) return Status::Corruption("too many files in bundle");
    out->emplace_back(name, std::string(bytes.substr(pos, size)));
    pos += (size + kBlock - 1) / kBlock * kBlock;
  }
}

}  // namespace dlp::bundle_internal
