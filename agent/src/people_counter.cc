#include "people_counter.h"

#include <unordered_set>

namespace dlp {
namespace {
constexpr size_t kMaxNodes = 1u << 20;  // bounded memory on a pathological input
}

int PeopleCounter::Node(uint64_t key) {
  auto it = values_.find(key);
  if (it != values_.end()) return it->second;
  int id = static_cast<int>(parent_.size());
  parent_.push_back(id);
  values_.emplace(key, id);
  return id;
}

int PeopleCounter::Find(int x) const {
  while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
  return x;
}

void PeopleCounter::Add(uint64_t value_key, uint64_t line_key, int type) {
  if (parent_.size() >= kMaxNodes) return;
  int v = Node(value_key);
  // Views are scanned one after the other, so findings do not arrive in text order: link by
  // line, whatever the order, to every value of another type already seen there.
  auto& on_line = lines_[line_key];
  for (auto [t, node] : on_line) {
    if (t == type) continue;
    int a = Find(v), b = Find(node);
    if (a != b) parent_[a] = b;
  }
  on_line.push_back({type, v});
}

size_t PeopleCounter::People() const {
  std::unordered_set<int> roots;
  for (size_t i = 0; i < parent_.size(); ++i) roots.insert(Find(static_cast<int>(i)));
  return roots.size();
}

}  // namespace dlp
