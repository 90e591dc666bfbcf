#include "systems/course/bank_client.h"

#include "systems/course/course_client.h"

namespace fl {

Completion BankClient::invoke(const OpSpec& op) {
  Json answer;
  if (op.f == "transfer") {
    Completion c = course_outcome(http_.post(url_ + "/bank/transfer", op.value.dump()), answer);
    if (c.type == OpType::Ok) c.value = op.value;
    return c;
  }
  if (op.f == "read") {
    Completion c = course_outcome(http_.get(url_ + "/bank"), answer);
    if (c.type != OpType::Ok) return c;
    if (!answer.contains("accounts") || !answer["accounts"].is_object())
      return {OpType::Info, nullptr, "a bank read answered 200 without an \"accounts\" object: " + answer.dump().substr(0, 80)};
    return {OpType::Ok, answer["accounts"], ""};
  }
  return {OpType::Fail, nullptr, "the bank client does not know operation " + op.f};
}

}  // namespace fl
