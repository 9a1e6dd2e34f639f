// Filter and search over IncidentModel for the history window: by action and by free text that
// ignores case and Vietnamese diacritics ("can cuoc" finds "căn cước").
//
// Thread safety: main thread only.
#ifndef DLP_TRAY_CORE_INCIDENT_FILTER_H_
#define DLP_TRAY_CORE_INCIDENT_FILTER_H_

#include <QSortFilterProxyModel>

namespace dlp::tray {

// Lower case, no diacritics, đ -> d: the form both the query and the rows are compared in.
QString FoldForSearch(const QString& s);

class IncidentFilter : public QSortFilterProxyModel {
  Q_OBJECT

 public:
  explicit IncidentFilter(QObject* parent = nullptr);
  void SetAction(const QString& action);  // "" = every action
  void SetQuery(const QString& query);    // words, all of which must occur

 protected:
  bool filterAcceptsRow(int row, const QModelIndex& parent) const override;

 private:
  QString action_;
  QStringList words_;
};

}  // namespace dlp::tray

#endif  // DLP_TRAY_CORE_INCIDENT_FILTER_H_
