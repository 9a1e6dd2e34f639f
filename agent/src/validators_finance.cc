// Financial and contact identifiers: Luhn, payment cards, IBAN, VietQR (EMVCo) and e-mail.
#include "dlp/validators.h"
#include "validators_internal.h"

namespace dlp::validators {
namespace {

using internal::Compact;
using internal::ExtractDigits;
using internal::IsAsciiAlnum;
using internal::IsDigit;
using internal::IsLower;
using internal::IsNonAscii;
using internal::IsUpper;
using internal::TrimAsciiSpace;

// ---- Payment cards -------------------------------------------------------------------------

constexpr unsigned Len(int n) { return 1u << n; }
constexpr unsigned LenRange(int lo, int hi) {
  unsigned m = 0;
  for (int n = lo; n <= hi; ++n) m |= Len(n);
  return m;
}

// An issuer range: the first `digits` digits of the PAN lie in [lo, hi]; `lengths` is a bit
// set of allowed PAN lengths. A Luhn check alone accepts one random digit run in ten, so the
// range and length must agree too (2721465526338453 is Luhn-valid but outside every range).
struct IssuerRange {
  int digits;
  int lo;
  int hi;
  unsigned lengths;
};

constexpr IssuerRange kIssuers[] = {
    {1, 4, 4, Len(13) | Len(16) | Len(19)},  // Visa
    {2, 51, 55, Len(16)},                    // Mastercard
    {4, 2221, 2720, Len(16)},                // Mastercard 2-series
    {2, 34, 34, Len(15)},                    // American Express
    {2, 37, 37, Len(15)},
    {4, 6011, 6011, LenRange(16, 19)},  // Discover
    {3, 644, 649, LenRange(16, 19)},
    {2, 65, 65, LenRange(16, 19)},
    {4, 3528, 3589, LenRange(16, 19)},  // JCB
    {3, 300, 305, LenRange(14, 19)},    // Diners Club
    {2, 36, 36, LenRange(14, 19)},
    {2, 38, 39, LenRange(14, 19)},
    {2, 62, 62, LenRange(16, 19)},  // UnionPay
    {2, 81, 81, LenRange(16, 19)},  // UnionPay 81 series (validator.js 8171999927660000)
    {4, 5018, 5018, LenRange(12, 19)},  // Maestro
    {4, 5020, 5020, LenRange(12, 19)},
    {4, 5038, 5038, LenRange(12, 19)},
    {4, 5893, 5893, LenRange(12, 19)},
    {4, 6304, 6304, LenRange(12, 19)},
    {4, 6759, 6759, LenRange(12, 19)},
    {4, 6761, 6763, LenRange(12, 19)},
    // Other 67 BINs (Maestro UK / Solo heritage): validator.js accepts 6765780016990268. Only
    // the common 16-19 lengths, to keep the widening small.
    {2, 67, 67, LenRange(16, 19)},
    {4, 9704, 9704, Len(16) | Len(19)},  // NAPAS domestic (Vietnam)
};

int Prefix(std::string_view d, int digits) {
  int v = 0;
  for (char c : d.substr(0, static_cast<std::size_t>(digits))) v = v * 10 + internal::DigitValue(c);
  return v;
}

// ---- IBAN ----------------------------------------------------------------------------------

// BBAN shapes from the SWIFT IBAN registry (release 101, as shipped in python-stdnum's
// iban.dat): "n" digits, "a" upper-case letters, "c" letters or digits. The IBAN length is
// 4 + the BBAN length, so it is derived from the shape rather than stored twice.
struct IbanCountry {
  char cc[3];
  std::string_view bban;
};

constexpr IbanCountry kIbanCountries[] = {
    {"AD", "4!n4!n12!c"}, {"AE", "3!n16!n"}, {"AL", "8!n16!c"}, {"AT", "5!n11!n"},
    {"AZ", "4!a20!c"}, {"BA", "3!n3!n8!n2!n"}, {"BE", "3!n7!n2!n"}, {"BG", "4!a4!n2!n8!c"},
    {"BH", "4!a14!c"}, {"BI", "5!n5!n11!n2!n"}, {"BR", "8!n5!n10!n1!a1!c"}, {"BY", "4!c4!n16!c"},
    {"CH", "5!n12!c"}, {"CR", "4!n14!n"}, {"CY", "3!n5!n16!c"}, {"CZ", "4!n16!n"},
    {"DE", "8!n10!n"}, {"DJ", "5!n5!n11!n2!n"}, {"DK", "4!n9!n1!n"}, {"DO", "4!c20!n"},
    {"EE", "2!n14!n"}, {"EG", "4!n4!n17!n"}, {"ES", "4!n4!n1!n1!n10!n"}, {"FI", "3!n11!n"},
    {"FK", "2!a12!n"}, {"FO", "4!n9!n1!n"}, {"FR", "5!n5!n11!c2!n"}, {"GB", "4!a6!n8!n"},
    {"GE", "2!a16!n"}, {"GI", "4!a15!c"}, {"GL", "4!n9!n1!n"}, {"GR", "3!n4!n16!c"},
    {"GT", "4!c20!c"}, {"HN", "4!a20!n"}, {"HR", "7!n10!n"}, {"HU", "3!n4!n1!n15!n1!n"},
    {"IE", "4!a6!n8!n"}, {"IL", "3!n3!n13!n"}, {"IQ", "4!a3!n12!n"}, {"IS", "4!n2!n6!n10!n"},
    {"IT", "1!a5!n5!n12!c"}, {"JO", "4!a4!n18!c"}, {"KW", "4!a22!c"}, {"KZ", "3!n13!c"},
    {"LB", "4!n20!c"}, {"LC", "4!a24!c"}, {"LI", "5!n12!c"}, {"LT", "5!n11!n"},
    {"LU", "3!n13!c"}, {"LV", "4!a13!c"}, {"LY", "3!n3!n15!n"}, {"MC", "5!n5!n11!c2!n"},
    {"MD", "2!c18!c"}, {"ME", "3!n13!n2!n"}, {"MK", "3!n10!c2!n"}, {"MN", "4!n12!n"},
    {"MR", "5!n5!n11!n2!n"}, {"MT", "4!a5!n18!c"}, {"MU", "4!a2!n2!n12!n3!n3!a"},
    {"NI", "4!a20!n"}, {"NL", "4!a10!n"}, {"NO", "4!n6!n1!n"}, {"OM", "3!n16!c"},
    {"PK", "4!a16!c"}, {"PL", "8!n16!n"}, {"PS", "4!a21!c"}, {"PT", "4!n4!n11!n2!n"},
    {"QA", "4!a21!c"}, {"RO", "4!a16!c"}, {"RS", "3!n13!n2!n"}, {"RU", "9!n5!n15!c"},
    {"SA", "2!n18!c"}, {"SC", "4!a2!n2!n16!n3!a"}, {"SD", "2!n12!n"}, {"SE", "3!n16!n1!n"},
    {"SI", "5!n8!n2!n"}, {"SK", "4!n6!n10!n"}, {"SM", "1!a5!n5!n12!c"}, {"SO", "4!n3!n12!n"},
    {"ST", "4!n4!n11!n2!n"}, {"SV", "4!a20!n"}, {"TL", "3!n14!n2!n"}, {"TN", "2!n3!n13!n2!n"},
    {"TR", "5!n1!n16!c"}, {"UA", "6!n19!c"}, {"VA", "3!n15!n"}, {"VG", "4!a16!n"},
    {"XK", "4!n10!n2!n"}, {"YE", "4!a4!n18!c"},
    // Not in the SWIFT registry but issued nationally and accepted by banks (all-numeric).
    {"AO", "21!n"}, {"CV", "21!n"}, {"DZ", "22!n"}, {"IR", "22!n"}, {"MA", "24!n"},
    {"MG", "23!n"}, {"MZ", "21!n"},
};

// Matches `bban` against a registry shape; false on any mismatch, including length.
bool BbanMatches(std::string_view bban, std::string_view shape) {
  std::size_t pos = 0;
  std::size_t i = 0;
  while (i < shape.size()) {
    int count = 0;
    while (i < shape.size() && IsDigit(shape[i])) count = count * 10 + (shape[i++] - '0');
    if (i < shape.size() && shape[i] == '!') ++i;
    if (i >= shape.size()) return false;
    const char kind = shape[i++];
    for (int k = 0; k < count; ++k, ++pos) {
      if (pos >= bban.size()) return false;
      const char c = bban[pos];
      const bool ok = kind == 'n'   ? IsDigit(c)
                      : kind == 'a' ? IsUpper(c)
                                    : IsDigit(c) || IsUpper(c);
      if (!ok) return false;
    }
  }
  return pos == bban.size();
}

// ---- E-mail ----------------------------------------------------------------------------------

// Characters that cannot appear unquoted in a dot-atom local part (RFC 5322 specials + space).
bool IsAtomChar(char c) {
  if (IsNonAscii(c)) return true;  // SMTPUTF8 addresses ("hans.m端ller")
  if (c <= ' ' || c == 0x7F) return false;
  return std::string_view("()<>[]:;@\\,\"").find(c) == std::string_view::npos;
}

bool DomainValid(std::string_view d) {
  if (d.empty() || d.size() > 253) return false;
  int labels = 0;
  std::string_view last;
  while (true) {
    const std::size_t dot = d.find('.');
    const std::string_view label = d.substr(0, dot);
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!IsAsciiAlnum(c) && c != '-' && !IsNonAscii(c)) return false;
    }
    ++labels;
    last = label;
    if (dot == std::string_view::npos) break;
    d.remove_prefix(dot + 1);
  }
  if (labels < 2 || last.size() < 2) return false;
  if (last.substr(0, 4) == "xn--" || last.substr(0, 4) == "XN--") return true;  // IDN TLD
  for (char c : last) {
    if (!IsUpper(c) && !IsLower(c) && !IsNonAscii(c)) return false;  // letters only, no digits
  }
  return true;
}

}  // namespace

