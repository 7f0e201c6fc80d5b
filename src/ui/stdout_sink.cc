#include "platformctl/stdout_sink.h"

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iostream>

#include "platformctl/exit_code.h"

namespace platformctl {

FdSink::FdSink(int fd, size_t buffer_size) : fd_(fd), buffer_(buffer_size) {
  setp(buffer_.data(), buffer_.data() + buffer_.size());
}

FdSink::~FdSink() { Drain(); }

bool FdSink::Drain() {
  const char* p = pbase();
  size_t left = static_cast<size_t>(pptr() - pbase());
  while (left > 0 && error_ == 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      error_ = errno;
      break;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  // After an error the rest is dropped: nobody can read it.
  setp(buffer_.data(), buffer_.data() + buffer_.size());
  return error_ == 0;
}

FdSink::int_type FdSink::overflow(int_type ch) {
  if (!Drain()) return traits_type::eof();
  if (!traits_type::eq_int_type(ch, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(ch);
    pbump(1);
  }
  return traits_type::not_eof(ch);
}

int FdSink::sync() { return Drain() ? 0 : -1; }

std::streamsize FdSink::xsputn(const char* s, std::streamsize n) {
  std::streamsize done = 0;
  while (done < n) {
    if (error_ != 0) return done;
    std::streamsize room = epptr() - pptr();
    if (room == 0) {
      if (!Drain()) return done;
      continue;
    }
    std::streamsize chunk = std::min(room, n - done);
    std::memcpy(pptr(), s + done, static_cast<size_t>(chunk));
    pbump(static_cast<int>(chunk));
    done += chunk;
  }
  return done;
}

int FinishStdout(FdSink& sink, int exit_code) {
  sink.pubsync();
  const int err = sink.Error();
  if (err == 0 || err == EPIPE) return exit_code;
  std::cerr << "platformctl: cannot write to standard output: " << std::strerror(err) << "\n";
  return kExitFailed;
}

}  // namespace platformctl
