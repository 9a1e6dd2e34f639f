// The default rule pack (rules/packs/*.yaml), built into every binary at compile time so that a
// fresh install scans with no files on disk.
//
// Thread safety: the functions are thread-safe; the returned data is a copy.
#ifndef DLP_DEFAULT_PACK_H_
#define DLP_DEFAULT_PACK_H_

#include <vector>

#include "dlp/rule_pack.h"

namespace dlp {

// The YAML sources, named "builtin:packs/<file>.yaml" for error messages.
std::vector<PackSource> DefaultPackSources();
// Loads the default pack. Fails only if the built-in YAML is broken, which tests rule out.
Status LoadDefaultPack(RulePack* out);

}  // namespace dlp

#endif  // DLP_DEFAULT_PACK_H_
