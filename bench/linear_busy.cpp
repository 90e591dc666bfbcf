// Benchmark (not a test): the linearizability checker on the histories a busy
// 50-client register run records, beside Porcupine. Histories come from real
// runs of the in-process memory system (50 workers, --ops-limit of the
// largest size; smaller sizes are prefixes of it), with small values (0..4)
// and with unique values, and one made history of the stalled shape that
// runs had before issue 15's fixes (`stalled`, see make_stalled; --values
// stalled for it alone), each also with one planted
// stale read that no linearization can explain (a read of a value whose every
// writer lies outside the window between the latest write that completed
// before the read began and the read's end). Each file is checked in a child
// process (this program with --one), so the peak RSS is that check's own;
// with --porcupine DRIVER the same files go through Porcupine in the same run
// (DRIVER FILE prints "verdict check_s parse_s ops peak_mb"; the driver is a
// small Go program kept outside the project, see notes).
//   bench_linear_busy [--dir D] [--sizes 10000,30000,…] [--values small,unique,stalled]
//                     [--porcupine DRIVER] [--time-limit S] [--memory-limit-mb M]
//                     [--regenerate] [--files F,…] [--ablations R,…]
// --files checks the given histories instead; --ablations runs each file again
// with the named reductions off (forced, interchangeable, refute, or several
// joined by "+"), in the same run, so each reduction's worth is a ratio.
//   bench_linear_busy --one FILE [--time-limit S] [--memory-limit-mb M]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "checkers/linear/partition.h"
#include "checkers/linear/refute.h"
#include "checkers/linear/search.h"
#include "checkers/registry.h"
#include "cluster/process.h"
#include "harness/runner.h"
#include "history/format.h"
#include "history/jsonl.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, ',');)
    if (!part.empty()) out.push_back(part);
  return out;
}

// Records a real run: the memory system, the register workload, 50 workers.
void record_run(const std::string& values, std::int64_t ops, const std::string& out_path) {
  const std::string store = (fs::temp_directory_path() / ("fl-bench-busy-" + std::to_string(getpid()))).string();
  fl::TestOptions o;
  o.system = "memory";
  o.workload = "register";
  o.workload_params = {{"values", values}};
  o.concurrency = 50;
  o.time_limit_s = 0;
  o.ops_limit = ops;
  o.store_dir = store;
  o.check = false;
  o.progress = false;
  o.print_summary = false;
  o.seed = 7;
  fl::TestOutcome out = fl::TestRun(o).run();
  fs::copy_file(fs::path(out.run_dir) / "history.jsonl", out_path, fs::copy_options::overwrite_existing);
  std::error_code ec;
  fs::remove_all(store, ec);
}

// The read whose value becomes stale, and that value; nullopt if none found.
struct Plant {
  std::size_t completion = 0;  // index of the read's ok completion in the history
  std::int64_t value = 0;
};

