#include "hs_database.h"

#include <cstdlib>

#include "hs_platform.h"

namespace dlp {

Status CompileHs(const std::vector<HsPattern>& patterns, unsigned mode, HsDatabase* out,
                 int* bad_index) {
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  for (const auto& p : patterns) {
    exprs.push_back(p.expression.c_str());
    flags.push_back(p.flags);
    ids.push_back(p.id);
  }
  hs_compile_error_t* err = nullptr;
  const hs_platform_info_t plat = EngineHsPlatform();
  hs_error_t rc = hs_compile_multi(exprs.data(), flags.data(), ids.data(),
                                   static_cast<unsigned>(exprs.size()), mode, &plat, out->out(),
                                   &err);
  if (rc == HS_SUCCESS) return Status::OK();
  std::string msg = err && err->message ? err->message : "unknown Hyperscan error";
  *bad_index = err ? err->expression : -1;
  hs_free_compile_error(err);
  return Status::InvalidArgument(msg);
}

Status HsMaxWidth(const HsPattern& p, unsigned* width) {
  hs_expr_info_t* info = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_expression_info(p.expression.c_str(), p.flags, &info, &err) != HS_SUCCESS) {
    std::string msg = err && err->message ? err->message : "invalid pattern";
    hs_free_compile_error(err);
    return Status::InvalidArgument(msg);
  }
  *width = info->max_width;
  std::free(info);
  return Status::OK();
}

}  // namespace dlp
