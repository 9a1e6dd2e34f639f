// dlp-agentctl status / scan / history / decide / reload: one request to dlp-agentd each.
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "ctl/client.h"
#include "ctl/commands.h"
#include "ipc/framing.h"
#include "ipc/unix_socket.h"

namespace dlp::ctl {
namespace {

using nlohmann::json;

std::string Str(const json& j, const char* key, const std::string& fallback = "") {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>()
                                                                : fallback;
}

std::string Num(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_number() ? j[key].dump() : "?";
}

void PrintJson(const json& reply) {
  std::cout << reply.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
}

// Connects and sends one request; on any failure prints why and returns false.
bool Ask(const CommandLine& cl, json request, json* reply, int* exit_code) {
  std::string path = cl.socket.empty() ? ipc::DefaultSocketPath(cl.user) : cl.socket;
  AgentClient client;
  if (dlp::Status s = client.Connect(path); !s.ok()) {
    std::string msg = s.message();
    // The commonest slip: the service runs in user mode and the client looks for the system one.
    struct stat st;
    std::string user_path = ipc::DefaultSocketPath(true);
    if (cl.socket.empty() && !cl.user && user_path != path && stat(user_path.c_str(), &st) == 0)
      msg += "; a user-mode dlp-agentd listens on " + user_path + ": add --user";
    *exit_code = Fail(msg);
    return false;
  }
  if (dlp::Status s = client.Call(std::move(request), reply); !s.ok()) {
    *exit_code = Fail(s.message());
    return false;
  }
  if (!reply->contains("ok") || (*reply)["ok"] != true) {
    *exit_code = Fail(ErrorText(*reply));
    return false;
  }
  return true;
}

bool ParseInt(const std::string& text, int64_t min, int64_t max, int64_t* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || v < min || v > max) return false;
  *out = v;
  return true;
}

// Whole input, at most the service's request limit (the JSON around it is checked later).
bool ReadInput(const std::string& name, std::string* text, std::string* err) {
  std::FILE* f = name == "-" ? stdin : std::fopen(name.c_str(), "rb");
  if (f == nullptr) {
    *err = name + ": " + std::strerror(errno);
    return false;
  }
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    text->append(buf, n);
    if (text->size() > ipc::kMaxRequestBytes) {
      *err = (name == "-" ? std::string("standard input") : name) + " is larger than " +
             std::to_string(ipc::kMaxRequestBytes) +
             " bytes, the most dlp-agentd scans in one request";
      break;
    }
  }
  bool failed = std::ferror(f);
  if (f != stdin) std::fclose(f);
  if (failed && err->empty()) *err = name + ": read error";
  return err->empty();
}

bool ValidUtf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    i += len;
  }
  return true;
}

