// Packaging: platformctl(1) against the CLI, `version -o json`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "commands/command.h"
#include "test_util.h"

namespace platformctl {
namespace {

using testing::RunProgram;
using testing::SourceDir;

std::string ManPage() { return testing::ReadAll(SourceDir() + "/man/platformctl.1"); }

void CollectPaths(const CLI::App& app, const std::string& prefix, std::vector<std::string>& out) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    const std::string path = prefix.empty() ? sub->get_name() : prefix + " " + sub->get_name();
    out.push_back(path);
    CollectPaths(*sub, path, out);
  }
}

TEST(ManPage, EveryCommandAndSubcommandHasAnEntry) {
  const std::string man = ManPage();
  ASSERT_FALSE(man.empty());
  for (const char* section :
       {".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH COMMANDS", ".SH GLOBAL OPTIONS",
        ".SH FILES", ".SH ENVIRONMENT", ".SH EXIT STATUS", ".SH EXAMPLES", ".SH SEE ALSO"}) {
    EXPECT_NE(man.find(section), std::string::npos) << section;
  }
  for (const auto& def : CommandTable()) {
    const std::string name(def.name);
    EXPECT_TRUE(man.find("\n.B " + name) != std::string::npos ||
                man.find("\n.BR " + name + " ") != std::string::npos)
        << "platformctl " << name << " has no entry in man/platformctl.1";
  }
  CLI::App app{"platformctl", "platformctl"};
  Invocation inv;
  BuildCli(app, inv);
  std::vector<std::string> paths;
  CollectPaths(app, "", paths);
  for (const auto& p : paths) {
    if (p.find("__") != std::string::npos) continue;
    EXPECT_TRUE(man.find("\n.B " + p) != std::string::npos ||
                man.find("\n.BR " + p) != std::string::npos)
        << "platformctl " << p << " has no entry in man/platformctl.1";
  }
  // Every global flag.
  for (const CLI::Option* o : app.get_options()) {
    if (o->get_group() != "Global") continue;
    for (const auto& l : o->get_lnames()) {
      std::string roff = "\\-\\-";
      for (char c : l) roff += c == '-' ? std::string("\\-") : std::string(1, c);
      EXPECT_NE(man.find(roff), std::string::npos) << "--" << l;
    }
  }
  for (const char* code : {"\n.B 0\n", "\n.B 1\n", "\n.B 2\n", "\n.B 3\n", "\n.B 130\n"}) {
    EXPECT_NE(man.find(code), std::string::npos) << "exit status" << code;
  }
}

TEST(ManPage, Renders) {
  const std::string file = SourceDir() + "/man/platformctl.1";
  const std::map<std::string, std::string> env = {{"PATH", "/usr/local/bin:/usr/bin:/bin"},
                                                  {"MANWIDTH", "80"}};
  auto man = RunProgram({"man", "-P", "cat", "-l", file}, "/", env);
  if (man.exit_code == 0) {
    EXPECT_NE(man.out.find("EXIT STATUS"), std::string::npos) << man.out;
    EXPECT_NE(man.out.find("completion bash|zsh|fish"), std::string::npos) << man.out;
    return;
  }
  auto groff = RunProgram({"groff", "-man", "-Tutf8", "-ww", file}, "/", env);
  if (groff.exit_code == 127 || groff.err.find("No such file") != std::string::npos) {
    GTEST_SKIP() << "neither man nor groff is installed";
  }
  EXPECT_EQ(groff.exit_code, 0) << groff.err;
  EXPECT_EQ(groff.err, "") << "groff warnings";
}

TEST(Version, JsonHasVersionCommitAndDependencies) {
  testing::TempRepo repo;
  auto r = testing::RunCli({"version", "-o", "json"}, repo.Root().string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j.at("version"), PLATFORMCTL_VERSION);
  ASSERT_TRUE(j.at("gitCommit").is_string());
  EXPECT_FALSE(j.at("gitCommit").get<std::string>().empty());
  const auto& deps = j.at("dependencies");
  for (const char* dep :
       {"cli11", "yaml-cpp", "nlohmann_json", "fmt", "spdlog", "pugixml", "libcurl", "openssl"}) {
    ASSERT_TRUE(deps.contains(dep)) << dep << " in " << r.out;
    ASSERT_TRUE(deps.at(dep).is_string()) << dep;
    EXPECT_NE(deps.at(dep).get<std::string>().find('.'), std::string::npos) << dep << r.out;
  }
  auto text = testing::RunCli({"version"}, repo.Root().string());
  EXPECT_EQ(text.out, std::string("platformctl ") + PLATFORMCTL_VERSION + " (commit " +
                          j.at("gitCommit").get<std::string>() + ")\n");
}

}  // namespace
}  // namespace platformctl
