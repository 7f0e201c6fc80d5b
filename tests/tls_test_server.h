#pragma once
// Test helpers for HTTPS: certificates made with the OpenSSL API (a CA, leaves
// signed by it, self-signed ones) and a real TLS server on 127.0.0.1 with an
// ephemeral port, serving one fixed response per connection from a thread.
// Tests link OpenSSL (libssl, libcrypto) directly; the product does not.
//
//   TestCertificate ca = MakeCertificate(CaSpec("Test CA", "Test", "US"));
//   TestCertificate leaf = MakeCertificate(LeafSpec("hello.test.local", {"hello.test.local"}),
//   &ca); TlsTestServer server(leaf.cert_pem + ca.cert_pem, leaf.key_pem,
//                        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
//   ... connect to 127.0.0.1:server.port() ...

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdint>
#include <ctime>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace platformctl::testing {

// ---- certificates -----------------------------------------------------------

struct TestCertificate {
  std::string cert_pem;
  std::string key_pem;
};

struct CertificateSpec {
  std::string subject_cn;                      ///< "" = no CN
  std::string subject_o;                       ///< "" = no O
  std::string subject_c;                       ///< "" = no C
  std::vector<std::string> dns_names;          ///< subjectAltName DNS entries ("" = no SAN)
  std::int64_t not_before_offset = -3600;      ///< seconds from now
  std::int64_t not_after_offset = 90 * 86400;  ///< seconds from now
  bool is_ca = false;                          ///< basicConstraints CA:TRUE, keyCertSign
};
// (No designated initializers for CertificateSpec: GCC 12 warns about every
// omitted member with -Wextra.)

/// A server certificate for `dns_names` with subject CN `cn`.
inline CertificateSpec LeafSpec(std::string cn, std::vector<std::string> dns_names) {
  CertificateSpec spec;
  spec.subject_cn = std::move(cn);
  spec.dns_names = std::move(dns_names);
  return spec;
}

/// A CA certificate with subject CN, O and C.
inline CertificateSpec CaSpec(std::string cn, std::string o, std::string c) {
  CertificateSpec spec;
  spec.subject_cn = std::move(cn);
  spec.subject_o = std::move(o);
  spec.subject_c = std::move(c);
  spec.is_ca = true;
  return spec;
}

namespace tls_detail {

[[noreturn]] inline void Fail(const std::string& what) {
  char buffer[256] = {};
  ERR_error_string_n(ERR_get_error(), buffer, sizeof(buffer));
  throw std::runtime_error(what + ": " + buffer);
}

struct Deleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
  void operator()(SSL* p) const { SSL_free(p); }
};
template <typename T>
using Ptr = std::unique_ptr<T, Deleter>;

inline std::string ReadBio(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<size_t>(size)) : std::string();
}

inline Ptr<BIO> MemBio(const std::string& text) {
  Ptr<BIO> bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  if (!bio) Fail("BIO_new_mem_buf");
  return bio;
}

inline void AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) Fail("X509V3_EXT_conf_nid " + value);
  const int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (ok != 1) Fail("X509_add_ext");
}

inline void AddNameEntry(X509_NAME* name, const char* field, const std::string& value) {
  if (value.empty()) return;
  if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                 0) != 1) {
    Fail(std::string("X509_NAME_add_entry_by_txt ") + field);
  }
}

}  // namespace tls_detail

