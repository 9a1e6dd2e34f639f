#include "ipc/framing.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dlp::ipc {
namespace {

uint32_t DecodeLength(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 | uint32_t{b[3]} << 24;
}

// Reads exactly n bytes. Returns n on success, 0 on EOF before any byte, -1 on EOF after some,
// -2 on error, -3 on timeout.
long ReadExactly(int fd, char* out, size_t n, int timeout_ms) {
  size_t got = 0;
  while (got < n) {
    if (timeout_ms >= 0) {
      pollfd p{fd, POLLIN, 0};
      int r = poll(&p, 1, timeout_ms);
      if (r == 0) return -3;
      if (r < 0) {
        if (errno == EINTR) continue;
        return -2;
      }
    }
    ssize_t k = read(fd, out + got, n - got);
    if (k == 0) return got == 0 ? 0 : -1;
    if (k < 0) {
      if (errno == EINTR) continue;
      return -2;
    }
    got += static_cast<size_t>(k);
  }
  return static_cast<long>(n);
}

}  // namespace

const char* FrameStatusName(FrameStatus s) {
  switch (s) {
    case FrameStatus::kOk: return "ok";
    case FrameStatus::kClosed: return "closed";
    case FrameStatus::kTruncated: return "truncated";
    case FrameStatus::kTooLarge: return "too_large";
    case FrameStatus::kTimeout: return "timeout";
    case FrameStatus::kError: return "error";
  }
  return "error";
}

std::string EncodeFrame(std::string_view payload) {
  std::string out(4, '\0');
  auto n = static_cast<uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xFF);
  out.append(payload);
  return out;
}

// The length prefix: kOk with *n, or the status to return.
static FrameStatus ReadLength(int fd, uint32_t max_bytes, int timeout_ms, uint32_t* n) {
  char len[4];
  long r = ReadExactly(fd, len, 4, timeout_ms);
  if (r == 0) return FrameStatus::kClosed;
  if (r == -1) return FrameStatus::kTruncated;
  if (r == -3) return FrameStatus::kTimeout;
  if (r < 0) return FrameStatus::kError;
  *n = DecodeLength(len);
  if (*n > max_bytes) return FrameStatus::kTooLarge;
  return FrameStatus::kOk;
}

static FrameStatus ReadBody(int fd, char* out, uint32_t n, int timeout_ms) {
  if (n == 0) return FrameStatus::kOk;
  long r = ReadExactly(fd, out, n, timeout_ms);
  if (r == n) return FrameStatus::kOk;
  if (r == -3) return FrameStatus::kTimeout;
  return r == -2 ? FrameStatus::kError : FrameStatus::kTruncated;
}

FrameStatus ReadFrame(int fd, uint32_t max_bytes, int timeout_ms, std::string* payload) {
  uint32_t n = 0;
  FrameStatus st = ReadLength(fd, max_bytes, timeout_ms, &n);
  if (st != FrameStatus::kOk) return st;
  payload->assign(n, '\0');
  return ReadBody(fd, payload->data(), n, timeout_ms);
}

char* FrameBuffer::Prepare(size_t n) {
  if (n + kPadding > capacity_) {
    data_.reset();  // before allocating the new one: never both at once
    data_.reset(new char[n + kPadding]);
    capacity_ = n + kPadding;
  }
  size_ = n;
  std::memset(data_.get() + n, 0, kPadding);
  return data_.get();
}

void FrameBuffer::Shrink(size_t keep) {
  if (capacity_ <= keep) return;
  data_.reset();
  size_ = capacity_ = 0;
}

FrameStatus ReadFrame(int fd, uint32_t max_bytes, int timeout_ms, FrameBuffer* payload) {
  uint32_t n = 0;
  FrameStatus st = ReadLength(fd, max_bytes, timeout_ms, &n);
  if (st != FrameStatus::kOk) return st;
  return ReadBody(fd, payload->Prepare(n), n, timeout_ms);
}

Status WriteFrame(int fd, std::string_view payload) {
  if (payload.size() > UINT32_MAX) return Status::InvalidArgument("frame too large");
  std::string frame = EncodeFrame(payload);
  size_t sent = 0;
  while (sent < frame.size()) {
    ssize_t k = send(fd, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
    if (k < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(std::string("send: ") + std::strerror(errno));
    }
    sent += static_cast<size_t>(k);
  }
  return Status::OK();
}

FrameStatus FrameDecoder::Next(std::string* payload) {
  if (buf_.size() < 4) return FrameStatus::kTimeout;
  uint32_t n = DecodeLength(buf_.data());
  if (n > max_) return FrameStatus::kTooLarge;
  if (buf_.size() - 4 < n) return FrameStatus::kTimeout;
  payload->assign(buf_, 4, n);
  buf_.erase(0, 4 + static_cast<size_t>(n));
  return FrameStatus::kOk;
}

}  // namespace dlp::ipc
