#include "services.h"

namespace mservice {

bool is_service(const std::string& name) {
  return name == "lin-kv" || name == "seq-kv" || name == "lww-kv" || name == "lin-tso";
}

Services::Services(const ServiceOptions& o)
    : seq_(o.seq_lag_ms), lww_(o.lww_replicas, o.lww_gossip_ms, o.lww_skew_ms, o.seed) {}

std::optional<Json> Services::handle(const std::string& src, const std::string& dest, const Json& body,
                                     std::int64_t now_ms) {
  if (!is_service(dest) || !body.is_object()) return std::nullopt;
  if (body.contains("in_reply_to") && !body.contains("msg_id")) return std::nullopt;
  Json answer;
  if (dest == "lin-tso") {
    answer = body.value("type", "") == "ts" ? Json{{"type", "ts_ok"}, {"ts", ++ts_}}
                                            : error_body(kNotSupported, "lin-tso answers ts only");
  } else if (dest == "lin-kv") {
    KvRequest r = parse_kv(body);
    answer = r.error.is_null() ? apply_kv(lin_, r) : r.error;
  } else if (dest == "seq-kv") {
    answer = seq_.handle(src, body, now_ms);
  } else {
    lww_.tick(now_ms);
    answer = lww_.handle(body, now_ms);
  }
  ++requests_[dest];
  if (body.contains("msg_id")) answer["in_reply_to"] = body["msg_id"];
  return answer;
}

}  // namespace mservice
