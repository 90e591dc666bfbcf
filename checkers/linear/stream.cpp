#include "checkers/linear/stream.h"

#include <algorithm>
#include <map>
#include <queue>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "checkers/linear/timeline.h"
#include "checkers/registry.h"
#include "history/error.h"
#include "history/history.h"

namespace fl {
namespace linear_stream {

// A key's window is searched once it is idle and holds this many ops, or
// once it has stayed idle (no new op on it) for kIdleLag events: one search
// per op would cost more than the ops (a search starts with a 40 KB cache).
constexpr std::size_t kMinWindow = 64;
constexpr std::int64_t kIdleLag = 4096;
constexpr std::size_t kStatesShown = 6;
// As the in-memory checker: every search first gets this many configurations,
// so an easy invalid key is found before a hard one takes the time; a key
// that needs more is searched whole at the end, and only when no key was
// found invalid meanwhile.
constexpr std::size_t kFirstPassConfigurations = 20000;

enum SlotState : char { kOpen = 0, kOk = 1, kDropped = 2, kInfo = 3 };

// The key an op belongs to, as plan_partitions says: its invocation's, else
// its completion's, else "".
std::string key_text(const std::optional<Json>& key) { return key ? key->dump() : std::string(); }

}  // namespace linear_stream


// The ops of a key since its last cut, coded as in a Partition, and the
// states the ops before the cut can leave (ids in p.values).
struct LinearStream::Live {
  Partition p;
  std::unordered_map<ModelOp, std::int32_t, ModelOpHash> class_of;
  std::vector<std::int64_t> index, process;  // per op: its Op::index, its process
  std::vector<char> state;                   // per op: SlotState
  std::vector<std::int64_t> entries;
  State initial;  // the model's initial state (p.init is each search's start)
};

struct LinearStream::Key {
  std::unique_ptr<Live> live;
  std::vector<Json> carried;  // without `live`: the states the key can be in ({} = the initial one)
  std::int64_t open = 0;      // ops invoked on it and not completed
  bool hold = false;          // an info or non-register op: decided only at the end
  bool deferred = false;      // too hard for a first pass: searched whole at the end
  bool woke = false;          // read back from the file after it was forgotten: held to the end
  enum class Verdict { Open, Invalid, Unknown } verdict = Verdict::Open;
  std::uint64_t generation = 0;  // bumped by every new op (stale idle marks)
};

struct LinearStream::Pending {
  Op invoke;             // what encode() needs of it, value decoded
  std::int64_t call = 0; // its position
  bool keyed = false;    // else its key is its completion's (or "")
  std::string key;
};

LinearStream::LinearStream(const CheckOptions& opts, std::string source)
    : model_([&]() -> const Model& {
        const Model* m = find_model(opts.model);
        if (!m) throw std::invalid_argument(unknown_name("model", opts.model, list_models()));
        if (!m->single_word())
          throw std::invalid_argument("the streamed linearizability check takes one-word models (kv, registers)");
        return *m;
      }()),
      opts_(opts),
      source_(std::move(source)) {
  ValueTable probe;
  try {
    model_.initial(opts_.init, probe);
  } catch (const OpMismatch& e) {
    throw std::invalid_argument(std::string("--init does not fit the ") + model_.name() + " model: " + e.what());
  }
  if (opts_.time_limit_s > 0)
    budget_.deadline = std::chrono::steady_clock::now() +
                       std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                           std::chrono::duration<double>(opts_.time_limit_s));
  budget_.memory_limit_bytes =
      opts_.memory_limit_mb > 0 ? opts_.memory_limit_mb * (std::size_t{1} << 20) : default_linear_memory_bound();
  budget_.memory_in_use = &memory_in_use_;
}

LinearStream::~LinearStream() = default;

LinearStream::Key& LinearStream::key_of(const std::string& k) {
  auto [it, fresh] = keys_.try_emplace(k);
  if (fresh) {
    if (!forgotten_.empty() && forgotten_.erase(std::hash<std::string>{}(k))) wake(k, it->second);
    else ++parts_;
  }
  return it->second;
}



