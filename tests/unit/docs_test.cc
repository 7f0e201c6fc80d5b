// docs/manual.md stays in step with the binary: the generated config key
// table equals `platformctl config keys`, and every command the CLI lists has
// a `### platformctl <command>` section. The README's `make demo` excerpt is
// what the binary prints.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "platformctl/process.h"
#include "platformctl/verify.h"
#include "test_util.h"

namespace platformctl {
namespace {

constexpr std::string_view kBegin =
    "<!-- BEGIN CONFIG KEYS (generated: platformctl config keys) -->";
constexpr std::string_view kEnd = "<!-- END CONFIG KEYS -->";
constexpr int kTimeoutMs = 30000;

std::string Manual() { return testing::ReadAll(testing::SourceDir() + "/docs/manual.md"); }

std::string TrimBlankLines(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

/// Names listed under "Subcommands:" in a CLI11 help text ("  plan   Print ...").
std::vector<std::string> Subcommands(const std::string& help) {
  std::vector<std::string> names;
  bool in_block = false;
  for (const auto& line : Lines(help)) {
    if (line.starts_with("Subcommands:")) {
      in_block = true;
      continue;
    }
    if (!in_block) continue;
    if (line.empty() || line[0] != ' ') break;
    std::istringstream words(line);
    std::string name;
    words >> name;
    if (!name.empty()) names.push_back(name);
  }
  return names;
}

ProcessResult RunBinary(const std::vector<std::string>& args) {
  std::vector<std::string> argv;
  argv.reserve(args.size() + 1);
  argv.push_back(testing::Binary());
  for (const auto& a : args) argv.push_back(a);
  return RunCapture(argv, kTimeoutMs);
}

TEST(Docs, ManualConfigKeyTableMatchesTheBinary) {
  const std::string manual = Manual();
  ASSERT_FALSE(manual.empty()) << "docs/manual.md is missing or empty";
  const size_t begin = manual.find(kBegin);
  const size_t end = manual.find(kEnd);
  ASSERT_NE(begin, std::string::npos) << "docs/manual.md lacks the marker " << kBegin;
  ASSERT_NE(end, std::string::npos) << "docs/manual.md lacks the marker " << kEnd;
  ASSERT_LT(begin, end) << "the END CONFIG KEYS marker comes before BEGIN";
  EXPECT_EQ(manual.find(kBegin, begin + 1), std::string::npos) << "BEGIN marker twice";
  const std::string block = TrimBlankLines(
      std::string_view(manual).substr(begin + kBegin.size(), end - begin - kBegin.size()));

  ProcessResult r = RunBinary({"config", "keys"});
  ASSERT_TRUE(r.Ok()) << "platformctl config keys: " << r.Describe() << "\n" << r.output;
  const std::string expected = TrimBlankLines(r.output);
  ASSERT_FALSE(expected.empty());

  if (block != expected) {
    // Point at the first line that differs; the full diff is one command away.
    auto got = Lines(block);
    auto want = Lines(expected);
    size_t i = 0;
    while (i < got.size() && i < want.size() && got[i] == want[i]) ++i;
    ADD_FAILURE() << "docs/manual.md: the config key table between the markers is out of date.\n"
                  << "Run scripts/update-manual-keys.sh (after make build) and commit "
                     "docs/manual.md.\n"
                  << "First difference at table line " << i + 1 << ":\n"
                  << "  manual: " << (i < got.size() ? got[i] : "<end of block>") << "\n"
                  << "  binary: " << (i < want.size() ? want[i] : "<end of output>");
  }
}

// The check table of docs/manual.md has exactly one row per registry row, in
// registry order, with its tier, plan step and query family.
TEST(Docs, ManualCheckTableMatchesTheRegistry) {
  const std::string manual = Manual();
  const size_t b = manual.find("<!-- BEGIN CHECK TABLE");
  const size_t e = manual.find("<!-- END CHECK TABLE -->");
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  std::vector<std::string> rows;
  for (const auto& line : Lines(manual.substr(b, e - b))) {
    if (line.starts_with("| `")) rows.push_back(line);
  }
  const auto registry = CheckRegistry();
  ASSERT_EQ(rows.size(), registry.size()) << "update the check table in docs/manual.md";
  for (size_t i = 0; i < rows.size(); ++i) {
    const CheckRow& r = registry[i];
    const std::string family = r.family.empty() ? "offline" : std::string(r.family);
    const std::string prefix = "| `" + std::string(r.id) + "` | " + std::string(TierName(r.tier)) +
                               " | `verify/" + std::string(r.group) + "` | " + family + " | ";
    EXPECT_TRUE(rows[i].starts_with(prefix)) << rows[i] << "\nexpected: " << prefix;
    EXPECT_FALSE(r.seed.empty()) << r.id << " names no seed check or weak point";
  }
}

TEST(Docs, ManualHasASectionForEveryCommand) {
  const std::string manual = Manual();
  ASSERT_FALSE(manual.empty()) << "docs/manual.md is missing or empty";
  const auto manual_lines = Lines(manual);
  auto has_heading = [&](const std::string& heading) {
    for (const auto& l : manual_lines) {
      if (l == heading) return true;
    }
    return false;
  };

  ProcessResult root = RunBinary({"--help"});
  ASSERT_TRUE(root.Ok()) << root.Describe() << "\n" << root.output;
  const auto commands = Subcommands(root.output);
  ASSERT_FALSE(commands.empty()) << "no Subcommands: block in platformctl --help:\n" << root.output;
  for (const auto& cmd : commands) {
    EXPECT_TRUE(has_heading("### platformctl " + cmd))
        << "docs/manual.md has no '### platformctl " << cmd
        << "' section; document the command (synopsis, flags from --help, examples)";
    ProcessResult sub = RunBinary({cmd, "--help"});
    ASSERT_TRUE(sub.Ok()) << cmd << " --help: " << sub.Describe() << "\n" << sub.output;
    for (const auto& nested : Subcommands(sub.output)) {
      EXPECT_TRUE(has_heading("### platformctl " + cmd + " " + nested))
          << "docs/manual.md has no '### platformctl " << cmd << " " << nested
          << "' section; document the subcommand";
    }
  }
}

// Pasted `config show --origin` and validation excerpts cite config.env
// lines; they must still point at the key they name.
TEST(Docs, PastedConfigEnvLineNumbersPointAtTheirKeys) {
  const auto config_lines = Lines(testing::ReadAll(testing::SourceDir() + "/config.env"));
  const std::regex show_row(R"(^([A-Z][A-Z0-9_]*) .*config\.env:([0-9]+)\s*$)");
  const std::regex error_row(R"(config\.env:([0-9]+): error: ([A-Z][A-Z0-9_]*) )");
  int checked = 0;
  for (const char* doc : {"/README.md", "/docs/manual.md"}) {
    int n = 0;
    for (const auto& line : Lines(testing::ReadAll(testing::SourceDir() + doc))) {
      ++n;
      std::smatch m;
      std::string key;
      size_t at = 0;
      if (std::regex_match(line, m, show_row)) {
        key = m[1];
        at = std::stoul(m[2]);
      } else if (std::regex_search(line, m, error_row)) {
        key = m[2];
        at = std::stoul(m[1]);
      } else {
        continue;
      }
      ++checked;
      ASSERT_GE(at, 1U);
      ASSERT_LE(at, config_lines.size()) << doc << ":" << n;
      EXPECT_TRUE(config_lines[at - 1].starts_with(key + "="))
          << doc << ":" << n << " cites config.env:" << at << " for " << key
          << ", but that line is '" << config_lines[at - 1]
          << "'; rerun the command and paste its output again";
    }
  }
}

/// The command `make demo` runs after `platformctl -C .`: `DEMO_CMD ?= ...` in the Makefile.
std::vector<std::string> DemoArgs() {
  for (const auto& line : Lines(testing::ReadAll(testing::SourceDir() + "/Makefile"))) {
    if (!line.starts_with("DEMO_CMD ?=")) continue;
    std::vector<std::string> args{"-C", "."};
    std::istringstream words(line.substr(std::string_view("DEMO_CMD ?=").size()));
    for (std::string w; words >> w;) args.push_back(w);
    return args;
  }
  return {};
}

std::string StripTrailingSpace(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  return s;
}

// The README's demo excerpt (the fenced block holding "Apply plan for profile") is the output
// of `make demo` with a line "..." where lines were left out: each run of lines between "..."
// lines appears, in order and contiguous, in stderr + stdout (what a terminal shows: the
// warnings come before the plan). Without a leading/trailing "..." the excerpt starts/ends
// where the output does. Run in a copy of config.env and profiles/ with an empty environment,
// as a new user would see it (no profiles/secrets.env).
TEST(Docs, ReadmeDemoExcerptIsTheBinarysOutput) {
  const auto readme = Lines(testing::ReadAll(testing::SourceDir() + "/README.md"));
  ASSERT_FALSE(readme.empty()) << "README.md is missing or empty";
  std::vector<std::string> excerpt;
  size_t excerpt_line = 0;  // 1-based README line of the excerpt's first line
  for (size_t i = 0; i < readme.size() && excerpt.empty(); ++i) {
    if (!readme[i].starts_with("```")) continue;
    size_t end = i + 1;
    while (end < readme.size() && !readme[end].starts_with("```")) ++end;
    bool is_demo = false;
    for (size_t j = i + 1; j < end; ++j) {
      if (readme[j].starts_with("Apply plan for profile")) is_demo = true;
    }
    if (is_demo) {
      for (size_t j = i + 1; j < end; ++j) excerpt.push_back(StripTrailingSpace(readme[j]));
      excerpt_line = i + 2;
    }
    i = end;
  }
  ASSERT_FALSE(excerpt.empty()) << "README.md has no fenced block with 'Apply plan for profile'";

  const auto args = DemoArgs();
  ASSERT_FALSE(args.empty()) << "no 'DEMO_CMD ?=' line in the Makefile";
  testing::TempRepo repo;
  const auto r = testing::RunCli(args, repo.Root().string());
  ASSERT_EQ(r.exit_code, 0) << "platformctl -C . $(DEMO_CMD) failed:\n" << r.err << r.out;
  std::vector<std::string> output;
  for (const auto& l : Lines(r.err + r.out)) output.push_back(StripTrailingSpace(l));

  // Split the excerpt at "..." lines into runs of excerpt line indices.
  std::vector<std::vector<size_t>> runs(1);
  for (size_t i = 0; i < excerpt.size(); ++i) {
    if (excerpt[i] == "...") {
      runs.emplace_back();
    } else {
      runs.back().push_back(i);
    }
  }
  const bool anchored_start = excerpt.front() != "...";
  const bool anchored_end = excerpt.back() != "...";
  std::string cmd = "platformctl";
  for (const auto& a : args) cmd += " " + a;

  size_t pos = 0;  // next output line a run may start at
  for (size_t k = 0; k < runs.size(); ++k) {
    const auto& run = runs[k];
    if (run.empty()) continue;
    const bool first = k == 0 && anchored_start;
    const bool last = k + 1 == runs.size() && anchored_end;
    auto matches_at = [&](size_t at) {
      if (at + run.size() > output.size()) return false;
      for (size_t j = 0; j < run.size(); ++j) {
        if (output[at + j] != excerpt[run[j]]) return false;
      }
      return !last || at + run.size() == output.size();
    };
    std::optional<size_t> found;
    if (first || last) {
      const size_t at = first ? 0 : output.size() >= run.size() ? output.size() - run.size() : 0;
      if (at >= pos && matches_at(at)) found = at;
    } else {
      for (size_t at = pos; at + run.size() <= output.size() && !found; ++at) {
        if (matches_at(at)) found = at;
      }
    }
    if (!found) {
      // Name the first excerpt line of this run that the output lacks after `pos`.
      size_t bad = run.front();
      for (size_t idx : run) {
        if (std::find(output.begin() + static_cast<std::ptrdiff_t>(std::min(pos, output.size())),
                      output.end(), excerpt[idx]) == output.end()) {
          bad = idx;
          break;
        }
      }
      ADD_FAILURE() << "README.md:" << excerpt_line + bad
                    << ": the demo excerpt is not the output of `" << cmd << "`"
                    << (first  ? " (its first lines must be the output's first lines)"
                        : last ? " (its last lines must be the output's last lines; end the "
                                 "excerpt with a '...' line to cut it)"
                               : "")
                    << "\n  README.md: " << excerpt[bad] << "\nRun `make demo` (or `" << cmd
                    << "` from the repo root, without profiles/secrets.env) and paste its output "
                       "into README.md again.";
      return;
    }
    pos = *found + run.size();
  }
}

}  // namespace
}  // namespace platformctl
