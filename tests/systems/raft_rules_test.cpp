// The rules of Raft that fl-course's raft design follows, without a network:
// RequestVote (§5.2, §5.4.1), AppendEntries (§5.3: consistency check,
// conflict truncation, Log Matching) and the leader's commit rule (§5.4.2,
// Figure 8) of Ongaro & Ousterhout 2014 — plus RaftLog, the persistent
// state they act on, surviving a restart from its directory.
#include <filesystem>

#include <catch2/catch.hpp>
#include <unistd.h>

#include "fl-course/raft_rules.h"

using namespace course;
namespace fs = std::filesystem;

namespace {

// A log whose entries have the given terms (commands are their indexes).
RaftLog log_of(const std::vector<std::uint64_t>& terms, std::uint64_t term = 0) {
  RaftLog log("", Durability::None);
  std::vector<LogEntry> entries;
  for (std::size_t i = 0; i < terms.size(); ++i) entries.push_back({terms[i], Json(i + 1), 0});
  if (!entries.empty()) log.append(entries);
  log.set_hard_state(std::max<std::uint64_t>(term, terms.empty() ? 0 : terms.back()), "");
  return log;
}

std::vector<std::uint64_t> terms_of(const RaftLog& log) {
  std::vector<std::uint64_t> t;
  for (std::uint64_t i = 1; i <= log.last_index(); ++i) t.push_back(log.term_at(i));
  return t;
}

AppendRequest append(std::uint64_t term, std::uint64_t prev_index, std::uint64_t prev_term,
                     const std::vector<std::uint64_t>& entry_terms, std::uint64_t commit = 0) {
  AppendRequest r;
  r.term = term;
  r.leader = "n1";
  r.prev_index = prev_index;
  r.prev_term = prev_term;
  r.leader_commit = commit;
  for (std::uint64_t t : entry_terms) r.entries.push_back({t, Json("new"), 0});
  return r;
}

struct TempDir {
  std::string path = (fs::temp_directory_path() / ("fl-raft-test-" + std::to_string(::getpid()))).string();
  TempDir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST_CASE("a log is at least as up-to-date as another when its last term is later, or equal and it is as long", "[no-cluster]") {
  CHECK(log_up_to_date(3, 1, 2, 10));
  CHECK_FALSE(log_up_to_date(2, 10, 3, 1));
  CHECK(log_up_to_date(3, 5, 3, 5));
  CHECK(log_up_to_date(3, 6, 3, 5));
  CHECK_FALSE(log_up_to_date(3, 4, 3, 5));
  CHECK(log_up_to_date(0, 0, 0, 0));
}

TEST_CASE("a vote goes to the first candidate of a term whose log is up to date, and to no other in that term", "[no-cluster]") {
  RaftLog log = log_of({1, 1, 2}, 2);
  VoteAnswer a = receive_vote(log, {3, "n2", 3, 2});
  CHECK(a.granted);
  CHECK(a.term == 3);
  CHECK(a.ticket > 0);  // the vote must reach the disk before the answer
  CHECK(log.vote() == "n2");
  CHECK_FALSE(receive_vote(log, {3, "n3", 5, 2}).granted);  // already voted in term 3
  VoteAnswer again = receive_vote(log, {3, "n2", 3, 2});
  CHECK(again.granted);  // the same candidate asking again
  CHECK(again.ticket == 0);
  CHECK(receive_vote(log, {4, "n3", 3, 2}).granted);  // a new term frees the vote
  CHECK(log.vote() == "n3");
}

TEST_CASE("a vote is refused to an older term and to a candidate whose log is behind, yet its newer term is adopted", "[no-cluster]") {
  RaftLog log = log_of({1, 2, 2}, 5);
  VoteAnswer old = receive_vote(log, {4, "n2", 3, 2});
  CHECK_FALSE(old.granted);
  CHECK(old.term == 5);
  VoteAnswer behind = receive_vote(log, {6, "n2", 5, 1});  // longer, but an older last term
  CHECK_FALSE(behind.granted);
  CHECK(behind.term == 6);  // the term moved on and the vote is free
  CHECK(log.term() == 6);
  CHECK(log.vote().empty());
  CHECK_FALSE(receive_vote(log, {6, "n3", 2, 2}).granted);  // same last term, shorter
  CHECK(receive_vote(log, {6, "n3", 3, 2}).granted);
}

TEST_CASE("AppendEntries is refused for an older term and when the log has no matching entry at prevLogIndex", "[no-cluster]") {
  RaftLog log = log_of({1, 1, 2}, 3);
  CHECK_FALSE(receive_append(log, append(2, 3, 2, {2})).success);
  AppendAnswer missing = receive_append(log, append(3, 5, 3, {3}));
  CHECK_FALSE(missing.success);
  CHECK(missing.conflict == 4);  // the end of the short log
  AppendAnswer wrong = receive_append(log, append(3, 3, 3, {3}));
  CHECK_FALSE(wrong.success);
  CHECK(wrong.conflict == 3);  // the first index of the conflicting term 2
  CHECK(terms_of(log) == std::vector<std::uint64_t>{1, 1, 2});  // nothing changed
}

TEST_CASE("AppendEntries deletes a conflicting entry and all that follow, then appends the leader's", "[no-cluster]") {
  RaftLog log = log_of({1, 1, 2, 2, 2}, 2);
  AppendAnswer a = receive_append(log, append(4, 2, 1, {3, 4}));
  CHECK(a.success);
  CHECK(a.match == 4);
  CHECK(terms_of(log) == std::vector<std::uint64_t>{1, 1, 3, 4});
  CHECK(log.term() == 4);
}

TEST_CASE("a delayed, shorter AppendEntries never cuts entries that match", "[no-cluster]") {
  RaftLog log = log_of({1, 1, 1, 1}, 1);
  AppendAnswer a = receive_append(log, append(1, 1, 1, {1}));
  CHECK(a.success);
  CHECK(a.match == 2);
  CHECK(a.ticket == 0);  // nothing to write
  CHECK(terms_of(log) == std::vector<std::uint64_t>{1, 1, 1, 1});
}

TEST_CASE("after AppendEntries two logs that agree on an entry's index and term agree on everything before it", "[no-cluster]") {
  // Log Matching: the leader's log, and followers that start anywhere
  // behind or diverged, end up identical up to what was sent.
  std::vector<std::uint64_t> leader = {1, 1, 1, 4, 4, 5, 5, 6, 6, 6};
  for (const auto& start : std::vector<std::vector<std::uint64_t>>{
           {1, 1, 1, 4, 4, 5, 5, 6, 6}, {1, 1, 1, 4}, {1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6},
           {1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7}, {1, 1, 1, 4, 4, 4, 4}, {1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3}}) {
    RaftLog follower = log_of(start, start.back());
    // The leader backs nextIndex off by the follower's hint until it matches.
    std::uint64_t next = leader.size() + 1;
    for (int round = 0; round < 20; ++round) {
      std::uint64_t prev = next - 1;
      std::vector<std::uint64_t> send(leader.begin() + static_cast<long>(prev), leader.end());
      AppendAnswer a = receive_append(follower, append(8, prev, prev ? leader[prev - 1] : 0, send));
      if (a.success) break;
      next = std::max<std::uint64_t>(1, std::min(a.conflict, next - 1));
    }
    std::vector<std::uint64_t> got = terms_of(follower);
    REQUIRE(got.size() >= leader.size());
    got.resize(leader.size());
    CHECK(got == leader);
  }
}

TEST_CASE("a follower commits up to the leader's commit index but never past the entries it was sent", "[no-cluster]") {
  CHECK(follower_commit(2, append(1, 3, 1, {1, 1}, 10)) == 5);
  CHECK(follower_commit(2, append(1, 3, 1, {1, 1}, 4)) == 4);
  CHECK(follower_commit(6, append(1, 3, 1, {1}, 4)) == 6);  // never goes back
}

TEST_CASE("the leader commits the largest index a majority holds, but only counting an entry of its own term", "[no-cluster]") {
  RaftLog log = log_of({1, 1, 2, 3, 3}, 3);
  // Five servers (the leader's own match first).
  CHECK(leader_commit(log, 3, 0, {5, 5, 4, 1, 0}) == 4);
  CHECK(leader_commit(log, 3, 0, {5, 5, 5, 0, 0}) == 5);
  CHECK(leader_commit(log, 3, 0, {5, 4, 0, 0, 0}) == 0);  // 4 is on two of five
  // Figure 8: index 3 (term 2) is on a majority, but a leader of term 3 may
  // not commit it by counting; it commits with an entry of term 3.
  CHECK(leader_commit(log, 3, 2, {3, 3, 3, 1, 1}) == 2);
  CHECK(leader_commit(log, 3, 2, {4, 4, 4, 1, 1}) == 4);
  CHECK(leader_commit(log, 4, 2, {5, 5, 5, 5, 5}) == 2);  // nothing of term 4 yet
  CHECK(leader_commit(log, 3, 1, {5, 5, 5}) == 5);        // three servers
}

TEST_CASE("term, vote and log survive a restart from the node's directory, with no-persist nothing does", "[no-cluster]") {
  TempDir dir;
  {
    RaftLog log(dir.path, Durability::Fsync);
    log.append({{1, Json("a"), 0}, {1, Json("b"), 0}, {2, Json("c"), 0}});
    log.set_hard_state(3, "n2");
    receive_append(log, append(3, 1, 1, {3, 3}));  // cuts "b", "c"
    log.sync(log.last_ticket());
    log.synced(log.last_ticket());
    CHECK(log.durable_index() == 3);
  }
  RaftLog again(dir.path, Durability::Fsync);
  CHECK(again.term() == 3);
  CHECK(again.vote() == "n2");
  CHECK(terms_of(again) == std::vector<std::uint64_t>{1, 3, 3});
  CHECK(again.at(1).command == "a");
  CHECK(again.durable_index() == 3);

  RaftLog forgetful(dir.path + "/none", Durability::None);
  forgetful.append({{1, Json("x"), 0}});
  forgetful.set_hard_state(1, "n1");
  RaftLog restarted(dir.path + "/none", Durability::None);
  CHECK(restarted.term() == 0);
  CHECK(restarted.last_index() == 0);
}

TEST_CASE("the durable index covers only entries whose write has been synced", "[no-cluster]") {
  RaftLog log("", Durability::None);
  std::uint64_t t1 = log.append({{1, Json(1), 0}, {1, Json(2), 0}});
  std::uint64_t t2 = log.append({{1, Json(3), 0}});
  CHECK(log.durable_index() == 0);
  log.synced(t1);
  CHECK(log.durable_index() == 2);
  log.synced(t2);
  CHECK(log.durable_index() == 3);
  log.truncate_from(2);
  CHECK(log.durable_index() == 1);
  log.append({{2, Json(4), 0}});
  CHECK(log.durable_index() == 1);  // the new entry 2 is not on disk yet
}
