#include "app/agent_client.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonDocument>

#include "ipc/unix_socket.h"

namespace dlp::tray {
namespace {

QJsonObject LocalError(const QString& code, const QString& message) {
  return {{"ok", false}, {"error", QJsonObject{{"code", code}, {"message", message}}}};
}

}  // namespace

QString DefaultAgentSocket() {
  const QString user = QString::fromStdString(ipc::DefaultSocketPath(true));
  if (!qEnvironmentVariableIsEmpty("DLP_AGENT_SOCKET") || QFileInfo::exists(user)) return user;
  return QString::fromStdString(ipc::DefaultSocketPath(false));
}

AgentClient::AgentClient(QString socket_path, QObject* parent)
    : QObject(parent), path_(std::move(socket_path)) {
  retry_.setInterval(2000);
  retry_.setSingleShot(true);
  connect(&retry_, &QTimer::timeout, this, &AgentClient::TryConnect);
  connect(&socket_, &QLocalSocket::connected, this, &AgentClient::OnConnected);
  connect(&socket_, &QLocalSocket::readyRead, this, &AgentClient::OnReadable);
  connect(&socket_, &QLocalSocket::disconnected, this, &AgentClient::OnLost);
  connect(&socket_, &QLocalSocket::errorOccurred, this, [this](QLocalSocket::LocalSocketError) {
    if (socket_.state() != QLocalSocket::ConnectedState) OnLost();
  });
}

void AgentClient::Start() { TryConnect(); }

void AgentClient::TryConnect() {
  if (socket_.state() != QLocalSocket::UnconnectedState) return;
  decoder_ = ipc::FrameDecoder(ipc::kMaxRequestBytes * 2);
  socket_.connectToServer(path_);
}

void AgentClient::OnConnected() {
  ready_ = true;
  // hello is new in the protocol: an older service answers unknown_op, which changes nothing.
  Request({{"op", "hello"}, {"client", "tray"}, {"version", QCoreApplication::applicationVersion()}});
  Request({{"op", "subscribe"}});
  emit Connected();
}

void AgentClient::OnLost() {
  const bool was = ready_;
  ready_ = false;
  FailAll();
  if (socket_.state() != QLocalSocket::UnconnectedState) socket_.abort();
  if (was) emit Disconnected();
  if (!retry_.isActive()) retry_.start();
}

void AgentClient::FailAll() {
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& cb : pending)
    if (cb) cb(LocalError("unavailable", "the agent service cannot be reached"));
}

void AgentClient::Request(QJsonObject request, Callback done) {
  if (!ready_) {
    if (done) done(LocalError("unavailable", "the agent service cannot be reached"));
    return;
  }
  const qint64 id = next_id_++;
  request.insert("v", 1);
  request.insert("id", id);
  pending_.insert(id, std::move(done));
  Send(request);
}

void AgentClient::Send(const QJsonObject& o) {
  const QByteArray payload = QJsonDocument(o).toJson(QJsonDocument::Compact);
  const std::string frame = ipc::EncodeFrame(std::string_view(payload.constData(), payload.size()));
  socket_.write(frame.data(), static_cast<qint64>(frame.size()));
}

void AgentClient::OnReadable() {
  const QByteArray bytes = socket_.readAll();
  decoder_.Feed(std::string_view(bytes.constData(), bytes.size()));
  std::string payload;
  while (true) {
    ipc::FrameStatus s = decoder_.Next(&payload);
    if (s == ipc::FrameStatus::kTimeout) break;  // needs more bytes
    if (s != ipc::FrameStatus::kOk) {            // framing lost: start over
      OnLost();
      return;
    }
    const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(payload)).object();
    if (o.contains("event")) {
      emit Event(o);
      continue;
    }
    auto it = pending_.find(o.value("id").toInteger(-1));
    if (it == pending_.end()) continue;
    Callback cb = std::move(it.value());
    pending_.erase(it);
    if (cb) cb(o);
  }
}

QString AgentClient::ErrorCode(const QJsonObject& reply) {
  if (reply.value("ok").toBool()) return {};
  return reply.value("error").toObject().value("code").toString("internal");
}

}  // namespace dlp::tray
