// Status: the result of a fallible call, in the style of LevelDB.
//
// No exception crosses a component boundary in this project: every public call that can fail
// returns a Status. An OK status carries no allocation; an error carries a code and a message
// that is fit to show to the person who caused it (it names the file, line or rule at fault).
//
// Thread safety: a Status is a value; distinct objects may be used from distinct threads.
#ifndef DLP_STATUS_H_
#define DLP_STATUS_H_

#include <string>
#include <string_view>
#include <utility>

namespace dlp {

class Status {
 public:
  enum class Code { kOk = 0, kInvalidArgument, kNotFound, kCorruption, kIOError, kNotSupported,
                    kResourceExhausted, kInternal };

  Status() = default;
  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {Code::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {Code::kCorruption, std::move(msg)}; }
  static Status IOError(std::string msg) { return {Code::kIOError, std::move(msg)}; }
  static Status NotSupported(std::string msg) { return {Code::kNotSupported, std::move(msg)}; }
  static Status ResourceExhausted(std::string msg) { return {Code::kResourceExhausted, std::move(msg)}; }
  static Status Internal(std::string msg) { return {Code::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "OK" or "<code name>: <message>".
  std::string ToString() const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace dlp

#endif  // DLP_STATUS_H_
