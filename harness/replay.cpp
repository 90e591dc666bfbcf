#include "harness/replay.h"

#include <algorithm>
#include <limits>
#include <sstream>

#include <fmt/format.h>

#include "history/error.h"

namespace fl {

namespace {

constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::max();

// The micro-ops a transaction ran: its completion's when it is ok, else what
// its invocation asked for.
const Json& mops_of(const History& h, const OpPair& p) {
  if (p.complete >= 0 && h[p.complete].type == OpType::Ok && h[p.complete].value.is_array()) return h[p.complete].value;
  return h[p.invoke].value;
}

bool is_mop(const Json& m) { return m.is_array() && m.size() == 3 && m[0].is_string(); }

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

bool is_control(const std::string& sql) {
  return starts_with(sql, "BEGIN") || starts_with(sql, "COMMIT") || starts_with(sql, "ROLLBACK");
}

}  // namespace

std::set<std::int64_t> anomaly_transactions(const History& h, const std::vector<std::int64_t>& cycle_ops) {
  std::map<std::int64_t, const OpPair*> by_index;  // invocation and completion index -> pair
  std::map<std::pair<std::string, std::string>, std::int64_t> writer;  // (key, value) -> invocation index
  std::map<std::string, Json> longest;                                 // key -> longest list read
  for (const OpPair& p : h.pairs()) {
    by_index[h[p.invoke].index] = &p;
    if (p.complete >= 0) by_index[h[p.complete].index] = &p;
    if (h.outcome(p) == OpType::Fail) continue;
    for (const Json& m : mops_of(h, p)) {
      if (!is_mop(m)) continue;
      if (m[0] == "append" || m[0] == "w") writer[{m[1].dump(), m[2].dump()}] = h[p.invoke].index;
      if (m[0] == "r" && m[2].is_array() && h.outcome(p) == OpType::Ok &&
          m[2].size() > longest[m[1].dump()].size())
        longest[m[1].dump()] = m[2];
    }
  }
  std::set<std::int64_t> out;
  auto add_writer = [&](const std::string& key, const Json& value) {
    auto w = writer.find({key, value.dump()});
    if (w != writer.end()) out.insert(w->second);
  };
  for (std::int64_t op : cycle_ops) {
    auto it = by_index.find(op);
    if (it == by_index.end()) continue;
    const OpPair& p = *it->second;
    out.insert(h[p.invoke].index);
    for (const Json& m : mops_of(h, p)) {
      if (!is_mop(m)) continue;
      const std::string key = m[1].dump();
      if (m[0] == "r") {
        if (m[2].is_array() && !m[2].empty()) add_writer(key, m[2].back());
        else if (!m[2].is_array() && !m[2].is_null()) add_writer(key, m[2]);
      } else if (m[0] == "append") {
        const Json& list = longest[key];
        if (!list.is_array()) continue;
        auto at = std::find(list.begin(), list.end(), m[2]);
        if (at != list.end() && at != list.begin()) add_writer(key, *(at - 1));
        // The first reader of the append: without a read that shows it, a
        // replay's checker cannot order it after what the cycle read.
        std::size_t shortest = std::numeric_limits<std::size_t>::max();
        std::int64_t reader = -1;
        for (const OpPair& q : h.pairs()) {
          if (h.outcome(q) != OpType::Ok) continue;
          for (const Json& r : mops_of(h, q))
            if (is_mop(r) && r[0] == "r" && r[1].dump() == key && r[2].is_array() && r[2].size() < shortest &&
                std::find(r[2].begin(), r[2].end(), m[2]) != r[2].end()) {
              shortest = r[2].size();
              reader = h[q.invoke].index;
            }
        }
        if (reader >= 0) out.insert(reader);
      }
    }
  }
  return out;
}

std::set<std::int64_t> transactions_within(const History& h, const std::set<std::int64_t>& core,
                                           std::int64_t margin_ns) {
  std::set<std::int64_t> out = core;
  std::int64_t lo = kNoTime, hi = std::numeric_limits<std::int64_t>::min(), last = 0;
  for (const Op& op : h.ops()) last = std::max(last, op.time);
  auto span = [&](const OpPair& p) {
    return std::pair{h[p.invoke].time, p.complete >= 0 ? h[p.complete].time : last};
  };
  for (const OpPair& p : h.pairs())
    if (core.count(h[p.invoke].index)) {
      auto [a, b] = span(p);
      lo = std::min(lo, a);
      hi = std::max(hi, b);
    }
  if (lo == kNoTime) return out;
  for (const OpPair& p : h.pairs()) {
    auto [a, b] = span(p);
    if (margin_ns < 0 || (a <= hi + margin_ns && b >= lo - margin_ns)) out.insert(h[p.invoke].index);
  }
  return out;
}

ReplayPlan plan_replay(const History& h, const std::set<std::int64_t>& ops,
                       const std::map<std::int64_t, std::vector<WireExchange>>& wire, const PlanOptions& options) {
  ReplayPlan plan;
  std::vector<ReplayStatement> all;
  for (std::int64_t op : ops) {
    auto it = wire.find(op);
    if (it == wire.end() || it->second.empty()) {
      plan.missing.push_back(op);
      continue;
    }
    plan.ops.push_back(op);
    for (const WireExchange& e : it->second) {
      if (!is_control(e.request)) {
        std::string table = e.request.find("fl_append") != std::string::npos     ? "fl_append"
                            : e.request.find("fl_register") != std::string::npos ? "fl_register"
                                                                                 : "";
        if (table.empty())
          throw BadInput("wire.jsonl", 0,
                         fmt::format("op {} sent \"{}\", which is no statement of the list-append or rw-register "
                                     "client",
                                     op, e.request.substr(0, 80)));
        plan.table = table;
      }
      all.push_back({op, e.process, e.request, e.sent, e.answered, e.answer});
    }
  }
  (void)h;
  // Blocked: long, and overtaken by another connection's answer.
  std::vector<bool> blocked(all.size(), false);
  for (std::size_t i = 0; i < all.size() && options.order == PlanOptions::Answers; ++i) {
    const ReplayStatement& x = all[i];
    if (!x.answered) {
      blocked[i] = true;
      continue;
    }
    if (*x.answered - x.sent < options.block_ns) continue;
    for (const ReplayStatement& y : all)
      if (y.process != x.process && y.answered && *y.answered > x.sent && *y.answered < *x.answered) {
        blocked[i] = true;
        break;
      }
  }
  struct Event {
    std::int64_t time;
    ReplayStep::Kind kind;
    std::size_t statement;
  };
  std::vector<Event> events;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (options.order == PlanOptions::Sends) {
      events.push_back({all[i].sent, ReplayStep::Run, i});
    } else if (!blocked[i]) {
      events.push_back({*all[i].answered, ReplayStep::Run, i});
    } else {
      events.push_back({all[i].sent, ReplayStep::Send, i});
      events.push_back({all[i].answered.value_or(kNoTime), ReplayStep::Collect, i});
    }
  }
  std::stable_sort(events.begin(), events.end(), [&](const Event& a, const Event& b) {
    if (a.time != b.time) return a.time < b.time;
    return all[a.statement].sent < all[b.statement].sent;
  });
  // Number the statements in the order the script first sends them.
  std::vector<std::size_t> number(all.size());
  for (const Event& e : events)
    if (e.kind != ReplayStep::Collect) {
      number[e.statement] = plan.statements.size();
      plan.statements.push_back(all[e.statement]);
      if (blocked[e.statement]) plan.blocked.push_back(plan.statements.size() - 1);
    }
  for (const Event& e : events) plan.steps.push_back({e.kind, number[e.statement]});
  return plan;
}

