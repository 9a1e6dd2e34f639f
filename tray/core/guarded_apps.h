// The desktop applications the clipboard hook guards (desktop AI clients and the like), matched
// by window class or process name, and the browser process names the tray looks for. The policy
// bundle does not carry this list yet, so it is a data file of the tray (tray/guarded_apps.json,
// installed to the share directory).
//
// Thread safety: a value after Load().
#ifndef DLP_TRAY_CORE_GUARDED_APPS_H_
#define DLP_TRAY_CORE_GUARDED_APPS_H_

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace dlp::tray {

struct GuardedApp {
  QString id;           // "chatgpt"
  QString name;         // shown to the user: "ChatGPT"
  QString destination;  // sent in `scan`: "desktop://chatgpt.com/" (the policy's host decides)
  QStringList wm_classes, processes;  // lower case
};

class GuardedApps {
 public:
  // Parses the file's JSON; false and *error on a malformed file.
  bool Parse(const QByteArray& json, QString* error);
  bool Load(const QString& path, QString* error);
  // The app whose window class (instance or class) or process name matches, or nullptr.
  const GuardedApp* Match(const QString& wm_instance, const QString& wm_class,
                          const QString& process) const;
  const QList<GuardedApp>& apps() const { return apps_; }
  const QStringList& browsers() const { return browsers_; }

 private:
  QList<GuardedApp> apps_;
  QStringList browsers_ = {"chromium", "chrome", "msedge", "firefox", "firefox-esr", "coccoc"};
};

}  // namespace dlp::tray

#endif  // DLP_TRAY_CORE_GUARDED_APPS_H_
