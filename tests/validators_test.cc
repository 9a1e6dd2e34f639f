// Unit tests for include/dlp/validators.h.
//
// Identifiers built here are synthetic: check digits are computed by the helpers below, never
// copied from real people. The "vector" cases are a subset of shared/external-vectors (public
// validator test suites: python-stdnum, validator.js), hard-coded so the tests need no file
// outside the repository; true means the source calls the whole string valid.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "dlp/validators.h"

namespace {

using namespace dlp::validators;

const dlp::ValidatorContext kCtx{2026};

struct Case {
  const char* text;
  bool valid;
};

void CheckAll(dlp::ValidatorFn fn, const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    INFO("candidate: [" << c.text << "]");
    CHECK(fn(c.text, kCtx) == c.valid);
  }
}

// Appends the Luhn check digit to `body`.
std::string WithLuhn(const std::string& body) {
  for (char d = '0'; d <= '9'; ++d) {
    if (Luhn(body + d)) return body + d;
  }
  return "";
}

// Appends the MST check digit to a 9-digit body; "" when the remainder is 0 (never issued).
std::string MstWithCheck(const std::string& body9) {
  const int w[9] = {31, 29, 23, 19, 17, 13, 7, 5, 3};
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += w[i] * (body9[i] - '0');
  if (sum % 11 == 0) return "";
  return body9 + static_cast<char>('0' + 10 - sum % 11);
}

// Builds an IBAN with correct check digits from a country code and BBAN.
std::string IbanWithCheck(const std::string& cc, const std::string& bban) {
  int rem = 0;
  for (char ch : bban + cc + "00") {
    if (ch >= '0' && ch <= '9') rem = (rem * 10 + (ch - '0')) % 97;
    else rem = (rem * 100 + (ch - 'A' + 10)) % 97;
  }
  char check[8];
  std::snprintf(check, sizeof check, "%02d", 98 - rem);
  return cc + check + bban;
}

// EMVCo TLV field with a 2-digit decimal length.
std::string Tlv(const std::string& tag, const std::string& value) {
  char len[24];
  std::snprintf(len, sizeof len, "%02zu", value.size());
  return tag + len + value;
}

// A VietQR-shaped payload for a made-up account, with the CRC appended.
std::string VietQrPayload(const std::string& guid = "A000000727") {
  const std::string account = Tlv("00", "970436") + Tlv("01", "0011223344");
  const std::string merchant = Tlv("00", guid) + Tlv("01", account) + Tlv("02", "QRIBFTTA");
  std::string p = Tlv("00", "01") + Tlv("01", "12") + Tlv("38", merchant) + Tlv("53", "704") +
                  Tlv("54", "50000") + Tlv("58", "VN") + "6304";
  char crc[5];
  std::snprintf(crc, sizeof crc, "%04X", Crc16Ccitt(p));
  return p + crc;
}

}  // namespace

TEST_CASE("registry maps every documented name", "[validators]") {
  const char* names[] = {"luhn", "payment_card", "iban", "cccd", "cmnd", "mst", "vn_phone",
                         "bhxh", "bhyt", "passport", "email", "vietqr", "license_plate",
                         "secret_value"};
  for (const char* n : names) {
    INFO(n);
    CHECK(dlp::FindValidator(n) != nullptr);
  }
  CHECK(dlp::FindValidator("nope") == nullptr);
  CHECK(dlp::FindValidator("") == nullptr);
  CHECK(dlp::FindValidator("CCCD") == nullptr);  // names are exact
  const auto all = dlp::ValidatorNames();
  CHECK(all.size() == std::size(names));
  for (const auto& n : all) CHECK(dlp::FindValidator(n) != nullptr);
  CHECK(dlp::FindValidator("luhn")("7992 7398 713", kCtx));
  CHECK_FALSE(dlp::FindValidator("luhn")("79927398710", kCtx));
}