void LinearStream::add_slot(Key& k, std::int64_t call, std::int32_t pair, std::int64_t index,
                            std::int64_t process) {
  if (!k.live) {
    k.live = std::make_unique<Live>();
    Live& l = *k.live;
    l.initial = model_.initial(opts_.init, l.p.values);
    l.p.init = l.initial;
    l.p.register_like = true;
    if (k.carried.empty()) l.entries.push_back(l.initial[0]);
    for (const Json& v : k.carried) l.entries.push_back(l.p.values.id(v));
    k.carried.clear();
    k.carried.shrink_to_fit();
  }
  Live& l = *k.live;
  SearchOp op;
  op.call = call;
  op.pair = pair;
  // Ops arrive in invocation order, but one whose key only its completion
  // told is placed when it completes.
  auto at = std::upper_bound(l.p.ops.begin(), l.p.ops.end(), call,
                             [](std::int64_t c, const SearchOp& o) { return c < o.call; });
  const auto i = at - l.p.ops.begin();
  l.p.ops.insert(at, op);
  l.index.insert(l.index.begin() + i, index);
  l.process.insert(l.process.begin() + i, process);
  l.state.insert(l.state.begin() + i, linear_stream::kOpen);
  ++k.generation;
  peak_held_ = std::max(peak_held_, ++held_);
}

void LinearStream::feed(const OpRef& ref) {
  const Op& op = ref.op();
  position_ = ref.position();
  if (ref.pair() < 0) return;  // a nemesis event
  if (op.is_invoke()) {
    Pending p = invocation(ref);
    if (p.keyed) {
      Key& k = key_of(p.key);
      if (k.verdict == Key::Verdict::Open) {
        add_slot(k, p.call, static_cast<std::int32_t>(ref.pair()), op.index, op.process);
        ++k.open;
      }
    } else {
      ++unkeyed_open_;
    }
    pending_.emplace(ref.pair(), std::move(p));
  } else {
    auto it = pending_.find(ref.pair());
    if (it == pending_.end()) return;  // its key was retired
    Pending& p = it->second;
    const Op done = completion(ref);
    std::string key = p.keyed ? p.key : op.key ? op.key->dump() : std::string();
    if (!p.keyed) --unkeyed_open_;
    complete(key, p, &done, ref.position());
    pending_.erase(it);
  }
  drain_idle(ref.position());
  drain_quiet(ref.position());
}

LinearStream::Pending LinearStream::invocation(const OpRef& ref) {
  const Op& op = ref.op();
  Pending p;
  p.invoke.index = op.index;
  p.invoke.process = op.process;
  p.invoke.f = op.f;
  p.invoke.value = ref.value();
  p.invoke.key = op.key;
  p.invoke.line = op.line;
  p.call = ref.position();
  p.keyed = op.key.has_value();
  if (p.keyed) p.key = op.key->dump();
  return p;
}

Op LinearStream::completion(const OpRef& ref) {
  const Op& op = ref.op();
  Op done;
  done.type = op.type;
  done.value = ref.value();
  done.line = op.line;
  done.key = op.key;
  done.process = op.process;
  return done;
}

