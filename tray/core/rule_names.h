// Vietnamese and English names of rules, learned from the findings of scans the tray made
// (`name_vi` / `name_en`). `history` returns rule ids only, so an incident whose rules the tray
// never saw in a scan shows the id.
//
// Thread safety: main thread only.
#ifndef DLP_TRAY_CORE_RULE_NAMES_H_
#define DLP_TRAY_CORE_RULE_NAMES_H_

#include <QHash>
#include <QJsonArray>
#include <QString>
#include <QStringList>

namespace dlp::tray {

class RuleNames {
 public:
  void Add(const QString& rule, const QString& name_vi, const QString& name_en);
  // Every finding of a scan reply: {"rule", "name_vi", "name_en", ...}.
  void AddFindings(const QJsonArray& findings);
  // The name in `lang` ("vi" or "en"), or the id itself when unknown.
  QString Name(const QString& rule, const QString& lang) const;
  QStringList Names(const QStringList& rules, const QString& lang) const;

 private:
  struct Pair { QString vi, en; };
  QHash<QString, Pair> names_;
};

}  // namespace dlp::tray

#endif  // DLP_TRAY_CORE_RULE_NAMES_H_