/// A fresh P-256 key and a certificate for it, signed by `issuer` (self-signed
/// when null). Throws std::runtime_error on OpenSSL failures.
inline TestCertificate MakeCertificate(const CertificateSpec& spec,
                                       const TestCertificate* issuer = nullptr) {
  using tls_detail::Fail;
  using tls_detail::Ptr;
  static std::atomic<long> serial{1000};

  Ptr<EVP_PKEY> key(EVP_EC_gen("P-256"));
  if (!key) Fail("EVP_EC_gen");
  Ptr<X509> cert(X509_new());
  if (!cert) Fail("X509_new");
  X509_set_version(cert.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  const std::time_t now = std::time(nullptr);
  if (ASN1_TIME_set(X509_getm_notBefore(cert.get()),
                    static_cast<std::time_t>(now + spec.not_before_offset)) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert.get()),
                    static_cast<std::time_t>(now + spec.not_after_offset)) == nullptr) {
    Fail("ASN1_TIME_set");
  }
  X509_NAME* subject = X509_get_subject_name(cert.get());
  tls_detail::AddNameEntry(subject, "C", spec.subject_c);
  tls_detail::AddNameEntry(subject, "O", spec.subject_o);
  tls_detail::AddNameEntry(subject, "CN", spec.subject_cn);
  if (X509_set_pubkey(cert.get(), key.get()) != 1) Fail("X509_set_pubkey");

  Ptr<X509> issuer_cert;
  Ptr<EVP_PKEY> issuer_key;
  if (issuer != nullptr) {
    Ptr<BIO> cert_bio = tls_detail::MemBio(issuer->cert_pem);
    issuer_cert.reset(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
    Ptr<BIO> key_bio = tls_detail::MemBio(issuer->key_pem);
    issuer_key.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
    if (!issuer_cert || !issuer_key) Fail("reading the issuer");
  }
  X509* signer_cert = issuer != nullptr ? issuer_cert.get() : cert.get();
  EVP_PKEY* signer_key = issuer != nullptr ? issuer_key.get() : key.get();
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(signer_cert)) != 1) {
    Fail("X509_set_issuer_name");
  }
  if (spec.is_ca) {
    tls_detail::AddExtension(cert.get(), signer_cert, NID_basic_constraints, "critical,CA:TRUE");
    tls_detail::AddExtension(cert.get(), signer_cert, NID_key_usage,
                             "critical,keyCertSign,cRLSign,digitalSignature");
  } else {
    tls_detail::AddExtension(cert.get(), signer_cert, NID_basic_constraints, "critical,CA:FALSE");
    tls_detail::AddExtension(cert.get(), signer_cert, NID_key_usage,
                             "critical,digitalSignature,keyEncipherment");
    tls_detail::AddExtension(cert.get(), signer_cert, NID_ext_key_usage, "serverAuth");
  }
  tls_detail::AddExtension(cert.get(), signer_cert, NID_subject_key_identifier, "hash");
  tls_detail::AddExtension(cert.get(), signer_cert, NID_authority_key_identifier, "keyid:always");
  if (!spec.dns_names.empty()) {
    std::string san;
    for (const std::string& name : spec.dns_names) san += (san.empty() ? "DNS:" : ",DNS:") + name;
    tls_detail::AddExtension(cert.get(), signer_cert, NID_subject_alt_name, san);
  }
  if (X509_sign(cert.get(), signer_key, EVP_sha256()) <= 0) Fail("X509_sign");

  TestCertificate out;
  Ptr<BIO> cert_out(BIO_new(BIO_s_mem()));
  Ptr<BIO> key_out(BIO_new(BIO_s_mem()));
  if (!cert_out || !key_out || PEM_write_bio_X509(cert_out.get(), cert.get()) != 1 ||
      PEM_write_bio_PrivateKey(key_out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
          1) {
    Fail("PEM_write_bio");
  }
  out.cert_pem = tls_detail::ReadBio(cert_out.get());
  out.key_pem = tls_detail::ReadBio(key_out.get());
  return out;
}

// ---- server -----------------------------------------------------------------

/// A TLS server on 127.0.0.1, an ephemeral port, in a thread. For each
/// connection it completes the handshake, reads the request head, sends
/// `response` verbatim and closes. `cert_pem` is the leaf certificate,
/// optionally followed by chain certificates, which are served after it.
/// Stops (and joins) in the destructor. Throws std::runtime_error when it
/// cannot start.
class TlsTestServer {
 public:
  TlsTestServer(const std::string& cert_pem, const std::string& key_pem, std::string response)
      : response_(std::move(response)) {
    ctx_.reset(SSL_CTX_new(TLS_server_method()));
    if (!ctx_) tls_detail::Fail("SSL_CTX_new");
    LoadCertificates(cert_pem, key_pem);

    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) throw std::runtime_error("socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        listen(listen_fd_, 16) != 0 ||
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
        pipe2(wake_, O_CLOEXEC) != 0) {
      close(listen_fd_);
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }

  ~TlsTestServer() {
    const char byte = 'x';
    (void)!write(wake_[1], &byte, 1);
    if (thread_.joinable()) thread_.join();
    close(listen_fd_);
    close(wake_[0]);
    close(wake_[1]);
  }

  TlsTestServer(const TlsTestServer&) = delete;
  TlsTestServer& operator=(const TlsTestServer&) = delete;

  [[nodiscard]] int port() const { return port_; }

  /// Connections whose handshake completed.
  [[nodiscard]] int connections() const { return connections_.load(); }

  /// The request head of the last handshaken connection ("GET / HTTP/1.1\r\n...").
  [[nodiscard]] std::string last_request() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return last_request_;
  }

  /// The SNI host name of the last handshaken connection ("" when none was sent).
  [[nodiscard]] std::string last_sni() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return last_sni_;
  }

 private:
  static constexpr int kIoTimeoutSeconds = 5;  // a stuck client cannot hang the destructor long

  void LoadCertificates(const std::string& cert_pem, const std::string& key_pem) {
    tls_detail::Ptr<BIO> certs = tls_detail::MemBio(cert_pem);
    tls_detail::Ptr<X509> leaf(PEM_read_bio_X509(certs.get(), nullptr, nullptr, nullptr));
    if (!leaf || SSL_CTX_use_certificate(ctx_.get(), leaf.get()) != 1) {
      tls_detail::Fail("server certificate");
    }
    while (X509* extra = PEM_read_bio_X509(certs.get(), nullptr, nullptr, nullptr)) {
      if (SSL_CTX_add0_chain_cert(ctx_.get(), extra) != 1) {
        X509_free(extra);
        tls_detail::Fail("SSL_CTX_add0_chain_cert");
      }
    }
    ERR_clear_error();  // the end of the PEM stream
    tls_detail::Ptr<BIO> key_bio = tls_detail::MemBio(key_pem);
    tls_detail::Ptr<EVP_PKEY> key(
        PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
    if (!key || SSL_CTX_use_PrivateKey(ctx_.get(), key.get()) != 1 ||
        SSL_CTX_check_private_key(ctx_.get()) != 1) {
      tls_detail::Fail("server key");
    }
  }

  void Serve() {
    // A client that hangs up early must not kill the test with SIGPIPE: block
    // it in this thread, so writes fail with EPIPE instead.
    sigset_t pipe_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, nullptr);
    while (true) {
      pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
      if (poll(fds, 2, -1) < 0) continue;
      if ((fds[1].revents & POLLIN) != 0) return;
      if ((fds[0].revents & POLLIN) == 0) continue;
      const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      Handle(fd);
      close(fd);
    }
  }

  void Handle(int fd) {
    timeval timeout{kIoTimeoutSeconds, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
    tls_detail::Ptr<SSL> ssl(SSL_new(ctx_.get()));
    if (!ssl || SSL_set_fd(ssl.get(), fd) != 1 || SSL_accept(ssl.get()) != 1) {
      ERR_clear_error();
      return;
    }
    std::string request;
    char buffer[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      const int n = SSL_read(ssl.get(), buffer, sizeof(buffer));
      if (n <= 0) break;
      request.append(buffer, static_cast<size_t>(n));
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const char* sni = SSL_get_servername(ssl.get(), TLSEXT_NAMETYPE_host_name);
      last_sni_ = sni != nullptr ? sni : "";
      last_request_ = request;
    }
    ++connections_;
    size_t sent = 0;
    while (sent < response_.size()) {
      size_t n = 0;
      if (SSL_write_ex(ssl.get(), response_.data() + sent, response_.size() - sent, &n) != 1) {
        break;
      }
      sent += n;
    }
    SSL_shutdown(ssl.get());
    ERR_clear_error();
  }

  std::string response_;
  tls_detail::Ptr<SSL_CTX> ctx_;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  int port_ = 0;
  std::atomic<int> connections_{0};
  mutable std::mutex mutex_;
  std::string last_request_;
  std::string last_sni_;
  std::thread thread_;
};

}  // namespace platformctl::testing