TEST_CASE("Luhn", "[validators]") {
  CHECK(Luhn("79927398713"));
  CHECK(Luhn("4111 1111 1111 1111"));  // non-digits ignored
  CHECK_FALSE(Luhn("79927398710"));
  CHECK_FALSE(Luhn(""));
  CHECK_FALSE(Luhn("0"));
}

TEST_CASE("PaymentCard: issuer range, length and Luhn", "[validators]") {
  CheckAll(&PaymentCard, {
      // validator.js isCreditCard vectors
      {"375556917985515", true}, {"36050234196908", true}, {"4716-2210-5188-5662", true},
      {"4929 7226 5379 7141", true}, {"5398228707871527", true}, {"6283875070985593", true},
      {"2222155765072228", true}, {"2720428011723762", true}, {"4716989580001715211", true},
      {"8171999927660000", true}, {"6765780016990268", true},
      {"foo", false}, {"5398228707871528", false}, {"2718760626256571", false},
      {"2721465526338453", false}, {"2220175103860763", false},
      {"375556917985515999999993", false}, {"899999996234917882863855", false},
      {"623491788middle2863855", false}, {"4716989580001715213", false},
      // Well-known scheme test numbers
      {"4111111111111111", true}, {"5555555555554444", true}, {"378282246310005", true},
      {"6011111111111117", true}, {"3530111333300000", true}, {"6200000000000005", true},
      {"4111.1111.1111.1111", false},  // dots are not card separators
  });
  // NAPAS domestic cards: 16 or 19 digits only.
  CHECK(PaymentCard(WithLuhn("970400000000000"), kCtx));
  CHECK(PaymentCard(WithLuhn("970400000000000000"), kCtx));
  CHECK_FALSE(PaymentCard(WithLuhn("9704000000000000"), kCtx));  // 17 digits
  CHECK_FALSE(PaymentCard(WithLuhn("378282246310000"), kCtx));   // Amex must be 15
  CHECK_FALSE(PaymentCard(WithLuhn("4111111111111111"), kCtx));  // Visa 17: not a Visa length
  CHECK(PaymentCard(WithLuhn("411111111111111111"), kCtx));      // Visa 19
  CHECK_FALSE(PaymentCard(WithLuhn("41111111111"), kCtx));       // 12 digits, not Visa
}

TEST_CASE("Iban: country length, BBAN shape, mod-97", "[validators]") {
  CheckAll(&Iban, {
      // validator.js isIBAN vectors
      {"GB98 MIDL 0700 9312 3456 78", true}, {"DE91 1000 0000 0123 4567 89", true},
      {"FR76 3000 6000 0112 3456 7890 189", true}, {"CH56 0483 5012 3456 7800 9", true},
      {"IT60X0542811101000000123456", true}, {"SC52BAHL01031234567890123456USD", true},
      {"MT31MALT01100000000000000000123", true}, {"BR1500000000000010932840814P2", true},
      {"VG96VPVG0000012345678901", true}, {"PS92PALS00000000040012345670O", true},
      {"IR200170000000339545727003", true}, {"SV43ACAT00000000000000123123", true},
      {"XX22YYY1234567890123", false}, {"FR14 2004 1010 0505 0001 3", false},
      {"VG46H07Y0223060094359858", false}, {"IE95TE8270900834048660", false},
      {"PS072435171802145240705922007", false},
  });
  const std::string no = IbanWithCheck("NO", "86011117947");
  const std::string de = IbanWithCheck("DE", "370400440532013000");
  const std::string gb = IbanWithCheck("GB", "WEST12345698765432");
  CHECK(Iban(no, kCtx));
  CHECK(Iban(de, kCtx));
  CHECK(Iban(gb, kCtx));
  CHECK(Iban("de" + de.substr(2), kCtx));                          // lower case is tolerated
  CHECK_FALSE(Iban(de + "0", kCtx));                               // DE is 22 long
  CHECK_FALSE(Iban(IbanWithCheck("GB", "1234123456123456781"), kCtx)); // GB bank code is letters
  CHECK_FALSE(Iban(de.substr(0, 21) + (de[21] == '9' ? '0' : '9'), kCtx));  // mod-97 fails
  CHECK_FALSE(Iban(IbanWithCheck("VN", "0011223344556677"), kCtx));  // VN issues no IBAN
  CHECK_FALSE(Iban("DE89-3704-0044-0532-0130-00", kCtx));           // hyphens are not spaces
}

