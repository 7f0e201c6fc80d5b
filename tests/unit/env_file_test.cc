// Tests for the env-file parser (src/config/env_file.cc) and Diagnostics.
// Grammar: docs/manual.md, section "Env-file grammar".

#include "platformctl/env_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "platformctl/diagnostics.h"

namespace platformctl {
namespace {

// Renders a template's structure: literals as "text" (newline as <NL>),
// references as ${NAME} or ${NAME:-<fallback>}, joined by " + ".
std::string Dump(const ValueTemplate& t) {
  if (t.segments.empty()) return "<empty>";
  std::string out;
  for (const ValueSegment& seg : t.segments) {
    if (!out.empty()) out += " + ";
    if (seg.kind == ValueSegment::Kind::kLiteral) {
      out += '"';
      for (char c : seg.text) {
        if (c == '\n') {
          out += "<NL>";
        } else {
          out += c;
        }
      }
      out += '"';
    } else {
      out += "${" + seg.text;
      if (seg.fallback) out += ":-" + Dump(*seg.fallback);
      out += "}";
    }
  }
  return out;
}

std::string AllDiags(const Diagnostics& diags) {
  std::string out;
  for (const Diagnostic& d : diags.Items()) out += Diagnostics::Format(d) + "\n";
  return out;
}

// ---------------------------------------------------------------------------
// Accepted values: the structure of `K=<rhs>`.

struct GoodCase {
  std::string_view rhs;
  std::string_view want;  // Dump() of the value
};

class GoodValueTest : public ::testing::TestWithParam<GoodCase> {};

TEST_P(GoodValueTest, ParsesInFileAndAlone) {
  const GoodCase& c = GetParam();
  Diagnostics diags;
  EnvFile file = ParseEnvFile("K=" + std::string(c.rhs) + "\n", "t.env", diags);
  EXPECT_TRUE(diags.Empty()) << c.rhs << "\n" << AllDiags(diags);
  ASSERT_EQ(file.assignments.size(), 1U) << c.rhs;
  EXPECT_EQ(file.assignments[0].key, "K");
  EXPECT_EQ(Dump(file.assignments[0].value), c.want) << c.rhs;

  // ParseEnvValue follows the same rules.
  Diagnostics value_diags;
  ValueTemplate value = ParseEnvValue(c.rhs, SourceLoc{"--set K"}, value_diags);
  EXPECT_TRUE(value_diags.Empty()) << c.rhs << "\n" << AllDiags(value_diags);
  EXPECT_EQ(Dump(value), c.want) << c.rhs;
}

// clang-format off
const GoodCase kGoodCases[] = {
    // Unquoted.
    {"value", R"("value")"},
    {"", "<empty>"},
    {"value  # comment", R"("value")"},
    {"value\t# comment", R"("value")"},
    {"value   ", R"("value")"},
    {"   ", "<empty>"},
    {" # only a comment", "<empty>"},
    {"a#b", R"("a#b")"},
    {"#x", R"("#x")"},
    {"=x", R"("=x")"},
    {"a=~", R"("a=~")"},
    {"x~", R"("x~")"},
    {"https://acme-v02.api.letsencrypt.org/directory",
     R"("https://acme-v02.api.letsencrypt.org/directory")"},
    {"*?[]{}!%^+,.@", R"("*?[]{}!%^+,.@")"},
    {"a\\ b", R"("a b")"},
    {"\\$HOME", R"("$HOME")"},
    {"a\\\\b", R"("a\b")"},
    {"\\~", R"("~")"},
    {"a\\;b", R"("a;b")"},
    {"\xE6\x97\xA5\xE6\x9C\xAC", "\"\xE6\x97\xA5\xE6\x9C\xAC\""},
    {"a\rb", "\"a\rb\""},
    // Single quotes: everything literal.
    {"'a $B \"c\" `d` \\n'", R"("a $B "c" `d` \n")"},
    {"''", "<empty>"},
    {"'~/x'", R"("~/x")"},
    {"'a b'  # c", R"("a b")"},
    // Double quotes.
    {R"("a b c")", R"("a b c")"},
    {R"("")", "<empty>"},
    {R"("x\"y\\z\$w\nv")", R"("x"y\z$w<NL>v")"},
    {R"("a\qb\'")", R"("a\qb\'")"},
    {R"("\`")", R"("`")"},
    {R"("a#b" # c)", R"("a#b")"},
    {R"("it's")", R"("it's")"},
    {"\"a\tb\"", "\"a\tb\""},
    {R"~("~/x;a|b&c<d>(e)")~", R"~("~/x;a|b&c<d>(e)")~"},
    {R"("$")", R"("$")"},
    {R"("a$'b")", R"("a$'b")"},
    {R"("${A}")", "${A}"},
    {R"("pre $A post")", R"("pre " + ${A} + " post")"},
    // Concatenation of adjacent parts merges literals.
    {R"(a"b c"'d')", R"("ab cd")"},
    {R"("a"$B'c')", R"("a" + ${B} + "c")"},
    {R"("a"#b)", R"("a#b")"},
    // References.
    {"oauth.${BASE_DOMAIN}", R"("oauth." + ${BASE_DOMAIN})"},
    {"$A$B", "${A} + ${B}"},
    {"$A.b", R"(${A} + ".b")"},
    {"$A_B1-x", R"(${A_B1} + "-x")"},
    {"${A}${B}", "${A} + ${B}"},
    {"$", R"("$")"},
    {"a$/b", R"("a$/b")"},
    {"a$ # c", R"("a$")"},
    {"${_x9}", "${_x9}"},
    // Fallbacks.
    {"${A:-def}", R"(${A:-"def"})"},
    {"${A:-}", "${A:-<empty>}"},
    {"${A:-x${B}y}", R"(${A:-"x" + ${B} + "y"})"},
    {"${A:-${B:-z}}", R"(${A:-${B:-"z"}})"},
    {"${A:-$B}", "${A:-${B}}"},
    {"${A:-a b}", R"(${A:-"a b"})"},
    {"${A:-a;b#c}", R"(${A:-"a;b#c"})"},
    {"${A:-{x}y}", R"(${A:-"{x"} + "y}")"},
    {"${A:-$}", R"(${A:-"$"})"},
    {"${A:-\\}}", R"(${A:-"}"})"},
    {"${A:-\\'}", R"(${A:-"'"})"},
    {"${A:-x~}", R"(${A:-"x~"})"},
    {R"("${A:-'q'}")", R"(${A:-"'q'"})"},
    {R"("${A:-\}}")", R"(${A:-"}"})"},
    {R"("${A:-\\}")", R"(${A:-"\"})"},
    {R"("${A:-\"}")", R"(${A:-"""})"},
    {R"("${A:-\'}")", R"(${A:-"\'"})"},
    {R"("${A:-a\nb}")", R"(${A:-"a<NL>b"})"},
    {R"("${A:-~}")", R"(${A:-"~"})"},
    {R"("${A:-x:~}")", R"(${A:-"x:~"})"},
    {R"(x"${A:-a b}"y)", R"("x" + ${A:-"a b"} + "y")"},
};
// clang-format on

INSTANTIATE_TEST_SUITE_P(EnvFile, GoodValueTest, ::testing::ValuesIn(kGoodCases),
                         [](const auto& param_info) {
                           return "good" + std::to_string(param_info.index);
                         });

// ---------------------------------------------------------------------------
// Rejected lines: exact column, message and hint.

struct BadCase {
  std::string_view line;
  int col;
  std::string_view message;  // substring of the message
  std::string_view hint;     // substring of the hint
};

class BadLineTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadLineTest, ReportsLineColumnAndHint) {
  const BadCase& c = GetParam();
  Diagnostics diags;
  // The bad line is line 2, between two good ones.
  std::string text = "BEFORE=1\n" + std::string(c.line) + "\nAFTER=2\n";
  EnvFile file = ParseEnvFile(text, "dir/t.env", diags);
  ASSERT_EQ(diags.Items().size(), 1U) << c.line << "\n" << AllDiags(diags);
  const Diagnostic& d = diags.Items()[0];
  EXPECT_EQ(d.severity, Severity::kError);
  EXPECT_EQ(d.loc.file, "dir/t.env");
  EXPECT_EQ(d.loc.line, 2) << c.line;
  EXPECT_EQ(d.loc.col, c.col) << c.line << "\n" << Diagnostics::Format(d);
  EXPECT_NE(d.message.find(c.message), std::string::npos) << c.line << "\n" << d.message;
  EXPECT_NE(d.hint.find(c.hint), std::string::npos) << c.line << "\n" << d.hint;
  // The bad line is skipped; parsing continued.
  ASSERT_EQ(file.assignments.size(), 2U);
  EXPECT_EQ(file.assignments[0].key, "BEFORE");
  EXPECT_EQ(file.assignments[1].key, "AFTER");
  EXPECT_EQ(file.assignments[1].loc.line, 3);
}

constexpr std::string_view kNoCommands =
    "platformctl never runs commands from env files; put the literal value";
constexpr std::string_view kOnlyBraced = "only ${NAME} and ${NAME:-default} are supported";

// clang-format off
const BadCase kBadCases[] = {
    // Command substitution and arithmetic: never executed, always rejected.
    {"K=$(id)", 3, "command substitution '$(...)' is not allowed", kNoCommands},
    {"K=`id`", 3, "backticks", kNoCommands},
    {"K=a`id`", 4, "backticks", kNoCommands},
    {R"~(K="a $(id)")~", 6, "command substitution", kNoCommands},
    {R"(K="a `id`")", 6, "backticks", kNoCommands},
    {"K=${A:-$(id)}", 8, "command substitution", kNoCommands},
    {"K=${A:-`id`}", 8, "backticks", kNoCommands},
    {R"~(K="${A:-$(id)}")~", 9, "command substitution", kNoCommands},
    {"K=$((1+2))", 3, "arithmetic expansion", "put the literal value"},
    {R"~(K="$((1+2))")~", 4, "arithmetic expansion", "put the literal value"},
    // Unterminated quotes (multi-line values are not supported).
    {"K='abc", 3, "unterminated single quote", "close the quote on the same line"},
    {"K=x'abc", 4, "unterminated single quote", "multi-line values are not supported"},
    {R"(K="abc)", 3, "unterminated double quote", "close the quote on the same line"},
    {R"(K="abc\")", 3, "unterminated double quote", "multi-line"},
    {R"(K="abc\)", 3, "unterminated double quote", "multi-line"},
    {R"(K=a"b)", 4, "unterminated double quote", "close the quote"},
    // ${...}: unterminated and unsupported forms.
    {"K=${A", 3, "unterminated '${'", "close the reference with '}'"},
    {"K=${", 3, "unterminated '${'", "close the reference"},
    {"K=${A:", 3, "unterminated '${'", "close the reference"},
    {"K=${A:-x", 3, "unterminated '${'", "close the reference"},
    {"K=${A:-x\\", 3, "unterminated '${'", "close the reference"},
    {"K=x${A:-${B}", 4, "unterminated '${'", "close the reference"},
    {"K=${}", 5, "empty reference '${}'", kOnlyBraced},
    {"K=${VAR:=x}", 8, "unsupported expansion '${VAR:=...}'", kOnlyBraced},
    {"K=${VAR:+x}", 8, "unsupported expansion", kOnlyBraced},
    {"K=${VAR:?x}", 8, "unsupported expansion", kOnlyBraced},
    {"K=${VAR:1}", 8, "unsupported expansion", kOnlyBraced},
    {"K=${VAR#x}", 8, "unsupported expansion '${VAR#...}'", kOnlyBraced},
    {"K=${VAR%x}", 8, "unsupported expansion", kOnlyBraced},
    {"K=${VAR/a/b}", 8, "unsupported expansion", kOnlyBraced},
    {"K=${VAR^^}", 8, "unsupported expansion", kOnlyBraced},
    {"K=${VAR-x}", 8, "unsupported expansion", "write ${VAR:-default}"},
    {"K=${A B}", 6, "unsupported expansion", kOnlyBraced},
    {"K=${#VAR}", 5, "unsupported expansion (a variable name must follow", kOnlyBraced},
    {"K=${!VAR}", 5, "unsupported expansion", kOnlyBraced},
    {"K=${1}", 5, "unsupported expansion", kOnlyBraced},
    {"K=${ A}", 5, "unsupported expansion", kOnlyBraced},
    {R"(K="${A:=x}")", 7, "unsupported expansion", kOnlyBraced},
    {R"(K=${A:-"x"})", 8, "quotes inside '${NAME:-default}'", "write the default without quotes"},
    {"K=${A:-'x'}", 8, "quotes inside '${NAME:-default}'", "escape it"},
    {R"(K="${A:-"x"}")", 9, "quotes inside '${NAME:-default}'", "escape it"},
    // Special parameters and ANSI-C quoting.
    {"K=$1", 3, "special parameter '$1'", kOnlyBraced},
    {"K=$@", 3, "special parameter '$@'", kOnlyBraced},
    {"K=a$$", 4, "special parameter '$$'", kOnlyBraced},
    {"K=$?", 3, "special parameter", kOnlyBraced},
    {R"(K="$#")", 4, "special parameter", kOnlyBraced},
    {"K=$'a\\nb'", 3, "$'...' and $\"...\" quoting are not supported", "without the '$'"},
    {R"(K=$"a")", 3, "quoting are not supported", "without the '$'"},
    // Whitespace inside an unquoted value, garbage after a closing quote.
    {"K=a b", 5, "unexpected text after the value", "quote the value"},
    {R"(K="a" b)", 7, "unexpected text after the value", "quote the value"},
    {"K='a'  b c", 8, "unexpected text after the value", "quote the value"},
    {"K= v", 4, "unexpected text after the value", "remove the space after '='"},
    {"K=\tv", 4, "unexpected text after the value", "remove the space after '='"},
    {"K=a\\", 4, "backslash at the end of the line", "remove the backslash"},
    // Shell operators and tilde expansion.
    {"K=a;b", 4, "unquoted ';' is shell syntax", "quote the value"},
    {"K=a|b", 4, "unquoted '|'", "quote the value"},
    {"K=a&", 4, "unquoted '&'", "quote the value"},
    {"K=a>b", 4, "unquoted '>'", "quote the value"},
    {"K=<a", 3, "unquoted '<'", "quote the value"},
    {"K=(a b)", 3, "unquoted '('", "quote the value"},
    {"K=a)", 4, "unquoted ')'", "quote the value"},
    {"K=~/x", 3, "'~' would be expanded", "write the full path"},
    {"K=~", 3, "'~' would be expanded", "write the full path"},
    {"K=/a:~/x", 6, "'~' would be expanded", "write the full path"},
    {"K='a':~", 7, "'~' would be expanded", "write the full path"},
    {"K=${A:-~}", 8, "'~' would be expanded", "write the full path"},
    {"K=${A:-x:~}", 10, "'~' would be expanded", "write the full path"},
    // Keys.
    {"1K=v", 1, "invalid key: a key cannot start with a digit", "[A-Za-z_][A-Za-z0-9_]*"},
    {"A-B=v", 2, "invalid key: '-' is not allowed", "[A-Za-z_][A-Za-z0-9_]*"},
    {"  A.B=v", 4, "invalid key: '.' is not allowed", "[A-Za-z_][A-Za-z0-9_]*"},
    {"$K=v", 1, "invalid key: '$' is not allowed", "[A-Za-z_][A-Za-z0-9_]*"},
    {"K\xC3\xA9=v", 2, "invalid key", "[A-Za-z_][A-Za-z0-9_]*"},
    {"KEY =v", 4, "invalid key: space between the key and '='", "no spaces around '='"},
    {"KEY = v", 4, "invalid key: space between the key and '='", "no spaces around '='"},
    {"export KEY\t=v", 11, "space between the key and '='", "no spaces around '='"},
    {"=v", 1, "missing key before '='", "KEY=VALUE"},
    {"export =v", 8, "missing key before '='", "KEY=VALUE"},
    {"FOO BAR=1", 4, "expected '=' right after the key", "export KEY=VALUE"},
    {"declare -x A=1", 8, "expected '=' right after the key", "export KEY=VALUE"},
    {"just some text", 1, "expected KEY=VALUE (no '=' on this line)", "comment lines start with '#'"},
    {"  export FOO", 10, "no '='", "KEY=VALUE"},
    {"export", 1, "no '='", "KEY=VALUE"},
    {"export  ", 1, "no '='", "KEY=VALUE"},
    {"echo $(touch x)", 1, "no '='", "KEY=VALUE"},
    // Bytes.
    {std::string_view("K=a\0b", 5), 4, "NUL byte", "remove the NUL byte"},
    {std::string_view("# comment\0", 10), 10, "NUL byte", "remove the NUL byte"},
};
// clang-format on

INSTANTIATE_TEST_SUITE_P(EnvFile, BadLineTest, ::testing::ValuesIn(kBadCases),
                         [](const auto& param_info) {
                           return "bad" + std::to_string(param_info.index);
                         });

// ---------------------------------------------------------------------------
// Whole files.

TEST(EnvFileTest, EmptyInputs) {
  for (std::string_view text : {"", "\n", "\n\n", "\r\n", "   \n\t\n", "# a\n  # b\n\t# c"}) {
    Diagnostics diags;
    EnvFile file = ParseEnvFile(text, "e.env", diags);
    EXPECT_TRUE(file.assignments.empty()) << text;
    EXPECT_TRUE(diags.Empty()) << text;
    EXPECT_EQ(file.path, "e.env");
  }
}

TEST(EnvFileTest, SeedStyleConfig) {
  constexpr std::string_view kText =
      "# Platform configuration\n"
      "\n"
      "BASE_DOMAIN=homelab.swhurl.com\n"
      "FEAT_CILIUM=true   # CNI\n"
      "ACME_EMAIL=\n"
      "SWHURL_SUBDOMAINS=\"homelab oauth.homelab staging.hello.homelab\"\n"
      "OAUTH_HOST=oauth.${BASE_DOMAIN}\n"
      "export PLATFORM_CLUSTER_ISSUER=letsencrypt-staging\n";
  Diagnostics diags;
  EnvFile file = ParseEnvFile(kText, "config.env", diags);
  EXPECT_TRUE(diags.Empty()) << AllDiags(diags);
  ASSERT_EQ(file.assignments.size(), 6U);
  const auto& a = file.assignments;
  EXPECT_EQ(a[0].key, "BASE_DOMAIN");
  EXPECT_EQ(a[0].loc.Str(), "config.env:3:1");
  EXPECT_EQ(Dump(a[1].value), R"("true")");
  EXPECT_EQ(a[1].loc.line, 4);
  EXPECT_EQ(Dump(a[2].value), "<empty>");
  EXPECT_EQ(Dump(a[3].value), R"("homelab oauth.homelab staging.hello.homelab")");
  EXPECT_EQ(a[4].key, "OAUTH_HOST");
  EXPECT_EQ(a[4].value.Display(), "oauth.${BASE_DOMAIN}");
  EXPECT_EQ(a[4].value.References(), std::vector<std::string>{"BASE_DOMAIN"});
  EXPECT_EQ(a[5].key, "PLATFORM_CLUSTER_ISSUER");
  EXPECT_EQ(a[5].loc.col, 8);
}

TEST(EnvFileTest, AssignmentLocationIsTheKey) {
  Diagnostics diags;
  EnvFile file = ParseEnvFile("\n\n  export \t KEY=v\n", "f.env", diags);
  ASSERT_EQ(file.assignments.size(), 1U);
  EXPECT_EQ(file.assignments[0].loc.file, "f.env");
  EXPECT_EQ(file.assignments[0].loc.line, 3);
  EXPECT_EQ(file.assignments[0].loc.col, 12);
}

TEST(EnvFileTest, ExportIsOnlyAPrefixBeforeBlanks) {
  Diagnostics diags;
  EnvFile file = ParseEnvFile("export=1\nexportX=2\nexport\tY=3\n", "f.env", diags);
  EXPECT_TRUE(diags.Empty()) << AllDiags(diags);
  ASSERT_EQ(file.assignments.size(), 3U);
  EXPECT_EQ(file.assignments[0].key, "export");
  EXPECT_EQ(file.assignments[1].key, "exportX");
  EXPECT_EQ(file.assignments[2].key, "Y");
}

TEST(EnvFileTest, CrlfIsTolerated) {
  Diagnostics diags;
  EnvFile file = ParseEnvFile("A=1\r\nB=\"x y\"\r\n# c\r\n\r\nC='z' # q\r\nD=", "w.env", diags);
  EXPECT_TRUE(diags.Empty()) << AllDiags(diags);
  ASSERT_EQ(file.assignments.size(), 4U);
  EXPECT_EQ(Dump(file.assignments[0].value), R"("1")");
  EXPECT_EQ(Dump(file.assignments[1].value), R"("x y")");
  EXPECT_EQ(Dump(file.assignments[2].value), R"("z")");
  EXPECT_EQ(file.assignments[2].loc.line, 5);
  EXPECT_EQ(Dump(file.assignments[3].value), "<empty>");
}

TEST(EnvFileTest, CrlfErrorsKeepColumns) {
  Diagnostics diags;
  ParseEnvFile("A=1\r\nB=\"x\r\n", "w.env", diags);
  ASSERT_EQ(diags.ErrorCount(), 1U);
  EXPECT_EQ(diags.Items()[0].loc.Str(), "w.env:2:3");
}

TEST(EnvFileTest, FinalCarriageReturnWithoutNewlineIsStripped) {
  Diagnostics diags;
  EnvFile file = ParseEnvFile("A=1\r", "w.env", diags);
  EXPECT_TRUE(diags.Empty());
  ASSERT_EQ(file.assignments.size(), 1U);
  EXPECT_EQ(Dump(file.assignments[0].value), R"("1")");
}

TEST(EnvFileTest, Utf8BomIsSkipped) {
  Diagnostics diags;
  EnvFile file = ParseEnvFile(
      "\xEF\xBB\xBF"
      "A=1\nB=2\n",
      "bom.env", diags);
  EXPECT_TRUE(diags.Empty()) << AllDiags(diags);
  ASSERT_EQ(file.assignments.size(), 2U);
  EXPECT_EQ(file.assignments[0].key, "A");
  EXPECT_EQ(file.assignments[0].loc.col, 1);

  // Columns on line 1 do not count the BOM.
  Diagnostics bad;
  ParseEnvFile(
      "\xEF\xBB\xBF"
      "1A=1\n",
      "bom.env", bad);
  ASSERT_EQ(bad.ErrorCount(), 1U);
  EXPECT_EQ(bad.Items()[0].loc.Str(), "bom.env:1:1");

  // Only at the start of the file.
  Diagnostics later;
  EnvFile file2 = ParseEnvFile(
      "A=x\xEF\xBB\xBF\n\xEF\xBB\xBF"
      "B=1\n",
      "bom.env", later);
  ASSERT_EQ(file2.assignments.size(), 1U);
  EXPECT_EQ(file2.assignments[0].value.Display(), "x\xEF\xBB\xBF");
  ASSERT_EQ(later.ErrorCount(), 1U);
  EXPECT_EQ(later.Items()[0].loc.Str(), "bom.env:2:1");
}

TEST(EnvFileTest, DuplicateKeyWarnsWithBothLines) {
  Diagnostics diags;
  EnvFile file = ParseEnvFile("A=1\nB=2\n\nA=3\nA=4\n", "dup.env", diags);
  EXPECT_FALSE(diags.HasErrors());
  ASSERT_EQ(diags.WarningCount(), 2U) << AllDiags(diags);
  EXPECT_EQ(Diagnostics::Format(diags.Items()[0]),
            "dup.env:4:1: warning: 'A' is assigned twice in this file (line 1 and line 4); the "
            "later value wins (fix: remove one of the two assignments)");
  EXPECT_NE(diags.Items()[1].message.find("(line 4 and line 5)"), std::string::npos);
  EXPECT_EQ(diags.Items()[1].loc.line, 5);
  // All assignments are kept in file order; the consumer applies them in order.
  ASSERT_EQ(file.assignments.size(), 4U);
  EXPECT_EQ(Dump(file.assignments[3].value), R"("4")");
}

TEST(EnvFileTest, BadLineDoesNotCountAsAssignmentForDuplicates) {
  Diagnostics diags;
  ParseEnvFile("A=$(x)\nA=2\n", "dup.env", diags);
  EXPECT_EQ(diags.ErrorCount(), 1U);
  EXPECT_EQ(diags.WarningCount(), 0U);
}

TEST(EnvFileTest, ReportsEveryErrorInOneRun) {
  Diagnostics diags;
  EnvFile file = ParseEnvFile("A=1\nB=\"x\ny\"\nC=3\n1D=4\n", "m.env", diags);
  ASSERT_EQ(diags.ErrorCount(), 3U) << AllDiags(diags);
  EXPECT_EQ(diags.Items()[0].loc.Str(), "m.env:2:3");
  EXPECT_NE(diags.Items()[0].message.find("unterminated double quote"), std::string::npos);
  EXPECT_EQ(diags.Items()[1].loc.Str(), "m.env:3:1");  // `y"`: no '='
  EXPECT_EQ(diags.Items()[2].loc.Str(), "m.env:5:1");
  ASSERT_EQ(file.assignments.size(), 2U);
  EXPECT_EQ(file.assignments[1].key, "C");
}

TEST(EnvFileTest, FormattedErrorIsOneLineWithFix) {
  Diagnostics diags;
  ParseEnvFile("A=1\nB=$(curl evil)\n", "cfg.env", diags);
  ASSERT_EQ(diags.Items().size(), 1U);
  EXPECT_EQ(Diagnostics::Format(diags.Items()[0]),
            "cfg.env:2:3: error: command substitution '$(...)' is not allowed (fix: platformctl "
            "never runs commands from env files; put the literal value)");
}

TEST(EnvFileTest, MessagesEscapeControlBytesAndStayShort) {
  Diagnostics diags;
  std::string long_key(500, 'A');
  ParseEnvFile(
      "A\x01"
      "B=1\n" +
          long_key + "-=2\nK=a \x7f\r\r\n",
      "c.env", diags);
  ASSERT_EQ(diags.ErrorCount(), 3U);
  for (const Diagnostic& d : diags.Items()) {
    std::string line = Diagnostics::Format(d);
    EXPECT_EQ(line.find_first_of(std::string_view("\x01\x7f\r\n", 4)), std::string::npos) << line;
    EXPECT_LT(line.size(), 300U) << line;
  }
  EXPECT_NE(diags.Items()[0].message.find("'\\x01'"), std::string::npos);
  EXPECT_EQ(diags.Items()[1].loc.col, 501);
  EXPECT_EQ(diags.Items()[2].loc.col, 5);
}

TEST(EnvFileTest, NestingIsBounded) {
  std::string ok = "K=";
  for (int i = 0; i < 32; ++i) ok += "${A:-";
  ok += std::string(32, '}');
  Diagnostics diags;
  EnvFile file = ParseEnvFile(ok, "n.env", diags);
  EXPECT_TRUE(diags.Empty()) << AllDiags(diags);
  ASSERT_EQ(file.assignments.size(), 1U);
  EXPECT_EQ(file.assignments[0].value.References(), std::vector<std::string>{"A"});

  std::string deep = "K=";
  for (int i = 0; i < 10000; ++i) deep += "${A:-";
  Diagnostics deep_diags;
  ParseEnvFile(deep, "n.env", deep_diags);
  ASSERT_EQ(deep_diags.ErrorCount(), 1U);
  EXPECT_EQ(deep_diags.Items()[0].loc.col, 2 + 32 * 5 + 1);
  EXPECT_NE(deep_diags.Items()[0].message.find("nested more than 32 levels"), std::string::npos);
}

TEST(EnvFileTest, LargeInputsParseQuickly) {
  // Linear time: a few MB of hostile shapes must not take long.
  const std::vector<std::string> inputs = {
      "K=" + std::string(2'000'000, 'a'),
      "K=\"" + std::string(2'000'000, 'a'),
      "K='" + std::string(2'000'000, 'a'),
      "K=" + std::string(2'000'000, '$'),
      std::string(2'000'000, '\n'),
      std::string(2'000'000, '='),
      "K=${A:-" + std::string(2'000'000, 'x'),
  };
  std::string many_keys;
  for (int i = 0; i < 100'000; ++i) many_keys += "K" + std::to_string(i % 1000) + "=v\n";
  auto start = std::chrono::steady_clock::now();
  for (const std::string& in : inputs) {
    Diagnostics diags;
    ParseEnvFile(in, "big.env", diags);
  }
  Diagnostics diags;
  EnvFile file = ParseEnvFile(many_keys, "big.env", diags);
  EXPECT_EQ(file.assignments.size(), 100'000U);
  EXPECT_EQ(diags.WarningCount(), 99'000U);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(std::chrono::duration_cast<std::chrono::seconds>(elapsed).count(), 20);
}

// ---------------------------------------------------------------------------
// Nothing is ever executed.

TEST(EnvFileTest, CommandSubstitutionIsNeverExecuted) {
  const std::string marker = (std::filesystem::temp_directory_path() /
                              ("platformctl_env_file_test_" + std::to_string(getpid())))
                                 .string();
  std::filesystem::remove(marker);
  const std::vector<std::pair<std::string, int>> cases = {
      {"X=$(touch " + marker + ")\n", 3},       {"X=`touch " + marker + "`\n", 3},
      {"X=\"$(touch " + marker + ")\"\n", 4},   {"X=\"`touch " + marker + "`\"\n", 4},
      {"X=${Y:-$(touch " + marker + ")}\n", 8}, {"X=$((touch " + marker + "))\n", 3},
  };
  for (const auto& [in, col] : cases) {
    Diagnostics diags;
    EnvFile file = ParseEnvFile(in, "evil.env", diags);
    EXPECT_TRUE(file.assignments.empty()) << in;
    ASSERT_EQ(diags.ErrorCount(), 1U) << in;
    EXPECT_EQ(diags.Items()[0].loc.Str(), "evil.env:1:" + std::to_string(col)) << in;

    Diagnostics value_diags;
    std::string rhs = in.substr(2, in.size() - 3);
    ValueTemplate value = ParseEnvValue(rhs, SourceLoc{"--set X"}, value_diags);
    EXPECT_TRUE(value_diags.HasErrors()) << rhs;
    EXPECT_TRUE(value.segments.empty());
  }
  EXPECT_FALSE(std::filesystem::exists(marker));
}

// ---------------------------------------------------------------------------
// ParseEnvValue.

TEST(ParseEnvValueTest, LocationWithoutLineNamesTheCharacter) {
  Diagnostics diags;
  ValueTemplate value = ParseEnvValue("oauth.${BASE", SourceLoc{"--set OAUTH_HOST"}, diags);
  EXPECT_TRUE(value.segments.empty());
  ASSERT_EQ(diags.Items().size(), 1U);
  EXPECT_EQ(Diagnostics::Format(diags.Items()[0]),
            "--set OAUTH_HOST: error: unterminated '${' (no closing '}' on this line) (at "
            "character 7 of the value) (fix: close the reference with '}': ${NAME})");
}

TEST(ParseEnvValueTest, LocationWithLineAddsTheOffset) {
  Diagnostics diags;
  ParseEnvValue("a b", SourceLoc{"x.yaml", 4, 10}, diags);
  ASSERT_EQ(diags.Items().size(), 1U);
  EXPECT_EQ(diags.Items()[0].loc.Str(), "x.yaml:4:12");

  Diagnostics no_col;
  ParseEnvValue("a b", SourceLoc{"x.yaml", 4, 0}, no_col);
  ASSERT_EQ(no_col.Items().size(), 1U);
  EXPECT_EQ(no_col.Items()[0].loc.Str(), "x.yaml:4:3");
}

TEST(ParseEnvValueTest, RejectsLineBreaksAndNul) {
  for (std::string_view text :
       {std::string_view("a\nb"), std::string_view("\"a\nb\""), std::string_view("a\0b", 3)}) {
    Diagnostics diags;
    ValueTemplate value = ParseEnvValue(text, SourceLoc{"--set K"}, diags);
    EXPECT_TRUE(value.segments.empty());
    ASSERT_EQ(diags.ErrorCount(), 1U);
    EXPECT_NE(diags.Items()[0].message.find("(at character"), std::string::npos);
  }
}

TEST(ParseEnvValueTest, CommentsAndQuotesAsInFiles) {
  Diagnostics diags;
  EXPECT_EQ(Dump(ParseEnvValue("v  # note", SourceLoc{"--set K"}, diags)), R"("v")");
  EXPECT_EQ(Dump(ParseEnvValue("\"a b\"", SourceLoc{"--set K"}, diags)), R"("a b")");
  EXPECT_TRUE(diags.Empty());
  ParseEnvValue("a b", SourceLoc{"--set K"}, diags);
  ASSERT_EQ(diags.ErrorCount(), 1U);
  EXPECT_EQ(diags.Items()[0].hint, "quote the value: KEY=\"a b\"");
}

// ---------------------------------------------------------------------------
// ValueTemplate.

TEST(ValueTemplateTest, Literal) {
  ValueTemplate t = ValueTemplate::Literal("a${B}");
  EXPECT_TRUE(t.IsLiteral());
  ASSERT_EQ(t.segments.size(), 1U);
  EXPECT_EQ(t.segments[0].text, "a${B}");
  EXPECT_EQ(t.Display(), "a${B}");
  EXPECT_TRUE(t.References().empty());

  ValueTemplate empty = ValueTemplate::Literal("");
  EXPECT_TRUE(empty.segments.empty());
  EXPECT_TRUE(empty.IsLiteral());
  EXPECT_EQ(empty.Display(), "");
}

TEST(ValueTemplateTest, DisplayAndReferences) {
  Diagnostics diags;
  ValueTemplate t = ParseEnvValue("\"$A-x ${B:-y${C}z$A} ${D:-}\"$C", SourceLoc{"v"}, diags);
  ASSERT_TRUE(diags.Empty()) << AllDiags(diags);
  EXPECT_FALSE(t.IsLiteral());
  EXPECT_EQ(t.Display(), "${A}-x ${B:-y${C}z${A}} ${D:-}${C}");
  EXPECT_EQ(t.References(), (std::vector<std::string>{"A", "B", "C", "D"}));

  // Display re-parses to the same structure when literals hold no special characters.
  Diagnostics again;
  ValueTemplate round = ParseEnvValue("\"" + t.Display() + "\"", SourceLoc{"v"}, again);
  EXPECT_TRUE(again.Empty());
  EXPECT_EQ(Dump(round), Dump(t));
}

TEST(ValueTemplateTest, SingleQuotedDollarIsLiteral) {
  Diagnostics diags;
  ValueTemplate t = ParseEnvValue("'${A}'", SourceLoc{"v"}, diags);
  EXPECT_TRUE(t.IsLiteral());
  EXPECT_TRUE(t.References().empty());
}

TEST(IsValidEnvKeyTest, Keys) {
  EXPECT_TRUE(IsValidEnvKey("A"));
  EXPECT_TRUE(IsValidEnvKey("_"));
  EXPECT_TRUE(IsValidEnvKey("a_B9"));
  EXPECT_FALSE(IsValidEnvKey(""));
  EXPECT_FALSE(IsValidEnvKey("9A"));
  EXPECT_FALSE(IsValidEnvKey("A-B"));
  EXPECT_FALSE(IsValidEnvKey("A B"));
  EXPECT_FALSE(IsValidEnvKey(std::string_view("A\0", 2)));
}

// ---------------------------------------------------------------------------
// Diagnostics.

TEST(SourceLocTest, Str) {
  EXPECT_EQ((SourceLoc{"f.env", 3, 7}).Str(), "f.env:3:7");
  EXPECT_EQ((SourceLoc{"f.env", 3, 0}).Str(), "f.env:3");
  EXPECT_EQ((SourceLoc{"f.env", 0, 0}).Str(), "f.env");
  EXPECT_EQ((SourceLoc{"f.env", 0, 5}).Str(), "f.env");
  EXPECT_EQ((SourceLoc{}).Str(), "");
  EXPECT_EQ((SourceLoc{"", 2, 1}).Str(), "<input>:2:1");
  EXPECT_TRUE((SourceLoc{}).Empty());
}

TEST(DiagnosticsTest, CountsAndFormat) {
  Diagnostics diags;
  EXPECT_TRUE(diags.Empty());
  EXPECT_FALSE(diags.HasErrors());
  diags.Warning("w1", SourceLoc{"a.env", 2});
  diags.Error("e1", SourceLoc{"a.env", 3, 4}, "do this");
  diags.Error("e2");
  EXPECT_TRUE(diags.HasErrors());
  EXPECT_EQ(diags.ErrorCount(), 2U);
  EXPECT_EQ(diags.WarningCount(), 1U);
  EXPECT_EQ(Diagnostics::Format(diags.Items()[0]), "a.env:2: warning: w1");
  EXPECT_EQ(Diagnostics::Format(diags.Items()[1]), "a.env:3:4: error: e1 (fix: do this)");
  EXPECT_EQ(Diagnostics::Format(diags.Items()[2]), "error: e2");

  Diagnostics other;
  other.Add(Diagnostic{Severity::kWarning, "w2", SourceLoc{"b.env"}, ""});
  diags.Append(other);
  EXPECT_EQ(diags.Items().size(), 4U);
  EXPECT_EQ(Diagnostics::Format(diags.Items()[3]), "b.env: warning: w2");
  diags.Append(diags);
  EXPECT_EQ(diags.Items().size(), 8U);
  EXPECT_EQ(diags.WarningCount(), 4U);
}

}  // namespace
}  // namespace platformctl
