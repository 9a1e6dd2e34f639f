// What the tray icon says: computed from the service's `status` reply (with its `clients`), the
// browsers this user is running, and the decisions the tray is waiting on.
//
// Thread safety: pure functions.
#ifndef DLP_TRAY_CORE_TRAY_STATE_H_
#define DLP_TRAY_CORE_TRAY_STATE_H_

#include <QCoreApplication>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace dlp::tray {

enum class TrayState {
  kProtected,
  kWarningPending,     // a warning waits for the user's answer in a tray dialog
  kServiceDown,        // dlp-agentd cannot be reached
  kExtensionMissing,   // a browser runs, but no browser extension is connected to the service
};

struct StateInputs {
  bool connected = false;
  QJsonObject status;         // the last `status` reply (empty when none)
  QStringList browsers;       // names of this user's running browser processes
  int pending_decisions = 0;
};

struct StateView {
  TrayState state = TrayState::kServiceDown;
  QString bundle;             // "vn-default 2026112201" or empty
  bool clients_known = false; // false: the service does not report `clients` (older service)
};

// True when `status.clients` lists an `extension` that is connected.
bool ExtensionConnected(const QJsonObject& status);
StateView ComputeState(const StateInputs& in);
// Which of `running` (process names) are browsers from `browser_names`, each once.
QStringList BrowsersAmong(const QStringList& running, const QStringList& browser_names);

class StateTexts {
  Q_DECLARE_TR_FUNCTIONS(StateTexts)

 public:
  static QString Title(TrayState s);
  // Tooltip: the state, what to do about it, and the rule bundle.
  static QString Tooltip(const StateView& v, const QStringList& browsers);
};

}  // namespace dlp::tray

#endif  // DLP_TRAY_CORE_TRAY_STATE_H_