TEST_CASE("Cccd: province, century/sex digit, birth year", "[validators]") {
  CheckAll(&Cccd, {
      {"001099012345", true},   {"079203012345", true},  {"001 099 012 345", true},
      {"096188654321", true},   {"001225012345", true},  {"001006012345", true},
      {"001005012345", false},  // born 1905: 121 years old
      {"001230012345", false},  // born 2030: future
      {"001499012345", false},  // 2100s
      {"003099012345", false},  // 003 is not a province code
      {"097099012345", false},  {"000099012345", false},
      {"001099000000", false},  // placeholder serial
      {"00109901234", false},   {"0010990123456", false}, {"00109901234A", false},
  });
  dlp::ValidatorContext past{2020};
  CHECK_FALSE(Cccd("001225012345", past));
}

TEST_CASE("Cmnd: 9 digits with a non-zero issuing code, or the 12-digit layout", "[validators]") {
  CheckAll(&Cmnd, {
      {"012345678", true},  {"381234567", true},   {"024 123 456", true},
      {"001099012345", true},                      // 12 digits: CCCD rules
      {"391234567", true},  {"001234567", false},  {"010000000", false},
      {"01234567", false},  {"0123456789", false}, {"003099012345", false},
  });
}

TEST_CASE("Mst: check digit, province, branch", "[validators]") {
  CheckAll(&Mst, {
      // python-stdnum / stdnum-js vectors (business tax codes)
      {"01.00.112.437", true}, {"0100112437011", true}, {"0102641429-066", true},
      {"0311 916 028", true}, {"0312 68 78 78 - 001", true}, {"2000102580-005", true},
      {"0900283167", true}, {"5900705097", true}, {"3603718156", true}, {"0100233488", true},
      {"12345", false}, {"VV34567890", false}, {"0100000008", false}, {"0100233480", false},
      {"12345678", false},
      // Branch and layout rules
      {"0100112437-000", false}, {"0100112437000", false}, {"0100112437--001", false},
      {"010011243-7001", false}, {"0100112437-01", false}, {"0100112437-0011", false},
  });
  const std::string synthetic = MstWithCheck("471234567");
  REQUIRE(synthetic.size() == 10);
  CHECK(Mst(synthetic, kCtx));
  CHECK(Mst(synthetic + "-123", kCtx));
  CHECK_FALSE(Mst(synthetic.substr(0, 9) + static_cast<char>('0' + (synthetic[9] - '0' + 1) % 10),
                  kCtx));
  // Province "00" never issued, even with a correct check digit.
  for (const char* body : {"001234567", "009876543", "005555551"}) {
    const std::string m = MstWithCheck(body);
    if (!m.empty()) CHECK_FALSE(Mst(m, kCtx));
  }
  // A body whose weighted sum is 0 mod 11 has no valid check digit at all.
  std::string zero_rem;
  for (int n = 100000000; n < 100001000 && zero_rem.empty(); ++n) {
    if (MstWithCheck(std::to_string(n)).empty()) zero_rem = std::to_string(n);
  }
  REQUIRE_FALSE(zero_rem.empty());
  for (char d = '0'; d <= '9'; ++d) CHECK_FALSE(Mst(zero_rem + d, kCtx));
}

