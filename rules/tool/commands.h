// The subcommands of dlp-rules, the security officer's tool. Each takes the arguments after its
// name, writes its report to stdout and its errors to stderr, writes no file unless it succeeds,
// and returns the process exit status (0 success, 1 check failed, 2 usage or input error).
#ifndef DLP_RULES_TOOL_COMMANDS_H_
#define DLP_RULES_TOOL_COMMANDS_H_

#include <string>
#include <vector>

namespace dlp::rules_tool {

using Args = std::vector<std::string>;

// Analysis of a pack directory or file (--pack PATH; default: the built-in pack).
int Lint(const Args& args);     // schema, duplicate ids, patterns, examples present
int Test(const Args& args);     // every example / negative example through the real engine
int Eval(const Args& args);     // corpus JSONL -> per-type precision/recall, action confusion
int Compile(const Args& args);  // compile time and database sizes
int Export(const Args& args);   // --format regex: the patterns as plain regular expressions
int Explain(const Args& args);  // RULE_ID: everything about one rule

// Keys and signed bundles.
int Keygen(const Args& args);   // --out PREFIX: PREFIX.key (private, 0600) and PREFIX.pub
int Build(const Args& args);    // PACK_DIR --key KEY --version N --out FILE (sign included)
int Verify(const Args& args);   // BUNDLE --trusted DIR [--active-version N]
int Diff(const Args& args);     // OLD NEW: rules added, removed, changed

}  // namespace dlp::rules_tool

#endif  // DLP_RULES_TOOL_COMMANDS_H_
