// The user's own incidents as a table: exactly what `history` and pushed events returned, newest
// first. The history window shows it through IncidentFilter.
//
// Thread safety: main thread only (a Qt model).
#ifndef DLP_TRAY_CORE_INCIDENT_MODEL_H_
#define DLP_TRAY_CORE_INCIDENT_MODEL_H_

#include <QAbstractTableModel>
#include <QList>

#include "core/incident.h"
#include "core/rule_names.h"

namespace dlp::tray {

class IncidentModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { kTime, kChannel, kDestination, kAction, kRules, kDecision, kColumnCount };
  enum Role { kIdRole = Qt::UserRole + 1, kActionRole, kSearchRole };

  explicit IncidentModel(const RuleNames* names, QObject* parent = nullptr);

  // Replaces everything (a fresh `history`).
  void Reset(QList<Incident> incidents);
  // A pushed incident or decision: updates the row with that id or inserts it in time order.
  void Upsert(const Incident& incident);
  int RowOf(qint64 id) const;
  const Incident* At(int row) const;
  const Incident* Find(qint64 id) const;
  // Re-reads names and labels (after the language changed or new rule names were learned).
  void Relabel();

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation o, int role) const override;

 private:
  const RuleNames* names_;
  QList<Incident> rows_;  // newest (highest id) first
};

}  // namespace dlp::tray

#endif  // DLP_TRAY_CORE_INCIDENT_MODEL_H_
