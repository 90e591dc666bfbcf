// PgSession: one libpq connection with a deadline on every statement (libpq
// blocks otherwise; a partition would hang a worker). Statements run through
// the asynchronous API and poll(2); a statement not answered in time, or a
// connection lost, leaves the session broken (closed), to be reconnected by
// the next begin(). Errors carry their SQLSTATE, so a client can tell a
// serialization failure (40001) from a lost connection.
// Not thread-safe: one session per client.
#pragma once

#include <optional>
#include <string>
#include <vector>

struct pg_conn;

namespace fl {

struct PgResult {
  bool ok = false;
  bool connection_lost = false;  // timed out or the connection broke: outcome unknown
  std::string sqlstate;          // e.g. "40001" when the server refused
  std::string error;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

class PgSession {
 public:
  PgSession(std::string conninfo, double timeout_s);
  ~PgSession();
  PgSession(const PgSession&) = delete;
  PgSession& operator=(const PgSession&) = delete;

  // Connects if needed; false (with why) when the server cannot be reached.
  bool connect(std::string& why);
  // One statement with text parameters (NULL for nullopt). The statement,
  // its parameters written in as SQL literals, and what came back go to the
  // run's wire log (history/wire_log.h).
  PgResult exec(const std::string& sql, const std::vector<std::optional<std::string>>& params = {});
  void close();
  bool connected() const { return conn_ != nullptr; }

 private:
  PgResult run(const std::string& sql, const std::vector<std::optional<std::string>>& params);
  bool wait(bool for_write, double deadline_s);
  std::string conninfo_;
  double timeout_s_;
  pg_conn* conn_ = nullptr;
};

// True when a server answers at conninfo within timeout_s (PQping).
bool pg_ready(const std::string& conninfo);

}  // namespace fl
