#include "app/test_log.h"

#include <QFile>

namespace dlp::tray {

void TestLog(const QString& line) {
  static const QString path = qEnvironmentVariable("DLP_TRAY_TEST_LOG");
  if (path.isEmpty()) return;
  QFile f(path);
  if (!f.open(QIODevice::Append | QIODevice::WriteOnly)) return;
  QString one = line;
  one.replace('\n', " | ");
  f.write(one.toUtf8() + "\n");
}

}  // namespace dlp::tray