// Finds, from event `from_event` on, an ok read r and a value v with
// a state-setting op w (an ok write, or an ok cas) that completed before r
// was invoked and no op that could produce v (any write of v or cas to v that
// did not fail) overlapping the window from w's invocation to r's completion:
// then every linearization has w before r and nothing that could bring v back
// in between, so a read of v there is certainly not linearizable.
std::optional<Plant> find_plant(const fl::History& h, std::size_t from_event) {
  const auto& pairs = h.pairs();
  struct Producer {
    std::int64_t call, ret;
  };
  std::map<std::int64_t, std::vector<Producer>> by_value;  // by call
  auto produced = [&](const fl::OpPair& p) -> std::optional<std::int64_t> {
    const fl::Op& inv = h[static_cast<std::size_t>(p.invoke)];
    if (h.outcome(p) == fl::OpType::Fail) return std::nullopt;
    if (inv.f == "write" && inv.value.is_number_integer()) return inv.value.get<std::int64_t>();
    if (inv.f == "cas" && inv.value.is_array() && inv.value.size() == 2 && inv.value[1].is_number_integer())
      return inv.value[1].get<std::int64_t>();
    return std::nullopt;
  };
  for (const fl::OpPair& p : pairs)
    if (auto v = produced(p))
      by_value[*v].push_back(Producer{p.invoke, h.outcome(p) == fl::OpType::Ok ? p.complete : INT64_MAX});
  std::map<std::int64_t, std::vector<std::int64_t>> prefix_max_ret;
  for (auto& [v, ps] : by_value) {
    std::sort(ps.begin(), ps.end(), [](const Producer& a, const Producer& b) { return a.call < b.call; });
    std::int64_t m = -1;
    for (const Producer& p : ps) prefix_max_ret[v].push_back(m = std::max(m, p.ret));
  }
  // Some producer of v overlaps (from, to): invoked before `to` and not returned before `from`.
  auto overlaps = [&](std::int64_t v, std::int64_t from, std::int64_t to) {
    const auto& ps = by_value[v];
    auto first_after = std::lower_bound(ps.begin(), ps.end(), from,
                                        [](const Producer& p, std::int64_t t) { return p.call < t; });
    const auto k = static_cast<std::size_t>(first_after - ps.begin());
    if (k > 0 && prefix_max_ret[v][k - 1] > from) return true;
    return first_after != ps.end() && first_after->call < to;
  };
  // Sweep in time order: the state setter with the latest invocation among those completed.
  std::vector<std::int32_t> pair_of(h.size(), -1);
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    pair_of[static_cast<std::size_t>(pairs[i].invoke)] = static_cast<std::int32_t>(i);
    if (pairs[i].complete >= 0) pair_of[static_cast<std::size_t>(pairs[i].complete)] = static_cast<std::int32_t>(i);
  }
  struct Setter {
    std::int64_t call = -1, value = 0;
    std::vector<std::int64_t> older;  // values set before it, most recent first (a few)
  };
  Setter now;  // the state setter with the latest invocation among those completed so far
  std::map<std::int32_t, Setter> at_invoke;  // open reads: `now` when they were invoked
  for (std::size_t e = 0; e < h.size(); ++e) {
    if (pair_of[e] < 0) continue;
    const fl::OpPair& p = pairs[static_cast<std::size_t>(pair_of[e])];
    const fl::Op& inv = h[static_cast<std::size_t>(p.invoke)];
    if (static_cast<std::int64_t>(e) == p.invoke) {
      if (inv.f == "read" && e >= from_event && now.call >= 0) at_invoke[pair_of[e]] = now;
      continue;
    }
    if (h.outcome(p) != fl::OpType::Ok) continue;
    if (inv.f != "read") {
      if (auto v = produced(p); v && p.invoke > now.call) {
        if (now.call >= 0) {
          now.older.insert(now.older.begin(), now.value);
          if (now.older.size() > 8) now.older.pop_back();
        }
        now.call = p.invoke;
        now.value = *v;
      }
      continue;
    }
    auto it = at_invoke.find(pair_of[e]);
    if (it == at_invoke.end()) continue;
    const Setter w = it->second;
    at_invoke.erase(it);
    for (std::int64_t v : w.older)
      if (v != w.value && !overlaps(v, w.call, p.complete)) return Plant{e, v};
  }
  return std::nullopt;
}