namespace {

std::string single_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string one_line(std::string s, std::size_t max = 200) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  if (s.size() > max) s = s.substr(0, max) + "…";
  return s;
}

double ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

}  // namespace

std::string replay_script(const ReplayPlan& plan, const ScriptHeader& header) {
  std::ostringstream s;
  s << "#!/usr/bin/env bash\n";
  std::istringstream title(header.title);
  for (std::string line; std::getline(title, line);) s << "# " << line << "\n";
  for (const std::string& n : header.notes) s << "#" << (n.empty() ? "" : " ") << n << "\n";
  std::set<std::int64_t> processes;
  for (const ReplayStatement& st : plan.statements) processes.insert(st.process);
  s << fmt::format(
      "#\n# {} transactions, {} statements, {} connections. Statements are sent in the order the\n"
      "# run's answers arrived, each when the one before it has been answered; {} of them waited\n"
      "# for another transaction in the run, so those are sent at their own time and answered later\n"
      "# (\"send\" … \"settle\").\n",
      plan.ops.size(), plan.statements.size(), processes.size(), plan.blocked.size());
  s << R"(#
# Usage: SCRIPT HOST PORT [USER] — against a fresh server; it drops and
# recreates its table first. Needs only bash and psql. Prints one line per
# statement: FL-ANSWER <n> <sent> <answered|-> <answer>.
set -u
host=${1:?usage: $0 HOST PORT [USER]}
port=${2:?usage: $0 HOST PORT [USER]}
user=${3:-postgres}
psql=${PSQL:-psql}
wait_s=${FL_WAIT:-10}     # how long to wait for an answer owed before giving up on it
block_s=${FL_BLOCK:-1}    # how long to wait for an answer before going on without it
dir=$(mktemp -d)
pids=()
cleanup() {
  for fd in "${IN[@]}"; do exec {fd}>&-; done
  kill "${pids[@]}" 2>/dev/null  # a psql still in a statement (a lock wait) ends too
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
declare -A IN OUT SENT PENDING PARTIAL ANSWER
)";
  if (plan.table == "fl_register")
    s << R"("$psql" -X -q -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U "$user" -d postgres \
  -c 'DROP TABLE IF EXISTS fl_register' -c 'CREATE TABLE fl_register (k BIGINT PRIMARY KEY, v BIGINT)' || exit 64
)";
  else
    s << R"("$psql" -X -q -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U "$user" -d postgres \
  -c 'DROP TABLE IF EXISTS fl_append' -c 'CREATE TABLE fl_append (k BIGINT PRIMARY KEY, v TEXT NOT NULL)' || exit 64
)";
  s << R"(# One psql per connection of the run, reading statements from a FIFO; after
