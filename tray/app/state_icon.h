// The tray icon for each state, drawn rather than shipped as files: a shield, green with a tick
// (protected), amber with "!" (a warning waits), red with a cross (protection unavailable).
//
// Thread safety: main thread only (QPixmap).
#ifndef DLP_TRAY_APP_STATE_ICON_H_
#define DLP_TRAY_APP_STATE_ICON_H_

#include <QIcon>

#include "core/tray_state.h"

namespace dlp::tray {

QIcon StateIcon(TrayState state);

}  // namespace dlp::tray

#endif  // DLP_TRAY_APP_STATE_ICON_H_