void LinearStream::complete(const std::string& name, Pending& pend, const Op* done, std::int64_t ret) {
  Key& k = key_of(name);
  if (k.verdict != Key::Verdict::Open) return;
  if (!pend.keyed) {
    add_slot(k, pend.call, -1, pend.invoke.index, pend.invoke.process);
    ++k.open;
  }
  Live& l = *k.live;
  const auto at = std::lower_bound(l.p.ops.begin(), l.p.ops.end(), pend.call,
                                   [](const SearchOp& o, std::int64_t c) { return o.call < c; });
  const auto i = static_cast<std::size_t>(at - l.p.ops.begin());
  --k.open;
  SearchOp& op = l.p.ops[i];
  bool ok = done && done->type == OpType::Ok;
  bool failed = done && done->type == OpType::Fail;
#if defined(FL_MUTANT_FAIL_AS_INFO)  // planted: a failed op may still have happened
  failed = false;
#endif
#if defined(FL_MUTANT_INFO_DROPPED)  // planted: an unknown op surely did not happen
  if (!ok) failed = true;
#endif
#if defined(FL_MUTANT_INFO_FORCED)  // planted: an unknown op surely took effect
  if (!failed && !ok) ok = true;
#endif
  if (failed) {
    l.state[i] = linear_stream::kDropped;  // it did not happen
  } else {
    ModelOp m;
    try {
      m = model_.encode(pend.invoke, done, ok, l.initial, l.p.values);
    } catch (const OpMismatch& e) {
      throw BadInput(source_, (ok && done) ? done->line : pend.invoke.line, e.what());
    }
    if (!ok && model_.read_only(m)) {
      l.state[i] = linear_stream::kDropped;  // an unknown op that changes nothing constrains nothing
    } else {
      op.ret = ok ? ret : kNever;
      op.observes = model_.observes(m);
      op.produces = model_.produces(m);
      if ((op.observes < 0 && op.observes != kNoValue) || (op.produces < 0 && op.produces != kNoValue)) {
        l.p.register_like = false;
        k.hold = true;
      }
      auto c = l.class_of.find(m);
      if (c == l.class_of.end()) {
        c = l.class_of.emplace(m, static_cast<std::int32_t>(l.p.classes.size())).first;
        l.p.classes.push_back(std::move(m));
      }
      op.cls = c->second;
      l.state[i] = ok ? linear_stream::kOk : linear_stream::kInfo;
      if (!ok) k.hold = true;  // open to the end
    }
  }
  if (k.open == 0 && unkeyed_open_ == 0) {
    if (!k.hold) idle(name, k);
    if (forgetting() && !k.woke && k.verdict == Key::Verdict::Open)
      quiet_.push_back(IdleMark{name, position_, k.generation});
  }
}

void LinearStream::idle(const std::string& name, Key& k) {
  std::size_t n = 0;
  for (char s : k.live->state) n += s != linear_stream::kDropped;
  if (n >= linear_stream::kMinWindow) {
    decide(name, k, false);
  } else if (n == 0) {
    release(k);
  } else {
    idle_.push_back(IdleMark{name, position_, k.generation});
  }
}

void LinearStream::drain_idle(std::int64_t now) {
  while (!idle_.empty() && idle_.front().since + linear_stream::kIdleLag <= now) {
    IdleMark mark = std::move(idle_.front());
    idle_.pop_front();
    auto it = keys_.find(mark.key);
    if (it == keys_.end()) continue;
    Key& k = it->second;
    if (k.generation != mark.generation || !k.live || k.open || k.hold || unkeyed_open_ ||
        k.verdict != Key::Verdict::Open)
      continue;
    decide(mark.key, k, false);
  }
}

bool LinearStream::forgetting() const { return !opts_.live_history.empty() && wakes_ < kMaxWakes; }

// A key none of whose ops is open and that has had no op for kQuietLag
// events is decided as if retired and forgotten, but for its name's hash.
void LinearStream::drain_quiet(std::int64_t now) {
  if (!forgetting()) {
    quiet_.clear();
    return;
  }
  while (!quiet_.empty() && quiet_.front().since + kQuietLag <= now) {
    IdleMark mark = std::move(quiet_.front());
    quiet_.pop_front();
    auto it = keys_.find(mark.key);
    if (it == keys_.end()) continue;
    Key& k = it->second;
    if (k.generation != mark.generation || k.open || unkeyed_open_ || k.woke || k.verdict != Key::Verdict::Open)
      continue;
    if (k.live) {
      decide(mark.key, k, true);
      if (k.deferred) {  // too hard for a first pass: held whole, searched at the end as before
        k.deferred = false;
        k.hold = true;
        k.woke = true;
        continue;
      }
      if (k.verdict != Key::Verdict::Open) continue;  // invalid or unknown: kept, as every such key
    }
    forgotten_.insert(std::hash<std::string>{}(mark.key));
    keys_.erase(it);
    ++quiet_keys_;
  }
}

