// Runs a program as a user would: a real child process, real pipes, its exit status, output and
// peak memory. Shared by the end-to-end tests of dlp-scan and dlp-rules.
#ifndef DLP_TESTS_PROCESS_UTIL_H_
#define DLP_TESTS_PROCESS_UTIL_H_

#include <functional>
#include <string>
#include <vector>

namespace dlp::test {

struct ProcessResult {
  int status = -1;  // exit status; -1 if the child could not be started or was killed
  std::string out, err;
  long max_rss_kb = 0;  // peak resident memory of the child
};

// Starts `bin` with `args`, writes `stdin_data` to its standard input (or, if `writer` is set,
// lets it write to the pipe's fd instead, for inputs too large to hold in memory), collects
// stdout and stderr, and waits for it. Input is written from a thread so that a child which
// writes a lot before reading everything cannot deadlock against us.
ProcessResult RunProcess(const std::string& bin, std::vector<std::string> args,
                         const std::string& stdin_data,
                         const std::function<void(int fd)>& writer = nullptr);

}  // namespace dlp::test

#endif  // DLP_TESTS_PROCESS_UTIL_H_
