// Small helpers shared by the validator files. Private to the engine (not under include/).
//
// Validators run on every pattern match, so the helpers avoid heap allocation: a candidate is
// compacted into a fixed-size stack buffer, and anything longer than the buffer is simply not a
// valid identifier of any kind we check.
#ifndef DLP_AGENT_SRC_VALIDATORS_INTERNAL_H_
#define DLP_AGENT_SRC_VALIDATORS_INTERNAL_H_

#include <cstddef>
#include <string_view>

namespace dlp::validators::internal {

constexpr bool IsDigit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool IsUpper(char c) noexcept { return c >= 'A' && c <= 'Z'; }
constexpr bool IsLower(char c) noexcept { return c >= 'a' && c <= 'z'; }
constexpr bool IsAsciiAlnum(char c) noexcept { return IsDigit(c) || IsUpper(c) || IsLower(c); }
constexpr bool IsNonAscii(char c) noexcept { return static_cast<unsigned char>(c) >= 0x80; }
constexpr bool IsAsciiSpace(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
constexpr int DigitValue(char c) noexcept { return c - '0'; }

// Value of the two ASCII digits at s[pos], s[pos+1]; the caller has checked they are digits.
constexpr int TwoDigits(std::string_view s, std::size_t pos) noexcept {
  return DigitValue(s[pos]) * 10 + DigitValue(s[pos + 1]);
}

// Strips ASCII whitespace at both ends: a pattern match may carry a leading or trailing blank.
std::string_view TrimAsciiSpace(std::string_view s) noexcept;

// True if every character of a non-empty `s` is the same (000000, 1111111111).
bool AllSame(std::string_view s) noexcept;

// True if `v` is one of the `n` entries of `table`. Tables are short; a linear scan is enough.
bool InTable(const int* table, std::size_t n, int v) noexcept;
template <std::size_t N>
bool InTable(const int (&table)[N], int v) noexcept {
  return InTable(table, N, v);
}

// A fixed-capacity character buffer for the compacted form of a candidate.
class Compact {
 public:
  static constexpr std::size_t kCapacity = 64;
  // Appends c; returns false (and records overflow) once the capacity is exceeded.
  bool Push(char c) noexcept {
    if (len_ >= kCapacity) {
      overflow_ = true;
      return false;
    }
    buf_[len_++] = c;
    return true;
  }
  std::size_t size() const noexcept { return len_; }
  bool overflow() const noexcept { return overflow_; }
  std::string_view view() const noexcept { return std::string_view(buf_, len_); }
  char operator[](std::size_t i) const noexcept { return buf_[i]; }

 private:
  char buf_[kCapacity] = {};
  std::size_t len_ = 0;
  bool overflow_ = false;
};

// Copies the ASCII digits of `s` into `out`, skipping any character listed in `skip`. Returns
// false if another character occurs or the buffer overflows: a letter inside a digit run means
// the match is not the identifier (e.g. "623491788middle2863855").
bool ExtractDigits(std::string_view s, std::string_view skip, Compact* out) noexcept;

}  // namespace dlp::validators::internal

#endif  // DLP_AGENT_SRC_VALIDATORS_INTERNAL_H_
