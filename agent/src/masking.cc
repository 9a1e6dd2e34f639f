// What a person (or the audit log) may see of a finding: markings are shown, since the stamp
// itself is not the secret; every other value keeps only a few characters at its ends.
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>

namespace dlp {
namespace {

bool IsMarkingType(std::string_view t) {
  return t == "secret_marking" || t == "secret_handling_mark" || t == "circulation_mark" ||
         t == "urgency_mark" || t == "party_doc_number" || t == "state_doc_number";
}

bool IsAlnumByte(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

}  // namespace

std::string MaskValue(std::string_view type, std::string_view value) {
  constexpr size_t kMaxShown = 80;
  std::string out;
  if (IsMarkingType(type)) {
    bool space = false;
    for (unsigned char c : value) {
      if (std::isspace(c)) { space = true; continue; }
      if (space && !out.empty()) out += ' ';
      space = false;
      out += static_cast<char>(c);
    }
  } else {
    size_t alnum = 0;
    for (unsigned char c : value) alnum += IsAlnumByte(c) && !(c >= 0x80 && c < 0xC0);
    size_t keep = alnum >= 8 ? 2 : alnum >= 4 ? 1 : 0;
    size_t seen = 0;
    for (size_t i = 0; i < value.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(value[i]);
      if (!IsAlnumByte(c)) { out += static_cast<char>(c); continue; }
      if (c >= 0x80 && c < 0xC0) continue;  // continuation byte: its lead already decided
      size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      bool show = seen < keep || seen >= alnum - keep;
      if (show) out.append(value.substr(i, len)); else out += '*';
      ++seen;
    }
  }
  if (out.size() > kMaxShown) {
    size_t cut = kMaxShown;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    out += "…";
  }
  return out;
}

uint64_t ValueKey(std::string_view type, std::string_view value) {
  std::string key;
  if (type == "email") {
    for (unsigned char c : value) key += static_cast<char>(std::tolower(c));
  } else {
    for (char c : value)
      if (c >= '0' && c <= '9') key += c;
    if (type == "phone" && key.starts_with("84") && key.size() == 11) key = "0" + key.substr(2);
  }
  uint64_t h = 1469598103934665603ULL;  // FNV-1a: only distinctness matters here
  for (unsigned char c : key) h = (h ^ c) * 1099511628211ULL;
  return h;
}

}  // namespace dlp