std::string Headline(const std::string& action) {
  if (action == "block") return "CHẶN (block)";
  if (action == "warn") return "CẢNH BÁO (warn)";
  if (action == "allow") return "CHO PHÉP (allow)";
  return action;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

int CmdStatus(const CommandLine& cl) {
  int rc = kExitOk;
  if (!OnlyOptions(cl, {"--json"}, &rc)) return rc;
  if (cl.words.size() != 1) return Fail("status takes no arguments");
  json r;
  if (!Ask(cl, {{"op", "status"}}, &r, &rc)) return rc;
  if (cl.flags.count("--json")) {
    PrintJson(r);
    return kExitOk;
  }
  const json b = r.value("bundle", json::object());
  std::cout << "dlp-agentd " << Str(r, "version", "?") << ", " << Str(r, "mode", "?")
            << " mode, protocol " << r.value("protocol", json::array()).dump() << ", health: "
            << Str(r, "health", "?") << "\n";
  std::cout << "socket:  " << (cl.socket.empty() ? ipc::DefaultSocketPath(cl.user) : cl.socket)
            << "\n";
  if (Str(b, "source") == "signed") {
    std::cout << "rules:   " << Str(b, "name") << " version " << Num(b, "version")
              << ", signed by key " << Str(b, "signer") << ", loaded " << Str(b, "loaded_at")
              << "\n         sha256 " << Str(b, "sha256") << "\n";
  } else {
    std::cout << "rules:   " << Str(b, "name") << " (built-in pack), loaded "
              << Str(b, "loaded_at") << "\n";
  }
  const json e = r.value("last_bundle_error", json());
  if (e.is_object())
    std::cout << "last bundle error: " << Str(e, "time") << " " << Str(e, "file") << ": "
              << Str(e, "message") << "\n";
  else
    std::cout << "last bundle error: none\n";
  std::cout << "workers: " << Num(r, "workers") << "; max request " << Num(r, "max_request_bytes")
            << " bytes; fail mode: " << Str(r, "fail_mode", "?") << "\n";
  // Fleet: rule updates and incidents to the SIEM (each line only when configured).
  const json fleet = r.value("fleet", json::object());
  const json up = fleet.is_object() ? fleet.value("updates", json()) : json();
  if (up.is_object()) {
    std::string result = Str(up, "last_result", "?");
    std::cout << "updates: " << Str(up, "source") << "\n         ";
    if (result == "disabled") {
      std::cout << "disabled: " << Str(up, "message") << "\n";
    } else {
      std::cout << "last check " << Str(up, "last_check", "not yet") << ": ";
      if (result == "not_modified") std::cout << "not modified";
      else if (result == "installed") std::cout << "new " << Str(up, "message") << " activated";
      else if (result == "refused") std::cout << "refused: " << Str(up, "message");
      else if (result == "error") std::cout << "error (" << Num(up, "consecutive_errors") << " in a row): " << Str(up, "message");
      else std::cout << result;
      std::cout << "; next check " << Str(up, "next_check", "?") << "\n";
    }
  }
  const json siem = fleet.is_object() ? fleet.value("siem", json()) : json();
  if (siem.is_object()) {
    std::cout << "siem:    " << Str(siem, "collector");
    if (siem.value("disabled", false)) {
      std::cout << " disabled: " << Str(siem, "last_error") << "\n";
    } else {
      std::cout << " (" << Str(siem, "format", "?") << "), "
                << (siem.value("connected", false) ? "connected" : "not connected") << ", backlog "
                << Num(siem, "backlog") << (siem.value("backlog_capped", false) ? "+" : "")
                << " incident(s); last delivery " << Str(siem, "last_delivery", "never") << "\n";
      if (!Str(siem, "last_error").empty())
        std::cout << "         last error " << Str(siem, "last_error_time") << ": "
                  << Str(siem, "last_error") << "\n";
    }
  }
  // The hooks of this user: a browser extension that is gone means paste there is unguarded.
  const json clients = r.value("clients", json::array());
  if (clients.empty()) std::cout << "clients: none has said hello\n";
  for (const auto& c : clients) {
    std::cout << "client:  " << Str(c, "client", "?");
    if (c.contains("browser")) std::cout << " (" << Str(c, "browser") << ")";
    if (c.contains("version")) std::cout << " " << Str(c, "version");
    if (c.contains("origin")) std::cout << ", " << Str(c, "origin");
    std::cout << (c.value("connected", false) ? ", connected since " + Str(c, "since")
                                              : ", gone since " + Str(c, "last_seen"))
              << "\n";
  }
  return kExitOk;
}

int CmdScan(const CommandLine& cl) {
  int rc = kExitOk;
  if (!OnlyOptions(cl, {"--channel", "--destination", "--app", "--redact", "--no-record", "--json"},
                   &rc))
    return rc;
  if (cl.words.size() > 2) return Fail("scan takes at most one FILE ('-' or none: standard input)");
  std::string input = cl.words.size() == 2 ? cl.words[1] : "-";
  std::string text, err;
  if (!ReadInput(input, &text, &err)) return Fail(err);
  if (!ValidUtf8(text))
    std::cerr << "dlp-agentctl: " << (input == "-" ? "standard input" : input)
              << " is not valid UTF-8; invalid bytes are sent as U+FFFD, so offsets refer to "
                 "the mended text\n";
  json req = {{"op", "scan"},
              {"text", std::move(text)},
              {"channel", cl.value("--channel", input == "-" ? "paste" : "file")},
              {"destination", cl.value("--destination", "public_ai")},
              {"app", cl.value("--app", "dlp-agentctl")}};
  if (cl.flags.count("--redact")) req["redact"] = true;
  if (cl.flags.count("--no-record")) req["record"] = false;
  json r;
  if (!Ask(cl, std::move(req), &r, &rc)) return rc;
  const std::string action = Str(r, "action");
  int code = action == "allow" ? 0 : action == "warn" ? 1 : action == "block" ? 2 : kExitError;
  if (code == kExitError) return Fail("dlp-agentd answered with an unknown action '" + action + "'");
  if (cl.flags.count("--json")) {
    PrintJson(r);
    return code;
  }
  const json findings = r.value("findings", json::array());
  const json justifying = r.value("justifying", json::array());
  std::cout << (input == "-" ? "<stdin>" : input) << ": " << Headline(action) << "  [đích: "
            << Str(r, "group") << ", " << findings.size() << " phát hiện";
  if (r.contains("incident")) std::cout << ", sự cố #" << r["incident"].dump();
  std::cout << "]\n";
  for (size_t i = 0; i < findings.size(); ++i) {
    const json& f = findings[i];
    bool justifies = false;
    for (const auto& j : justifying) justifies |= j.is_number() && j.get<size_t>() == i;
    std::cout << (justifies ? "  * " : "    ") << "[" << Str(f, "severity") << "] "
              << Str(f, "type") << "  " << Str(f, "name_vi", Str(f, "rule")) << "\n"
              << "      bytes " << Num(f, "start") << "-" << Num(f, "end") << "  \""
              << Str(f, "masked") << "\"  (" << Str(f, "rule") << ")\n";
  }
  std::cout << Str(r.value("message", json::object()), "vi") << "\n";
  if (r.contains("incident") && r.contains("may_override") && r["may_override"] == true) {
    std::string id = r["incident"].dump();
    std::cout << "Tiếp tục: dlp-agentctl decide " << id << " continue --reason \"...\";  hủy: "
              << "dlp-agentctl decide " << id << " cancel\n";
  }
  if (r.contains("redacted"))
    std::cout << "--- văn bản đã che (redacted) ---\n" << Str(r, "redacted") << "\n";
  return code;
}

int CmdHistory(const CommandLine& cl) {
  int rc = kExitOk;
  if (!OnlyOptions(cl, {"--limit", "--before", "--json"}, &rc)) return rc;
  if (cl.words.size() != 1) return Fail("history takes no arguments (use --limit and --before)");
  json req = {{"op", "history"}};
  int64_t v = 0;
  if (cl.values.count("--limit")) {
    if (!ParseInt(cl.value("--limit"), 1, 200, &v)) return Fail("--limit must be 1 to 200");
    req["limit"] = v;
  }
  if (cl.values.count("--before")) {
    if (!ParseInt(cl.value("--before"), 0, INT64_MAX, &v))
      return Fail("--before must be an incident id");
    req["before"] = v;
  }
  json r;
  if (!Ask(cl, std::move(req), &r, &rc)) return rc;
  if (cl.flags.count("--json")) {
    PrintJson(r);
    return kExitOk;
  }
  const json list = r.value("incidents", json::array());
  if (list.empty()) std::cout << "No incidents.\n";
  for (const auto& inc : list) {
    std::string types;
    for (const auto& t : inc.value("types", json::array()))
      if (t.is_string()) types += (types.empty() ? "" : ",") + t.get<std::string>();
    std::cout << "#" << Num(inc, "incident") << "  " << Str(inc, "time") << "  "
              << Upper(Str(inc, "action")) << "  " << Str(inc, "channel") << " -> "
              << Str(inc, "destination") << " [" << Str(inc, "group") << "]  " << types << "  \""
              << Str(inc, "masked") << "\"";
    std::string decision = Str(inc, "decision");
    if (!decision.empty()) {
      std::cout << "  decision: " << decision;
      if (!Str(inc, "justification").empty()) std::cout << " (" << Str(inc, "justification") << ")";
    }
    std::cout << "\n";
  }
  if (r.contains("next_before") && r["next_before"].is_number())
    std::cout << "More: dlp-agentctl history --before " << r["next_before"].dump() << "\n";
  return kExitOk;
}

int CmdDecide(const CommandLine& cl) {
  int rc = kExitOk;
  if (!OnlyOptions(cl, {"--reason", "--json"}, &rc)) return rc;
  if (cl.words.size() != 3)
    return Fail("usage: decide INCIDENT cancel|continue|false_alarm [--reason TEXT]");
  int64_t id = 0;
  if (!ParseInt(cl.words[1], 1, INT64_MAX, &id)) return Fail("INCIDENT must be an incident id");
  const std::string& decision = cl.words[2];
  if (decision != "cancel" && decision != "continue" && decision != "false_alarm")
    return Fail("the decision must be cancel, continue or false_alarm");
  json req = {{"op", "decide"}, {"incident", id}, {"decision", decision}};
  if (cl.values.count("--reason")) req["justification"] = cl.value("--reason");
  json r;
  if (!Ask(cl, std::move(req), &r, &rc)) return rc;
  if (cl.flags.count("--json"))
    PrintJson(r);
  else
    std::cout << "incident " << Num(r, "incident") << ": " << Str(r, "decision") << " recorded\n";
  return kExitOk;
}

int CmdReload(const CommandLine& cl) {
  int rc = kExitOk;
  if (!OnlyOptions(cl, {"--json"}, &rc)) return rc;
  if (cl.words.size() != 1) return Fail("reload takes no arguments");
  json r;
  if (!Ask(cl, {{"op", "reload"}}, &r, &rc)) return rc;
  if (cl.flags.count("--json")) {
    PrintJson(r);
    return kExitOk;
  }
  const json b = r.value("bundle", json::object());
  std::cout << (r.contains("changed") && r["changed"] == true ? "activated: " : "unchanged; active: ")
            << Str(b, "name") << " "
            << (Str(b, "source") == "signed" ? "version " + Num(b, "version") + " signed by key " +
                                                   Str(b, "signer")
                                             : std::string("(built-in pack)"))
            << "\n";
  if (r.contains("error") && r["error"].is_string())
    std::cout << "last bundle error: " << r["error"].get<std::string>() << "\n";
  return kExitOk;
}

}  // namespace dlp::ctl
