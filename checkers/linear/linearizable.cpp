// The `linearizable` checker: is the history linearizable for the model
// (Herlihy & Wing), under Knossos's semantics of ok / fail / info? The
// history is split by key, each part is refuted cheaply when it can be
// (unique writes, stale windows, a stretch after a point where nothing is
// open: cut.h) and otherwise searched (Wing & Gong / Lowe), on
// CheckOptions.threads threads. A budget that runs out gives Unknown.
// fifo-queue and set parts whose values are unique are decided in near-linear
// time instead (unique_queue.h, unique_set.h) unless params
// {"unique-values": false} asks for the search alone.
#include <algorithm>
#include <atomic>
#include <exception>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <unistd.h>

#include "checkers/checker.h"
#include "checkers/linear/cut.h"
#include "checkers/linear/partition.h"
#include "checkers/linear/refute.h"
#include "checkers/linear/search.h"
#include "checkers/linear/stream.h"
#include "checkers/linear/timeline.h"
#include "checkers/linear/unique_queue.h"
#include "checkers/linear/unique_set.h"
#include "checkers/registry.h"

namespace fl {

std::size_t default_linear_memory_bound() {
  // Without --memory-limit, stop at a quarter of the machine's memory: the
  // machine stays usable (other tests, the recorded history, the report) and
  // an unknown with a reason beats a crash or a swapping desktop.
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return std::size_t{2} << 30;
  return static_cast<std::size_t>(pages) * static_cast<std::size_t>(page) / 4;
}

// What to do about an unknown: the search is hard when many concurrent ops
// share a key and few values.
const char* const kLinearUnknownHint =
    "many concurrent operations on one key with few distinct values make the search hard; "
    "split the load over keys (the kv workload), write unique values (the register workload's "
    "default; --workload-opt values=small is the hard case), record fewer operations (a shorter "
    "--time-limit of the test), or give the check more (--memory-limit, --time-limit of `faultline check`)";

namespace {

constexpr std::size_t kFirstPassConfigurations = 20000;

struct PartResult {
  SearchResult search;
  std::exception_ptr error;
  std::size_t ops = 0;
};

class LinearizableChecker : public Checker {
 public:
  std::string name() const override { return "linearizable"; }
  std::string description() const override {
    return "linearizability against a model (--model, --init), with a counterexample timeline";
  }

  std::unique_ptr<OnlineCheck> online(const CheckOptions& opts) const override { return online_linearizable(opts); }
  CheckResult check(const History& h, const CheckOptions& opts) const override {
    const Model* found = find_model(opts.model);
    if (!found) throw std::invalid_argument(unknown_name("model", opts.model, list_models()));
    const Model& model = *found;
    const std::vector<PartitionPlan> plans = plan_partitions(h);
    std::vector<PartResult> parts(plans.size());
    std::vector<Partition> encoded(plans.size());
    // One invalid part decides the verdict: the others are cancelled (as
    // Porcupine does). With one thread the parts run in a fixed order, so the
    // counterexample shown is reproducible; with more, it is one of them.
    std::vector<std::atomic<bool>> cancel(plans.size());
    for (auto& c : cancel) c = false;
    std::atomic<std::size_t> memory_in_use{0};
    SearchBudget base;
    if (opts.time_limit_s > 0)
      base.deadline = std::chrono::steady_clock::now() +
                      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                          std::chrono::duration<double>(opts.time_limit_s));
    base.memory_limit_bytes =
        opts.memory_limit_mb > 0 ? opts.memory_limit_mb * (std::size_t{1} << 20) : default_linear_memory_bound();

    base.memory_in_use = &memory_in_use;
    const bool unique_values = opts.params.value("unique-values", true);

