// Fuzz target: dlp-nmhost's browser side: native-messaging frames read from its stdin
// (StdioChannel) and handed to the relay, with no service running (every request is answered
// "unavailable" by the host itself, the path the extension relies on to apply fail_mode).
//
// Input: the bytes the browser writes to the host's stdin. Checks: everything the host writes
// to its stdout is whole frames of at most 1 MiB, each one JSON object with "ok": false and an
// error code, one per message read (none for the part of a frame cut by EOF).
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "ipc/framing.h"
#include "nmhost/relay.h"
#include "nmhost/stdio_channel.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "fuzz_nmhost_stdio: invariant broken: %s\n", what);
    abort();
  }
}

int MemFd(const char* name) {
  int fd = memfd_create(name, MFD_CLOEXEC);
  if (fd < 0) abort();
  return fd;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  int in = MemFd("stdin"), out = MemFd("stdout");
  for (size_t done = 0; done < size;) {
    ssize_t k = write(in, data + done, size - done);
    if (k <= 0) abort();
    done += static_cast<size_t>(k);
  }
  lseek(in, 0, SEEK_SET);
  size_t messages = 0;
  {
    dlp::nmhost::StdioChannel browser(in, out);
    dlp::nmhost::Relay relay("/nonexistent/dlp-fuzz/agent.sock", "chrome-extension://fuzz/", &browser);
    bool done = false;
    while (!done) {
      if (browser.ReadSome() != dlp::nmhost::StdioChannel::ReadResult::kData) break;
      std::string msg;
      for (;;) {
        auto st = browser.Next(&msg);
        if (st == dlp::ipc::FrameStatus::kTimeout) break;
        if (st == dlp::ipc::FrameStatus::kTooLarge) {
          done = true;  // the host reports it and exits (service/nmhost/main.cc)
          break;
        }
        ++messages;
        Check(relay.OnBrowserMessage(msg), "stdout write failed");
        Check(relay.pending() == 0, "a request is owed a reply with no service");
      }
    }
  }
  // What the browser would read back.
  off_t len = lseek(out, 0, SEEK_END);
  std::string written(static_cast<size_t>(len), '\0');
  if (len > 0 && pread(out, written.data(), written.size(), 0) != len) abort();
  close(in);
  close(out);
  dlp::ipc::FrameDecoder dec(dlp::nmhost::kMaxToBrowser);
  dec.Feed(written);
  size_t replies = 0;
  std::string frame;
  while (dec.Next(&frame) == dlp::ipc::FrameStatus::kOk) {
    ++replies;
    auto r = nlohmann::json::parse(frame, nullptr, false);
    Check(r.is_object() && r.contains("ok") && r["ok"] == false, "reply is not an error object");
    Check(r.contains("error") && r["error"].contains("code"), "reply without an error code");
  }
  Check(dec.buffered() == 0, "a partial frame was written to the browser");
  Check(replies == messages, "not one reply per message");
  return 0;
}
