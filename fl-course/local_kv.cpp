#include "local_kv.h"

namespace course {

Applied LocalKv::read(const std::string& key) {
  std::optional<Entry> e;
  {
    std::lock_guard<std::mutex> lock(mu_);
    e = store_.get(key);
  }
  if (!e) return {ok({{"value", nullptr}}), 0};
  store_.sync(e->seq);  // never show what a crash could still take back
  return {ok({{"value", e->record}}), 0};
}

Applied LocalKv::write(const std::string& key, const Json& value) {
  std::uint64_t seq;
  {
    std::lock_guard<std::mutex> lock(mu_);
    seq = store_.put(key, value);
  }
  store_.sync(seq);
  return {ok(), seq};
}

Applied LocalKv::cas(const std::string& key, const Json& from, const Json& to) {
  std::uint64_t seq = 0, seen = 0;
  Json current;
  bool matches;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto e = store_.get(key);
    current = e ? e->record : Json();
    seen = e ? e->seq : 0;
    matches = current == from;
    if (matches) seq = store_.put(key, to);
  }
  if (!matches) {
    store_.sync(seen);  // the refusal rests on what we read: wait until that is durable
    return {refused("the value is " + current.dump() + ", not " + from.dump()), 0};
  }
  store_.sync(seq);
  return {ok(), seq};
}

Applied LocalKv::add(const std::string& key, const Json& value) {
  std::uint64_t seq;
  {
    std::lock_guard<std::mutex> lock(mu_);
    seq = store_.add_to_set(key, value);
  }
  store_.sync(seq);
  return {ok(), seq};
}

Applied LocalKv::apply(const Json& op) {
  std::string f = op.value("f", "");
  std::string key = op.value("key", "");
  if (key.empty()) return {bad_request("a request without a key"), 0};
  if (f == "read") return read(key);
  if (f == "write") return write(key, op.value("value", Json()));
  if (f == "cas") return cas(key, op.value("from", Json()), op.value("to", Json()));
  if (f == "add") return add(key, op.value("value", Json()));
  return {bad_request("unknown request \"" + f + "\""), 0};
}

void LocalKv::apply_log(const std::vector<Json>& records) {
  if (records.empty()) return;
  std::uint64_t seq;
  {
    std::lock_guard<std::mutex> lock(mu_);
    seq = store_.apply_log(records);
  }
  store_.sync(seq);
}

void LocalKv::replace_all(const std::map<std::string, Json>& state) {
  std::uint64_t seq;
  {
    std::lock_guard<std::mutex> lock(mu_);
    seq = store_.replace_all(state);
  }
  store_.sync(seq);
}

Json kv_request(const std::string& f, const std::string& key, const Json& value, const Json& from, const Json& to) {
  return {{"f", f}, {"key", key}, {"value", value}, {"from", from}, {"to", to}};
}

Reply relay(const Call& c, const std::string& leader) {
  if (c.answered()) return {c.status, c.body.is_object() ? c.body : Json::object()};
  if (c.failure == Call::Failure::NotSent) return unavailable("cannot reach " + c.peer + ": " + c.error, leader);
  return uncertain("no answer from " + c.peer + " (" + c.error + "); the request may have been applied");
}

}  // namespace course