TEST_CASE("VnPhone: mobile and landline numbering plan", "[validators]") {
  CheckAll(&VnPhone, {
      // validator.js isMobilePhone('vi-VN') vectors
      {"0336012403", true}, {"+84586012403", true}, {"84981577798", true},
      {"0708001240", true}, {"84813601243", true}, {"0523803765", true},
      {"0878123456", true}, {"0553803765", true}, {"+84888696413", true},
      {"12345", false}, {"Vml2YW11cyBmZXJtZtesting123", false}, {"010-38238383", false},
      {"260976684590", false}, {"01678912345", false}, {"+841698765432", false},
      {"841626543219", false}, {"0533803765", false}, {"08712345678", false},
      // Written forms and landlines (synthetic numbers)
      {"0912 345 678", true}, {"+84 912.345.678", true}, {"(+84) 91-234-5678", true},
      {"(024) 3825 1234", true}, {"028 3829 1234", true}, {"0203 123 4567", true},
      {"+84 24 3825 1234", true}, {"0299 123 4567", true},
      {"84 24 3825 1234", false},  // landline needs 0 or +84
      {"0217 123 4567", false},    // 0217 is not an area code
      {"1900 1234", false}, {"1800 1234", false}, {"113", false}, {"115", false},
      {"+84 0912345678", false}, {"0912+345678", false}, {"091234567", false},
      {"0412345678", false}, {"0612345678", false}, {"+1 912 345 678", false},
  });
}

TEST_CASE("Bhxh: 10 digits, not a placeholder", "[validators]") {
  CheckAll(&Bhxh, {
      {"7912345670", true}, {"79 1234 5670", true}, {"0123456788", true},
      {"0123456789", false}, {"1234567890", false}, {"9876543210", false},
      {"1111111111", false}, {"791234567", false}, {"79123456701", false}, {"79123A5670", false},
  });
}

TEST_CASE("Bhyt: group code, benefit level, province, BHXH number", "[validators]") {
  CheckAll(&Bhyt, {
      {"DN4790123456781", true}, {"DN 4 79 0123456781", true}, {"HS2011234567809", true},
      {"TE1010000012345", true},
      {"ZZ4790123456781", false},  // unknown group
      {"DN6790123456781", false},  // benefit level 1-5
      {"DN0790123456781", false}, {"DN4000123456781", false},  // province 00
      {"DN479012345678", false},  {"dn4790123456781", false},  {"DN4791111111111", false},
      {"DN479012345678A", false},
  });
}

TEST_CASE("Passport: one letter and seven digits", "[validators]") {
  CheckAll(&Passport, {
      {"C1234567", true},  {"N1234567", true},  {"B 1234567", true},  {"K7654321", true},
      {"c1234567", false}, {"C123456", false},  {"C12345678", false}, {"CC123456", false},
      {"C0000000", false}, {"1234567", false},  {"12345678", false},  {"C12345A7", false},
  });
}

TEST_CASE("Email: local part and domain structure", "[validators]") {
  CheckAll(&Email, {
      // validator.js isEmail vectors
      {"foo@bar.com", true}, {"x@x.au", true}, {"foo@bar.com.au", true},
      {"foo+bar@bar.com", true}, {"hans.m端ller@test.com", true}, {"hans@m端ller.com", true},
      {"test|123@m端ller.com", true}, {"\"foobar\"@example.com", true},
      {"\"  foo  m端ller \"@example.com", true}, {"\"foo\\@bar\"@example.com", true},
      {"test@1337.com", true},
      {"invalidemail@", false}, {"invalid.com", false}, {"@invalid.com", false},
      {"z@co.c", false},
      // Structure rules
      {"nguyen.van.a@congty.com.vn", true}, {"a@xn--p1ai.xn--p1ai", true},
      {"a..b@x.com", false}, {".a@x.com", false}, {"a.@x.com", false}, {"a@-x.com", false},
      {"a@x-.com", false}, {"a@x.c0m", false}, {"a@x.123", false}, {"a@localhost", false},
      {"a b@x.com", false}, {"a@b@x.com", false}, {"a@x..com", false}, {"\"a\nb\"@x.com", false},
      {"\"\"@x.com", false}, {"a(b)@x.com", false},
  });
  CHECK(Email(std::string(64, 'a') + "@x.com", kCtx));
  CHECK_FALSE(Email(std::string(65, 'a') + "@x.com", kCtx));
  CHECK_FALSE(Email("a@" + std::string(64, 'b') + ".com", kCtx));
}