    // Biggest parts first, so the last thread does not start the longest one.
    std::vector<std::size_t> order(plans.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return plans[a].pairs.size() > plans[b].pairs.size();
    });
    // Two passes: every part first gets a small search budget, so an easy
    // invalid part is found (and stops the rest) before a hard part is
    // explored in full; parts still open then get the whole budget.
    unsigned threads = opts.threads ? opts.threads : std::max(1u, std::thread::hardware_concurrency());
    threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, plans.size())));
    // A thread costs more to start than a small history costs to check.
    std::size_t total_ops = 0;
    for (const PartitionPlan& plan : plans) total_ops += plan.pairs.size();
    threads = static_cast<unsigned>(std::min<std::size_t>(threads, 1 + total_ops / 1000));
    auto run_pass = [&](std::size_t max_configurations, bool first) {
      std::atomic<std::size_t> cursor{0};
      auto worker = [&] {
        for (std::size_t k; (k = cursor.fetch_add(1)) < order.size();) {
          const std::size_t i = order[k];
          if (!first && (parts[i].error || parts[i].search.reason != "first pass")) continue;
          try {
            if (first) {
              encoded[i] = encode_partition(h, plans[i], model, opts.init);
              parts[i].ops = encoded[i].ops.size();
              std::optional<SearchResult> decided;
              if (unique_values) decided = decide_unique_queue(encoded[i], model);
              if (!decided && unique_values) decided = decide_unique_set(encoded[i], model);
              if (!decided) decided = refute_unique_writes(encoded[i], model);
              if (!decided) decided = refute_stale_windows(encoded[i], model);
              if (!decided) {
                SearchBudget budget = base;
                budget.cancel = &cancel[i];
                decided = refute_after_cuts(encoded[i], model, budget);
              }
              if (decided) {
                parts[i].search = std::move(*decided);
                if (parts[i].search.valid == Validity::Invalid)
                  for (std::size_t j = 0; j < cancel.size(); ++j) if (j != i) cancel[j] = true;
                continue;
              }
            }
            SearchBudget budget = base;
            budget.cancel = &cancel[i];
            budget.max_configurations = max_configurations;
            parts[i].search = search_linearization(encoded[i], model, budget);
            if (parts[i].search.valid == Validity::Invalid)
              for (std::size_t j = 0; j < cancel.size(); ++j) if (j != i) cancel[j] = true;
          } catch (...) {
            parts[i].error = std::current_exception();
            for (std::size_t j = 0; j < cancel.size(); ++j) if (j != i) cancel[j] = true;
          }
        }
      };
      std::vector<std::thread> pool;
      for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
      worker();
      for (auto& t : pool) t.join();
    };
    const bool split = plans.size() > 1;
    run_pass(split ? kFirstPassConfigurations : SIZE_MAX, true);
    if (split) run_pass(SIZE_MAX, false);

    for (const PartResult& part : parts)
      if (part.error) std::rethrow_exception(part.error);
    return report(h, model, plans, encoded, parts, base.memory_limit_bytes >> 20, opts.time_limit_s);
  }

 private:
  CheckResult report(const History& h, const Model& model, const std::vector<PartitionPlan>& plans,
                     const std::vector<Partition>& encoded, const std::vector<PartResult>& parts,
                     std::size_t memory_limit_mb, double time_limit_s) const {
    // The limit that ran out, in words ("" for other reasons).
    auto limit_text = [&](const std::string& reason) -> std::string {
      if (reason == "the memory limit ran out") return fmt::format(" ({} MB)", memory_limit_mb);
      if (reason == "the time limit ran out") return fmt::format(" ({:g} s)", time_limit_s);
      return "";
    };
    CheckResult out;
    out.valid = Validity::Valid;
    std::int64_t configurations = 0;
    std::size_t peak = 0;
    std::string unknown_reason;
    Json anomalies = Json::array();
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const SearchResult& s = parts[i].search;
      configurations += s.configurations;
      peak += s.peak_bytes;
      if (out.valid == Validity::Invalid) continue;
      if (s.valid == Validity::Unknown && s.reason != "cancelled" && s.reason != "first pass" &&
          unknown_reason.empty())
        unknown_reason = fmt::format("{}{} after {} configurations{}", s.reason, limit_text(s.reason),
                                     s.configurations, plans[i].key.empty() ? "" : " (key " + plans[i].key + ")");
      if (s.valid != Validity::Invalid) {
#if defined(FL_MUTANT_UNKNOWN_AS_VALID)  // planted: a search that gave up counts as a pass
        continue;
#endif
        out.valid = worst(out.valid, s.valid);
        continue;
      }
      out.valid = Validity::Invalid;
      anomalies.push_back(counterexample(h, model, encoded[i], s, out.summary));
    }
    out.detail["model"] = model.name();
    out.detail["partitions"] = plans.size();
    out.detail["configurations"] = configurations;
    out.detail["memory_bytes"] = peak;
    out.detail["anomalies"] = anomalies;
    // Which algorithms decided the parts (the search, or a fast path).
    Json methods = Json::object();
    for (const PartResult& part : parts)
      if (part.search.valid != Validity::Unknown && !part.search.method.empty())
        methods[part.search.method] = methods.value(part.search.method, 0) + 1;
    out.detail["methods"] = methods;
    if (out.valid == Validity::Unknown) {
      out.detail["reason"] = unknown_reason;
      out.detail["hint"] = kLinearUnknownHint;
      out.summary = "could not decide: " + unknown_reason + ".\n  Hint: " + kLinearUnknownHint + ".\n";
    } else if (out.valid == Validity::Valid) {
      std::string by;
      for (auto it = methods.begin(); it != methods.end(); ++it)
        if (it.key() != "wgl") by += (by.empty() ? ", decided by the " : " and the ") + it.key();
      out.summary = fmt::format("linearizable as a {} ({} part{}, {} configurations explored{})\n",
                                model.name(), plans.size(), plans.size() == 1 ? "" : "s",
                                configurations, by);
    }
    return out;
  }

  Json counterexample(const History& h, const Model& model, const Partition& p, const SearchResult& s,
                      std::string& summary) const {
    auto op_index = [&](std::int32_t i) {
      return h[static_cast<std::size_t>(h.pairs()[static_cast<std::size_t>(p.ops[static_cast<std::size_t>(i)].pair)].invoke)].index;
    };
    auto describe = [&](std::int32_t i) {
      return model.describe(p.classes[static_cast<std::size_t>(p.ops[static_cast<std::size_t>(i)].cls)], p.values);
    };
    Json prefix = Json::array(), pending = Json::array(), involved = Json::array();
    std::vector<TimelineOp> drawn;
    auto draw = [&](std::int32_t i, const std::string& tag) {
      const SearchOp& op = p.ops[static_cast<std::size_t>(i)];
      const OpPair& pair = h.pairs()[static_cast<std::size_t>(op.pair)];
      drawn.push_back(TimelineOp{h[static_cast<std::size_t>(pair.invoke)].process, op.call,
                                 op.ok() ? op.ret : -1, tag + describe(i)});
      involved.push_back(op_index(i));
    };
    for (std::size_t k = 0; k < s.prefix_tail.size(); ++k) {
      prefix.push_back(op_index(s.prefix_tail[k]));
      draw(s.prefix_tail[k], fmt::format("{}:", s.prefix_length - static_cast<std::int64_t>(s.prefix_tail.size() - k) + 1));
    }
    for (std::int32_t i : s.pending)
      if (i != s.blocked) {
        pending.push_back(op_index(i));
        draw(i, "");
      }
    Json failed;
    std::string what;
    if (s.blocked >= 0) {
      failed = op_index(s.blocked);
      draw(s.blocked, "X ");
      what = fmt::format("`{}` (op {}, process {})", describe(s.blocked), op_index(s.blocked),
                         h[static_cast<std::size_t>(h.pairs()[static_cast<std::size_t>(p.ops[static_cast<std::size_t>(s.blocked)].pair)].invoke)].process);
    }
    std::string explanation = s.explanation;
    if (explanation.empty())
      explanation = fmt::format("after the longest linearizable prefix found ({} ops), {} cannot be linearized",
                                s.prefix_length, what);
    std::sort(involved.begin(), involved.end());
    const std::string key = p.key.empty() ? "" : " for key " + p.key;
    summary += fmt::format("not linearizable as a {}{}: {}\n", model.name(), key, explanation);
    summary += "  (n: is the n-th op of the prefix; X marks the op that could not be linearized)\n";
    summary += render_timeline(drawn);
    // For register-shaped models, the state the shown order leaves the model
    // in: what the last op of the prefix that wrote wrote, else what a read
    // of it saw (reads leave the state as they found it).
    Json states = Json::array();
    if (p.register_like) {
      std::int64_t word = -1;
      for (auto it = s.prefix_tail.rbegin(); it != s.prefix_tail.rend() && word < 0; ++it) {
        const SearchOp& op = p.ops[static_cast<std::size_t>(*it)];
        word = op.produces >= 0 ? op.produces : op.observes;
      }
      if (word < 0 && s.prefix_length == static_cast<std::int64_t>(s.prefix_tail.size()))
        word = s.entry_state >= 0 ? s.entry_state : p.init.size() == 1 ? p.init[0] : -1;
      const std::string text = word >= 0 ? model.describe_state(State{word}, p.values) : "";
      if (!text.empty()) states.push_back(text);
    }
    Json a = {{"kind", "not-linearizable"},
              {"key", p.key.empty() ? Json() : Json::parse(p.key)},
              {"ops", involved},
              {"prefix_length", s.prefix_length},
              {"linearized_prefix_tail", prefix},
              {"failed_op", failed},
              {"pending", pending},
              {"method", s.method},
              {"explanation", explanation}};
    if (!states.empty()) a["states"] = states;
    if (s.cut_at >= 0) {
      // Where the refuted stretch began and the states it was searched from.
      Json entries = Json::array();
      for (std::int64_t v : s.entry_states) entries.push_back(model.describe_state(State{v}, p.values));
      a["cut"] = {{"first_op", op_index(s.cut_at)},
                  {"entry_state", model.describe_state(State{s.entry_state}, p.values)},
                  {"entry_states", entries}};
    }
    return a;
  }
};

}  // namespace

std::unique_ptr<Checker> make_linearizable_checker() { return std::make_unique<LinearizableChecker>(); }

}  // namespace fl
