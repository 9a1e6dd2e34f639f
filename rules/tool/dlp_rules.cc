// dlp-rules: the security officer's tool for rule packs and signed bundles.
#include <cstring>
#include <iostream>
#include <map>

#include "commands.h"

namespace {

const char kUsage[] =
    "Usage: dlp-rules COMMAND [options]\n\n"
    "Write and test rule packs:\n"
    "  lint     [--pack PATH]                 check schema, ids, patterns, examples\n"
    "  test     [--pack PATH]                 run every example through the real engine\n"
    "  eval     CORPUS.jsonl... [--pack PATH] [--min-accuracy P] [--min-block-recall P]\n"
    "           [--max-false-block P]         precision/recall per type, action confusion\n"
    "  compile  [--pack PATH]                 compile time and database sizes\n"
    "  export   --format regex [--pack PATH]  the patterns as plain regular expressions\n"
    "  explain  RULE_ID [--pack PATH]         everything about one rule\n"
    "Sign and ship them:\n"
    "  keygen   --out PREFIX                  new Ed25519 key: PREFIX.key (private), PREFIX.pub\n"
    "  build    PACK_DIR --key KEY --version N --out FILE   signed bundle from a directory\n"
    "  sign     (same as build)\n"
    "  verify   BUNDLE --trusted DIR [--active-version N]\n"
    "  diff     OLD NEW                       rules added, removed, changed (packs or bundles)\n\n"
    "PATH is a .yaml file, a directory of them, or a signed bundle; without --pack the built-in\n"
    "default pack is used. Exit status: 0 ok, 1 a check failed, 2 usage or input error.\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace dlp::rules_tool;
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  const std::map<std::string, int (*)(const Args&)> commands = {
      {"lint", Lint},       {"test", Test},     {"eval", Eval},     {"compile", Compile},
      {"export", Export},   {"explain", Explain}, {"keygen", Keygen}, {"build", Build},
      {"sign", Build},      {"verify", Verify}, {"diff", Diff}};
  auto it = commands.find(argv[1]);
  if (it == commands.end()) {
    std::cerr << "dlp-rules: unknown command '" << argv[1] << "'\n\n" << kUsage;
    return 2;
  }
  return it->second(Args(argv + 2, argv + argc));
}
