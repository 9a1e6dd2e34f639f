// The browser side of dlp-nmhost: native-messaging frames on the host's stdin/stdout.
// A frame is a 4-byte length in native byte order (little-endian on every target we build for,
// so the same as ipc framing) and one UTF-8 JSON message. The browser sends at most 64 MiB and
// accepts at most 1 MiB. Nothing but frames is ever written to the output fd.
//
// Thread safety: a StdioChannel belongs to one thread.
#ifndef DLP_SERVICE_NMHOST_STDIO_CHANNEL_H_
#define DLP_SERVICE_NMHOST_STDIO_CHANNEL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "ipc/framing.h"

namespace dlp::nmhost {

inline constexpr uint32_t kMaxFromBrowser = 64u << 20;
inline constexpr uint32_t kMaxToBrowser = 1u << 20;

class StdioChannel {
 public:
  StdioChannel(int in_fd, int out_fd) : in_(in_fd), out_(out_fd), decoder_(kMaxFromBrowser) {}

  enum class ReadResult { kData, kEof, kError };
  // One read() of whatever is available (call when in_fd() is readable).
  ReadResult ReadSome();
  // The next whole message: kOk, kTimeout (needs more bytes), kTooLarge (framing lost).
  ipc::FrameStatus Next(std::string* payload) { return decoder_.Next(payload); }
  // Bytes of an unfinished frame left over (non-zero at EOF means a truncated message).
  size_t buffered() const { return decoder_.buffered(); }
  // Writes one whole frame; false if the payload exceeds kMaxToBrowser or the write fails.
  bool Write(std::string_view payload);

  int in_fd() const { return in_; }

 private:
  int in_, out_;
  ipc::FrameDecoder decoder_;
};

}  // namespace dlp::nmhost

#endif  // DLP_SERVICE_NMHOST_STDIO_CHANNEL_H_
