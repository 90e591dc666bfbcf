// How fast the history readers are: every corpus file (held in memory, read
// N times) per format, then a large JSONL history — synthetic, written to
// /tmp, or the one given with --file — read from the file stage by stage
// beside simdjson, ROUNDS times with the stages interleaved (medians
// printed). Prints MB/s and ops/s; never asserts a time. Rates are per CPU
// second of the reading thread, so a machine busy with other work gives
// nearly the same figures (wall-clock seconds are printed too).
//   bench_read_corpus [N=20] [SYNTHETIC_OPS=1000000] [--file HISTORY.jsonl] [--rounds ROUNDS=5]
//   bench_read_corpus --write OPS FILE [--ops-per-key K=400] [--info-every N=300]
//                                        writes a kv history of OPS events (for --file) and exits
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#ifdef FL_HAVE_SIMDJSON
#include <simdjson.h>
#endif

#include "bench/kv_sim.h"
#include "history/format.h"
#include "history/jsonl.h"
#include "history/line_reader.h"
#include "history/op_stream.h"

using namespace fl;
using Clock = std::chrono::steady_clock;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

double fs_size(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  return static_cast<double>(in.tellg());
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Tally {
  double bytes = 0, seconds = 0, wall = 0;
  std::size_t ops = 0, files = 0;
};

void print(const std::string& what, const Tally& t) {
  fmt::print("{:<14} {:>4} files {:>8} ops {:>7.1f} MB  cpu {:>6.3f} s  wall {:>6.3f} s  {:>6.1f} MB/s  {:>5.2f} Mops/s\n",
             what, t.files, t.ops, t.bytes / 1e6, t.seconds, t.wall, t.bytes / 1e6 / t.seconds,
             t.ops / 1e6 / t.seconds);
}

// A register workload of `n` ops over 10 processes: invoke/complete pairs of
// read, write and cas, with times, some failures and timeouts.
std::vector<Op> synthetic_ops(std::size_t n) {
  std::vector<Op> ops;
  ops.reserve(n);
  std::int64_t t = 0;
  unsigned seed = 12345;
  auto rnd = [&] { return seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff; };
  while (ops.size() + 2 <= n) {
    Op inv;
    inv.process = rnd() % 10;
    inv.time = t += 1000 + rnd() % 1000;
    int kind = rnd() % 3;
    inv.f = kind == 0 ? "read" : kind == 1 ? "write" : "cas";
    if (kind == 1) inv.value = rnd() % 5;
    if (kind == 2) inv.value = Json::array({rnd() % 5, rnd() % 5});
    Op done = inv;
    done.time = t += 500 + rnd() % 1000;
    int r = rnd() % 10;
    done.type = r < 7 ? OpType::Ok : r < 9 ? OpType::Fail : OpType::Info;
    if (kind == 0 && done.type == OpType::Ok) done.value = rnd() % 5;
    inv.index = static_cast<std::int64_t>(ops.size());
    ops.push_back(inv);
    done.index = static_cast<std::int64_t>(ops.size());
    ops.push_back(done);
  }
  return ops;
}

// A kv workload of about `n` events (bench/kv_sim.h): 20 clients, keys
// rotating (8 at a time, by default every 400 invocations), ops overlapping
// as in a real run, some timeouts (info) and failures; linearizable.
void write_kv(std::size_t n, const std::string& path, const bench::KvSimOptions& o) {
  JsonlWriter w(path);
  bench::KvSim sim(o);
  std::vector<Op> batch;
  std::size_t written = 0;
  for (Op op; sim.next(op, written + 40 >= n); ++written) {
    batch.push_back(std::move(op));
    if (batch.size() >= 10000) {
      w.write(batch);
      batch.clear();
    }
  }
  w.write(batch);
  w.close();
}

std::string edn_value(const Json& v) {
  if (v.is_null()) return "nil";
  if (v.is_array()) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? " " : "") + edn_value(v[i]);
    return s + "]";
  }
  return v.dump();
}

void write_edn(const std::string& path, const std::vector<Op>& ops) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  std::fputs("[", f);
  for (const Op& op : ops)
    fmt::print(f, "{{:process {}, :type :{}, :f :{}, :value {}, :time {}, :index {}}}\n", op.process,
               to_string(op.type), op.f, edn_value(op.value), op.time, op.index);
  std::fputs("]\n", f);
  std::fclose(f);
}

