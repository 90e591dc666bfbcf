// The `kafka` checker (Maelstrom's kafka workload): append-only logs, one per
// key. Ops: `send` {key, msg} → offset; `poll` {offsets: {key: from}} →
// {key: [[offset, msg], …]}; `commit_offsets` {offsets}; and
// `list_committed_offsets` {keys} → {key: offset}. A log's offsets grow in
// the order its messages were appended, so any message a client knows of (an
// acknowledged send, or a poll's entry) sat in the log before every higher
// offset did. From that, each anomaly below is certain, and names its ops:
//   inconsistent-offsets  two different msgs at one key and offset
//   duplicate-msg         one msg at two offsets (or keys)
//   unexpected-msg        a polled msg no send of that key carried (that
//                         did not fail)
//   int-nonmonotonic-poll a poll's entries for a key not in increasing
//                         order, or below the offset it asked from
//   poll-skip             a poll that went past an offset another op showed
//                         (between the offset it asked from and its first
//                         entry, or between two of its entries)
//   lost-write            an acknowledged send whose msg no poll returned,
//                         though a poll covered its offset
//   committed-offset-backwards  a list of committed offsets lower, for a
//                         key, than a commit acknowledged or a list returned
//                         before it began (a commit says every msg up to it
//                         was processed, so the committed offset only grows)
//   unexpected-committed-offset  a listed offset no commit of the key
//                         carried (that did not fail)
// Unknown when no poll returned a msg and no list returned an offset.
#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "checkers/anomalies.h"
#include "history/error.h"

namespace fl {
namespace {

using Offsets = std::map<std::string, std::int64_t>;  // key -> offset

// Keys are named as JSON objects name them: a string as itself, else its JSON.
std::string key_id(const Json& k) { return k.is_string() ? k.get<std::string>() : k.dump(); }

struct Entry {
  std::int64_t offset;
  Json msg;
};

struct PollSpan {
  std::int64_t from;   // the offset the poll asked from
  std::int64_t last;   // its highest entry
  std::int64_t op;     // its op index
};

struct KeyLog {
  Json key;
  // offset -> msg id -> the first op that showed it there
  std::map<std::int64_t, std::map<std::uint32_t, std::int64_t>> at;
  std::vector<PollSpan> polls;
  std::set<std::uint32_t> sent;         // msgs any send of this key carried
  std::set<std::int64_t> committed;     // offsets any commit of this key carried
};

[[noreturn]] void bad(const History& h, const Op& op, const std::string& what) {
  throw BadInput(h.source(), op.line, "the kafka checker cannot read this op: " + what);
}

std::int64_t offset_of(const History& h, const Op& op, const Json& v) {
  if (!v.is_number_integer()) bad(h, op, fmt::format("{} is not an offset", show(v)));
  return v.get<std::int64_t>();
}

// An {key: offset} object; `field` names where it was.
Offsets offsets_of(const History& h, const Op& op, const Json& v, const char* field) {
  if (!v.is_object()) bad(h, op, fmt::format("its {} is {}, not an object of offsets", field, show(v)));
  Offsets out;
  for (const auto& item : v.items())
    if (!item.value().is_null()) out[item.key()] = offset_of(h, op, item.value());
  return out;
}

// A poll's entries for each key, as returned.
std::map<std::string, std::vector<Entry>> entries_of(const History& h, const Op& op) {
  if (!op.value.is_object()) bad(h, op, fmt::format("a poll returned {}, not an object of lists", show(op.value)));
  std::map<std::string, std::vector<Entry>> out;
  for (const auto& item : op.value.items()) {
    if (!item.value().is_array()) bad(h, op, fmt::format("a poll's msgs {} are not a list", show(item.value())));
    std::vector<Entry>& list = out[item.key()];
    for (const Json& e : item.value()) {
      if (!e.is_array() || e.size() != 2) bad(h, op, fmt::format("a poll's entry {} is not [offset, msg]", show(e)));
      list.push_back({offset_of(h, op, e[0]), e[1]});
    }
  }
  return out;
}

class KafkaChecker : public Checker {
 public:
  std::string name() const override { return "kafka"; }
  std::string description() const override {
    return "kafka: one msg per offset, polls that skip nothing, no acknowledged send lost, committed offsets "
           "that only grow";
  }

