// ValueTable and the defaults of Model.
#include "checkers/models/model.h"

namespace fl {

ValueTable::ValueTable() { values_.push_back(Json()); }  // id 0 is null

std::int64_t ValueTable::id(const Json& v) {
  if (v.is_null()) return kNull;
  if (v.is_number_integer()) {
    const std::int64_t x = v.get<std::int64_t>();
    auto it = ints_.find(x);
    if (it != ints_.end()) return it->second;
    const auto n = static_cast<std::int64_t>(values_.size());
    values_.push_back(v);
    ints_.emplace(x, n);
    return n;
  }
  std::string key = v.dump();
  auto it = others_.find(key);
  if (it != others_.end()) return it->second;
  const auto n = static_cast<std::int64_t>(values_.size());
  values_.push_back(v);
  others_.emplace(std::move(key), n);
  return n;
}

std::int64_t ValueTable::id_string(const std::string& s) { return id(Json(s)); }

std::string ValueTable::text(std::int64_t id) const {
  if (id == kAnyValue) return "?";
  if (id < 0 || static_cast<std::size_t>(id) >= values_.size()) return "?";
  return values_[static_cast<std::size_t>(id)].dump();
}

std::string Model::describe_state(const State& s, const ValueTable& values) const {
  return s.size() == 1 ? values.text(s[0]) : "";
}

bool Model::step_word(std::int64_t s, const ModelOp& op, std::int64_t& next,
                      ValueTable& values) const {
  State in{s}, out;
  if (!step(in, op, out, values)) return false;
  next = out.empty() ? 0 : out[0];
  return true;
}

const Json& op_argument(const Op& invoke, const Op*) { return invoke.value; }

const Json& op_result(const Op&, const Op* completion) {
  static const Json null_value;
  return completion ? completion->value : null_value;
}

}  // namespace fl
