// Validators: named checks that turn a pattern match into a finding, or reject it.
//
// A rule names its validator in the pack ("validator: cccd"); the engine looks it up here when
// the pack is loaded, so an unknown name is a pack error, never a silent pass. Each validator
// receives the matched text of the loose view (separators such as spaces, dots and hyphens may
// be inside it; validators skip what is not part of the identifier) and returns whether it is a
// structurally valid identifier. None of them needs the network or a database of real people.
//
// Thread safety: all functions are pure and thread-safe.
#ifndef DLP_VALIDATORS_H_
#define DLP_VALIDATORS_H_

#include <string>
#include <string_view>
#include <vector>

namespace dlp {

struct ValidatorContext {
  int current_year = 2026;  // for birth-year plausibility; the engine fills in the real year
};

using ValidatorFn = bool (*)(std::string_view candidate, const ValidatorContext& ctx);

// Returns the validator called `name`, or nullptr if there is none.
ValidatorFn FindValidator(std::string_view name);
// All validator names, for documentation and error messages.
std::vector<std::string> ValidatorNames();

namespace validators {
// Each takes the matched text; separators inside it are ignored as documented per function.
bool Luhn(std::string_view digits);                         // digits only, mod-10 check
bool PaymentCard(std::string_view s, const ValidatorContext&);  // known IIN range + length + Luhn
bool Iban(std::string_view s, const ValidatorContext&);     // country length + BBAN shape + mod-97
bool Cccd(std::string_view s, const ValidatorContext&);     // province code, century/sex, year
bool Cmnd(std::string_view s, const ValidatorContext&);     // 9 digits (or 12), known province
bool Mst(std::string_view s, const ValidatorContext&);      // 10 digits + check digit, -NNN branch
bool VnPhone(std::string_view s, const ValidatorContext&);  // mobile or landline, numbering plan
bool Bhxh(std::string_view s, const ValidatorContext&);     // 10-digit social insurance number
bool Bhyt(std::string_view s, const ValidatorContext&);     // 15-char health insurance card
bool Passport(std::string_view s, const ValidatorContext&); // one letter + 7 digits
bool Email(std::string_view s, const ValidatorContext&);    // local@domain.tld structure
bool VietQr(std::string_view s, const ValidatorContext&);   // EMVCo TLV, NAPAS GUID, CRC16 tag 63
bool LicensePlate(std::string_view s, const ValidatorContext&);  // known area code + series
// A written-out secret: the value after the last ':', '=' or " la " of "mật khẩu: Abc@123" is
// not a placeholder (${X}, {{x}}, <x>, ****, xxx) and mixes at least two character classes.
bool SecretValue(std::string_view s, const ValidatorContext&);
// CRC16-CCITT (poly 0x1021, init 0xFFFF, no reflection, no final xor).
unsigned Crc16Ccitt(std::string_view data);
}  // namespace validators

}  // namespace dlp

#endif  // DLP_VALIDATORS_H_
