#include "core/incident_model.h"

#include <algorithm>

#include "core/texts.h"

namespace dlp::tray {

IncidentModel::IncidentModel(const RuleNames* names, QObject* parent)
    : QAbstractTableModel(parent), names_(names) {}

void IncidentModel::Reset(QList<Incident> incidents) {
  beginResetModel();
  rows_ = std::move(incidents);
  std::stable_sort(rows_.begin(), rows_.end(), [](const Incident& a, const Incident& b) { return a.id > b.id; });
  endResetModel();
}

void IncidentModel::Upsert(const Incident& incident) {
  int row = RowOf(incident.id);
  if (row >= 0) {
    rows_[row] = incident;
    emit dataChanged(index(row, 0), index(row, kColumnCount - 1));
    return;
  }
  auto it = std::find_if(rows_.begin(), rows_.end(), [&](const Incident& i) { return i.id < incident.id; });
  row = static_cast<int>(it - rows_.begin());
  beginInsertRows({}, row, row);
  rows_.insert(row, incident);
  endInsertRows();
}

int IncidentModel::RowOf(qint64 id) const {
  for (int i = 0; i < rows_.size(); ++i)
    if (rows_[i].id == id) return i;
  return -1;
}

const Incident* IncidentModel::At(int row) const {
  return row >= 0 && row < rows_.size() ? &rows_[row] : nullptr;
}

const Incident* IncidentModel::Find(qint64 id) const { return At(RowOf(id)); }

void IncidentModel::Relabel() {
  if (rows_.isEmpty()) return;
  emit dataChanged(index(0, 0), index(rows_.size() - 1, kColumnCount - 1));
  emit headerDataChanged(Qt::Horizontal, 0, kColumnCount - 1);
}

int IncidentModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int IncidentModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant IncidentModel::data(const QModelIndex& index, int role) const {
  const Incident* i = At(index.row());
  if (!i) return {};
  switch (role) {
    case kIdRole: return i->id;
    case kActionRole: return i->action;
    case kSearchRole:
      // Everything a user might type to find an incident, in both languages' labels.
      return QStringList{Texts::Time(i->time), Texts::Channel(i->channel), i->channel,
                         Texts::Destination(i->destination), i->destination,
                         Texts::Action(i->action), Texts::Rules(*i, *names_), i->rules.join(' '),
                         i->types.join(' '), i->masked, Texts::Decision(i->decision),
                         i->justification, QString::number(i->id)}
          .join('\n');
    case Qt::ToolTipRole:
    case Qt::DisplayRole:
      switch (index.column()) {
        case kTime: return Texts::Time(i->time);
        case kChannel: return Texts::Channel(i->channel);
        case kDestination: return Texts::Destination(i->destination);
        case kAction: return Texts::Action(i->action);
        case kRules: return Texts::Rules(*i, *names_);
        case kDecision: return Texts::Decision(i->decision);
      }
      break;
  }
  return {};
}

QVariant IncidentModel::headerData(int section, Qt::Orientation o, int role) const {
  if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case kTime: return tr("Time");
    case kChannel: return tr("Channel");
    case kDestination: return tr("Destination");
    case kAction: return tr("Action");
    case kRules: return tr("Rules");
    case kDecision: return tr("Decision");
  }
  return {};
}

}  // namespace dlp::tray
