// Writing JSON text directly, byte for byte as nlohmann::json::dump(-1, ' ', false,
// error_handler_t::replace) writes it, which is how every reply of the service is serialized.
// For replies with many parts (a scan of a big paste has hundreds of findings) building an
// nlohmann::json object first and dumping it cost more than the rest of the reply's handling;
// writing the text straight out costs a fraction, and the bytes are the same.
//
// Thread safety: the functions are reentrant.
#ifndef DLP_SERVICE_IPC_JSON_WRITE_H_
#define DLP_SERVICE_IPC_JSON_WRITE_H_

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace dlp::ipc {

// Appends s as a JSON string, quotes included. Valid UTF-8 (almost every string) is escaped
// here: `"` `\` and the control characters, as nlohmann does; anything else is handed to
// nlohmann itself, whose replacement of invalid sequences by U+FFFD is then kept exactly.
void AppendJsonString(std::string* out, std::string_view s);
// Appends any value as dump() writes it.
void AppendJsonValue(std::string* out, const nlohmann::json& v);
void AppendJsonUint(std::string* out, uint64_t v);
void AppendJsonInt(std::string* out, int64_t v);
inline void AppendJsonBool(std::string* out, bool v) { out->append(v ? "true" : "false"); }

}  // namespace dlp::ipc

#endif  // DLP_SERVICE_IPC_JSON_WRITE_H_
