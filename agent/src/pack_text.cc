#include "pack_text.h"

#include <array>
#include <cctype>
#include <cstdio>

namespace dlp {

std::string LooseForm(const Normalizer& norm, std::string_view s) {
  NormalizedView v;
  norm.Normalize(s, ViewKind::kLoose, 0, &v);
  return v.text;
}

std::string LooseLower(const Normalizer& norm, std::string_view s) {
  std::string out = LooseForm(norm, s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string KeywordToPattern(std::string_view keyword, bool spaced_letters) {
  std::string out;
  bool prev_letter = false;
  for (size_t i = 0; i < keyword.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(keyword[i]);
    if (std::isspace(c)) {
      while (i + 1 < keyword.size() && std::isspace(static_cast<unsigned char>(keyword[i + 1]))) ++i;
      out += spaced_letters ? "\\s{0,4}" : "\\s{1,4}";
      prev_letter = false;
      continue;
    }
    if (spaced_letters && prev_letter) out += "\\s{0,4}";
    if (std::isalnum(c)) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
    prev_letter = std::isalnum(c) != 0;
  }
  return out;
}

bool IsKnownFindingType(std::string_view type) {
  static constexpr std::array<std::string_view, 22> kTypes = {
      "secret_marking", "secret_handling_mark", "circulation_mark", "urgency_mark",
      "party_doc_number", "state_doc_number", "cccd", "cmnd", "mst", "bhxh", "bhyt", "passport",
      "phone", "email", "bank_account", "credit_card", "iban", "vietqr", "license_plate",
      "sensitive_personal", "credential", "bulk_personal"};
  for (auto t : kTypes)
    if (t == type) return true;
  return false;
}

}  // namespace dlp
