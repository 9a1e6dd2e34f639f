// /proc: every process directory owned by our uid; the name from /proc/PID/exe (readable for our
// own processes) and /proc/PID/comm (truncated to 15 bytes by the kernel, so exe comes first).
#include <sys/stat.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include "platform/processes.h"

namespace dlp::tray {
namespace {

QStringList NamesOf(const QString& dir) {
  QStringList out;
  const QString exe = QFileInfo(dir + "/exe").symLinkTarget();
  if (!exe.isEmpty()) out << QFileInfo(exe.endsWith(" (deleted)") ? exe.chopped(10) : exe).fileName();
  QFile comm(dir + "/comm");
  if (comm.open(QIODevice::ReadOnly)) {
    const QString c = QString::fromUtf8(comm.readAll()).trimmed();
    if (!c.isEmpty() && !out.contains(c)) out << c;
  }
  return out;
}

}  // namespace

QStringList UserProcessNames() {
  QStringList out;
  const uid_t me = getuid();
  const QStringList pids = QDir("/proc").entryList(QDir::Dirs | QDir::NoDotAndDotDot);
  for (const QString& p : pids) {
    bool numeric = false;
    p.toLongLong(&numeric);
    if (!numeric) continue;
    const QString dir = "/proc/" + p;
    struct stat st;
    if (stat(QFile::encodeName(dir).constData(), &st) != 0 || st.st_uid != me) continue;
    for (const QString& n : NamesOf(dir))
      if (!out.contains(n)) out << n;
  }
  return out;
}

QString ProcessName(qint64 pid) {
  if (pid <= 0) return {};
  const QStringList names = NamesOf("/proc/" + QString::number(pid));
  return names.isEmpty() ? QString() : names.first();
}

}  // namespace dlp::tray
