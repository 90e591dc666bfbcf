// fl-course — the example servers of a distributed-systems course (COURSE.md).
// One binary, one design per run:
//
//   fl-course --design NAME --node n2 --listen 10.213.77.12:7000
//             --peers n1=10.213.77.11:7000,n2=…,n3=… --data DIR [design flags]
//
// It serves the course protocol over HTTP (cpp-httplib) and hands every
// request to the design (design.h). It links none of faultline's layers: a
// student can read it whole. `--describe` prints what the design promises as
// JSON and exits (the harness asks before it starts a cluster); `--help`
// lists the designs and their flags. Exit codes: 0 after SIGTERM, 64 for a
// bad command line (one sentence naming the known designs or flags), 70 when
// the node cannot start (its data directory, its address).
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <httplib.h>

#include "design.h"

using namespace course;

namespace {

const std::vector<FlagSpec>& node_flags() {
  static const std::vector<FlagSpec> f = {
      {"design", "NAME", "the design to serve (see --help)"},
      {"node", "NAME", "this node's name, one of --peers"},
      {"listen", "HOST:PORT", "the address to serve on"},
      {"peers", "n1=HOST:PORT,…", "every node of the cluster, this one included"},
      {"data", "DIR", "this node's data directory (kept across restarts)"},
      {"durability", "fsync|write|none", "how stored state reaches the disk (default fsync)"},
      {"peer-timeout-ms", "MS", "how long a call to another node may take (default 400)"},
      {"describe", "", "print what the design promises (JSON) and exit"},
      {"help", "", "list the designs and their flags"},
  };
  return f;
}

void print_help() {
  std::printf("fl-course --design NAME --node N --listen HOST:PORT --peers n1=HOST:PORT,… --data DIR [flags]\n\n");
  std::printf("node flags: %s\n\ndesigns:\n", describe_flags(node_flags()).c_str());
  for (const DesignInfo& d : designs())
    std::printf("  %-16s %s\n  %-16s flags: %s\n", d.name.c_str(), d.summary.c_str(), "",
                d.flags.empty() ? "none" : describe_flags(d.flags).c_str());
}

std::string known_designs() {
  std::string s;
  for (const DesignInfo& d : designs()) s += (s.empty() ? "" : ", ") + d.name;
  return s;
}

class HttpRouter : public Router {
 public:
  explicit HttpRouter(httplib::Server& svr) : svr_(svr) {}
  void post(const std::string& path, Handler handler) override;

