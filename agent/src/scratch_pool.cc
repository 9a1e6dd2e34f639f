#include "engine_internal.h"

namespace dlp {

ScratchPool::~ScratchPool() {
  for (hs_scratch_t* s : free_) hs_free_scratch(s);
  hs_free_scratch(prototype_);
}

Status ScratchPool::Init(const std::vector<const hs_database_t*>& dbs) {
  // One scratch grown to fit every database, then cloned on demand.
  for (const hs_database_t* db : dbs)
    if (db && hs_alloc_scratch(db, &prototype_) != HS_SUCCESS)
      return Status::ResourceExhausted("cannot allocate Hyperscan scratch space");
  return Status::OK();
}

size_t ScratchPool::ScratchBytes() const {
  size_t n = 0;
  if (prototype_) hs_scratch_size(prototype_, &n);
  return n;
}

hs_scratch_t* ScratchPool::Acquire() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!free_.empty()) {
    hs_scratch_t* s = free_.back();
    free_.pop_back();
    return s;
  }
  hs_scratch_t* s = nullptr;
  if (hs_clone_scratch(prototype_, &s) != HS_SUCCESS) return nullptr;
  return s;
}

void ScratchPool::Release(hs_scratch_t* s) {
  if (!s) return;
  std::lock_guard<std::mutex> lock(mu_);
  free_.push_back(s);
}

}  // namespace dlp
