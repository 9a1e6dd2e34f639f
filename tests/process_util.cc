#include "process_util.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

namespace dlp::test {

ProcessResult RunProcess(const std::string& bin, std::vector<std::string> args,
                         const std::string& stdin_data, const std::function<void(int fd)>& writer) {
  ProcessResult r;
  // A child that exits before reading all its input must not kill the test with SIGPIPE; the
  // write then fails with EPIPE and the feeder stops.
  signal(SIGPIPE, SIG_IGN);
  int pin[2], pout[2], perr[2];
  if (pipe(pin) != 0) return r;
  if (pipe(pout) != 0) { close(pin[0]); close(pin[1]); return r; }
  if (pipe(perr) != 0) {
    for (int fd : {pin[0], pin[1], pout[0], pout[1]}) close(fd);
    return r;
  }
  // argv is built before fork: the child of a threaded process may only call async-signal-safe
  // functions, and allocating is not one of them.
  std::vector<char*> argv;
  std::string path = bin;
  argv.push_back(path.data());
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    for (int fd : {pin[0], pin[1], pout[0], pout[1], perr[0], perr[1]}) close(fd);
    r.err = "fork failed";
    return r;
  }
  if (pid == 0) {
    dup2(pin[0], 0);
    dup2(pout[1], 1);
    dup2(perr[1], 2);
    for (int fd : {pin[0], pin[1], pout[0], pout[1], perr[0], perr[1]}) close(fd);
    execv(path.c_str(), argv.data());
    _exit(127);
  }
  close(pin[0]);
  close(pout[1]);
  close(perr[1]);
  std::thread feeder([&] {
    if (writer) {
      writer(pin[1]);
    } else {
      size_t off = 0;
      while (off < stdin_data.size()) {
        ssize_t n = write(pin[1], stdin_data.data() + off, stdin_data.size() - off);
        if (n <= 0) break;
        off += static_cast<size_t>(n);
      }
    }
    close(pin[1]);
  });
  std::thread err_reader([&] {
    char buf[4096];
    ssize_t n;
    while ((n = read(perr[0], buf, sizeof buf)) > 0) r.err.append(buf, static_cast<size_t>(n));
  });
  char buf[65536];
  ssize_t n;
  while ((n = read(pout[0], buf, sizeof buf)) > 0) r.out.append(buf, static_cast<size_t>(n));
  feeder.join();
  err_reader.join();
  close(pout[0]);
  close(perr[0]);
  int st = 0;
  struct rusage ru {};
  wait4(pid, &st, 0, &ru);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.max_rss_kb = ru.ru_maxrss;
  return r;
}

}  // namespace dlp::test