# each statement a \echo marker, which psql prints only once the statement's
# answer came, so reading its output up to the marker is waiting for the
# answer. A statement not answered within $block_s waits for another
# transaction (a lock): the script goes on, the connection's later
# statements queue behind it in psql, and their answers are collected when
# they come (at the latest at the end).
connection() {
  mkfifo "$dir/in$1" "$dir/out$1"
  (  # without the other connections' FIFOs, so each psql sees its own end of input
    for fd in "${IN[@]}" "${OUT[@]}"; do eval "exec $fd>&-"; done
    exec "$psql" -X -A -t -h "$host" -p "$port" -U "$user" -d postgres <"$dir/in$1" >"$dir/out$1" 2>&1
  ) &
  pids+=($!)
  local i o
  exec {i}>"$dir/in$1" {o}<"$dir/out$1"
  IN[$1]=$i OUT[$1]=$o PENDING[$1]="" PARTIAL[$1]="" ANSWER[$1]=""
  # Connected before the first statement, so no statement waits for that.
  local l
  printf '\\echo FL-READY\n' >&"$i"
  if ! IFS= read -r -t "$wait_s" -u "$o" l || [[ $l != FL-READY ]]; then
    echo "psql connection $1 did not come up: ${l:-no answer}" >&2
    exit 64
  fi
}
collect() {  # CONNECTION N SECONDS: prints the answer, or returns 1 if it did not come in time
  local l
  while :; do
    if ! IFS= read -r -t "$3" -u "${OUT[$1]}" l; then
      PARTIAL[$1]+=$l
      return 1
    fi
    l=${PARTIAL[$1]}$l PARTIAL[$1]=""
    if [[ $l == "FL-DONE $2" ]]; then break; fi
    if [[ $l == FL-DONE* ]]; then ANSWER[$1]=""; continue; fi  # a late answer of an earlier statement
    ANSWER[$1]+="${ANSWER[$1]:+ / }$l"
  done
  echo "FL-ANSWER $2 ${SENT[$2]} $EPOCHREALTIME ${ANSWER[$1]}"
  ANSWER[$1]=""
}
drain() {  # CONNECTION SECONDS: collects the answers it owes, in order, while each comes in time
  local n
  while [[ -n ${PENDING[$1]} ]]; do
    n=${PENDING[$1]%% *}
    collect "$1" "$n" "$2" || return 1
    PENDING[$1]=${PENDING[$1]#"$n"}
    PENDING[$1]=${PENDING[$1]# }
  done
}
settle() {  # CONNECTION: waits (up to $wait_s each) for every answer it owes
  local n
  if ! drain "$1" "$wait_s"; then
    for n in ${PENDING[$1]}; do echo "FL-ANSWER $n ${SENT[$n]} - no answer within ${wait_s} s"; done
    PENDING[$1]=""
  fi
}
send() {  # CONNECTION N SQL: sends (psql runs it after what it was sent before), and goes on
  SENT[$2]=$EPOCHREALTIME
  printf '%s;\n\\echo FL-DONE %s\n' "$3" "$2" >&"${IN[$1]}"
  PENDING[$1]+="${PENDING[$1]:+ }$2"
}
run() {  # CONNECTION N SQL: sends, and waits up to $block_s for the answer — unless the
         # connection still owes one (stuck behind a lock): then it goes on at once
  local owed=${PENDING[$1]}
  send "$@"
  if [[ -z $owed ]]; then drain "$1" "$block_s"; else drain "$1" 0.001; fi
}
)";
  for (std::int64_t p : processes) s << "connection " << p << "\n";
  std::int64_t t0 = plan.statements.empty() ? 0 : plan.statements.front().sent;
  for (const ReplayStatement& st : plan.statements) t0 = std::min(t0, st.sent);
  std::set<std::int64_t> introduced;
  for (const ReplayStep& step : plan.steps) {
    const ReplayStatement& st = plan.statements[step.statement];
    std::size_t n = step.statement + 1;
    if (step.kind != ReplayStep::Collect && introduced.insert(st.op).second)
      s << fmt::format("# op {} (connection {})\n", st.op, st.process);
    std::string run_note = st.answered ? fmt::format("{:.3f}–{:.3f} ms, {}", ms(st.sent - t0), ms(*st.answered - t0),
                                                     one_line(st.answer, 120))
                                       : fmt::format("{:.3f} ms, never answered", ms(st.sent - t0));
    switch (step.kind) {
      case ReplayStep::Run:
        s << fmt::format("run {} {} {}  # in the run: {}\n", st.process, n, single_quoted(st.sql), run_note);
        break;
      case ReplayStep::Send:
        s << fmt::format("# blocks: in the run its answer came only after other connections' statements\n"
                         "send {} {} {}  # in the run: {}\n",
                         st.process, n, single_quoted(st.sql), run_note);
        break;
      case ReplayStep::Collect:
        s << fmt::format("settle {}  # the answer of statement {}\n", st.process, n);
        break;
    }
  }
  s << "for c in \"${!IN[@]}\"; do settle \"$c\"; done\n";
  return s.str();
}

