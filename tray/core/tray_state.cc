#include "core/tray_state.h"

#include <QJsonArray>

namespace dlp::tray {

bool ExtensionConnected(const QJsonObject& status) {
  for (const QJsonValue& v : status.value("clients").toArray()) {
    const QJsonObject c = v.toObject();
    if (c.value("client").toString() == "extension" && c.value("connected").toBool()) return true;
  }
  return false;
}

QStringList BrowsersAmong(const QStringList& running, const QStringList& browser_names) {
  QStringList out;
  for (const QString& p : running)
    if (browser_names.contains(p) && !out.contains(p)) out << p;
  return out;
}

StateView ComputeState(const StateInputs& in) {
  StateView v;
  const QJsonObject b = in.status.value("bundle").toObject();
  if (!b.isEmpty()) {  // the built-in pack has version 0: its name says enough
    const qint64 version = b.value("version").toInteger();
    v.bundle = b.value("name").toString() + (version > 0 ? " " + QString::number(version) : QString());
  }
  v.clients_known = in.status.contains("clients");
  if (!in.connected || in.status.isEmpty()) {
    v.state = TrayState::kServiceDown;
  } else if (v.clients_known && !in.browsers.isEmpty() && !ExtensionConnected(in.status)) {
    // Without `clients` (an older service) the tray cannot tell, and says nothing rather than
    // raise an alarm that may be false.
    v.state = TrayState::kExtensionMissing;
  } else if (in.pending_decisions > 0) {
    v.state = TrayState::kWarningPending;
  } else {
    v.state = TrayState::kProtected;
  }
  return v;
}

QString StateTexts::Title(TrayState s) {
  switch (s) {
    case TrayState::kProtected: return tr("Protected");
    case TrayState::kWarningPending: return tr("A warning waits for your answer");
    case TrayState::kServiceDown: return tr("Protection unavailable: the agent service is not running");
    case TrayState::kExtensionMissing: return tr("Protection unavailable: the browser extension is missing");
  }
  return {};
}

QString StateTexts::Tooltip(const StateView& v, const QStringList& browsers) {
  QString t = tr("Leak-prevention agent") + "\n" + Title(v.state);
  if (v.state == TrayState::kExtensionMissing)
    t += "\n" + tr("Browser running without the extension: %1").arg(browsers.join(", "));
  if (!v.bundle.isEmpty()) t += "\n" + tr("Rules: %1").arg(v.bundle);
  return t;
}

}  // namespace dlp::tray