// A forgotten key has an op after all (`position_`): its ops before it are
// read back from the file the run is writing, every one of them completed
// (the key was forgotten with none open, and any later op would have woken
// it), and the key is held whole to the end.
void LinearStream::wake(const std::string& name, Key& k) {
  struct Reached {};
  ++wakes_;
  k.hold = true;
  k.woke = true;
  const std::int64_t before = position_;
  std::unordered_map<std::int64_t, Pending> mine, unkeyed;  // by pair: invocations read back
  bool found = false;
  try {
    stream_history(opts_.live_history, Format::Jsonl, [&](const OpRef& r) {
      if (r.position() >= before) throw Reached{};
      if (r.pair() < 0) return;
      const Op& op = r.op();
      if (op.is_invoke()) {
        if (!op.key) {
          unkeyed.emplace(r.pair(), invocation(r));
        } else if (op.key->dump() == name) {
          Pending p = invocation(r);
          add_slot(k, p.call, static_cast<std::int32_t>(r.pair()), op.index, op.process);
          ++k.open;
          mine.emplace(r.pair(), std::move(p));
        }
        return;
      }
      if (auto m = mine.find(r.pair()); m != mine.end()) {
        const Op done = completion(r);
        complete(name, m->second, &done, r.position());
        mine.erase(m);
        found = true;
      } else if (auto u = unkeyed.find(r.pair()); u != unkeyed.end()) {
        if (linear_stream::key_text(op.key) == name) {
          const Op done = completion(r);
          complete(name, u->second, &done, r.position());
          found = true;
        }
        unkeyed.erase(u);
      }
    });
  } catch (const Reached&) {
  }
  if (!found) ++parts_;  // another key's hash: this one is new
}

void LinearStream::release(Key& k) {
  if (!k.live) return;
  Live& l = *k.live;
  held_ -= l.p.ops.size();
  for (std::int64_t e : l.entries) k.carried.push_back(l.p.values.json(e));
  k.live.reset();
}

void LinearStream::give_up(Key& k, SearchResult& r, const std::string& name) {
  if (unknown_reason_.empty()) {
    std::string limit;
    if (r.reason == "the memory limit ran out")
      limit = fmt::format(" ({} MB)", budget_.memory_limit_bytes >> 20);
    else if (r.reason == "the time limit ran out")
      limit = fmt::format(" ({:g} s)", opts_.time_limit_s);
    unknown_reason_ = fmt::format("{}{} after {} configurations{}", r.reason, limit, r.configurations,
                                  name.empty() ? "" : " (key " + name + ")");
  }
  k.verdict = Key::Verdict::Unknown;
  release(k);
  k.carried.clear();
}

