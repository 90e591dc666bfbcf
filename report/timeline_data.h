// The ops of a history laid out for drawing (the report's timeline, latency
// and rate plots): one row per client operation — its invocation with its
// completion — sorted by lane and then by start time, in parallel columns so
// that a million rows stay compact; values, errors and nodes as short texts
// interned in one table; and the nemesis's fault windows. A lane is one
// process; when there are more than kMaxProcessLanes processes (every info
// retires one), processes that never overlap in time share a lane, as a
// worker carries on as a new process after an info.
// Times are nanoseconds since the first event, or event positions when the
// history carries no times. Pure: built from the History alone.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "history/history.h"

namespace fl {

enum : std::uint8_t { kRowOk = 0, kRowFail = 1, kRowInfo = 2 };

// A fault of the nemesis, from the event that started it to the one that
// stopped it (or to the end of the history); instantaneous events (a clock
// bump) have start == end.
struct FaultWindow {
  double start = 0, end = 0;
  std::string name;             // "partition", "kill", …
  std::string label;            // the starting event, as short text
  std::int64_t start_index = -1, end_index = -1;  // `index` of the events (-1: none)
};

constexpr std::size_t kMaxProcessLanes = 32;

struct TimelineData {
  bool real_time = true;        // false: the history had no times; positions stand in
  std::int64_t origin = 0;      // the time (or position) of the first event
  double t_end = 0;             // the last event, relative to origin
  std::vector<std::string> lanes;  // label of each lane: its process, or its processes when shared
  std::vector<std::string> fs;     // operation names
  std::vector<std::string> texts;  // interned value / error / node texts
  // One entry per client op, sorted by lane, then start.
  std::vector<std::int32_t> lane, f;
  std::vector<std::int64_t> process;
  std::vector<std::int32_t> arg, result, error, node;  // into texts, -1: none
  std::vector<std::int64_t> invoke_index, complete_index;  // `index` of each end (-1: never completed)
  std::vector<double> start, end;  // end < 0: never completed
  std::vector<std::uint8_t> outcome;  // kRowOk / kRowFail / kRowInfo
  std::vector<FaultWindow> faults;

  std::size_t size() const { return lane.size(); }
};

// Lanes from each process's span in time (first invocation, last
// completion): a lane per process up to kMaxProcessLanes, else greedy
// interval partitioning. The same spans give the same lanes, so a page and
// the server's ranges of the same history agree.
struct ProcessSpan {
  double first = 0, last = 0;
};
struct LaneMap {
  std::vector<std::string> labels;
  std::unordered_map<std::int64_t, std::int32_t> lane_of;  // process -> lane
};
// `spans` sorted by process.
LaneMap assign_lanes(const std::vector<std::pair<std::int64_t, ProcessSpan>>& spans);

// The fault windows of the nemesis's events (in file order, at their times).
std::vector<FaultWindow> fault_windows(const std::vector<const Op*>& nemesis, const std::vector<double>& at, double t_end);

// What layout_timeline takes from a whole history when it lays out only a
// part of it (report/timeline_summary.h): its clock, its lanes and its
// operation names. Ops' times are then read from Op::time as they are (the
// caller puts event positions there when the history has no times).
struct LayoutFrame {
  bool real_time = true;
  std::int64_t origin = 0;
  double t_end = 0;
  const LaneMap* lanes = nullptr;
  const std::vector<std::string>* fs = nullptr;
};

TimelineData layout_timeline(const History& h, const LayoutFrame* frame = nullptr);

}  // namespace fl
