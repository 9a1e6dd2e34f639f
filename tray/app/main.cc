// dlp-tray: the cadre's window onto the leak-prevention agent and the clipboard hook for every
// program outside the browser. All decisions are the service's (dlp-agentd); see tray/README.md.
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <cstdio>

#include "app/agent_client.h"
#include "app/language.h"
#include "app/test_log.h"
#include "app/tray_app.h"
#include "core/guarded_apps.h"

namespace {

// The guarded-applications list: --guarded-apps, $DLP_TRAY_GUARDED_APPS, beside the binary (build
// tree), or the installed share directory.
QString FindGuardedApps(const QString& option) {
  if (!option.isEmpty()) return option;
  if (!qEnvironmentVariableIsEmpty("DLP_TRAY_GUARDED_APPS")) return qEnvironmentVariable("DLP_TRAY_GUARDED_APPS");
  const QString beside = QCoreApplication::applicationDirPath() + "/guarded_apps.json";
  if (QFileInfo::exists(beside)) return beside;
  return QStringLiteral(DLP_TRAY_DATADIR "/guarded_apps.json");
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QCoreApplication::setOrganizationName("vn-dlp");
  QCoreApplication::setApplicationName("dlp-tray");
  QCoreApplication::setApplicationVersion("0.1.0");
  QApplication::setQuitOnLastWindowClosed(false);  // the tray lives on with no window open

  QCommandLineParser args;
  args.setApplicationDescription("Leak-prevention agent: tray and clipboard hook");
  args.addHelpOption();
  args.addVersionOption();
  QCommandLineOption lang("lang", "Interface language for this run: vi or en.", "lang");
  QCommandLineOption socket("socket", "The agent's socket (default: as dlp-agentctl).", "path");
  QCommandLineOption guarded("guarded-apps", "The guarded desktop applications (JSON).", "file");
  args.addOptions({lang, socket, guarded});
  args.process(app);

  dlp::tray::Language language;
  language.Use(args.isSet(lang) ? args.value(lang) : dlp::tray::Language::Saved());

  dlp::tray::GuardedApps apps;
  QString error;
  const QString apps_file = FindGuardedApps(args.value(guarded));
  if (!apps.Load(apps_file, &error)) {
    // The hook still scans and notifies; it only cannot tell which desktop applications to guard.
    std::fprintf(stderr, "dlp-tray: no guarded applications: %s\n", qPrintable(error));
    dlp::tray::TestLog("guarded apps: none (" + error + ")");
  }
  const QString path = args.isSet(socket) ? args.value(socket) : dlp::tray::DefaultAgentSocket();
  dlp::tray::TrayApp tray(path, apps, &language);
  tray.Start();
  return app.exec();
}
