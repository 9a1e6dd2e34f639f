// A small owner of a compiled Hyperscan database, and the compile call that reports a rejected
// pattern by its index (as Hyperscan's own examples do).
#ifndef DLP_AGENT_HS_DATABASE_H_
#define DLP_AGENT_HS_DATABASE_H_

#include <hs/hs.h>

#include <string>
#include <vector>

#include "dlp/status.h"

namespace dlp {

class HsDatabase {
 public:
  HsDatabase() = default;
  ~HsDatabase() { hs_free_database(db_); }
  HsDatabase(HsDatabase&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  HsDatabase& operator=(HsDatabase&& o) noexcept {
    std::swap(db_, o.db_);
    return *this;
  }
  const hs_database_t* get() const { return db_; }
  // Where a call that creates a database puts it. A database held so far is freed first: an
  // engine that drops a loaded cache compiles into the same objects.
  hs_database_t** out() {
    hs_free_database(db_);
    db_ = nullptr;
    return &db_;
  }

 private:
  hs_database_t* db_ = nullptr;
};

struct HsPattern {
  std::string expression;
  unsigned flags = 0;
  unsigned id = 0;
};

// Compiles `patterns` in `mode` (HS_MODE_BLOCK / HS_MODE_STREAM...). On a rejected pattern,
// returns InvalidArgument with Hyperscan's message and sets *bad_index to its position.
Status CompileHs(const std::vector<HsPattern>& patterns, unsigned mode, HsDatabase* out,
                 int* bad_index);
// The largest match width of one expression, or UINT_MAX if unbounded.
Status HsMaxWidth(const HsPattern& p, unsigned* width);

}  // namespace dlp

#endif  // DLP_AGENT_HS_DATABASE_H_
