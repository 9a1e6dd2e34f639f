// dlp-scan: scans files or standard input with the same engine the agent uses.
//
// Exit status: 0 allow, 1 warn, 2 block (the strictest verdict over all inputs), 3 error (bad
// usage, unreadable file, broken pack), 4 (--jsonl) some input lines were malformed; each of
// them got an {"id", "error"} line and every other line was still scanned.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "dlp/default_pack.h"
#include "dlp/engine.h"
#include "scan_output.h"

namespace {

constexpr int kExitError = 3;
constexpr int kExitPartial = 4;
constexpr size_t kReadBlock = 1 << 20;

const char kUsage[] =
    "Usage: dlp-scan [options] [FILE...]     (no FILE or '-': standard input)\n"
    "Scans text for state-secret markings, personal data and credentials before it is sent\n"
    "to an AI platform, and prints the verdict: allow, warn or block.\n\n"
    "  --format text|json   human report (default) or one JSON object per input\n"
    "  --count              print only the number of findings of each type (type<TAB>count;\n"
    "                       with several inputs, each line starts with the input's name)\n"
    "  --cache-dir DIR      keep compiled rules in DIR, so later runs start in milliseconds\n"
    "  --jsonl              batch: read JSON Lines with a \"text\" field (and optional \"id\",\n"
    "                       \"destination\"), write one verdict line per input line\n"
    "  --pack PATH          use this pack (a .yaml file or a directory) instead of the built-in\n"
    "  --destination D      destination group, host or URL (default: public_ai)\n"
    "  --lang vi|en         language of the text report (default: vi)\n"
    "  --year N             current year for birth-year checks (default: the clock's)\n"
    "  --help               this text\n\n"
    "Exit status: 0 allow, 1 warn, 2 block, 3 error, 4 some --jsonl lines were malformed.\n";

struct Options {
  std::string format = "text";
  bool jsonl = false;
  bool count = false;
  std::string cache_dir;
  std::string pack_path;
  std::string destination = "public_ai";
  std::string lang = "vi";
  int year = 0;
  std::vector<std::string> inputs;
};

int Fail(const std::string& msg) {
  std::cerr << "dlp-scan: " << msg << "\n";
  return kExitError;
}

bool ParseArgs(int argc, char** argv, Options* o, std::string* err) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) { *err = a + " needs a value"; return false; }
      *out = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--help" || a == "-h") { std::cout << kUsage; std::exit(0); }
    else if (a == "--jsonl") o->jsonl = true;
    else if (a == "--count") o->count = true;
    else if (a == "--cache-dir") { if (!value(&o->cache_dir)) return false; }
    else if (a == "--format") { if (!value(&o->format)) return false; }
    else if (a == "--pack") { if (!value(&o->pack_path)) return false; }
    else if (a == "--destination") { if (!value(&o->destination)) return false; }
    else if (a == "--lang") { if (!value(&o->lang)) return false; }
    else if (a == "--year") {
      if (!value(&v)) return false;
      o->year = std::atoi(v.c_str());
      if (o->year < 1900 || o->year > 9999) { *err = "--year wants a year such as 2026"; return false; }
    }
    else if (a.size() > 1 && a[0] == '-' && a != "-") { *err = "unknown option " + a; return false; }
    else o->inputs.push_back(a);
  }
  if (o->format != "text" && o->format != "json") { *err = "--format must be text or json"; return false; }
  if (o->lang != "vi" && o->lang != "en") { *err = "--lang must be vi or en"; return false; }
  if (o->count && o->jsonl) { *err = "--count and --jsonl cannot be combined"; return false; }
  if (o->inputs.empty()) o->inputs.push_back("-");
  return true;
}

// Streams one input through a session; binary content is scanned as text (the normalizer turns
// control bytes into spaces), with a note so nobody mistakes it for a text document.
dlp::Status ScanStream(const dlp::Engine& engine, const Options& o, const std::string& name,
                       dlp::ScanResult* result, dlp::cli::LineIndex* lines) {
  std::FILE* f = name == "-" ? stdin : std::fopen(name.c_str(), "rb");
  if (!f) return dlp::Status::IOError(name + ": " + std::strerror(errno));
  dlp::ScanOptions so;
  so.destination = o.destination;
  so.current_year = o.year;
  auto session = engine.NewSession(so);
  std::vector<char> buf(kReadBlock);
  bool noted_binary = false;
  size_t n;
  dlp::Status st;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) {
    std::string_view chunk(buf.data(), n);
    if (!noted_binary && chunk.find('\0') != std::string_view::npos) {
      std::cerr << "dlp-scan: " << name << ": contains NUL bytes (binary?); scanning its text\n";
      noted_binary = true;
    }
    if (o.format == "text" && !o.count) lines->Add(chunk);  // line numbers only appear in the text report
    if (st = session->Feed(chunk); !st.ok()) break;
  }
  bool read_error = std::ferror(f);
  if (f != stdin) std::fclose(f);
  if (!st.ok()) return st;
  if (read_error) return dlp::Status::IOError(name + ": read error");
  return session->Finish(result);
}