// Decides the key's window (every op in it completed, or, when `final`, no
// more ops will come): from which carried states it can be linearized, and
// (unless final) the exact set of states it can end in, which is carried on.
void LinearStream::decide(const std::string& name, Key& k, bool final, bool first_pass) {
  Live& l = *k.live;
  SearchBudget budget = budget_;
  if (first_pass) budget.max_configurations = linear_stream::kFirstPassConfigurations;
  // A first pass that ran out: the key waits for the end, whole.
  auto defer = [&] {
    if (final) k.deferred = true;
    else k.hold = true;
  };
  Partition& p = l.p;
  {  // drop the slots of failed ops and unknown reads
    std::size_t w = 0;
    for (std::size_t i = 0; i < p.ops.size(); ++i) {
      if (l.state[i] == linear_stream::kDropped) continue;
      p.ops[w] = p.ops[i];
      l.index[w] = l.index[i];
      l.process[w] = l.process[i];
      l.state[w] = l.state[i];
      ++w;
    }
    held_ -= p.ops.size() - w;
    p.ops.resize(w);
    l.index.resize(w);
    l.process.resize(w);
    l.state.resize(w);
  }
  if (p.ops.empty()) {
    release(k);
    return;
  }
  if (std::chrono::steady_clock::now() > budget_.deadline) {
    SearchResult r;
    r.reason = "the time limit ran out";
    give_up(k, r, name);
    return;
  }
  ++windows_;
  const std::vector<std::int64_t> entries = l.entries;
  std::vector<std::int64_t> through;  // the entry states that let the window through
  std::vector<std::int64_t> ends;     // the states it can end in
  // One op after another, none overlapping: stepping the model decides.
  bool sequential = true;
  for (std::size_t i = 0; i < p.ops.size() && sequential; ++i)
    sequential = p.ops[i].ok() && (i == 0 || p.ops[i].call > p.ops[i - 1].ret);
  if (sequential) {
    for (std::int64_t e : entries) {
      std::int64_t s = e;
      bool legal = true;
      for (std::size_t i = 0; i < p.ops.size() && legal; ++i) {
        std::int64_t next = s;
        legal = model_.step_word(s, p.classes[static_cast<std::size_t>(p.ops[i].cls)], next, p.values);
        s = next;
      }
      if (legal) {
        through.push_back(e);
        ends.push_back(s);
      }
    }
  } else {
    for (std::int64_t e : entries) {
      p.init = {e};
      SearchResult r = search_linearization(p, model_, budget);
      configurations_ += r.configurations;
      peak_bytes_ = std::max(peak_bytes_, r.peak_bytes);
      if (r.valid == Validity::Unknown) {
        if (r.reason == "first pass") return defer();
        give_up(k, r, name);
        return;
      }
      if (r.valid == Validity::Valid) {
        through.push_back(e);
        if (final) break;
      }
    }
  }
  if (through.empty()) {
    // The counterexample: the search from the entry state that gets furthest.
    std::optional<SearchResult> worst;
    std::int64_t worst_entry = entries.front();
    for (std::int64_t e : entries) {
      p.init = {e};
      SearchResult r = search_linearization(p, model_, budget);
      configurations_ += r.configurations;
      if (r.valid == Validity::Unknown) {
        if (r.reason == "first pass") return defer();
        give_up(k, r, name);
        return;
      }
      if (!worst || r.prefix_length > worst->prefix_length) {
        worst = std::move(r);
        worst_entry = e;
      }
    }
    refuted(name, k, p, std::move(*worst), worst_entry, final);
    return;
  }
  if (final) {
    release(k);
    k.carried.clear();
    return;
  }
  if (!sequential) {
    // Every op completed, so every write is linearized: the window ends in
    // the value of its last write, one no other write began after the end
    // of (cut.h), or, when nothing wrote, in the state it began in.
    using Write = std::pair<std::int64_t, std::int64_t>;  // (ret, value)
    std::priority_queue<Write, std::vector<Write>, std::greater<Write>> live;
    std::int64_t last_write_call = -1, last_ret = -1;
    for (const SearchOp& op : p.ops) {
      last_ret = std::max(last_ret, op.ret);
      if (op.produces >= 0) {
        last_write_call = op.call;
        live.emplace(op.ret, op.produces);
      }
      while (!live.empty() && live.top().first <= last_write_call) live.pop();
    }
    if (last_write_call < 0) {
      ends = through;
    } else {
      std::vector<std::int64_t> candidates;
      for (; !live.empty(); live.pop()) candidates.push_back(live.top().second);
      std::sort(candidates.begin(), candidates.end());
      candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
      if (candidates.size() == 1) {
        ends = candidates;
      } else {
        // Which of them: the window with a read of the value after it.
        for (std::int64_t c : candidates) {
          Op rinv;
          rinv.f = "read";
          Op rdone = rinv;
          rdone.type = OpType::Ok;
          rdone.value = p.values.json(c);
          ModelOp m;
          try {
            m = model_.encode(rinv, &rdone, true, l.initial, p.values);
          } catch (const OpMismatch&) {
            m.f = -1;
          }
          if (m.f < 0 || !model_.read_only(m) || model_.observes(m) != c) {
            k.hold = true;  // no read says it: the key is decided at the end
            l.entries = entries;
            return;
          }
          SearchOp read;
          read.call = last_ret + 1;
          read.ret = last_ret + 2;
          read.cls = static_cast<std::int32_t>(p.classes.size());
          read.pair = -1;
          read.observes = c;
          read.produces = kNoValue;
          p.classes.push_back(m);
          p.ops.push_back(read);
          Validity v = Validity::Invalid;
          SearchResult r;
          for (std::int64_t e : through) {
            p.init = {e};
            r = search_linearization(p, model_, budget);
            configurations_ += r.configurations;
            peak_bytes_ = std::max(peak_bytes_, r.peak_bytes);
            v = r.valid;
            if (v != Validity::Invalid) break;
          }
          p.ops.pop_back();
          p.classes.pop_back();
          if (v == Validity::Unknown) {
            if (r.reason == "first pass") return defer();
            give_up(k, r, name);
            return;
          }
          if (v == Validity::Valid) ends.push_back(c);
        }
      }
    }
  }
  std::sort(ends.begin(), ends.end());
  ends.erase(std::unique(ends.begin(), ends.end()), ends.end());
  l.entries = ends;
  release(k);  // the window is decided: only the states it can end in remain
}

