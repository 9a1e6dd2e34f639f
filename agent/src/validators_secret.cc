// Whether a "password: value" match carries a real secret or only a placeholder.
#include <cctype>
#include <string>

#include "dlp/validators.h"

namespace dlp::validators {

bool SecretValue(std::string_view s, const ValidatorContext&) {
  std::string_view v;
  if (size_t scheme = s.find("://"); scheme != std::string_view::npos) {
    // A URL with credentials: scheme://user:password@host
    std::string_view rest = s.substr(scheme + 3);
    size_t colon = rest.find(':'), at = rest.rfind('@');
    if (colon == std::string_view::npos || at == std::string_view::npos || at < colon) return false;
    v = rest.substr(colon + 1, at - colon - 1);
  } else {
    // The value starts after the last separator of the "key: value" shape.
    size_t cut = s.find_last_of(":=");
    size_t la = s.rfind(" la ");
    if (la != std::string_view::npos && (cut == std::string_view::npos || la + 3 > cut)) cut = la + 3;
    v = cut == std::string_view::npos ? s : s.substr(cut + 1);
  }
  while (!v.empty() && (v.front() == ' ' || v.front() == '"' || v.front() == '\'')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == '"' || v.back() == '\'' || v.back() == ',' || v.back() == ';'))
    v.remove_suffix(1);
  if (v.size() < 4) return false;
  // Templates and placeholders: ${DB_PASSWORD}, {{ pass }}, <mat_khau>, %PASS%, ********, xxxx.
  if (v.starts_with("${") || v.starts_with("{{") || v.starts_with("<") || v.starts_with("%") ||
      v.starts_with("$(") || v.starts_with("\xE2\x80\xB9"))
    return false;
  // An e-mail address is a contact detail, not a secret: user@host.tld
  if (size_t at = v.find('@'); at != std::string_view::npos) {
    size_t dot = v.rfind('.');
    if (dot != std::string_view::npos && dot > at + 1 && v.size() - dot >= 3) {
      bool tld = true;
      for (char c : v.substr(dot + 1)) tld = tld && std::isalpha(static_cast<unsigned char>(c));
      if (tld) return false;
    }
  }
  bool all_same = v.find_first_not_of(v.front()) == std::string_view::npos;
  if (all_same) return false;
  int lower = 0, upper = 0, digit = 0, symbol = 0;
  for (unsigned char c : v) {
    if (std::islower(c)) lower = 1;
    else if (std::isupper(c)) upper = 1;
    else if (std::isdigit(c)) digit = 1;
    else symbol = 1;
  }
  return lower + upper + digit + symbol >= 2;
}

}  // namespace dlp::validators
