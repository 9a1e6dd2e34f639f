// dlp-agentctl audit verify / audit export: an officer reads the audit database directly, so
// both work while the service is stopped (or after it was killed) and need no socket.
#include <grp.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "audit/audit_log.h"
#include "ctl/commands.h"

namespace dlp::ctl {
namespace {

// Where dlp-agentd keeps its audit log (the same rules as service/agentd/paths.cc).
std::string DefaultAuditDb(bool user_mode) {
  if (!user_mode) return "/var/lib/dlp-agent/audit.db";
  const char* state = std::getenv("XDG_STATE_HOME");
  const char* home = std::getenv("HOME");
  std::string base = state && *state ? state
                                     : std::string(home && *home ? home : "/tmp") + "/.local/state";
  return base + "/dlp-agent/audit.db";
}

// Root reading the system service's log acts as the log's owner (the dlp-agent user): SQLite
// creates the -wal and -shm files as whoever opens the database first, and a root-owned one in
// /var/lib/dlp-agent would stop the service from opening its own log.
int ActAsOwner(const CommandLine& cl) {
  if (geteuid() != 0) return kExitOk;
  std::string path = cl.value("--db", DefaultAuditDb(cl.user));
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || st.st_uid == 0) return kExitOk;
  if (setgroups(0, nullptr) != 0 || setgid(st.st_gid) != 0 || setuid(st.st_uid) != 0)
    return Fail("cannot act as the owner of " + path + ": " + std::strerror(errno));
  return kExitOk;
}

// AuditLog::Open wants the per-install HMAC key, which verification and export never use. A
// throwaway key in a private temporary directory keeps the officer's run from creating (or
// needing to read) the real one.
class ScratchKey {
 public:
  ScratchKey() {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/dlp-agentctl-XXXXXX";
    if (mkdtemp(templ.data()) != nullptr) dir_ = templ;
  }
  ~ScratchKey() {
    if (dir_.empty()) return;
    unlink(path().c_str());
    rmdir(dir_.c_str());
  }
  bool ok() const { return !dir_.empty(); }
  std::string path() const { return dir_ + "/scratch.key"; }

 private:
  std::string dir_;
};

// Opens the log at the path given by --db (or the default). Refuses a path that holds no SQLite
// database rather than letting Open create an empty log there or move the file aside: an
// officer checking evidence must not change it.
// Findings about the file go to `report` (stdout for verify, stderr for export).
int OpenLog(const CommandLine& cl, std::unique_ptr<audit::AuditLog>* log, std::string* path,
            ScratchKey* key, std::ostream& report) {
  *path = cl.value("--db", DefaultAuditDb(cl.user));
  struct stat st;
  if (stat(path->c_str(), &st) != 0)
    return Fail("no audit log at " + *path + ": " + std::strerror(errno) +
                (cl.values.count("--db") ? "" : " (use --db PATH, or --user for a user-mode service)"));
  if (!S_ISREG(st.st_mode)) return Fail(*path + " is not a regular file");
  std::ifstream in(*path, std::ios::binary);
  if (!in) return Fail("cannot read " + *path + ": " + std::strerror(errno));
  char magic[16] = {};
  in.read(magic, sizeof magic);
  if (in.gcount() != sizeof magic || std::memcmp(magic, "SQLite format 3", 16) != 0) {
    report << "audit log " << *path << ": NOT AN AUDIT DATABASE (no SQLite header)\n";
    return kExitTampered;
  }
  if (!key->ok()) return Fail(std::string("cannot create a temporary directory: ") + std::strerror(errno));
  std::string note;
  dlp::Status s = audit::AuditLog::Open(*path, key->path(), log, &note);
  if (!note.empty()) {
    // Open found the file corrupt, foreign or of a newer schema and moved it aside.
    report << "audit log " << *path << ": CORRUPT: " << note << "\n";
    return kExitTampered;
  }
  if (!s.ok()) return Fail("cannot open the audit log: " + s.ToString());
  return kExitOk;
}

}  // namespace

int CmdAuditVerify(const CommandLine& cl) {
  int rc = kExitOk;
  if (!OnlyOptions(cl, {"--db"}, &rc)) return rc;
  if (cl.words.size() != 2) return Fail("usage: audit verify [--db PATH]");
  if ((rc = ActAsOwner(cl)) != kExitOk) return rc;
  std::unique_ptr<audit::AuditLog> log;
  std::string path;
  ScratchKey key;
  if ((rc = OpenLog(cl, &log, &path, &key, std::cout)) != kExitOk) return rc;
  uint64_t rows = 0;
  std::string problem;
  dlp::Status s = log->Verify(&rows, &problem);
  if (s.ok()) {
    std::cout << "audit log " << path << ": intact, " << rows << (rows == 1 ? " row" : " rows")
              << " checked\n";
    return kExitOk;
  }
  if (s.code() == dlp::Status::Code::kCorruption) {
    std::cout << "audit log " << path << ": TAMPERED: " << (problem.empty() ? s.message() : problem)
              << "\n";
    return kExitTampered;
  }
  return Fail("cannot verify " + path + ": " + s.ToString());
}

int CmdAuditExport(const CommandLine& cl) {
  int rc = kExitOk;
  if (!OnlyOptions(cl, {"--db", "--format", "--after"}, &rc)) return rc;
  if (cl.words.size() != 2) return Fail("usage: audit export --format ndjson [--db PATH] [--after ID]");
  if (cl.value("--format", "ndjson") != "ndjson")
    return Fail("--format: only ndjson (Elastic Common Schema, one incident a line) is supported");
  int64_t after = 0;
  if (cl.values.count("--after")) {
    const std::string v = cl.value("--after");
    char* end = nullptr;
    errno = 0;
    long long n = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || errno != 0 || n < 0)
      return Fail("--after must be an incident id");
    after = n;
  }
  if ((rc = ActAsOwner(cl)) != kExitOk) return rc;
  std::unique_ptr<audit::AuditLog> log;
  std::string path;
  ScratchKey key;
  if ((rc = OpenLog(cl, &log, &path, &key, std::cerr)) != kExitOk)
    return rc == kExitTampered ? kExitError : rc;
  dlp::Status s = log->ExportNdjson(std::cout, after);
  std::cout.flush();
  if (!s.ok()) return Fail("audit export: " + s.ToString());
  return kExitOk;
}

}  // namespace dlp::ctl
