// The on-disk cache of compiled Hyperscan databases (EngineOptions::cache_dir).
#ifndef DLP_AGENT_ENGINE_CACHE_H_
#define DLP_AGENT_ENGINE_CACHE_H_

#include <string>
#include <vector>

#include "engine_internal.h"
#include "dlp/rule_pack.h"

namespace dlp {

// Everything the compiled databases depend on: Hyperscan's version, this CPU's features, and
// every pattern with its flags, in order.
std::string EngineCacheKey(const std::vector<Rule>& rules);
std::string EngineCachePath(const std::string& dir, const std::string& key);
Status LoadEngineCache(const std::string& path, const std::string& key,
                       HsDatabase (&view_db)[kStreamDbCount], std::vector<HsDatabase>* confirm,
                       std::vector<HsDatabase>* reverse, std::vector<HsDatabase>* run,
                       std::vector<bool>* anchored, size_t rules);
Status SaveEngineCache(const std::string& path, const std::string& key,
                       const HsDatabase (&view_db)[kStreamDbCount],
                       const std::vector<HsDatabase>& confirm,
                       const std::vector<HsDatabase>& reverse,
                       const std::vector<HsDatabase>& run, const std::vector<bool>& anchored);

}  // namespace dlp

#endif  // DLP_AGENT_ENGINE_CACHE_H_
