// Where a dlp-rules command gets its pack: --pack PATH (a .yaml file, a directory of them, or a
// signed bundle) or, without it, the built-in default pack.
#ifndef DLP_RULES_TOOL_PACK_SOURCE_H_
#define DLP_RULES_TOOL_PACK_SOURCE_H_

#include <string>

#include "commands.h"
#include "dlp/rule_pack.h"

namespace dlp::rules_tool {

// Loads the pack named by `path` ("" = built-in). `*what` describes it for reports
// ("built-in pack vn-default 2026.11.1", "rules/packs (8 files)", "bundle x.dlpb v7").
Status LoadToolPack(const std::string& path, RulePack* out, std::string* what);

// Removes "--name value" from `args` and returns the value ("" if absent); sets *missing when
// the option is present without a value.
std::string TakeOption(Args* args, const std::string& name, bool* missing);
// Removes "--name" from `args` and returns whether it was there.
bool TakeFlag(Args* args, const std::string& name);

}  // namespace dlp::rules_tool

#endif  // DLP_RULES_TOOL_PACK_SOURCE_H_
