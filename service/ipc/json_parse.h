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
#include <memory>
#include <string>
#include <string_view>

namespace dlp::ipc {

enum class ParseResult {
  kOk,
  kNotJson,     // not JSON at all, or JSON but not an object
  kTooDeep,     // an object nested deeper than max_depth (root = 1; *out is left null)
};

// Parses a message that must be one JSON object nested at most max_depth levels.
ParseResult ParseMessage(std::string_view payload, size_t max_depth, nlohmann::json* out);

// A request as the service reads it. A paste's "text" is the one field that can be megabytes, and
// a copy of it into nlohmann::json (then another out of it) was a large share of the service's
// cost on big pastes, so a top-level "text" whose value is a string is kept out of `fields` and
// viewed where the parser unescaped it. Everything else, a "text" of another type included, is
// in `fields` exactly as ParseMessage would have put it; duplicate keys: the last one wins.
class Request {
 public:
  nlohmann::json fields;  // null unless parsing returned kOk
  bool has_text() const { return has_text_; }
  // Valid while this Request lives (and is not assigned to).
  std::string_view text() const { return keep_ ? text_ : std::string_view(owned_); }

 private:
  friend ParseResult ParseRequest(std::string_view, bool, size_t, Request*);
  bool has_text_ = false;
  std::string_view text_;       // into keep_'s buffers
  std::string owned_;           // otherwise: the text, copied (small messages)
  std::shared_ptr<void> keep_;  // large messages: the parser whose buffers hold the text
};

// ParseMessage for a request. `padded`: payload.data() is followed by at least
// kParsePadding readable bytes (a FrameBuffer's are), which saves the parser a copy of the
// whole message.
inline constexpr size_t kParsePadding = 64;
ParseResult ParseRequest(std::string_view payload, bool padded, size_t max_depth, Request* out);

}  // namespace dlp::ipc

#endif  // DLP_SERVICE_IPC_JSON_PARSE_H_
