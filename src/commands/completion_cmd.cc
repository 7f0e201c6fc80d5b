// `platformctl completion bash|zsh|fish`: completion scripts generated from
// the CLI11 app that BuildCli builds (commands, subcommands, their flags and
// the global ones), so a new flag or command completes without editing a
// list. Values that depend on the repo (phase names and step ids for
// --only/--from, profiles, check ids, config keys) come from the hidden
// helper `platformctl completion __values KIND` at completion time.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "commands/command.h"
#include "platformctl/exit_code.h"
#include "platformctl/schema.h"
#include "platformctl/verify.h"

namespace platformctl {
namespace {

constexpr std::string_view kShells[] = {"bash", "zsh", "fish"};

struct OptionInfo {
  std::vector<std::string> names;  ///< "-o", "--output"
  std::string description;
  bool takes_value = false;
};

struct Node {
  std::string path;  ///< "" (root), "config", "config show"
  std::string description;
  std::vector<std::string> subcommands;
  std::vector<OptionInfo> options;  ///< own and inherited (global) ones
};

std::vector<OptionInfo> OwnOptions(const CLI::App& app) {
  std::vector<OptionInfo> out;
  for (const CLI::Option* o : app.get_options()) {
    if (!o->nonpositional() || o->get_group().empty()) continue;
    OptionInfo info;
    for (const auto& s : o->get_snames()) info.names.push_back("-" + s);
    for (const auto& l : o->get_lnames()) info.names.push_back("--" + l);
    info.description = o->get_description();
    info.takes_value = o->get_items_expected_max() > 0;
    out.push_back(std::move(info));
  }
  return out;
}

void Walk(const CLI::App& app, const std::string& path, std::vector<OptionInfo> inherited,
          std::vector<Node>& out) {
  Node node;
  node.path = path;
  node.description = app.get_description();
  std::set<std::string> seen;
  for (auto& o : OwnOptions(app)) {
    for (const auto& n : o.names) seen.insert(n);
    node.options.push_back(o);
  }
  for (auto& o : inherited) {
    if (std::none_of(o.names.begin(), o.names.end(),
                     [&](const std::string& n) { return seen.count(n) > 0; })) {
      node.options.push_back(o);
    }
  }
  std::vector<const CLI::App*> subs;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_group().empty() || sub->get_name().rfind("__", 0) == 0) continue;
    node.subcommands.push_back(sub->get_name());
    subs.push_back(sub);
  }
  const std::vector<OptionInfo> passed = node.options;
  out.push_back(std::move(node));
  for (const CLI::App* sub : subs) {
    Walk(*sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(), passed, out);
  }
}

std::vector<Node> Collect(const CLI::App& root) {
  std::vector<Node> out;
  Walk(root, "", {}, out);
  return out;
}

/// What `-o` accepts, per command (RequireFormat in each command file).
std::string_view FormatsFor(const std::string& path) {
  if (path == "config show") return "text json yaml env";
  if (path == "verify") return "text json junit";
  if (path == "version" || path == "diagnostics" || path.rfind("dns", 0) == 0) return "text json";
  if (path == "apply" || path == "delete" || path == "host apply" || path == "host delete" ||
      path.rfind("flux", 0) == 0)
    return "text json yaml";  // json/yaml with --dry-run only
  return "text json yaml";
}

std::string Join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

