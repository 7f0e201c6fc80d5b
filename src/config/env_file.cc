// Env-file parser. The grammar (docs/manual.md "Env-file grammar") is a strict subset
// of what bash does with `source FILE`: every accepted line means the same
// here as in bash, except `\n` inside double quotes (a newline here, two
// characters in bash). Anything that bash would execute, expand in a way we
// do not model, or parse differently is rejected with a FILE:LINE:COL error.
//
// The parser is a single left-to-right pass over each line with bounded
// recursion (nested `${A:-${B}}`), so it runs in linear time on any input.

#include "platformctl/env_file.h"

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "platformctl/schema.h"

namespace platformctl {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kExport = "export";
// Deepest `${A:-${B:-...}}` nesting accepted; bounds recursion on hostile input.
constexpr int kMaxNesting = 32;

constexpr std::string_view kNoCommandsHint =
    "platformctl never runs commands from env files; put the literal value";
constexpr std::string_view kQuoteValueHint = "quote the value: KEY=\"a b\"";
constexpr std::string_view kBracedHint =
    "only ${NAME} and ${NAME:-default} are supported; write \\$ or use single quotes for a "
    "literal '$'";
constexpr std::string_view kUnterminatedBraceHint = "close the reference with '}': ${NAME}";
constexpr std::string_view kKeyHint =
    "a key is letters, digits and '_', not starting with a digit ([A-Za-z_][A-Za-z0-9_]*)";
constexpr std::string_view kSpaceAroundEqualsHint = "write KEY=VALUE with no spaces around '='";
constexpr std::string_view kNulMessage = "NUL byte (env files are text)";
constexpr std::string_view kNulHint = "remove the NUL byte";
constexpr std::string_view kTildeHint =
    "write the full path, or quote the value ('~/...') to keep '~' literal";

bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || IsDigit(c); }

void AppendLiteral(ValueTemplate& t, std::string_view text) {
  if (text.empty()) return;
  if (!t.segments.empty() && t.segments.back().kind == ValueSegment::Kind::kLiteral) {
    t.segments.back().text.append(text);
    return;
  }
  ValueSegment seg;
  seg.text = std::string(text);
  t.segments.push_back(std::move(seg));
}

void AppendChar(ValueTemplate& t, char c) { AppendLiteral(t, std::string_view(&c, 1)); }

void AppendVar(ValueTemplate& t, std::string_view name,
               std::shared_ptr<const ValueTemplate> fallback) {
  ValueSegment seg;
  seg.kind = ValueSegment::Kind::kVar;
  seg.text = std::string(name);
  seg.fallback = std::move(fallback);
  t.segments.push_back(std::move(seg));
}

// A problem at byte offset `pos` of the text being parsed.
struct ParseError {
  size_t pos = 0;
  std::string message;
  std::string hint;
};

// Parses one right-hand side (the text after `KEY=`, up to the end of the
// line). The text must not contain '\n' or NUL; callers reject those first.
class ValueParser {
 public:
  explicit ValueParser(std::string_view text) : text_(text) {}

  /// Parses the whole text; on failure returns false and error() says why.
  bool ParseValue(ValueTemplate& out);
  [[nodiscard]] const ParseError& error() const { return error_; }

 private:
  enum class Context { kUnquoted, kDoubleQuoted };

  bool Fail(size_t pos, std::string message, std::string_view hint) {
    error_ = ParseError{pos, std::move(message), std::string(hint)};
    return false;
  }
  bool FailBacktick(size_t pos) {
    return Fail(pos, "command substitution with backticks is not allowed", kNoCommandsHint);
  }
  bool FailTilde(size_t pos) {
    return Fail(pos, "unquoted '~' would be expanded to a home directory by the shell", kTildeHint);
  }
  bool FailUnterminatedBrace(size_t dollar) {
    return Fail(dollar, "unterminated '${' (no closing '}' on this line)", kUnterminatedBraceHint);
  }
  [[nodiscard]] bool HasNext() const { return pos_ + 1 < text_.size(); }

  bool ParseSingleQuoted(ValueTemplate& out);
  bool ParseDoubleQuoted(ValueTemplate& out);
  // Backslash inside double quotes at pos_ (not the last byte of the text).
  void ParseDoubleQuotedEscape(ValueTemplate& out, bool in_default);
  bool ParseDollar(ValueTemplate& out, Context ctx, int depth);
  bool ParseBraced(ValueTemplate& out, Context ctx, int depth);
  bool ParseDefault(ValueTemplate& out, Context ctx, int depth, size_t dollar);