bool Luhn(std::string_view digits) {
  int sum = 0;
  int count = 0;
  // Walk from the right: every second digit is doubled.
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (!IsDigit(*it)) continue;
    int v = internal::DigitValue(*it);
    if (count % 2 == 1) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
    ++count;
  }
  return count >= 2 && sum % 10 == 0;  // a lone digit is not a number worth checking
}

bool PaymentCard(std::string_view s, const ValidatorContext&) {
  Compact d;
  if (!ExtractDigits(TrimAsciiSpace(s), " -", &d)) return false;
  const int n = static_cast<int>(d.size());
  if (n < 12 || n > 19) return false;
  bool issuer = false;
  for (const IssuerRange& r : kIssuers) {
    const int p = Prefix(d.view(), r.digits);
    if (p >= r.lo && p <= r.hi && (r.lengths & Len(n)) != 0) {
      issuer = true;
      break;
    }
  }
  return issuer && Luhn(d.view());
}

bool Iban(std::string_view s, const ValidatorContext&) {
  Compact c;
  for (char ch : TrimAsciiSpace(s)) {
    if (ch == ' ') continue;
    if (IsLower(ch)) ch = static_cast<char>(ch - 'a' + 'A');  // printed IBANs are sometimes lower
    if (!IsDigit(ch) && !IsUpper(ch)) return false;
    if (!c.Push(ch)) return false;
  }
  const std::string_view v = c.view();
  if (v.size() < 15 || v.size() > 34) return false;
  if (!IsUpper(v[0]) || !IsUpper(v[1]) || !IsDigit(v[2]) || !IsDigit(v[3])) return false;
  // Check digits 00, 01 and 99 are never issued (ISO 13616); 99 would also pass mod-97.
  const int check = internal::TwoDigits(v, 2);
  if (check < 2 || check > 98) return false;
  const IbanCountry* country = nullptr;
  for (const IbanCountry& k : kIbanCountries) {
    if (k.cc[0] == v[0] && k.cc[1] == v[1]) country = &k;
  }
  if (country == nullptr || !BbanMatches(v.substr(4), country->bban)) return false;
  // mod-97 of BBAN + country + check digits, letters as 10..35, computed incrementally.
  int rem = 0;
  auto feed = [&rem](char ch) {
    if (IsDigit(ch)) {
      rem = (rem * 10 + (ch - '0')) % 97;
    } else {
      rem = (rem * 100 + (ch - 'A' + 10)) % 97;
    }
  };
  for (char ch : v.substr(4)) feed(ch);
  for (char ch : v.substr(0, 4)) feed(ch);
  return rem == 1;
}

