#include "peers.h"

#include <condition_variable>

#include <httplib.h>

#include "flags.h"

namespace course {

std::vector<Member> parse_members(const std::string& peers) {
  std::vector<Member> out;
  std::size_t start = 0;
  while (start <= peers.size()) {
    std::size_t end = peers.find(',', start);
    if (end == std::string::npos) end = peers.size();
    std::string item = peers.substr(start, end - start);
    start = end + 1;
    if (item.empty()) continue;
    auto eq = item.find('='), colon = item.rfind(':');
    if (eq == std::string::npos || colon == std::string::npos || colon < eq)
      throw FlagError("--peers needs name=host:port entries separated by commas, not \"" + item + "\"");
    Member m{item.substr(0, eq), item.substr(eq + 1, colon - eq - 1), 0};
    try {
      m.port = std::stoi(item.substr(colon + 1));
    } catch (const std::exception&) {
      m.port = 0;
    }
    if (m.name.empty() || m.host.empty() || m.port <= 0 || m.port > 65535)
      throw FlagError("--peers entry \"" + item + "\" needs a name, a host and a port");
    out.push_back(m);
  }
  if (out.empty()) throw FlagError("--peers names no node");
  return out;
}

// Idle keep-alive connections to one peer. httplib's Client runs one request
// at a time, so each caller takes its own and gives it back if it is healthy.
struct PeerClient::Pool {
  Member member;
  std::mutex mu;
  std::vector<std::unique_ptr<httplib::Client>> idle;

  std::unique_ptr<httplib::Client> take() {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!idle.empty()) {
        auto c = std::move(idle.back());
        idle.pop_back();
        return c;
      }
    }
    auto c = std::make_unique<httplib::Client>(member.host, member.port);
    c->set_keep_alive(true);
    c->set_tcp_nodelay(true);
    return c;
  }
  void give_back(std::unique_ptr<httplib::Client> c) {
    std::lock_guard<std::mutex> lock(mu);
    if (idle.size() < 32) idle.push_back(std::move(c));
  }
};

PeerClient::PeerClient(std::vector<Member> members, PeerTimeouts timeouts) : timeouts_(timeouts), workers_(48) {
  for (auto& m : members) members_[m.name] = m;
}

PeerClient::~PeerClient() = default;

PeerClient::Pool& PeerClient::pool_of(const std::string& peer) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& p = pools_[peer];
  if (!p) {
    p = std::make_unique<Pool>();
    p->member = members_.at(peer);
  }
  return *p;
}

namespace {

void set_timeouts(httplib::Client& c, std::chrono::milliseconds connect, std::chrono::milliseconds total) {
  auto sec = [](std::chrono::milliseconds ms) { return static_cast<time_t>(ms.count() / 1000); };
  auto usec = [](std::chrono::milliseconds ms) { return static_cast<time_t>((ms.count() % 1000) * 1000); };
  c.set_connection_timeout(sec(connect), usec(connect));
  c.set_read_timeout(sec(total), usec(total));
  c.set_write_timeout(sec(total), usec(total));
}

}  // namespace

Call PeerClient::call(const std::string& peer, const std::string& path, const Json& body,
                      std::chrono::milliseconds timeout) {
  Call out;
  out.peer = peer;
  if (!members_.count(peer)) {
    out.failure = Call::Failure::NotSent;
    out.error = "no such peer " + peer;
    return out;
  }
  if (timeout.count() <= 0) timeout = timeouts_.request;
  Pool& pool = pool_of(peer);
  auto client = pool.take();
  set_timeouts(*client, std::min(timeouts_.connect, timeout), timeout);
  httplib::Result r = body.is_null() ? client->Get(path.c_str())
                                     : client->Post(path.c_str(), body.dump(), "application/json");
  if (!r) {
    httplib::Error e = r.error();
    // Only a connect that never completed proves the request was not sent.
    out.failure = (e == httplib::Error::Connection || e == httplib::Error::ConnectionTimeout)
                      ? Call::Failure::NotSent
                      : Call::Failure::Unknown;
    out.error = peer + ": " + httplib::to_string(e);
    return out;  // the connection is dropped with `client`
  }
  out.failure = Call::Failure::None;
  out.status = r->status;
  out.body = Json::parse(r->body, nullptr, false);
  if (out.body.is_discarded()) out.body = nullptr;
  pool.give_back(std::move(client));
  return out;
}

std::vector<Call> PeerClient::fan_out(const std::vector<std::string>& to, const std::string& path, const Json& body,
                                      std::size_t need, std::chrono::milliseconds timeout, Good good) {
  if (timeout.count() <= 0) timeout = timeouts_.request;
  if (!good) good = [](const Call& c) { return c.ok(); };
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<Call> calls;
    std::size_t done = 0, good = 0;
  };
  auto st = std::make_shared<State>();
  st->calls.resize(to.size());
  for (std::size_t i = 0; i < to.size(); ++i) st->calls[i].peer = to[i];
  // A little longer than one call, so a call that times out is seen as such.
  auto deadline = std::chrono::steady_clock::now() + timeout + std::chrono::milliseconds(50);
  for (std::size_t i = 0; i < to.size(); ++i) {
    workers_.submit([this, st, i, peer = to[i], path, body, timeout, good] {
      Call c = call(peer, path, body, timeout);
      std::lock_guard<std::mutex> lock(st->mu);
      bool g = good(c);
      st->calls[i] = std::move(c);
      ++st->done;
      if (g) ++st->good;
      st->cv.notify_all();
    });
  }
  std::unique_lock<std::mutex> lock(st->mu);
  st->cv.wait_until(lock, deadline, [&] { return st->good >= need || st->done == to.size(); });
  return st->calls;  // a copy: calls still running keep writing into st, not here
}

void PeerClient::post_async(const std::string& peer, const std::string& path, const Json& body) {
  workers_.submit([this, peer, path, body] { call(peer, path, body); });
}

}  // namespace course