void LinearStream::refuted(const std::string& name, Key& k, Partition& p, SearchResult s, std::int64_t from,
                           bool final) {
  Live& l = *k.live;
  auto op_index = [&](std::int32_t i) { return l.index[static_cast<std::size_t>(i)]; };
  auto describe = [&](std::int32_t i) {
    return model_.describe(p.classes[static_cast<std::size_t>(p.ops[static_cast<std::size_t>(i)].cls)], p.values);
  };
  Json prefix = Json::array(), pending = Json::array(), involved = Json::array();
  std::vector<TimelineOp> drawn;
  auto draw = [&](std::int32_t i, const std::string& tag) {
    const SearchOp& op = p.ops[static_cast<std::size_t>(i)];
    drawn.push_back(TimelineOp{l.process[static_cast<std::size_t>(i)], op.call, op.ok() ? op.ret : -1,
                               tag + describe(i)});
    involved.push_back(op_index(i));
  };
  for (std::size_t j = 0; j < s.prefix_tail.size(); ++j) {
    prefix.push_back(op_index(s.prefix_tail[j]));
    draw(s.prefix_tail[j], fmt::format("{}:", s.prefix_length - static_cast<std::int64_t>(s.prefix_tail.size() - j) + 1));
  }
  for (std::int32_t i : s.pending)
    if (i != s.blocked) {
      pending.push_back(op_index(i));
      draw(i, "");
    }
  Json failed;
  std::string what = "no order";
  if (s.blocked >= 0) {
    failed = op_index(s.blocked);
    draw(s.blocked, "X ");
    what = fmt::format("`{}` (op {}, process {})", describe(s.blocked), op_index(s.blocked),
                       l.process[static_cast<std::size_t>(s.blocked)]);
  }
  std::string states;
  for (std::size_t j = 0; j < l.entries.size() && j < linear_stream::kStatesShown; ++j)
    states += (j ? ", " : "") + p.values.text(l.entries[j]);
  if (l.entries.size() > linear_stream::kStatesShown) states += fmt::format(" and {} more", l.entries.size() - linear_stream::kStatesShown);
  std::string inner = s.explanation.empty()
                          ? fmt::format("after {} of them, {} cannot be linearized", s.prefix_length, what)
                          : s.explanation;
  const std::string explanation = fmt::format(
      "the {} operations from op {} to op {}{} cannot be linearized from {} {} the operations before them can "
      "leave (from {}: {})",
      p.ops.size(), l.index.front(), l.index.back(), final ? "" : ", up to a point where none is open",
      l.entries.size() == 1 ? "the state" : "any of the states", states, p.values.text(from), inner);
  std::sort(involved.begin(), involved.end());
  const std::string keytext = name.empty() ? "" : " for key " + name;
  summary_ += fmt::format("not linearizable as a {}{}: {}\n", model_.name(), keytext, explanation);
  summary_ += "  (n: is the n-th op of the prefix; X marks the op that could not be linearized)\n";
  summary_ += render_timeline(drawn);
  Json entry_states = Json::array();
  for (std::int64_t v : l.entries) entry_states.push_back(model_.describe_state(State{v}, p.values));
  Json window_ops = Json::array();
  for (std::int64_t i : l.index) window_ops.push_back(i);
  anomalies_.push_back(Json{{"kind", "not-linearizable"},
                            {"key", name.empty() ? Json() : Json::parse(name)},
                            {"ops", involved},
                            {"prefix_length", s.prefix_length},
                            {"linearized_prefix_tail", prefix},
                            {"failed_op", failed},
                            {"pending", pending},
                            {"method", "wgl on a window"},
                            {"explanation", explanation},
                            {"window", {{"ops", window_ops}, {"entry_states", entry_states}}}});
  invalid_.push_back(name);
  k.verdict = Key::Verdict::Invalid;
  release(k);
  k.carried.clear();
}

void LinearStream::retire(const std::string& name) {
  auto it = keys_.find(name);
  if (it == keys_.end()) return;
  // Its ops still open never complete. (An invocation without a key is
  // left alone: its completion will say its key, or finish() will.)
  for (auto p = pending_.begin(); p != pending_.end();) {
    if (p->second.keyed && p->second.key == name) {
      complete(name, p->second, nullptr, kNever);
      p = pending_.erase(p);
    } else {
      ++p;
    }
  }
  Key& k = it->second;
  if (k.verdict == Key::Verdict::Open && k.live) decide(name, k, true);
  if (!(k.deferred && k.live && k.verdict == Key::Verdict::Open)) keys_.erase(name);
}

