// doctor's pure parts: version parsing, the HTTP Date, judges of measured
// values, and the text/JSON reports.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "platformctl/doctor.h"

namespace platformctl {
namespace {

bool Digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

/// Reads digits at `i` into `out`; false when there are none.
bool Number(std::string_view s, size_t& i, int& out) {
  if (i >= s.size() || !Digit(s[i])) return false;
  long v = 0;
  while (i < s.size() && Digit(s[i])) {
    v = std::min(v * 10 + (s[i] - '0'), 1000000L);
    ++i;
  }
  out = static_cast<int>(v);
  return true;
}

std::string Mark(DoctorStatus s) {
  switch (s) {
    case DoctorStatus::kPass:
      return "PASS";
    case DoctorStatus::kWarn:
      return "WARN";
    case DoctorStatus::kFail:
      return "FAIL";
    case DoctorStatus::kSkip:
      return "SKIP";
  }
  return "SKIP";
}

std::string Mib(std::uint64_t bytes) {
  return std::to_string(bytes / (std::uint64_t{1} << 20)) + " MiB";
}

}  // namespace

std::string_view DoctorStatusName(DoctorStatus status) {
  switch (status) {
    case DoctorStatus::kPass:
      return "pass";
    case DoctorStatus::kWarn:
      return "warn";
    case DoctorStatus::kFail:
      return "fail";
    case DoctorStatus::kSkip:
      return "skip";
  }
  return "skip";
}

std::optional<ToolVersion> ParseToolVersion(std::string_view text) {
  for (size_t start = 0; start < text.size(); ++start) {
    // A version starts a word (or follows a 'v' that starts one): "go1.23" is not one.
    size_t i = start;
    const bool word_start =
        start == 0 || !std::isalnum(static_cast<unsigned char>(text[start - 1]));
    if (!word_start) continue;
    if (text[i] == 'v' || text[i] == 'V') ++i;
    ToolVersion v;
    if (!Number(text, i, v.major)) continue;
    if (i + 1 >= text.size() || text[i] != '.' || !Digit(text[i + 1])) continue;
    ++i;
    Number(text, i, v.minor);
    if (i + 1 < text.size() && text[i] == '.' && Digit(text[i + 1])) {
      ++i;
      Number(text, i, v.patch);
    }
    return v;
  }
  return std::nullopt;
}

std::string ToString(const ToolVersion& v) {
  return std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.patch);
}

std::optional<std::time_t> ParseHttpDate(std::string_view text) {
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (what Go's net/http sends).
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const size_t comma = text.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  std::string rest(text.substr(comma + 1));
  int day = 0;
  int year = 0;
  int hh = 0;
  int mm = 0;
  int ss = 0;
  char mon[4] = {};
  char zone[4] = {};
  if (std::sscanf(rest.c_str(), " %2d %3s %4d %2d:%2d:%2d %3s", &day, mon, &year, &hh, &mm, &ss,
                  zone) != 7) {
    return std::nullopt;
  }
  if (std::string_view(zone) != "GMT") return std::nullopt;
  int month = -1;
  for (int m = 0; m < 12; ++m) {
    if (kMonths[m] == std::string_view(mon)) month = m;
  }
  if (month < 0 || day < 1 || day > 31 || year < 1970 || hh > 23 || mm > 59 || ss > 60) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month;
  tm.tm_mday = day;
  tm.tm_hour = hh;
  tm.tm_min = mm;
  tm.tm_sec = ss;
  return timegm(&tm);
}

DoctorCheck JudgeClockSkew(double skew_s) {
  DoctorCheck c{"clock/skew", DoctorStatus::kPass, "", ""};
  const long secs = std::lround(skew_s);
  const long abs_secs = std::labs(secs);
  c.message = "local clock is " + std::to_string(abs_secs) + "s " +
              (secs >= 0 ? "ahead of" : "behind") + " the API server's Date";
  if (abs_secs > 300) {
    c.status = DoctorStatus::kFail;
  } else if (abs_secs > 30) {
    c.status = DoctorStatus::kWarn;
  }
  if (c.status != DoctorStatus::kPass) {
    c.fix =
        "sync the clocks (timedatectl set-ntp true, or check chronyd/systemd-timesyncd) here and "
        "on the server: certificates and tokens are judged by time";
  }
  return c;
}

DoctorCheck JudgeFreeDisk(std::uint64_t free_bytes, const std::string& path) {
  DoctorCheck c{"disk/run-trail", DoctorStatus::kPass, Mib(free_bytes) + " free at " + path, ""};
  constexpr std::uint64_t kMib = std::uint64_t{1} << 20;
  if (free_bytes < 50 * kMib) {
    c.status = DoctorStatus::kFail;
    c.message += " (below 50 MiB)";
  } else if (free_bytes < 500 * kMib) {
    c.status = DoctorStatus::kWarn;
    c.message += " (below 500 MiB)";
  }
  if (c.status != DoctorStatus::kPass) {
    c.fix = "free space on that filesystem (old run trails: rm -r artifacts/runs/<old>)";
  }
  return c;
}

std::string RenderDoctorText(const std::vector<DoctorCheck>& checks) {
  size_t width = 0;
  for (const auto& c : checks) width = std::max(width, c.id.size());
  std::string out;
  int pass = 0;
  int warn = 0;
  int fail = 0;
  int skip = 0;
  for (const auto& c : checks) {
    out +=
        Mark(c.status) + "  " + c.id + std::string(width - c.id.size() + 2, ' ') + c.message + "\n";
    if (!c.fix.empty()) out += "      " + std::string(width + 2, ' ') + "fix: " + c.fix + "\n";
    pass += c.status == DoctorStatus::kPass ? 1 : 0;
    warn += c.status == DoctorStatus::kWarn ? 1 : 0;
    fail += c.status == DoctorStatus::kFail ? 1 : 0;
    skip += c.status == DoctorStatus::kSkip ? 1 : 0;
  }
  out += std::to_string(pass) + " passed, " + std::to_string(warn) + " warnings, " +
         std::to_string(fail) + " failed";
  if (skip > 0) out += ", " + std::to_string(skip) + " skipped";
  out += "\n";
  return out;
}

std::string RenderDoctorJson(const std::vector<DoctorCheck>& checks) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& c : checks) {
    list.push_back({{"id", c.id},
                    {"status", std::string(DoctorStatusName(c.status))},
                    {"message", c.message},
                    {"fix", c.fix}});
  }
  nlohmann::ordered_json j = {
      {"schemaVersion", 1}, {"ok", DoctorExitCode(checks) == 0}, {"checks", list}};
  // Messages quote tool output cut by bytes: never throw on invalid UTF-8.
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

int DoctorExitCode(const std::vector<DoctorCheck>& checks) {
  return std::any_of(checks.begin(), checks.end(),
                     [](const DoctorCheck& c) { return c.status == DoctorStatus::kFail; })
             ? 1
             : 0;
}

}  // namespace platformctl
