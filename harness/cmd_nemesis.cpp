// `faultline nemesis …` — one fault by hand against the running local
// cluster (`faultline cluster up`). Each fault is journaled before it is
// applied and stays until `faultline heal` (or `nemesis resume`).
#include <cctype>
#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cluster/local_cluster.h"
#include "harness/commands.h"
#include "nemesis/fault_journal.h"
#include "nemesis/nemesis.h"

namespace fl {
namespace {

struct HandOptions {
  std::string grudge = "halves";
  double percent = 30;
  double ms = 50, jitter_ms = 10;
  std::string rate = "1mbit";
  std::string node, target = "one", offset = "+5s", mode = "skew";
  std::string from = "all", to = "all";  // packet faults: whose packets, to whom
  bool reset = false;
  std::uint64_t seed = std::random_device{}();
};

// "+5s", "-200ms", "1.5m", "2h", "5" (seconds) → seconds.
double parse_offset(const std::string& text) {
  size_t used = 0;
  double v;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    throw UsageError(fmt::format("--offset \"{}\" is not a duration such as +5s, -200ms or 2m", text));
  }
  std::string unit = text.substr(used);
  if (unit.empty() || unit == "s") return v;
  if (unit == "ms") return v / 1000;
  if (unit == "m") return v * 60;
  if (unit == "h") return v * 3600;
  if (unit == "d") return v * 86400;
  throw UsageError(fmt::format("--offset \"{}\" has an unknown unit; use ms, s, m, h or d", text));
}

std::unique_ptr<LocalCluster> running_cluster(const std::string& what) {
  if (!running_as_root())
    throw UsageError(fmt::format("`faultline nemesis {}` needs root to act inside the cluster's namespaces; run it as root", what));
  auto cluster = LocalCluster::existing();
  if (!cluster) throw UsageError("no faultline cluster is up; run `faultline cluster up --nodes 3` first");
  return cluster;
}

void apply(const std::string& nemesis, const nlohmann::json& options, HandOptions& o) {
  auto cluster = running_cluster(nemesis);
  if (!o.node.empty() && !cluster->host(o.node))
    throw UsageError(fmt::format("there is no node \"{}\" in the cluster", o.node));
  std::mt19937_64 rng(o.seed);
  NemesisContext ctx{cluster->hosts(), nullptr, &rng};
  auto n = make_nemesis(nemesis, options);
  NemesisEvent e = n->start(ctx);
  fmt::print("{} {}\n", e.f, e.value.dump());
  fmt::print("undo with `faultline heal`\n");
}

// A packet fault on some nodes' packets, or on one link.
void add_link_options(CLI::App* sub, HandOptions& o) {
  sub->add_option("--from", o.from, "Whose outgoing packets: all, one, minority, majority, n2, or n1,n3 (default all)");
  sub->add_option("--to", o.to, "To whom, among the other nodes: the same words (default all)");
}

}  // namespace

