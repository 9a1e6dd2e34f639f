// No focus tracking on this windowing system yet: the clipboard hook still scans and notifies,
// but cannot swap content for a guarded application.
#include "platform/active_window.h"

namespace dlp::tray {

std::unique_ptr<ActiveWindowProbe> ActiveWindowProbe::Create() { return nullptr; }

}  // namespace dlp::tray
