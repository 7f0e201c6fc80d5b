// Verify reports: text table, JSON (design schema) and JUnit XML (pugixml).
#include <algorithm>
#include <cstdio>
#include <pugixml.hpp>
#include <sstream>

#include "platformctl/verify.h"

namespace platformctl {
namespace {

std::string Mark(CheckStatus s) {
  switch (s) {
    case CheckStatus::kPass:
      return "PASS";
    case CheckStatus::kFail:
      return "FAIL";
    case CheckStatus::kSkip:
      return "SKIP";
  }
  return "SKIP";
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

struct Counts {
  int pass = 0, fail = 0, skip = 0;
};
Counts Count(const std::vector<CheckResult>& results) {
  Counts c;
  for (const auto& r : results) {
    if (r.status == CheckStatus::kPass) ++c.pass;
    if (r.status == CheckStatus::kFail) ++c.fail;
    if (r.status == CheckStatus::kSkip) ++c.skip;
  }
  return c;
}

}  // namespace

std::string RenderVerifyText(const std::vector<CheckResult>& results) {
  size_t width = 0;
  for (const auto& r : results) width = std::max(width, r.id.size());
  std::string out;
  for (const auto& r : results) {
    out +=
        Mark(r.status) + "  " + r.id + std::string(width - r.id.size() + 2, ' ') + r.message + "\n";
    if (!r.remediation.empty())
      out += "      " + std::string(width + 2, ' ') + "fix: " + r.remediation + "\n";
  }
  const Counts c = Count(results);
  out += std::to_string(c.pass) + " passed, " + std::to_string(c.fail) + " failed, " +
         std::to_string(c.skip) + " skipped\n";
  return out;
}

std::string RenderVerifyJson(const std::vector<CheckResult>& results) {
  nlohmann::ordered_json checks = nlohmann::ordered_json::array();
  for (const auto& r : results) {
    checks.push_back({{"id", r.id},
                      {"tier", std::string(TierName(r.tier))},
                      {"status", std::string(StatusName(r.status))},
                      {"message", r.message},
                      {"remediation", r.remediation}});
  }
  nlohmann::ordered_json j = {
      {"schemaVersion", 1}, {"ok", VerifyExitCode(results) == 0}, {"checks", checks}};
  // Messages quote cluster text cut by bytes: never throw on invalid UTF-8.
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string RenderVerifyJunit(const std::vector<CheckResult>& results) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto suites = doc.append_child("testsuites");
  suites.append_attribute("name") = "platformctl verify";
  const Counts all = Count(results);
  double total = 0;
  for (const auto& r : results) total += r.seconds;
  suites.append_attribute("tests") = static_cast<int>(results.size());
  suites.append_attribute("failures") = all.fail;
  suites.append_attribute("errors") = 0;
  suites.append_attribute("skipped") = all.skip;
  suites.append_attribute("time") = Seconds(total).c_str();
  for (CheckTier tier : {CheckTier::kCore, CheckTier::kDeep}) {
    std::vector<CheckResult> mine;
    for (const auto& r : results) {
      if (r.tier == tier) mine.push_back(r);
    }
    if (mine.empty()) continue;
    const Counts c = Count(mine);
    double t = 0;
    for (const auto& r : mine) t += r.seconds;
    auto suite = suites.append_child("testsuite");
    suite.append_attribute("name") = ("platformctl.verify." + std::string(TierName(tier))).c_str();
    suite.append_attribute("tests") = static_cast<int>(mine.size());
    suite.append_attribute("failures") = c.fail;
    suite.append_attribute("errors") = 0;
    suite.append_attribute("skipped") = c.skip;
    suite.append_attribute("time") = Seconds(t).c_str();
    for (const auto& r : mine) {
      auto tc = suite.append_child("testcase");
      // GitLab shows classname as the suite column: the component.
      tc.append_attribute("classname") = r.id.substr(0, r.id.find('/')).c_str();
      tc.append_attribute("name") = r.id.c_str();
      tc.append_attribute("time") = Seconds(r.seconds).c_str();
      if (r.status == CheckStatus::kFail) {
        auto f = tc.append_child("failure");
        f.append_attribute("message") = r.message.c_str();
        f.append_attribute("type") = "check";
        std::string text = r.message;
        if (!r.remediation.empty()) text += "\nfix: " + r.remediation;
        f.text() = text.c_str();
      } else if (r.status == CheckStatus::kSkip) {
        tc.append_child("skipped").append_attribute("message") = r.message.c_str();
      } else {
        tc.append_child("system-out").text() = r.message.c_str();
      }
    }
  }
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

}  // namespace platformctl