void add_nemesis_command(CLI::App& app, int& exit_code) {
  static HandOptions o;
  CLI::App* cmd = app.add_subcommand("nemesis", "Apply one fault by hand to the running local cluster");
  cmd->require_subcommand(1);
  auto done = [&exit_code] { exit_code = exit_code::kValid; };

  CLI::App* part = cmd->add_subcommand("partition", "Partition the network by a grudge");
  part->add_option("--grudge", o.grudge, "halves, random-halves, one, majorities-ring, bridge, or JSON {\"n1\":[\"n2\"]}");
  part->add_option("--seed", o.seed, "Seed for the random grudges");
  part->callback([done] {
    nlohmann::json g = o.grudge;
    if (!o.grudge.empty() && o.grudge.front() == '{') {
      try {
        g = nlohmann::json::parse(o.grudge);
      } catch (const nlohmann::json::exception&) {
        throw UsageError("--grudge is not valid JSON; write it as {\"n1\": [\"n2\", \"n3\"]}");
      }
    }
    apply("partition", {{"grudge", g}}, o);
    done();
  });

  struct Packet {
    const char* name;
    const char* help;
    const char* key;
  };
  for (const Packet& p : {Packet{"loss", "Drop a percentage of packets", "loss"},
                          Packet{"duplicate", "Duplicate a percentage of packets (netem)", "duplicate"},
                          Packet{"reorder", "Reorder a percentage of packets (netem)", "reorder"},
                          Packet{"corrupt", "Corrupt a percentage of packets (netem)", "corrupt"}}) {
    CLI::App* sub = cmd->add_subcommand(p.name, p.help);
    sub->add_option("--percent", o.percent, "Percentage of packets")->check(CLI::Range(0.0, 100.0));
    add_link_options(sub, o);
    std::string name = p.name, key = p.key;
    sub->callback([done, name, key] {
      apply(name, {{key, o.percent}, {"target", o.from}, {"peers", o.to}}, o);
      done();
    });
  }
  CLI::App* delay = cmd->add_subcommand("delay", "Delay packets (netem)");
  delay->add_option("--ms", o.ms, "Mean delay in milliseconds");
  delay->add_option("--jitter", o.jitter_ms, "Jitter in milliseconds");
  add_link_options(delay, o);
  delay->callback([done] {
    apply("delay", {{"delay_ms", o.ms}, {"jitter_ms", o.jitter_ms}, {"target", o.from}, {"peers", o.to}}, o);
    done();
  });
  CLI::App* rate = cmd->add_subcommand("rate", "Limit each node's bandwidth (tbf)");
  rate->add_option("--rate", o.rate, "A tc rate such as 1mbit");
  rate->callback([done] {
    apply("rate", {{"rate", o.rate}}, o);
    done();
  });

  CLI::App* clock = cmd->add_subcommand("clock", "Skew, bump or reset node clocks (libfaketime-wrapped daemons)");
  clock->add_option("--node", o.node, "The node (default: every node)");
  clock->add_option("--offset", o.offset, "Offset such as +5s, -200ms, 2m");
  clock->add_option("--mode", o.mode, "skew (set the offset) or bump (add it)")->check(CLI::IsMember({"skew", "bump"}));
  clock->add_flag("--reset", o.reset, "Put every clock back to true time");
  clock->callback([done] {
    if (o.reset) {
      apply("clock", {{"mode", "reset"}}, o);
    } else {
      apply("clock", {{"mode", o.mode}, {"offset_s", parse_offset(o.offset)}, {"target", o.node.empty() ? "all" : o.node}}, o);
      if (o.node.empty() && o.mode == "skew") fmt::print("(each node got a random offset within ±{})\n", o.offset);
    }
    done();
  });

  for (const char* action : {"kill", "pause"}) {
    CLI::App* sub = cmd->add_subcommand(action, std::string(action) == "kill"
                                                    ? "SIGKILL the processes of a node's namespace"
                                                    : "SIGSTOP the processes of a node's namespace");
    sub->add_option("--node", o.node, "The node, e.g. n1");
    sub->add_option("--target", o.target, "one, minority, majority or all (when no --node)");
    std::string name = action;
    sub->callback([done, name] {
      apply(name, {{"target", o.node.empty() ? o.target : o.node}}, o);
      done();
    });
  }
  CLI::App* resume = cmd->add_subcommand("resume", "SIGCONT the processes `nemesis pause` stopped");
  resume->add_option("--node", o.node, "The node (default: every node)");
  resume->callback([done] {
    running_cluster("resume");
    int n = resume_paused(o.node);
    fmt::print("resumed {} process{}\n", n, n == 1 ? "" : "es");
    done();
  });
  CLI::App* heal = cmd->add_subcommand("heal", "Undo every journaled fault (same as `faultline heal`)");
  heal->callback([done] {
    if (!running_as_root()) throw UsageError("`faultline nemesis heal` needs root; run it as root");
    auto lines = heal_journaled();
    if (lines.empty()) fmt::print("nothing to heal\n");
    for (const auto& l : lines) fmt::print("{}\n", l);
    done();
  });
}

}  // namespace fl