 private:
  httplib::Server& svr_;
};

void send(httplib::Response& res, const Reply& r) {
  res.status = r.status;
  res.set_content(r.body.dump(), "application/json");
}

// Parses the JSON body, runs `fn`, and answers; a body that is not JSON is a
// 400 (nothing applied), an exception a 500 (the client records info).
template <class Fn>
void answer(const httplib::Request& req, httplib::Response& res, Fn fn) {
  try {
    Json body = req.body.empty() ? Json::object() : Json::parse(req.body, nullptr, false);
    if (body.is_discarded()) return send(res, bad_request("the body is not JSON"));
    send(res, fn(body));
  } catch (const std::exception& e) {
    send(res, {500, {{"error", e.what()}}});
  }
}

void HttpRouter::post(const std::string& path, Handler handler) {
  svr_.Post(path, [handler](const httplib::Request& req, httplib::Response& res) {
    answer(req, res, [&](const Json& body) { return handler(body); });
  });
}

std::int64_t wall_clock_ms() {
  // The node's own wall clock: what libfaketime skews, and what lww stamps.
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void routes(httplib::Server& svr, Design& d, const Node& node) {
  svr.Get("/health", [&](const httplib::Request& req, httplib::Response& res) {
    answer(req, res, [&](const Json&) {
      Json h = d.health();
      h["node"] = node.name;
      h["design"] = d.name();
      h["clock_ms"] = wall_clock_ms();
      return ok(h);
    });
  });
  auto value_of = [](const Json& body) -> const Json* { return body.contains("value") ? &body["value"] : nullptr; };
  svr.Get(R"(/kv/([^/]+))", [&](const httplib::Request& req, httplib::Response& res) {
    answer(req, res, [&](const Json&) { return d.read(req.matches[1]); });
  });
  svr.Put(R"(/kv/([^/]+))", [&, value_of](const httplib::Request& req, httplib::Response& res) {
    answer(req, res, [&](const Json& body) {
      const Json* v = value_of(body);
      return v ? d.write(req.matches[1], *v) : bad_request("a write needs {\"value\": …}");
    });
  });
  svr.Post(R"(/kv/([^/]+)/cas)", [&](const httplib::Request& req, httplib::Response& res) {
    answer(req, res, [&](const Json& body) {
      if (!body.contains("from") || !body.contains("to")) return bad_request("a cas needs {\"from\": …, \"to\": …}");
      return d.cas(req.matches[1], body["from"], body["to"]);
    });
  });
  svr.Post(R"(/kv/([^/]+)/add)", [&, value_of](const httplib::Request& req, httplib::Response& res) {
    answer(req, res, [&](const Json& body) {
      const Json* v = value_of(body);
      return v ? d.add(req.matches[1], *v) : bad_request("an add needs {\"value\": …}");
    });
  });
  svr.Post("/txn", [&](const httplib::Request& req, httplib::Response& res) {
    answer(req, res, [&](const Json& body) { return d.txn(body); });
  });
  svr.Post(R"(/lock/([^/]+)/acquire)", [&](const httplib::Request& req, httplib::Response& res) {
    answer(req, res, [&](const Json& body) { return d.lock_acquire(req.matches[1], body); });
  });
  svr.Post(R"(/lock/([^/]+)/release)", [&](const httplib::Request& req, httplib::Response& res) {
    answer(req, res, [&](const Json& body) { return d.lock_release(req.matches[1], body); });
  });
  svr.Post(R"(/store/([^/]+))", [&](const httplib::Request& req, httplib::Response& res) {
    answer(req, res, [&](const Json& body) { return d.store_write(req.matches[1], body); });
  });
  svr.Get(R"(/store/([^/]+))", [&](const httplib::Request& req, httplib::Response& res) {
    answer(req, res, [&](const Json&) { return d.store_read(req.matches[1]); });
  });
  svr.Get("/bank", [&](const httplib::Request& req, httplib::Response& res) {
    answer(req, res, [&](const Json&) { return d.bank_read(); });
  });
  svr.Post("/bank/transfer", [&](const httplib::Request& req, httplib::Response& res) {
    answer(req, res, [&](const Json& body) { return d.bank_transfer(body); });
  });
}

int run(int argc, char** argv) {
#ifdef __GLIBC__
  // glibc's malloc gives each thread that allocates an arena of its own, up
  // to 8 per core, and fl-course serves every connection on a thread of its
  // own: a node's long-lived state (a raft log, a map) ends up spread thinly
  // over all of them, each page holding a few live bytes and so staying
  // resident (a raft node under load: 9.4 MB of arenas resident after six
  // minutes, 4.0 MB with two). Two arenas, before any thread exists.
  mallopt(M_ARENA_MAX, 2);
#endif
  // SIGTERM / SIGINT stop the server cleanly: blocked here, before any thread
  // exists (threads inherit the mask), and awaited by one thread below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  Flags flags = Flags::parse(argc, argv);
  if (flags.on("help")) {
    print_help();
    return 0;
  }
  std::string design_name = flags.text("design");
  if (design_name.empty()) throw FlagError("--design is required (known: " + known_designs() + ")");
  const DesignInfo* info = find_design(design_name);
  if (!info) throw FlagError("unknown design \"" + design_name + "\" (known: " + known_designs() + ")");
  flags.check_known(node_flags(), info->flags, design_name);

  Node node;
  node.flags = &flags;
  node.durability = durability_from(flags);
  if (flags.on("describe")) {
    // Built without peers or data: constructors have no side effects, and a
    // design validates its own flags there.
    node.name = "n1";
    node.members = {{"n1", "127.0.0.1", 1}};
    auto d = info->make(node);
    Promises p = d->promises();
    Json described = {
        {"design", design_name}, {"linearizable", p.linearizable}, {"serves", p.serves}, {"guarantees", p.guarantees}};
    if (p.bank_accounts > 0) described["bank"] = {{"accounts", p.bank_accounts}, {"total", p.bank_total}};
    std::printf("%s\n", described.dump().c_str());
    return 0;
  }
  for (const char* required : {"node", "listen", "peers", "data"})
    if (!flags.has(required)) throw FlagError(std::string("--") + required + " is required");
  node.name = flags.text("node");
  node.members = parse_members(flags.text("peers"));
  node.data_dir = flags.text("data");
  bool me_listed = false;
  for (const Member& m : node.members) me_listed |= m.name == node.name;
  if (!me_listed) throw FlagError("--node " + node.name + " is not one of --peers");
  std::string listen = flags.text("listen");
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw FlagError("--listen needs HOST:PORT, not \"" + listen + "\"");
  std::string host = listen.substr(0, colon);
  int port = static_cast<int>(Flags::parse({"--port", listen.substr(colon + 1)}).integer("port", 0, 1, 65535));

  PeerTimeouts timeouts;
  timeouts.request = std::chrono::milliseconds(flags.integer("peer-timeout-ms", 400, 10, 60000));
  timeouts.connect = std::min(timeouts.connect, timeouts.request);
  std::vector<Member> others;
  for (const Member& m : node.members)
    if (m.name != node.name) others.push_back(m);
  PeerClient peers(others, timeouts);
  node.peers = &peers;

  std::unique_ptr<Design> design = info->make(node);
  std::error_code ec;
  std::filesystem::create_directories(node.data_dir, ec);
  if (ec) {
    std::fprintf(stderr, "fl-course: cannot create the data directory %s: %s\n", node.data_dir.c_str(),
                 ec.message().c_str());
    return 70;
  }

  design->start();
  httplib::Server svr;
  // Every client and every peer keeps a connection open, each holding a
  // server thread: far more threads than httplib's default of 8.
  svr.new_task_queue = [] { return new httplib::ThreadPool(128); };
  svr.set_keep_alive_max_count(1000000);
  svr.set_keep_alive_timeout(2);
  svr.set_tcp_nodelay(true);
  HttpRouter router(svr);
  design->peer_routes(router);
  routes(svr, *design, node);
  if (!svr.bind_to_port(host, port)) {
    std::fprintf(stderr, "fl-course: cannot listen on %s\n", listen.c_str());
    return 70;
  }
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    // Everything acknowledged is already durable (designs sync before they
    // answer), so the node may simply end; waiting for idle keep-alive
    // connections to close would only make a clean stop slower than a kill.
    std::fprintf(stderr, "fl-course: %s stopped by signal %d\n", node.name.c_str(), sig);
    std::fflush(stderr);
    std::_Exit(0);
  });
  waiter.detach();
  std::fprintf(stderr, "fl-course: %s serving design %s on %s (data %s)\n", node.name.c_str(), design_name.c_str(),
               listen.c_str(), node.data_dir.c_str());
  svr.listen_after_bind();
  std::fprintf(stderr, "fl-course: %s: the server stopped unexpectedly\n", node.name.c_str());
  return 70;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const FlagError& e) {
    std::fprintf(stderr, "fl-course: %s\n", e.what());
    return 64;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fl-course: %s\n", e.what());
    return 70;
  }
}
