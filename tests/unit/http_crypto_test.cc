// Tests of the dlopen-loaded libcurl HttpClient and libcrypto hashing, and that
// the platformctl binary does not link either library.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "platformctl/crypto.h"
#include "platformctl/http.h"
#include "platformctl/process.h"

namespace platformctl {
namespace {

// ---- crypto -----------------------------------------------------------------

TEST(CryptoTest, Sha256KnownAnswers) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256("abc").size(), 32U);
}

TEST(CryptoTest, HmacSha256Rfc4231) {
  // Test case 1.
  EXPECT_EQ(HexEncode(HmacSha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 2: a key shorter than the output.
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than the block size is hashed first.
  EXPECT_EQ(HexEncode(HmacSha256(std::string(131, '\xaa'),
                                 "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(CryptoTest, HmacSha256EmptyKeyAndData) {
  EXPECT_EQ(HexEncode(HmacSha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(CryptoTest, HexEncode) {
  EXPECT_EQ(HexEncode(""), "");
  EXPECT_EQ(HexEncode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
}

// ---- http ---------------------------------------------------------------------

/// A one-shot HTTP/1.1 server on 127.0.0.1, an ephemeral port, in a thread.
/// It reads one request, records it, and answers with `response` (or never
/// answers when `response` is empty, to test timeouts).
class OneShotServer {
 public:
  explicit OneShotServer(std::string response) : response_(std::move(response)) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    EXPECT_GE(listen_fd_, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(listen(listen_fd_, 1), 0);
    socklen_t len = sizeof(addr);
    EXPECT_EQ(getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }

  ~OneShotServer() {
    if (thread_.joinable()) thread_.join();
    close(listen_fd_);
  }

  OneShotServer(const OneShotServer&) = delete;
  OneShotServer& operator=(const OneShotServer&) = delete;

  [[nodiscard]] std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  /// The raw request (headers and body); valid after the client returned.
  std::string Request() {
    if (thread_.joinable()) thread_.join();
    return request_;
  }

 private:
  static constexpr int kWaitMs = 5000;

  void Serve() {
    pollfd pfd{listen_fd_, POLLIN, 0};
    if (poll(&pfd, 1, kWaitMs) != 1) return;  // no client: don't hang the test
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    ReadRequest(fd);
    if (response_.empty()) {
      // Hold the connection open without answering until the client gives up.
      pollfd cfd{fd, POLLIN, 0};
      poll(&cfd, 1, kWaitMs);
    } else {
      size_t sent = 0;
      while (sent < response_.size()) {
        const ssize_t n = send(fd, response_.data() + sent, response_.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<size_t>(n);
      }
    }
    close(fd);
  }

  void ReadRequest(int fd) {
    char buffer[4096];
    size_t body_needed = std::string::npos;  // unknown until the headers are in
    while (true) {
      const size_t header_end = request_.find("\r\n\r\n");
      if (header_end != std::string::npos && body_needed == std::string::npos) {
        body_needed = 0;
        const size_t cl = request_.find("Content-Length: ");
        if (cl != std::string::npos && cl < header_end) {
          body_needed = std::stoul(request_.substr(cl + 16));
        }
        body_needed += header_end + 4;
      }
      if (body_needed != std::string::npos && request_.size() >= body_needed) return;
      pollfd pfd{fd, POLLIN, 0};
      if (poll(&pfd, 1, kWaitMs) != 1) return;
      const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
      if (n <= 0) return;
      request_.append(buffer, static_cast<size_t>(n));
    }
  }

  std::string response_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::string request_;
  std::thread thread_;
};

TEST(HttpTest, PostSendsHeadersAndBodyAndReadsResponse) {
  OneShotServer server(
      "HTTP/1.1 201 Created\r\n"
      "Content-Type: text/plain\r\n"
      "X-Reply: yes\r\n"
      "Content-Length: 5\r\n"
      "Connection: close\r\n"
      "\r\n"
      "hello");
  HttpRequest request;
  request.method = "POST";
  request.url = server.Url("/api/v1/items?dry=1");
  request.headers = {{"X-Platformctl-Test", "42"}, {"Content-Type", "application/json"}};
  request.body = R"({"name":"x"})";
  request.timeout_ms = 5000;

  const HttpResponse response = MakeCurlHttpClient()->Send(request);
  ASSERT_TRUE(response.Ok()) << response.error;
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.body, "hello");
  ASSERT_NE(response.Header("x-reply"), nullptr);
  EXPECT_EQ(*response.Header("x-reply"), "yes");
  EXPECT_EQ(response.Header("X-Absent"), nullptr);

  const std::string seen = server.Request();
  EXPECT_TRUE(seen.starts_with("POST /api/v1/items?dry=1 HTTP/1.1\r\n")) << seen;
  EXPECT_NE(seen.find("\r\nX-Platformctl-Test: 42\r\n"), std::string::npos) << seen;
  EXPECT_NE(seen.find("\r\nContent-Type: application/json\r\n"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("Expect:"), std::string::npos) << seen;
  EXPECT_TRUE(seen.ends_with("\r\n\r\n{\"name\":\"x\"}")) << seen;
}

TEST(HttpTest, GetReportsNon2xxStatusAsResponse) {
  OneShotServer server("HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope");
  HttpRequest request;
  request.url = server.Url("/missing");
  const HttpResponse response = MakeCurlHttpClient()->Send(request);
  ASSERT_TRUE(response.Ok()) << response.error;
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body, "nope");
  EXPECT_TRUE(server.Request().starts_with("GET /missing HTTP/1.1\r\n"));
}

TEST(HttpTest, BodyUpToTheLimitIsKept) {
  OneShotServer server("HTTP/1.1 200 OK\r\nContent-Length: 64\r\nConnection: close\r\n\r\n" +
                       std::string(64, 'x'));
  HttpRequest request;
  request.url = server.Url("/exact");
  request.max_body_bytes = 64;
  const HttpResponse response = MakeCurlHttpClient()->Send(request);
  ASSERT_TRUE(response.Ok()) << response.error;
  EXPECT_EQ(response.body, std::string(64, 'x'));
}

TEST(HttpTest, BodyLargerThanTheLimitIsAnError) {
  OneShotServer server("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n" +
                       std::string(5000, 'x'));
  HttpRequest request;
  request.url = server.Url("/big");
  request.max_body_bytes = 1000;
  const HttpResponse response = MakeCurlHttpClient()->Send(request);
  EXPECT_FALSE(response.Ok());
  EXPECT_EQ(response.status, 0);
  EXPECT_TRUE(response.body.empty());
  EXPECT_NE(response.error.find("response body larger than 1000 bytes"), std::string::npos)
      << response.error;
  EXPECT_NE(response.error.find(request.url), std::string::npos) << response.error;
}

TEST(HttpTest, ConnectionRefusedIsAnError) {
  // Take an ephemeral port and release it: nothing listens there afterwards.
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  close(fd);

  HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/";
  request.timeout_ms = 2000;
  const HttpResponse response = MakeCurlHttpClient()->Send(request);
  EXPECT_FALSE(response.Ok());
  EXPECT_EQ(response.status, 0);
  EXPECT_NE(response.error.find(request.url), std::string::npos) << response.error;
}

TEST(HttpTest, TimeoutIsAnError) {
  OneShotServer server("");  // accepts, reads, never answers
  HttpRequest request;
  request.url = server.Url("/slow");
  request.timeout_ms = 300;
  const HttpResponse response = MakeCurlHttpClient()->Send(request);
  EXPECT_FALSE(response.Ok());
  EXPECT_EQ(response.status, 0);
  EXPECT_NE(response.error.find("timed out"), std::string::npos) << response.error;
}

TEST(HttpTest, MissingLibcurlIsAClearError) {
  HttpRequest request;
  request.url = "http://127.0.0.1:1/";
  const HttpResponse response =
      MakeCurlHttpClient("libcurl-platformctl-does-not-exist.so.4")->Send(request);
  EXPECT_FALSE(response.Ok());
  EXPECT_EQ(response.status, 0);
  EXPECT_NE(response.error.find("cannot load libcurl-platformctl-does-not-exist.so.4"),
            std::string::npos)
      << response.error;
  EXPECT_NE(response.error.find("apt-get install libcurl4"), std::string::npos) << response.error;
}

// ---- lazy loading -------------------------------------------------------------

bool IsMapped(const std::string& library_prefix) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    if (line.find("/" + library_prefix) != std::string::npos) return true;
  }
  return false;
}

// ctest runs each test in its own process; when the whole binary runs in one
// process an earlier test may already have loaded the library.
TEST(LazyLoadTest, LibcurlIsMappedOnlyOnFirstSend) {
  if (IsMapped("libcurl.so")) GTEST_SKIP() << "an earlier test in this process loaded libcurl";
  auto client = MakeCurlHttpClient();
  EXPECT_FALSE(IsMapped("libcurl.so"));
  HttpRequest request;
  request.url = "http://127.0.0.1:1/";  // refused; loading happens anyway
  request.timeout_ms = 1000;
  (void)client->Send(request);
  EXPECT_TRUE(IsMapped("libcurl.so"));
}

// libcrypto's lazy loading is checked on the binary below: this test process
// links OpenSSL itself (tests/tls_test_server.h), so it always has libcrypto mapped.

#ifdef PLATFORMCTL_BINARY
TEST(LazyLoadTest, BinaryDoesNotLinkLibcurlOrLibcrypto) {
  ProcessResult r = RunCapture({"readelf", "-d", PLATFORMCTL_BINARY}, 30000);
  if (r.spawn_failed) GTEST_SKIP() << "no readelf";
  const std::string& dynamic = r.output;
  ASSERT_NE(dynamic.find("(NEEDED)"), std::string::npos) << dynamic;
  EXPECT_EQ(dynamic.find("libcurl"), std::string::npos) << dynamic;
  EXPECT_EQ(dynamic.find("libcrypto"), std::string::npos) << dynamic;
  EXPECT_EQ(dynamic.find("libssl"), std::string::npos) << dynamic;
}

TEST(LazyLoadTest, VersionCommandLoadsNeitherLibcurlNorLibcrypto) {
  // The dynamic loader lists every library it maps (dependencies and dlopen).
  auto runner = MakePosixProcessRunner();
  ProcessSpec spec;
  spec.argv = {PLATFORMCTL_BINARY, "version"};
  spec.env = {{"LD_DEBUG", "files"}};
  spec.timeout_ms = 30000;
  const std::string loaded = runner->Run(spec, nullptr).output;
  if (loaded.find("libc.so.6") == std::string::npos) {
    GTEST_SKIP() << "LD_DEBUG output unavailable: " << loaded;
  }
  EXPECT_EQ(loaded.find("libcurl"), std::string::npos) << loaded;
  EXPECT_EQ(loaded.find("libcrypto"), std::string::npos) << loaded;
}
#endif

}  // namespace
}  // namespace platformctl

TEST(HttpTest, CheckFetchUrlAllowsHttpsAndLoopbackHttpOnly) {
  EXPECT_EQ(platformctl::CheckFetchUrl("https://route53.amazonaws.com"), "");
  EXPECT_EQ(platformctl::CheckFetchUrl("http://127.0.0.1:8080/x"), "");
  EXPECT_EQ(platformctl::CheckFetchUrl("http://127.1.2.3/"), "");
  EXPECT_EQ(platformctl::CheckFetchUrl("http://localhost:99"), "");
  EXPECT_EQ(platformctl::CheckFetchUrl("http://[::1]:5000/"), "");
  EXPECT_NE(platformctl::CheckFetchUrl("http://checkip.amazonaws.com"), "");
  EXPECT_NE(platformctl::CheckFetchUrl("http://127.0.0.1.evil.com/"), "");
  EXPECT_NE(platformctl::CheckFetchUrl("http://user@10.0.0.1/"), "");
  EXPECT_NE(platformctl::CheckFetchUrl("http://127.0.0.1@evil.com/"), "");
  EXPECT_NE(platformctl::CheckFetchUrl("ftp://127.0.0.1/"), "");
  EXPECT_NE(platformctl::CheckFetchUrl("https://"), "");
}
