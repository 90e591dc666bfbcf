#include "systems/course/course_db.h"

#include <cstdlib>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "cluster/faketime.h"
#include "cluster/parallel.h"
#include "systems/course/course_client.h"

namespace fl {

std::string CourseDb::url(const Host& host) const { return fmt::format("http://{}:{}", host.address(), opts_.port); }
std::string CourseDb::data_dir(const Host& host) const { return opts_.data_root + "/" + host.name(); }
std::string CourseDb::log_path(const Host& host) const { return opts_.data_root + "/" + host.name() + ".log"; }

Argv CourseDb::argv_for(const Host& host) const {
  Argv argv = {opts_.binary,
               "--node", host.name(),
               "--listen", fmt::format("{}:{}", host.address(), opts_.port),
               "--peers", peers_,
               "--data", data_dir(host)};
  argv.insert(argv.end(), opts_.args.begin(), opts_.args.end());
  return argv;
}

void CourseDb::setup(const std::vector<Host*>& hosts) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    peers_.clear();
    for (const Host* h : hosts)
      peers_ += fmt::format("{}{}={}:{}", peers_.empty() ? "" : ",", h->name(), h->address(), opts_.port);
  }
  on_each_host(hosts, [&](Host& h) {
    h.run_checked({"rm", "-rf", data_dir(h), log_path(h), data_dir(h) + ".backing", data_dir(h) + ".diskfs.log"});
    h.run_checked({"mkdir", "-p", data_dir(h)});
    if (data_mount_) data_mount_->mount(h, data_dir(h));
    start(h);
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(opts_.healthy_within_s);
  for (Host* h : hosts) {
    while (course_health(url(*h), 0.5).is_null()) {
      if (pids(*h).empty())
        throw SystemFailure(fmt::format("{} on {} exited during startup; see its log {}", opts_.label, h->name(),
                                       log_path(*h)));
      if (std::chrono::steady_clock::now() > deadline)
        throw SystemFailure(fmt::format("{} on {} did not answer GET /health within {:g} s; see its log {}",
                                       opts_.label, h->name(), opts_.healthy_within_s, log_path(*h)));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

void CourseDb::teardown(const std::vector<Host*>& hosts) noexcept {
  try {
    on_each_host(hosts, [&](Host& h) {  // neither call throws
      daemons_.stop(h, std::chrono::seconds(2));
      if (data_mount_) data_mount_->unmount(h, data_dir(h));
    });
  } catch (...) {
    // A thread that could not start: `faultline cluster down` removes what is left.
  }
}

void CourseDb::start(Host& host) {
  DaemonSpec spec;
  spec.name = opts_.label;
  spec.argv = argv_for(host);
  spec.log_path = log_path(host);  // appended: a restart continues the same log
  spec.env = faketime_env(host);
  // Skew the wall clock only; a stepped clock leaves CLOCK_MONOTONIC alone,
  // and timeouts measured on it must keep working.
  spec.env.push_back({"FAKETIME_DONT_FAKE_MONOTONIC", "1"});
  // A server built with AddressSanitizer (CI's build of fl-course) refuses
  // to start when libfaketime is preloaded ahead of ASan's runtime. The
  // order is harmless here (libfaketime only wraps the clock calls), so ASan
  // is told not to check it; a server built without ASan ignores this.
  const char* asan = std::getenv("ASAN_OPTIONS");
  spec.env.push_back(
      {"ASAN_OPTIONS", (asan && *asan ? std::string(asan) + ":" : std::string()) + "verify_asan_link_order=0"});
  daemons_.spawn(host, spec);
}

void CourseDb::kill(Host& host) { daemons_.kill(host); }
void CourseDb::pause(Host& host) { daemons_.pause(host); }
void CourseDb::resume(Host& host) { daemons_.resume(host); }
std::vector<int> CourseDb::pids(Host& host) { return daemons_.pids(host); }

std::vector<std::string> CourseDb::log_files(Host& host) {
  std::vector<std::string> files = {log_path(host)};
  if (data_mount_) files.push_back(data_dir(host) + ".diskfs.log");
  RunResult r = host.run({"find", data_dir(host), "-maxdepth", "1", "-type", "f"});
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) files.push_back(line);
  return files;
}

std::vector<std::string> CourseDb::primaries(const std::vector<Host*>& hosts) {
  std::vector<std::string> out;
  for (Host* h : hosts) {
    Json health = course_health(url(*h), 0.5);
    if (health.is_object() && health.value("primary", false)) out.push_back(h->name());
  }
  return out;
}

}  // namespace fl