  std::string_view text_;
  size_t pos_ = 0;
  ParseError error_;
};

bool ValueParser::ParseValue(ValueTemplate& out) {
  // bash expands an unquoted '~' at the start of the value and after ':'.
  bool tilde_expands = true;
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (IsBlank(c)) break;
    bool after_colon = false;
    switch (c) {
      case '\'':
        if (!ParseSingleQuoted(out)) return false;
        break;
      case '"':
        if (!ParseDoubleQuoted(out)) return false;
        break;
      case '\\':
        if (!HasNext()) {
          return Fail(pos_, "backslash at the end of the line (line continuation is not supported)",
                      "remove the backslash; values are one line");
        }
        AppendChar(out, text_[pos_ + 1]);
        pos_ += 2;
        break;
      case '$':
        if (!ParseDollar(out, Context::kUnquoted, 0)) return false;
        break;
      case '`':
        return FailBacktick(pos_);
      case ';':
      case '&':
      case '|':
      case '<':
      case '>':
      case '(':
      case ')':
        return Fail(pos_, "unquoted '" + std::string(1, c) + "' is shell syntax", kQuoteValueHint);
      case '~':
        if (tilde_expands) return FailTilde(pos_);
        AppendChar(out, c);
        ++pos_;
        break;
      case ':':
        after_colon = true;
        AppendChar(out, c);
        ++pos_;
        break;
      default:
        AppendChar(out, c);
        ++pos_;
        break;
    }
    tilde_expands = after_colon;
  }
  // Unquoted whitespace ends the value; only a comment may follow.
  size_t value_end = pos_;
  while (pos_ < text_.size() && IsBlank(text_[pos_])) ++pos_;
  if (pos_ < text_.size() && text_[pos_] != '#') {
    // Never echo value text: it may be a secret.
    std::string message = "unexpected text after the value (unquoted whitespace ends a value)";
    if (value_end == 0) {
      return Fail(pos_, std::move(message),
                  "remove the space after '=', or quote the value: KEY=\" a\"");
    }
    return Fail(pos_, std::move(message), kQuoteValueHint);
  }
  return true;
}

bool ValueParser::ParseSingleQuoted(ValueTemplate& out) {
  size_t open = pos_;
  size_t close = text_.find('\'', open + 1);
  if (close == std::string_view::npos) {
    return Fail(open, "unterminated single quote",
                "close the quote on the same line; multi-line values are not supported");
  }
  AppendLiteral(out, text_.substr(open + 1, close - open - 1));
  pos_ = close + 1;
  return true;
}

bool ValueParser::ParseDoubleQuoted(ValueTemplate& out) {
  size_t open = pos_++;
  while (true) {
    if (pos_ >= text_.size() || (text_[pos_] == '\\' && !HasNext())) {
      return Fail(open, "unterminated double quote",
                  "close the quote on the same line; multi-line values are not supported (write "
                  "\\n for a newline)");
    }
    char c = text_[pos_];
    switch (c) {
      case '"':
        ++pos_;
        return true;
      case '\\':
        ParseDoubleQuotedEscape(out, /*in_default=*/false);
        break;
      case '$':
        if (!ParseDollar(out, Context::kDoubleQuoted, 0)) return false;
        break;
      case '`':
        return FailBacktick(pos_);
      default:
        AppendChar(out, c);
        ++pos_;
        break;
    }
  }
}

void ValueParser::ParseDoubleQuotedEscape(ValueTemplate& out, bool in_default) {
  char next = text_[pos_ + 1];
  switch (next) {
    case '"':
    case '\\':
    case '$':
    case '`':
      AppendChar(out, next);
      pos_ += 2;
      return;
    case 'n':
      AppendChar(out, '\n');
      pos_ += 2;
      return;
    case '}':
      if (in_default) {
        AppendChar(out, next);
        pos_ += 2;
        return;
      }
      break;
    default:
      break;
  }
  // Backslash before any other character stays, as in bash.
  AppendChar(out, '\\');
  ++pos_;
}

