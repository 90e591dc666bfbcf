#include "history/op.h"

namespace fl {

std::string_view to_string(OpType t) {
  switch (t) {
    case OpType::Invoke: return "invoke";
    case OpType::Ok: return "ok";
    case OpType::Fail: return "fail";
    case OpType::Info: return "info";
  }
  return "?";
}

std::optional<OpType> parse_op_type(std::string_view s) {
  if (s == "invoke") return OpType::Invoke;
  if (s == "ok") return OpType::Ok;
  if (s == "fail") return OpType::Fail;
  if (s == "info") return OpType::Info;
  return std::nullopt;
}

Json to_json(const Op& op) {
  Json j = Json::object();
  j["index"] = op.index;
  if (op.time >= 0) j["time"] = op.time;
  if (op.is_nemesis())
    j["process"] = "nemesis";
  else
    j["process"] = op.process;
  j["type"] = std::string(to_string(op.type));
  j["f"] = op.f;
  j["value"] = op.value;
  if (op.key) j["key"] = *op.key;
  if (!op.node.empty()) j["node"] = op.node;
  if (!op.error.empty()) j["error"] = op.error;
  return j;
}

}  // namespace fl
