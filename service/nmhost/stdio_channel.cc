#include "nmhost/stdio_channel.h"

#include <unistd.h>

#include <bit>
#include <cerrno>

namespace dlp::nmhost {

// Native messaging uses native byte order; ipc framing is little-endian. They agree here only.
static_assert(std::endian::native == std::endian::little,
              "dlp-nmhost: native-messaging framing needs a byte swap on big-endian targets");

StdioChannel::ReadResult StdioChannel::ReadSome() {
  char buf[64 * 1024];
  for (;;) {
    ssize_t k = read(in_, buf, sizeof buf);
    if (k > 0) {
      decoder_.Feed(std::string_view(buf, static_cast<size_t>(k)));
      return ReadResult::kData;
    }
    if (k == 0) return ReadResult::kEof;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return ReadResult::kData;
    return ReadResult::kError;
  }
}

bool StdioChannel::Write(std::string_view payload) {
  if (payload.size() > kMaxToBrowser) return false;
  std::string frame = ipc::EncodeFrame(payload);
  size_t done = 0;
  while (done < frame.size()) {
    ssize_t k = write(out_, frame.data() + done, frame.size() - done);
    if (k < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<size_t>(k);
  }
  return true;
}

}  // namespace dlp::nmhost
