// The tray itself: the icon and its menu, the state it shows, notifications for every block and
// warning the service pushes, the decision dialog, the history window and the language. It owns
// the connection to the service and the clipboard hook.
//
// Thread safety: main thread only.
#ifndef DLP_TRAY_APP_TRAY_APP_H_
#define DLP_TRAY_APP_TRAY_APP_H_

#include <QJsonObject>
#include <QPointer>
#include <QSystemTrayIcon>
#include <QTimer>

#include "app/agent_client.h"
#include "app/clipboard_guard.h"
#include "app/history_window.h"
#include "core/guarded_apps.h"
#include "core/incident_model.h"
#include "core/rule_names.h"
#include "core/tray_state.h"

class QMenu;

namespace dlp::tray {

class Language;

class TrayApp : public QObject {
  Q_OBJECT

 public:
  TrayApp(const QString& socket_path, GuardedApps apps, Language* language, QObject* parent = nullptr);
  void Start();

 private:
  void RefreshStatus();
  void RefreshRules();  // the rules' names and explanations, for the history window
  void UpdateState();
  void BuildMenu();
  void OnEvent(const QJsonObject& event);
  void Notify(const Notification& n, qint64 incident);
  void OpenHistory(qint64 incident);
  void ShowStatus();
  void ShowAbout();
  void AskDecision(qint64 incident, const QJsonObject& reply, const QString& app_id,
                   const QString& app_name, quint64 generation);
  void SetLanguage(const QString& lang);

  AgentClient client_;
  GuardedApps apps_;
  Language* language_;
  RuleNames names_;
  IncidentModel model_;
  ClipboardGuard guard_;
  QSystemTrayIcon icon_;
  QMenu* menu_ = nullptr;
  QPointer<HistoryWindow> history_;
  QTimer status_timer_;
  QJsonObject status_;
  QStringList browsers_;
  int pending_decisions_ = 0;
  StateView view_;
  bool have_view_ = false;
  qint64 last_notified_ = 0;
};

}  // namespace dlp::tray

#endif  // DLP_TRAY_APP_TRAY_APP_H_
