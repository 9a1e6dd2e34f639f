#include "dlp/default_pack.h"

#include "default_pack_data.h"

namespace dlp {

std::vector<PackSource> DefaultPackSources() {
  std::vector<PackSource> out;
  for (int i = 0; i < kDefaultPackFileCount; ++i)
    out.push_back({std::string("builtin:") + kDefaultPackFiles[i].name, kDefaultPackFiles[i].text});
  return out;
}

Status LoadDefaultPack(RulePack* out) { return LoadPack(DefaultPackSources(), out); }

}  // namespace dlp
