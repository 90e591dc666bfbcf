#include "checkers/txn/findings.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace fl::txn {
namespace {

constexpr std::size_t kKeptPerType = 100;
const char* kEmptyGraph = "empty-transaction-graph";
const char* kTimeout = "cycle-search-timeout";

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// The names a params entry gives: a JSON list, or one comma-separated string.
std::vector<std::string> names_of(const Json& v, const char* what) {
  std::vector<std::string> out;
  auto split = [&](const std::string& s) {
    std::size_t start = 0;
    while (start <= s.size()) {
      std::size_t comma = s.find(',', start);
      if (comma == std::string::npos) comma = s.size();
      std::string name = s.substr(start, comma - start);
      if (!name.empty() && name[0] == ':') name.erase(0, 1);  // Elle's keywords
      if (!name.empty()) out.push_back(name);
      start = comma + 1;
    }
  };
  if (v.is_string()) {
    split(v.get<std::string>());
  } else if (v.is_array()) {
    for (const Json& x : v) {
      if (!x.is_string()) throw std::invalid_argument(fmt::format("{} must be names, got {}", what, x.dump()));
      split(x.get<std::string>());
    }
  } else {
    throw std::invalid_argument(fmt::format("{} must be a list of names, got {}", what, v.dump()));
  }
  return out;
}

bool flag_of(const Json& params, const char* name) {
  if (!params.contains(name)) return false;
  const Json& v = params[name];
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) return v == "true" || v == "1" || v == "yes";
  throw std::invalid_argument(fmt::format("{} must be true or false, got {}", name, v.dump()));
}

}  // namespace

TxnOptions TxnOptions::from(const CheckOptions& opts) {
  TxnOptions o;
  const Json& p = opts.params;
  if (p.is_object()) {
    if (p.contains("consistency-models")) {
      o.consistency_models.clear();
      for (const std::string& m : names_of(p["consistency-models"], "consistency-models")) {
        if (!known_model(m)) {
          std::string known;
          for (const std::string& k : model_names()) known += (known.empty() ? "" : ", ") + k;
          throw std::invalid_argument(fmt::format("unknown consistency model \"{}\" (known: {})", m, known));
        }
        o.consistency_models.insert(m);
      }
    }
    if (p.contains("anomalies"))
      for (const std::string& a : names_of(p["anomalies"], "anomalies")) {
        if (!known_anomaly(a)) throw std::invalid_argument(fmt::format("unknown anomaly \"{}\"", a));
        o.anomalies.insert(a);
      }
    o.sequential_keys = flag_of(p, "sequential-keys");
    o.linearizable_keys = flag_of(p, "linearizable-keys");
    o.wfr_keys = flag_of(p, "wfr-keys");
  }
  if (opts.init) {
    // Only the empty initial state: {} (or each key null / []), as a run
    // starts. Other initial values would need a version order that starts
    // elsewhere than nil; refused rather than half-used.
    const Json& init = *opts.init;
    bool empty = init.is_object();
    if (empty)
      for (const auto& [key, value] : init.items())
        empty = empty && (value.is_null() || (value.is_array() && value.empty()));
    if (!empty)
      throw std::invalid_argument(fmt::format(
          "the transactional checkers know only the empty initial state, --init '{{}}' (every key absent), got {}",
          init.dump()));
    o.initial_state_known = true;
  }
  if (opts.time_limit_s > 0)
    o.deadline = std::chrono::steady_clock::now() +
                 std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                     std::chrono::duration<double>(opts.time_limit_s));
  return o;
}

Names TxnOptions::prohibited() const {
  Names out = anomalies_implying(anomalies);
  Names by_models = anomalies_prohibited_by(consistency_models);
  out.insert(by_models.begin(), by_models.end());
  return out;
}

Rels TxnOptions::extra_order() const {
  Names p = prohibited();
  bool realtime = false, process = false;
  for (const std::string& a : p) {
    if (a.find("-realtime") != std::string::npos && a.rfind("G", 0) == 0) realtime = true;
    if (a.find("-process") != std::string::npos && a.rfind("G", 0) == 0) process = true;
  }
  return realtime ? kRealtime : process ? kProcess : 0;
}

void Findings::add(const std::string& type, std::vector<std::int64_t> ops, std::string explanation, Json extra) {
  std::size_t& n = types_[type];
  if (n++ >= kKeptPerType) return;
  Json a = extra.is_object() ? std::move(extra) : Json::object();
  a["kind"] = type;
  a["ops"] = std::move(ops);
  a["explanation"] = std::move(explanation);
  by_type_[type].push_back(std::move(a));
}

std::string order_step(const Txns& txns, std::uint32_t a, std::uint32_t b, Rels rel) {
  const Txn& ta = txns[a];
  const Txn& tb = txns[b];
  if (rel == kProcess)
    return fmt::format("process {} ran {} before {}", ta.process, Txns::name(ta), Txns::name(tb));
  return fmt::format("{} completed (op {}) before {} was invoked (op {})", Txns::name(ta), ta.index, Txns::name(tb),
                     tb.invoke_index);
}

