#include "report/timeline_data.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "report/html.h"

namespace fl {
namespace {

constexpr std::size_t kValueChars = 80;
constexpr std::size_t kErrorChars = 160;

class TextTable {
 public:
  explicit TextTable(std::vector<std::string>& texts) : texts_(texts) {}
  std::int32_t id(std::string s) {
    auto it = ids_.find(s);
    if (it != ids_.end()) return it->second;
    const auto id = static_cast<std::int32_t>(texts_.size());
    ids_.emplace(s, id);
    texts_.push_back(std::move(s));
    return id;
  }
  // Integers (most values of most histories) and short strings that repeat
  // (nodes, errors) are looked up as they are, without making a text first.
  std::int32_t value(const Json& v) {
    // Unsigned integers past INT64_MAX go by their text (through int64_t
    // they would read, and share the id of, negative numbers).
    if (v.is_number_integer() &&
        !(v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))) {
      const std::int64_t x = v.get<std::int64_t>();
      auto it = ints_.find(x);
      if (it != ints_.end()) return it->second;
      const std::int32_t id = this->id(std::to_string(x));
      ints_.emplace(x, id);
      return id;
    }
    if (v.is_null()) {
      if (null_ < 0) null_ = id("null");
      return null_;
    }
    return id(short_json(v, kValueChars));
  }
  std::int32_t text(const std::string& s, std::size_t max) {
    auto it = raw_.find(s);
    if (it != raw_.end()) return it->second;
    const std::int32_t id = this->id(clip(s, max));
    raw_.emplace(s, id);
    return id;
  }

 private:
  std::vector<std::string>& texts_;
  std::unordered_map<std::string, std::int32_t> ids_;
  std::unordered_map<std::int64_t, std::int32_t> ints_;
  std::unordered_map<std::string, std::int32_t> raw_;  // by the text before clipping
  std::int32_t null_ = -1;
};

// How a nemesis event's f opens or closes a window: "start-X" / "stop-X"
// (faultline, Jepsen's combined nemesis), "kill" … "start" and "pause" …
// "resume", Jepsen's classic "start" … "stop" (when nothing is killed, a
// bare "start" starts a fault), and "heal" closing everything.
struct FaultEdge {
  enum { Open, Close, CloseAll, Instant } kind;
  std::string name;
};

FaultEdge classify(const std::string& f, bool kills) {
  auto starts = [&](const char* p) { return f.rfind(p, 0) == 0; };
  if (starts("start-")) return {FaultEdge::Open, f.substr(6)};
  if (starts("stop-")) return {FaultEdge::Close, f.substr(5)};
  if (f == "kill" || f == "pause") return {FaultEdge::Open, f};
  if (f == "start") return kills ? FaultEdge{FaultEdge::Close, "kill"} : FaultEdge{FaultEdge::Open, "fault"};
  if (f == "resume") return {FaultEdge::Close, "pause"};
  if (f == "stop") return kills ? FaultEdge{FaultEdge::CloseAll, f} : FaultEdge{FaultEdge::Close, "fault"};
  if (f == "heal" || f == "heal-all") return {FaultEdge::CloseAll, f};
  return {FaultEdge::Instant, f};
}

}  // namespace

