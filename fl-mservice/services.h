// Maelstrom's four services as one object, each answering the requests
// addressed to its name: "lin-kv" (one map, each request applied in arrival
// order: linearizable), "seq-kv" (seq_kv.h), "lww-kv" (lww_kv.h) and
// "lin-tso" (`ts` → ts_ok {ts}, one counter: every answer larger than every
// earlier one). Pure: the caller passes the time; not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "kv.h"
#include "lww_kv.h"
#include "seq_kv.h"

namespace mservice {

struct ServiceOptions {
  std::int64_t seq_lag_ms = 500;
  int lww_replicas = 5;
  std::int64_t lww_gossip_ms = 200;
  std::int64_t lww_skew_ms = 50;
  std::uint64_t seed = 1;
};

// True for the names Maelstrom's nodes call services by.
bool is_service(const std::string& name);

class Services {
 public:
  explicit Services(const ServiceOptions& o);
  // The answer body (in_reply_to set from the request's msg_id) to a request
  // `src` sent to `dest`; none when `dest` is not a service or the message is
  // itself an answer (it has in_reply_to and no msg_id).
  std::optional<Json> handle(const std::string& src, const std::string& dest, const Json& body, std::int64_t now_ms);
  void tick(std::int64_t now_ms) { lww_.tick(now_ms); }
  // Requests answered so far, by service.
  const std::map<std::string, std::uint64_t>& requests() const { return requests_; }

 private:
  Map lin_;
  SeqKv seq_;
  LwwKv lww_;
  std::int64_t ts_ = 0;
  std::map<std::string, std::uint64_t> requests_;
};

}  // namespace mservice
