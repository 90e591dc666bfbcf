#include "systems/redis/redis_client.h"

#include <algorithm>

#include <fmt/format.h>

#include "systems/redis/redis_conn.h"

namespace fl {
namespace {

// Compare-and-set in one step on the server: Lua scripts run atomically.
constexpr const char* kCasScript =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 else return 0 end";

std::string word(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

Json parse_value(const std::string& s) {
  try {
    return Json::parse(s);
  } catch (const Json::exception&) {
    return s;
  }
}

Completion fail(std::string why) { return Completion{OpType::Fail, nullptr, std::move(why)}; }
Completion info(std::string why) { return Completion{OpType::Info, nullptr, std::move(why)}; }

}  // namespace

RedisClient::RedisClient(RedisClientOptions opts) : opts_(std::move(opts)) {
  sentinel_ = std::make_unique<RedisConnection>(opts_.sentinel_host, opts_.sentinel_port, opts_.timeout_s);
}

RedisClient::~RedisClient() = default;

RedisConnection* RedisClient::primary(std::string& why) {
  auto now = std::chrono::steady_clock::now();
  bool have = primary_ && primary_->connected();
  if (have && now - checked_ < std::chrono::duration<double>(opts_.recheck_s)) return primary_.get();
  checked_ = now;
  RedisReply r = sentinel_->command({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", opts_.master_name});
  if (r.kind != RedisReply::Kind::kArray || r.elements.size() != 2) {
    if (have) return primary_.get();  // Sentinel is unreachable: carry on with what we know
    why = fmt::format("Sentinel on {} named no primary: {}", opts_.sentinel_host, r.str.empty() ? "no answer" : r.str);
    return nullptr;
  }
  std::string host = r.elements[0].str;
  int port = std::atoi(r.elements[1].str.c_str());
  if (!primary_ || primary_->host() != host || primary_->port() != port)
    primary_ = std::make_unique<RedisConnection>(host, port, opts_.timeout_s);
  return primary_.get();
}

Completion RedisClient::write_outcome(const Completion& applied) {
  if (applied.type != OpType::Ok || opts_.wait <= 0) return applied;
  RedisReply w = primary_->command({"WAIT", std::to_string(opts_.wait), std::to_string(opts_.wait_timeout_ms)});
  if (w.kind != RedisReply::Kind::kInteger) return info("WAIT did not answer: " + w.str);
  if (w.integer < opts_.wait)
    return info(fmt::format("applied on the primary, but WAIT saw only {} of {} replicas", w.integer, opts_.wait));
  return applied;
}

Completion RedisClient::invoke(const OpSpec& op) {
  std::string why;
  RedisConnection* c = primary(why);
  if (!c) return fail(why);
  const bool is_read = op.f == "read";
  std::vector<std::string> argv;
  if (op.f == "read") argv = {opts_.set ? "SMEMBERS" : "GET", opts_.key};
  else if (op.f == "write") argv = {"SET", opts_.key, word(op.value)};
  else if (op.f == "cas") {
    if (!op.value.is_array() || op.value.size() != 2) return fail("cas needs [old, new]");
    argv = {"EVAL", kCasScript, "1", opts_.key, word(op.value[0]), word(op.value[1])};
  } else if (op.f == "add") argv = {"SADD", opts_.key, word(op.value)};
  else return fail("redis does not know the op " + op.f);

  RedisReply r = c->command(argv);
  if (r.kind == RedisReply::Kind::kNotConnected) {
    primary_.reset();  // ask Sentinel again next time
    return fail("cannot connect to the primary: " + r.str);
  }
  if (r.kind == RedisReply::Kind::kLost) {
    primary_.reset();
    if (is_read) return fail("the read did not answer: " + r.str);
    return info(r.timed_out ? "timed out" : "connection lost: " + r.str);
  }
  if (r.kind == RedisReply::Kind::kError) {
    // READONLY: this server has become a replica; the next op asks Sentinel.
    if (r.str.rfind("READONLY", 0) == 0) primary_.reset();
    return fail(r.str);
  }
  if (op.f == "read") {
    if (r.kind == RedisReply::Kind::kNil) return Completion{OpType::Ok, nullptr, ""};
    if (r.kind == RedisReply::Kind::kString) return Completion{OpType::Ok, parse_value(r.str), ""};
    if (r.kind == RedisReply::Kind::kArray) {
      std::vector<Json> items;
      for (const auto& e : r.elements) items.push_back(parse_value(e.str));
      std::sort(items.begin(), items.end());
      return Completion{OpType::Ok, Json(items), ""};
    }
    return fail("unexpected reply to a read");
  }
  if (op.f == "cas") {
    if (r.kind != RedisReply::Kind::kInteger) return info("unexpected reply to cas");
    if (r.integer == 0) return fail("the value differed");
    return write_outcome(Completion{OpType::Ok, op.value, ""});
  }
  return write_outcome(Completion{OpType::Ok, op.value, ""});
}

}  // namespace fl
