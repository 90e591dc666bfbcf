#include "report/anomaly_view.h"

#include <algorithm>

#include <fmt/format.h>

#include "report/html.h"

namespace fl {
namespace {

std::string op_button(const OpFinder& ops, std::int64_t index) {
  return fmt::format("<button type=\"button\" class=\"op\" data-op=\"{}\">{}</button>", index,
                     html_text(ops.describe(index)));
}

// A model state as the checker wrote it (a string, or any JSON), escaped, as code.
std::string state_code(const Json& st) {
  return "<code>" + html_text(st.is_string() ? clip(st.get<std::string>(), 200) : short_json(st, 200)) + "</code>";
}

// States as code, separated by commas.
std::string state_list(const Json& states) {
  std::string s;
  if (states.is_array())
    for (const Json& st : states) s += (s.empty() ? "" : ", ") + state_code(st);
  return s;
}

void write_linear_detail(std::ostream& out, const Json& a, const OpFinder& ops) {
  const auto tail = index_list(a.value("linearized_prefix_tail", Json()));
  const auto pending = index_list(a.value("pending", Json()));
  const auto failed = index_list(a.value("failed_op", Json()));
  const Json prefix_length = a.value("prefix_length", Json());
  const std::int64_t n = prefix_length.is_number_integer() ? prefix_length.get<std::int64_t>() : 0;
  out << "<ol class=\"steps\">";
  // A refutation after a cut: the order below starts at the cut, from one
  // of the states the ops before it can leave.
  const Json* cut = a.contains("cut") && a["cut"].is_object() ? &a["cut"] : nullptr;
  std::string from_cut;
  if (cut && cut->value("first_op", Json()).is_number_integer()) {
    const Json entries = cut->value("entry_states", Json::array());
    out << "<li>Every op before " << op_button(ops, (*cut)["first_op"].get<std::int64_t>())
        << " completed before it began, so there the model is in " << (entries.size() == 1 ? "the state " : "one of the states ")
        << state_list(entries) << ". The ops from there on were searched from each of them; from "
        << state_code(cut->value("entry_state", Json())) << " the search got furthest.</li>";
    from_cut = " from there on";
  }
  if (!tail.empty()) {
    std::string listed;
    for (std::int64_t x : tail) listed += (listed.empty() ? "" : ", ") + op_button(ops, x);
    if (n == 1 && tail.size() == 1)
      out << fmt::format("<li>The model can take this op first{}: {}.</li>", from_cut, listed);
    else if (n == static_cast<std::int64_t>(tail.size()))
      out << fmt::format("<li>The model can take these {} ops{} one after another, in this order: {}.</li>", n,
                         from_cut, listed);
    else
      out << fmt::format("<li>The model can take the first {} ops{} one after another; the last {} of that order "
                         "are, in order: {}.</li>",
                         n, from_cut, tail.size(), listed);
  }
  if (a.contains("states") && a["states"].is_array() && !a["states"].empty()) {
    out << "<li>That order leaves the model in " << (a["states"].size() == 1 ? "the state " : "one of the states ")
        << state_list(a["states"]) << ".</li>";
  }
  if (!pending.empty()) {
    std::string s;
    for (std::int64_t x : pending) s += (s.empty() ? "" : ", ") + op_button(ops, x);
    out << "<li>Still running then, and tried in every order before it: " << s << ".</li>";
  }
  if (!failed.empty())
    out << "<li>" << op_button(ops, failed[0])
        << " must take effect before it returns, but no order of the ops above lets the model accept it"
        << (cut ? ", and from none of the other states does any order get through either" : "") << ".</li>";
  out << "</ol>";
}

// Arrays of objects with an "explanation" (a cycle's edges) read as steps.
void write_steps(std::ostream& out, const Json& a, const OpFinder& ops) {
  for (auto it = a.begin(); it != a.end(); ++it) {
    if (!it.value().is_array() || it.value().empty() || !it.value()[0].is_object() ||
        !it.value()[0].contains("explanation"))
      continue;
    out << "<p class=\"steps-title\">" << html_text(it.key()) << ", edge by edge:</p><ol class=\"steps\">";
    for (const Json& step : it.value()) {
      out << "<li>";
      if (step.contains("from") && step.contains("to") && step["from"].is_number_integer() &&
          step["to"].is_number_integer())
        out << op_button(ops, step["from"].get<std::int64_t>()) << " → " << op_button(ops, step["to"].get<std::int64_t>())
            << " ";
      if (step.contains("type")) {
        // An edge's type is a name ("wr", "ww", "rw", "realtime"): shown bare, not as a JSON string.
        const Json& type = step["type"];
        out << "<span class=\"edge\">" << html_text(type.is_string() ? clip(type.get<std::string>(), 40) : short_json(type, 40))
            << "</span> ";
      }
      const Json& why = step["explanation"];
      out << html_text(why.is_string() ? why.get<std::string>() : short_json(why, 400)) << "</li>";
    }
    out << "</ol>";
  }
}

const std::set<std::string> kShownElsewhere = {"kind", "ops", "explanation", "key", "linearized_prefix_tail",
                                               "pending", "failed_op", "states", "cut"};

}  // namespace

OpFinder::OpFinder(const History& h, const std::set<std::int64_t>& wanted) : h_(h) {
  for (std::size_t i = 0; i < h.size(); ++i)
    if (wanted.count(h[i].index)) pos_.emplace(h[i].index, i);
}

std::int64_t OpFinder::invoke_index(std::int64_t index) const {
  auto it = pos_.find(index);
  if (it == pos_.end()) return -1;
  const Op& e = h_[it->second];
  if (e.is_nemesis()) return -1;
  if (e.is_invoke()) return e.index;
  const std::int64_t other = h_.partner(it->second);
  return other >= 0 ? h_[static_cast<std::size_t>(other)].index : -1;
}

std::string OpFinder::describe(std::int64_t index) const {
  auto it = pos_.find(index);
  if (it == pos_.end()) return fmt::format("op {} (not in the history)", index);
  const Op& e = h_[it->second];
  if (e.is_nemesis()) return fmt::format("op {}, nemesis: {} {}", index, clip(e.f, 60), short_json(e.value, 80));
  const std::int64_t other = h_.partner(it->second);
  const Op& inv = e.is_invoke() ? e : other >= 0 ? h_[static_cast<std::size_t>(other)] : e;
  const Op* done = e.is_invoke() ? (other >= 0 ? &h_[static_cast<std::size_t>(other)] : nullptr) : &e;
  std::string s = fmt::format("op {}, process {}: {}", index, inv.process, clip(inv.f, 60));
  if (!inv.value.is_null()) s += " " + short_json(inv.value, 80);
  if (!done) return s + " → never completed (info)";
  if (!done->value.is_null() && done->value != inv.value) s += " → " + short_json(done->value, 80);
  s += fmt::format(" ({})", to_string(done->type));
  if (!done->error.empty()) s += ": " + clip(done->error, 120);
  return s;
}

std::vector<std::int64_t> index_list(const Json& j) {
  std::vector<std::int64_t> out;
  if (j.is_array())
    for (const Json& x : j)
      if (x.is_number_integer()) out.push_back(x.get<std::int64_t>());
  if (j.is_number_integer()) out.push_back(j.get<std::int64_t>());
  return out;
}

Json op_labels(const Json& a) {
  Json labels = Json::object();
  if (a.contains("linearized_prefix_tail") && a.contains("prefix_length")) {
    const auto tail = index_list(a["linearized_prefix_tail"]);
    const std::int64_t n = a["prefix_length"].is_number_integer() ? a["prefix_length"].get<std::int64_t>() : 0;
    for (std::size_t k = 0; k < tail.size(); ++k)
      labels[std::to_string(tail[k])] = fmt::format("{}:", n - static_cast<std::int64_t>(tail.size() - k) + 1);
  }
  for (std::int64_t x : index_list(a.value("failed_op", Json())))
    labels[std::to_string(x)] = "X";
  return labels;
}

std::vector<AnomalyRef> collect_anomalies(const Json& results) {
  std::vector<AnomalyRef> out;
  if (!results.contains("checkers") || !results["checkers"].is_object()) return out;
  const Json& checkers = results["checkers"];
  for (auto it = checkers.begin(); it != checkers.end(); ++it) {
    if (!it.value().contains("anomalies") || !it.value()["anomalies"].is_array()) continue;
    for (const Json& a : it.value()["anomalies"])
      if (a.is_object()) out.push_back(AnomalyRef{it.key(), &a});
  }
  return out;
}

std::set<std::int64_t> named_ops(const std::vector<AnomalyRef>& anomalies) {
  std::set<std::int64_t> wanted;
  for (const AnomalyRef& ref : anomalies) {
    const Json& a = *ref.anomaly;
    for (const char* k : {"ops", "linearized_prefix_tail", "pending", "failed_op"})
      for (std::int64_t x : index_list(a.value(k, Json()))) wanted.insert(x);
    if (a.contains("cut") && a["cut"].is_object())
      for (std::int64_t x : index_list(a["cut"].value("first_op", Json()))) wanted.insert(x);
    for (auto f = a.begin(); f != a.end(); ++f)
      if (f.value().is_array())
        for (const Json& step : f.value())
          if (step.is_object())
            for (const char* k : {"from", "to"})
              for (std::int64_t x : index_list(step.value(k, Json()))) wanted.insert(x);
  }
  return wanted;
}

namespace {

// The exchanges of the ops `anomaly` names, in the order they were sent: a
// table under a <details>, at most kMaxRows rows.
void write_wire(std::ostream& out, const Json& anomaly, const OpFinder& ops, const WireMap& wire) {
  constexpr std::size_t kMaxRows = 200;
  std::vector<const WireExchange*> rows;
  std::set<std::int64_t> seen;
  for (std::int64_t x : named_ops({AnomalyRef{"", &anomaly}})) {
    std::int64_t inv = ops.invoke_index(x);
    if (inv < 0 || !seen.insert(inv).second) continue;
    auto it = wire.find(inv);
    if (it == wire.end()) continue;
    for (const WireExchange& e : it->second) rows.push_back(&e);
  }
  if (rows.empty()) return;
  std::stable_sort(rows.begin(), rows.end(), [](const WireExchange* a, const WireExchange* b) { return a->sent < b->sent; });
  out << "<details class=\"wire\"" << (rows.size() <= 20 ? " open" : "") << "><summary>What the clients said on the wire: " << rows.size()
      << (rows.size() == 1 ? " exchange" : " exchanges") << " of these ops, in the order they were sent</summary>"
      << "<table><thead><tr><th>op</th><th>process</th><th>node</th><th>sent (s)</th><th>answered (s)</th>"
         "<th>request</th><th>answer</th></tr></thead><tbody>";
  for (std::size_t i = 0; i < rows.size() && i < kMaxRows; ++i) {
    const WireExchange& e = *rows[i];
    out << "<tr><td>" << op_button(ops, e.op) << "</td><td>" << e.process << "</td><td>" << html_text(e.to.empty() ? e.node : e.node + " → " + e.to)
        << "</td><td>" << fmt::format("{:.6f}", static_cast<double>(e.sent) / 1e9) << "</td><td>"
        << (e.answered ? fmt::format("{:.6f}", static_cast<double>(*e.answered) / 1e9) : std::string("—"))
        << "</td><td><code>" << html_text(e.request) << "</code></td><td><code>" << html_text(e.answer)
        << "</code></td></tr>";
  }
  out << "</tbody></table>";
  if (rows.size() > kMaxRows) out << "<p class=\"note\">" << rows.size() - kMaxRows << " more in wire.jsonl.</p>";
  out << "</details>";
}

}  // namespace

void write_anomaly(std::ostream& out, std::size_t id, const AnomalyRef& ref, const OpFinder& ops, const WireMap* wire) {
  const Json& a = *ref.anomaly;
  const std::string kind = a.contains("kind") && a["kind"].is_string() ? a["kind"].get<std::string>() : "anomaly";
  out << fmt::format("<article class=\"anomaly\" id=\"anomaly-{}\">", id);
  out << "<h3>" << html_text(kind) << " <span class=\"by\">found by " << html_text(ref.checker) << "</span>";
  if (a.contains("key") && !a["key"].is_null()) out << " <span class=\"key\">key " << html_text(short_json(a["key"], 80)) << "</span>";
  out << "</h3>";
  if (a.contains("explanation"))
    out << "<p class=\"why\">"
        << html_text(a["explanation"].is_string() ? a["explanation"].get<std::string>() : short_json(a["explanation"], 800))
        << "</p>";
  if (a.contains("linearized_prefix_tail") || a.contains("failed_op")) write_linear_detail(out, a, ops);
  write_steps(out, a, ops);
  std::string facts;
  for (auto it = a.begin(); it != a.end(); ++it) {
    if (kShownElsewhere.count(it.key())) continue;
    if (it.value().is_array() && !it.value().empty() && it.value()[0].is_object() && it.value()[0].contains("explanation"))
      continue;
    facts += "<dt>" + html_text(it.key()) + "</dt><dd>" +
             html_text(it.value().is_string() ? clip(it.value().get<std::string>(), 300) : short_json(it.value(), 300)) +
             "</dd>";
  }
  if (!facts.empty()) out << "<dl class=\"facts\">" << facts << "</dl>";
  out << fmt::format("<div class=\"mini\" data-anomaly=\"{}\"></div>", id);
  const auto idx = index_list(a.value("ops", Json()));
  if (!idx.empty()) {
    out << "<ul class=\"ops\">";
    for (std::int64_t x : idx) out << "<li>" << op_button(ops, x) << "</li>";
    out << "</ul>";
  }
  if (wire) write_wire(out, a, ops, *wire);
  out << "</article>\n";
}

}  // namespace fl