namespace {

std::int64_t epoch_ns(const std::string& t, std::size_t line) {
  std::size_t dot = t.find('.');
  try {
    std::int64_t sec = std::stoll(t.substr(0, dot));
    std::string frac = dot == std::string::npos ? "" : t.substr(dot + 1);
    frac = (frac + "000000000").substr(0, 9);
    return sec * 1'000'000'000 + std::stoll(frac);
  } catch (const std::exception&) {
    throw BadInput("replay output", static_cast<std::int64_t>(line), fmt::format("\"{}\" is not a time", t));
  }
}

bool failed_answer(const std::string& a) {
  return a.find("ERROR:") != std::string::npos || a.find("FATAL:") != std::string::npos ||
         a.find("server closed the connection") != std::string::npos ||
         a.find("connection to server") != std::string::npos;
}

Json read_value(const std::string& answer, bool list, bool& ok) {
  ok = true;
  try {
    if (list) {
      Json out = Json::array();
      if (answer.empty()) return out;
      std::size_t start = 0;
      while (start <= answer.size()) {
        std::size_t comma = answer.find(',', start);
        if (comma == std::string::npos) comma = answer.size();
        std::size_t used = 0;
        std::string item = answer.substr(start, comma - start);
        out.push_back(std::stoll(item, &used));
        if (used != item.size()) ok = false;
        start = comma + 1;
      }
      return out;
    }
    if (answer.empty()) return nullptr;
    std::size_t used = 0;
    std::int64_t v = std::stoll(answer, &used);
    ok = used == answer.size();
    return v;
  } catch (const std::exception&) {
    ok = false;
    return nullptr;
  }
}

}  // namespace

