#include "app/state_icon.h"

#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace dlp::tray {
namespace {

QPixmap Draw(TrayState state, int size) {
  QPixmap pm(size, size);
  pm.fill(Qt::transparent);
  QPainter p(&pm);
  p.setRenderHint(QPainter::Antialiasing);
  p.scale(size / 64.0, size / 64.0);
  QColor fill;
  switch (state) {
    case TrayState::kProtected: fill = QColor(0x2e, 0x7d, 0x32); break;
    case TrayState::kWarningPending: fill = QColor(0xf9, 0xa8, 0x25); break;
    case TrayState::kServiceDown:
    case TrayState::kExtensionMissing: fill = QColor(0xc6, 0x28, 0x28); break;
  }
  QPainterPath shield;
  shield.moveTo(32, 3);
  shield.lineTo(58, 12);
  shield.cubicTo(58, 38, 48, 52, 32, 61);
  shield.cubicTo(16, 52, 6, 38, 6, 12);
  shield.closeSubpath();
  p.setPen(QPen(QColor(0, 0, 0, 140), 2));
  p.setBrush(fill);
  p.drawPath(shield);
  p.setPen(QPen(Qt::white, 7, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
  p.setBrush(Qt::NoBrush);
  switch (state) {
    case TrayState::kProtected:
      p.drawPolyline(QPolygonF({QPointF(19, 31), QPointF(28, 41), QPointF(45, 21)}));
      break;
    case TrayState::kWarningPending:
      p.drawLine(QPointF(32, 17), QPointF(32, 35));
      p.drawPoint(QPointF(32, 46));
      break;
    case TrayState::kServiceDown:
    case TrayState::kExtensionMissing:
      p.drawLine(QPointF(22, 20), QPointF(42, 42));
      p.drawLine(QPointF(42, 20), QPointF(22, 42));
      break;
  }
  return pm;
}

}  // namespace

QIcon StateIcon(TrayState state) {
  QIcon icon;
  for (int size : {16, 22, 24, 32, 48, 64}) icon.addPixmap(Draw(state, size));
  return icon;
}

}  // namespace dlp::tray
