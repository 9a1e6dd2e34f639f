#include "app/tray_app.h"

#include <QActionGroup>
#include <QApplication>
#include <QJsonArray>
#include <QMenu>
#include <QMessageBox>

#include "app/decision_dialog.h"
#include "app/language.h"
#include "app/state_icon.h"
#include "app/test_log.h"
#include "platform/processes.h"

namespace dlp::tray {
namespace {

// The service's state and this user's browsers are looked at this often; events (incidents,
// decisions, bundle changes) arrive at once, independently of this.
constexpr int kStatusPollMs = 5000;

const char* StateName(TrayState s) {
  switch (s) {
    case TrayState::kProtected: return "protected";
    case TrayState::kWarningPending: return "warning_pending";
    case TrayState::kServiceDown: return "service_down";
    case TrayState::kExtensionMissing: return "extension_missing";
  }
  return "";
}

}  // namespace

TrayApp::TrayApp(const QString& socket_path, GuardedApps apps, Language* language, QObject* parent)
    : QObject(parent),
      client_(socket_path),
      apps_(std::move(apps)),
      language_(language),
      model_(&names_),
      guard_(&client_, &apps_, &names_) {}

void TrayApp::Start() {
  connect(&client_, &AgentClient::Connected, this, [this] {
    TestLog("connected");
    RefreshStatus();
    RefreshRules();
    if (history_) history_->Refresh();
  });
  connect(&client_, &AgentClient::Disconnected, this, [this] {
    TestLog("disconnected");
    status_ = {};
    UpdateState();
  });
  connect(&client_, &AgentClient::Event, this, &TrayApp::OnEvent);
  connect(&guard_, &ClipboardGuard::CopyChecked, this, [this](const Notification& n) { Notify(n, 0); });
  connect(&guard_, &ClipboardGuard::WarnNeedsAnswer, this, &TrayApp::AskDecision);
  connect(&icon_, &QSystemTrayIcon::messageClicked, this, [this] {
    TestLog(QString("notification clicked incident=%1").arg(last_notified_));
    OpenHistory(last_notified_);
  });
  connect(&icon_, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason r) {
    if (r == QSystemTrayIcon::Trigger || r == QSystemTrayIcon::DoubleClick) OpenHistory(0);
  });
  status_timer_.setInterval(kStatusPollMs);
  connect(&status_timer_, &QTimer::timeout, this, &TrayApp::RefreshStatus);
  status_timer_.start();

  BuildMenu();
  UpdateState();
  icon_.show();
  // Tests click the icon: say where it is once the tray host has placed it.
  QTimer::singleShot(1500, this, [this] {
    const QRect g = icon_.geometry();
    TestLog(QString("tray available=%1 geometry=%2,%3,%4,%5")
                .arg(QSystemTrayIcon::isSystemTrayAvailable())
                .arg(g.x()).arg(g.y()).arg(g.width()).arg(g.height()));
  });
  client_.Start();
  guard_.Start();
  TestLog("ready lang=" + language_->current());
}

void TrayApp::RefreshStatus() {
  browsers_ = BrowsersAmong(UserProcessNames(), apps_.browsers());
  client_.Request({{"op", "status"}}, [this](const QJsonObject& r) {
    status_ = r.value("ok").toBool() ? r : QJsonObject();
    if (!status_.isEmpty()) guard_.SetFailMode(status_.value("fail_mode").toString("block"));
    UpdateState();
  });
  if (!client_.connected()) UpdateState();
}

void TrayApp::RefreshRules() {
  client_.Request({{"op", "rules"}}, [this](const QJsonObject& r) {
    if (!r.value("ok").toBool()) return;
    names_.AddCatalog(r.value("rules").toArray());
    if (history_) history_->Refresh();
  });
}

void TrayApp::UpdateState() {
  StateInputs in;
  in.connected = client_.connected();
  in.status = status_;
  in.browsers = browsers_;
  in.pending_decisions = pending_decisions_;
  const StateView v = ComputeState(in);
  const bool changed = !have_view_ || v.state != view_.state || v.bundle != view_.bundle;
  view_ = v;
  have_view_ = true;
  icon_.setIcon(StateIcon(v.state));
  icon_.setToolTip(StateTexts::Tooltip(v, browsers_));
  if (changed) {
    BuildMenu();
    TestLog(QString("state %1 bundle=%2").arg(StateName(v.state), v.bundle));
  }
}

void TrayApp::BuildMenu() {
  // Rebuilt on every state or language change: the first lines say the state and the bundle.
  QMenu* old = menu_;
  menu_ = new QMenu;
  menu_->setObjectName("TrayMenu");
  QAction* state = menu_->addAction(StateIcon(view_.state), StateTexts::Title(view_.state));
  state->setEnabled(false);
  QAction* bundle = menu_->addAction(view_.bundle.isEmpty() ? tr("Rules: unknown")
                                                            : tr("Rules: %1").arg(view_.bundle));
  bundle->setEnabled(false);
  menu_->addSeparator();
  connect(menu_->addAction(tr("My incidents (history)...")), &QAction::triggered, this, [this] { OpenHistory(0); });
  connect(menu_->addAction(tr("Status...")), &QAction::triggered, this, &TrayApp::ShowStatus);
  QMenu* lang = menu_->addMenu(tr("Language"));
  auto* group = new QActionGroup(lang);
  for (const auto& [code, label] : {std::pair{"vi", QString::fromUtf8("Tiếng Việt")}, std::pair{"en", QString("English")}}) {
    QAction* a = lang->addAction(label);
    a->setCheckable(true);
    a->setChecked(language_->current() == code);
    group->addAction(a);
    const QString c = code;
    connect(a, &QAction::triggered, this, [this, c] { SetLanguage(c); });
  }
  menu_->addSeparator();
  connect(menu_->addAction(tr("About...")), &QAction::triggered, this, &TrayApp::ShowAbout);
  connect(menu_, &QMenu::aboutToShow, this, [] { TestLog("menu shown"); });
  icon_.setContextMenu(menu_);
  if (old) old->deleteLater();
}

