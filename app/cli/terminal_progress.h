#pragma once
// A one-line progress bar on stderr for long commands; silent when stderr is not a terminal, so
// logs and pipes get only the final summaries.

#include "core/common/cancellation.h"

namespace backdrop::cli {

bool stderr_is_terminal();

// A ProgressSink drawing `message [#####     ]  42% (done/total)`, or a running count when the
// total is unknown; an empty sink when stderr is not a terminal.
ProgressSink terminal_progress();

}  // namespace backdrop::cli
