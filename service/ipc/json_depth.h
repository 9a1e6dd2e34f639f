// A guard every hop applies to a parsed message before touching it: nlohmann::json copies, dumps
// and destroys values recursively, so a message nested a hundred thousand deep (an echoed "id")
// would overflow a thread's stack. The depth is measured here without recursion.
#ifndef DLP_SERVICE_IPC_JSON_DEPTH_H_
#define DLP_SERVICE_IPC_JSON_DEPTH_H_

#include <nlohmann/json.hpp>

#include <cstddef>
#include <utility>
#include <vector>

namespace dlp::ipc {

// The nesting every protocol message must stay within (service/PROTOCOL.md).
constexpr size_t kMaxJsonDepth = 64;

inline bool NestedDeeperThan(const nlohmann::json& j, size_t max_depth) {
  std::vector<std::pair<const nlohmann::json*, size_t>> stack{{&j, 1}};
  while (!stack.empty()) {
    auto [v, depth] = stack.back();
    stack.pop_back();
    if (depth > max_depth) return true;
    if (v->is_structured())
      for (const auto& child : *v) stack.push_back({&child, depth + 1});
  }
  return false;
}

}  // namespace dlp::ipc

#endif  // DLP_SERVICE_IPC_JSON_DEPTH_H_
