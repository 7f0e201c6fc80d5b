// `platformctl dns`: not implemented yet (issue 9).
#include "commands/command.h"

namespace platformctl {

void SetupDnsCommand(CLI::App& sub, Invocation& inv) { SetupPlannedCommand(sub, inv); }

}  // namespace platformctl