int RunFiles(const dlp::Engine& engine, const Options& o) {
  int worst = 0;
  for (const auto& name : o.inputs) {
    dlp::ScanResult r;
    dlp::cli::LineIndex lines;
    if (dlp::Status s = ScanStream(engine, o, name, &r, &lines); !s.ok()) return Fail(s.ToString());
    std::string source = name == "-" ? "<stdin>" : name;
    if (o.count) {
      // Every finding counts, including those beyond the stored maximum.
      for (const auto& [type, n] : r.type_counts)
        std::cout << (o.inputs.size() > 1 ? source + ":" : "") << type << "\t" << n << "\n";
    } else if (o.format == "json")
      std::cout << dlp::cli::ResultJson(source, r, engine.pack()).dump() << "\n";
    else
      dlp::cli::WriteTextReport(std::cout, source, r, engine.pack(), lines, o.lang);
    worst = std::max(worst, static_cast<int>(r.action));
  }
  return worst;
}

int RunJsonl(const dlp::Engine& engine, const Options& o) {
  int worst = 0;
  bool malformed = false;
  for (const auto& name : o.inputs) {
    std::ifstream file;
    if (name != "-") {
      file.open(name, std::ios::binary);
      if (!file) return Fail(name + ": " + std::strerror(errno));
    }
    std::istream& in = name == "-" ? std::cin : file;
    std::string line;
    uint64_t line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      nlohmann::json req = nlohmann::json::parse(line, nullptr, false);
      nlohmann::json reply;
      reply["id"] = req.is_object() && req.contains("id") ? req["id"] : nlohmann::json();
      std::string err;
      if (req.is_discarded()) err = "line " + std::to_string(line_no) + ": not valid JSON";
      else if (!req.is_object() || !req.contains("text") || !req["text"].is_string())
        err = "line " + std::to_string(line_no) + ": needs a string field \"text\"";
      dlp::ScanResult r;
      if (err.empty()) {
        dlp::ScanOptions so;
        so.destination = req.contains("destination") && req["destination"].is_string()
                             ? req["destination"].get<std::string>() : o.destination;
        so.current_year = o.year;
        if (dlp::Status s = engine.Scan(req["text"].get_ref<const std::string&>(), so, &r); !s.ok())
          err = "line " + std::to_string(line_no) + ": " + s.ToString();
      }
      if (!err.empty()) {
        malformed = true;
        reply["error"] = err;
        std::cerr << "dlp-scan: " << err << "\n";
      } else {
        reply["action"] = std::string(dlp::ActionName(r.action));
        nlohmann::json findings = nlohmann::json::array();
        for (const auto& f : r.findings) findings.push_back(dlp::cli::FindingJson(f));
        reply["findings"] = std::move(findings);
        worst = std::max(worst, static_cast<int>(r.action));
      }
      // Invalid UTF-8 in echoed ids must not abort the batch: replace it.
      std::cout << reply.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    }
  }
  std::cout.flush();
  return malformed ? kExitPartial : worst;
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  Options o;
  std::string err;
  if (!ParseArgs(argc, argv, &o, &err)) return Fail(err + "\n\n" + kUsage);
  dlp::RulePack pack;
  dlp::Status s = o.pack_path.empty() ? dlp::LoadDefaultPack(&pack)
                                      : dlp::LoadPackFromPath(o.pack_path, &pack);
  if (!s.ok()) return Fail("cannot load rule pack: " + s.ToString());
  std::unique_ptr<dlp::Engine> engine;
  dlp::EngineOptions eo;
  eo.cache_dir = o.cache_dir;
  std::error_code ec;  // a cache that cannot be made only costs the compile time
  if (!o.cache_dir.empty()) std::filesystem::create_directories(o.cache_dir, ec);
  if (s = dlp::Engine::Create(std::move(pack), eo, &engine); !s.ok())
    return Fail("cannot compile rule pack: " + s.ToString());
  if (!engine->pack().policy.GroupFor(o.destination))
    return Fail("unknown destination '" + o.destination + "'");
  return o.jsonl ? RunJsonl(*engine, o) : RunFiles(*engine, o);
}
