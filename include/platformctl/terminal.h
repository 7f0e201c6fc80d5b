#pragma once
/// Terminal capabilities for stderr output (colour), following the usual
/// conventions: CLICOLOR_FORCE forces colour, NO_COLOR / --no-color /
/// TERM=dumb disable it, otherwise colour only on a terminal.

#include <string>
#include <string_view>

#include "platformctl/diagnostics.h"

namespace platformctl {

/// Whether stderr output should be coloured. `env` returns nullptr for unset.
bool StderrWantsColor(bool no_color_flag, const char* (*env)(const char*), bool stderr_is_tty);

/// Diagnostics::Format with the severity word coloured (red error, yellow warning).
std::string FormatDiagnostic(const Diagnostic& d, bool color);

}  // namespace platformctl