void Findings::add_cycles(const Txns& txns, const CycleReport& report, const StepExplainer& explain) {
  for (const Cycle& c : report.cycles) {
    std::vector<std::int64_t> ops;
    Json steps = Json::array();
    std::string names, sentences;
    for (std::size_t i = 0; i < c.txns.size(); ++i) {
      std::uint32_t a = c.txns[i], b = c.txns[(i + 1) % c.txns.size()];
      ops.push_back(txns[a].index);
      std::string why = explain(a, b, c.steps[i]);
      names += Txns::name(txns[a]) + " → ";
      sentences += fmt::format("{}{} ({})", i ? "; " : "", why, rel_name(c.steps[i]));
      steps.push_back({{"from", txns[a].index}, {"to", txns[b].index}, {"type", rel_name(c.steps[i])},
                       {"explanation", why}});
    }
    names += Txns::name(txns[c.txns[0]]);
    add(c.type, std::move(ops),
        fmt::format("{} cycle {}: {} — so each must come before itself", c.type, names, sentences),
        Json{{"cycle", steps}});
  }
  for (const CycleExists& ce : report.exists) {
    std::vector<std::int64_t> ops;
    std::string names;
    for (std::uint32_t t : ce.scc) {
      ops.push_back(txns[t].index);
      if (ops.size() <= 8) names += (names.empty() ? "" : ", ") + Txns::name(txns[t]);
    }
    if (ops.size() > 8) names += fmt::format(" and {} more", ops.size() - 8);
    add(ce.type, ops,
        fmt::format("a cycle of {} edges runs through {} ({}), which {} forbids; no cycle of a named anomaly class "
                    "was found there",
                    ce.subgraph, ops.size() == 1 ? "one transaction" : fmt::format("{} transactions", ops.size()),
                    names, ce.model),
        Json{{"model", ce.model}, {"subgraph", ce.subgraph}});
  }
  if (report.timed_out)
    add(kTimeout, {},
        fmt::format("the time limit ran out while searching a component of {} transactions for {} cycles",
                    report.timed_out_scc_size, report.timed_out_class),
        Json{{"searching", report.timed_out_class}, {"scc-size", report.timed_out_scc_size}});
}

CheckResult Findings::result(const TxnOptions& opts, const std::string& checker) const {
  Names found;
  for (const auto& [t, n] : types_) found.insert(t);
  Names prohibited = opts.prohibited();
  Names reportable;
  bool bad = false;
  for (const std::string& t : found) {
    if (prohibited.count(t)) bad = true;
    if (prohibited.count(t) || t == kEmptyGraph || t == kTimeout) reportable.insert(t);
  }
  // A component is only worth naming when nothing more specific already
  // rules its model out (Elle's remove-redundant-cycle-exists).
  Names specific;
  for (const std::string& t : reportable)
    if (!ends_with(t, "-cycle-exists")) specific.insert(t);
  Names ruled_out = impossible_models(specific);
  for (auto it = reportable.begin(); it != reportable.end();) {
    if (ends_with(*it, "-cycle-exists") && ruled_out.count(it->substr(0, it->size() - 13)))
      it = reportable.erase(it);
    else
      ++it;
  }
  CheckResult r;
  r.valid = reportable.empty() ? Validity::Valid : bad ? Validity::Invalid : Validity::Unknown;
  Json anomalies = Json::array(), counts = Json::object(), others = Json::array();
  Names all_specific;
  for (const std::string& t : found)
    if (!ends_with(t, "-cycle-exists")) all_specific.insert(t);
  Names ruled_out_by_any = impossible_models(all_specific);
  for (const std::string& t : found) {
    if (!reportable.count(t)) {
      if (!ends_with(t, "-cycle-exists") || !ruled_out_by_any.count(t.substr(0, t.size() - 13))) others.push_back(t);
      continue;
    }
    counts[t] = types_.at(t);
    auto it = by_type_.find(t);
    if (it != by_type_.end())
      for (const Json& a : it->second) anomalies.push_back(a);
    std::string example;
    if (it != by_type_.end() && !it->second.empty()) example = it->second.front()["explanation"].get<std::string>();
    r.summary += fmt::format("    {} × {}{}{}\n", types_.at(t), t, example.empty() ? "" : ", e.g. ", example);
  }
  Boundary b = boundary(found);
  r.detail["anomaly-types"] = Json(std::vector<std::string>(reportable.begin(), reportable.end()));
  r.detail["anomalies"] = std::move(anomalies);
  r.detail["anomaly-counts"] = std::move(counts);
  if (!others.empty()) r.detail["also-found"] = std::move(others);
  r.detail["consistency-models"] =
      Json(std::vector<std::string>(opts.consistency_models.begin(), opts.consistency_models.end()));
  r.detail["not"] = b.not_models;
  r.detail["also-not"] = b.also_not;
  r.detail["strongest-not-ruled-out"] = b.strongest_possible;
  if (!b.not_models.empty()) {
    std::string list;
    for (const std::string& m : b.not_models) list += (list.empty() ? "" : ", ") + m;
    r.summary += fmt::format("    rules out {} (and every stronger model)\n", list);
  }
  if (r.valid == Validity::Unknown && found.count(kEmptyGraph))
    r.summary += fmt::format("    {}: no dependency between transactions could be inferred\n", checker);
  return r;
}

}  // namespace fl::txn