// A stalled history, made rather than recorded (memory-system runs no longer
// produce one: its Store serves requests in arrival order and the recorder
// never holds a completion back; see systems/memory/memory.cpp and
// harness/recorder.cpp). The shape is the one every recorded 50-client run
// had before: 44 of the 50 clients invoke one after the other, their ops take
// effect at once but their completions are held back while the other 6 go on
// for ~25,000 events, then the 44 complete in reverse order. Values 0..4 with
// read / write / cas as the small-values register workload draws them. Each
// op takes effect at one instant inside its window (a running client's at its
// completion, a stalled one's right after its invocation), so the history is
// linearizable by construction; the long windows whose effect lies at their
// very start are what makes the search thrash. Deterministic (seeded).
std::vector<fl::Op> make_stalled(std::int64_t invocations) {
  constexpr int kProcs = 50, kStalled = 44, kRunning = kProcs - kStalled, kValues = 5;
  constexpr std::int64_t kStallEvents = 25000, kBetweenStalls = 500;
  std::mt19937_64 rng(7);
  std::vector<fl::Op> ops;
  fl::Json reg = nullptr;
  std::vector<std::optional<fl::Op>> pending(kProcs);
  std::int64_t invoked = 0;
  auto invoke = [&](int p) {
    fl::Op op;
    op.process = p;
    op.type = fl::OpType::Invoke;
    const int kind = static_cast<int>(rng() % 3);
    const fl::Json a = static_cast<int>(rng() % kValues), b = static_cast<int>(rng() % kValues);
    if (kind == 0) op.f = "read", op.value = nullptr;
    else if (kind == 1) op.f = "write", op.value = a;
    else op.f = "cas", op.value = fl::Json::array({a, b});
    op.index = static_cast<std::int64_t>(ops.size());
    ops.push_back(op);
    pending[p] = op;
    ++invoked;
  };
  auto take_effect = [&](int p) {  // turns the pending invocation into its completion
    fl::Op& op = *pending[p];
    op.type = fl::OpType::Ok;
    if (op.f == "read") op.value = reg;
    else if (op.f == "write") reg = op.value;
    else if (reg == op.value[0]) reg = op.value[1];
    else op.type = fl::OpType::Fail, op.error = "compare failed";
  };
  auto complete = [&](int p) {
    if (pending[p]->type == fl::OpType::Invoke) take_effect(p);
    fl::Op op = *pending[p];
    pending[p].reset();
    op.index = static_cast<std::int64_t>(ops.size());
    ops.push_back(op);
  };
  std::vector<int> procs(kProcs);
  for (int p = 0; p < kProcs; ++p) procs[p] = p;
  // Every process picks an open op or starts one: ops overlap at random.
  auto step = [&](const std::vector<int>& among) {
    const int p = among[rng() % among.size()];
    if (pending[p]) complete(p);
    else invoke(p);
  };
  while (invoked < invocations) {
    for (std::int64_t e = 0; e < kBetweenStalls && invoked < invocations; ++e) step(procs);
    std::shuffle(procs.begin(), procs.end(), rng);
    const std::vector<int> stalled(procs.begin(), procs.begin() + kStalled);
    const std::vector<int> running(procs.begin() + kStalled, procs.end());
    for (int p : stalled) {
      if (!pending[p]) invoke(p);
      take_effect(p);
    }
    for (std::int64_t e = 0; e < kStallEvents; ++e) step(running);
    for (auto it = stalled.rbegin(); it != stalled.rend(); ++it) complete(*it);
    static_cast<void>(kRunning);
  }
  for (int p = 0; p < kProcs; ++p)
    if (pending[p]) complete(p);
  return ops;
}

void save(const fl::History& h, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  fl::write_jsonl(out, h);
}

struct Figures {
  std::string verdict = "-";
  double check_s = 0, cpu_s = 0, read_s = 0;
  long peak_mb = 0;
  std::string note;
};

