// Fuzz target: the normalizer and the engine's scan on arbitrary bytes, with the default pack.
//
// Input: one byte of options (destination, chunking), then the text. Checks, beyond "no crash,
// no sanitizer report": every view offset maps inside the input and never backwards; the fused
// NormalizeBoth equals Normalize per view (bytes and maps); findings
// lie inside the text, in order, with a non-empty masked excerpt that is never the raw value
// (for values longer than 4 bytes); a streaming scan fed in small chunks finds exactly what
// the one-shot scan finds; and so does a plain engine that searches every pattern everywhere,
// as written, on its own view, and finds where matches start with forward scans
// (EngineOptions::gate_required_context, squeeze_keywords and reverse_confirm off: no phrase
// gates, no squeezed view, no case-narrowed keywords, no backward scans per end or per run of
// ends); and a rescan after a session dropped half-fed (its state goes back to the engine's
// pool) finds exactly the same again.
#include <sys/stat.h>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "dlp/default_pack.h"
#include "dlp/engine.h"
#include "dlp/normalizer.h"

namespace {

const dlp::Engine* g_engine = nullptr;
const dlp::Engine* g_plain = nullptr;  // no gates, no squeezed view, no backward scans
const dlp::Normalizer* g_norm = nullptr;

void Check(bool ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "fuzz_engine_scan: invariant broken: %s\n", what);
    abort();
  }
}

