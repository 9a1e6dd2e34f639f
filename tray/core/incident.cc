#include "core/incident.h"

#include <QJsonArray>

namespace dlp::tray {
namespace {

QStringList Strings(const QJsonValue& v) {
  QStringList out;
  for (const QJsonValue& x : v.toArray())
    if (x.isString()) out << x.toString();
  return out;
}

}  // namespace

bool Incident::FromJson(const QJsonObject& o, Incident* out) {
  const QJsonValue id = o.value("incident");
  if (!id.isDouble()) return false;
  Incident i;
  i.id = id.toInteger();
  i.time = QDateTime::fromString(o.value("time").toString(), Qt::ISODateWithMs);
  i.channel = o.value("channel").toString();
  i.destination = o.value("destination").toString();
  i.group = o.value("group").toString();
  i.action = o.value("action").toString();
  i.types = Strings(o.value("types"));
  i.rules = Strings(o.value("rules"));
  i.count = o.value("count").toInt();
  i.masked = o.value("masked").toString();
  i.decision = o.value("decision").toString();  // null -> ""
  i.justification = o.value("justification").toString();
  *out = std::move(i);
  return true;
}

}  // namespace dlp::tray
