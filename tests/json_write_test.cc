// ipc::AppendJsonString and the scan reply writer: the bytes are exactly what nlohmann's
// dump(-1, ' ', false, error_handler_t::replace) writes, for any string, valid UTF-8 or not.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "agentd/scan_reply.h"
#include "ipc/json_write.h"

using nlohmann::json;

namespace {

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string Written(std::string_view s) {
  std::string out = "x";  // appends: what is there stays
  dlp::ipc::AppendJsonString(&out, s);
  return out.substr(1);
}

struct Rng {
  uint64_t s = 42;
  uint32_t Next() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(s >> 33);
  }
};

// Random strings mixing ASCII, escapes, control bytes, valid multi-byte UTF-8 and broken bytes.
std::string RandomString(Rng& rng, size_t max_len) {
  static const std::vector<std::string> kPieces = {
      "a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\r", "\b", "\f", std::string(1, '\0'), "\x01",
      "\x1f", "\x7f", "é", "ố", "Đ", "😀", "\xe2\x82\xac", "\xef\xbf\xbd", "\xc3", "\xe1\xbb",
      "\xf0\x9f", "\x80", "\xbf", "\xff", "\xfe", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
      "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "\xc2\xa0", "\xed\x9f\xbf", "\xf4\x8f\xbf\xbf"};
  std::string s;
  size_t n = rng.Next() % (max_len + 1);
  for (size_t i = 0; i < n; ++i) {
    if (rng.Next() % 4 == 0) s.push_back(static_cast<char>(rng.Next() & 0xFF));  // any byte
    else s += kPieces[rng.Next() % kPieces.size()];
  }
  return s;
}

}  // namespace

TEST_CASE("json write: strings are written as nlohmann dumps them", "[ipc][json]") {
  const std::vector<std::string> fixed = {
      "", "plain", "Số CCCD 001099012345", "quote \" and backslash \\ and slash /",
      "\b\f\n\r\t", std::string("nul\0byte", 8), "\x01\x02\x1e\x1f\x7f", "😀 𝄞",
      "bad \xff\xfe end", "truncated \xe1\xbb", "\xe1\xbb", "overlong \xc0\xaf",
      "surrogate \xed\xa0\x80", "too big \xf4\x90\x80\x80", "lone continuation \x80\x80 x",
      "\xc3(", "\xe2\x28\xa1", "\xf0\x28\x8c\x28"};
  for (const auto& s : fixed) {
    INFO("string: " << json(s).dump(-1, ' ', true, json::error_handler_t::replace));
    CHECK(Written(s) == Dump(json(s)));
  }
  Rng rng;
  for (int i = 0; i < 20000; ++i) {
    std::string s = RandomString(rng, 24);
    INFO("case " << i);
    REQUIRE(Written(s) == Dump(json(s)));
  }
}

TEST_CASE("json write: numbers and other values", "[ipc][json]") {
  for (uint64_t v : {uint64_t{0}, uint64_t{7}, uint64_t{1} << 40, UINT64_MAX}) {
    std::string out;
    dlp::ipc::AppendJsonUint(&out, v);
    CHECK(out == Dump(json(v)));
  }
  for (int64_t v : {int64_t{0}, int64_t{-1}, INT64_MIN, INT64_MAX}) {
    std::string out;
    dlp::ipc::AppendJsonInt(&out, v);
    CHECK(out == Dump(json(v)));
  }
  json id = {{"b", {1, 2.5, nullptr, "x\xff"}}, {"a", true}};
  std::string out;
  dlp::ipc::AppendJsonValue(&out, id);
  CHECK(out == Dump(id));
}

TEST_CASE("scan reply: written bytes equal the reply object's dump", "[agentd][json]") {
  using dlp::agentd::ScanReply;
  Rng rng;
  // Strings the reply views must outlive it.
  std::vector<std::string> pool;
  for (int i = 0; i < 64; ++i) pool.push_back(RandomString(rng, 12));
  auto pick = [&]() -> std::string_view { return pool[rng.Next() % pool.size()]; };
  const std::vector<json> ids = {json(), json(7), json(-3), json("req-1"), json("\xff"),
                                 json({{"k", {1, 2}}}), json(1.5), json(UINT64_MAX)};
  for (int i = 0; i < 500; ++i) {
    ScanReply r;
    r.id = ids[rng.Next() % ids.size()];
    r.action = std::string(pick());
    r.group = std::string(pick());
    size_t n = rng.Next() % 6;
    for (size_t k = 0; k < n; ++k)
      r.findings.push_back({pick(), pick(), pick(), pick(), pick(), pick(),
                            rng.Next() * uint64_t{rng.Next()}, rng.Next()});
    for (size_t k = rng.Next() % 4; k > 0; --k) r.justifying.push_back(rng.Next() % 10);
    r.message_vi = std::string(pick());
    r.message_en = std::string(pick());
    r.may_override = rng.Next() % 2;
    r.needs_justification = rng.Next() % 2;
    r.bundle_name = std::string(pick());
    r.bundle_version = rng.Next() % 3 ? rng.Next() : UINT64_MAX;
    if (rng.Next() % 2) r.incident = static_cast<int64_t>(rng.Next()) - 100;
    if (rng.Next() % 2) r.redacted = RandomString(rng, 40);
    std::string written;
    dlp::agentd::WriteScanReply(r, &written);
    INFO("case " << i);
    REQUIRE(written == Dump(dlp::agentd::ScanReplyJson(r)));
  }
}
