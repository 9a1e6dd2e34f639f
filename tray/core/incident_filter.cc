#include "core/incident_filter.h"

#include "core/incident_model.h"

namespace dlp::tray {

QString FoldForSearch(const QString& s) {
  const QString d = s.normalized(QString::NormalizationForm_D);
  QString out;
  out.reserve(d.size());
  for (QChar c : d) {
    if (c.category() == QChar::Mark_NonSpacing) continue;
    if (c == QChar(0x0111) || c == QChar(0x0110)) c = 'd';  // đ Đ have no decomposition
    out += c.toLower();
  }
  return out;
}

IncidentFilter::IncidentFilter(QObject* parent) : QSortFilterProxyModel(parent) {}

void IncidentFilter::SetAction(const QString& action) {
  action_ = action;
  invalidateFilter();
}

void IncidentFilter::SetQuery(const QString& query) {
  words_ = FoldForSearch(query).split(' ', Qt::SkipEmptyParts);
  invalidateFilter();
}

bool IncidentFilter::filterAcceptsRow(int row, const QModelIndex& parent) const {
  const QModelIndex idx = sourceModel()->index(row, 0, parent);
  if (!action_.isEmpty() && idx.data(IncidentModel::kActionRole).toString() != action_) return false;
  if (words_.isEmpty()) return true;
  const QString hay = FoldForSearch(idx.data(IncidentModel::kSearchRole).toString());
  for (const QString& w : words_)
    if (!hay.contains(w)) return false;
  return true;
}

}  // namespace dlp::tray