bool ValueParser::ParseDollar(ValueTemplate& out, Context ctx, int depth) {
  size_t dollar = pos_;
  if (!HasNext()) {
    AppendChar(out, '$');
    ++pos_;
    return true;
  }
  char next = text_[pos_ + 1];
  if (next == '{') return ParseBraced(out, ctx, depth);
  if (next == '(') {
    if (pos_ + 2 < text_.size() && text_[pos_ + 2] == '(') {
      return Fail(dollar, "arithmetic expansion '$((...))' is not supported",
                  "platformctl never evaluates shell code from env files; put the literal value");
    }
    return Fail(dollar, "command substitution '$(...)' is not allowed", kNoCommandsHint);
  }
  if (IsNameStart(next)) {
    size_t end = pos_ + 1;
    while (end < text_.size() && IsNameChar(text_[end])) ++end;
    AppendVar(out, text_.substr(pos_ + 1, end - pos_ - 1), nullptr);
    pos_ = end;
    return true;
  }
  if (IsDigit(next) || std::string_view("@*#?$!-").find(next) != std::string_view::npos) {
    return Fail(dollar, "special parameter '$" + std::string(1, next) + "' is not supported",
                kBracedHint);
  }
  if (ctx == Context::kUnquoted && (next == '\'' || next == '"')) {
    return Fail(dollar, "$'...' and $\"...\" quoting are not supported",
                "use '...' or \"...\" without the '$'");
  }
  // A '$' that starts nothing (before '/', '.', a blank, ...) is literal.
  AppendChar(out, '$');
  ++pos_;
  return true;
}

bool ValueParser::ParseBraced(ValueTemplate& out, Context ctx, int depth) {
  size_t dollar = pos_;
  if (depth >= kMaxNesting) {
    return Fail(dollar, "'${' nested more than " + std::to_string(kMaxNesting) + " levels deep",
                "simplify the value");
  }
  size_t name_pos = pos_ + 2;
  if (name_pos >= text_.size()) return FailUnterminatedBrace(dollar);
  if (!IsNameStart(text_[name_pos])) {
    if (text_[name_pos] == '}') return Fail(name_pos, "empty reference '${}'", kBracedHint);
    return Fail(name_pos, "unsupported expansion (a variable name must follow '${')", kBracedHint);
  }
  size_t end = name_pos;
  while (end < text_.size() && IsNameChar(text_[end])) ++end;
  std::string_view name = text_.substr(name_pos, end - name_pos);
  if (end >= text_.size()) return FailUnterminatedBrace(dollar);
  char c = text_[end];
  if (c == '}') {
    AppendVar(out, name, nullptr);
    pos_ = end + 1;
    return true;
  }
  if (c == ':' && end + 1 < text_.size() && text_[end + 1] == '-') {
    pos_ = end + 2;
    ValueTemplate fallback;
    if (!ParseDefault(fallback, ctx, depth + 1, dollar)) return false;
    AppendVar(out, name, std::make_shared<const ValueTemplate>(std::move(fallback)));
    return true;
  }
  if (c == ':' && end + 1 >= text_.size()) return FailUnterminatedBrace(dollar);
  std::string message = "unsupported expansion '${" + Excerpt(name) +
                        Excerpt(text_.substr(end, c == ':' ? 2 : 1)) + "...}'";
  if (c == '-') {
    return Fail(end, std::move(message),
                "write ${" + Excerpt(name) + ":-default} (used when unset or empty)");
  }
  return Fail(end, std::move(message), kBracedHint);
}

bool ValueParser::ParseDefault(ValueTemplate& out, Context ctx, int depth, size_t dollar) {
  bool tilde_expands = ctx == Context::kUnquoted;
  while (true) {
    if (pos_ >= text_.size()) return FailUnterminatedBrace(dollar);
    char c = text_[pos_];
    bool after_colon = false;
    switch (c) {
      case '}':
        ++pos_;
        return true;
      case '\\':
        if (!HasNext()) return FailUnterminatedBrace(dollar);
        if (ctx == Context::kUnquoted) {
          AppendChar(out, text_[pos_ + 1]);
          pos_ += 2;
        } else {
          ParseDoubleQuotedEscape(out, /*in_default=*/true);
        }
        break;
      case '$':
        if (!ParseDollar(out, ctx, depth)) return false;
        break;
      case '`':
        return FailBacktick(pos_);
      case '"':
        return Fail(pos_, "quotes inside '${NAME:-default}' are not supported",
                    ctx == Context::kUnquoted
                        ? "write the default without quotes (spaces are allowed inside ${...}), "
                          "or escape it: \\\""
                        : "escape it: \\\"");
      case '\'':
        if (ctx == Context::kUnquoted) {
          return Fail(pos_, "quotes inside '${NAME:-default}' are not supported",
                      "write the default without quotes (spaces are allowed inside ${...}), or "
                      "escape it: \\'");
        }
        // Inside double quotes bash keeps a single quote of the default as is.
        AppendChar(out, c);
        ++pos_;
        break;
      case '~':
        if (tilde_expands) return FailTilde(pos_);
        AppendChar(out, c);
        ++pos_;
        break;
      case ':':
        after_colon = ctx == Context::kUnquoted;
        AppendChar(out, c);
        ++pos_;
        break;
      default:
        AppendChar(out, c);
        ++pos_;
        break;
    }
    tilde_expands = after_colon;
  }
}

