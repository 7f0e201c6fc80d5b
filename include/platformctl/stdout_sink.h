#pragma once
/// Standard output that notices write errors: a full disk or a failing
/// device is a failure (exit 1), a reader that went away (`| head`) is not.

#include <cerrno>
#include <streambuf>
#include <vector>

namespace platformctl {

/// A streambuf on a file descriptor that remembers the first write error.
/// Install it as std::cout's buffer for the whole run (main.cc).
class FdSink : public std::streambuf {
 public:
  explicit FdSink(int fd, size_t buffer_size = 1 << 16);
  FdSink(const FdSink&) = delete;
  FdSink& operator=(const FdSink&) = delete;
  ~FdSink() override;

  /// errno of the first failed write, 0 when every write succeeded.
  [[nodiscard]] int Error() const { return error_; }

 protected:
  int_type overflow(int_type ch) override;
  int sync() override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;

 private:
  bool Drain();
  int fd_;
  std::vector<char> buffer_;
  int error_ = 0;
};

/// Flushes `sink` and turns a write error into the exit code: EPIPE keeps
/// `exit_code` (quiet), any other error prints one line to stderr and
/// returns 1.
int FinishStdout(FdSink& sink, int exit_code);

}  // namespace platformctl
