// Counts the people behind contact findings for aggregate rules. Values of different types next
// to each other on one line are one person (a phone and an e-mail in a signature or a row of a
// list); values of the same type on one line are different people ("To: a@x; b@x; c@x"); the
// same value written twice is one person. Only hashes are kept, never values.
#ifndef DLP_AGENT_PEOPLE_COUNTER_H_
#define DLP_AGENT_PEOPLE_COUNTER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace dlp {

// A map from 64-bit keys to int slots in one array (open addressing, linear probing): every
// contact finding looks up its value and its line, and a node-based map cost a cache miss and
// an allocation per new key.
class KeyIndex {
 public:
  // The slot for `key`, inserted holding `fresh` if the key is new.
  int& FindOrInsert(uint64_t key, int fresh);
  size_t size() const { return size_; }
  // Empties it; a table grown large is released rather than kept.
  void Clear();

 private:
  struct Entry {
    uint64_t key;
    int value;
    bool used;
  };
  void Grow();
  std::vector<Entry> table_;
  size_t size_ = 0;
};

class PeopleCounter {
 public:
  void Add(uint64_t value_key, uint64_t line_key, int type);
  size_t People() const;
  // Forgets everything, for the next scan (large tables are released).
  void Clear();

 private:
  struct Link {  // one value seen on a line; lines chain their values through `next`
    int type;
    int node;
    int next;
  };
  int Find(int x) const;
  KeyIndex values_;             // value key -> node
  KeyIndex lines_;              // line key -> its last Link (-1: none)
  std::vector<Link> links_;
  mutable std::vector<int> parent_;
};

}  // namespace dlp

#endif  // DLP_AGENT_PEOPLE_COUNTER_H_
