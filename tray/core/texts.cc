#include "core/texts.h"

#include <QJsonArray>
#include <QUrl>

namespace dlp::tray {
namespace {

QString g_lang = "vi";

// Names of the findings the service said justify the verdict, each once.
QString JustifyingNames(const QJsonObject& reply) {
  const QJsonArray findings = reply.value("findings").toArray();
  QStringList names;
  QJsonArray idx = reply.value("justifying").toArray();
  if (idx.isEmpty())
    for (int i = 0; i < findings.size(); ++i) idx.append(i);
  for (const QJsonValue& v : idx) {
    const QJsonObject f = findings.at(v.toInt()).toObject();
    QString n = f.value(Texts::Language() == "en" ? "name_en" : "name_vi").toString();
    if (n.isEmpty()) n = f.value("rule").toString();
    if (!n.isEmpty() && !names.contains(n)) names << n;
  }
  return names.join(", ");
}

}  // namespace

void Texts::SetLanguage(const QString& lang) { g_lang = lang == "en" ? "en" : "vi"; }
QString Texts::Language() { return g_lang; }

QString Texts::Action(const QString& action) {
  if (action == "block") return tr("Blocked");
  if (action == "warn") return tr("Warning");
  if (action == "allow") return tr("Allowed");
  return action;
}

QString Texts::Channel(const QString& channel) {
  if (channel == "clipboard") return tr("Clipboard");
  if (channel == "paste") return tr("Paste");
  if (channel == "drop") return tr("Drag and drop");
  if (channel == "submit") return tr("Send");
  if (channel == "upload") return tr("File upload");
  if (channel == "file") return tr("File");
  return channel;
}

QString Texts::Decision(const QString& decision) {
  if (decision.isEmpty()) return tr("No answer yet");
  if (decision == "cancel") return tr("Cancelled");
  if (decision == "continue") return tr("Continued with a reason");
  if (decision == "false_alarm") return tr("Reported as a false alarm");
  return decision;
}

QString Texts::Destination(const QString& destination) {
  if (destination == "public_ai") return tr("Public AI");
  if (destination == "approved_ai") return tr("Approved AI");
  if (destination == "other") return tr("Other destinations");
  if (destination.startsWith("desktop://")) {
    QString host = QUrl(destination).host();
    return tr("%1 (desktop app)").arg(host.isEmpty() ? destination.mid(10) : host);
  }
  if (destination.contains("://")) {
    QString host = QUrl(destination).host();
    if (!host.isEmpty()) return host;
  }
  return destination;
}

QString Texts::Time(const QDateTime& t) {
  if (!t.isValid()) return QString();
  return t.toLocalTime().toString("dd/MM/yyyy HH:mm:ss");
}

QString Texts::Rules(const Incident& i, const RuleNames& names) {
  return names.Names(i.rules, g_lang).join(", ");
}

bool Texts::ForIncident(const Incident& i, const RuleNames& names, Notification* out) {
  if (i.action != "block" && i.action != "warn") return false;
  const QString where = Destination(i.destination);
  const QString how = Channel(i.channel);
  if (i.action == "block") {
    out->title = tr("Blocked: content for %1").arg(where);
    out->critical = true;
  } else {
    out->title = tr("Warning: content for %1").arg(where);
    out->critical = false;
  }
  QString body = tr("Contains: %1").arg(Rules(i, names)) + "\n" + tr("Channel: %1").arg(how);
  if (!i.masked.isEmpty()) body += "\n" + tr("Excerpt (masked): %1").arg(i.masked);
  body += "\n" + tr("Click to see the details.");
  out->body = body;
  return true;
}

bool Texts::ForCopy(const QJsonObject& reply, Notification* out) {
  const QString action = reply.value("action").toString();
  if (action != "block" && action != "warn") return false;
  out->title = tr("Sensitive content copied");
  const QString what = JustifyingNames(reply);
  out->body = action == "block"
                  ? tr("The copied text contains %1. Pasting it into a public AI will be blocked.")
                        .arg(what)
                  : tr("The copied text contains %1. Pasting it into a public AI will ask for a "
                       "reason first.")
                        .arg(what);
  out->critical = false;
  return true;
}

QString Texts::SwapNotice(const QString& app_name) {
  return tr("[Protected by the leak-prevention agent: the copied content is sensitive and must not "
            "be pasted into %1. It comes back when you leave this application.]")
      .arg(app_name);
}

QString Texts::UnavailableNotice(const QString& app_name) {
  return tr("[The leak-prevention agent cannot be reached, so pasting into %1 is held back. The "
            "copied content comes back when you leave this application.]")
      .arg(app_name);
}

QString Texts::VerdictMessage(const QJsonObject& reply) {
  const QJsonObject m = reply.value("message").toObject();
  return m.value(g_lang).toString(m.value("vi").toString());
}

QString Texts::DetailsHtml(const Incident& i, const RuleNames& names) {
  auto row = [](const QString& k, const QString& v) {
    return QString("<tr><td><b>%1</b></td><td>%2</td></tr>").arg(k.toHtmlEscaped(), v.toHtmlEscaped());
  };
  QString rules;
  for (const QString& r : i.rules) {
    const QString why = names.Explanation(r, g_lang);
    rules += QString("<li>%1 <small>(%2)</small>%3</li>")
                 .arg(names.Name(r, g_lang).toHtmlEscaped(), r.toHtmlEscaped(),
                      why.isEmpty() ? QString() : "<br>" + why.toHtmlEscaped());
  }
  QString html = "<table cellspacing='4'>";
  html += row(tr("Incident"), QString::number(i.id));
  html += row(tr("Time"), Time(i.time));
  html += row(tr("Channel"), Channel(i.channel));
  html += row(tr("Destination"), Destination(i.destination));
  html += row(tr("Action"), Action(i.action));
  html += row(tr("Findings"), QString::number(i.count));
  html += row(tr("Excerpt (masked)"), i.masked);
  html += row(tr("Decision"), Decision(i.decision));
  if (!i.justification.isEmpty()) html += row(tr("Reason given"), i.justification);
  html += "</table>";
  html += "<p><b>" + tr("Rules").toHtmlEscaped() + "</b></p><ul>" + rules + "</ul>";
  return html;
}

}  // namespace dlp::tray
