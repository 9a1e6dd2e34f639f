#include "app/clipboard_guard.h"

#include <QClipboard>
#include <QCoreApplication>
#include <QGuiApplication>
#include <QMimeData>

#include "app/test_log.h"

namespace dlp::tray {
namespace {

// Focus changes are polled: without a window manager there is no event to wait for, and a
// round trip to the X server every 150 ms costs nothing measurable. The quiet check's verdict
// is already known when the focus arrives, so the swap happens within one poll.
constexpr int kPollMs = 150;

}  // namespace

ClipboardGuard::ClipboardGuard(AgentClient* client, const GuardedApps* apps, RuleNames* names,
                               QObject* parent)
    : QObject(parent), client_(client), apps_(apps), names_(names) {}

void ClipboardGuard::Start() {
  connect(QGuiApplication::clipboard(), &QClipboard::dataChanged, this,
          &ClipboardGuard::OnClipboardChanged);
  probe_ = ActiveWindowProbe::Create();
  if (!probe_) TestLog("focus tracking unavailable");
  poll_.setInterval(kPollMs);
  connect(&poll_, &QTimer::timeout, this, &ClipboardGuard::OnPoll);
  if (probe_) poll_.start();
  OnClipboardChanged();  // what was copied before the tray started
}

void ClipboardGuard::OnClipboardChanged() {
  QClipboard* cb = QGuiApplication::clipboard();
  if (cb->ownsClipboard()) return;  // our own notice or restore
  const QMimeData* m = cb->mimeData();
  const QString text = m && m->hasText() ? m->text() : QString();
  ++generation_;
  swapped_ = false;  // whatever we had put there is gone
  quiet_action_.clear();
  text_ = text;
  if (text_.isEmpty()) return;
  const quint64 gen = generation_;
  client_->Request({{"op", "scan"}, {"text", text_}, {"channel", "clipboard"},
                    {"destination", "public_ai"}, {"app", "dlp-tray"}, {"record", false}},
                   [this, gen](const QJsonObject& r) {
                     if (gen != generation_) return;
                     if (!r.value("ok").toBool()) {
                       TestLog("clipboard scan failed: " + AgentClient::ErrorCode(r));
                       return;
                     }
                     names_->AddFindings(r.value("findings").toArray());
                     quiet_action_ = r.value("action").toString();
                     TestLog("clipboard scanned action=" + quiet_action_);
                     Notification n;
                     // In a guarded application the swap's own incident notifies instead.
                     if (!focused_ && Texts::ForCopy(r, &n)) emit CopyChecked(n);
                     if (focused_ && !swapped_ && quiet_action_ != "allow" && !Allowed())
                       Swap(Texts::SwapNotice(focused_->name));
                   });
  if (focused_) ScanForApp();
}

void ClipboardGuard::OnPoll() {
  const ActiveWindow w = probe_->Current();
  // Our own windows (a decision dialog) take the focus without it having left the application.
  if (w.valid && w.pid == QCoreApplication::applicationPid()) return;
  const GuardedApp* app = w.valid ? apps_->Match(w.wm_instance, w.wm_class, w.process) : nullptr;
  if (app == focused_) return;
  if (focused_) LeaveApp();
  focused_ = app;
  if (focused_) EnterApp();
}

bool ClipboardGuard::Allowed() const {
  return focused_ && allowed_.contains(focused_->id + "/" + QString::number(generation_));
}

void ClipboardGuard::EnterApp() {
  TestLog("focus guarded app=" + focused_->id);
  if (text_.isEmpty() || Allowed()) return;
  if (!client_->connected()) {
    if (fail_mode_ != "allow") Swap(Texts::UnavailableNotice(focused_->name));
    return;
  }
  // Known sensitive already: hide it now, before the recorded scan answers.
  if (quiet_action_ == "block" || quiet_action_ == "warn") Swap(Texts::SwapNotice(focused_->name));
  ScanForApp();
}

void ClipboardGuard::ScanForApp() {
  const quint64 gen = generation_;
  const GuardedApp* app = focused_;
  client_->Request(
      {{"op", "scan"}, {"text", text_}, {"channel", "clipboard"}, {"destination", app->destination},
       {"app", "dlp-tray"}, {"record", true}},
      [this, gen, app](const QJsonObject& r) {
        if (gen != generation_) return;
        if (!r.value("ok").toBool()) {
          TestLog("guarded scan failed: " + AgentClient::ErrorCode(r));
          if (focused_ == app && fail_mode_ != "allow") Swap(Texts::UnavailableNotice(app->name));
          return;
        }
        names_->AddFindings(r.value("findings").toArray());
        const QString action = r.value("action").toString();
        const qint64 incident = r.value("incident").toInteger(0);
        TestLog(QString("guarded scan app=%1 action=%2 incident=%3").arg(app->id, action).arg(incident));
        if (focused_ != app) return;
        if (action == "allow") {
          if (swapped_) Restore();
          return;
        }
        Swap(Texts::SwapNotice(app->name));
        if (action == "warn" && r.value("may_override").toBool() && incident > 0)
          emit WarnNeedsAnswer(incident, r, app->id, app->name, gen);
      });
}

void ClipboardGuard::AllowContent(const QString& app_id, quint64 generation) {
  allowed_.insert(app_id + "/" + QString::number(generation));
  if (generation == generation_ && swapped_ && focused_ && focused_->id == app_id) Restore();
}

void ClipboardGuard::Swap(const QString& notice) {
  QClipboard* cb = QGuiApplication::clipboard();
  if (swapped_ && cb->text() == notice) return;
  swapped_ = true;
  cb->setText(notice);
  TestLog("swap app=" + (focused_ ? focused_->id : QString()));
}

void ClipboardGuard::Restore() {
  swapped_ = false;
  QGuiApplication::clipboard()->setText(text_);
  TestLog("restore");
}

void ClipboardGuard::LeaveApp() {
  TestLog("focus left app=" + focused_->id);
  focused_ = nullptr;
  if (swapped_) Restore();
}

}  // namespace dlp::tray
