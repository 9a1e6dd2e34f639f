#include "core/rule_names.h"

#include <QJsonObject>

namespace dlp::tray {

void RuleNames::Add(const QString& rule, const QString& name_vi, const QString& name_en) {
  if (rule.isEmpty()) return;
  Entry& e = names_[rule];  // keeps an explanation the catalogue already gave
  e.vi = name_vi;
  e.en = name_en;
}

void RuleNames::AddCatalog(const QJsonArray& rules) {
  for (const QJsonValue& v : rules) {
    const QJsonObject r = v.toObject();
    const QString id = r.value("rule").toString();
    if (id.isEmpty()) continue;
    names_.insert(id, {r.value("name_vi").toString(), r.value("name_en").toString(),
                       r.value("explanation_vi").toString(), r.value("explanation_en").toString()});
  }
}

QString RuleNames::Explanation(const QString& rule, const QString& lang) const {
  auto it = names_.constFind(rule);
  if (it == names_.constEnd()) return {};
  return lang == "en" ? it->why_en : it->why_vi;
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