int ToInt(size_t n) {
  constexpr size_t kMax = 1U << 30;
  return static_cast<int>(n < kMax ? n : kMax);
}

enum class LineKind { kNothing, kAssignment, kError };

// Parses `line` (no '\n', no trailing '\r'): nothing (blank or comment line),
// an assignment (`out` filled, but for its file and line) or an error (`err`).
LineKind ParseLine(std::string_view line, Assignment& out, ParseError& err) {
  if (size_t nul = line.find('\0'); nul != std::string_view::npos) {
    err = {nul, std::string(kNulMessage), std::string(kNulHint)};
    return LineKind::kError;
  }
  size_t p = 0;
  while (p < line.size() && IsBlank(line[p])) ++p;
  if (p == line.size() || line[p] == '#') return LineKind::kNothing;

  size_t statement = p;
  if (line.substr(p, kExport.size()) == kExport && p + kExport.size() < line.size() &&
      IsBlank(line[p + kExport.size()])) {
    p += kExport.size();
    while (p < line.size() && IsBlank(line[p])) ++p;
  }
  size_t eq = line.find('=', p);
  if (eq == std::string_view::npos) {
    err = {p < line.size() ? p : statement, "expected KEY=VALUE (no '=' on this line)",
           "write KEY=VALUE; comment lines start with '#'"};
    return LineKind::kError;
  }
  size_t key_end = p;
  while (key_end < line.size() && line[key_end] != '=' && !IsBlank(line[key_end])) ++key_end;
  std::string_view key = line.substr(p, key_end - p);
  if (key.empty()) {
    err = {p, "missing key before '='", "write KEY=VALUE"};
    return LineKind::kError;
  }
  if (!IsValidEnvKey(key)) {
    size_t bad = 0;
    if (IsNameStart(key[0])) {
      while (bad + 1 < key.size() && IsNameChar(key[bad])) ++bad;
    }
    std::string why = IsDigit(key[bad])
                          ? "a key cannot start with a digit"
                          : "'" + Excerpt(key.substr(bad, 1)) + "' is not allowed in a key";
    // The "key" may be a pasted secret: name the offending character only.
    err = {p + bad, "invalid key: " + why, std::string(kKeyHint)};
    return LineKind::kError;
  }
  if (line[key_end] != '=') {
    // A blank after the key: `KEY =v`, `KEY = v` or `declare -x KEY=v`.
    size_t next = key_end;
    while (next < line.size() && IsBlank(line[next])) ++next;
    if (next < line.size() && line[next] == '=') {
      err = {key_end, "invalid key: space between the key and '='",
             std::string(kSpaceAroundEqualsHint)};
    } else {
      err = {key_end, "expected '=' right after the key",
             "only KEY=VALUE and export KEY=VALUE lines are supported; " +
                 std::string(kSpaceAroundEqualsHint)};
    }
    return LineKind::kError;
  }
  size_t value_start = key_end + 1;
  std::string_view value_text = line.substr(value_start);
  while (!value_text.empty() && IsBlank(value_text.back())) value_text.remove_suffix(1);
  if (value_text == "<redacted>") {
    // Pasted `config show` output: read it as the marker so that the loader
    // reports it as such ('<' would otherwise be a redirection error).
    out.key = std::string(key);
    out.value = ValueTemplate::Literal(std::string(value_text));
    out.loc.col = ToInt(p + 1);
    return LineKind::kAssignment;
  }
  ValueParser parser(line.substr(value_start));
  ValueTemplate value;
  if (!parser.ParseValue(value)) {
    err = parser.error();
    err.pos += value_start;
    if (LooksSecret(key)) {
      // The parser's message may quote the value; a secret's never is.
      err.message = "the value of " + std::string(key) +
                    " is not valid env-file syntax here (the value is not shown: it is secret)";
      err.hint = "put the whole value in single quotes, " + std::string(key) +
                 "='...': everything inside is literal ('$' too)";
    }
    return LineKind::kError;
  }
  out.key = std::string(key);
  out.value = std::move(value);
  out.loc.col = ToInt(p + 1);
  return LineKind::kAssignment;
}

