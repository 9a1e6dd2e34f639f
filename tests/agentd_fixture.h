// The real dlp-agentd as a child process for integration tests, and a tiny client that speaks
// the wire protocol (service/PROTOCOL.md) byte by byte, with its own framing code so that a
// framing bug shared by the service and its ipc library cannot hide from the tests.
//
// Every Agentd gets a fresh directory under DLP_TEST_TMP (socket, state, bundles, trusted keys,
// log), removed when it goes out of scope (set DLP_KEEP_TEST_DIRS=1 to keep them). The compiled
// engine cache of the built-in pack is shared between tests through a seed directory, so only
// the first daemon of a run pays for the Hyperscan compile.
//
// Thread safety: an Agentd belongs to the test's thread; a Client belongs to one thread.
#ifndef DLP_TESTS_AGENTD_FIXTURE_H_
#define DLP_TESTS_AGENTD_FIXTURE_H_

#include <sys/types.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "process_util.h"

namespace dlp::test {

struct AgentdOptions {
  // true: --user (socket 0600). false: system mode (socket 0666, socket directory 0755) with
  // every path still overridden into the test's directory, which is then opened to 0755 too.
  bool user_mode = true;
  int poll_ms = 200;  // bundle directory polling
  int workers = 2;
};

class Agentd {
 public:
  explicit Agentd(const std::string& name, AgentdOptions opt = {});
  ~Agentd();  // SIGKILLs a running daemon, removes the directory
  Agentd(const Agentd&) = delete;
  Agentd& operator=(const Agentd&) = delete;

  // Starts the daemon and waits (up to 90 s, for a cold engine compile on a loaded machine)
  // until its socket accepts a connection. Fails the test, with the log, if it does not.
  void Start();
  // SIGTERM and wait (SIGKILL after 10 s); returns the exit status, -1 if killed by a signal.
  int Stop();
  // SIGKILL and wait.
  void Kill();
  bool running() const { return pid_ > 0; }
  // Whether the daemon has exited on its own (reaps it; *status as from waitpid).
  bool Exited(int* status);
  pid_t pid() const { return pid_; }

  const std::string& root() const { return root_; }
  const std::string& socket() const { return socket_; }
  const std::string& state_dir() const { return state_; }
  const std::string& bundle_dir() const { return bundles_; }
  const std::string& trusted_dir() const { return trusted_; }
  const std::string& log_path() const { return log_; }
  std::string audit_db() const { return state_ + "/audit.db"; }
  std::string Log() const;  // everything the daemon wrote to stderr, all runs

  // dlp-agentctl --socket <this socket> args...
  ProcessResult Ctl(std::vector<std::string> args, const std::string& stdin_data = "") const;

 private:
  AgentdOptions opt_;
  std::string root_, socket_, state_, bundles_, trusted_, log_;
  pid_t pid_ = -1;
};

// One connection to the service.
class Client {
 public:
  explicit Client(const std::string& socket_path);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  void Close();

  bool SendRaw(const std::string& bytes);
  bool SendFrame(const std::string& payload);  // 4-byte little-endian length + payload
  bool Send(const nlohmann::json& request) { return SendFrame(request.dump()); }
  // The next frame as JSON; nullopt on end of stream, error, timeout or unparsable payload
  // (last_error() says which).
  std::optional<nlohmann::json> ReadFrame(int timeout_ms = 20000);
  // Adds "v": 1 and a fresh integer "id" unless present, sends, and returns the reply with that
  // id; pushed events that arrive first are kept in events. On failure the result is
  // {"ok": false, "error": {"code": "test_client", "message": ...}} so CHECKs fail readably.
  nlohmann::json Call(nlohmann::json request, int timeout_ms = 20000);
  // The next pushed event (from events, else from the socket); nullopt on timeout.
  std::optional<nlohmann::json> NextEvent(int timeout_ms);
  // Whether the service closes (hangs up) the connection within timeout_ms; reads nothing.
  bool WaitClosed(int timeout_ms);
  const std::string& last_error() const { return last_error_; }

  std::deque<nlohmann::json> events;

 private:
  int fd_ = -1;
  int64_t next_id_ = 1;
  std::string last_error_;
};

// {"op": "scan", ...} for Call.
nlohmann::json ScanRequest(const std::string& text, const std::string& destination,
                           const std::string& channel = "paste");
// The error code of a reply ("" when ok).
std::string ErrorCode(const nlohmann::json& reply);
// Every incident id of the caller, paging through history with `limit`.
std::vector<int64_t> AllHistoryIds(Client& c, int limit = 200);
// Polls `done` every 50 ms until it is true or timeout_ms passes.
bool WaitUntil(const std::function<bool()>& done, int timeout_ms);
std::string ReadFileBytes(const std::string& path);
void WriteFileBytes(const std::string& path, const std::string& bytes);
// Little-endian 4-byte length prefix.
std::string LengthPrefix(uint32_t n);

}  // namespace dlp::test

#endif  // DLP_TESTS_AGENTD_FIXTURE_H_
