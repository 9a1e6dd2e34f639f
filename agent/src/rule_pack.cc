// Names of enums and the destination lookup of a Policy.
#include <algorithm>
#include <cctype>

#include "dlp/rule_pack.h"

namespace dlp {

std::string_view SeverityName(Severity s) {
  static constexpr std::string_view kNames[] = {"info", "low", "medium", "high", "critical"};
  return kNames[static_cast<int>(s)];
}

std::string_view ActionName(Action a) {
  static constexpr std::string_view kNames[] = {"allow", "warn", "block"};
  return kNames[static_cast<int>(a)];
}

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "https://chat.openai.com:443/c/1?x" -> host "chat.openai.com", path "/c/1".
void SplitUrl(std::string_view url, std::string* host, std::string* path) {
  if (auto p = url.find("://"); p != std::string_view::npos) url.remove_prefix(p + 3);
  size_t slash = url.find('/');
  std::string_view h = url.substr(0, slash);
  if (auto at = h.rfind('@'); at != std::string_view::npos) h.remove_prefix(at + 1);
  if (auto colon = h.find(':'); colon != std::string_view::npos) h = h.substr(0, colon);
  *host = Lower(h);
  *path = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  if (auto q = path->find_first_of("?#"); q != std::string::npos) path->resize(q);
}

// An entry "example.com" matches the host and its subdomains; "huggingface.co/chat" also needs
// the path to start with "/chat".
bool HostMatches(const std::string& entry, const std::string& host, const std::string& path) {
  std::string_view e = entry;
  std::string_view want_path;
  if (auto slash = e.find('/'); slash != std::string_view::npos) {
    want_path = e.substr(slash);
    e = e.substr(0, slash);
  }
  bool host_ok = host == e || (host.size() > e.size() && host.ends_with(e) &&
                               host[host.size() - e.size() - 1] == '.');
  if (!host_ok) return false;
  if (want_path.empty()) return true;
  return path.starts_with(want_path) &&
         (path.size() == want_path.size() || path[want_path.size()] == '/');
}

}  // namespace

bool DestinationGroup::Guarded() const {
  if (unscannable != Action::kAllow) return true;
  return std::any_of(action_by_severity.begin(), action_by_severity.end(),
                     [](Action a) { return a != Action::kAllow; });
}

const DestinationGroup* Policy::FindGroup(std::string_view name) const {
  for (const auto& g : groups)
    if (g.name == name) return &g;
  return nullptr;
}

const DestinationGroup* Policy::GroupFor(std::string_view destination) const {
  if (const DestinationGroup* g = FindGroup(destination)) return g;
  std::string host, path;
  SplitUrl(destination, &host, &path);
  for (const auto& g : groups)
    for (const auto& entry : g.hosts)
      if (HostMatches(entry, host, path)) return &g;
  return FindGroup(default_group);
}

}  // namespace dlp
