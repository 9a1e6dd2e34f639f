// Parses a protocol message. Every hop parses every message it relays or answers, and a paste
// is a JSON string of up to a few MiB: nlohmann::json's character-at-a-time lexer spends about
// 10-15 ms per MiB on it (twice on the browser path: dlp-nmhost, then dlp-agentd), which alone
// would use most of the 1 MiB paste's latency budget. simdjson parses and validates the same
// bytes at over 1 GB/s; the result is converted into the nlohmann::json the handlers use.
//
// Semantics are nlohmann's: anything simdjson refuses (malformed, or a form it does not accept
// such as an integer beyond 64 bits) is handed to nlohmann::json::parse, so a message means the
// same as before; only well-formed messages take the fast path. Duplicate keys: the last wins.
// Non-negative integers become unsigned, as nlohmann makes them.
//
// Thread safety: may be called from any thread.
#ifndef DLP_SERVICE_IPC_JSON_PARSE_H_
#define DLP_SERVICE_IPC_JSON_PARSE_H_

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string_view>

namespace dlp::ipc {

enum class ParseResult {
  kOk,
  kNotJson,     // not JSON at all, or JSON but not an object
  kTooDeep,     // an object nested deeper than max_depth (root = 1; *out is left null)
};

// Parses a message that must be one JSON object nested at most max_depth levels.
ParseResult ParseMessage(std::string_view payload, size_t max_depth, nlohmann::json* out);

}  // namespace dlp::ipc

#endif  // DLP_SERVICE_IPC_JSON_PARSE_H_