TimelineData layout_timeline(const History& h) {
  TimelineData t;
  const auto& ops = h.ops();
  t.real_time = !ops.empty() && std::all_of(ops.begin(), ops.end(), [](const Op& o) { return o.time >= 0; });
  auto when = [&](std::size_t pos) -> std::int64_t {
    return t.real_time ? ops[pos].time : static_cast<std::int64_t>(pos);
  };
  if (!ops.empty()) {
    std::int64_t lo = when(0), hi = when(0);
    for (std::size_t i = 0; i < ops.size(); ++i) {
      lo = std::min(lo, when(i));
      hi = std::max(hi, when(i));
    }
    t.origin = lo;
    t.t_end = static_cast<double>(hi - lo);
  }
  auto rel = [&](std::size_t pos) { return static_cast<double>(when(pos) - t.origin); };

  const auto& pairs = h.pairs();
  // Each process's span in time, to share lanes when there are many.
  struct Span { double first = 0, last = 0; std::int32_t lane = 0; };
  std::map<std::int64_t, Span> spans;  // ordered: lanes go by process number
  for (const OpPair& p : pairs) {
    const double s0 = rel(static_cast<std::size_t>(p.invoke));
    const double s1 = p.complete >= 0 ? rel(static_cast<std::size_t>(p.complete)) : t.t_end;
    auto [it, fresh] = spans.emplace(ops[static_cast<std::size_t>(p.invoke)].process, Span{s0, s1, 0});
    if (!fresh) {
      it->second.first = std::min(it->second.first, s0);
      it->second.last = std::max(it->second.last, s1);
    }
  }
  if (spans.size() <= kMaxProcessLanes) {
    for (auto& [process, span] : spans) {
      span.lane = static_cast<std::int32_t>(t.lanes.size());
      t.lanes.push_back(std::to_string(process));
    }
  } else {
    // Greedy interval partitioning: a process takes the lowest lane whose
    // last process ended before it began.
    std::vector<std::pair<double, std::int64_t>> by_start;
    for (const auto& [process, span] : spans) by_start.emplace_back(span.first, process);
    std::sort(by_start.begin(), by_start.end());
    std::vector<double> lane_end;
    std::vector<std::vector<std::int64_t>> members;
    for (const auto& [first, process] : by_start) {
      Span& span = spans[process];
      std::size_t l = 0;
      while (l < lane_end.size() && !(lane_end[l] < first)) ++l;
      if (l == lane_end.size()) {
        lane_end.push_back(0);
        members.emplace_back();
      }
      lane_end[l] = span.last;
      members[l].push_back(process);
      span.lane = static_cast<std::int32_t>(l);
    }
    for (const auto& m : members) {
      std::string label = std::to_string(m[0]);
      if (m.size() > 1) label += fmt::format(" +{}", m.size() - 1);
      t.lanes.push_back(label);
    }
  }

  // Rows, ordered by lane then start (a lane's ops never overlap, so their
  // ends are ordered too: the page binary-searches on both).
  std::unordered_map<std::int64_t, std::int32_t> lane_of;
  for (const auto& [process, span] : spans) lane_of.emplace(process, span.lane);
  std::vector<std::int32_t> pair_lane(pairs.size());
  std::vector<std::size_t> lane_size(t.lanes.size() + 1, 0);
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    pair_lane[i] = lane_of[ops[static_cast<std::size_t>(pairs[i].invoke)].process];
    ++lane_size[static_cast<std::size_t>(pair_lane[i]) + 1];
  }
  // Pairs come in invocation order: bucketing them by lane keeps that order.
  for (std::size_t l = 1; l < lane_size.size(); ++l) lane_size[l] += lane_size[l - 1];
  std::vector<std::size_t> order(pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) order[lane_size[static_cast<std::size_t>(pair_lane[i])]++] = i;

  const std::size_t n = pairs.size();
  t.lane.reserve(n), t.process.reserve(n), t.f.reserve(n), t.arg.reserve(n), t.result.reserve(n), t.error.reserve(n);
  t.node.reserve(n), t.invoke_index.reserve(n), t.complete_index.reserve(n);
  t.start.reserve(n), t.end.reserve(n), t.outcome.reserve(n);
  TextTable texts(t.texts);
  std::unordered_map<std::string, std::int32_t> f_ids;
  for (std::size_t k : order) {
    const OpPair& p = pairs[k];
    const Op& inv = ops[static_cast<std::size_t>(p.invoke)];
    const Op* done = p.complete >= 0 ? &ops[static_cast<std::size_t>(p.complete)] : nullptr;
    auto fit = f_ids.find(inv.f);
    if (fit == f_ids.end()) {
      fit = f_ids.emplace(inv.f, static_cast<std::int32_t>(t.fs.size())).first;
      t.fs.push_back(inv.f);
    }
    t.lane.push_back(pair_lane[k]);
    t.process.push_back(inv.process);
    t.f.push_back(fit->second);
    t.arg.push_back(texts.value(inv.value));
    t.result.push_back(done ? texts.value(done->value) : -1);
    const std::string& err = done ? done->error : inv.error;
    t.error.push_back(err.empty() ? -1 : texts.text(err, kErrorChars));
    const std::string& node = done && !done->node.empty() ? done->node : inv.node;
    t.node.push_back(node.empty() ? -1 : texts.text(node, kValueChars));
    t.invoke_index.push_back(inv.index);
    t.complete_index.push_back(done ? done->index : -1);
    t.start.push_back(rel(static_cast<std::size_t>(p.invoke)));
    t.end.push_back(done ? rel(static_cast<std::size_t>(p.complete)) : -1);
    const OpType o = h.outcome(p);
    t.outcome.push_back(o == OpType::Ok ? kRowOk : o == OpType::Fail ? kRowFail : kRowInfo);
  }

  // Fault windows, in the order they started.
  std::map<std::string, std::size_t> open;  // name -> position in t.faults
  const bool kills = std::any_of(ops.begin(), ops.end(), [](const Op& e) { return e.is_nemesis() && e.f == "kill"; });
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const Op& e = ops[i];
    if (!e.is_nemesis()) continue;
    const FaultEdge edge = classify(e.f, kills);
    std::string label = clip(e.f, kValueChars);
    if (!e.value.is_null()) label += " " + short_json(e.value, kErrorChars);
    if (!e.error.empty()) label += " (" + clip(e.error, kErrorChars) + ")";
    auto close = [&](std::size_t w) {
      t.faults[w].end = rel(i);
      t.faults[w].end_index = e.index;
    };
    switch (edge.kind) {
      case FaultEdge::Open:
        // Jepsen records a fault twice (its invocation and completion): the
        // window starts at the first, and the second says what was done.
        if (open.count(edge.name)) {
          if (!e.value.is_null()) t.faults[open[edge.name]].label = label;
          break;
        }
        open.emplace(edge.name, t.faults.size());
        t.faults.push_back(FaultWindow{rel(i), -1, edge.name, label, e.index, -1});
        break;
      case FaultEdge::Close: {
        auto it = open.find(edge.name);
        if (it != open.end()) {
          close(it->second);
          open.erase(it);
        } else if (!t.faults.empty() && t.faults.back().name == edge.name && t.faults.back().end_index >= 0) {
          // The completion of a stop Jepsen recorded twice: extend.
          close(t.faults.size() - 1);
        }
        break;
      }
      case FaultEdge::CloseAll:
        for (auto& [name, w] : open) close(w);
        open.clear();
        break;
      case FaultEdge::Instant:
        t.faults.push_back(FaultWindow{rel(i), rel(i), edge.name, label, e.index, e.index});
        break;
    }
  }
  for (auto& [name, w] : open) t.faults[w].end = t.t_end;
  return t;
}

}  // namespace fl