  CheckResult check(const History& h, const CheckOptions&) const override {
    ValueIds msgs;
    std::map<std::string, KeyLog> logs;
    // msg id -> (key, offset) -> first op that showed it there
    std::map<std::uint32_t, std::map<std::pair<std::string, std::int64_t>, std::int64_t>> where;
    std::set<std::uint32_t> polled;
    auto log_of = [&](const std::string& k) -> KeyLog& {
      KeyLog& l = logs[k];
      if (l.key.is_null()) l.key = k;
      return l;
    };
    auto saw = [&](const std::string& k, std::int64_t offset, std::uint32_t msg, std::int64_t op) {
      log_of(k).at[offset].emplace(msg, op);
      where[msg].emplace(std::make_pair(k, offset), op);
    };
    AnomalyLog log;
    std::int64_t acked_sends = 0, polled_entries = 0, lists_read = 0;
    struct AckedSend {
      std::string key;
      std::int64_t offset;
      std::uint32_t msg;
      std::int64_t op;
    };
    std::vector<AckedSend> acked;
    struct Poll {
      std::int64_t op;
      Offsets from;
      std::map<std::string, std::vector<Entry>> got;
    };
    std::vector<Poll> polls;

    // The sends, commits and polls: what sat at which offset.
    for (const OpPair& p : h.pairs()) {
      require_known_f(h, p, "kafka", {"send", "poll", "commit_offsets", "list_committed_offsets"});
      const Op& inv = h[p.invoke];
      const bool ok = h.outcome(p) == OpType::Ok;
      const std::int64_t index = op_index(h, p);
      if (inv.f == "send") {
        if (!inv.value.is_object() || !inv.value.contains("key") || !inv.value.contains("msg"))
          bad(h, inv, fmt::format("a send of {}, not {{key, msg}}", show(inv.value)));
        const std::string k = key_id(inv.value["key"]);
        const std::uint32_t m = msgs.id(inv.value["msg"]);
        if (h.outcome(p) != OpType::Fail) log_of(k).sent.insert(m);
        if (!ok) continue;
        const Op& done = h[p.complete];
        const std::int64_t offset = offset_of(h, done, done.value);
        saw(k, offset, m, index);
        acked.push_back({k, offset, m, index});
        ++acked_sends;
      } else if (inv.f == "commit_offsets" && h.outcome(p) != OpType::Fail) {
        if (!inv.value.is_object()) bad(h, inv, "a commit_offsets without offsets");
        for (const auto& [k, o] : offsets_of(h, inv, inv.value.value("offsets", Json()), "offsets"))
          log_of(k).committed.insert(o);
      } else if (inv.f == "poll" && ok) {
        if (!inv.value.is_object()) bad(h, inv, "a poll without offsets");
        Poll poll{index, offsets_of(h, inv, inv.value.value("offsets", Json()), "offsets"), entries_of(h, h[p.complete])};
        for (const auto& [k, list] : poll.got)
          for (const Entry& e : list) {
            const std::uint32_t m = msgs.id(e.msg);
            saw(k, e.offset, m, index);
            polled.insert(m);
            ++polled_entries;
          }
        polls.push_back(std::move(poll));
      }
    }

    // One offset, one msg; one msg, one place; every msg sent.
    for (const auto& [k, l] : logs)
      for (const auto& [offset, by_msg] : l.at) {
        if (by_msg.size() < 2) continue;
        std::vector<std::int64_t> ops;
        for (const auto& [m, op] : by_msg) ops.push_back(op);
        std::sort(ops.begin(), ops.end());
        ops.erase(std::unique(ops.begin(), ops.end()), ops.end());
        log.add("inconsistent-offsets", ops,
                fmt::format("{} at offset {} holds {} different msgs (ops {})", key_name(l.key), offset,
                            by_msg.size(), fmt::join(ops, ", ")),
                {{"key", l.key}, {"offset", offset}});
      }
    for (const auto& [m, places] : where) {
      if (places.size() < 2) continue;
      std::vector<std::int64_t> ops;
      std::string at;
      for (const auto& [place, op] : places) {
        ops.push_back(op);
        at += fmt::format("{}{} offset {}", at.empty() ? "" : ", ", key_name(Json(place.first)), place.second);
      }
      std::sort(ops.begin(), ops.end());
      ops.erase(std::unique(ops.begin(), ops.end()), ops.end());
      log.add("duplicate-msg", ops, fmt::format("one msg sits at {} (ops {})", at, fmt::join(ops, ", ")));
    }
    for (const Poll& poll : polls)
      for (const auto& [k, list] : poll.got)
        for (const Entry& e : list) {
          const std::uint32_t m = msgs.find(e.msg);
          if (logs[k].sent.count(m)) continue;
          log.add("unexpected-msg", {poll.op},
                  fmt::format("poll (op {}) returned {} at offset {} of {}, which no send of that key carried",
                              poll.op, show(e.msg), e.offset, key_name(logs[k].key)),
                  {{"key", logs[k].key}, {"offset", e.offset}});
        }

    // Each poll's entries: in order, from where it asked, skipping nothing known.
    for (const Poll& poll : polls)
      for (const auto& [k, list] : poll.got) {
        KeyLog& l = log_of(k);
        auto asked = poll.from.find(k);
        const std::int64_t from = asked == poll.from.end() ? 0 : asked->second;
        if (list.empty()) continue;
        bool ordered = list.front().offset >= from;
        for (std::size_t i = 1; i < list.size() && ordered; ++i) ordered = list[i - 1].offset < list[i].offset;
        if (!ordered) {
          log.add("int-nonmonotonic-poll", {poll.op},
                  fmt::format("poll (op {}) from offset {} of {} returned offsets {} out of order", poll.op, from,
                              key_name(l.key), show(Json(offsets_in(list)))),
                  {{"key", l.key}});
          continue;
        }
        l.polls.push_back({from, list.back().offset, poll.op});
        // A known offset in [from, first) or strictly between two entries.
        std::int64_t low = from;
        for (const Entry& e : list) {
          auto known = l.at.lower_bound(low);
          if (known != l.at.end() && known->first < e.offset) {
            const std::int64_t shown = known->second.begin()->second;
            log.add("poll-skip", {poll.op, shown},
                    fmt::format("poll (op {}) of {} went from offset {} to {}, skipping offset {}, which op {} showed",
                                poll.op, key_name(l.key), low == from ? from : low - 1, e.offset, known->first,
                                shown),
                    {{"key", l.key}, {"skipped", known->first}});
            break;
          }
          if (e.offset == std::numeric_limits<std::int64_t>::max()) break;
          low = e.offset + 1;
        }
      }

    // Acknowledged sends no poll returned, though one covered their offset.
    for (auto& [k, l] : logs)
      std::sort(l.polls.begin(), l.polls.end(),
                [](const PollSpan& a, const PollSpan& b) { return a.from < b.from || (a.from == b.from && a.op < b.op); });
    std::int64_t lost = 0, unseen = 0;
    for (const AckedSend& s : acked) {
      if (polled.count(s.msg)) continue;
      const KeyLog& l = logs[s.key];
      const PollSpan* cover = nullptr;
      for (const PollSpan& span : l.polls) {
        if (span.from > s.offset) break;
        if (span.last >= s.offset && (!cover || span.op < cover->op)) cover = &span;
      }
      if (!cover) {
        ++unseen;
        continue;
      }
      ++lost;
      log.add("lost-write", {s.op, cover->op},
              fmt::format("send (op {}) of {} was acknowledged at offset {}, but no poll returned its msg, though "
                          "poll (op {}) read offsets {} to {}",
                          s.op, key_name(l.key), s.offset, cover->op, cover->from, cover->last),
              {{"key", l.key}, {"offset", s.offset}});
    }

    // Committed offsets only grow, in real time; each listed one was committed.
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> floor;  // key -> (offset, op that set it)
    std::map<std::int64_t, std::map<std::string, std::pair<std::int64_t, std::int64_t>>> floor_at_invoke;
    const auto& pairs = h.pairs();
    std::vector<std::int64_t> pair_of(h.size(), -1);
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      pair_of[pairs[i].invoke] = static_cast<std::int64_t>(i);
      if (pairs[i].complete >= 0) pair_of[pairs[i].complete] = static_cast<std::int64_t>(i);
    }
    auto raise = [&](const std::string& k, std::int64_t offset, std::int64_t op) {
      auto it = floor.find(k);
      if (it == floor.end() || it->second.first < offset) floor[k] = {offset, op};
    };
    for (std::size_t i = 0; i < h.size(); ++i) {
      if (pair_of[i] < 0) continue;
      const OpPair& p = pairs[pair_of[i]];
      const Op& op = h[i];
      const Op& inv = h[p.invoke];
      if (op.is_invoke()) {
        if (inv.f == "list_committed_offsets") floor_at_invoke[pair_of[i]] = floor;
        continue;
      }
      if (op.type != OpType::Ok) continue;
      const std::int64_t index = op_index(h, p);
      if (inv.f == "commit_offsets") {
        for (const auto& [k, o] : offsets_of(h, inv, inv.value.value("offsets", Json()), "offsets")) raise(k, o, index);
      } else if (inv.f == "list_committed_offsets") {
        ++lists_read;
        const Offsets listed = offsets_of(h, op, op.value, "answer");
        const auto& before = floor_at_invoke[pair_of[i]];
        for (const auto& [k, o] : listed) {
          KeyLog& l = log_of(k);
          if (!l.committed.count(o))
            log.add("unexpected-committed-offset", {index},
                    fmt::format("list_committed_offsets (op {}) gave {} the offset {}, which no commit of it carried",
                                index, key_name(l.key), o),
                    {{"key", l.key}, {"offset", o}});
          auto b = before.find(k);
          if (b != before.end() && o < b->second.first)
            log.add("committed-offset-backwards", {b->second.second, index},
                    fmt::format("list_committed_offsets (op {}) gave {} the offset {}, below {}, which op {} "
                                "committed or listed before it began",
                                index, key_name(l.key), o, b->second.first, b->second.second),
                    {{"key", l.key}, {"offset", o}, {"earlier", b->second.first}});
        }
        for (const auto& [k, o] : listed) raise(k, o, index);
      }
    }

    CheckResult r;
    log.write(r);
    r.detail["acknowledged-send-count"] = acked_sends;
    r.detail["polled-msg-count"] = polled_entries;
    r.detail["lost-count"] = lost;
    r.detail["unseen-count"] = unseen;  // acknowledged, never polled, no poll covered their offset
    r.detail["key-count"] = logs.size();
    if (log.empty() && polled_entries == 0 && lists_read == 0)
      nothing_to_judge(r, "no poll returned a msg and no list of committed offsets succeeded");
    return r;
  }

 private:
  static std::vector<std::int64_t> offsets_in(const std::vector<Entry>& list) {
    std::vector<std::int64_t> v;
    for (const Entry& e : list) v.push_back(e.offset);
    return v;
  }
};

}  // namespace

std::unique_ptr<Checker> make_kafka_checker() { return std::make_unique<KafkaChecker>(); }

}  // namespace fl
