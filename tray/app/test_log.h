// For end-to-end tests only: when DLP_TRAY_TEST_LOG names a file, the tray appends one line per
// thing a test must see (state, notifications, scans, swaps, windows). Lines carry labels, action
// names, incident ids and the notification text (built from masked values): never clipboard text.
//
// Thread safety: main thread only.
#ifndef DLP_TRAY_APP_TEST_LOG_H_
#define DLP_TRAY_APP_TEST_LOG_H_

#include <QString>

namespace dlp::tray {

void TestLog(const QString& line);

}  // namespace dlp::tray

#endif  // DLP_TRAY_APP_TEST_LOG_H_
