// fl-mrouter — runs one Maelstrom node (any program speaking Maelstrom's
// protocol: one JSON message per line on stdin/stdout, its log on stderr)
// on one node of a faultline cluster, and carries its messages as real UDP
// datagrams, so partitions and packet faults act on them:
//
//   fl-mrouter --node n1 --listen 10.213.77.11:7400
//              --peers n1=10.213.77.11:7400,n2=…,n3=… [--service HOST:PORT]
//              [--counters FILE] [--messages FILE [--messages-limit N]] -- ./node [args]
//
// It starts the node as its child (the child's stderr is the router's), sends
// it Maelstrom's `init` and waits for `init_ok`. Then each line the node
// writes goes, as one datagram, to the router of the node it names (routing.h)
// or back to the client that last wrote from that name; each datagram that
// arrives becomes one line on the node's stdin (datagrams that arrive before
// init_ok wait for it). A message a node forwards in a client's name carries
// that client's address to the next router, so any node can answer it
// (routing.h, ClientAddress). A line for one of Maelstrom's services
// ("seq-kv", "lin-kv", "lww-kv", "lin-tso") goes to fl-mservice at --service,
// and what arrives from that address goes to the node; without --service
// such a line is dropped, with a line on stderr. A datagram for "fl-mrouter" with body type "health"
// is answered by the router itself: whether the node is ready, and the
// messages and bytes it carried so far. With --counters FILE it also appends
// those figures to FILE as one JSON line (see write_counts) every second
// while they change and once more when it stops, so a router killed with
// SIGKILL loses at most its last second and its file says it never stopped.
// With --messages FILE it appends one line per message it carries, up to
// --messages-limit (default 1000), for the report's message diagram
// (message_log.h); between routers that record, each datagram then tells the
// next router when it was sent. The node sees the same lines either way.
// It links none of faultline's layers.
// Exit codes: 0 after SIGTERM (the node is ended first), 1 when the node
// exits on its own, 64 for a bad command line, 70 when it cannot start.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "message_log.h"
#include "routing.h"

using namespace mrouter;

namespace {

volatile sig_atomic_t g_stop = 0;
void on_stop(int) { g_stop = 1; }

struct Options {
  std::string node;
  std::string listen;
  std::vector<Peer> peers;
  std::string counters;           // where the counts go as JSON lines ("" = nowhere)
  std::string service;            // fl-mservice's HOST:PORT ("" = no services)
  std::string messages;           // where the message records go ("" = nowhere)
  std::size_t messages_limit = 1000;
  std::vector<std::string> argv;  // the node program and its arguments
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr, "fl-mrouter: %s\nusage: fl-mrouter --node ID --listen HOST:PORT --peers n1=HOST:PORT,… [--service HOST:PORT] [--counters FILE] [--messages FILE [--messages-limit N]] -- PROGRAM [ARGS]\n",
               why.c_str());
  std::exit(64);
}

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "fl-mrouter: %s\n", why.c_str());
  std::exit(70);
}

Options parse(int argc, char** argv) {
  Options o;
  std::string peers;
  int i = 1;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") { ++i; break; }
    if (i + 1 >= argc) usage(a + " needs a value");
    if (a == "--node") o.node = argv[++i];
    else if (a == "--listen") o.listen = argv[++i];
    else if (a == "--peers") peers = argv[++i];
    else if (a == "--counters") o.counters = argv[++i];
    else if (a == "--service") o.service = argv[++i];
    else if (a == "--messages") o.messages = argv[++i];
    else if (a == "--messages-limit") {
      std::string n = argv[++i];
      if (n.empty() || n.size() > 9 || n.find_first_not_of("0123456789") != std::string::npos || std::stoul(n) == 0)
        usage("--messages-limit takes a count from 1 to 999999999");
      o.messages_limit = std::stoul(n);
    }
    else usage("unknown flag " + a);
  }
  for (; i < argc; ++i) o.argv.push_back(argv[i]);
  if (o.node.empty() || peers.empty() || o.argv.empty()) usage("--node, --peers and a program after -- are required");
  try {
    o.peers = parse_peers(peers);
  } catch (const PeersError& e) {
    usage(e.what());
  }
  bool found = false;
  for (const Peer& p : o.peers) found |= p.name == o.node;
  if (!found) usage("--node " + o.node + " is not one of --peers");
  if (o.listen.empty())
    for (const Peer& p : o.peers)
      if (p.name == o.node) o.listen = p.host + ":" + std::to_string(p.port);
  return o;
}

sockaddr_in address(const std::string& host, std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1) fail("\"" + host + "\" is not an IPv4 address");
  return a;
}

bool same_address(const sockaddr_in& a, const sockaddr_in& b) {
  return a.sin_addr.s_addr == b.sin_addr.s_addr && a.sin_port == b.sin_port;
}

