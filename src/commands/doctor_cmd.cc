// `platformctl doctor`: not implemented yet (issue 10).
#include "commands/command.h"

namespace platformctl {

void SetupDoctorCommand(CLI::App& sub, Invocation& inv) { SetupPlannedCommand(sub, inv); }

}  // namespace platformctl