void TrayApp::OnEvent(const QJsonObject& event) {
  const QString kind = event.value("event").toString();
  if (kind == "bundle") {
    TestLog("event bundle");
    RefreshStatus();
    RefreshRules();
    return;
  }
  Incident i;
  if (!Incident::FromJson(event.value("incident").toObject(), &i)) return;
  model_.Upsert(i);
  TestLog(QString("event %1 incident=%2 action=%3").arg(kind).arg(i.id).arg(i.action));
  if (kind != "incident") return;
  Notification n;
  if (Texts::ForIncident(i, names_, &n)) Notify(n, i.id);
}

void TrayApp::Notify(const Notification& n, qint64 incident) {
  last_notified_ = incident;
  icon_.showMessage(n.title, n.body,
                    n.critical ? QSystemTrayIcon::Critical : QSystemTrayIcon::Warning, 15000);
  TestLog(QString("notify incident=%1 title=%2 body=%3").arg(incident).arg(n.title, n.body));
}

void TrayApp::OpenHistory(qint64 incident) {
  if (!history_) {
    history_ = new HistoryWindow(&client_, &model_, &names_);
    history_->setAttribute(Qt::WA_DeleteOnClose);
  }
  history_->show();
  history_->raise();
  history_->activateWindow();
  history_->Refresh();
  if (incident > 0) history_->Select(incident);
  TestLog(QString("history opened incident=%1").arg(incident));
}

void TrayApp::ShowStatus() {
  QString t = "<p><b>" + StateTexts::Title(view_.state).toHtmlEscaped() + "</b></p><table>";
  auto row = [&t](const QString& k, const QString& v) {
    t += "<tr><td>" + k.toHtmlEscaped() + "</td><td>" + v.toHtmlEscaped() + "</td></tr>";
  };
  if (!status_.isEmpty()) {
    const QJsonObject b = status_.value("bundle").toObject();
    row(tr("Agent version"), status_.value("version").toString());
    row(tr("Mode"), status_.value("mode").toString());
    row(tr("Rules"), view_.bundle + " (" + b.value("source").toString() + ")");
    row(tr("Rules loaded at"), Texts::Time(QDateTime::fromString(b.value("loaded_at").toString(), Qt::ISODateWithMs)));
    row(tr("Health"), status_.value("health").toString());
    row(tr("When the agent is down"), status_.value("fail_mode").toString());
    row(tr("Browser extension"), !view_.clients_known ? tr("unknown (the agent does not report it)")
                                 : ExtensionConnected(status_) ? tr("connected") : tr("not connected"));
  }
  row(tr("Browsers running"), browsers_.isEmpty() ? tr("none") : browsers_.join(", "));
  row(tr("Guarded desktop applications"), QString::number(apps_.apps().size()));
  t += "</table>";
  auto* box = new QMessageBox(QMessageBox::Information, tr("Leak-prevention agent: status"), t);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->show();
  TestLog("status shown");
}

void TrayApp::ShowAbout() {
  auto* box = new QMessageBox(
      QMessageBox::Information, tr("About"),
      tr("<p><b>Leak-prevention agent %1</b></p><p>Checks what you copy and paste towards public "
         "AI platforms and stops state secrets and personal data from leaving. Every decision is "
         "made by the agent service on this computer; nothing is sent anywhere else.</p>")
          .arg(QCoreApplication::applicationVersion()));
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->show();
}

void TrayApp::AskDecision(qint64 incident, const QJsonObject& reply, const QString& app_id,
                          const QString& app_name, quint64 generation) {
  ++pending_decisions_;
  UpdateState();
  auto* dlg = new DecisionDialog(incident, reply, app_name);
  dlg->setAttribute(Qt::WA_DeleteOnClose);
  dlg->setWindowFlag(Qt::WindowStaysOnTopHint);
  connect(dlg, &DecisionDialog::Answered, this,
          [this, app_id, generation](qint64 id, const QString& decision, const QString& why) {
            --pending_decisions_;
            UpdateState();
            QJsonObject req{{"op", "decide"}, {"incident", id}, {"decision", decision}};
            if (!why.isEmpty()) req.insert("justification", why);
            client_.Request(req, [this, id, decision, app_id, generation](const QJsonObject& r) {
              TestLog(QString("decided incident=%1 decision=%2 ok=%3").arg(id).arg(decision).arg(r.value("ok").toBool()));
              if (r.value("ok").toBool() && decision == "continue") guard_.AllowContent(app_id, generation);
            });
          });
  dlg->show();
  TestLog(QString("decision dialog incident=%1").arg(incident));
}

void TrayApp::SetLanguage(const QString& lang) {
  language_->Use(lang);
  Language::Save(lang);
  TestLog("language " + lang);
  const bool reopen = history_ && history_->isVisible();
  if (history_) {  // rebuilt in the new language
    history_->hide();
    history_->deleteLater();
    history_ = nullptr;
  }
  model_.Relabel();
  have_view_ = false;
  UpdateState();
  if (reopen) OpenHistory(0);
}

}  // namespace dlp::tray
