// Checking a history file without ever holding it as a History: each
// checker judged by the way that reads the file as a stream — a
// transactional checker through its compact Txns (checkers/txn/stream.h),
// `linearizable` with the kv model through LinearStream (keys decided and
// forgotten as the file leaves them), and any other checker with an online
// form (checkers/online.h) fed the file op by op, which gives its offline
// verdict. Memory then follows the transactions, or the keys in use, rather
// than the history's every op as JSON. The results are those the checkers
// give for a History of the same ops (the streamed forms promise it, and
// tests compare them). Used by `faultline check` and by `faultline test` for
// a long run. Errors: BadInput as the reader and the checkers throw it;
// std::invalid_argument for options a checker refuses. An online form's
// errors name `path` (CheckOptions::source); when several would throw, the
// one thrown is the one the checkers give judging a History in turn: the
// reader's, else the first checker's.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checkers/checker.h"
#include "harness/results.h"
#include "history/format.h"
#include "history/op_stream.h"

namespace fl {

// Whether every checker of `checkers` has a streamed way (and the file can be streamed).
bool can_check_streamed(const std::string& path, Format format, const std::vector<const Checker*>& checkers,
                        const CheckOptions& opts);

// Whether every checker of `checkers` is judged here by an online form whose
// result is exactly its offline one — verdict, detail, summary, errors
// (set, broadcast, g-counter, pn-counter, stats, unique-ids; not
// linearizable, whose online form promises its verdict only): `faultline
// check` then streams them without changing a word of its output.
bool online_exactly(const std::vector<const Checker*>& checkers, const CheckOptions& opts);

// The results in the checkers' order, `counts` set to the history's; nullopt
// when can_check_streamed is false.
std::optional<FileResults> check_streamed_file(const std::string& path, Format format,
                                               const std::vector<const Checker*>& checkers, const CheckOptions& opts,
                                               StreamCounts* counts = nullptr);

}  // namespace fl
