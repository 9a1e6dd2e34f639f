// One incident as the service returns it in `history` and in pushed `incident` / `decision`
// events (service/PROTOCOL.md). The tray shows only these fields: never text it scanned itself.
//
// Thread safety: a value type.
#ifndef DLP_TRAY_CORE_INCIDENT_H_
#define DLP_TRAY_CORE_INCIDENT_H_

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace dlp::tray {

struct Incident {
  qint64 id = 0;
  QDateTime time;  // UTC as the service wrote it; shown in local time
  QString channel, destination, group, action;
  QStringList types, rules;
  int count = 0;
  QString masked;         // masked excerpts joined by "; " (the service never returns values)
  QString decision;       // empty while nobody answered
  QString justification;

  // False when the object has no integer `incident`.
  static bool FromJson(const QJsonObject& o, Incident* out);
};

}  // namespace dlp::tray

#endif  // DLP_TRAY_CORE_INCIDENT_H_
