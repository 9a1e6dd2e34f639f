#include "core/guarded_apps.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace dlp::tray {
namespace {

QStringList LowerStrings(const QJsonValue& v) {
  QStringList out;
  for (const QJsonValue& x : v.toArray())
    if (x.isString() && !x.toString().isEmpty()) out << x.toString().toLower();
  return out;
}

}  // namespace

bool GuardedApps::Parse(const QByteArray& json, QString* error) {
  QJsonParseError pe;
  const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
  if (!doc.isObject()) {
    *error = "not a JSON object: " + pe.errorString();
    return false;
  }
  QList<GuardedApp> apps;
  for (const QJsonValue& v : doc.object().value("apps").toArray()) {
    const QJsonObject o = v.toObject();
    GuardedApp a;
    a.id = o.value("id").toString();
    a.name = o.value("name").toString(a.id);
    a.destination = o.value("destination").toString();
    a.wm_classes = LowerStrings(o.value("wm_class"));
    a.processes = LowerStrings(o.value("process"));
    if (a.id.isEmpty() || a.destination.isEmpty() || (a.wm_classes.isEmpty() && a.processes.isEmpty())) {
      *error = "an entry of 'apps' needs id, destination and wm_class or process";
      return false;
    }
    apps << a;
  }
  if (doc.object().contains("browsers")) browsers_ = LowerStrings(doc.object().value("browsers"));
  apps_ = std::move(apps);
  return true;
}

bool GuardedApps::Load(const QString& path, QString* error) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) {
    *error = path + ": " + f.errorString();
    return false;
  }
  return Parse(f.readAll(), error);
}

const GuardedApp* GuardedApps::Match(const QString& wm_instance, const QString& wm_class,
                                     const QString& process) const {
  const QString i = wm_instance.toLower(), c = wm_class.toLower(), p = process.toLower();
  for (const GuardedApp& a : apps_) {
    if ((!i.isEmpty() && a.wm_classes.contains(i)) || (!c.isEmpty() && a.wm_classes.contains(c)) ||
        (!p.isEmpty() && a.processes.contains(p)))
      return &a;
  }
  return nullptr;
}

}  // namespace dlp::tray
