// Tests of the served-certificate inspection (ParseCertificatePem,
// CertificateCoversHost, JudgeServedCertificate) and of the libcurl
// HttpsProber against a real TLS server on 127.0.0.1 (tls_test_server.h).

#include "platformctl/https_probe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <ctime>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "test_util.h"
#include "tls_test_server.h"

namespace platformctl {
namespace {

using testing::CaSpec;
using testing::CertificateSpec;
using testing::LeafSpec;
using testing::MakeCertificate;
using testing::TestCertificate;
using testing::TlsTestServer;

constexpr std::int64_t kDay = 86400;
constexpr const char* kHost = "hello.test.local";
constexpr const char* kRedirect =
    "HTTP/1.1 302 Found\r\n"
    "Location: https://oauth.test.local/oauth2/start?rd=https%3A%2F%2Fhello.test.local%2F\r\n"
    "Content-Length: 0\r\n"
    "Connection: close\r\n"
    "\r\n";
constexpr const char* kOk =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n"
    "\r\nhello";

std::int64_t Now() { return static_cast<std::int64_t>(std::time(nullptr)); }

TlsCertificate Parse(const std::string& pem) {
  std::string error;
  std::optional<TlsCertificate> cert = ParseCertificatePem(pem, &error);
  EXPECT_TRUE(cert.has_value()) << error;
  return cert.value_or(TlsCertificate{});
}

CertificateSpec Validity(CertificateSpec spec, std::int64_t not_before_offset,
                         std::int64_t not_after_offset) {
  spec.not_before_offset = not_before_offset;
  spec.not_after_offset = not_after_offset;
  return spec;
}

CertificateSpec FakeIngressSpec() {
  CertificateSpec spec =
      LeafSpec("Kubernetes Ingress Controller Fake Certificate", {"ingress.local"});
  spec.subject_o = "Acme Co";
  return spec;
}

/// The certificates of the tests, made once (key generation is the slow part).
struct Certificates {
  TestCertificate staging_ca =
      MakeCertificate(CaSpec("(STAGING) Pseudo Plum E5", "(STAGING) Let's Encrypt", "US"));
  TestCertificate prod_ca = MakeCertificate(CaSpec("E5", "Let's Encrypt", "US"));
  TestCertificate good = MakeCertificate(LeafSpec(kHost, {kHost}), &staging_ca);
  TestCertificate expired =
      MakeCertificate(Validity(LeafSpec(kHost, {kHost}), -91 * kDay, -kDay), &staging_ca);
  TestCertificate wrong_san = MakeCertificate(LeafSpec(kHost, {"other.test.local"}), &staging_ca);
  TestCertificate expiring =
      MakeCertificate(Validity(LeafSpec(kHost, {kHost}), -kDay, 5 * kDay), &staging_ca);
  TestCertificate prod = MakeCertificate(LeafSpec(kHost, {kHost}), &prod_ca);
  TestCertificate self_signed = MakeCertificate(FakeIngressSpec());
  TestCertificate self_signed_host = MakeCertificate(LeafSpec(kHost, {kHost}));
};

const Certificates& Certs() {
  static const Certificates* certs = new Certificates();  // never destroyed: no exit-order issues
  return *certs;
}

HttpsProbeRequest LocalRequest(int port) {
  HttpsProbeRequest request;
  request.host = kHost;
  request.connect_address = "127.0.0.1";
  request.port = port;
  request.path = "/";
  request.timeout_ms = 5000;
  return request;
}

/// Serves `cert` (with its CA after it) and probes it as hello.test.local.
HttpsProbeResult ProbeServing(const TestCertificate& cert, const TestCertificate* ca,
                              const char* response = kOk) {
  TlsTestServer server(cert.cert_pem + (ca != nullptr ? ca->cert_pem : ""), cert.key_pem, response);
  HttpsProbeResult result = MakeCurlHttpsProber()->Probe(LocalRequest(server.port()));
  EXPECT_EQ(server.connections(), 1);
  return result;
}

// ---- CertificateCoversHost --------------------------------------------------

TlsCertificate WithNames(std::vector<std::string> names) {
  TlsCertificate cert;
  cert.dns_names = std::move(names);
  return cert;
}

TEST(CertificateCoversHostTest, WildcardIsOneWholeLeftMostLabel) {
  const TlsCertificate cert = WithNames({"*.example.com"});
  EXPECT_TRUE(CertificateCoversHost(cert, "a.example.com"));
  EXPECT_TRUE(CertificateCoversHost(cert, "A.Example.COM"));
  EXPECT_FALSE(CertificateCoversHost(cert, "a.b.example.com"));
  EXPECT_FALSE(CertificateCoversHost(cert, "example.com"));
  EXPECT_FALSE(CertificateCoversHost(cert, ".example.com"));
  EXPECT_FALSE(CertificateCoversHost(cert, "aexample.com"));
  EXPECT_FALSE(CertificateCoversHost(WithNames({"*.com"}), "example.com"));
  EXPECT_FALSE(CertificateCoversHost(WithNames({"a*.example.com"}), "ab.example.com"));
  EXPECT_FALSE(CertificateCoversHost(WithNames({"*a.example.com"}), "ba.example.com"));
  EXPECT_FALSE(CertificateCoversHost(WithNames({"a.*.example.com"}), "a.b.example.com"));
}

TEST(CertificateCoversHostTest, ExactNamesCaseInsensitiveAndTrailingDot) {
  const TlsCertificate cert = WithNames({"ingress.local", "Hello.Test.Local"});
  EXPECT_TRUE(CertificateCoversHost(cert, "hello.test.local"));
  EXPECT_TRUE(CertificateCoversHost(cert, "HELLO.test.local."));
  EXPECT_TRUE(CertificateCoversHost(cert, "ingress.local"));
  EXPECT_FALSE(CertificateCoversHost(cert, "other.test.local"));
  EXPECT_FALSE(CertificateCoversHost(cert, ""));
  EXPECT_FALSE(CertificateCoversHost(WithNames({}), "hello.test.local"));
}

TEST(CertificateCoversHostTest, NoFallbackToTheSubjectCommonName) {
  const TlsCertificate cert = Parse(MakeCertificate(LeafSpec(kHost, {})).cert_pem);
  EXPECT_EQ(cert.subject, "CN=hello.test.local");
  EXPECT_TRUE(cert.dns_names.empty());
  EXPECT_FALSE(CertificateCoversHost(cert, kHost));
}

// ---- ParseCertificatePem ------------------------------------------------------

TEST(ParseCertificatePemTest, ReadsTheFieldsOfACaSignedLeaf) {
  const std::int64_t before = Now();
  const TlsCertificate cert = Parse(Certs().good.cert_pem);
  EXPECT_EQ(cert.subject, "CN=hello.test.local");
  EXPECT_EQ(cert.issuer, "CN=(STAGING) Pseudo Plum E5,O=(STAGING) Let's Encrypt,C=US");
  EXPECT_EQ(cert.issuer_cn, "(STAGING) Pseudo Plum E5");
  EXPECT_EQ(cert.issuer_o, "(STAGING) Let's Encrypt");
  EXPECT_FALSE(cert.self_signed);
  EXPECT_EQ(cert.dns_names, std::vector<std::string>{kHost});
  // Made with now - 1 h .. now + 90 days; allow for the seconds the suite took.
  EXPECT_NEAR(static_cast<double>(cert.not_before), static_cast<double>(before - 3600), 600);
  EXPECT_NEAR(static_cast<double>(cert.not_after), static_cast<double>(before + 90 * kDay), 600);
  EXPECT_EQ(cert.pem, Certs().good.cert_pem);
}

TEST(ParseCertificatePemTest, SelfSignedAndSeveralNames) {
  const TlsCertificate fake = Parse(Certs().self_signed.cert_pem);
  EXPECT_TRUE(fake.self_signed);
  EXPECT_EQ(fake.issuer, "CN=Kubernetes Ingress Controller Fake Certificate,O=Acme Co");
  EXPECT_EQ(fake.issuer, fake.subject);
  EXPECT_EQ(fake.issuer_o, "Acme Co");
  EXPECT_TRUE(Parse(Certs().staging_ca.cert_pem).self_signed);  // a root is self-signed

  const TlsCertificate multi =
      Parse(MakeCertificate(LeafSpec("", {"a.test.local", "*.apps.test.local"})).cert_pem);
  EXPECT_EQ(multi.subject, "");
  EXPECT_EQ(multi.issuer_cn, "");
  EXPECT_EQ(multi.dns_names, (std::vector<std::string>{"a.test.local", "*.apps.test.local"}));
}

TEST(ParseCertificatePemTest, TakesTheFirstCertificateOfAChain) {
  const TlsCertificate cert = Parse(Certs().good.cert_pem + Certs().staging_ca.cert_pem);
  EXPECT_EQ(cert.subject, "CN=hello.test.local");
  EXPECT_EQ(cert.pem, Certs().good.cert_pem);
}

TEST(ParseCertificatePemTest, GarbageIsAnError) {
  std::string error;
  EXPECT_FALSE(ParseCertificatePem("hello", &error).has_value());
  EXPECT_NE(error.find("not a PEM certificate"), std::string::npos) << error;
  error.clear();
  EXPECT_FALSE(
      ParseCertificatePem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", &error)
          .has_value());
  EXPECT_NE(error.find("cannot parse"), std::string::npos) << error;
  EXPECT_FALSE(ParseCertificatePem("", nullptr).has_value());  // a null error is allowed
}

// ---- JudgeServedCertificate ---------------------------------------------------

constexpr std::int64_t k20261130T10 = 1796032800;  // 2026-11-30T10:00:00Z

TlsCertificate StagingCert() {
  TlsCertificate cert;
  cert.issuer = "CN=(STAGING) Pseudo Plum E5,O=(STAGING) Let's Encrypt,C=US";
  cert.issuer_cn = "(STAGING) Pseudo Plum E5";
  cert.issuer_o = "(STAGING) Let's Encrypt";
  cert.not_before = k20261130T10 - 60 * kDay;
  cert.not_after = k20261130T10;
  cert.dns_names = {"hello.example.com"};
  return cert;
}

TEST(JudgeServedCertificateTest, Sentences) {
  const TlsCertificate cert = StagingCert();
  const auto judge = [](const TlsCertificate& c, ExpectedIssuer e, std::int64_t now) {
    return JudgeServedCertificate(c, e, "hello.example.com", now);
  };
  constexpr ExpectedIssuer kStaging = ExpectedIssuer::kLetsEncryptStaging;
  EXPECT_EQ(judge(cert, kStaging, k20261130T10 - 20 * kDay), "");
  EXPECT_EQ(judge(cert, kStaging, k20261130T10 + 1),
            "certificate expired on 2026-11-30 (not after 2026-11-30T10:00:00Z)");
  EXPECT_EQ(judge(cert, kStaging, cert.not_before - 1),
            "certificate is not valid before 2026-10-01 (not before 2026-10-01T10:00:00Z)");
  EXPECT_EQ(judge(cert, kStaging, k20261130T10 - 3 * kDay),
            "certificate expires in 3 days (2026-11-30); renewal is overdue (cert-manager renews "
            "30 days before)");
  EXPECT_EQ(judge(cert, kStaging, k20261130T10 - kDay - 1),
            "certificate expires in 1 day (2026-11-30); renewal is overdue (cert-manager renews "
            "30 days before)");
  EXPECT_EQ(judge(cert, kStaging, k20261130T10 - 60),
            "certificate expires in less than a day (2026-11-30); renewal is overdue "
            "(cert-manager renews 30 days before)");
  EXPECT_EQ(
      JudgeServedCertificate(cert, kStaging, "hello.example.com", k20261130T10 - 40 * kDay, 45),
      "certificate expires in 40 days (2026-11-30); fewer than 45 days are left");

  TlsCertificate other_san = cert;
  other_san.dns_names = {"ingress.local"};
  EXPECT_EQ(judge(other_san, kStaging, k20261130T10 - 20 * kDay),
            "certificate does not cover hello.example.com (SAN: ingress.local)");
  other_san.dns_names = {};
  EXPECT_EQ(judge(other_san, kStaging, k20261130T10 - 20 * kDay),
            "certificate does not cover hello.example.com (SAN: no DNS names)");

  TlsCertificate fake = cert;
  fake.issuer = "CN=Kubernetes Ingress Controller Fake Certificate,O=Acme Co";
  fake.issuer_o = "Acme Co";
  fake.self_signed = true;
  fake.dns_names = {"ingress.local"};
  EXPECT_EQ(judge(fake, kStaging, k20261130T10 - 20 * kDay),
            "certificate is issued by 'CN=Kubernetes Ingress Controller Fake Certificate,O=Acme "
            "Co', expected a Let's Encrypt staging certificate ((STAGING) in the issuer "
            "organisation)");
  EXPECT_EQ(judge(cert, ExpectedIssuer::kLetsEncryptProd, k20261130T10 - 20 * kDay),
            "certificate is issued by 'CN=(STAGING) Pseudo Plum E5,O=(STAGING) Let's "
            "Encrypt,C=US', expected a Let's Encrypt production certificate (issuer organisation "
            "\"Let's Encrypt\")");
  EXPECT_EQ(judge(cert, ExpectedIssuer::kSelfSigned, k20261130T10 - 20 * kDay),
            "certificate is issued by 'CN=(STAGING) Pseudo Plum E5,O=(STAGING) Let's "
            "Encrypt,C=US', expected a self-signed certificate");
}

// ---- HttpsProber against a real TLS server ---------------------------------------

TEST(HttpsProbeTest, RedirectWithTheHostNameThroughTheConnectAddress) {
  const Certificates& certs = Certs();
  TlsTestServer server(certs.good.cert_pem + certs.staging_ca.cert_pem, certs.good.key_pem,
                       kRedirect);
  HttpsProbeRequest request = LocalRequest(server.port());
  request.path = "/dashboard?x=1";
  const HttpsProbeResult result = MakeCurlHttpsProber()->Probe(request);
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(result.status, 302);
  EXPECT_EQ(result.location,
            "https://oauth.test.local/oauth2/start?rd=https%3A%2F%2Fhello.test.local%2F");
  EXPECT_GT(result.seconds, 0);
  EXPECT_LT(result.seconds, 5);
  // SNI and Host are the host name, not the address connected to.
  EXPECT_EQ(server.last_sni(), kHost);
  const std::string seen = server.last_request();
  EXPECT_TRUE(seen.starts_with("GET /dashboard?x=1 HTTP/1.1\r\n")) << seen;
  EXPECT_NE(seen.find("\r\nHost: hello.test.local\r\n"), std::string::npos) << seen;

  // The leaf, not the CA served after it.
  ASSERT_TRUE(result.certificate.has_value()) << result.certificate_error;
  const TlsCertificate& cert = *result.certificate;
  EXPECT_EQ(cert.issuer_o, "(STAGING) Let's Encrypt");
  EXPECT_EQ(cert.dns_names, std::vector<std::string>{kHost});
  EXPECT_FALSE(cert.self_signed);
  EXPECT_EQ(cert.not_after, Parse(certs.good.cert_pem).not_after);
  EXPECT_EQ(cert.pem, certs.good.cert_pem);
  EXPECT_EQ(JudgeServedCertificate(cert, ExpectedIssuer::kLetsEncryptStaging, kHost, Now()), "");
}

TEST(HttpsProbeTest, OkHasNoLocationAndServesSeveralConnections) {
  const Certificates& certs = Certs();
  TlsTestServer server(certs.good.cert_pem, certs.good.key_pem, kOk);
  auto prober = MakeCurlHttpsProber();
  for (int i = 0; i < 3; ++i) {
    const HttpsProbeResult result = prober->Probe(LocalRequest(server.port()));
    ASSERT_EQ(result.error, "") << i;
    EXPECT_EQ(result.status, 200);
    EXPECT_EQ(result.location, "");
    EXPECT_TRUE(result.certificate.has_value()) << result.certificate_error;
  }
  EXPECT_EQ(server.connections(), 3);
}

TEST(HttpsProbeTest, WithoutConnectAddressTheUrlCarriesThePort) {
  const Certificates& certs = Certs();
  TlsTestServer server(certs.good.cert_pem, certs.good.key_pem, kOk);
  HttpsProbeRequest request;
  request.host = "127.0.0.1";
  request.port = server.port();
  request.timeout_ms = 5000;
  const HttpsProbeResult result = MakeCurlHttpsProber()->Probe(request);
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(result.status, 200);
  EXPECT_NE(server.last_request().find("\r\nHost: 127.0.0.1:" + std::to_string(server.port())),
            std::string::npos)
      << server.last_request();
  ASSERT_TRUE(result.certificate.has_value()) << result.certificate_error;
  EXPECT_NE(JudgeServedCertificate(*result.certificate, ExpectedIssuer::kLetsEncryptStaging,
                                   "127.0.0.1", Now())
                .find("does not cover 127.0.0.1"),
            std::string::npos);
}

TEST(HttpsProbeTest, ExpiredCertificate) {
  const HttpsProbeResult result = ProbeServing(Certs().expired, &Certs().staging_ca);
  EXPECT_EQ(result.status, 200) << result.error;  // verification is off: the GET still works
  ASSERT_TRUE(result.certificate.has_value()) << result.certificate_error;
  const std::string verdict = JudgeServedCertificate(
      *result.certificate, ExpectedIssuer::kLetsEncryptStaging, kHost, Now());
  EXPECT_TRUE(verdict.starts_with("certificate expired on ")) << verdict;
}

TEST(HttpsProbeTest, WrongSan) {
  const HttpsProbeResult result = ProbeServing(Certs().wrong_san, &Certs().staging_ca);
  EXPECT_EQ(result.status, 200) << result.error;
  ASSERT_TRUE(result.certificate.has_value()) << result.certificate_error;
  EXPECT_EQ(result.certificate->dns_names, std::vector<std::string>{"other.test.local"});
  EXPECT_EQ(JudgeServedCertificate(*result.certificate, ExpectedIssuer::kLetsEncryptStaging, kHost,
                                   Now()),
            "certificate does not cover hello.test.local (SAN: other.test.local)");
}

TEST(HttpsProbeTest, UnexpectedIssuer) {
  const HttpsProbeResult prod = ProbeServing(Certs().prod, &Certs().prod_ca);
  ASSERT_TRUE(prod.certificate.has_value()) << prod.certificate_error;
  EXPECT_EQ(prod.certificate->issuer_o, "Let's Encrypt");
  EXPECT_EQ(
      JudgeServedCertificate(*prod.certificate, ExpectedIssuer::kLetsEncryptProd, kHost, Now()),
      "");
  const std::string staging_wanted =
      JudgeServedCertificate(*prod.certificate, ExpectedIssuer::kLetsEncryptStaging, kHost, Now());
  EXPECT_NE(staging_wanted.find("issued by 'CN=E5,O=Let's Encrypt,C=US'"), std::string::npos)
      << staging_wanted;

  const HttpsProbeResult staging = ProbeServing(Certs().good, &Certs().staging_ca);
  ASSERT_TRUE(staging.certificate.has_value()) << staging.certificate_error;
  const std::string prod_wanted =
      JudgeServedCertificate(*staging.certificate, ExpectedIssuer::kLetsEncryptProd, kHost, Now());
  EXPECT_NE(prod_wanted.find("issued by"), std::string::npos) << prod_wanted;
  const std::string self_wanted =
      JudgeServedCertificate(*staging.certificate, ExpectedIssuer::kSelfSigned, kHost, Now());
  EXPECT_NE(self_wanted.find("issued by"), std::string::npos) << self_wanted;
  EXPECT_NE(self_wanted.find("expected a self-signed certificate"), std::string::npos)
      << self_wanted;
}

TEST(HttpsProbeTest, SelfSignedCertificates) {
  const HttpsProbeResult own = ProbeServing(Certs().self_signed_host, nullptr);
  ASSERT_TRUE(own.certificate.has_value()) << own.certificate_error;
  EXPECT_TRUE(own.certificate->self_signed);
  EXPECT_EQ(JudgeServedCertificate(*own.certificate, ExpectedIssuer::kSelfSigned, kHost, Now()),
            "");

  // The ingress controller's fake certificate when a staging one is expected.
  const HttpsProbeResult fake = ProbeServing(Certs().self_signed, nullptr, kRedirect);
  EXPECT_EQ(fake.status, 302) << fake.error;
  ASSERT_TRUE(fake.certificate.has_value()) << fake.certificate_error;
  EXPECT_TRUE(fake.certificate->self_signed);
  const std::string verdict =
      JudgeServedCertificate(*fake.certificate, ExpectedIssuer::kLetsEncryptStaging, kHost, Now());
  EXPECT_EQ(verdict,
            "certificate is issued by 'CN=Kubernetes Ingress Controller Fake Certificate,O=Acme "
            "Co', expected a Let's Encrypt staging certificate ((STAGING) in the issuer "
            "organisation)");
}

TEST(HttpsProbeTest, ExpiringSoon) {
  const HttpsProbeResult result = ProbeServing(Certs().expiring, &Certs().staging_ca);
  ASSERT_TRUE(result.certificate.has_value()) << result.certificate_error;
  const TlsCertificate& cert = *result.certificate;
  const std::string verdict =
      JudgeServedCertificate(cert, ExpectedIssuer::kLetsEncryptStaging, kHost, Now());
  EXPECT_TRUE(verdict.starts_with("certificate expires in 4 days") ||
              verdict.starts_with("certificate expires in 5 days"))
      << verdict;
  EXPECT_NE(verdict.find("renewal is overdue"), std::string::npos) << verdict;
  EXPECT_EQ(JudgeServedCertificate(cert, ExpectedIssuer::kLetsEncryptStaging, kHost, Now(), 3), "");
}

TEST(HttpsProbeTest, EmptyReplyStillYieldsTheCertificate) {
  const HttpsProbeResult result = ProbeServing(Certs().good, nullptr, "");
  EXPECT_EQ(result.status, 0);
  EXPECT_NE(result.error, "");
  EXPECT_NE(result.error.find("via 127.0.0.1:"), std::string::npos) << result.error;
  ASSERT_TRUE(result.certificate.has_value()) << result.certificate_error;
  EXPECT_EQ(result.certificate->dns_names, std::vector<std::string>{kHost});
}

TEST(HttpsProbeTest, ClosedPortIsATransportError) {
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

  const HttpsProbeResult result = MakeCurlHttpsProber()->Probe(LocalRequest(ntohs(addr.sin_port)));
  EXPECT_EQ(result.status, 0);
  EXPECT_NE(result.error, "");
  EXPECT_NE(result.error.find("https://hello.test.local/"), std::string::npos) << result.error;
  EXPECT_FALSE(result.certificate.has_value());
  EXPECT_NE(result.certificate_error, "");
}

TEST(HttpsProbeTest, InvalidRequests) {
  HttpsProbeRequest request = LocalRequest(0);
  EXPECT_NE(MakeCurlHttpsProber()->Probe(request).error.find("invalid port"), std::string::npos);
  request = LocalRequest(443);
  request.host.clear();
  EXPECT_NE(MakeCurlHttpsProber()->Probe(request).error, "");
}

// Through the binary: `verify --deep --only hello-web/https` against a real TLS
// server on 127.0.0.1 (VERIFY_INGRESS_ADDRESS / VERIFY_HTTPS_PORT stand for the
// ingress node and its NodePort), judged against the configured issuer.
TEST(HttpsProbeTest, VerifyCommandJudgesTheServedCertificate) {
  const Certificates& certs = Certs();
  testing::TempRepo repo;
  repo.UseExampleSecrets();
  struct Case {
    const TestCertificate* cert;
    const TestCertificate* chain;
    int exit_code;
    std::string expected;
  };
  const Case cases[] = {
      {&certs.good, &certs.staging_ca, 0, "PASS  hello-web/https  hello.test.local HTTP 302"},
      {&certs.expired, &certs.staging_ca, 1, "expired on"},
      {&certs.wrong_san, &certs.staging_ca, 1, "does not cover hello.test.local"},
      {&certs.prod, &certs.prod_ca, 1, "issued by"},
  };
  for (const auto& c : cases) {
    TlsTestServer server(c.cert->cert_pem + c.chain->cert_pem, c.cert->key_pem, kRedirect);
    SCOPED_TRACE(c.expected);
    auto r = testing::RunCli(
        {"verify", "--deep", "--only", "hello-web/https", "--set", "APP_HOST=hello.test.local",
         "--set", "OAUTH_HOST=oauth.test.local", "--set", "VERIFY_INGRESS_ADDRESS=127.0.0.1",
         "--set", "VERIFY_HTTPS_PORT=" + std::to_string(server.port())},
        repo.Root().string());
    EXPECT_EQ(r.exit_code, c.exit_code) << r.out << r.err;
    EXPECT_NE(r.out.find(c.expected), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("verify (core+deep): 0 processes"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace platformctl
