// `faultline serve --store DIR [--port P] [--bind ADDR]`: browse the store's
// runs and reports (harness/store_server.h). Binds 127.0.0.1 unless --bind
// says otherwise; Ctrl-C (or SIGTERM) stops it cleanly with exit code 0.
#include <cstdio>
#include <iostream>

#include "harness/commands.h"
#include "harness/interrupts.h"
#include "harness/store_server.h"

namespace fl {

namespace {

struct ServeArgs {
  std::string store = "store";
  int port = 8080;
  std::string bind = "127.0.0.1";
};

int run_serve(const ServeArgs& a) {
  if (a.port < 0 || a.port > 65535) throw UsageError("--port must be between 0 and 65535");
  std::unique_ptr<StoreServer> server;
  int port = 0;
  try {
    server = std::make_unique<StoreServer>(a.store);
    port = server->bind(a.bind, a.port);
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }
  const std::string host = a.bind.find(':') != std::string::npos ? "[" + a.bind + "]" : a.bind;
  std::cout << "serving " << a.store << " at http://" << host << ":" << port << "/ (Ctrl-C stops)" << std::endl;
  InterruptWatcher interrupts([&server] { server->stop(); }, [&server] { server->stop(); });
  server->listen();
  std::cout << "stopped" << std::endl;
  return exit_code::kValid;
}

}  // namespace

void add_serve_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand("serve", "Browse the store's runs and reports in a web browser");
  cmd->add_option("--store", a->store, "Store folder")->capture_default_str();
  cmd->add_option("--port,-p", a->port, "Port (0 = any free port)")->capture_default_str();
  cmd->add_option("--bind", a->bind, "Address to listen on")->capture_default_str();
  cmd->callback([a, &exit_code] { exit_code = run_serve(*a); });
}

}  // namespace fl