Tally time_file(const std::string& path, Format fmt, int reps) {
  Tally t;
  auto size = static_cast<double>(slurp(path).size());
  for (int i = 0; i < reps; ++i) {
    auto t0 = Clock::now();
    double c0 = cpu_now();
    History h = read_history(path, fmt);
    t.seconds += cpu_now() - c0;
    t.wall += seconds_since(t0);
    t.bytes += size;
    t.ops += h.size();
  }
  t.files = 1;
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 20, rounds = 5;
  std::size_t n = 1000000;
  std::string file;
  for (int i = 1, positional = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--write" && i + 2 < argc) {
      bench::KvSimOptions o;
      for (int j = i + 3; j + 1 < argc; j += 2) {
        const std::string opt = argv[j];
        if (opt == "--ops-per-key") o.ops_per_key = std::strtoll(argv[j + 1], nullptr, 10);
        else if (opt == "--info-every") o.info_every = std::strtoll(argv[j + 1], nullptr, 10);
      }
      write_kv(std::strtoull(argv[i + 1], nullptr, 10), argv[i + 2], o);
      return 0;
    }
    if (a == "--file" && i + 1 < argc)
      file = argv[++i];
    else if (a == "--rounds" && i + 1 < argc)
      rounds = std::max(1, std::atoi(argv[++i]));
    else if (positional++ == 0)
      reps = std::atoi(a.c_str());
    else
      n = std::strtoull(a.c_str(), nullptr, 10);
  }

  // The corpus, from memory, so the figure is the reader and not the disk.
  std::ifstream tsv(std::string(FL_CORPUS_DIR) + "/expected.tsv");
  std::string line;
  std::getline(tsv, line);
  std::map<std::string, Tally> by_format;
  Tally total;
  while (std::getline(tsv, line)) {
    std::istringstream row(line);
    std::string rel, format;
    std::getline(row, rel, '\t');
    std::getline(row, format, '\t');
    std::string text = slurp(std::string(FL_CORPUS_DIR) + "/" + rel);
    Format f = *parse_format(format);
    Tally& t = by_format[format];
    auto t0 = Clock::now();
    double c0 = cpu_now();
    std::size_t ops = 0;
    for (int i = 0; i < reps; ++i) {
      std::istringstream in(text);
      ops += read_history(in, rel, f).size();
    }
    double s = cpu_now() - c0, w = seconds_since(t0);
    for (Tally* x : {&t, &total}) {
      x->seconds += s;
      x->wall += w;
      x->bytes += static_cast<double>(text.size()) * reps;
      x->ops += ops;
      x->files += 1;
    }
  }
  fmt::print("corpus, {} passes over each file held in memory:\n", reps);
  for (auto& [name, t] : by_format) print("  " + name, t);
  print("  total", total);

  // A large JSONL history on disk (page cache): the synthetic one (and its
  // EDN twin) unless --file names one.
  std::string jsonl = file, edn;
  if (file.empty()) {
    std::vector<Op> ops = synthetic_ops(n);
    jsonl = "/tmp/fl-bench-read.jsonl";
    edn = "/tmp/fl-bench-read.edn";
    auto t0 = Clock::now();
    JsonlWriter w(jsonl);
    for (const Op& op : ops) w.write(op);
    w.close();
    fmt::print("synthetic: wrote {} ops with JsonlWriter (flush per op) in {:.3f} s\n", ops.size(),
               seconds_since(t0));
    write_edn(edn, ops);
    fmt::print("synthetic {} ops, best of 3 reads from the file:\n", ops.size());
    for (auto [path, name] : {std::pair{jsonl, "jsonl"}, std::pair{edn, "edn"}}) {
      Tally best;
      for (int i = 0; i < 3; ++i) {
        Tally t = time_file(path, Format::Auto, 1);
        if (i == 0 || t.seconds < best.seconds) best = t;
      }
      print(std::string("  ") + name, best);
    }
  }
  // Where a JSONL read's time goes, stage by stage on the same file: lines
  // alone; simdjson's parse of every line, and of the whole file at once (no
  // op built); the streaming reader (every op built and paired, one at a
  // time, as stream_history hands them to a checker); and read_jsonl (the
  // whole History in memory). The stages take turns in every round, so a
  // change in the machine's load touches them all alike.
  {
    const double bytes = fs_size(jsonl);
    std::size_t sink = 0, ops = 0;
    struct Stage {
      std::string what;
      std::function<void()> body;
      std::vector<double> cpu, wall;
    };
    std::vector<Stage> stages;
    auto add = [&](std::string what, std::function<void(std::istream&)> body) {
      stages.push_back({std::move(what), [&, body] {
                          std::ifstream in(jsonl, std::ios::binary);
                          body(in);
                        }, {}, {}});
    };
    add("lines only (LineReader)", [&](std::istream& in) {
      LineReader lines(in);
      std::string_view line;
      while (lines.next(line)) sink += line.size();
    });
#ifdef FL_HAVE_SIMDJSON
    // simdjson (Debian's libsimdjson-dev) on a padded copy of each line:
    // what a simdjson reader could parse at most, line by line.
    add("lines + simdjson parse per line", [&](std::istream& in) {
      LineReader lines(in);
      simdjson::dom::parser parser;
      simdjson::padded_string padded(std::size_t{1} << 16);
      std::string_view line;
      simdjson::dom::element doc;
      while (lines.next(line)) {
        if (line.size() > padded.size()) padded = simdjson::padded_string(line.size());
        std::memcpy(padded.data(), line.data(), line.size());
        if (!parser.parse(padded.data(), line.size(), false).get(doc)) sink += doc.is_object();
      }
    });
    // simdjson's own best case for JSON Lines: parse_many over the whole
    // file, loaded once before the rounds (loading it would mostly measure
    // fresh memory); documents, not lines, so no line numbers either.
    simdjson::padded_string whole;
    if (simdjson::padded_string::load(jsonl).get(whole)) whole = simdjson::padded_string();
    stages.push_back({"simdjson parse_many (file in memory)", [&] {
                        simdjson::dom::parser parser;
                        simdjson::dom::document_stream docs;
                        if (parser.parse_many(whole).get(docs)) return;
                        for (auto doc : docs) {
                          simdjson::dom::element e;
                          if (!doc.get(e)) sink += e.is_object();
                        }
                      }, {}, {}});
#endif
    // Our parse alone, the counterpart of simdjson's per line: every op
    // built (values as stream_history leaves them), none paired or handed on.
    add("lines + parse_jsonl_op_lazy per line", [&](std::istream& in) {
      LineReader lines(in);
      std::string_view line, text;
      Op op;
      while (lines.next(line)) {
        parse_jsonl_op_lazy(op, line, jsonl, lines.line_number(), lines.unterminated(), text);
        sink += text.size();
      }
    });
    stages.push_back({"stream_history (ops one at a time)", [&] {
                        StreamCounts c = stream_history(jsonl, Format::Jsonl, [&](const OpRef& op) {
                          sink += op.value_text().size();
                        });
                        ops = static_cast<std::size_t>(c.events);
                      }, {}, {}});
    add("read_jsonl (ops and History)", [&](std::istream& in) { sink += read_jsonl(in, jsonl).size(); });
    for (int r = 0; r < rounds; ++r)
      for (Stage& st : stages) {
        auto t0 = Clock::now();
        const double c0 = cpu_now();
        st.body();
        st.cpu.push_back(cpu_now() - c0);
        st.wall.push_back(seconds_since(t0));
      }
    auto median = [](std::vector<double> v) {
      std::sort(v.begin(), v.end());
      return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
    };
    fmt::print("jsonl stages on {} ({:.1f} MB, {} ops), median of {} rounds (cpu of the reading thread):\n", jsonl,
               bytes / 1e6, ops, rounds);
    for (const Stage& st : stages) {
      const double c = median(st.cpu);
      fmt::print("  {:<40} cpu {:>6.3f} s [{:.3f}-{:.3f}]  wall {:>6.3f} s  {:>7.1f} MB/s  {:>5.2f} Mops/s\n", st.what, c,
                 *std::min_element(st.cpu.begin(), st.cpu.end()), *std::max_element(st.cpu.begin(), st.cpu.end()),
                 median(st.wall), bytes / 1e6 / c, static_cast<double>(ops) / 1e6 / c);
    }
    if (sink == 42) fmt::print(" ");
  }
  if (file.empty()) {
    std::remove(jsonl.c_str());
    std::remove(edn.c_str());
  }
  return 0;
}
