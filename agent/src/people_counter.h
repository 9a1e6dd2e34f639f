// Counts the people behind contact findings for aggregate rules. Values of different types next
// to each other on one line are one person (a phone and an e-mail in a signature or a row of a
// list); values of the same type on one line are different people ("To: a@x; b@x; c@x"); the
// same value written twice is one person. Only hashes are kept, never values.
#ifndef DLP_AGENT_PEOPLE_COUNTER_H_
#define DLP_AGENT_PEOPLE_COUNTER_H_

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

namespace dlp {

class PeopleCounter {
 public:
  void Add(uint64_t value_key, uint64_t line_key, int type);
  size_t People() const;

 private:
  int Node(uint64_t key);
  int Find(int x) const;
  std::unordered_map<uint64_t, int> values_;
  std::unordered_map<uint64_t, std::vector<std::pair<int, int>>> lines_;  // line -> (type, node)
  mutable std::vector<int> parent_;
};

}  // namespace dlp

#endif  // DLP_AGENT_PEOPLE_COUNTER_H_
