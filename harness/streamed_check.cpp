#include "harness/streamed_check.h"

#include <chrono>
#include <memory>

#include "checkers/linear/stream.h"
#include "checkers/online.h"
#include "checkers/txn/checks.h"
#include "checkers/txn/stream.h"

namespace fl {
namespace {

enum class Way { Txn, LinearKv, Online, None };

Way way_of(const Checker& c, const CheckOptions& opts) {
  if (txn::txn_checker_shape(c.name())) return Way::Txn;
  if (c.name() == "linearizable" && opts.model == "kv") return Way::LinearKv;
  if (c.online(opts)) return Way::Online;
  return Way::None;
}

}  // namespace

bool can_check_streamed(const std::string& path, Format format, const std::vector<const Checker*>& checkers,
                        const CheckOptions& opts) {
  if (checkers.empty() || !can_stream(path, format)) return false;
  for (const Checker* c : checkers)
    if (way_of(*c, opts) == Way::None) return false;
  return true;
}

std::optional<FileResults> check_streamed_file(const std::string& path, Format format,
                                               const std::vector<const Checker*>& checkers, const CheckOptions& opts,
                                               StreamCounts* counts) {
  if (!can_check_streamed(path, format, checkers, opts)) return std::nullopt;
  const auto t0 = std::chrono::steady_clock::now();
  StreamCounts seen;
  std::vector<std::optional<CheckResult>> results(checkers.size());
  // The online forms first, all fed in one pass.
  std::vector<std::pair<std::size_t, std::unique_ptr<OnlineCheck>>> fed;
  for (std::size_t i = 0; i < checkers.size(); ++i)
    if (way_of(*checkers[i], opts) == Way::Online) fed.emplace_back(i, checkers[i]->online(opts));
  if (!fed.empty()) {
    seen = stream_history(path, format, [&fed](const OpRef& op) {
      for (auto& [i, check] : fed) check->feed(op);
    });
    for (auto& [i, check] : fed) results[i] = check->finish(seen.events);
  }
  for (std::size_t i = 0; i < checkers.size(); ++i) {
    const Checker& c = *checkers[i];
    switch (way_of(c, opts)) {
      case Way::Txn: {
        const txn::ReadShape shape = *txn::txn_checker_shape(c.name());
        const txn::StreamedTxns s = txn::stream_txns(path, format, shape);
        seen.events = s.events;
        seen.operations = s.operations;
        results[i] = txn::check_txns(shape, s.txns, opts);
        break;
      }
      case Way::LinearKv:
        results[i] = stream_check_linearizable(path, format, opts, &seen);
        break;
      default:
        break;
    }
  }
  FileResults fr;
  for (std::size_t i = 0; i < checkers.size(); ++i) add_result(fr, checkers[i]->name(), std::move(*results[i]));
  fr.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (counts) *counts = seen;
  return fr;
}

}  // namespace fl
