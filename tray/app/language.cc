#include "app/language.h"

#include <QCoreApplication>
#include <QSettings>

#include "core/texts.h"

namespace dlp::tray {

QString Language::Saved() {
  const QString s = QSettings().value("language", "vi").toString();
  return s == "en" ? "en" : "vi";
}

void Language::Save(const QString& lang) { QSettings().setValue("language", lang); }

bool Language::Use(const QString& lang) {
  const QString l = lang == "en" ? "en" : "vi";
  QCoreApplication::removeTranslator(&translator_);
  const bool ok = translator_.load(":/i18n/dlp-tray_" + l + ".qm");
  if (ok) QCoreApplication::installTranslator(&translator_);
  current_ = l;
  Texts::SetLanguage(l);
  return ok;
}

}  // namespace dlp::tray