std::string host_of(const sockaddr_in& a) {
  char text[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &a.sin_addr, text, sizeof text);
  return text;
}

// Messages and bytes carried, by direction; the health answer and the last
// line of the log report them.
struct Counters {
  std::uint64_t msgs = 0, bytes = 0;
  void add(std::size_t n) { ++msgs; bytes += n; }
  Json json() const { return {{"msgs", msgs}, {"bytes", bytes}}; }
};

class Router {
 public:
  explicit Router(Options o) : o_(std::move(o)) {
    for (const Peer& p : o_.peers) {
      nodes_.push_back(p.name);
      peer_addr_[p.name] = address(p.host, p.port);
    }
    if (!o_.service.empty()) {
      std::size_t colon = o_.service.rfind(':');
      std::string port = colon == std::string::npos ? "" : o_.service.substr(colon + 1);
      if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
          std::stoi(port) < 1 || std::stoi(port) > 65535)
        usage("--service takes HOST:PORT, not \"" + o_.service + "\"");
      service_addr_ = address(o_.service.substr(0, colon), static_cast<std::uint16_t>(std::stoi(port)));
      has_service_ = true;
    }
  }

  int run() {
    open_counts();
    if (!o_.messages.empty()) {
      std::string why = messages_.open(o_.messages, o_.node, o_.messages_limit);
      if (!why.empty()) fail(why);
    }
    bind_socket();
    start_node();
    write_node(init_message(o_.node, nodes_).dump());
    std::string out;  // what the node wrote, not yet a whole line
    char buf[65536];
    while (!g_stop) {
      pollfd fds[3] = {{sock_, POLLIN, 0}, {from_node_, POLLIN, 0}, {to_node_, POLLOUT, 0}};
      int n = ::poll(fds, to_node_buf_.empty() ? 2 : 3, 200);
      if (n < 0 && errno != EINTR) fail(std::string("poll: ") + std::strerror(errno));
      if (std::chrono::steady_clock::now() >= next_count_) {
        write_counts(false);
        messages_.flush();
      }
      if (n <= 0) continue;
      if (!to_node_buf_.empty() && (fds[2].revents & (POLLOUT | POLLERR))) flush_node();
      if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
        ssize_t got = ::read(from_node_, buf, sizeof buf);
        if (got <= 0) return node_exited();
        out.append(buf, static_cast<std::size_t>(got));
        for (std::size_t nl; (nl = out.find('\n')) != std::string::npos;) {
          std::string line = out.substr(0, nl);
          out.erase(0, nl + 1);
          if (!line.empty()) from_node(line);
        }
      }
      if (fds[0].revents & POLLIN) {
        sockaddr_in from{};
        socklen_t len = sizeof from;
        ssize_t got = ::recvfrom(sock_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
        if (got > 0) from_network(std::string(buf, static_cast<std::size_t>(got)), from);
      }
    }
    stop_node();
    log_counters();
    write_counts(true);
    messages_.flush();
    return 0;
  }

 private:
  void bind_socket() {
    std::size_t colon = o_.listen.rfind(':');
    if (colon == std::string::npos) usage("--listen takes HOST:PORT");
    sockaddr_in a = address(o_.listen.substr(0, colon), static_cast<std::uint16_t>(std::stoi(o_.listen.substr(colon + 1))));
    sock_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock_ < 0) fail(std::string("socket: ") + std::strerror(errno));
    int big = 4 << 20;
    ::setsockopt(sock_, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    if (::bind(sock_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
      fail("cannot listen on " + o_.listen + ": " + std::strerror(errno));
  }

  void start_node() {
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) fail(std::string("pipe: ") + std::strerror(errno));
    pid_t parent = ::getpid();
    child_ = ::fork();
    if (child_ < 0) fail(std::string("fork: ") + std::strerror(errno));
    if (child_ == 0) {
      // The node dies with its router: a SIGKILLed router (the kill nemesis)
      // must not leave its node running without a network.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(1);
      ::dup2(in[0], 0);
      ::dup2(out[1], 1);
      ::signal(SIGPIPE, SIG_DFL);
      std::vector<char*> args;
      for (std::string& a : o_.argv) args.push_back(a.data());
      args.push_back(nullptr);
      ::execvp(args[0], args.data());
      std::fprintf(stderr, "fl-mrouter: cannot run %s: %s\n", args[0], std::strerror(errno));
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    to_node_ = in[1];
    ::fcntl(to_node_, F_SETFL, ::fcntl(to_node_, F_GETFL) | O_NONBLOCK);
    from_node_ = out[0];
  }

  // The node's stdin never blocks the router: a node busy writing its own
  // stdout would otherwise wait for a router waiting for it. What the pipe
  // does not take now waits in to_node_buf_ for POLLOUT.
  void write_node(const std::string& line) {
    to_node_buf_ += line;
    to_node_buf_ += '\n';
    flush_node();
  }

  void flush_node() {
    while (!to_node_buf_.empty()) {
      ssize_t n = ::write(to_node_, to_node_buf_.data(), to_node_buf_.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return;
      if (n <= 0) {  // the node is gone; its exit shows on its stdout
        to_node_buf_.clear();
        return;
      }
      to_node_buf_.erase(0, static_cast<std::size_t>(n));
    }
  }

  void send(const std::string& line, const sockaddr_in& to) {
    ::sendto(sock_, line.data(), line.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  }

  // A line the node wrote.
  void from_node(const std::string& line) {
    Route r = route(line, o_.node, nodes_);
    switch (r.kind) {
      case RouteKind::Malformed:
        std::fprintf(stderr, "fl-mrouter: dropped a line from the node (%s): %.200s\n", r.why.c_str(), line.c_str());
        return;
      case RouteKind::Router:
        return;
      case RouteKind::Self:
        deliver(line);
        if (messages_.on()) {
          const std::int64_t t = now_us();
          messages_.record("recv", o_.node, o_.node, r, t, t);
        }
        return;
      case RouteKind::Node: {
        // A message forwarded in the name of a client this router knows
        // takes the client's address along; the counts are of the message.
        // A router that records tells the next one when it sent.
        std::optional<ClientAddress> client;
        auto c = client_addr_.find(r.src);
        if (c != client_addr_.end() && peer_addr_.count(r.src) == 0)
          client = ClientAddress{r.src, host_of(c->second), ntohs(c->second.sin_port)};
        const bool recording = messages_.on();
        const std::int64_t sent = recording ? now_us() : -1;
        const std::string datagram = with_metadata(line, client, sent, recording ? o_.node : std::string());
        if (datagram.size() > 65507) {
          std::fprintf(stderr, "fl-mrouter: dropped a %zu-byte message to %s: larger than a datagram\n", line.size(),
                       r.dest.c_str());
          return;
        }
        node_out_.add(line.size());
        send(datagram, peer_addr_[r.dest]);
        if (recording) messages_.record("send", o_.node, r.dest, r, sent, -1);
        return;
      }
      case RouteKind::Service:
        if (!has_service_) {
          std::fprintf(stderr, "fl-mrouter: dropped a message to %s: this router was given no --service\n",
                       r.dest.c_str());
          return;
        }
        service_out_.add(line.size());
        send(line, service_addr_);
        return;
      case RouteKind::Client:
        if (is_init_ok(r)) {
          ready_ = true;
          std::fprintf(stderr, "fl-mrouter: %s answered init\n", o_.node.c_str());
          for (const std::string& l : waiting_) deliver(l);
          waiting_.clear();
          return;
        }
        auto c = client_addr_.find(r.dest);
        if (c == client_addr_.end()) {
          std::fprintf(stderr, "fl-mrouter: dropped a message to %s: no such node, and no client of that name wrote\n",
                       r.dest.c_str());
          return;
        }
        client_out_.add(line.size());
        send(line, c->second);
        // The client's receipt is not this router's to see: the send alone.
        if (messages_.on()) messages_.record("send", o_.node, r.dest, r, now_us(), -1);
        return;
    }
  }

  // A datagram from the network.
  void from_network(const std::string& datagram, const sockaddr_in& from) {
    const std::int64_t arrived = messages_.on() ? now_us() : -1;
    Datagram d = split_datagram(datagram);
    const std::string& line = d.line;
    Route r = route(line, o_.node, nodes_);
    if (r.kind == RouteKind::Malformed) {
      std::fprintf(stderr, "fl-mrouter: dropped a datagram (%s)\n", r.why.c_str());
      return;
    }
    if (r.kind == RouteKind::Router) {
      Json body = {{"type", "health_ok"}, {"node", o_.node}, {"nodes", nodes_}, {"ready", ready_}, {"counters", counters()}};
      if (r.body.contains("msg_id")) body["in_reply_to"] = r.body["msg_id"];
      send(Json{{"src", kRouterName}, {"dest", r.src}, {"body", body}}.dump(), from);
      return;
    }
    if (r.kind != RouteKind::Self) {
      std::fprintf(stderr, "fl-mrouter: dropped a datagram for %s, which is not this node (%s)\n", r.dest.c_str(),
                   o_.node.c_str());
      return;
    }
    // fl-mservice's answers come from its address (their "src" is the service).
    if (has_service_ && same_address(service_addr_, from)) {
      service_in_.add(line.size());
      if (!ready_) waiting_.push_back(line);
      else deliver(line);
      return;
    }
    // What another router sent is a node's message, whatever its "src"
    // says: a node forwarding a client's request must not make this router
    // take the other router for the client.
    bool from_peer = peer_addr_.count(r.src) > 0;
    for (const auto& peer : peer_addr_) from_peer |= same_address(peer.second, from);
    if (from_peer) {
      node_in_.add(line.size());
      if (d.client && d.client->name == r.src && peer_addr_.count(r.src) == 0) {
        sockaddr_in client{};
        client.sin_family = AF_INET;
        client.sin_port = htons(d.client->port);
        if (::inet_pton(AF_INET, d.client->host.c_str(), &client.sin_addr) == 1) client_addr_[r.src] = client;
      }
      if (arrived >= 0) messages_.record("recv", d.from.empty() ? r.src : d.from, o_.node, r, d.sent_us, arrived);
    } else {
      client_in_.add(line.size());
      client_addr_[r.src] = from;
      // Only the arrival: the client's clock and send are not this router's to know.
      if (arrived >= 0) messages_.record("recv", r.src, o_.node, r, -1, arrived);
    }
    if (!ready_) waiting_.push_back(line);
    else deliver(line);
  }

  void deliver(const std::string& line) { write_node(line); }

  Json counters() const {
    return {{"client-to-node", client_in_.json()},
            {"node-to-client", client_out_.json()},
            {"node-to-node-sent", node_out_.json()},
            {"node-to-node-received", node_in_.json()},
            {"node-to-service", service_out_.json()},
            {"service-to-node", service_in_.json()}};
  }

  // One line per write, appended (one write(2) of a whole line, so a kill
  // leaves the lines before it whole):
  //   {"node":"n1","incarnation":"<pid>-<start ms>","final":false,"counters":{…}}
  // Each line holds this incarnation's counts so far; "final" only on the
  // last, written when the router stops (SIGTERM) or its node exits. A
  // restarted router is a new incarnation with its own lines.
  void open_counts() {
    if (o_.counters.empty()) return;
    counts_fd_ = ::open(o_.counters.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (counts_fd_ < 0) fail("cannot open " + o_.counters + ": " + std::strerror(errno));
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch()).count();
    incarnation_ = std::to_string(::getpid()) + "-" + std::to_string(ms);
    write_counts(false);
  }

  void write_counts(bool final) {
    next_count_ = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    if (counts_fd_ < 0) return;
    Json c = counters();
    if (!final && c == last_written_) return;
    last_written_ = c;
    std::string line =
        Json{{"node", o_.node}, {"incarnation", incarnation_}, {"final", final}, {"counters", c}}.dump() + "\n";
    if (::write(counts_fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
      std::fprintf(stderr, "fl-mrouter: could not write its counts to %s: %s\n", o_.counters.c_str(), std::strerror(errno));
  }

  void log_counters() {
    std::fprintf(stderr, "fl-mrouter: %s carried %s\n", o_.node.c_str(), counters().dump().c_str());
  }

  int node_exited() {
    int status = 0;
    ::waitpid(child_, &status, 0);
    if (WIFSIGNALED(status))
      std::fprintf(stderr, "fl-mrouter: the node %s was killed by signal %d\n", o_.argv[0].c_str(), WTERMSIG(status));
    else
      std::fprintf(stderr, "fl-mrouter: the node %s exited with status %d\n", o_.argv[0].c_str(), WEXITSTATUS(status));
    log_counters();
    write_counts(true);
    messages_.flush();
    return 1;
  }

  void stop_node() {
    ::close(to_node_);
    ::kill(child_, SIGTERM);
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (std::chrono::steady_clock::now() < until) {
      if (::waitpid(child_, nullptr, WNOHANG) == child_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(child_, SIGKILL);
    ::waitpid(child_, nullptr, 0);
  }

  Options o_;
  std::vector<std::string> nodes_;
  std::map<std::string, sockaddr_in> peer_addr_;
  std::map<std::string, sockaddr_in> client_addr_;
  sockaddr_in service_addr_{};
  bool has_service_ = false;
  std::string to_node_buf_;          // lines for the node's stdin the pipe has not taken yet
  std::deque<std::string> waiting_;  // datagrams that came before init_ok
  bool ready_ = false;
  int sock_ = -1, to_node_ = -1, from_node_ = -1;
  pid_t child_ = -1;
  int counts_fd_ = -1;
  MessageLog messages_;
  std::string incarnation_;
  Json last_written_;
  std::chrono::steady_clock::time_point next_count_ = std::chrono::steady_clock::now();
  Counters client_in_, client_out_, node_out_, node_in_, service_out_, service_in_;
};

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  struct sigaction sa{};
  sa.sa_handler = on_stop;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  return Router(std::move(o)).run();
}
