#include "checkers/txn/checks.h"

namespace fl::txn {

std::optional<ReadShape> txn_checker_shape(const std::string& checker) {
  if (checker == "txn-list-append") return ReadShape::List;
  if (checker == "txn-rw-register") return ReadShape::Value;
  return std::nullopt;
}

std::string txn_checker_name(ReadShape shape) {
  return shape == ReadShape::List ? "txn-list-append" : "txn-rw-register";
}

CheckResult check_txns(ReadShape shape, const Txns& txns, const CheckOptions& opts) {
  return shape == ReadShape::List ? check_list_append(txns, opts) : check_rw_register(txns, opts);
}

}  // namespace fl::txn
