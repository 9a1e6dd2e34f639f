// Fuzz target: ipc::ParseMessage, the simdjson fast path every hop parses messages with, against
// what the hops did before (nlohmann::json::parse, the object check, the nesting guard).
//
// Input: any bytes, taken as one message. Checks: both give the same verdict (ok / not JSON /
// too deep) and, when ok, the same value with the same serialization (so number kinds, escapes
// and duplicate keys are resolved the same way). A difference aborts with both results' kinds.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "ipc/json_depth.h"
#include "ipc/json_parse.h"

namespace {

using dlp::ipc::ParseResult;

ParseResult Reference(const std::string& s, nlohmann::json* out) {
  *out = nlohmann::json::parse(s, nullptr, false);
  if (out->is_discarded() || !out->is_object()) return ParseResult::kNotJson;
  if (dlp::ipc::NestedDeeperThan(*out, dlp::ipc::kMaxJsonDepth)) return ParseResult::kTooDeep;
  return ParseResult::kOk;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string in(reinterpret_cast<const char*>(data), size);
  nlohmann::json want_value, got_value;
  ParseResult got = dlp::ipc::ParseMessage(in, dlp::ipc::kMaxJsonDepth, &got_value);
  // nlohmann's recursive descent on a very deep input is what the fast path protects against;
  // compare only where the reference itself is safe to run.
  size_t opens = 0;
  for (char c : in) opens += c == '[' || c == '{';
  if (opens > 4096) return 0;
  ParseResult want = Reference(in, &want_value);
  bool same = got == want;
  if (same && want == ParseResult::kOk)
    same = got_value == want_value && got_value.dump() == want_value.dump();
  if (!same) {
    fprintf(stderr, "fuzz_json_parse: fast path says %d, nlohmann says %d\n",
            static_cast<int>(got), static_cast<int>(want));
    abort();
  }
  return 0;
}
