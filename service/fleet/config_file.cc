#include "fleet/config_file.h"

#include <fstream>

namespace dlp::fleet {
namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

bool ValidKey(const std::string& k) {
  if (k.empty()) return false;
  for (char c : k)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

}  // namespace

Status ReadConfigFile(const std::string& path, std::vector<std::string>* args) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read the configuration file " + path);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    std::string where = path + ":" + std::to_string(n) + ": ";
    size_t eq = t.find('=');
    if (eq == std::string::npos) return Status::InvalidArgument(where + "expected key = value");
    std::string key = Trim(t.substr(0, eq)), value = Trim(t.substr(eq + 1));
    if (!ValidKey(key))
      return Status::InvalidArgument(where + "a key is lower-case letters, digits and '-'");
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    else if (value.empty())
      return Status::InvalidArgument(where + key + " has no value");
    args->push_back("--" + key);
    args->push_back(value);
  }
  return Status::OK();
}

}  // namespace dlp::fleet