// The part shared by bash and zsh: plain POSIX sh constructs plus `local`,
// so both shells run it unchanged. No variable named `path` (zsh ties it to
// PATH). Prints the candidates for the current word, one per line;
// __FILES__ / __DIRS__ ask the wrapper for file or directory completion.
std::string SharedShell(const std::vector<Node>& nodes) {
  std::string s;
  s += "_platformctl_is_cmd() {\n  case \"$1\" in\n";
  for (const auto& n : nodes) {
    if (!n.path.empty()) s += "    \"" + n.path + "\") return 0 ;;\n";
  }
  s += "  esac\n  return 1\n}\n\n";

  s += "_platformctl_valued() {\n  case \"$1:$2\" in\n";
  for (const auto& n : nodes) {
    std::vector<std::string> pats;
    for (const auto& o : n.options) {
      if (!o.takes_value) continue;
      for (const auto& name : o.names) pats.push_back("\"" + n.path + ":" + name + "\"");
    }
    if (!pats.empty()) s += "    " + Join(pats, "|") + ") return 0 ;;\n";
  }
  s += "  esac\n  return 1\n}\n\n";

  s += "_platformctl_words() {\n  case \"$1\" in\n";
  for (const auto& n : nodes) {
    std::vector<std::string> words = n.subcommands;
    if (n.path == "completion")
      for (auto sh : kShells) words.emplace_back(sh);
    s += "    \"" + n.path + "\") printf '%s\\n'";
    for (const auto& w : words) s += " " + w;
    s += words.empty() ? " \"\" ;;\n" : " ;;\n";
  }
  s += "  esac\n}\n\n";

  s += "_platformctl_flags() {\n  case \"$1\" in\n";
  for (const auto& n : nodes) {
    std::vector<std::string> names;
    for (const auto& o : n.options)
      for (const auto& name : o.names) names.push_back(name);
    s += "    \"" + n.path + "\") printf '%s\\n' " + Join(names, " ") + " ;;\n";
  }
  s += "  esac\n}\n\n";

  s += "_platformctl_formats() {\n  case \"$1\" in\n";
  for (const auto& n : nodes) {
    s += "    \"" + n.path + "\") printf '%s\\n' " + std::string(FormatsFor(n.path)) + " ;;\n";
  }
  s += "  esac\n}\n\n";

  s += R"SH(# The hidden helper, with the -C/-p of the command line being completed.
_platformctl_helper() {
  local prog="$1" repo="$2" profile="$3"
  shift 3
  if [ -n "$repo" ] && [ -n "$profile" ]; then
    "$prog" -C "$repo" -p "$profile" completion __values "$@" 2>/dev/null
  elif [ -n "$repo" ]; then
    "$prog" -C "$repo" completion __values "$@" 2>/dev/null
  elif [ -n "$profile" ]; then
    "$prog" -p "$profile" completion __values "$@" 2>/dev/null
  else
    "$prog" completion __values "$@" 2>/dev/null
  fi
}

# _platformctl_cands PROG CUR WORDS...: WORDS are the words between the
# program and the word being completed.
_platformctl_cands() {
  local prog="$1" cur="$2" cmdpath="" w="" opt="" skip=0 repo="" profile="" mode="apply"
  local withhost="" pre="" l=""
  shift 2
  for w in "$@"; do
    if [ "$skip" = 1 ]; then
      skip=0
      case "$opt" in
        -C|--repo) repo="$w" ;;
        -p|--profile) profile="$w" ;;
      esac
      continue
    fi
    case "$w" in
      --delete) mode="delete" ;;
      --with-host) withhost="with-host" ;;
      --repo=*) repo="${w#*=}" ;;
      --profile=*) profile="${w#*=}" ;;
      --*=*) ;;
      -*) if _platformctl_valued "$cmdpath" "$w"; then skip=1; opt="$w"; fi ;;
      *) if [ -z "$cmdpath" ] && _platformctl_is_cmd "$w"; then cmdpath="$w";
         elif [ -n "$cmdpath" ] && _platformctl_is_cmd "$cmdpath $w"; then cmdpath="$cmdpath $w"; fi ;;
    esac
  done
  if [ "$skip" != 1 ]; then
    case "$cur" in
      -*) _platformctl_flags "$cmdpath"; return 0 ;;
    esac
    _platformctl_words "$cmdpath"
    return 0
  fi
  case "$cmdpath" in
    delete|"host delete") mode="delete" ;;
  esac
  case "$opt" in
    -o|--output) _platformctl_formats "$cmdpath" ;;
    -p|--profile)
      _platformctl_helper "$prog" "$repo" "" profiles
      printf '%s\n' __FILES__ ;;
    -C|--repo|--root|--out) printf '%s\n' __DIRS__ ;;
    --kubeconfig|--report) printf '%s\n' __FILES__ ;;
    --context) kubectl config get-contexts -o name 2>/dev/null ;;
    --set) _platformctl_helper "$prog" "$repo" "$profile" keys ;;
    --only|--from)
      case "$cur" in
        *,*) pre="${cur%,*}," ;;
      esac
      case "$cmdpath" in
        verify) _platformctl_helper "$prog" "$repo" "$profile" checks ;;
        host|"host "*) _platformctl_helper "$prog" "$repo" "$profile" selectors host ;;
        *) _platformctl_helper "$prog" "$repo" "$profile" selectors "$mode" $withhost ;;
      esac | while IFS= read -r l; do printf '%s%s\n' "$pre" "$l"; done ;;
  esac
  return 0
}
)SH";
  return s;
}