TEST_CASE("Crc16Ccitt", "[validators]") {
  CHECK(Crc16Ccitt("123456789") == 0x29B1);  // CRC-16/CCITT-FALSE check value
  CHECK(Crc16Ccitt("") == 0xFFFF);
}

TEST_CASE("VietQr: EMVCo TLV, NAPAS GUID, CRC", "[validators]") {
  const std::string good = VietQrPayload();
  CHECK(VietQr(good, kCtx));
  CHECK(VietQr("  " + good + "\n", kCtx));
  CHECK_FALSE(VietQr(VietQrPayload("A000000728"), kCtx));   // not NAPAS
  std::string tampered = good;
  tampered[tampered.find("0011223344")] = '9';               // account changed, CRC stale
  CHECK_FALSE(VietQr(tampered, kCtx));
  std::string lower = good;
  for (std::size_t i = lower.size() - 4; i < lower.size(); ++i) {
    if (lower[i] >= 'A' && lower[i] <= 'F') lower[i] = static_cast<char>(lower[i] + 32);
  }
  if (lower != good) CHECK_FALSE(VietQr(lower, kCtx));       // CRC must be upper-case hex
  CHECK_FALSE(VietQr(good + "00", kCtx));                    // data after the CRC
  CHECK_FALSE(VietQr(good.substr(0, good.size() - 1), kCtx));
  CHECK_FALSE(VietQr(good.substr(6), kCtx));                 // no 000201 header
  CHECK_FALSE(VietQr("000201" "0102" "12", kCtx));            // length overruns input
  CHECK_FALSE(VietQr("hello", kCtx));
}

TEST_CASE("LicensePlate: area code, series, serial", "[validators]") {
  CheckAll(&LicensePlate, {
      {"30A-123.45", true},   {"30A-12345", true},    {"30A12345", true},
      {"29-B1 234.56", true}, {"29B1-23456", true},   {"59-X3 123.45", true},
      {"51LD-123.45", true},  {"30A-1234", true},     {"80A-123.45", true},
      {"39A-123.45", true},
      {"10A-123.45", false},  {"42A-123.45", false},  {"30-123.45", false},
      {"30ABC-123.45", false}, {"30A-123", false},    {"30I-123.45", false},
      {"30A-000.00", false},  {"30a-123.45", false},  {"3OA-123.45", false},
      {"30A-1234567", false},
  });
}

TEST_CASE("SecretValue: real secrets, not placeholders or addresses", "[validators]") {
  CheckAll(&SecretValue, {
      {"mat khau: Abc@12345", true},      {"password=S3cr3t-Token", true},
      {"mat khau wifi la PhongHop2025!", true}, {"UNE@uqzdii7", true},
      {"postgresql://app:Xk9!pass@db.example.internal:5432", true},
      {"password: ${DB_PASSWORD}", false}, {"mat khau: ********", false},
      {"pass: {{ vault_pass }}", false},   {"mat khau: <mat_khau>", false},
      {"an@example.vn", false},            {"mk: abc", false},
      {"postgresql://app@db.example.internal", false},
  });
}

TEST_CASE("Email: text decoded from binary junk is not an address", "[validators]") {
  CHECK_FALSE(Email("\xEF\xBF\xBDj@W.\xEF\xBF\xBD\xEF\xBF\xBD" "a", kCtx));
  CHECK_FALSE(Email("ab@\xEF\xBF\xBDX.vn", kCtx));
  CHECK(Email("hans@m\xE7\xAB\xAFller.com", kCtx));  // a real IDN label still passes
}
