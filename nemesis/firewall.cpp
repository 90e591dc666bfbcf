#include "nemesis/firewall.h"

#include <sstream>

#include <fmt/format.h>

#include "cluster/parallel.h"

namespace fl {
namespace {

// Installs `rules` (lines for the filter table) as the whole content of
// `chain`, hooked at the top of `hook`: one atomic iptables-restore. The
// chain declaration line flushes the chain if it already exists, so applying
// twice replaces the rules; the jump is added only when missing.
void install_chain(Host& host, const std::string& chain, const std::string& hook, const std::vector<std::string>& rules) {
  bool hooked = host.run({"iptables", "-w", "-C", hook, "-j", chain}).ok();
  std::ostringstream in;
  in << "*filter\n:" << chain << " - [0:0]\n";
  for (const auto& r : rules) in << "-A " << chain << " " << r << "\n";
  if (!hooked) in << "-I " << hook << " 1 -j " << chain << "\n";
  in << "COMMIT\n";
  RunOptions o;
  o.input = in.str();
  o.timeout = std::chrono::seconds(20);
  host.run_checked({"iptables-restore", "-w", "--noflush"}, o);
}

// One match per destination the host's rule is limited to, or "" for all.
std::vector<std::string> destination_matches(const Host& h, const Destinations& to) {
  auto it = to.find(h.name());
  if (it == to.end()) return {""};
  std::vector<std::string> m;
  for (const auto& a : it->second) m.push_back(fmt::format(" -d {}/32", a));
  return m;
}

}  // namespace

void apply_grudge(const std::vector<Host*>& hosts, const Grudge& grudge) {
  std::map<std::string, std::string> address;
  for (Host* h : hosts) address[h->name()] = h->address();
  for (const auto& [node, drops] : grudge)
    for (const auto& d : drops)
      if (!address.count(d) || !address.count(node))
        throw ClusterError(fmt::format("the grudge names \"{}\", which is not a node of the cluster", address.count(d) ? node : d));
  on_each_host(hosts, [&](Host& h) {
    std::vector<std::string> rules;
    auto it = grudge.find(h.name());
    if (it != grudge.end())
      for (const auto& d : it->second) rules.push_back(fmt::format("-s {}/32 -j DROP", address.at(d)));
    install_chain(h, kPartitionChain, "INPUT", rules);
  });
}

void apply_loss(const std::vector<Host*>& hosts, double percent, const std::string& iface, const Destinations& to) {
  if (percent <= 0 || percent > 100) throw ClusterError(fmt::format("loss must be a percentage in (0, 100], not {}", percent));
  on_each_host(hosts, [&](Host& h) {
    std::string dev = iface.empty() ? h.interface() : iface;
    std::vector<std::string> rules;
    for (const auto& d : destination_matches(h, to))
      rules.push_back(fmt::format("-o {}{} -m statistic --mode random --probability {:.6f} -j DROP", dev, d, percent / 100.0));
    install_chain(h, kLossChain, "OUTPUT", rules);
  });
}

void apply_shaper_queue(const std::vector<Host*>& hosts, int queue, std::uint32_t mark, const std::string& iface,
                        const Destinations& to) {
  on_each_host(hosts, [&](Host& h) {
    std::string dev = iface.empty() ? h.interface() : iface;
    std::vector<std::string> rules = {fmt::format("-m mark --mark {:#x} -j RETURN", mark)};
    for (const auto& d : destination_matches(h, to))
      rules.push_back(fmt::format("-o {}{} -j NFQUEUE --queue-num {} --queue-bypass", dev, d, queue));
    install_chain(h, kShaperChain, "OUTPUT", rules);
  });
}

void remove_chain(const std::vector<Host*>& hosts, const std::string& chain, const std::string& hook) {
  on_each_host(hosts, [&](Host& h) {
    // The fast path is one restore; if the chain or its jump is already gone
    // (or jumped to twice), fall back to deleting step by step.
    RunOptions o;
    o.input = fmt::format("*filter\n-D {} -j {}\n-F {}\n-X {}\nCOMMIT\n", hook, chain, chain, chain);
    if (h.run({"iptables-restore", "-w", "--noflush"}, o).ok()) return;
    for (int i = 0; i < 16 && h.run({"iptables", "-w", "-D", hook, "-j", chain}).ok(); ++i) {
    }
    h.run({"iptables", "-w", "-F", chain});
    h.run({"iptables", "-w", "-X", chain});
  });
}

}  // namespace fl
