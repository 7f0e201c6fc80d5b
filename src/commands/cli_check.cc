// The command-line check that runs before CLI11 parses: unknown commands and
// flags with a did-you-mean, empty or flag-like values, `help COMMAND`. Every
// message is ours; CLI11's wording never reaches users for these mistakes.
#include <algorithm>
#include <string>
#include <vector>

#include "commands/command.h"
#include "platformctl/diagnostics.h"
#include "platformctl/exit_code.h"
#include "platformctl/suggest.h"

namespace platformctl {
namespace {

// Flags whose value may not be empty, and flags whose value may not look
// like a flag (a forgotten value would swallow the next flag).
bool MustNotBeEmpty(const CLI::Option& opt) {
  for (const char* name : {"--only", "--from", "--profile", "--output", "--repo", "--context",
                           "--kubeconfig", "--set"}) {
    if (opt.check_name(name)) return true;
  }
  return false;
}
bool MustNotStartWithDash(const CLI::Option& opt) {
  return opt.check_name("--context") || opt.check_name("--kubeconfig") ||
         opt.check_name("--profile") || opt.check_name("--repo");
}

std::string CommandPath(const CLI::App* app) {
  std::vector<std::string> names;
  for (const CLI::App* a = app; a != nullptr; a = a->get_parent()) names.push_back(a->get_name());
  std::string out;
  for (auto it = names.rbegin(); it != names.rend(); ++it) out += (out.empty() ? "" : " ") + *it;
  return out;
}

std::string HelpHint(const CLI::App* app) {
  return "run '" + CommandPath(app) + " --help' for usage and examples";
}

[[noreturn]] void Fail(const std::string& message, const CLI::App* app) {
  throw CommandError(kExitUsage, message + "\n" + HelpHint(app));
}

// Option named `name` on `app` or an ancestor (global flags fall through).
const CLI::Option* FindOption(const CLI::App* app, const std::string& name) {
  for (const CLI::App* a = app; a != nullptr; a = a->get_parent()) {
    if (const CLI::Option* o = a->get_option_no_throw(name)) return o;
  }
  return nullptr;
}

std::vector<std::string> FlagNames(const CLI::App* app, bool long_names) {
  std::vector<std::string> out;
  for (const CLI::App* a = app; a != nullptr; a = a->get_parent()) {
    for (const CLI::Option* o : a->get_options()) {
      for (const auto& n : long_names ? o->get_lnames() : o->get_snames()) {
        out.push_back((long_names ? "--" : "-") + n);
      }
    }
  }
  return out;
}

std::vector<std::string> SubcommandNames(const CLI::App* app) {
  std::vector<std::string> out;
  for (const CLI::App* s : app->get_subcommands({})) out.push_back(s->get_name());
  return out;
}

std::string DidYouMean(const std::string& word, const std::vector<std::string>& candidates,
                       const std::string& quote) {
  std::vector<std::string_view> views(candidates.begin(), candidates.end());
  if (auto s = SuggestClosest(word, views))
    return " (did you mean " + quote + std::string(*s) + quote + "?)";
  return {};
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

void CheckValue(const CLI::Option& opt, const std::string& shown, const std::string& value,
                const CLI::App* app) {
  if (value.empty() && MustNotBeEmpty(opt)) {
    Fail(
        shown + " needs a non-empty value (an empty " + shown + " would silently mean 'not given')",
        app);
  }
  if (!value.empty() && value[0] == '-' && MustNotStartWithDash(opt)) {
    Fail(shown + " " + Excerpt(value) +
             ": the value starts with '-', so a value is probably missing",
         app);
  }
}

}  // namespace

void CheckCommandLine(const CLI::App& root, std::vector<std::string>& args) {
  // `platformctl help [COMMAND...]` is `platformctl [COMMAND...] --help`.
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].starts_with("-")) {
      const std::string& t = args[i];
      const bool is_long = t.starts_with("--");
      const std::string name = is_long ? t.substr(0, t.find('=')) : t.substr(0, 2);
      const CLI::Option* o = FindOption(&root, name);
      const bool inline_value = is_long ? t.find('=') != std::string::npos : t.size() > 2;
      if (o != nullptr && o->get_items_expected_max() > 0 && !inline_value) ++i;  // its value
      continue;
    }
    if (args[i] == "help") {
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i));
      args.emplace_back("--help");
    }
    break;
  }

  const CLI::App* cur = &root;
  bool help = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& tok = args[i];
    if (tok == "--") break;
    if (tok.size() > 1 && tok[0] == '-') {
      const bool is_long = tok.starts_with("--");
      const std::string name = is_long ? tok.substr(0, tok.find('=')) : tok.substr(0, 2);
      const CLI::Option* opt = FindOption(cur, name);
      if (opt == nullptr) {
        Fail("unknown flag " + Excerpt(name) + " for '" + CommandPath(cur) + "'" +
                 DidYouMean(name, FlagNames(cur, is_long || name.size() > 2), ""),
             cur);
      }
      if (opt == cur->get_help_ptr() || opt->check_name("--help") || opt->check_name("--help-all"))
        help = true;
      if (opt->get_items_expected_max() == 0) {
        if (is_long && tok.find('=') != std::string::npos)
          Fail(name + " is a switch and takes no value", cur);
        // Combined short switches (-vq): each must be a switch.
        for (size_t k = 2; !is_long && k < tok.size(); ++k) {
          const CLI::Option* o = FindOption(cur, std::string("-") + tok[k]);
          if (o == nullptr || o->get_items_expected_max() > 0)
            Fail("unknown flag -" + Excerpt(tok.substr(k, 1)) + " in " + Excerpt(tok), cur);
        }
        continue;
      }
      std::string value;
      if (is_long && tok.find('=') != std::string::npos) {
        value = tok.substr(tok.find('=') + 1);
      } else if (!is_long && tok.size() > 2) {
        value = tok.substr(2);
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        Fail(name + " needs a value", cur);
      }
      CheckValue(*opt, name, value, cur);
      continue;
    }
    // A word: a (sub)command, or an argument of a command that takes some.
    if (cur->get_subcommands({}).empty()) {
      if (cur->get_allow_extras()) break;
      // A command with positional arguments (completion SHELL) takes the word.
      if (!cur->get_options([](const CLI::Option* o) { return !o->nonpositional(); }).empty())
        continue;
      Fail("unexpected argument '" + Excerpt(tok) + "' for '" + CommandPath(cur) + "'", cur);
    }
    const CLI::App* sub = nullptr;
    for (const CLI::App* s : cur->get_subcommands({})) {
      if (s->get_name() == tok) sub = s;
    }
    if (sub == nullptr) {
      const auto names = SubcommandNames(cur);
      Fail("unknown command '" + Excerpt(tok) + "'" +
               (cur == &root ? "" : " for '" + CommandPath(cur) + "'") +
               DidYouMean(tok, names, "'") + "; commands: " + Join(names),
           cur);
    }
    cur = sub;
    if (cur->get_allow_extras()) break;  // planned commands: their flags are not known yet
  }
  if (help) return;
  if (!cur->get_subcommands({}).empty() && cur->get_require_subcommand_min() > 0) {
    Fail(std::string(cur == &root ? "missing command"
                                  : "'" + CommandPath(cur) + "' needs a subcommand") +
             "; one of: " + Join(SubcommandNames(cur)),
         cur);
  }
}

}  // namespace platformctl
