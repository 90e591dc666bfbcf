// fl-shaper: netem's delay, reorder, duplicate and corrupt in userspace, for
// kernels without sch_netem. iptables sends a node's packets to an NFQUEUE
// queue (`-j NFQUEUE --queue-num N`); fl-shaper, started in the same network
// namespace, serves that queue. Exit codes: 0 stopped by SIGTERM, 64 bad
// usage or a machine that cannot host it, 70 an internal failure.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "shaper/nfqueue_loop.h"
#include "shaper/options.h"

int main(int argc, char** argv) {
  using namespace fl::shaper;
  try {
    return serve(parse_options(std::vector<std::string>(argv + 1, argv + argc)));
  } catch (const OptionError& e) {
    std::fprintf(stderr, "fl-shaper: %s\n%s", e.what(), kUsage);
    return 64;
  } catch (const EnvironmentError& e) {
    std::fprintf(stderr, "fl-shaper: %s\n", e.what());
    return 64;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fl-shaper: %s\n", e.what());
    return 70;
  }
}
