// The labelled corpora through the real engine: every expected verdict, and the labelled values
// found as findings of the labelled type (spans overlapping the label's bytes).
//   tests/data/corpus/documents.jsonl  realistic documents, one family per policy clause
//   tests/data/corpus/heldout.jsonl   written independently of the rules, to catch over-fitting
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

#include "test_util.h"

namespace {

struct Tally {
  int items = 0, verdicts_ok = 0, labels = 0, labels_found = 0;
};

Tally RunCorpus(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  Tally t;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto item = nlohmann::json::parse(line);
    const std::string text = item["text"];
    auto r = dlp::test::Scan(text);
    ++t.items;
    std::string got(dlp::ActionName(r.action));
    if (got == item["expect"]) {
      ++t.verdicts_ok;
    } else {
      WARN(item["id"].get<std::string>() << ": expected " << item["expect"].get<std::string>()
                                          << ", got " << got << ": " << text.substr(0, 160));
    }
    for (const auto& label : item["labels"]) {
      const std::string value = label["value"], type = label["type"];
      size_t s = text.find(value), e = s + value.size();
      REQUIRE(s != std::string::npos);
      ++t.labels;
      for (const auto& f : r.findings)
        if (f.type == type && f.start < e && f.end > s) { ++t.labels_found; break; }
    }
  }
  return t;
}

void Check(const std::string& name) {
  Tally t = RunCorpus(std::string(DLP_SOURCE_DIR) + "/tests/" + name);
  WARN(name << ": " << t.verdicts_ok << "/" << t.items << " verdicts, " << t.labels_found << "/"
            << t.labels << " labelled values found");
  CHECK(t.items > 100);
  // Thresholds only ever go up: every corpus at 99% exact verdicts or better.
  CHECK(t.verdicts_ok * 100 >= t.items * 99);
  // Spans: a label may name more than the engine needs to decide (a whole sentence for a criminal
  // record), so a few may be found elsewhere in the text; nearly all must be hit.
  CHECK(t.labels_found >= t.labels * 97 / 100);
}

}  // namespace

TEST_CASE("corpus: realistic documents get the policy's verdict", "[corpus]") {
  Check("data/corpus/documents.jsonl");
}

TEST_CASE("corpus: held-out documents get the policy's verdict", "[corpus]") {
  Check("data/corpus/heldout.jsonl");
}

TEST_CASE("corpus: real-world pastes get the policy's verdict", "[corpus]") {
  Check("data/corpus/realworld.jsonl");
}