unsigned Crc16Ccitt(std::string_view data) {
  unsigned crc = 0xFFFF;
  for (char ch : data) {
    crc ^= static_cast<unsigned>(static_cast<unsigned char>(ch)) << 8;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) ? ((crc << 1) ^ 0x1021) : (crc << 1);
      crc &= 0xFFFF;
    }
  }
  return crc;
}

// EMVCo merchant-presented QR: ID(2 digits) LEN(2 digits) VALUE, repeated to the end. The
// payload must start with format indicator 000201, carry the NAPAS GUID A000000727 in
// merchant-account tag 38 and end with tag 63 = CRC16 over everything up to "6304".
bool VietQr(std::string_view s, const ValidatorContext&) {
  s = TrimAsciiSpace(s);
  if (s.substr(0, 6) != "000201") return false;
  bool napas = false;
  std::size_t pos = 0;
  while (pos + 4 <= s.size()) {
    if (!IsDigit(s[pos]) || !IsDigit(s[pos + 1]) || !IsDigit(s[pos + 2]) || !IsDigit(s[pos + 3]))
      return false;
    const int tag = internal::TwoDigits(s, pos);
    const std::size_t len = static_cast<std::size_t>(internal::TwoDigits(s, pos + 2));
    const std::size_t value_at = pos + 4;
    if (value_at + len > s.size()) return false;
    const std::string_view value = s.substr(value_at, len);
    if (tag == 63) {
      // The CRC must be the last field and exactly 4 upper-case hex digits.
      if (len != 4 || value_at + 4 != s.size()) return false;
      unsigned given = 0;
      for (char ch : value) {
        const int h = IsDigit(ch) ? ch - '0' : (ch >= 'A' && ch <= 'F') ? ch - 'A' + 10 : -1;
        if (h < 0) return false;
        given = given * 16 + static_cast<unsigned>(h);
      }
      return napas && given == Crc16Ccitt(s.substr(0, value_at));
    }
    if (tag == 38 && value.find("A000000727") != std::string_view::npos) napas = true;
    pos = value_at + len;
  }
  return false;  // ran out of input without a CRC field
}

