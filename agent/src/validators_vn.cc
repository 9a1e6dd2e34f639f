// Vietnamese identifiers: CCCD, CMND, MST, phone numbers, BHXH, BHYT, passport, vehicle plates.
// Structure and sources: docs in shared/domain/VIETNAM.md ("Identifier structure"). Only CCCD
// birth year and MST have anything like a check; the others are shape + known-code checks, so
// the rule packs pair them with context keywords.
#include "dlp/validators.h"
#include "validators_internal.h"

namespace dlp::validators {
namespace {

using internal::AllSame;
using internal::Compact;
using internal::ExtractDigits;
using internal::InTable;
using internal::IsDigit;
using internal::IsUpper;
using internal::TrimAsciiSpace;
using internal::TwoDigits;

// Separators people put inside written numbers ("001 099 001234", "0311.916.028").
constexpr std::string_view kDigitSeparators = " .-";

// CCCD province-of-registration codes of the 63 provinces (Ministry of Public Security list).
// Codes after the 2025 province mergers are unconfirmed; existing cards keep their codes.
constexpr int kCccdProvinces[] = {
    1,  2,  4,  6,  8,  10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33,
    34, 35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66,
    67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96};

// CMND (9-digit) issuing codes: mostly 01..38 by province, but provinces split and merged and
// some codes had three digits, and the public record is thin (VIETNAM.md). A CMND only counts
// next to its keyword, so the range is kept wide: anything but 00.
constexpr int kCmndFirstProvince = 1;
constexpr int kCmndLastProvince = 99;

// Landline area codes 02xx of the 2017 numbering plan (Decision 2036/QĐ-BTTTT), without the
// leading 0; Hà Nội (24) and TP.HCM (28) have 8-digit subscriber numbers and are handled apart.
constexpr int kLandlineAreas[] = {
    203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 218, 219,
    220, 221, 222, 225, 226, 227, 228, 229, 232, 233, 234, 235, 236, 237, 238, 239,
    251, 252, 254, 255, 256, 257, 258, 259, 260, 261, 262, 263, 269, 270, 271, 272,
    273, 274, 275, 276, 277, 290, 291, 292, 293, 294, 296, 297, 299};

// BHYT card group codes (đối tượng), from the BHXH card-code circulars. One table on purpose.
constexpr std::string_view kBhytGroups[] = {
    "DN", "HX", "CH", "NN", "TK", "HC", "XK", "CA", "QN", "CY", "XN", "XB", "XD", "CC", "CK", "CB",
    "KC", "HD", "TE", "BT", "HN", "DT", "DK", "XV", "TS", "TC", "TQ", "TA", "TY", "HG", "LS", "PV",
    "CN", "HS", "SV", "GB", "GD", "NO", "TL", "MS", "HT", "TB", "NH", "HK", "AK", "CS", "XA"};

// Vehicle plate area codes (Circular 24/2023/TT-BCA annex; 80 = central agencies). 39 is the
// second Đồng Nai code next to 60. Area-code list is marked "unconfirmed" in VIETNAM.md.
constexpr bool IsPlateArea(int a) noexcept {
  return a == 11 || a == 12 || (a >= 14 && a <= 41) || a == 43 || (a >= 47 && a <= 86) ||
         (a >= 88 && a <= 90) || (a >= 92 && a <= 95) || (a >= 97 && a <= 99);
}

// Letters that never appear in a civilian plate series: J and W are not Vietnamese letters,
// I and O would be confused with 1 and 0.
constexpr bool IsPlateLetter(char c) noexcept {
  return IsUpper(c) && c != 'I' && c != 'J' && c != 'O' && c != 'W';
}

// Century/sex digit -> century: 0/1 1900s, 2/3 2000s, 4/5 2100s, 6/7 2200s, 8/9 2300s.
bool CccdDigitsValid(std::string_view d, const ValidatorContext& ctx) noexcept {
  if (d.size() != 12) return false;
  if (!InTable(kCccdProvinces, internal::DigitValue(d[0]) * 100 + TwoDigits(d, 1))) return false;
  const int year = 1900 + (internal::DigitValue(d[3]) / 2) * 100 + TwoDigits(d, 4);
  if (year > ctx.current_year || ctx.current_year - year > 120) return false;
  // No check digit exists, so a placeholder run is the only thing left to reject.
  return !AllSame(d.substr(6));
}

bool MstDigitsValid(std::string_view d) noexcept {
  if (d[0] == '0' && d[1] == '0') return false;            // province "00" is not issued
  if (d.substr(2, 7) == "0000000") return false;            // sequence 0 is not issued (stdnum)
  static constexpr int kWeights[9] = {31, 29, 23, 19, 17, 13, 7, 5, 3};
  int sum = 0;
  for (std::size_t i = 0; i < 9; ++i) sum += kWeights[i] * internal::DigitValue(d[i]);
  // check = 10 - (sum mod 11); a remainder of 0 gives 10, which is never issued.
  const int check = 10 - sum % 11;
  return check <= 9 && internal::DigitValue(d[9]) == check;
}

// Mobile network prefixes after the leading 0 (2018 plan): 3[2-9] 5[25689] 7[06-9] 8[1-9] 9x.
constexpr bool IsMobilePrefix(char a, char b) noexcept {
  switch (a) {
    case '3': return b >= '2';
    case '5': return b == '2' || b == '5' || b == '6' || b == '8' || b == '9';
    case '7': return b == '0' || b >= '6';
    case '8': return b >= '1';
    case '9': return true;
    default: return false;
  }
}

// `n` is a national number with its leading 0.
bool NationalMobile(std::string_view n) noexcept {
  return n.size() == 10 && IsMobilePrefix(n[1], n[2]);
}
bool NationalLandline(std::string_view n) noexcept {
  if (n.size() != 11 || n[1] != '2') return false;
  if (n[2] == '4' || n[2] == '8') return true;  // 024 / 028 + 8 digits
  const int area = 200 + TwoDigits(n, 2);        // 02xx + 7 digits
  return InTable(kLandlineAreas, area);
}

bool BhxhDigitsPlausible(std::string_view d) noexcept {
  return d.size() == 10 && !AllSame(d) && d != "0123456789" && d != "1234567890" &&
         d != "9876543210";
}

}  // namespace

bool Cccd(std::string_view s, const ValidatorContext& ctx) {
  Compact d;
  if (!ExtractDigits(TrimAsciiSpace(s), kDigitSeparators, &d)) return false;
  return CccdDigitsValid(d.view(), ctx);
}

bool Cmnd(std::string_view s, const ValidatorContext& ctx) {
  Compact d;
  if (!ExtractDigits(TrimAsciiSpace(s), kDigitSeparators, &d)) return false;
  if (d.size() == 12) return CccdDigitsValid(d.view(), ctx);  // 12-digit CMND used CCCD layout
  if (d.size() != 9) return false;
  const int province = TwoDigits(d.view(), 0);
  if (province < kCmndFirstProvince || province > kCmndLastProvince) return false;
  return !AllSame(d.view().substr(2));
}

// Accepts "0100112437", "01.00.112.437", "0311 916 028", "0102641429-066",
// "0312 68 78 78 - 001" and the 13-digit run "0100112437011" (python-stdnum's compact form).
bool Mst(std::string_view s, const ValidatorContext&) {
  Compact d;
  bool hyphen = false;
  for (char c : TrimAsciiSpace(s)) {
    if (IsDigit(c)) {
      if (!d.Push(c)) return false;
    } else if (c == '-') {
      // Only one hyphen, and only between the 10-digit base and the branch.
      if (hyphen || d.size() != 10) return false;
      hyphen = true;
    } else if (c != '.' && c != ' ') {
      return false;
    }
  }
  if (hyphen ? d.size() != 13 : (d.size() != 10 && d.size() != 13)) return false;
  if (d.size() == 13 && d.view().substr(10) == "000") return false;  // branches are 001-999
  return MstDigitsValid(d.view());
}

// "0912 345 678", "+84 912.345.678", "(+84) 91-234-5678", "84912345678", "(024) 3825 1234".
// Service numbers (1800/1900, 113/114/115) fail because they do not start with 0 or 84.
bool VnPhone(std::string_view s, const ValidatorContext&) {
  s = TrimAsciiSpace(s);
  Compact d;
  bool plus = false;
  for (char c : s) {
    if (IsDigit(c)) {
      if (!d.Push(c)) return false;
    } else if (c == '+') {
      if (plus || d.size() != 0) return false;  // '+' only before the country code
      plus = true;
    } else if (c != ' ' && c != '.' && c != '-' && c != '(' && c != ')') {
      return false;
    }
  }
  const std::string_view all = d.view();
  if (plus || (all.size() == 11 && all.substr(0, 2) == "84")) {
    if (all.size() < 3 || all.substr(0, 2) != "84") return false;
    // Rebuild the national form "0" + subscriber part so both prefixes share one check.
    Compact n;
    n.Push('0');
    for (char c : all.substr(2)) {
      if (!n.Push(c)) return false;
    }
    // "84" without '+' is only trusted for 11-digit mobiles: an unmarked 12-digit run that
    // starts with 84 is more often something else than a landline.
    return NationalMobile(n.view()) || (plus && NationalLandline(n.view()));
  }
  if (all.empty() || all[0] != '0') return false;
  return NationalMobile(all) || NationalLandline(all);
}

bool Bhxh(std::string_view s, const ValidatorContext&) {
  Compact d;
  if (!ExtractDigits(TrimAsciiSpace(s), kDigitSeparators, &d)) return false;
  return BhxhDigitsPlausible(d.view());
}

// Layout: group code (2 letters) + benefit level 1-5 + province 01-99 + 10-digit BHXH number,
// e.g. "DN4790123456789" or "DN 4 79 0123456789".
bool Bhyt(std::string_view s, const ValidatorContext&) {
  Compact c;
  for (char ch : TrimAsciiSpace(s)) {
    if (kDigitSeparators.find(ch) != std::string_view::npos) continue;
    if (!c.Push(ch)) return false;
  }
  const std::string_view v = c.view();
  if (v.size() != 15 || !IsUpper(v[0]) || !IsUpper(v[1])) return false;
  for (std::size_t i = 2; i < v.size(); ++i) {
    if (!IsDigit(v[i])) return false;
  }
  bool known_group = false;
  for (std::string_view g : kBhytGroups) known_group = known_group || g == v.substr(0, 2);
  if (!known_group) return false;
  if (v[2] < '1' || v[2] > '5') return false;
  if (TwoDigits(v, 3) == 0) return false;
  return BhxhDigitsPlausible(v.substr(5));
}

// VN passports: one letter (series, e.g. B, C, N) + 7 digits; "C 1234567" is tolerated.
bool Passport(std::string_view s, const ValidatorContext&) {
  s = TrimAsciiSpace(s);
  if (s.empty() || !IsUpper(s[0])) return false;
  s.remove_prefix(1);
  if (!s.empty() && (s[0] == ' ' || s[0] == '-')) s.remove_prefix(1);
  if (s.size() != 7) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return s != "0000000";
}

// Cars "30A-123.45", "30A-12345", "30A12345", "51LD-123.45"; motorbikes "29-B1 234.56",
// "29B1-23456", "59-X3 123.45". Layout: 2-digit area, optional separator, 1-2 series letters,
// then the rest: an optional series digit (motorbikes) and a 4- or 5-digit serial, with
// separators anywhere in the numeric part. Both shapes reduce to "4 to 6 digits after the
// letters", which is what is checked.
bool LicensePlate(std::string_view s, const ValidatorContext&) {
  s = TrimAsciiSpace(s);
  if (s.size() < 7 || !IsDigit(s[0]) || !IsDigit(s[1])) return false;
  if (!IsPlateArea(TwoDigits(s, 0))) return false;
  std::size_t i = 2;
  if (i < s.size() && (s[i] == '-' || s[i] == ' ' || s[i] == '.')) ++i;
  std::size_t letters = 0;
  while (i < s.size() && IsPlateLetter(s[i]) && letters < 3) {
    ++letters;
    ++i;
  }
  if (letters == 0 || letters > 2) return false;
  Compact d;
  if (!ExtractDigits(s.substr(i), kDigitSeparators, &d)) return false;
  if (d.size() < 4 || d.size() > 6) return false;
  // An all-zero serial is never issued; it is how templates and examples look.
  const std::string_view serial = d.view().substr(d.size() == 6 ? 1 : 0);
  return !(AllSame(serial) && serial[0] == '0');
}

}  // namespace dlp::validators
