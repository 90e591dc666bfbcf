#include "systems/postgres/pg_session.h"

#include <poll.h>

#include <chrono>

#include <libpq-fe.h>

#include "history/wire_log.h"

namespace fl {
namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

PgSession::PgSession(std::string conninfo, double timeout_s) : conninfo_(std::move(conninfo)), timeout_s_(timeout_s) {}

PgSession::~PgSession() { close(); }

void PgSession::close() {
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
}

bool PgSession::wait(bool for_write, double deadline) {
  for (;;) {
    double left = deadline - now_s();
    if (left <= 0) return false;
    pollfd p{PQsocket(conn_), static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
    int r = ::poll(&p, 1, static_cast<int>(left * 1000) + 1);
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) return false;
  }
}

bool PgSession::connect(std::string& why) {
  if (conn_) return true;
  double deadline = now_s() + timeout_s_;
  conn_ = PQconnectStart(conninfo_.c_str());
  if (!conn_) {
    why = "out of memory for a connection";
    return false;
  }
  PostgresPollingStatusType st = PGRES_POLLING_WRITING;
  while (st != PGRES_POLLING_OK) {
    if (st == PGRES_POLLING_FAILED || PQstatus(conn_) == CONNECTION_BAD) {
      why = PQerrorMessage(conn_);
      close();
      return false;
    }
    if (!wait(st == PGRES_POLLING_WRITING, deadline)) {
      why = "connecting timed out";
      close();
      return false;
    }
    st = PQconnectPoll(conn_);
  }
  PQsetnonblocking(conn_, 1);
  // Server messages outside a statement's result ("terminating connection
  // due to unexpected postmaster exit" when a node is killed) are the
  // server's log's business, not the console's: libpq would print them.
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  return true;
}

namespace {

// The statement as psql would take it: $N replaced by its parameter as a
// literal ('…' with quotes doubled, or NULL), highest N first so $1 never
// eats the start of $10.
std::string with_literals(std::string sql, const std::vector<std::optional<std::string>>& params) {
  for (std::size_t n = params.size(); n >= 1; --n) {
    std::string token = "$" + std::to_string(n), literal = "NULL";
    if (params[n - 1]) {
      literal = "'";
      for (char c : *params[n - 1]) literal += c == '\'' ? std::string("''") : std::string(1, c);
      literal += "'";
    }
    for (std::size_t at = sql.find(token); at != std::string::npos; at = sql.find(token, at + literal.size()))
      sql.replace(at, token.size(), literal);
  }
  return sql;
}

// What came back, as psql would show it in one line.
std::string answer_text(const PgResult& r) {
  if (r.connection_lost) return "connection lost: " + r.error;
  if (!r.ok) return "ERROR " + r.sqlstate + ": " + r.error;
  std::string out = "OK";
  for (const auto& row : r.rows) {
    out += out == "OK" ? " " : "; ";
    for (std::size_t i = 0; i < row.size(); ++i) out += (i ? "|" : "") + (row[i] ? *row[i] : std::string("NULL"));
  }
  return out;
}

}  // namespace

PgResult PgSession::exec(const std::string& sql, const std::vector<std::optional<std::string>>& params) {
  if (!wire_recording()) return run(sql, params);
  auto sent = std::chrono::steady_clock::now();
  PgResult r = run(sql, params);
  std::optional<std::chrono::steady_clock::time_point> answered;
  if (!r.connection_lost) answered = std::chrono::steady_clock::now();
  wire_exchange(sent, answered, with_literals(sql, params), answer_text(r));
  return r;
}

PgResult PgSession::run(const std::string& sql, const std::vector<std::optional<std::string>>& params) {
  PgResult out;
  if (!conn_) {
    out.connection_lost = true;
    out.error = "not connected";
    return out;
  }
  double deadline = now_s() + timeout_s_;
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  auto lost = [&](const std::string& why) {
    out.connection_lost = true;
    out.error = why;
    close();
    return out;
  };
  if (!PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                         nullptr, 0))
    return lost(PQerrorMessage(conn_));
  for (;;) {
    int f = PQflush(conn_);
    if (f == 0) break;
    if (f < 0 || !wait(true, deadline)) return lost(f < 0 ? PQerrorMessage(conn_) : "timed out sending");
  }
  PGresult* last = nullptr;
  for (;;) {
    while (PQisBusy(conn_)) {
      if (!wait(false, deadline)) {
        if (last) PQclear(last);
        return lost("timed out waiting for the server");
      }
      if (!PQconsumeInput(conn_)) {
        if (last) PQclear(last);
        return lost(PQerrorMessage(conn_));
      }
    }
    PGresult* r = PQgetResult(conn_);
    if (!r) break;
    if (last) PQclear(last);
    last = r;
  }
  if (!last) return lost(PQerrorMessage(conn_));
  ExecStatusType st = PQresultStatus(last);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
    out.ok = true;
    for (int i = 0; i < PQntuples(last); ++i) {
      std::vector<std::optional<std::string>> row;
      for (int j = 0; j < PQnfields(last); ++j)
        row.push_back(PQgetisnull(last, i, j) ? std::nullopt : std::optional<std::string>(PQgetvalue(last, i, j)));
      out.rows.push_back(std::move(row));
    }
  } else {
    const char* code = PQresultErrorField(last, PG_DIAG_SQLSTATE);
    out.sqlstate = code ? code : "";
    out.error = PQresultErrorMessage(last);
    while (!out.error.empty() && out.error.back() == '\n') out.error.pop_back();
    if (PQstatus(conn_) == CONNECTION_BAD) {
      PQclear(last);
      return lost(out.error);
    }
  }
  PQclear(last);
  return out;
}

bool pg_ready(const std::string& conninfo) { return PQping(conninfo.c_str()) == PQPING_OK; }

}  // namespace fl