// local@domain. The local part is a quoted string ("foo\@bar", spaces allowed inside) or a
// dot-atom; the domain is at least two labels with an alphabetic TLD of two or more letters.
bool Email(std::string_view s, const ValidatorContext&) {
  if (s.empty() || s.size() > 254) return false;
  // U+FFFD stands for bytes that were not UTF-8 (binary data), never for part of an address.
  if (s.find("\xEF\xBF\xBD") != std::string_view::npos) return false;
  std::size_t at = 0;
  if (s[0] == '"') {
    std::size_t i = 1;
    while (i < s.size() && s[i] != '"') {
      if (s[i] == '\n' || s[i] == '\r') return false;
      if (s[i] == '\\') {
        if (i + 1 >= s.size() || s[i + 1] == '\n' || s[i + 1] == '\r') return false;
        ++i;  // the escaped character is taken literally
      }
      ++i;
    }
    if (i >= s.size() || i == 1) return false;  // unterminated or empty quoted string
    at = i + 1;
    if (at >= s.size() || s[at] != '@') return false;
  } else {
    at = s.find('@');
    if (at == std::string_view::npos || at == 0) return false;
    const std::string_view local = s.substr(0, at);
    if (local.front() == '.' || local.back() == '.') return false;
    if (local.find("..") != std::string_view::npos) return false;
    for (char c : local) {
      if (c != '.' && !IsAtomChar(c)) return false;
    }
  }
  if (at > 64) return false;  // RFC 5321 local-part limit
  return DomainValid(s.substr(at + 1));
}

}  // namespace dlp::validators
