#include "report/timeline_data.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <tuple>
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

LaneMap assign_lanes(const std::vector<std::pair<std::int64_t, ProcessSpan>>& spans) {
  LaneMap m;
  if (spans.size() <= kMaxProcessLanes) {
    for (const auto& [process, span] : spans) {
      m.lane_of.emplace(process, static_cast<std::int32_t>(m.labels.size()));
      m.labels.push_back(std::to_string(process));
    }
    return m;
  }
  // Greedy interval partitioning: a process takes the lowest lane whose
  // last process ended before it began.
  std::vector<std::tuple<double, std::int64_t, double>> by_start;  // first, process, last
  by_start.reserve(spans.size());
  for (const auto& [process, span] : spans) by_start.emplace_back(span.first, process, span.last);
  std::sort(by_start.begin(), by_start.end());
  std::vector<double> lane_end;
  std::vector<std::pair<std::int64_t, std::size_t>> first_and_count;  // per lane: its first process, how many
  for (const auto& [first, process, last] : by_start) {
    std::size_t l = 0;
    while (l < lane_end.size() && !(lane_end[l] < first)) ++l;
    if (l == lane_end.size()) {
      lane_end.push_back(0);
      first_and_count.emplace_back(process, 0);
    }
    lane_end[l] = last;
    ++first_and_count[l].second;
    m.lane_of.emplace(process, static_cast<std::int32_t>(l));
  }
  for (const auto& [first, count] : first_and_count) {
    std::string label = std::to_string(first);
    if (count > 1) label += fmt::format(" +{}", count - 1);
    m.labels.push_back(label);
  }
  return m;
}

std::vector<FaultWindow> fault_windows(const std::vector<const Op*>& nemesis, const std::vector<double>& at, double t_end) {
  std::vector<FaultWindow> faults;
  std::map<std::string, std::size_t> open;  // name -> position in faults
  const bool kills = std::any_of(nemesis.begin(), nemesis.end(), [](const Op* e) { return e->f == "kill"; });
  for (std::size_t i = 0; i < nemesis.size(); ++i) {
    const Op& e = *nemesis[i];
    const FaultEdge edge = classify(e.f, kills);
    std::string label = clip(e.f, kValueChars);
    if (!e.value.is_null()) label += " " + short_json(e.value, kErrorChars);
    if (!e.error.empty()) label += " (" + clip(e.error, kErrorChars) + ")";
    auto close = [&](std::size_t w) {
      faults[w].end = at[i];
      faults[w].end_index = e.index;
    };
    switch (edge.kind) {
      case FaultEdge::Open:
        // Jepsen records a fault twice (its invocation and completion): the
        // window starts at the first, and the second says what was done.
        if (open.count(edge.name)) {
          if (!e.value.is_null()) faults[open[edge.name]].label = label;
          break;
        }
        open.emplace(edge.name, faults.size());
        faults.push_back(FaultWindow{at[i], -1, edge.name, label, e.index, -1});
        break;
      case FaultEdge::Close: {
        auto it = open.find(edge.name);
        if (it != open.end()) {
          close(it->second);
          open.erase(it);
        } else if (!faults.empty() && faults.back().name == edge.name && faults.back().end_index >= 0) {
          // The completion of a stop Jepsen recorded twice: extend.
          close(faults.size() - 1);
        }
        break;
      }
      case FaultEdge::CloseAll:
        for (auto& [name, w] : open) close(w);
        open.clear();
        break;
      case FaultEdge::Instant:
        faults.push_back(FaultWindow{at[i], at[i], edge.name, label, e.index, e.index});
        break;
    }
  }
  for (auto& [name, w] : open) faults[w].end = t_end;
  return faults;
}

TimelineData layout_timeline(const History& h, const LayoutFrame* frame) {
  TimelineData t;
  const auto& ops = h.ops();
  t.real_time = frame ? frame->real_time
                      : !ops.empty() && std::all_of(ops.begin(), ops.end(), [](const Op& o) { return o.time >= 0; });
  auto when = [&](std::size_t pos) -> std::int64_t {
    return frame || t.real_time ? ops[pos].time : static_cast<std::int64_t>(pos);
  };
  if (frame) {
    t.origin = frame->origin;
    t.t_end = frame->t_end;
  } else if (!ops.empty()) {
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
  LaneMap own;
  if (!frame || !frame->lanes) {
    // Each process's span in time, to share lanes when there are many.
    std::map<std::int64_t, ProcessSpan> spans;  // ordered: lanes go by process number
    for (const OpPair& p : pairs) {
      const double s0 = rel(static_cast<std::size_t>(p.invoke));
      const double s1 = p.complete >= 0 ? rel(static_cast<std::size_t>(p.complete)) : t.t_end;
      auto [it, fresh] = spans.emplace(ops[static_cast<std::size_t>(p.invoke)].process, ProcessSpan{s0, s1});
      if (!fresh) {
        it->second.first = std::min(it->second.first, s0);
        it->second.last = std::max(it->second.last, s1);
      }
    }
    own = assign_lanes(std::vector<std::pair<std::int64_t, ProcessSpan>>(spans.begin(), spans.end()));
  }
  const LaneMap& lanes = frame && frame->lanes ? *frame->lanes : own;
  t.lanes = lanes.labels;

  // Rows, ordered by lane then start (a lane's ops never overlap, so their
  // ends are ordered too: the page binary-searches on both).
  std::vector<std::int32_t> pair_lane(pairs.size());
  std::vector<std::size_t> lane_size(t.lanes.size() + 1, 0);
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    auto it = lanes.lane_of.find(ops[static_cast<std::size_t>(pairs[i].invoke)].process);
    pair_lane[i] = it == lanes.lane_of.end() ? 0 : it->second;
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
  if (frame && frame->fs) {
    t.fs = *frame->fs;
    for (std::size_t i = 0; i < t.fs.size(); ++i) f_ids.emplace(t.fs[i], static_cast<std::int32_t>(i));
  }
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
  std::vector<const Op*> nemesis;
  std::vector<double> at;
  for (std::size_t i = 0; i < ops.size(); ++i)
    if (ops[i].is_nemesis()) nemesis.push_back(&ops[i]), at.push_back(rel(i));
  t.faults = fault_windows(nemesis, at, t.t_end);
  return t;
}

}  // namespace fl
