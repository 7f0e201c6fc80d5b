// `platformctl completion`: not implemented yet (issue 10).
#include "commands/command.h"

namespace platformctl {

void SetupCompletionCommand(CLI::App& sub, Invocation& inv) { SetupPlannedCommand(sub, inv); }

}  // namespace platformctl
