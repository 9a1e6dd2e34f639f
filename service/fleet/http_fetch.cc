#include "fleet/http_fetch.h"

#include <curl/curl.h>

#include <cstdio>
#include <memory>

namespace dlp::fleet {
namespace {

struct Sink {
  FILE* file = nullptr;
  int64_t bytes = 0, max_bytes = 0;
  bool too_large = false;
};

size_t WriteBody(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t len = size * n;
  if (sink->bytes + static_cast<int64_t>(len) > sink->max_bytes) {
    sink->too_large = true;
    return 0;  // makes curl fail with CURLE_WRITE_ERROR
  }
  sink->bytes += static_cast<int64_t>(len);
  return std::fwrite(data, 1, len, sink->file);
}

int Progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancel = static_cast<const std::atomic<bool>*>(user);
  return cancel && cancel->load() ? 1 : 0;  // non-zero aborts the transfer
}

std::string Header(CURL* h, const char* name) {
  curl_header* hdr = nullptr;
  if (curl_easy_header(h, name, 0, CURLH_HEADER, -1, &hdr) != CURLHE_OK || !hdr) return "";
  return hdr->value;
}

}  // namespace

void GlobalInit() { curl_global_init(CURL_GLOBAL_DEFAULT); }

Status Fetch(const FetchRequest& req, const std::string& out_path, FetchResult* result) {
  *result = FetchResult();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h(curl_easy_init(), curl_easy_cleanup);
  if (!h) return Status::Internal("curl_easy_init failed");
  Sink sink;
  sink.max_bytes = req.max_bytes;
  sink.file = std::fopen(out_path.c_str(), "wb");
  if (!sink.file) return Status::IOError("cannot write " + out_path);

  const bool is_file = req.url.rfind("file://", 0) == 0;
  const bool is_http = req.url.rfind("http://", 0) == 0;
  CURL* c = h.get();
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http,file");
  // Follow a few redirects, never from https down to http.
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, is_http ? "https,http" : "https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(req.timeout_s));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
  curl_easy_setopt(c, CURLOPT_FAILONERROR, 0L);  // we read the status ourselves
  curl_easy_setopt(c, CURLOPT_USERAGENT, "dlp-agentd/0.1 (bundle updater)");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, Progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(req.cancel));
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!req.ca_file.empty()) {
    // A pinned CA replaces the system store entirely: the default CA directory is switched off
    // too, or a certificate from any public CA would still pass.
    curl_easy_setopt(c, CURLOPT_CAINFO, req.ca_file.c_str());
    curl_easy_setopt(c, CURLOPT_CAPATH, nullptr);
  }
  curl_slist* headers = nullptr;
  if (!is_file) {
    if (!req.etag.empty()) headers = curl_slist_append(headers, ("If-None-Match: " + req.etag).c_str());
    if (!req.last_modified.empty())
      headers = curl_slist_append(headers, ("If-Modified-Since: " + req.last_modified).c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  }

  CURLcode rc = curl_easy_perform(c);
  std::fclose(sink.file);
  curl_slist_free_all(headers);
  result->bytes = sink.bytes;
  if (rc != CURLE_OK) {
    std::string why = sink.too_large ? "larger than " + std::to_string(req.max_bytes) + " bytes"
                      : rc == CURLE_ABORTED_BY_CALLBACK ? std::string("cancelled")
                      : *error ? std::string(error) : std::string(curl_easy_strerror(rc));
    return Status::IOError(req.url + ": " + why);
  }
  if (is_file) return Status::OK();
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &result->http_code);
  if (result->http_code == 304) {
    result->not_modified = true;
    result->etag = req.etag;
    result->last_modified = req.last_modified;
    return Status::OK();
  }
  if (result->http_code != 200)
    return Status::IOError(req.url + ": HTTP status " + std::to_string(result->http_code));
  result->etag = Header(c, "ETag");
  result->last_modified = Header(c, "Last-Modified");
  return Status::OK();
}

}  // namespace dlp::fleet
