#include "systems/redis/redis_conn.h"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <sstream>

#include <hiredis/hiredis.h>

#include "history/wire_log.h"

namespace fl {
namespace {

timeval to_timeval(double s) {
  timeval tv{};
  tv.tv_sec = static_cast<long>(std::floor(s));
  tv.tv_usec = static_cast<long>((s - std::floor(s)) * 1e6);
  return tv;
}

RedisReply convert(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_STRING: out.kind = RedisReply::Kind::kString; out.str.assign(r->str, r->len); break;
    case REDIS_REPLY_STATUS: out.kind = RedisReply::Kind::kStatus; out.str.assign(r->str, r->len); break;
    case REDIS_REPLY_ERROR: out.kind = RedisReply::Kind::kError; out.str.assign(r->str, r->len); break;
    case REDIS_REPLY_INTEGER: out.kind = RedisReply::Kind::kInteger; out.integer = r->integer; break;
    case REDIS_REPLY_NIL: out.kind = RedisReply::Kind::kNil; break;
    case REDIS_REPLY_ARRAY:
      out.kind = RedisReply::Kind::kArray;
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert(r->element[i]));
      break;
    default: out.kind = RedisReply::Kind::kError; out.str = "unexpected reply type"; break;
  }
  return out;
}

}  // namespace

RedisConnection::RedisConnection(std::string host, int port, double timeout_s)
    : host_(std::move(host)), port_(port), timeout_s_(timeout_s) {}

RedisConnection::~RedisConnection() { close(); }

void RedisConnection::close() {
  if (ctx_) redisFree(static_cast<redisContext*>(ctx_));
  ctx_ = nullptr;
}

namespace {

// A reply as redis-cli would print it, on one line.
std::string reply_text(const RedisReply& r) {
  switch (r.kind) {
    case RedisReply::Kind::kNotConnected: return "not connected: " + r.str;
    case RedisReply::Kind::kLost: return "connection lost: " + r.str;
    case RedisReply::Kind::kError: return "(error) " + r.str;
    case RedisReply::Kind::kNil: return "(nil)";
    case RedisReply::Kind::kInteger: return "(integer) " + std::to_string(r.integer);
    case RedisReply::Kind::kStatus: return r.str;
    case RedisReply::Kind::kString: return "\"" + r.str + "\"";
    case RedisReply::Kind::kArray: {
      std::string out = "[";
      for (std::size_t i = 0; i < r.elements.size(); ++i) out += (i ? ", " : "") + reply_text(r.elements[i]);
      return out + "]";
    }
  }
  return "";
}

}  // namespace

RedisReply RedisConnection::command(const std::vector<std::string>& argv) {
  if (!wire_recording()) return send(argv);
  auto sent = std::chrono::steady_clock::now();
  RedisReply r = send(argv);
  std::optional<std::chrono::steady_clock::time_point> answered;
  if (r.kind != RedisReply::Kind::kLost && r.kind != RedisReply::Kind::kNotConnected)
    answered = std::chrono::steady_clock::now();
  std::string request;
  for (const auto& a : argv) request += (request.empty() ? "" : " ") + a;
  wire_exchange(sent, answered, request, reply_text(r));
  return r;
}

RedisReply RedisConnection::send(const std::vector<std::string>& argv) {
  RedisReply out;
  if (!ctx_) {
    redisContext* c = redisConnectWithTimeout(host_.c_str(), port_, to_timeval(timeout_s_));
    if (!c || c->err) {
      out.kind = RedisReply::Kind::kNotConnected;
      out.str = c ? c->errstr : "cannot allocate a connection";
      out.timed_out = c && c->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EINPROGRESS || errno == ETIMEDOUT);
      if (c) redisFree(c);
      return out;
    }
    redisSetTimeout(c, to_timeval(timeout_s_));
    ctx_ = c;
  }
  std::vector<const char*> words;
  std::vector<size_t> lens;
  for (const auto& a : argv) {
    words.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* c = static_cast<redisContext*>(ctx_);
  errno = 0;
  auto* r = static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(words.size()), words.data(), lens.data()));
  if (!r) {
    out.kind = RedisReply::Kind::kLost;
    out.str = c->errstr;
    out.timed_out = c->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK);
    close();
    return out;
  }
  out = convert(r);
  freeReplyObject(r);
  return out;
}

RedisReply redis_once(const std::string& host, int port, const std::vector<std::string>& argv, double timeout_s) {
  RedisConnection c(host, port, timeout_s);
  return c.command(argv);
}

std::vector<std::pair<std::string, std::string>> redis_info_fields(const RedisReply& r) {
  std::vector<std::pair<std::string, std::string>> v;
  if (r.kind == RedisReply::Kind::kArray) {
    for (size_t i = 0; i + 1 < r.elements.size(); i += 2) v.emplace_back(r.elements[i].str, r.elements[i + 1].str);
    return v;
  }
  std::istringstream in(r.str);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (line.empty() || line[0] == '#' || colon == std::string::npos) continue;
    v.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  return v;
}

}  // namespace fl