double cpu_seconds() {  // of the whole process, every thread
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

long hwm_mb() {  // this process's own peak RSS (VmHWM; ru_maxrss would count the parent's before exec)
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  long kb = 0;
  while (std::fgets(line, sizeof line, f))
    if (std::sscanf(line, "VmHWM: %ld kB", &kb) == 1) break;
  std::fclose(f);
  return kb / 1024;
}

// --one: read and check one file, print "verdict check_s check_cpu_s read_s configurations peak_mb".
// With --without R (R: forced, interchangeable, refute, or a comma list) the
// checker's own pipeline (refutations, then the search of the one key) runs
// with those reductions off, so each is measured against the full checker.
int check_one(const std::string& path, double time_limit, std::size_t memory_limit_mb, const std::string& without) {
  const auto t0 = Clock::now();
  const fl::History h = fl::read_history(path, fl::Format::Jsonl);
  const double read_s = seconds_since(t0);
  fl::CheckOptions opts;
  opts.model = "cas-register";
  opts.time_limit_s = time_limit;
  opts.memory_limit_mb = memory_limit_mb;
  const auto t1 = Clock::now();
  const double c1 = cpu_seconds();
  fl::Validity valid = fl::Validity::Unknown;
  long long configurations = 0;
  std::string why;
  if (without.empty()) {
    const fl::CheckResult r = fl::find_checker("linearizable")->check(h, opts);
    valid = r.valid;
    configurations = r.detail.value("configurations", 0LL);
    if (r.valid == fl::Validity::Unknown) why = r.detail.value("reason", std::string());
  } else {
    const fl::Model& model = *fl::find_model("cas-register");
    fl::SearchTuning tuning;
    tuning.forced_reads = without.find("forced") == std::string::npos;
    tuning.interchangeable = without.find("interchangeable") == std::string::npos;
    tuning.by_return = without.find("by-return") == std::string::npos;
    const bool refute = without.find("refute") == std::string::npos;
    const std::vector<fl::PartitionPlan> plans = fl::plan_partitions(h);
    fl::Partition p = fl::encode_partition(h, plans.at(0), model, std::nullopt);
    std::optional<fl::SearchResult> r;
    if (refute) r = fl::refute_unique_writes(p, model);
    if (refute && !r) r = fl::refute_stale_windows(p, model);
    if (!r) {
      fl::SearchBudget budget;
      budget.deadline = Clock::now() + std::chrono::milliseconds(static_cast<long>(time_limit * 1000));
      budget.memory_limit_bytes = memory_limit_mb << 20;
      r = fl::search_linearization(p, model, budget, tuning);
    }
    valid = r->valid;
    configurations = r->configurations;
    why = r->reason;
  }
  const double check_s = seconds_since(t1), check_cpu = cpu_seconds() - c1;
  std::printf("%s %.3f %.3f %.3f %lld %ld\n", std::string(fl::to_string(valid)).c_str(), check_s, check_cpu, read_s,
              configurations, hwm_mb());
  if (!why.empty()) std::fprintf(stderr, "%s\n", why.c_str());
  return 0;
}

Figures run_child(const fl::Argv& argv, double timeout_s) {
  fl::RunOptions ro;
  ro.timeout = std::chrono::milliseconds(static_cast<long>(timeout_s * 1000));
  const auto t0 = Clock::now();
  const fl::RunResult rr = fl::run_process(argv, ro);
  Figures f;
  f.check_s = seconds_since(t0);
  if (rr.timed_out) {
    f.verdict = "killed";
    f.note = "no answer within the time limit";
    return f;
  }
  std::istringstream out(rr.out);
  double a = 0, b = 0, cpu = 0;
  long long c = 0;
  if (!(out >> f.verdict >> a >> cpu >> b >> c >> f.peak_mb)) {
    f.verdict = "error";
    f.note = rr.err.substr(0, 200);
    return f;
  }
  f.check_s = a;
  f.cpu_s = cpu;
  f.read_s = b;
  if (!rr.err.empty()) f.note = rr.err.substr(0, rr.err.find('\n'));
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "/tmp/fl-linear-busy", porcupine, one, without;
  std::vector<std::string> ablations;
  std::vector<std::string> sizes = {"10000", "30000", "100000", "300000", "1000000"};
  std::vector<std::string> kinds = {"small", "unique", "stalled"};
  double time_limit = 120;
  std::size_t memory_limit_mb = 8192;
  bool regenerate = false;
  std::vector<std::string> files_only;  // existing files to check instead of the generated set
  for (int i = 1; i < argc; ++i) {
    auto arg = [&](const char* name) { return !std::strcmp(argv[i], name) && i + 1 < argc; };
    if (arg("--dir")) dir = argv[++i];
    else if (arg("--sizes")) sizes = split(argv[++i]);
    else if (arg("--values")) kinds = split(argv[++i]);
    else if (arg("--porcupine")) porcupine = argv[++i];
    else if (arg("--time-limit")) time_limit = std::atof(argv[++i]);
    else if (arg("--memory-limit-mb")) memory_limit_mb = std::strtoul(argv[++i], nullptr, 10);
    else if (arg("--one")) one = argv[++i];
    else if (arg("--without")) without = argv[++i];
    else if (arg("--ablations")) ablations = split(argv[++i]);
    else if (arg("--files")) files_only = split(argv[++i]);
    else if (!std::strcmp(argv[i], "--regenerate")) regenerate = true;
    else {
      std::fprintf(stderr, "unknown argument %s\n", argv[i]);
      return 64;
    }
  }
  if (!one.empty()) return check_one(one, time_limit, memory_limit_mb, without);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  fs::create_directories(dir);
  std::vector<std::pair<std::string, std::string>> files;  // name, path
  for (const std::string& f : files_only) files.emplace_back(fs::path(f).stem().string(), f);
  if (!files_only.empty()) kinds.clear();
  // One run per kind of values, as long as the largest size; the smaller
  // histories are its prefixes (ops still open at the cut never complete,
  // as in an interrupted run), so the sizes are comparable.
  for (const std::string& kind : kinds) {
    const std::string whole = dir + "/" + kind + "-run.jsonl";
    std::int64_t largest = 0;
    for (const std::string& size : sizes) largest = std::max<std::int64_t>(largest, std::stoll(size));
    if (regenerate || !fs::exists(whole)) {
      const auto t0 = Clock::now();
      if (kind == "stalled") {
        std::vector<fl::Op> made = make_stalled(largest);
        save(fl::History(std::move(made), whole), whole);
      } else {
        record_run(kind, largest, whole);
      }
      std::fprintf(stderr, "recorded %s in %.1f s\n", whole.c_str(), seconds_since(t0));
    }
    const fl::History run = fl::read_history(whole, fl::Format::Jsonl);
    for (const std::string& size : sizes) {
      const std::string base = dir + "/" + kind + "-" + size;
      const std::string valid = base + "-valid.jsonl", stale = base + "-stale.jsonl";
      if (regenerate || !fs::exists(valid) || !fs::exists(stale)) {
        // The prefix holding `size` invocations.
        std::vector<fl::Op> ops;
        std::int64_t invoked = 0;
        for (const fl::Op& op : run.ops()) {
          if (op.is_invoke() && ++invoked > std::stoll(size)) break;
          ops.push_back(op);
        }
        const fl::History h(ops, valid);
        save(h, valid);
        // From the middle on if it can; small values leave few such windows.
        std::optional<Plant> plant = find_plant(h, h.size() / 2);
        if (!plant) plant = find_plant(h, h.size() / 10);
        if (!plant) {
          std::fprintf(stderr, "%s: no place for a certain stale read; no stale file\n", valid.c_str());
          fs::remove(stale);
        } else {
          ops[plant->completion].value = plant->value;
          save(fl::History(std::move(ops), stale), stale);
          std::fprintf(stderr, "%s: stale read planted at line %zu (value %lld)\n", stale.c_str(),
                       plant->completion + 1, static_cast<long long>(plant->value));
        }
      }
      files.emplace_back(kind + "-" + size + "-valid", valid);
      if (fs::exists(stale)) files.emplace_back(kind + "-" + size + "-stale", stale);
    }
  }
  const std::string self = fs::read_symlink("/proc/self/exe").string();
  std::printf("CPU seconds of the check alone (the machine may be shared: wall clock would wander), reading excluded\n");
  std::printf("%-22s | %-9s %8s %7s %8s | %-9s %8s %8s %8s | %s\n", "history", "faultline", "cpu s", "read s",
              "peak MB", "porcupine", "cpu s", "parse s", "peak MB", "cpu ratio");
  for (const auto& [name, path] : files) {
    const std::string tl = std::to_string(time_limit), ml = std::to_string(memory_limit_mb);
    Figures ours = run_child({self, "--one", path, "--time-limit", tl, "--memory-limit-mb", ml}, time_limit + 120);
    Figures theirs;
    if (!porcupine.empty())
      theirs = run_child({porcupine, "-timeout", tl, "-mem-limit-mb", ml, path}, time_limit + 120);
    std::string ratio = "-";
    if (!porcupine.empty() && ours.cpu_s > 0)
      ratio = (theirs.verdict == "ok" || theirs.verdict == "illegal" ? "" : ">") +
              std::to_string(static_cast<int>(theirs.cpu_s / std::max(ours.cpu_s, 0.001) + 0.5)) + "x";
    std::printf("%-22s | %-9s %8.3f %7.3f %8ld | %-9s %8.3f %8.3f %8ld | %s\n", name.c_str(), ours.verdict.c_str(),
                ours.cpu_s, ours.read_s, ours.peak_mb, theirs.verdict.c_str(), theirs.cpu_s, theirs.read_s,
                theirs.peak_mb, ratio.c_str());
    if (!ours.note.empty()) std::printf("    faultline: %s\n", ours.note.c_str());
    if (!theirs.note.empty()) std::printf("    porcupine: %s\n", theirs.note.c_str());
    for (const std::string& off : ablations) {
      Figures a = run_child({self, "--one", path, "--time-limit", tl, "--memory-limit-mb", ml, "--without", off},
                            time_limit + 120);
      std::printf("    without %-24s %-9s %8.3f s %8ld MB  (%.1fx the CPU time of the full checker)%s%s\n",
                  off.c_str(), a.verdict.c_str(), a.cpu_s, a.peak_mb, a.cpu_s / std::max(ours.cpu_s, 0.001),
                  a.note.empty() ? "" : ": ", a.note.c_str());
    }
  }
  return 0;
}