CheckResult LinearStream::finish() {
  // Ops never completed are open to the end; then every key is decided, in
  // a fixed order.
  for (auto& [pair, p] : pending_) {
    if (!p.keyed) --unkeyed_open_;
    complete(p.keyed ? p.key : std::string(), p, nullptr, kNever);
  }
  pending_.clear();
  idle_.clear();
  quiet_.clear();
  // Biggest keys first, as the in-memory checker orders its parts.
  auto held = [&](bool deferred) {
    std::vector<std::pair<std::size_t, std::string>> by_size;
    for (auto& [name, k] : keys_)
      if (k.live && k.verdict == Key::Verdict::Open && k.deferred == deferred)
        by_size.emplace_back(k.live->p.ops.size(), name);
    std::sort(by_size.begin(), by_size.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    return by_size;
  };
  for (const auto& [size, name] : held(false)) decide(name, keys_.at(name), true);
  for (const auto& [size, name] : held(true)) {
    if (!invalid_.empty()) break;  // decided: the rest is not searched
    decide(name, keys_.at(name), true, false);
  }
  for (const auto& [size, name] : held(true)) undecided_.push_back(name);

  CheckResult out;
  out.valid = !invalid_.empty() ? Validity::Invalid : !unknown_reason_.empty() ? Validity::Unknown : Validity::Valid;
#if defined(FL_MUTANT_UNKNOWN_AS_VALID)  // planted: a search that gave up counts as a pass
  if (out.valid == Validity::Unknown) out.valid = Validity::Valid;
#endif
  out.detail["model"] = model_.name();
  out.detail["partitions"] = parts_;
  out.detail["configurations"] = configurations_;
  out.detail["memory_bytes"] = peak_bytes_;
  out.detail["anomalies"] = anomalies_;
  out.detail["methods"] = Json{{"wgl on windows", parts_}};
  out.detail["windows"] = windows_;
  out.detail["peak_held_ops"] = peak_held_;
  if (!opts_.live_history.empty()) {
    out.detail["quiet_keys"] = quiet_keys_;
    out.detail["wakes"] = wakes_;
  }
  if (out.valid == Validity::Unknown) {
    out.detail["reason"] = unknown_reason_;
    out.detail["hint"] = kLinearUnknownHint;
    out.summary = "could not decide: " + unknown_reason_ + ".\n  Hint: " + kLinearUnknownHint + ".\n";
  } else if (out.valid == Validity::Valid) {
    out.summary = fmt::format(
        "linearizable as a {} ({} part{}, {} configurations explored, streamed: {} windows, at most {} ops held)\n",
        model_.name(), parts_, parts_ == 1 ? "" : "s", configurations_, windows_, peak_held_);
  } else {
    out.summary = summary_;
  }
  return out;
}

CheckResult stream_check_linearizable(const std::string& path, Format format, const CheckOptions& opts,
                                      StreamCounts* counts) {
  // The key each event belongs to, as plan_partitions says (the
  // invocation's, else the completion's); nullopt for an invocation without
  // a key, which belongs to its completion's key (or "", at the end).
  std::unordered_map<std::int64_t, std::optional<std::string>> open;  // by pair: the invocation's key
  auto key_of_event = [&](const OpRef& r) -> std::optional<std::string> {
    const Op& op = r.op();
    if (op.is_invoke()) {
      std::optional<std::string> k;
      if (op.key) k = op.key->dump();
      open.emplace(r.pair(), k);
      return k;
    }
    auto it = open.find(r.pair());
    std::optional<std::string> k;
    if (it != open.end() && it->second) k = std::move(it->second);
    else k = linear_stream::key_text(op.key);
    if (it != open.end()) open.erase(it);
    return k;
  };
  // First pass: each key's last event, by the key's hash (two keys with one
  // hash keep the later position: the other is then only decided at the end).
  std::unordered_map<std::uint64_t, std::int64_t> last;
  const std::hash<std::string> hash;
  stream_history(path, format, [&](const OpRef& r) {
    if (r.pair() < 0) return;
    if (std::optional<std::string> k = key_of_event(r)) last[hash(*k)] = r.position();
  });
  // An invocation without a key that never completes is the "" key's,
  // open to the end.
  for (auto& [pair, k] : open)
    if (!k) last[hash(std::string())] = INT64_MAX;
  open.clear();

  LinearStream check(opts, path);
  StreamCounts c = stream_history(path, format, [&](const OpRef& r) {
    check.feed(r);
    if (r.pair() < 0) return;
    if (std::optional<std::string> k = key_of_event(r)) {
      auto it = last.find(hash(*k));
      if (it != last.end() && it->second == r.position()) {
        check.retire(*k);
        last.erase(it);
      }
    }
  });
  if (counts) *counts = c;
  last.clear();
  CheckResult out = check.finish();
  if (out.valid != Validity::Invalid) return out;

  // The invalid keys once more, alone, through the in-memory checker: its
  // counterexample is the one read_history + the checker would show.
  std::unordered_map<std::string, bool> wanted;
  for (const std::string& k : check.invalid_keys()) wanted[k] = true;
  for (const std::string& k : check.undecided_keys()) wanted[k] = true;
  std::vector<std::pair<std::int64_t, Op>> kept;  // (position, op)
  std::unordered_map<std::int64_t, std::pair<std::int64_t, Op>> unkeyed;  // invocations waiting for their completion's key
  std::unordered_map<std::int64_t, bool> taken;  // pairs whose invocation was kept
  stream_history(path, format, [&](const OpRef& r) {
    if (r.pair() < 0) return;
    Op op = r.op();
    if (!r.value_text().empty()) op.value = r.value();
    if (op.is_invoke()) {
      if (!op.key) {
        unkeyed.emplace(r.pair(), std::make_pair(r.position(), std::move(op)));
      } else if (wanted.count(op.key->dump())) {
        taken[r.pair()] = true;
        kept.emplace_back(r.position(), std::move(op));
      }
      return;
    }
    auto u = unkeyed.find(r.pair());
    if (u != unkeyed.end()) {
      if (wanted.count(linear_stream::key_text(op.key))) {
        kept.push_back(std::move(u->second));
        kept.emplace_back(r.position(), std::move(op));
      }
      unkeyed.erase(u);
    } else if (taken.erase(r.pair())) {
      kept.emplace_back(r.position(), std::move(op));
    }
  });
  if (wanted.count(""))
    for (auto& [pair, op] : unkeyed) kept.push_back(std::move(op));
  std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Op> ops;
  ops.reserve(kept.size());
  for (auto& [position, op] : kept) ops.push_back(std::move(op));
  const History h(std::move(ops), path);
  const Checker* checker = find_checker("linearizable");
  if (!checker) return out;
  CheckResult again = checker->check(h, opts);
  if (again.valid != Validity::Invalid) return out;  // its budget ran out: the window's counterexample stands
  again.detail["partitions"] = out.detail["partitions"];
  again.detail["windows"] = out.detail["windows"];
  again.detail["peak_held_ops"] = out.detail["peak_held_ops"];
  return again;
}

namespace {

class OnlineLinearizable : public OnlineCheck {
 public:
  explicit OnlineLinearizable(const CheckOptions& opts) : stream_(opts, opts.source) {}
  void feed(const OpRef& op) override { stream_.feed(op); }
  std::vector<std::string> take_anomalies() override {
    std::vector<std::string> out;
    const std::vector<Json>& all = stream_.anomalies();
    for (; told_ < all.size(); ++told_) {
      const Json& a = all[told_];
      std::string key = a.contains("key") && !a["key"].is_null() ? "key " + a["key"].dump() + ": " : "";
      out.push_back(key + a.value("explanation", std::string("not linearizable")));
    }
    return out;
  }
  CheckResult finish(std::int64_t) override { return stream_.finish(); }

 private:
  LinearStream stream_;
  std::size_t told_ = 0;
};

}  // namespace

std::unique_ptr<OnlineCheck> online_linearizable(const CheckOptions& opts) {
  try {
    return std::make_unique<OnlineLinearizable>(opts);
  } catch (const std::invalid_argument&) {
    return nullptr;  // a model it does not take: judged after the run
  }
}

}  // namespace fl
