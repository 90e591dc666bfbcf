#include "harness/streamed_check.h"

#include <chrono>
#include <exception>
#include <memory>

#include "checkers/linear/stream.h"
#include "checkers/online.h"
#include "checkers/txn/checks.h"
#include "checkers/txn/stream.h"
#include "history/error.h"

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

bool online_exactly(const std::vector<const Checker*>& checkers, const CheckOptions& opts) {
  if (checkers.empty()) return false;
  for (const Checker* c : checkers)
    // Linearizability's online form promises the verdict, not the in-memory counterexample.
    if (way_of(*c, opts) != Way::Online || c->name() == "linearizable") return false;
  return true;
}

std::optional<FileResults> check_streamed_file(const std::string& path, Format format,
                                               const std::vector<const Checker*>& checkers, const CheckOptions& opts,
                                               StreamCounts* counts) {
  if (!can_check_streamed(path, format, checkers, opts)) return std::nullopt;
  const auto t0 = std::chrono::steady_clock::now();
  StreamCounts seen;
  std::vector<std::optional<CheckResult>> results(checkers.size());
  // The online forms first, all fed in one pass, their errors named by the file.
  CheckOptions named = opts;
  named.source = path;
  struct Fed {
    std::size_t i;
    std::unique_ptr<OnlineCheck> check;
    std::exception_ptr error;  // the first it threw: it is fed no more
  };
  std::vector<Fed> fed;
  for (std::size_t i = 0; i < checkers.size(); ++i)
    if (way_of(*checkers[i], opts) == Way::Online) fed.push_back(Fed{i, checkers[i]->online(named), nullptr});
  if (!fed.empty()) {
    // The reader's error comes first, as read_history's does before any
    // check; then each checker's, in the checkers' order, as when they judge
    // a History one after the other.
    seen = stream_history(path, format, [&fed](const OpRef& op) {
      for (Fed& f : fed) {
        if (f.error) continue;
        try {
          f.check->feed(op);
        } catch (const BadInput&) {
          f.error = std::current_exception();
        }
      }
    });
  }
  std::size_t next_fed = 0;
  for (std::size_t i = 0; i < checkers.size(); ++i) {
    const Checker& c = *checkers[i];
    switch (way_of(c, opts)) {
      case Way::Online: {
        Fed& f = fed[next_fed++];
        if (f.error) std::rethrow_exception(f.error);
        results[i] = f.check->finish(seen.events);
        break;
      }
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
