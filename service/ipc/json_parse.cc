#include "ipc/json_parse.h"

#include <simdjson.h>

#include <cstdint>
#include <memory>

#include "ipc/json_depth.h"

namespace dlp::ipc {
namespace {

using nlohmann::json;

// A parser keeps buffers sized for the largest document it has seen. Small messages (almost all)
// reuse one per thread; a large paste gets its own, freed afterwards, so a connection thread
// does not hold megabytes after one big paste.
constexpr size_t kReusedParserMax = 64 * 1024;
// Recursion is bounded by max_depth, and by simdjson's own limit of 1024 before that.
bool Convert(simdjson::dom::element e, size_t depth, size_t max_depth, json* out) {
  if (depth > max_depth) return false;
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
      *out = json::object();
      simdjson::dom::object object = e.get_object().value_unsafe();  // a copy: a view of the tape
      for (auto field : object) {
        json v;
        if (!Convert(field.value, depth + 1, max_depth, &v)) return false;
        (*out)[std::string(field.key)] = std::move(v);
      }
      return true;
    }
    case simdjson::dom::element_type::ARRAY: {
      *out = json::array();
      simdjson::dom::array array = e.get_array().value_unsafe();
      for (auto child : array) {
        json v;
        if (!Convert(child, depth + 1, max_depth, &v)) return false;
        out->push_back(std::move(v));
      }
      return true;
    }
    case simdjson::dom::element_type::STRING:
      *out = std::string(std::string_view(e.get_string().value_unsafe()));
      return true;
    case simdjson::dom::element_type::INT64: {
      int64_t v = e.get_int64().value_unsafe();
      if (v >= 0) *out = static_cast<uint64_t>(v);
      else *out = v;
      return true;
    }
    case simdjson::dom::element_type::UINT64:
      *out = e.get_uint64().value_unsafe();
      return true;
    case simdjson::dom::element_type::DOUBLE:
      *out = e.get_double().value_unsafe();
      return true;
    case simdjson::dom::element_type::BOOL:
      *out = e.get_bool().value_unsafe();
      return true;
    case simdjson::dom::element_type::NULL_VALUE:
      *out = nullptr;
      return true;
  }
  return false;
}

ParseResult Slow(std::string_view payload, size_t max_depth, json* out) {
  *out = json::parse(payload.begin(), payload.end(), nullptr, /*allow_exceptions=*/false);
  if (out->is_discarded() || !out->is_object()) {
    *out = nullptr;
    return ParseResult::kNotJson;
  }
  if (NestedDeeperThan(*out, max_depth)) {
    *out = nullptr;
    return ParseResult::kTooDeep;
  }
  return ParseResult::kOk;
}

// Where "text" goes when the caller wants it kept out of the object (ParseRequest).
struct TextSink {
  bool found = false;
  std::string_view view;
};

// The root object; with a sink, a "text" member whose value is a string is left out of *out.
bool ConvertRoot(simdjson::dom::object root, size_t max_depth, json* out, TextSink* sink) {
  *out = json::object();
  for (auto field : root) {
    if (sink && field.key == "text") {
      if (2 > max_depth) return false;  // as Convert would say of any member
      if (field.value.type() == simdjson::dom::element_type::STRING) {
        sink->found = true;
        sink->view = std::string_view(field.value.get_string().value_unsafe());
        out->erase("text");  // an earlier duplicate: the last one wins
        continue;
      }
      sink->found = false;
    }
    json v;
    if (!Convert(field.value, 2, max_depth, &v)) return false;
    (*out)[std::string(field.key)] = std::move(v);
  }
  return true;
}

ParseResult Parse(std::string_view payload, bool padded, size_t max_depth, json* out,
                  TextSink* sink, std::shared_ptr<simdjson::dom::parser>* keep) {
  // parse() sizes the parser's buffers on first use (depth limit: simdjson's default, 1024).
  thread_local simdjson::dom::parser reused(kReusedParserMax);
  std::shared_ptr<simdjson::dom::parser> large;
  simdjson::dom::parser* parser = &reused;
  if (payload.size() > kReusedParserMax) {
    large = std::make_shared<simdjson::dom::parser>();
    parser = large.get();
  }
  static_assert(kParsePadding >= simdjson::SIMDJSON_PADDING);
  simdjson::dom::element doc;
  simdjson::error_code err = parser->parse(payload.data(), payload.size(), !padded).get(doc);
  if (err == simdjson::DEPTH_ERROR) {
    // Valid or not, deeper than anything the protocol allows; nlohmann would take it apart
    // recursively, so it is not handed over.
    bool object = false;
    for (char c : payload) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
      object = c == '{';
      break;
    }
    *out = nullptr;
    return object ? ParseResult::kTooDeep : ParseResult::kNotJson;
  }
  if (err != simdjson::SUCCESS) return Slow(payload, max_depth, out);
  if (doc.type() != simdjson::dom::element_type::OBJECT) {
    *out = nullptr;
    return ParseResult::kNotJson;
  }
  json converted;
  if (!ConvertRoot(doc.get_object().value_unsafe(), max_depth, &converted, sink)) {
    *out = nullptr;
    if (sink) *sink = TextSink();
    return ParseResult::kTooDeep;
  }
  *out = std::move(converted);
  if (keep) *keep = std::move(large);
  return ParseResult::kOk;
}

}  // namespace

ParseResult ParseMessage(std::string_view payload, size_t max_depth, json* out) {
  return Parse(payload, /*padded=*/false, max_depth, out, nullptr, nullptr);
}

ParseResult ParseRequest(std::string_view payload, bool padded, size_t max_depth, Request* out) {
  *out = Request();
  TextSink sink;
  std::shared_ptr<simdjson::dom::parser> parser;
  ParseResult r = Parse(payload, padded, max_depth, &out->fields, &sink, &parser);
  if (r != ParseResult::kOk) return r;
  if (sink.found) {
    out->has_text_ = true;
    if (parser) {  // the text stays in the large parser's string buffer, which the request keeps
      out->text_ = sink.view;
      out->keep_ = std::move(parser);
    } else {  // the thread's parser is reused by the next message: copy (a small text)
      out->owned_.assign(sink.view);
    }
  } else if (auto it = out->fields.find("text"); it != out->fields.end() && it->is_string()) {
    // The nlohmann fallback (Slow) parsed the whole message.
    out->owned_ = std::move(it->get_ref<std::string&>());
    out->fields.erase(it);
    out->has_text_ = true;
  }
  return ParseResult::kOk;
}

}  // namespace dlp::ipc
