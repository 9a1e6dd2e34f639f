// Every sentence the tray shows about incidents, verdicts and its own state, in one place, so the
// words are tested without a display and translated through Qt Linguist (tray/translations/).
//
// Source strings are English; the Vietnamese translation is the default language.
// Thread safety: main thread only (the current language is process-wide).
#ifndef DLP_TRAY_CORE_TEXTS_H_
#define DLP_TRAY_CORE_TEXTS_H_

#include <QCoreApplication>
#include <QJsonObject>
#include <QString>

#include "core/incident.h"
#include "core/rule_names.h"

namespace dlp::tray {

struct Notification {
  QString title;
  QString body;
  bool critical = false;  // a block: shown with the critical icon
};

class Texts {
  Q_DECLARE_TR_FUNCTIONS(Texts)

 public:
  // "vi" (default) or "en": which of the service's bilingual fields to show.
  static void SetLanguage(const QString& lang);
  static QString Language();

  static QString Action(const QString& action);
  static QString Channel(const QString& channel);
  static QString Decision(const QString& decision);
  // "https://chatgpt.com/c/1" -> "chatgpt.com"; "desktop://claude.ai/" -> "claude.ai (desktop
  // app)"; a group name -> its label.
  static QString Destination(const QString& destination);
  static QString Time(const QDateTime& t);  // local time, dd/MM/yyyy HH:mm:ss
  static QString Rules(const Incident& i, const RuleNames& names);

  // A block or warning pushed by the service (any channel). Nothing for `allow`.
  static bool ForIncident(const Incident& i, const RuleNames& names, Notification* out);
  // The quiet check after a copy: what would happen if it were pasted into public AI.
  static bool ForCopy(const QJsonObject& scan_reply, Notification* out);
  // The words that replace sensitive clipboard content while a guarded application is focused.
  static QString SwapNotice(const QString& app_name);
  // Same, when the service cannot be reached and the policy fails closed.
  static QString UnavailableNotice(const QString& app_name);
  // The service's own bilingual `message` of a scan reply, in the current language.
  static QString VerdictMessage(const QJsonObject& scan_reply);
  // Details pane of the history window (rich text; every value escaped).
  static QString DetailsHtml(const Incident& i, const RuleNames& names);
};

}  // namespace dlp::tray

#endif  // DLP_TRAY_CORE_TEXTS_H_