std::string BashScript(const std::vector<Node>& nodes) {
  std::string s =
      "# bash completion for platformctl (generated by `platformctl completion bash`)\n"
      "# Load it with: source <(platformctl completion bash)\n\n";
  s += SharedShell(nodes);
  s += R"SH(
_platformctl_completion_fn() {
  local cur="${COMP_WORDS[COMP_CWORD]}" c
  local -a cands
  mapfile -t cands < <(_platformctl_cands "${COMP_WORDS[0]}" "$cur" "${COMP_WORDS[@]:1:COMP_CWORD-1}")
  COMPREPLY=()
  for c in "${cands[@]}"; do
    case "$c" in
      __FILES__|__DIRS__)
        compopt -o filenames 2>/dev/null
        if [ "$c" = __FILES__ ]; then
          mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "$cur")
        else
          mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -d -- "$cur")
        fi ;;
      "") ;;
      "$cur"*) COMPREPLY+=("$c") ;;
    esac
  done
  if [ "${#COMPREPLY[@]}" = 1 ]; then
    case "${COMPREPLY[0]}" in
      *=) compopt -o nospace 2>/dev/null ;;
    esac
  fi
  return 0
}
complete -F _platformctl_completion_fn platformctl
)SH";
  return s;
}

std::string ZshScript(const std::vector<Node>& nodes) {
  std::string s =
      "#compdef platformctl\n"
      "# zsh completion for platformctl (generated by `platformctl completion zsh`)\n"
      "# Put it on $fpath as _platformctl, or: source <(platformctl completion zsh)\n\n";
  s += SharedShell(nodes);
  s += R"SH(
_platformctl() {
  local c cur="${words[CURRENT]}"
  local -a cands plain
  cands=("${(@f)$(_platformctl_cands "${words[1]}" "$cur" "${(@)words[2,CURRENT-1]}")}")
  for c in "${cands[@]}"; do
    case "$c" in
      __FILES__) _files ;;
      __DIRS__) _files -/ ;;
      "") ;;
      *) plain+=("$c") ;;
    esac
  done
  (( ${#plain} )) && compadd -Q -- "${plain[@]}"
  return 0
}

if [ "$funcstack[1]" = "_platformctl" ]; then
  _platformctl "$@"
elif (( $+functions[compdef] )); then
  compdef _platformctl platformctl
fi
)SH";
  return s;
}

