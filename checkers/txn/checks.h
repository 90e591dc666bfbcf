// The two transactional checkers' analyses of prebuilt Txns — what
// `faultline check` calls after streaming a history (JSON Lines, EDN or
// elle-cli JSON) into Txns (stream.h) instead of holding it as a History.
// Each gives exactly what the registered checker (`txn-list-append`,
// `txn-rw-register`) gives for a History of the same ops; errors in the same
// order too: options first (std::invalid_argument), then a malformed micro-op
// (Txns::throw_if_bad), then what the analysis refuses (BadInput).
#pragma once

#include <optional>
#include <string>

#include "checkers/checker.h"
#include "checkers/txn/txns.h"

namespace fl::txn {

CheckResult check_list_append(const Txns& txns, const CheckOptions& opts);
CheckResult check_rw_register(const Txns& txns, const CheckOptions& opts);

// The read shape a txn checker needs, by its name; nullopt for the others.
std::optional<ReadShape> txn_checker_shape(const std::string& checker);
// By shape: check_list_append or check_rw_register.
CheckResult check_txns(ReadShape shape, const Txns& txns, const CheckOptions& opts);
// "txn-list-append" or "txn-rw-register".
std::string txn_checker_name(ReadShape shape);

}  // namespace fl::txn
