// File format: "DLPHSC3\n", then length-prefixed (u64, little-endian) fields: the key text, the
// anchored flags ('0'/'1' per rule), the number of databases, and each serialized database
// (the stream databases first: exact, loose, squeezed loose; then the confirm database of each
// rule; then the reverse database of each rule; then the run database of each rule; an empty
// field for a database that is absent).
// The whole key is stored and compared, so a file name collision can never load wrong rules.
#include "engine_cache.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "hs_platform.h"

namespace dlp {
namespace {

// The format, and which patterns go to which database: a cache written by a build that split
// them otherwise must not be loaded (3: squeezed view database, reverse databases; 4: squeezed
// forms of patterns whose other parts may match whitespace, squeeze.cc; 5: keywords narrowed to
// their rule's case, and the case rule in the key; 6: run databases of anchored rules).
constexpr char kMagic[] = "DLPHSC6\n";

void PutField(std::string* out, std::string_view f) {
  uint64_t n = f.size();
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
  out->append(f);
}

bool GetField(std::string_view* in, std::string_view* f) {
  if (in->size() < 8) return false;
  uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= uint64_t{static_cast<unsigned char>((*in)[i])} << (8 * i);
  in->remove_prefix(8);
  if (n > in->size()) return false;
  *f = in->substr(0, n);
  in->remove_prefix(n);
  return true;
}

std::string Serialize(const hs_database_t* db) {
  if (!db) return "";
  char* bytes = nullptr;
  size_t len = 0;
  if (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS) return "";
  std::string out(bytes, len);
  std::free(bytes);
  return out;
}

bool Deserialize(std::string_view blob, HsDatabase* db) {
  if (blob.empty()) return true;
  return hs_deserialize_database(blob.data(), blob.size(), db->out()) == HS_SUCCESS;
}

}  // namespace

std::string EngineCacheKey(const std::vector<Rule>& rules) {
  // The platform the databases are built for (hs_platform.h), which is not the host's own.
  const hs_platform_info_t plat = EngineHsPlatform();
  std::ostringstream key;
  key << "hs=" << hs_version() << ";tune=" << plat.tune << ";cpu=" << plat.cpu_features
      << ";run_skip=" << kRunSkip << "\n";
  for (const Rule& r : rules) {
    key << static_cast<int>(r.view) << (r.caseless ? 'i' : 's')
        << static_cast<int>(r.case_rule) << r.patterns.size();
    for (const auto& p : r.patterns) key << '\x1f' << p;
    key << '\n';
  }
  return key.str();
}

std::string EngineCachePath(const std::string& dir, const std::string& key) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a names the file; the full key is inside it
  for (unsigned char c : key) h = (h ^ c) * 1099511628211ULL;
  char name[40];
  std::snprintf(name, sizeof name, "/engine-%016llx.hsdb", static_cast<unsigned long long>(h));
  return dir + name;
}

Status LoadEngineCache(const std::string& path, const std::string& key,
                       HsDatabase (&view_db)[kStreamDbCount], std::vector<HsDatabase>* confirm,
                       std::vector<HsDatabase>* reverse, std::vector<HsDatabase>* run,
                       std::vector<bool>* anchored, size_t rules) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string_view rest(data), f;
  if (!rest.starts_with(kMagic)) return Status::Corruption(path + ": not an engine cache");
  rest.remove_prefix(std::strlen(kMagic));
  if (!GetField(&rest, &f) || f != key) return Status::NotFound(path + ": other rules or CPU");
  std::string_view flags;
  if (!GetField(&rest, &flags) || flags.size() != rules) return Status::Corruption(path);
  std::vector<HsDatabase> dbs(kStreamDbCount + 3 * rules);
  for (auto& db : dbs)
    if (!GetField(&rest, &f) || !Deserialize(f, &db)) return Status::Corruption(path);
  for (int v = 0; v < kStreamDbCount; ++v) view_db[v] = std::move(dbs[v]);
  confirm->clear();
  reverse->clear();
  run->clear();
  anchored->clear();
  for (size_t r = 0; r < rules; ++r) {
    confirm->push_back(std::move(dbs[kStreamDbCount + r]));
    reverse->push_back(std::move(dbs[kStreamDbCount + rules + r]));
    run->push_back(std::move(dbs[kStreamDbCount + 2 * rules + r]));
    anchored->push_back(flags[r] == '1');
  }
  return Status::OK();
}

Status SaveEngineCache(const std::string& path, const std::string& key,
                       const HsDatabase (&view_db)[kStreamDbCount],
                       const std::vector<HsDatabase>& confirm,
                       const std::vector<HsDatabase>& reverse,
                       const std::vector<HsDatabase>& run, const std::vector<bool>& anchored) {
  std::string out = kMagic, flags;
  PutField(&out, key);
  for (bool a : anchored) flags += a ? '1' : '0';
  PutField(&out, flags);
  for (int v = 0; v < kStreamDbCount; ++v) PutField(&out, Serialize(view_db[v].get()));
  for (const auto& db : confirm) PutField(&out, Serialize(db.get()));
  for (const auto& db : reverse) PutField(&out, Serialize(db.get()));
  for (const auto& db : run) PutField(&out, Serialize(db.get()));
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f || !f.write(out.data(), static_cast<std::streamsize>(out.size()))) {
      std::remove(tmp.c_str());
      return Status::IOError(tmp + ": cannot write");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Status::IOError(path + ": cannot rename into place");
  }
  return Status::OK();
}

}  // namespace dlp
