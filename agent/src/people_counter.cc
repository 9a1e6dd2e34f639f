#include "people_counter.h"

#include <algorithm>

namespace dlp {
namespace {
constexpr size_t kMaxNodes = 1u << 20;  // bounded memory on a pathological input

// Line keys are offsets (close together, low bits alike) and value keys hashes: mix both so that
// the table's low bits spread.
size_t Mix(uint64_t key) {
  key ^= key >> 33;
  key *= 0xff51afd7ed558ccdull;
  key ^= key >> 33;
  return static_cast<size_t>(key);
}
}  // namespace

int& KeyIndex::FindOrInsert(uint64_t key, int fresh) {
  if ((size_ + 1) * 2 > table_.size()) Grow();
  const size_t mask = table_.size() - 1;
  for (size_t i = Mix(key) & mask;; i = (i + 1) & mask) {
    Entry& e = table_[i];
    if (!e.used) {
      e = Entry{key, fresh, true};
      ++size_;
      return e.value;
    }
    if (e.key == key) return e.value;
  }
}

void KeyIndex::Grow() {
  std::vector<Entry> old(table_.empty() ? 32 : table_.size() * 2, Entry{0, 0, false});
  old.swap(table_);
  size_ = 0;
  for (const Entry& e : old)
    if (e.used) FindOrInsert(e.key, e.value);
}

void KeyIndex::Clear() {
  constexpr size_t kKeepEntries = 4096;
  if (table_.size() > kKeepEntries) std::vector<Entry>().swap(table_);
  else std::fill(table_.begin(), table_.end(), Entry{0, 0, false});
  size_ = 0;
}

void PeopleCounter::Clear() {
  values_.Clear();
  lines_.Clear();
  links_.clear();
  parent_.clear();
  constexpr size_t kKeepNodes = 4096;
  if (links_.capacity() > kKeepNodes) std::vector<Link>().swap(links_);
  if (parent_.capacity() > kKeepNodes) std::vector<int>().swap(parent_);
}

int PeopleCounter::Find(int x) const {
  while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
  return x;
}

void PeopleCounter::Add(uint64_t value_key, uint64_t line_key, int type) {
  if (parent_.size() >= kMaxNodes) return;
  const int fresh = static_cast<int>(parent_.size());
  const int v = values_.FindOrInsert(value_key, fresh);
  if (v == fresh) parent_.push_back(v);
  // Views are scanned one after the other, so findings do not arrive in text order: link by
  // line, whatever the order, to every value of another type already seen there.
  int& last = lines_.FindOrInsert(line_key, -1);
  for (int k = last; k >= 0; k = links_[k].next) {
    if (links_[k].type == type) continue;
    const int a = Find(v), b = Find(links_[k].node);
    if (a != b) parent_[a] = b;
  }
  links_.push_back(Link{type, v, last});
  last = static_cast<int>(links_.size()) - 1;
}

size_t PeopleCounter::People() const {
  size_t roots = 0;
  for (size_t i = 0; i < parent_.size(); ++i) roots += Find(static_cast<int>(i)) == int(i);
  return roots;
}

}  // namespace dlp