std::string FishQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string FishScript(const std::vector<Node>& nodes) {
  std::string s =
      "# fish completion for platformctl (generated by `platformctl completion fish`)\n"
      "# Load it with: platformctl completion fish | source\n\n";
  std::vector<std::string> cmds;
  std::vector<std::string> valued;
  for (const auto& n : nodes) {
    if (!n.path.empty()) cmds.push_back(FishQuote(n.path));
    for (const auto& o : n.options) {
      if (!o.takes_value) continue;
      for (const auto& name : o.names) valued.push_back(FishQuote(n.path + ":" + name));
    }
  }
  s += "set -g __platformctl_cmds " + Join(cmds, " ") + "\n";
  s += "set -g __platformctl_valued " + Join(valued, " ") + "\n\n";
  s += R"SH(function __platformctl_path
    set -l toks (commandline -opc)
    set -e toks[1]
    set -l p ''
    set -l skip 0
    for w in $toks
        if test $skip = 1
            set skip 0
            continue
        end
        switch $w
            case '--*=*'
            case '-*'
                if contains -- "$p:$w" $__platformctl_valued
                    set skip 1
                end
            case '*'
                set -l np (string trim -- "$p $w")
                if contains -- "$np" $__platformctl_cmds
                    set p $np
                end
        end
    end
    echo $p
end

function __platformctl_at
    set -l p (__platformctl_path)
    test "$p" = "$argv[1]"
end

# Values from the hidden helper, with the -C/-p of the command line.
function __platformctl_values
    set -l toks (commandline -opc)
    set -l args
    for i in (seq 2 (count $toks))
        switch $toks[$i]
            case -C --repo -p --profile
                set -l j (math $i + 1)
                if test $j -le (count $toks)
                    set args $args $toks[$i] $toks[$j]
                end
        end
    end
    set -l pre (string match -r '^.*,' -- (commandline -ct))
    for v in ($toks[1] $args completion __values $argv 2>/dev/null)
        echo "$pre$v"
    end
end

function __platformctl_mode
    set -l toks (commandline -opc)
    if contains -- --delete $toks; or contains -- delete $toks
        echo delete
    else
        echo apply
    end
end

complete -c platformctl -f
)SH";
  for (const auto& n : nodes) {
    const std::string at = "-n " + FishQuote("__platformctl_at " + FishQuote(n.path));
    for (const auto& sub : n.subcommands) {
      std::string desc;
      for (const auto& m : nodes) {
        if (m.path == (n.path.empty() ? sub : n.path + " " + sub)) desc = m.description;
      }
      s += "complete -c platformctl " + at + " -a " + sub + " -d " + FishQuote(desc) + "\n";
    }
    if (n.path == "completion") {
      for (auto sh : kShells)
        s += "complete -c platformctl " + at + " -a " + std::string(sh) + "\n";
    }
    for (const auto& o : n.options) {
      std::string line = "complete -c platformctl " + at;
      bool is_long = false;
      std::string longname;
      for (const auto& name : o.names) {
        if (name.rfind("--", 0) == 0) {
          line += " -l " + name.substr(2);
          longname = name;
          is_long = true;
        } else {
          line += " -s " + name.substr(1);
        }
      }
      if (!is_long && o.names.empty()) continue;
      if (o.takes_value) {
        line += " -x";  // -r -f: paths only where they are asked for
        std::string values;
        if (longname == "--output") {
          values = std::string(FormatsFor(n.path));
        } else if (longname == "--profile") {
          values = "(__platformctl_values profiles) (__fish_complete_path)";
        } else if (longname == "--only" || longname == "--from") {
          if (n.path == "verify") {
            values = "(__platformctl_values checks)";
          } else if (n.path.rfind("host", 0) == 0) {
            values = "(__platformctl_values selectors host)";
          } else {
            values = "(__platformctl_values selectors (__platformctl_mode))";
          }
        } else if (longname == "--set") {
          values = "(__platformctl_values keys)";
        } else if (longname == "--context") {
          values = "(kubectl config get-contexts -o name 2>/dev/null)";
        } else if (longname == "--repo" || longname == "--root" || longname == "--out") {
          values = "(__fish_complete_directories)";
        } else {
          values = "(__fish_complete_path)";
        }
        line += " -a " + FishQuote(values);
      }
      line += " -d " + FishQuote(o.description);
      s += line + "\n";
    }
  }
  return s;
}

