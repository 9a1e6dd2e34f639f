// The interface language: Vietnamese by default, English on request (menu, persisted in
// QSettings, or --lang for one run). Translations are compiled from tray/translations/*.ts at
// build time and embedded under :/i18n/.
//
// Thread safety: main thread only.
#ifndef DLP_TRAY_APP_LANGUAGE_H_
#define DLP_TRAY_APP_LANGUAGE_H_

#include <QString>
#include <QTranslator>

namespace dlp::tray {

class Language {
 public:
  // The saved choice, or "vi".
  static QString Saved();
  static void Save(const QString& lang);
  // Installs the translator for "vi" or "en" and tells Texts; false if the catalog is missing.
  bool Use(const QString& lang);
  QString current() const { return current_; }

 private:
  QTranslator translator_;
  QString current_;
};

}  // namespace dlp::tray

#endif  // DLP_TRAY_APP_LANGUAGE_H_
