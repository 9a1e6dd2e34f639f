#include "core/rule_names.h"

#include <QJsonObject>

namespace dlp::tray {

void RuleNames::Add(const QString& rule, const QString& name_vi, const QString& name_en) {
  if (rule.isEmpty()) return;
  names_.insert(rule, {name_vi, name_en});
}

void RuleNames::AddFindings(const QJsonArray& findings) {
  for (const QJsonValue& v : findings) {
    const QJsonObject f = v.toObject();
    Add(f.value("rule").toString(), f.value("name_vi").toString(), f.value("name_en").toString());
  }
}

QString RuleNames::Name(const QString& rule, const QString& lang) const {
  auto it = names_.constFind(rule);
  if (it == names_.constEnd()) return rule;
  const QString& n = lang == "en" ? it->en : it->vi;
  return n.isEmpty() ? rule : n;
}

QStringList RuleNames::Names(const QStringList& rules, const QString& lang) const {
  QStringList out;
  for (const QString& r : rules)
    if (!out.contains(Name(r, lang))) out << Name(r, lang);
  return out;
}

}  // namespace dlp::tray
