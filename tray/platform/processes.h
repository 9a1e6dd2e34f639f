// The current user's running processes, by name: how the tray knows a browser runs (to say
// "browser extension missing") and which program owns a window. linux/ reads /proc.
//
// Thread safety: reentrant.
#ifndef DLP_TRAY_PLATFORM_PROCESSES_H_
#define DLP_TRAY_PLATFORM_PROCESSES_H_

#include <QString>
#include <QStringList>

namespace dlp::tray {

// Names (the executable's base name, and the kernel's short name when it differs) of every
// process of the calling user.
QStringList UserProcessNames();
// The executable's base name of `pid`, or empty.
QString ProcessName(qint64 pid);

}  // namespace dlp::tray

#endif  // DLP_TRAY_PLATFORM_PROCESSES_H_
