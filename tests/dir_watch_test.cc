// The bundle directory watch of dlp-agentd: a dropped bundle is seen at once, a burst of writes
// is one reload, a directory created after start is followed, the fallback polls, and an idle
// watch never wakes the process (issue 8: zero wake-ups when idle).
#include <catch2/catch.hpp>
#include <dirent.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "agentd/dir_watch.h"

namespace fs = std::filesystem;
using dlp::agentd::DirWatch;
using dlp::agentd::DirWatchOptions;

namespace {

fs::path FreshDir(const std::string& name) {
  fs::path p = fs::path(DLP_TEST_TMP) / "dir_watch" / name;
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

void Write(const fs::path& p, const std::string& content) {
  std::ofstream(p, std::ios::binary) << content;
}

bool WaitFor(const std::atomic<int>& calls, int at_least, int ms) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (calls.load() < at_least && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return calls.load() >= at_least;
}

// Context switches of every thread of this process (the kernel counts them per task).
long ContextSwitches() {
  long total = 0;
  for (const auto& task : fs::directory_iterator("/proc/self/task")) {
    std::ifstream in(task.path() / "status");
    std::string key;
    long value;
    while (in >> key) {
      if (key == "voluntary_ctxt_switches:" || key == "nonvoluntary_ctxt_switches:") {
        if (in >> value) total += value;
      }
    }
  }
  return total;
}

}  // namespace

TEST_CASE("dir watch: a bundle dropped into the directory is seen at once, not at the next poll",
          "[agentd][dirwatch]") {
  fs::path dir = FreshDir("drop");
  std::atomic<int> calls{0};
  DirWatchOptions o;
  o.dirs = {dir.string()};
  o.poll_ms = 60000;  // if this were polling, the test would time out
  DirWatch w(o, [&] { ++calls; });
  REQUIRE(w.Start().ok());
  CHECK(w.mode() == "inotify");
  auto t0 = std::chrono::steady_clock::now();
  Write(dir / "vn-default-7.dlpb", "bundle bytes");
  REQUIRE(WaitFor(calls, 1, 5000));
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  CHECK(ms < 2000);
  // A rename into the directory (how the updater and careful admins deliver) counts too.
  fs::path outside = dir.parent_path() / "drop-staging.dlpb";
  Write(outside, "bundle bytes 2");
  int before = calls.load();
  fs::rename(outside, dir / "vn-default-8.dlpb");
  CHECK(WaitFor(calls, before + 1, 5000));
  w.Stop();
}

TEST_CASE("dir watch: a burst of writes (a copy from a USB stick) is one reload",
          "[agentd][dirwatch]") {
  fs::path dir = FreshDir("burst");
  std::atomic<int> calls{0};
  DirWatchOptions o;
  o.dirs = {dir.string()};
  o.settle_ms = 1000;  // long enough that a loaded CI machine's scheduling gaps stay inside it
  DirWatch w(o, [&] { ++calls; });
  REQUIRE(w.Start().ok());
  {
    std::ofstream f(dir / "big.dlpb", std::ios::binary);
    for (int i = 0; i < 40; ++i) {
      f << std::string(4096, 'x') << std::flush;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  REQUIRE(WaitFor(calls, 1, 8000));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  // 40 writes (80 events); a watch that did not coalesce would reload tens of times.
  CHECK(calls.load() <= 2);
}

TEST_CASE("dir watch: a bundle directory created after the service started is followed",
          "[agentd][dirwatch]") {
  fs::path base = FreshDir("late");
  fs::path dir = base / "etc" / "bundles";  // neither level exists yet
  std::atomic<int> calls{0};
  DirWatchOptions o;
  o.dirs = {dir.string()};
  o.poll_ms = 60000;
  DirWatch w(o, [&] { ++calls; });
  REQUIRE(w.Start().ok());
  CHECK(w.mode() == "inotify");
  fs::create_directories(dir);
  REQUIRE(WaitFor(calls, 1, 5000));
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  int before = calls.load();
  Write(dir / "vn-default-9.dlpb", "bundle bytes");
  CHECK(WaitFor(calls, before + 1, 5000));
}

TEST_CASE("dir watch: without inotify the directory is polled", "[agentd][dirwatch]") {
  fs::path dir = FreshDir("poll");
  std::atomic<int> calls{0};
  DirWatchOptions o;
  o.dirs = {dir.string()};
  o.poll_ms = 100;
  o.force_polling = true;
  DirWatch w(o, [&] { ++calls; });
  REQUIRE(w.Start().ok());
  CHECK(w.mode().rfind("polling every 100 ms", 0) == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(calls.load() == 0);  // nothing changed, nothing reported
  Write(dir / "vn-default-3.dlpb", "bundle bytes");
  CHECK(WaitFor(calls, 1, 3000));
}

TEST_CASE("dir watch: an idle watch does not wake the process, and stops at once",
          "[agentd][dirwatch]") {
  fs::path dir = FreshDir("idle");
  std::atomic<int> calls{0};
  DirWatchOptions o;
  o.dirs = {dir.string()};
  DirWatch w(o, [&] { ++calls; });
  REQUIRE(w.Start().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let the thread settle in poll()
  long before = ContextSwitches();
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));
  long woke = ContextSwitches() - before;
  // The test's own thread sleeps once (one switch) and reads /proc; a 100 ms poll would be ~20.
  CHECK(woke <= 3);
  auto t0 = std::chrono::steady_clock::now();
  w.Stop();
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(500));
  CHECK(calls.load() == 0);
}
