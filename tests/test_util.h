// Helpers shared by the engine tests: one compiled default engine, and scanning shortcuts.
#ifndef DLP_TESTS_TEST_UTIL_H_
#define DLP_TESTS_TEST_UTIL_H_

#include <memory>
#include <set>
#include <string>

#include "dlp/default_pack.h"
#include "dlp/engine.h"

namespace dlp::test {

// The national motto block that opens a state document.
inline const std::string kHeader =
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n";

// The built-in pack compiled once for the whole test binary.
const Engine& DefaultEngine();

ScanResult Scan(std::string_view text, const std::string& destination = "public_ai");
std::set<std::string> Types(const ScanResult& r);
std::set<std::string> RuleIds(const ScanResult& r);

}  // namespace dlp::test

#endif  // DLP_TESTS_TEST_UTIL_H_
