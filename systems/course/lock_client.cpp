#include "systems/course/lock_client.h"

#include <chrono>
#include <thread>

#include "systems/course/course_client.h"

namespace fl {
namespace {

std::string field(const Json& v, const char* name) {
  return v.is_object() && v.contains(name) && v[name].is_string() ? v[name].get<std::string>() : "";
}

}  // namespace

LockClient::LockClient(std::string url, double timeout_s)
    : url_(std::move(url)), http_(timeout_s), rng_(std::random_device{}()) {}

Completion LockClient::invoke(const OpSpec& op) {
  Json answer;
  if (op.f == "acquire") return acquire(op);
  if (op.f == "pause") {
    std::this_thread::sleep_for(std::chrono::milliseconds(op.value.value("ms", std::int64_t{0})));
    return {OpType::Ok, op.value, ""};
  }
  if (op.f == "write") {
    Json body = {{"value", op.value.value("value", Json())},
                 {"token", op.value.value("token", Json())},
                 {"client", op.value.value("client", Json())}};
    Completion c = course_outcome(http_.post(url_ + "/store/" + course_path_segment(field(op.value, "key")), body.dump()), answer);
    if (c.type == OpType::Ok) c.value = op.value;
    return c;
  }
  if (op.f == "release") {
    Json body = {{"client", op.value.value("client", Json())}, {"token", op.value.value("token", Json())}};
    Completion c =
        course_outcome(http_.post(url_ + "/lock/" + course_path_segment(field(op.value, "lock")) + "/release", body.dump()), answer);
    if (c.type == OpType::Ok) c.value = op.value;
    return c;
  }
  if (op.f == "read") {
    Completion c = course_outcome(http_.get(url_ + "/store/" + course_path_segment(field(op.value, "key"))), answer);
    if (c.type != OpType::Ok) return c;
    if (!answer.contains("log") || !answer["log"].is_array())
      return {OpType::Info, nullptr, "a store read answered 200 without a \"log\" list: " + answer.dump().substr(0, 80)};
    return {OpType::Ok, Json{{"value", answer.value("value", Json())}, {"log", answer["log"]}}, ""};
  }
  return {OpType::Fail, nullptr, "the lock client does not know operation " + op.f};
}

Completion LockClient::acquire(const OpSpec& op) {
  using Clock = std::chrono::steady_clock;
  auto until = Clock::now() + std::chrono::milliseconds(op.value.value("wait_ms", std::int64_t{0}));
  std::string url = url_ + "/lock/" + course_path_segment(field(op.value, "lock")) + "/acquire";
  Json body = {{"client", op.value.value("client", Json())}, {"ttl_ms", op.value.value("ttl_ms", Json())}};
  std::uniform_int_distribution<int> backoff_ms(10, 30);
  for (;;) {
    Json answer;
    Completion c = course_outcome(http_.post(url, body.dump()), answer);
    if (c.type == OpType::Ok) {
      if (!answer.contains("token") || !answer["token"].is_number_integer())
        return {OpType::Info, nullptr, "an acquire answered 200 without a whole \"token\": " + answer.dump().substr(0, 80)};
      Json v = op.value;
      v["token"] = answer["token"];
      if (answer.contains("validity_ms")) v["validity_ms"] = answer["validity_ms"];
      return {OpType::Ok, v, ""};
    }
    // Refused or unavailable: certainly not granted, so trying again is safe.
    if (c.type != OpType::Fail || Clock::now() >= until) return c;
    std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms(rng_)));
  }
}

}  // namespace fl
