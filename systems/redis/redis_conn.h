// RedisConnection: one hiredis connection to one Redis server or Sentinel,
// with connect and command timeouts. command() sends one command (argv, each
// word binary-safe) and returns the reply; what went wrong is told apart the
// way a Jepsen client must: could not connect (nothing was sent), the server
// answered with an error (the command was refused), or the connection failed
// after sending (the command may or may not have run).
// Not thread-safe: one connection per client.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fl {

struct RedisReply {
  enum class Kind { kNotConnected, kLost, kError, kNil, kString, kInteger, kArray, kStatus };
  Kind kind = Kind::kNotConnected;
  std::string str;                   // string, status, error text, or why the connection failed
  long long integer = 0;
  std::vector<RedisReply> elements;  // kArray
  bool timed_out = false;            // kLost because the reply did not come in time

  bool ok() const { return kind != Kind::kNotConnected && kind != Kind::kLost && kind != Kind::kError; }
};

class RedisConnection {
 public:
  RedisConnection(std::string host, int port, double timeout_s);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Connects if not connected; after a lost connection, the next command
  // connects afresh.
  // The command and its reply go to the run's wire log (history/wire_log.h).
  RedisReply command(const std::vector<std::string>& argv);
  bool connected() const { return ctx_ != nullptr; }
  void close();

 private:
  RedisReply send(const std::vector<std::string>& argv);

 public:
  const std::string& host() const { return host_; }
  int port() const { return port_; }

 private:
  std::string host_;
  int port_;
  double timeout_s_;
  void* ctx_ = nullptr;  // redisContext*
};

// One command on a fresh connection (for setup and health checks).
RedisReply redis_once(const std::string& host, int port, const std::vector<std::string>& argv, double timeout_s);
// "field:value" lines of INFO, or the flat [k, v, k, v] arrays of SENTINEL
// MASTER, as a map.
std::vector<std::pair<std::string, std::string>> redis_info_fields(const RedisReply& r);

}  // namespace fl
