// Test texts and reply helpers shared by the agentd_*_test.cc files (dlp-agentd as it runs, see
// agentd_fixture.h).
#ifndef DLP_TESTS_AGENTD_TEST_UTIL_H_
#define DLP_TESTS_AGENTD_TEST_UTIL_H_

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <string>

#include "agentd_fixture.h"

namespace dlp::test {

constexpr char kPublicAi[] = "https://chatgpt.com/c/42";
constexpr char kAllowText[] = "Hôm nay trời đẹp, cuộc họp giao ban lúc 9 giờ sáng.";
constexpr char kWarnText[] = "Liên hệ: 0912 345 678";  // a phone number: warn toward public AI
constexpr char kWarnValue[] = "0912 345 678";
constexpr char kBlockText[] = "Số CCCD của tôi là 001085012345 nhé";  // CCCD: block
constexpr char kEmailText[] = "Gửi chị Lan: nguyen.van.a@example.com";  // medium: warn (v5: high)

inline bool Ok(const nlohmann::json& r) {
  return r.is_object() && r.contains("ok") && r["ok"] == true;
}

inline std::string Slice(const std::string& text, const nlohmann::json& finding) {
  auto start = finding["start"].get<size_t>(), end = finding["end"].get<size_t>();
  if (start > end || end > text.size()) return "<bad offsets>";
  return text.substr(start, end - start);
}

inline std::string Out(const ProcessResult& r) {
  return "status " + std::to_string(r.status) + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
}

inline int CountLines(const std::string& s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

inline nlohmann::json Status(Client& c) {
  nlohmann::json r = c.Call({{"op", "status"}});
  REQUIRE(Ok(r));
  return r;
}

}  // namespace dlp::test

#endif  // DLP_TESTS_AGENTD_TEST_UTIL_H_
