// Fuzz target: the service's frame decoder (ipc::FrameDecoder, the same framing as the socket)
// followed by what the service does with each payload before the handler: ipc::ParseMessage
// (simdjson, the object check, the nesting-depth guard), and dumping a reply that echoes the id.
//
// Input: one byte choosing the feed size (1..256 bytes), then the byte stream. Checks: every
// payload is at most the limit; re-encoding the decoded frames gives back exactly the bytes
// consumed; after kTooLarge nothing more is decoded; and no payload makes parse/dump throw.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ipc/framing.h"
#include "ipc/json_depth.h"
#include "ipc/json_parse.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "fuzz_frame_decoder: invariant broken: %s\n", what);
    abort();
  }
}


}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t step = 1 + data[0];
  const std::string stream(reinterpret_cast<const char*>(data + 1), size - 1);
  // A small limit, so the fuzzer reaches kTooLarge with short inputs.
  const uint32_t kMax = 4096;
  dlp::ipc::FrameDecoder dec(kMax);
  std::string reencoded;
  bool lost = false;
  for (size_t off = 0; off < stream.size() && !lost; off += step) {
    dec.Feed(std::string_view(stream).substr(off, step));
    std::string payload;
    for (;;) {
      auto st = dec.Next(&payload);
      if (st == dlp::ipc::FrameStatus::kTimeout) break;
      if (st == dlp::ipc::FrameStatus::kTooLarge) {
        lost = true;
        break;
      }
      Check(st == dlp::ipc::FrameStatus::kOk, "unexpected status");
      Check(payload.size() <= kMax, "payload over the limit");
      reencoded += dlp::ipc::EncodeFrame(payload);
      nlohmann::json req;
      if (dlp::ipc::ParseMessage(payload, dlp::ipc::kMaxJsonDepth, &req) != dlp::ipc::ParseResult::kOk)
        continue;
      nlohmann::json id = req.contains("id") ? req["id"] : nlohmann::json();
      nlohmann::json reply = {{"v", 1}, {"id", id}, {"ok", false}};
      std::string out = reply.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      Check(!out.empty(), "empty reply");
    }
  }
  if (!lost) {
    Check(reencoded.size() + dec.buffered() == stream.size(), "bytes lost or invented");
    Check(stream.compare(0, reencoded.size(), reencoded) == 0, "frames do not re-encode to the input");
  }
  return 0;
}
