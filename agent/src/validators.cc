// Validator registry (name -> function) and the helpers shared by validators_vn.cc and
// validators_finance.cc. The individual checks live in those two files.
#include "dlp/validators.h"

#include "validators_internal.h"

namespace dlp {
namespace {

// The registry signature carries a context; Luhn alone does not need one, so it is wrapped.
bool LuhnEntry(std::string_view s, const ValidatorContext&) { return validators::Luhn(s); }

struct Entry {
  std::string_view name;
  ValidatorFn fn;
};

// One table so that FindValidator and ValidatorNames can never disagree. Names are what rule
// packs write after "validator:"; renaming one breaks packs, so only add.
constexpr Entry kRegistry[] = {
    {"luhn", &LuhnEntry},
    {"payment_card", &validators::PaymentCard},
    {"iban", &validators::Iban},
    {"cccd", &validators::Cccd},
    {"cmnd", &validators::Cmnd},
    {"mst", &validators::Mst},
    {"vn_phone", &validators::VnPhone},
    {"bhxh", &validators::Bhxh},
    {"bhyt", &validators::Bhyt},
    {"passport", &validators::Passport},
    {"email", &validators::Email},
    {"vietqr", &validators::VietQr},
    {"license_plate", &validators::LicensePlate},
    {"secret_value", &validators::SecretValue},
};

}  // namespace

ValidatorFn FindValidator(std::string_view name) {
  for (const Entry& e : kRegistry) {
    if (e.name == name) return e.fn;
  }
  return nullptr;
}

std::vector<std::string> ValidatorNames() {
  std::vector<std::string> names;
  names.reserve(std::size(kRegistry));
  for (const Entry& e : kRegistry) names.emplace_back(e.name);
  return names;
}

namespace validators::internal {

std::string_view TrimAsciiSpace(std::string_view s) noexcept {
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool AllSame(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    if (c != s.front()) return false;
  }
  return true;
}

bool InTable(const int* table, std::size_t n, int v) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    if (table[i] == v) return true;
  }
  return false;
}

bool ExtractDigits(std::string_view s, std::string_view skip, Compact* out) noexcept {
  for (char c : s) {
    if (IsDigit(c)) {
      if (!out->Push(c)) return false;
    } else if (skip.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

}  // namespace validators::internal
}  // namespace dlp
