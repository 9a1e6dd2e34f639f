// One conditional download with libcurl: http(s):// or file://, into a file.
//
// Why libcurl: agencies distribute files with the web servers (and proxies, and CA stores) they
// already run; curl speaks to all of them the way every other package on the machine does
// (https_proxy / no_proxy from the environment, the system's CA store unless a CA is pinned).
//
// Thread safety: Fetch may run on any thread; call GlobalInit once before any thread starts.
#ifndef DLP_SERVICE_FLEET_HTTP_FETCH_H_
#define DLP_SERVICE_FLEET_HTTP_FETCH_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "dlp/status.h"

namespace dlp::fleet {

struct FetchRequest {
  std::string url;
  std::string etag;            // sent as If-None-Match when not empty
  std::string last_modified;   // sent as If-Modified-Since (the server's own string) when not empty
  std::string ca_file;         // PEM: trust only these CAs (pinning); "" = the system store
  int timeout_s = 120;         // the whole transfer
  int64_t max_bytes = 64 << 20;
  const std::atomic<bool>* cancel = nullptr;  // aborts the transfer when it becomes true
};

struct FetchResult {
  bool not_modified = false;   // 304: nothing written
  long http_code = 0;          // 0 for file://
  std::string etag, last_modified;  // of this response, for the next request
  int64_t bytes = 0;
};

// curl_global_init, once per process, before threads.
void GlobalInit();

// Downloads req.url into out_path (created or truncated). OK for 200 (body written) and 304
// (result->not_modified); IOError naming the URL and the reason otherwise (connection, TLS,
// HTTP status >= 400, over max_bytes, cancelled). The file may hold a partial body on error.
Status Fetch(const FetchRequest& req, const std::string& out_path, FetchResult* result);

}  // namespace dlp::fleet

#endif  // DLP_SERVICE_FLEET_HTTP_FETCH_H_
