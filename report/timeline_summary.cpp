#include "report/timeline_summary.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

namespace fl {
namespace {

// A process's span by clock and by event position: which one the page uses
// is known only when the whole history has been read (every op has a time).
struct Spans {
  double first_t = 0, last_t = 0, first_p = 0, last_p = 0;
};

struct Pending {
  std::int32_t lane = 0, f = 0;
  double start = 0;
};

std::uint8_t outcome_of(OpType t) { return t == OpType::Ok ? kRowOk : t == OpType::Fail ? kRowFail : kRowInfo; }

}  // namespace

SummaryLimits summary_limits(std::int64_t full_ops) {
  SummaryLimits l;
  l.bins = static_cast<std::size_t>(std::clamp<std::int64_t>(full_ops / 4, 256, 8192));
  l.window_budget = std::clamp<std::int64_t>(full_ops / 10, 1000, 200000);
  l.window_ops_max = std::clamp<std::int64_t>(full_ops / 100, 50, 4000);
  l.window_ops_min = std::min<std::int64_t>(60, l.window_ops_max);
  return l;
}

OpReplay replay_history(const History& h) {
  return [&h](const std::function<void(const OpRef&)>& each) {
    std::vector<std::int64_t> pair_of(h.size(), -1);
    for (std::size_t k = 0; k < h.pairs().size(); ++k) {
      pair_of[static_cast<std::size_t>(h.pairs()[k].invoke)] = static_cast<std::int64_t>(k);
      if (h.pairs()[k].complete >= 0) pair_of[static_cast<std::size_t>(h.pairs()[k].complete)] = static_cast<std::int64_t>(k);
    }
    for (std::size_t i = 0; i < h.size(); ++i)
      each(OpRef(h[i], static_cast<std::int64_t>(i), pair_of[i], {}, true));
  };
}

namespace {

// Pass 1: the clock, the lanes, the names, the nemesis's events, where the named ops are.
struct FirstPass {
  HistoryFrame frame;
  std::int64_t ops = 0, events = 0, nemesis_events = 0;
  std::vector<Op> nemesis;
  std::vector<std::int64_t> nemesis_pos;
  std::vector<std::pair<std::int64_t, std::int64_t>> named_at;  // time, position of each named event
  std::unordered_set<std::int64_t> forced;                       // pairs an anomaly names
  std::unordered_map<std::string, std::int32_t> f_ids;
};

FirstPass first_pass(const OpReplay& replay, const std::set<std::int64_t>& named) {
  FirstPass fp;
  bool real_time = true;
  std::int64_t t_lo = INT64_MAX, t_hi = INT64_MIN, positions = 0;
  std::unordered_map<std::int64_t, Spans> spans;                  // by process
  std::unordered_map<std::int64_t, std::pair<std::int64_t, double>> open;  // pair -> process, start (by clock)
  std::unordered_map<std::int64_t, double> open_p;                 // pair -> start (by position)
  std::vector<std::string>& fs = fp.frame.fs;
  replay([&](const OpRef& ref) {
    const Op& op = ref.op();
    const std::int64_t pos = ref.position();
    ++fp.events;
    positions = pos + 1;
    if (op.time < 0) real_time = false;
    else t_lo = std::min(t_lo, op.time), t_hi = std::max(t_hi, op.time);
    if (!named.empty() && named.count(op.index)) {
      fp.named_at.emplace_back(op.time, pos);
      if (ref.pair() >= 0) fp.forced.insert(ref.pair());
    }
    if (op.is_nemesis()) {
      ++fp.nemesis_events;
      Op copy = op;
      if (copy.value.is_null() && !ref.value_text().empty()) copy.value = ref.value();
      fp.nemesis.push_back(std::move(copy));
      fp.nemesis_pos.push_back(pos);
      return;
    }
    if (op.is_invoke()) {
      ++fp.ops;
      if (!fp.f_ids.count(op.f)) {
        fp.f_ids.emplace(op.f, static_cast<std::int32_t>(fs.size()));
        fs.push_back(op.f);
      }
      open.emplace(ref.pair(), std::make_pair(op.process, static_cast<double>(op.time)));
      open_p.emplace(ref.pair(), static_cast<double>(pos));
      return;
    }
    auto it = open.find(ref.pair());
    if (it == open.end()) return;
    auto [sp, fresh] = spans.emplace(it->second.first, Spans{it->second.second, static_cast<double>(op.time),
                                                             open_p[ref.pair()], static_cast<double>(pos)});
    if (!fresh) {
      sp->second.first_t = std::min(sp->second.first_t, it->second.second);
      sp->second.last_t = std::max(sp->second.last_t, static_cast<double>(op.time));
      sp->second.first_p = std::min(sp->second.first_p, open_p[ref.pair()]);
      sp->second.last_p = std::max(sp->second.last_p, static_cast<double>(pos));
    }
    open_p.erase(ref.pair());
    open.erase(it);
  });
  if (t_lo > t_hi) real_time = false;
  const std::int64_t origin = real_time ? t_lo : 0;
  const double t_end = real_time ? static_cast<double>(t_hi - t_lo) : static_cast<double>(std::max<std::int64_t>(0, positions - 1));
  // Invocations that never completed run to the end.
  for (const auto& [pair, ps] : open) {
    auto [sp, fresh] = spans.emplace(ps.first, Spans{ps.second, static_cast<double>(t_hi), open_p[pair], t_end});
    if (!fresh) {
      sp->second.first_t = std::min(sp->second.first_t, ps.second);
      sp->second.last_t = static_cast<double>(t_hi);
      sp->second.first_p = std::min(sp->second.first_p, open_p[pair]);
      sp->second.last_p = t_end;
    }
  }
  open.clear(), open_p.clear();
  std::vector<std::pair<std::int64_t, ProcessSpan>> by_process;
  by_process.reserve(spans.size());
  for (const auto& [process, sp] : spans)
    by_process.emplace_back(process, real_time ? ProcessSpan{sp.first_t - static_cast<double>(origin), sp.last_t - static_cast<double>(origin)}
                                               : ProcessSpan{sp.first_p, sp.last_p});
  spans = {};
  std::sort(by_process.begin(), by_process.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  fp.frame.lanes = assign_lanes(by_process);
  fp.frame.real_time = real_time;
  fp.frame.origin = origin;
  fp.frame.t_end = t_end;
  return fp;
}

}  // namespace

LayoutFrame HistoryFrame::layout() const {
  LayoutFrame f;
  f.real_time = real_time;
  f.origin = origin;
  f.t_end = t_end;
  f.lanes = &lanes;
  f.fs = &fs;
  return f;
}

HistoryFrame frame_of_history(const OpReplay& replay) { return first_pass(replay, {}).frame; }

SummarizedHistory summarize_history(const OpReplay& replay, const std::string& source,
                                    const std::set<std::int64_t>& named, const SummaryLimits& limits) {
  TimelineSummary s;
  FirstPass fp = first_pass(replay, named);
  s.ops = fp.ops, s.events = fp.events, s.nemesis_events = fp.nemesis_events;
  const bool real_time = fp.frame.real_time;
  const std::int64_t origin = fp.frame.origin;
  const double t_end = fp.frame.t_end;
  const LaneMap& lanes = fp.frame.lanes;
  const std::vector<std::string>& fs = fp.frame.fs;
  auto& f_ids = fp.f_ids;
  auto& forced = fp.forced;
  auto rel = [&](std::int64_t time, std::int64_t pos) {
    return real_time ? static_cast<double>(time - origin) : static_cast<double>(pos);
  };
  std::vector<const Op*> nemesis_ptr;
  std::vector<double> nemesis_at;
  for (std::size_t i = 0; i < fp.nemesis.size(); ++i) {
    nemesis_ptr.push_back(&fp.nemesis[i]);
    nemesis_at.push_back(rel(fp.nemesis[i].time, fp.nemesis_pos[i]));
  }
  const std::vector<FaultWindow> faults = fault_windows(nemesis_ptr, nemesis_at, t_end);
  fp.nemesis.clear();

  // Windows: around each named event and each fault's edges, wide enough to
  // hold about the same number of ops each, within the budget.
  std::vector<double> centers;
  for (const auto& [time, pos] : fp.named_at) centers.push_back(rel(time, pos));
  for (const FaultWindow& w : faults) {
    centers.push_back(w.start);
    if (w.end > w.start) centers.push_back(w.end);
  }
  if (!centers.empty() && s.ops > 0) {
    const std::int64_t each = std::clamp<std::int64_t>(limits.window_budget / static_cast<std::int64_t>(centers.size()),
                                                      limits.window_ops_min, limits.window_ops_max);
    const double half = static_cast<double>(each) / 2 * std::max(t_end, 1.0) / static_cast<double>(s.ops);
    std::sort(centers.begin(), centers.end());
    for (double c : centers) {
      if (!s.windows.empty() && c - half <= s.windows.back().second) s.windows.back().second = c + half;
      else s.windows.emplace_back(c - half, c + half);
    }
  }
  auto in_window = [&](double t) {
    auto it = std::upper_bound(s.windows.begin(), s.windows.end(), t,
                               [](double x, const std::pair<double, double>& w) { return x < w.first; });
    return it != s.windows.begin() && t <= std::prev(it)->second;
  };

  // ---- pass 2: keep the windows' ops, count the rest.
  s.bins = std::max<std::size_t>(1, limits.bins);
  s.bin_width = std::max(t_end, 1.0) / static_cast<double>(s.bins);
  const std::size_t series = fs.size() * 3;
  s.lane_counts.assign(lanes.labels.size() * s.bins * 3, 0);
  s.series_counts.assign(series * s.bins, 0);
  s.latency_min.assign(series * s.bins, 0);
  s.latency_max.assign(series * s.bins, 0);
  s.by_f.assign(fs.size(), {0, 0, 0});
  auto bin = [&](double t) {
    return std::min(s.bins - 1, static_cast<std::size_t>(std::max(0.0, std::floor(t / s.bin_width))));
  };
  auto count = [&](const Pending& p, double end, std::uint8_t o) {
    const std::size_t b = bin(p.start), k = static_cast<std::size_t>(p.f) * 3 + o;
    ++s.lane_counts[(static_cast<std::size_t>(p.lane) * s.bins + b) * 3 + o];
    ++s.series_counts[k * s.bins + bin(end >= 0 ? end : p.start)];
    ++s.by_f[static_cast<std::size_t>(p.f)][o];
    if (end < 0) return;
    const float lat = static_cast<float>(std::max(1.0, end - p.start));
    float& lo = s.latency_min[k * s.bins + b];
    float& hi = s.latency_max[k * s.bins + b];
    if (lo == 0 || lat < lo) lo = lat;
    if (lat > hi) hi = lat;
  };
  std::vector<Op> kept;
  std::unordered_map<std::int64_t, std::int32_t> kept_open;  // pair -> f, of kept invocations
  std::unordered_map<std::int64_t, Pending> pending;
  auto lane_of = [&](std::int64_t process) {
    auto it = lanes.lane_of.find(process);
    return it == lanes.lane_of.end() ? 0 : it->second;
  };
  auto keep = [&](const OpRef& ref) {
    Op copy = ref.op();
    if (copy.value.is_null() && !ref.value_text().empty()) copy.value = ref.value();
    if (!real_time) copy.time = ref.position();
    kept.push_back(std::move(copy));
  };
  replay([&](const OpRef& ref) {
    const Op& op = ref.op();
    if (op.is_nemesis()) return keep(ref);
    const double at = rel(op.time, ref.position());
    if (op.is_invoke()) {
      const std::int32_t f = f_ids[op.f];
      if (forced.count(ref.pair()) || in_window(at)) {
        kept_open.emplace(ref.pair(), f);
        return keep(ref);
      }
      pending.emplace(ref.pair(), Pending{lane_of(op.process), f, at});
      return;
    }
    if (auto k = kept_open.find(ref.pair()); k != kept_open.end()) {
      ++s.by_f[static_cast<std::size_t>(k->second)][outcome_of(op.type)];
      kept_open.erase(k);
      return keep(ref);
    }
    auto it = pending.find(ref.pair());
    if (it == pending.end()) return;
    count(it->second, at, outcome_of(op.type));
    pending.erase(it);
  });
  for (const auto& [pair, p] : pending) count(p, -1, kRowInfo);
  for (const auto& [pair, f] : kept_open) ++s.by_f[static_cast<std::size_t>(f)][kRowInfo];

  SummarizedHistory out{History(std::move(kept), source), TimelineData{}, std::move(s)};
  const LayoutFrame frame = fp.frame.layout();
  out.timeline = layout_timeline(out.kept, &frame);
  return out;
}

}  // namespace fl
