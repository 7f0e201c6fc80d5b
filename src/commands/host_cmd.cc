// `platformctl host`: not implemented yet (issue 9).
#include "commands/command.h"

namespace platformctl {

void SetupHostCommand(CLI::App& sub, Invocation& inv) { SetupPlannedCommand(sub, inv); }

}  // namespace platformctl
