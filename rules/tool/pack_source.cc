#include "pack_source.h"

#include <algorithm>
#include <filesystem>

#include "dlp/bundle.h"
#include "dlp/default_pack.h"

namespace dlp::rules_tool {

Status LoadToolPack(const std::string& path, RulePack* out, std::string* what) {
  if (path.empty()) {
    Status s = LoadDefaultPack(out);
    if (s.ok()) *what = "built-in pack " + out->name + " " + out->version;
    return s;
  }
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec) && IsBundleFile(path)) {
    // Analysis reads a bundle's sources without checking who signed it; `verify` does that.
    Bundle bundle;
    if (Status s = ReadBundle(path, &bundle); !s.ok()) return s;
    if (Status s = LoadPack(bundle.sources, out); !s.ok()) return s;
    *what = "bundle " + path + " (" + bundle.manifest.name + " v" +
            std::to_string(bundle.manifest.version) + ", not verified)";
    return Status::OK();
  }
  Status s = LoadPackFromPath(path, out);
  if (s.ok()) *what = path;
  return s;
}

std::string TakeOption(Args* args, const std::string& name, bool* missing) {
  auto it = std::find(args->begin(), args->end(), name);
  if (it == args->end()) return "";
  if (it + 1 == args->end()) {
    *missing = true;
    args->erase(it);
    return "";
  }
  std::string value = *(it + 1);
  args->erase(it, it + 2);
  return value;
}

bool TakeFlag(Args* args, const std::string& name) {
  auto it = std::find(args->begin(), args->end(), name);
  if (it == args->end()) return false;
  args->erase(it);
  return true;
}

}  // namespace dlp::rules_tool