ReplayHistory replay_history(const ReplayPlan& plan, const History& run, const std::string& output) {
  struct Answer {
    std::int64_t sent = 0;
    std::optional<std::int64_t> answered;
    std::string text;
  };
  std::map<std::size_t, Answer> answers;  // statement index -> its answer
  std::istringstream in(output);
  std::size_t line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (!starts_with(line, "FL-ANSWER ")) continue;
    std::istringstream f(line.substr(10));
    std::string n, sent, answered;
    if (!(f >> n >> sent >> answered))
      throw BadInput("replay output", static_cast<std::int64_t>(line_no), "an answer line without number and times");
    std::string text;
    std::getline(f, text);
    if (!text.empty() && text[0] == ' ') text.erase(0, 1);
    std::size_t k = 0;
    try {
      k = std::stoul(n);
    } catch (const std::exception&) {
      k = 0;
    }
    if (k < 1 || k > plan.statements.size())
      throw BadInput("replay output", static_cast<std::int64_t>(line_no), fmt::format("no statement {} in the replay", n));
    Answer a;
    a.sent = epoch_ns(sent, line_no);
    if (answered != "-") a.answered = epoch_ns(answered, line_no);
    a.text = text;
    answers[k - 1] = a;
  }
  std::map<std::int64_t, const OpPair*> pair_of;  // invocation index -> pair
  for (const OpPair& p : run.pairs()) pair_of[run[p.invoke].index] = &p;
  std::map<std::int64_t, std::vector<std::size_t>> of_op;
  for (std::size_t i = 0; i < plan.statements.size(); ++i) of_op[plan.statements[i].op].push_back(i);

  ReplayHistory out;
  std::int64_t t0 = std::numeric_limits<std::int64_t>::max();
  for (const auto& [i, a] : answers) t0 = std::min(t0, a.sent);
  struct Event {
    std::int64_t time;
    int order;  // completions before invocations at the same time
    Op op;
    std::int64_t origin;
  };
  std::vector<Event> events;
  std::map<std::int64_t, std::int64_t> process_end;  // process -> its last transaction's end
  for (std::int64_t op : plan.ops) {
    auto pit = pair_of.find(op);
    if (pit == pair_of.end()) continue;
    const Op& invoke = run[pit->second->invoke];
    const std::vector<std::size_t>& sts = of_op[op];
    bool list = plan.table != "fl_register";
    Json done = Json::array(), attempted = Json::array();
    const Json& asked = invoke.value.is_array() ? invoke.value : Json::array();
    for (const Json& m : asked)
      attempted.push_back(is_mop(m) && m[0] == "r" ? Json::array({"r", m[1], nullptr}) : m);
    OpType outcome = OpType::Ok;
    std::string why;
    std::size_t mop = 0;
    std::optional<std::int64_t> first_sent, last_time;
    for (std::size_t i : sts) {
      auto a = answers.find(i);
      const std::string& sql = plan.statements[i].sql;
      if (a == answers.end() || !a->second.answered) {
        if (a != answers.end()) {
          if (!first_sent) first_sent = a->second.sent;
          last_time = a->second.sent + 1;
        }
        outcome = OpType::Info;
        why = fmt::format("no answer to statement {}", i + 1);
        ++out.unanswered;
        break;
      }
      if (!first_sent) first_sent = a->second.sent;
      last_time = *a->second.answered;
      const std::string& text = a->second.text;
      if (failed_answer(text)) {
        if (outcome == OpType::Ok) {
          outcome = OpType::Fail;
          why = one_line(text, 160);
        }
        continue;
      }
      if (starts_with(sql, "BEGIN")) continue;
      if (starts_with(sql, "ROLLBACK")) {
        if (outcome == OpType::Ok) {
          outcome = OpType::Fail;
          why = "rolled back, as in the run";
        }
        continue;
      }
      if (starts_with(sql, "COMMIT")) {
        if (text != "COMMIT" && outcome == OpType::Ok) {
          outcome = OpType::Fail;
          why = "COMMIT answered " + one_line(text, 80);
        }
        continue;
      }
      if (mop >= asked.size() || !is_mop(asked[mop])) {
        if (outcome == OpType::Ok) {
          outcome = OpType::Fail;
          why = "more statements than micro-ops";
        }
        continue;
      }
      const Json& m = asked[mop++];
      if (m[0] == "r") {
        bool ok = true;
        Json v = read_value(text, list, ok);
        if (!ok)
          throw BadInput("replay output", 0,
                         fmt::format("statement {} answered \"{}\", which is no {}", i + 1, one_line(text, 80),
                                     list ? "list" : "value"));
        done.push_back(Json::array({"r", m[1], v}));
      } else {
        done.push_back(m);
      }
    }
    if (outcome == OpType::Ok && (sts.empty() || !starts_with(plan.statements[sts.back()].sql, "COMMIT") ||
                                  mop != asked.size())) {
      outcome = OpType::Fail;
      why = "never committed";
    }
    if (!first_sent) continue;  // nothing of it was sent
    Op inv;
    inv.process = plan.statements[sts.front()].process;
    inv.type = OpType::Invoke;
    inv.f = "txn";
    inv.value = attempted;
    Op done_op = inv;
    done_op.type = outcome;
    done_op.value = outcome == OpType::Ok ? done : attempted;
    done_op.error = outcome == OpType::Ok ? "" : why;
    // A connection's statements queue in psql behind one still owed, so a
    // transaction may be sent before the one before it was seen to end: it
    // begins, in the history, when that one ended.
    std::int64_t begin = *first_sent - t0, end = *last_time - t0;
    auto prev = process_end.find(inv.process);
    if (prev != process_end.end() && begin <= prev->second) begin = prev->second + 1;
    end = std::max(end, begin + 1);
    process_end[inv.process] = end;
    events.push_back({begin, 1, inv, op});
    events.push_back({end, 0, done_op, op});
  }
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return a.time != b.time ? a.time < b.time : a.order < b.order;
  });
  std::vector<Op> ops;
  for (Event& e : events) {
    e.op.index = static_cast<std::int64_t>(ops.size());
    e.op.time = e.time;
    out.origin[e.op.index] = e.origin;
    ops.push_back(std::move(e.op));
  }
  out.history = History(std::move(ops), "replay");
  return out;
}

}  // namespace fl
