// Frames: a 4-byte little-endian length, then that many bytes of one UTF-8 JSON object. Every
// hop of the agent uses them (service socket, native messaging), so they live in one place.
//
// Thread safety: the functions are reentrant; a FrameDecoder belongs to one thread.
#ifndef DLP_SERVICE_IPC_FRAMING_H_
#define DLP_SERVICE_IPC_FRAMING_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "dlp/status.h"

namespace dlp::ipc {

inline constexpr uint32_t kMaxRequestBytes = 16u << 20;

enum class FrameStatus {
  kOk,         // a whole frame was read
  kClosed,     // the peer closed cleanly between frames
  kTruncated,  // the peer closed in the middle of a frame
  kTooLarge,   // the length prefix exceeds the limit (framing is lost: close)
  kTimeout,    // no complete frame before the deadline
  kError,      // a socket error
};
const char* FrameStatusName(FrameStatus s);

std::string EncodeFrame(std::string_view payload);

// Blocking read of one frame from `fd`, waiting at most `timeout_ms` (-1: forever) for each
// chunk of bytes, so a peer that stalls mid-frame is dropped instead of holding a thread.
FrameStatus ReadFrame(int fd, uint32_t max_bytes, int timeout_ms, std::string* payload);
// A frame's payload followed by kPadding zero bytes, the slack simdjson reads past the end of a
// document (ipc::ParseRequest with padded=true); without it the parser copies every message.
// Reused from frame to frame, so small messages cost no allocation.
class FrameBuffer {
 public:
  static constexpr size_t kPadding = 64;
  std::string_view view() const { return {data_.get(), size_}; }
  // Room for n payload bytes (contents unspecified) and the zeroed padding after them.
  char* Prepare(size_t n);
  // Frees the storage if it is larger than `keep` bytes (after a big paste).
  void Shrink(size_t keep);

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0, capacity_ = 0;
};

// ReadFrame into a FrameBuffer; the same statuses.
FrameStatus ReadFrame(int fd, uint32_t max_bytes, int timeout_ms, FrameBuffer* payload);

// Writes one frame, all of it, or fails (a peer that stops reading times out via SO_SNDTIMEO).
Status WriteFrame(int fd, std::string_view payload);

// Incremental decoding, for stdio relays and fuzzing: feed bytes, take whole frames.
class FrameDecoder {
 public:
  explicit FrameDecoder(uint32_t max_bytes) : max_(max_bytes) {}
  void Feed(std::string_view bytes) { buf_.append(bytes); }
  // kOk with a payload, kTimeout when more bytes are needed, kTooLarge when framing is lost.
  FrameStatus Next(std::string* payload);
  size_t buffered() const { return buf_.size(); }

 private:
  uint32_t max_;
  std::string buf_;
};

}  // namespace dlp::ipc

#endif  // DLP_SERVICE_IPC_FRAMING_H_