void CheckView(const dlp::NormalizedView& v, size_t input_size) {
  Check(v.text.empty() || (!v.pieces.empty() && v.pieces[0].view == 0), "map starts at view 0");
  uint64_t last_begin = 0;
  for (size_t i = 0; i < v.text.size(); ++i) {
    const uint64_t begin = v.OriginalBegin(i), end = v.OriginalEnd(i + 1);
    Check(begin < end, "view byte maps to an empty or inverted span");
    Check(end <= input_size, "view byte maps past the input");
    Check(begin >= last_begin, "view offsets go backwards");
    // The first byte of a segment is where FromOriginal lands for the segment's start.
    Check((i > 0 && begin == last_begin) || v.FromOriginal(begin) == i,
          "FromOriginal disagrees with OriginalBegin");
    last_begin = begin;
  }
  Check(v.FromOriginal(input_size + 1) == v.text.size(), "FromOriginal past the input");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::unique_ptr<dlp::Normalizer> norm;
  if (!dlp::Normalizer::Create(&norm).ok()) abort();
  dlp::RulePack pack;
  if (!dlp::LoadDefaultPack(&pack).ok()) abort();
  // The compiled databases are cached between runs (an instrumented compile takes ~40 s).
  dlp::EngineOptions eo;
  const char* cache = std::getenv("DLP_FUZZ_CACHE");
  eo.cache_dir = cache && *cache ? cache : "/tmp/dlp-fuzz-engine-cache";
  mkdir(eo.cache_dir.c_str(), 0700);
  std::unique_ptr<dlp::Engine> engine, plain;
  dlp::RulePack copy = pack;
  if (!dlp::Engine::Create(std::move(pack), eo, &engine).ok()) abort();
  eo.gate_required_context = false;
  eo.squeeze_keywords = false;
  eo.reverse_confirm = false;
  if (!dlp::Engine::Create(std::move(copy), eo, &plain).ok()) abort();
  g_norm = norm.release();
  g_engine = engine.release();
  g_plain = plain.release();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t opts = data[0];
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  dlp::NormalizedView per_view[2];
  for (auto kind : {dlp::ViewKind::kExact, dlp::ViewKind::kLoose}) {
    dlp::NormalizedView& v = per_view[kind == dlp::ViewKind::kLoose];
    g_norm->Normalize(text, kind, 0, &v);
    CheckView(v, text.size());
  }
  // The fused pass (the session's, with the fast path for ASCII and precomposed letters) must
  // give the per-view results exactly: the same bytes and the same offset maps.
  dlp::NormalizedView both_exact, both_loose;
  g_norm->NormalizeBoth(text, 0, &both_exact, &both_loose);
  Check(both_exact.text == per_view[0].text && both_exact.pieces == per_view[0].pieces,
        "NormalizeBoth's exact view differs from Normalize's");
  Check(both_loose.text == per_view[1].text && both_loose.pieces == per_view[1].pieces,
        "NormalizeBoth's loose view differs from Normalize's");
  size_t cut = g_norm->SafeCut(text, false);
  Check(cut <= text.size(), "SafeCut past the end");

  static const char* kDest[] = {"public_ai", "https://chatgpt.com/c/1", "intranet.example.vn",
                                "approved_ai"};
  dlp::ScanOptions so;
  so.destination = kDest[opts & 3];
  so.current_year = 2026;
  so.max_findings = (opts & 4) ? 3 : 10000;
  dlp::ScanResult one;
  Check(g_engine->Scan(text, so, &one).ok(), "Scan failed on bytes");
  Check(one.bytes_scanned == text.size(), "bytes_scanned");
  uint64_t last_start = 0;
  for (const auto& f : one.findings) {
    Check(f.start < f.end && f.end <= text.size(), "finding outside the text");
    Check(f.start >= last_start, "findings not sorted");
    last_start = f.start;
    Check(!f.masked.empty(), "empty masked excerpt");
    std::string_view raw = text.substr(f.start, f.end - f.start);
    // Markings are shown as written (docs/ARCHITECTURE.md, Privacy); any other value with a
    // letter or digit in it keeps at most a few characters.
    static const std::string_view kMarkings[] = {"secret_marking", "secret_handling_mark",
                                                 "circulation_mark", "urgency_mark",
                                                 "party_doc_number", "state_doc_number"};
    bool marking = false;
    for (auto m : kMarkings) marking |= f.type == m;
    bool has_alnum = false;
    for (unsigned char c : raw) has_alnum |= (c < 0x80 && std::isalnum(c));
    if (!marking && has_alnum) Check(f.masked != raw, "a value is shown unmasked");
  }
  for (size_t j : one.justifying) Check(j < one.findings.size(), "justifying index");

  // The same text as a stream, in chunks of 1..64 bytes.
  auto session = g_engine->NewSession(so);
  size_t step = 1 + ((opts >> 3) & 63);
  for (size_t off = 0; off < text.size(); off += step)
    Check(session->Feed(text.substr(off, step)).ok(), "Feed failed");
  dlp::ScanResult streamed;
  Check(session->Finish(&streamed).ok(), "Finish failed");
  Check(streamed.action == one.action, "stream and one-shot verdicts differ");
  Check(streamed.findings.size() == one.findings.size(), "stream and one-shot finding counts differ");
  for (size_t i = 0; i < one.findings.size(); ++i)
    Check(streamed.findings[i].start == one.findings[i].start &&
              streamed.findings[i].end == one.findings[i].end &&
              streamed.findings[i].rule_id == one.findings[i].rule_id,
          "stream and one-shot findings differ");
  dlp::ScanResult everywhere;
  Check(g_plain->Scan(text, so, &everywhere).ok(), "Scan failed on the plain engine");
  Check(everywhere.action == one.action, "fast and plain verdicts differ");
  Check(everywhere.findings.size() == one.findings.size(), "fast and plain counts differ");
  for (size_t i = 0; i < one.findings.size(); ++i)
    Check(everywhere.findings[i].start == one.findings[i].start &&
              everywhere.findings[i].end == one.findings[i].end &&
              everywhere.findings[i].rule_id == one.findings[i].rule_id &&
              everywhere.findings[i].confidence == one.findings[i].confidence,
          "fast and plain findings differ");
  // Session states are reused (SessionPool): a session dropped half-fed, with other options,
  // must leave nothing that changes the next scan of the same text.
  {
    dlp::ScanOptions other = so;
    other.max_findings = 1;
    other.current_year = 1990;
    auto dropped = g_engine->NewSession(other);
    Check(dropped->Feed(text.substr(0, text.size() / 2)).ok(), "Feed failed");
  }
  dlp::ScanResult again;
  Check(g_engine->Scan(text, so, &again).ok(), "Scan failed after a dropped session");
  Check(again.action == one.action && again.type_counts == one.type_counts &&
            again.findings_dropped == one.findings_dropped &&
            again.findings.size() == one.findings.size(),
        "a reused session state changed the verdict");
  for (size_t i = 0; i < one.findings.size(); ++i)
    Check(again.findings[i].start == one.findings[i].start &&
              again.findings[i].end == one.findings[i].end &&
              again.findings[i].rule_id == one.findings[i].rule_id &&
              again.findings[i].masked == one.findings[i].masked &&
              again.findings[i].confidence == one.findings[i].confidence,
          "a reused session state changed a finding");
  return 0;
}