// `completion __values KIND`: one candidate per line; never fails loudly
// (completion must not print errors into the user's prompt).
void PrintValues(Invocation& inv, const std::vector<std::string>& args) {
  const std::string kind = args.size() > 1 ? args[1] : "";
  GlobalOptions g = inv.global;
  g.quiet = true;
  if (kind == "profiles") {
    std::string error;
    auto root = FindRepoRoot(g.repo, error);
    if (!root) return;
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(*root + "/profiles", ec)) {
      const std::string name = e.path().filename().string();
      if (name.size() > 4 && name.ends_with(".env")) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    for (const auto& n : names) std::cout << n.substr(0, n.size() - 4) << "\n";
    for (const auto& n : names) std::cout << "profiles/" << n << "\n";
  } else if (kind == "selectors") {
    const std::string mode = args.size() > 2 ? args[2] : "apply";
    if (mode == "host") {
      for (const char* t : {"packages", "dns", "k3s"}) std::cout << t << "\n";
      return;
    }
    PlanFlags flags;
    flags.delete_mode = mode == "delete";
    flags.with_host = std::find(args.begin(), args.end(), "with-host") != args.end();
    std::vector<std::string> selectors;
    try {
      selectors = ValidSelectors(BuildSelectedPlan(g, flags));
    } catch (const std::exception&) {
      // No repo or a broken config: the phase names still help.
      for (auto p : flags.delete_mode ? DeletePhases() : ApplyPhases()) selectors.emplace_back(p);
    }
    for (const auto& s : selectors) std::cout << s << "\n";
  } else if (kind == "checks") {
    std::vector<std::string> ids;
    try {
      Config config = LoadForCommand(g, ValidateMode::kLenient, "missing-required");
      for (const auto& c : ChecksFor(config, true)) ids.push_back(c.id);
    } catch (const std::exception&) {
      for (const auto& row : CheckRegistry()) {
        if (!row.id.starts_with("{")) ids.emplace_back(row.id);
      }
    }
    for (const auto& id : ids) std::cout << id << "\n";
  } else if (kind == "keys") {
    for (const auto& k : ConfigKeys()) std::cout << k.name << "=\n";
  }
}

std::string CompletionScript(const CLI::App& root, std::string_view shell) {
  const auto nodes = Collect(root);
  if (shell == "bash") return BashScript(nodes);
  if (shell == "zsh") return ZshScript(nodes);
  if (shell == "fish") return FishScript(nodes);
  return {};
}

}  // namespace

void SetupCompletionCommand(CLI::App& sub, Invocation& inv) {
  auto args = std::make_shared<std::vector<std::string>>();
  sub.add_option("shell", *args, "bash, zsh or fish")->type_name("SHELL");
  Describe(
      sub,
      "  source <(platformctl completion bash)                 # this shell\n"
      "  platformctl completion bash > ~/.local/share/bash-completion/completions/platformctl\n"
      "  platformctl completion zsh > \"${fpath[1]}/_platformctl\"\n"
      "  platformctl completion fish > ~/.config/fish/completions/platformctl.fish\n");
  sub.callback([&sub, &inv, args] {
    if (!args->empty() && (*args)[0] == "__values") {
      PrintValues(inv, *args);
      return;
    }
    if (args->size() != 1 ||
        std::find(std::begin(kShells), std::end(kShells), (*args)[0]) == std::end(kShells)) {
      throw CommandError(kExitUsage, "completion takes one shell: bash, zsh or fish");
    }
    RequireFormat(inv.global, {OutputFormat::kText});
    const CLI::App* root = &sub;
    while (root->get_parent() != nullptr) root = root->get_parent();
    std::cout << CompletionScript(*root, (*args)[0]);
  });
}

}  // namespace platformctl
