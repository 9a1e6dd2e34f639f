// ipc::ParseMessage (simdjson fast path, nlohmann semantics): every message means what
// nlohmann::json::parse says it means, and a 1 MiB paste is parsed correctly.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "ipc/json_depth.h"
#include "ipc/json_parse.h"

using dlp::ipc::ParseMessage;
using dlp::ipc::ParseResult;
using nlohmann::json;

namespace {

// What the service did before the fast path: nlohmann parse, object check, depth check.
ParseResult Reference(const std::string& s, json* out) {
  *out = json::parse(s, nullptr, false);
  if (out->is_discarded() || !out->is_object()) return ParseResult::kNotJson;
  if (dlp::ipc::NestedDeeperThan(*out, dlp::ipc::kMaxJsonDepth)) return ParseResult::kTooDeep;
  return ParseResult::kOk;
}

}  // namespace

TEST_CASE("json parse: messages mean exactly what nlohmann says they mean", "[ipc][json]") {
  const std::vector<std::string> inputs = {
      R"({"v":1,"op":"scan","text":"Số CCCD 001099012345","id":7})",
      R"({"id":-3,"big":18446744073709551615,"neg":-9223372036854775808,"f":1.5e300,"z":0})",
      R"({"huge":123456789012345678901234567890})",  // beyond 64 bits: nlohmann makes a double
      R"({"a":1,"a":2})",                                // duplicate key: the last wins
      R"({"s":"\u0053\u1ed1 \ud83d\ude00 \"q\" \\ \/ \b\f\n\r\t"})",
      R"({"nested":{"x":[1,[2,[3,{"y":null}]]],"t":true,"f":false}})",
      R"(  {"ws" : [ ] , "o" : { } }  )",
      R"({"id":{"deep":[[[[[[[[[[1]]]]]]]]]]}})",
      "{\"bad\":\"\xff\xfe\"}",        // invalid UTF-8
      "{\"ctl\":\"a\x01b\"}",          // raw control character in a string
      R"({"trailing":1,})",
      R"({"x":1} {"y":2})",
      R"([1,2,3])",
      R"("just a string")",
      R"(42)",
      "",
      "   ",
      R"({"unterminated":"abc)",
      R"({"lone":"\ud800"})",          // lone surrogate escape
      R"({"n":01})",
      R"({"n":1.})",
      R"({"n":-})",
      R"({"nan":NaN})",
  };
  for (const auto& in : inputs) {
    INFO("input: " << in);
    json ref, got;
    ParseResult want = Reference(in, &ref);
    ParseResult have = ParseMessage(in, dlp::ipc::kMaxJsonDepth, &got);
    CHECK(have == want);
    if (want == ParseResult::kOk) {
      CHECK(got == ref);
      CHECK(got.dump() == ref.dump());  // same number kinds (unsigned vs signed) and key order
    }
  }
}

TEST_CASE("json parse: nesting beyond the protocol's limit is refused as too deep, any depth",
          "[ipc][json]") {
  for (size_t depth : {size_t{63}, size_t{64}, size_t{65}, size_t{1000}, size_t{100000}}) {
    std::string s = "{\"id\":";
    for (size_t i = 1; i < depth; ++i) s += "[";
    s += "1";
    for (size_t i = 1; i < depth; ++i) s += "]";
    s += "}";
    json got;
    ParseResult r = ParseMessage(s, dlp::ipc::kMaxJsonDepth, &got);
    // Root object = 1, the array levels, then the number: depth + 1 levels in all.
    INFO("depth " << depth);
    CHECK(r == (depth + 1 > dlp::ipc::kMaxJsonDepth ? ParseResult::kTooDeep : ParseResult::kOk));
  }
  json got;
  CHECK(ParseMessage(std::string(100000, '['), dlp::ipc::kMaxJsonDepth, &got) == ParseResult::kNotJson);
}

TEST_CASE("json parse: a 1 MiB paste with Vietnamese text and escapes comes through intact",
          "[ipc][json]") {
  std::string text;
  while (text.size() < (1u << 20)) text += "Báo cáo mật: \"số\" 0912345678\tdòng\n\\ hết. ";
  json req = {{"v", 1}, {"op", "scan"}, {"text", text}, {"channel", "paste"}};
  json got;
  REQUIRE(ParseMessage(req.dump(), dlp::ipc::kMaxJsonDepth, &got) == ParseResult::kOk);
  CHECK(got["text"].get<std::string>() == text);
  CHECK(got == req);
  // Twice more: the per-thread parser is reused for small messages after a large one.
  REQUIRE(ParseMessage(R"({"op":"status"})", 64, &got) == ParseResult::kOk);
  CHECK(got["op"] == "status");
}

TEST_CASE("json parse: a request's text is kept out of its fields, meaning unchanged", "[ipc][json]") {
  using dlp::ipc::ParseRequest;
  using dlp::ipc::Request;
  const std::string big(200 * 1024, 'x');  // past the reused parser: viewed in its own parser
  const std::vector<std::string> inputs = {
      R"({"v":1,"op":"scan","text":"Số CCCD 001099012345","id":7})",
      R"({"v":1,"op":"scan","text":"a\nb\u0041\"","channel":"paste"})",
      R"({"text":1,"text":"last wins"})",
      R"({"text":"first","text":{"not":"a string"}})",
      R"({"text":null})",
      R"({"nested":{"text":"stays"}})",
      R"({"op":"scan"})",
      R"({"text":"x","huge":123456789012345678901234567890})",  // the nlohmann fallback
      "{\"text\":\"bad \xff\"}",                                  // invalid UTF-8: refused
      "{\"text\":\"" + big + "\",\"op\":\"scan\"}",
      R"([1,2])",
      R"({"text":"x","id":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]})",
  };
  for (const auto& in : inputs) {
    INFO(in.substr(0, 120));
    json want;
    ParseResult want_r = ParseMessage(in, dlp::ipc::kMaxJsonDepth, &want);
    for (bool padded : {false, true}) {
      std::string buf = in + std::string(dlp::ipc::kParsePadding, '\0');
      Request got;
      ParseResult got_r =
          ParseRequest(std::string_view(buf.data(), in.size()), padded, dlp::ipc::kMaxJsonDepth, &got);
      REQUIRE(got_r == want_r);
      if (got_r != ParseResult::kOk) {
        CHECK(got.fields.is_null());
        CHECK_FALSE(got.has_text());
        continue;
      }
      json rebuilt = got.fields;
      if (got.has_text()) {
        CHECK_FALSE(got.fields.contains("text"));
        rebuilt["text"] = std::string(got.text());
      }
      CHECK(rebuilt == want);
    }
  }
  // The depth limit applies to the text as to any member.
  Request r;
  CHECK(ParseRequest(R"({"text":"x"})", false, 1, &r) == ParseResult::kTooDeep);
  CHECK(ParseRequest(R"({"a":1})", false, 1, &r) == ParseResult::kTooDeep);
}
