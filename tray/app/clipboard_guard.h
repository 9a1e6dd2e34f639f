// The clipboard hook. Every new text another program puts on the clipboard is checked by the
// service against public AI (channel `clipboard`, `record: false`: copying is not a leak, so the
// check is quiet and leaves no incident). While a guarded desktop application (GuardedApps) has
// the focus, sensitive clipboard content is replaced by a short notice, so a paste into it carries
// nothing sensitive, and put back when the focus leaves; each such event is scanned with the
// application as destination and `record: true`, which makes it an incident.
//
// The clipboard text lives only in memory, as long as the clipboard holds it anyway; it is never
// logged or written anywhere.
// Thread safety: main thread only.
#ifndef DLP_TRAY_APP_CLIPBOARD_GUARD_H_
#define DLP_TRAY_APP_CLIPBOARD_GUARD_H_

#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <memory>

#include "app/agent_client.h"
#include "core/guarded_apps.h"
#include "core/rule_names.h"
#include "core/texts.h"
#include "platform/active_window.h"

namespace dlp::tray {

class ClipboardGuard : public QObject {
  Q_OBJECT

 public:
  ClipboardGuard(AgentClient* client, const GuardedApps* apps, RuleNames* names,
                 QObject* parent = nullptr);
  void Start();
  // What to do in a guarded application when the service cannot be reached ("block" holds the
  // content back; "allow" lets it through), from the service's last `status`.
  void SetFailMode(const QString& mode) { fail_mode_ = mode; }
  // The user answered a warning with "continue": the content goes back for that application.
  void AllowContent(const QString& app_id, quint64 generation);

 signals:
  void CopyChecked(const dlp::tray::Notification& n);
  void WarnNeedsAnswer(qint64 incident, const QJsonObject& reply, const QString& app_id,
                       const QString& app_name, quint64 generation);

 private:
  void OnClipboardChanged();
  void OnPoll();
  void EnterApp();
  void LeaveApp();
  void ScanForApp();
  void Swap(const QString& notice);
  void Restore();
  bool Allowed() const;

  AgentClient* client_;
  const GuardedApps* apps_;
  RuleNames* names_;
  std::unique_ptr<ActiveWindowProbe> probe_;
  QTimer poll_;
  QString text_;             // the clipboard's text as the other program set it
  quint64 generation_ = 0;   // bumps on each outside change: late replies are recognised
  QString quiet_action_;     // verdict of the quiet check for this generation
  const GuardedApp* focused_ = nullptr;
  bool swapped_ = false;
  QSet<QString> allowed_;    // "app id/generation" the user chose to continue with
  QString fail_mode_ = "block";
};

}  // namespace dlp::tray

#endif  // DLP_TRAY_APP_CLIPBOARD_GUARD_H_
