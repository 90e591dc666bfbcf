#include "harness/ssh_flags.h"

namespace fl {

void add_ssh_flags(CLI::App& cmd, std::vector<std::string>& hosts, SshOptions& o, bool for_test) {
  cmd.add_option("--ssh,--hosts", hosts, "Run on these machines over SSH (host, host:port or user@host, comma-separated)")
      ->delimiter(',');
  cmd.add_option("--ssh-user", o.user, "SSH user (default: ssh's own; faults need root)");
  cmd.add_option("--ssh-key", o.key, "SSH private key (key authentication only)");
  cmd.add_option("--ssh-port", o.port, "SSH port, unless a host says host:port")->capture_default_str();
  cmd.add_option("--ssh-known-hosts", o.known_hosts, "known_hosts file to check the hosts' keys against");
  cmd.add_flag("--ssh-strict-host-keys", o.strict_host_keys, "Refuse hosts whose key is not known yet");
  cmd.add_option("--ssh-connect-timeout", o.connect_timeout_s, "Seconds to connect and authenticate")
      ->capture_default_str();
  if (for_test) {
    cmd.add_flag("--real-clocks", o.real_clocks, "Clock faults on SSH hosts set their real clocks (stop NTP there first)");
    cmd.add_option("--ssh-diskfs", o.diskfs, "fl-diskfs on the SSH hosts, for disk faults (default: fl-diskfs on their PATH)");
  }
}

}  // namespace fl
