#include "agentd/clients.h"

#include <algorithm>

#include "agentd/log.h"

namespace dlp::agentd {

void Clients::Hello(const Connection* c, uint32_t uid, const std::string& client,
                    const std::string& browser, const std::string& version,
                    const std::string& origin) {
  std::string now = UtcNow();
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, fresh] = live_.try_emplace(c);
  ClientInfo& info = it->second;
  if (fresh) {
    info.uid = uid;
    info.since = now;
  }
  info.last_seen = now;
  if (info.origin.empty() && !origin.empty()) info.origin = origin;
  if (client == "nmhost") {
    info.via = "nmhost";
    if (info.client.empty()) info.client = "nmhost";
    return;
  }
  info.client = client;
  if (!browser.empty()) info.browser = browser;
  if (!version.empty()) info.version = version;
}

void Clients::Touch(const Connection* c) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = live_.find(c); it != live_.end()) it->second.last_seen = UtcNow();
}

void Clients::Closed(const Connection* c) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = live_.find(c);
  if (it == live_.end()) return;
  ClientInfo info = std::move(it->second);
  live_.erase(it);
  info.connected = false;
  info.last_seen = UtcNow();
  // One entry per kind of client is enough to say "it was here, and left".
  auto same = [&](const ClientInfo& o) {
    return o.uid == info.uid && o.client == info.client && o.browser == info.browser &&
           o.origin == info.origin;
  };
  gone_.erase(std::remove_if(gone_.begin(), gone_.end(), same), gone_.end());
  gone_.push_back(std::move(info));
  if (gone_.size() > kGoneKept) gone_.pop_front();
}

std::string Clients::OriginOf(const Connection* c) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = live_.find(c);
  return it == live_.end() ? std::string() : it->second.origin;
}

std::vector<ClientInfo> Clients::ForUser(uint32_t uid) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ClientInfo> out;
  for (const auto& [c, info] : live_)
    if (info.uid == uid) out.push_back(info);
  for (auto it = gone_.rbegin(); it != gone_.rend(); ++it)
    if (it->uid == uid) out.push_back(*it);
  return out;
}

}  // namespace dlp::agentd