void CollectReferences(const ValueTemplate& t, std::vector<std::string>& names,
                       std::unordered_set<std::string>& seen) {
  for (const ValueSegment& seg : t.segments) {
    if (seg.kind != ValueSegment::Kind::kVar) continue;
    if (seen.insert(seg.text).second) names.push_back(seg.text);
    if (seg.fallback) CollectReferences(*seg.fallback, names, seen);
  }
}

}  // namespace

ValueTemplate ValueTemplate::Literal(std::string text) {
  ValueTemplate t;
  AppendLiteral(t, text);
  return t;
}

bool ValueTemplate::IsLiteral() const {
  for (const ValueSegment& seg : segments) {
    if (seg.kind != ValueSegment::Kind::kLiteral) return false;
  }
  return true;
}

std::string ValueTemplate::Display() const {
  std::string out;
  for (const ValueSegment& seg : segments) {
    if (seg.kind == ValueSegment::Kind::kLiteral) {
      out += seg.text;
      continue;
    }
    out += "${";
    out += seg.text;
    if (seg.fallback) {
      out += ":-";
      out += seg.fallback->Display();
    }
    out += '}';
  }
  return out;
}

std::vector<std::string> ValueTemplate::References() const {
  std::vector<std::string> names;
  std::unordered_set<std::string> seen;
  CollectReferences(*this, names, seen);
  return names;
}

bool IsValidEnvKey(std::string_view key) {
  if (key.empty() || !IsNameStart(key[0])) return false;
  for (char c : key) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

void ParseEnvFile(std::string_view text, const std::string& path, Diagnostics& diags,
                  const std::function<void(Assignment&&)>& sink) {
  if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());
  // Hash of a key -> line of its last assignment: 16 bytes a key, whatever
  // the key's length (hostile files with millions of keys stay small).
  std::unordered_map<size_t, int> last_line;
  int line_no = 0;
  size_t start = 0;
  while (true) {
    size_t newline = text.find('\n', start);
    size_t end = newline == std::string_view::npos ? text.size() : newline;
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line_no < (1 << 30)) ++line_no;

    Assignment assignment;
    ParseError err;
    switch (ParseLine(line, assignment, err)) {
      case LineKind::kNothing:
        break;
      case LineKind::kError:
        diags.Error(std::move(err.message), SourceLoc{path, line_no, ToInt(err.pos + 1)},
                    std::move(err.hint));
        break;
      case LineKind::kAssignment: {
        assignment.loc.file = path;
        assignment.loc.line = line_no;
        auto [it, inserted] =
            last_line.try_emplace(std::hash<std::string>{}(assignment.key), line_no);
        if (!inserted) {
          if (diags.Accepts(Severity::kWarning)) {
            diags.Warning("'" + Excerpt(assignment.key) +
                              "' is assigned twice in this file (line " +
                              std::to_string(it->second) + " and line " + std::to_string(line_no) +
                              "); the later value wins",
                          assignment.loc, "remove one of the two assignments");
          } else {
            diags.Warning({});
          }
          it->second = line_no;
        }
        sink(std::move(assignment));
        break;
      }
    }
    if (newline == std::string_view::npos) break;
    start = newline + 1;
  }
}

EnvFile ParseEnvFile(std::string_view text, const std::string& path, Diagnostics& diags) {
  EnvFile file;
  file.path = path;
  ParseEnvFile(text, path, diags,
               [&file](Assignment&& a) { file.assignments.push_back(std::move(a)); });
  return file;
}

ValueTemplate ParseEnvValue(std::string_view text, const SourceLoc& where, Diagnostics& diags) {
  ParseError err;
  bool failed = false;
  if (size_t bad = text.find_first_of(std::string_view("\0\n", 2)); bad != std::string_view::npos) {
    failed = true;
    err.pos = bad;
    if (text[bad] == '\0') {
      err.message = kNulMessage;
      err.hint = kNulHint;
    } else {
      err.message = "line break in value (values are one line)";
      err.hint = "write \\n inside double quotes for a newline: KEY=\"a\\nb\"";
    }
  }
  ValueTemplate value;
  if (!failed) {
    ValueParser parser(text);
    if (parser.ParseValue(value)) return value;
    err = parser.error();
  }
  SourceLoc loc = where;
  if (loc.line > 0) {
    loc.col = (loc.col > 0 ? loc.col : 1) + ToInt(err.pos);
  } else {
    err.message += " (at character " + std::to_string(err.pos + 1) + " of the value)";
  }
  diags.Error(std::move(err.message), std::move(loc), std::move(err.hint));
  return {};
}

}  // namespace platformctl
