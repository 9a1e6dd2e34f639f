// Vietnamese and English names and explanations of rules: the service's `rules` catalogue of the
// active bundle (fetched on connect and on every bundle change), plus names seen in scan findings.
// `history` returns rule ids only; an id the tray cannot name (a rule since removed) shows as is.
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
  // The `rules` reply's list: {"rule", "name_vi", "name_en", "explanation_vi", "explanation_en"}.
  void AddCatalog(const QJsonArray& rules);
  // The name in `lang` ("vi" or "en"), or the id itself when unknown.
  QString Name(const QString& rule, const QString& lang) const;
  QStringList Names(const QStringList& rules, const QString& lang) const;
  // Why the rule exists, in `lang`; empty when unknown.
  QString Explanation(const QString& rule, const QString& lang) const;

 private:
  struct Entry { QString vi, en, why_vi, why_en; };
  QHash<QString, Entry> names_;
};

}  // namespace dlp::tray

#endif  // DLP_TRAY_CORE_RULE_NAMES_H_
